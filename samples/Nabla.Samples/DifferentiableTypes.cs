// Differentiable types (API.md §4) in the samples tour: the seed's perceptron, its podcast speed model, and an
// oscillator written with a State struct whose parameters are fitted to an observed trajectory.
using System;
using System.Numerics;
using Nabla;

namespace Nabla.Samples;

/// <summary>The seed's perceptron: a weight vector and a bias, learning an AND gate.</summary>
[Differentiable]
public partial struct Perceptron
{
    public Vector2 Weight;
    public float Bias;

    [Differentiable]
    public float Predict(Vector2 input) => Vector2.Dot(Weight, input) + Bias;
}

public enum PodcastCategory { Comedy, News, Science, Fiction }

public enum PodcastSection { Advertisement, Introduction, Body, Conclusion }

/// <summary>The seed's podcast speed model: a speed per category and section, clamped to a user's range.</summary>
[Differentiable]
public partial struct PodcastSpeedModel
{
    public float MinSpeed;
    public float MaxSpeed;
    /// <summary>Indexed by <see cref="PodcastCategory"/>.</summary>
    public float[] CategoryMultipliers;
    /// <summary>Indexed by <see cref="PodcastSection"/>.</summary>
    public float[] SectionMultipliers;

    /// <summary>A playback speed for a podcast of this category, in this section.</summary>
    [Differentiable]
    public float Prediction(PodcastCategory category, PodcastSection section)
    {
        float speed = CategoryMultipliers[(int)category] * SectionMultipliers[(int)section];
        if (speed < MinSpeed) return MinSpeed;
        if (speed > MaxSpeed) return MaxSpeed;
        return speed;
    }
}

/// <summary>The state of a mass–spring–damper: position and velocity.</summary>
[Differentiable]
public partial struct OscillatorState
{
    public double Position;
    public double Velocity;
}

/// <summary>What the fit recovers: stiffness and damping (per unit mass).</summary>
[Differentiable]
public partial struct OscillatorParameters
{
    public double Stiffness;
    public double Damping;
}

public static partial class TypedModels
{
    /// <summary>The perceptron's squared error over a data set.</summary>
    [Differentiable]
    public static float PerceptronLoss(Perceptron model, [NoDerivative] Vector2[] inputs, [NoDerivative] float[] targets)
    {
        float loss = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            float error = targets[i] - model.Predict(inputs[i]);
            loss += error * error / 2;
        }
        return loss;
    }

    /// <summary>The seed's objective: the mean absolute error of the model's speeds against the user's.</summary>
    [Differentiable]
    public static float MeanError(PodcastSpeedModel model, [NoDerivative] PodcastCategory[] categories, [NoDerivative] PodcastSection[] sections,
        [NoDerivative] float[] userSpeeds)
    {
        float error = 0;
        for (int i = 0; i < userSpeeds.Length; i++)
            error += MathF.Abs(model.Prediction(categories[i], sections[i]) - userSpeeds[i]);
        return error / userSpeeds.Length;
    }

    /// <summary>One semi-implicit Euler step of x″ = −k·x − c·x′.</summary>
    [Differentiable]
    public static OscillatorState Step(OscillatorState s, OscillatorParameters p, double dt)
    {
        double acceleration = -p.Stiffness * s.Position - p.Damping * s.Velocity;
        var next = s;
        next.Velocity += acceleration * dt;
        next.Position += next.Velocity * dt;
        return next;
    }

    /// <summary>The squared distance of the simulated trajectory (from x = 1 at rest) to an observed one.</summary>
    [Differentiable]
    public static double Misfit(OscillatorParameters p, [NoDerivative] double[] observed, double dt)
    {
        var state = new OscillatorState { Position = 1, Velocity = 0 };
        double misfit = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            state = Step(state, p, dt);
            double d = state.Position - observed[i];
            misfit += d * d;
        }
        return misfit;
    }

    /// <summary>The trajectory of the true system: the observation.</summary>
    public static double[] Observe(OscillatorParameters p, int steps, double dt)
    {
        var trajectory = new double[steps];
        var state = new OscillatorState { Position = 1 };
        for (int i = 0; i < steps; i++)
        {
            state = Step(state, p, dt);
            trajectory[i] = state.Position;
        }
        return trajectory;
    }
}
