// SGD, momentum (classical and Nesterov) and Adam/AdamW: first steps against values computed by hand from the update
// formulas, convergence on a quadratic and on Rosenbrock's function, and models (struct by ref, class by reference)
// following exactly the trajectory of the same optimizer on a flat array.
using System;
using Xunit;

namespace Nabla.Tests.Optimizers;

public class FirstOrderTests
{
    /// <summary>One parameter θ₀ = 1 and the gradients 2, −1, 0.5 fed in turn, whatever θ is.</summary>
    static double[] Trajectory(FirstOrderOptimizer optimizer, params double[] gradients)
    {
        var theta = new[] { 1.0 };
        var result = new double[gradients.Length];
        for (int t = 0; t < gradients.Length; t++)
        {
            optimizer.Update(theta, new[] { gradients[t] });
            result[t] = theta[0];
        }
        return result;
    }

    static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-15 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void SgdFirstStepsAreThetaMinusRateTimesGradient()
    {
        var t = Trajectory(new Sgd(learningRate: 0.1), 2, -1, 0.5);
        Near(0.8, t[0]);    // 1 − 0.1·2
        Near(0.9, t[1]);    // 0.8 + 0.1
        Near(0.85, t[2]);   // 0.9 − 0.05
    }

    [Fact]
    public void MomentumFirstStepsMatchTheVelocityFormulas()
    {
        // v ← 0.9 v + g; θ ← θ − 0.1 v:  v = 2, 0.8, 1.22;  θ = 0.8, 0.72, 0.598.
        var classical = Trajectory(new Momentum(learningRate: 0.1, momentum: 0.9), 2, -1, 0.5);
        Near(0.8, classical[0]);
        Near(0.72, classical[1]);
        Near(0.598, classical[2]);

        // Nesterov: θ ← θ − 0.1 (g + 0.9 v):  θ = 1 − 0.38, 0.62 + 0.028, 0.648 − 0.1598.
        var nesterov = Trajectory(new Momentum(learningRate: 0.1, momentum: 0.9, nesterov: true), 2, -1, 0.5);
        Near(0.62, nesterov[0]);
        Near(0.648, nesterov[1]);
        Near(0.4882, nesterov[2]);
    }

    [Fact]
    public void AdamFirstStepsMatchThePaperWithBiasCorrection()
    {
        // Kingma & Ba, Algorithm 1, with η = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, evaluated in 40-digit decimals.
        var adam = new Adam(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8);
        var t = Trajectory(adam, 2, -1, 0.5);
        Near(0.9000000004999999975, t[0]);   // m̂ = 2, v̂ = 4: θ = 1 − 0.1·2/(2 + 1e-8)
        Near(0.8733662967024313578, t[1]);
        Near(0.8393233821389424718, t[2]);
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void AdamWDecaysTheParametersDecoupledFromTheGradient()
    {
        // θ ← θ·(1 − η·λ) − η·m̂/(√v̂ + ε) with λ = 0.01.
        var t = Trajectory(new Adam(learningRate: 0.1, weightDecay: 0.01), 2, -1);
        Near(0.8990000004999999975, t[0]);
        Near(0.8714672967019313578, t[1]);
    }

    [Fact]
    public void AdamOnALongArrayIsElementwiseAdamBitForBit()
    {
        // A long array goes through the vectorized loop (and its scalar remainder); each element must come out exactly
        // as a one-element Adam (the scalar loop) computes it, with and without weight decay.
        foreach (double decay in new[] { 0.0, 0.01 })
        {
            const int n = 1003;
            var x = new double[n];
            var adam = new Adam(learningRate: 0.01, weightDecay: decay);
            var singles = new Adam[n];
            var xs = new double[n];
            for (int i = 0; i < n; i++)
            {
                singles[i] = new Adam(learningRate: 0.01, weightDecay: decay);
                x[i] = xs[i] = Math.Cos(i);
            }
            var g = new double[n];
            for (int step = 0; step < 5; step++)
            {
                for (int i = 0; i < n; i++)
                    g[i] = Math.Sin(i * (step + 1)) + 0.5 * x[i];
                adam.Update(x, g);
                for (int i = 0; i < n; i++)
                {
                    var one = new[] { xs[i] };
                    singles[i].Update(one, new[] { g[i] });
                    xs[i] = one[0];
                }
                Assert.Equal(xs, x);
            }
        }
    }

    [Fact]
    public void AdamOnALongFloatArrayIsElementwiseAdamBitForBit()
    {
        const int n = 1003;
        var x = new float[n];
        var xs = new float[n];
        var adam = new Adam(learningRate: 0.01, weightDecay: 0.01);
        var singles = new Adam[n];
        for (int i = 0; i < n; i++)
        {
            singles[i] = new Adam(learningRate: 0.01, weightDecay: 0.01);
            x[i] = xs[i] = MathF.Cos(i);
        }
        var g = new float[n];
        for (int step = 0; step < 5; step++)
        {
            for (int i = 0; i < n; i++)
                g[i] = MathF.Sin(i * (step + 1)) + 0.5f * x[i];
            adam.Update(x, g);
            for (int i = 0; i < n; i++)
            {
                var one = new[] { xs[i] };
                singles[i].Update(one, new[] { g[i] });
                xs[i] = one[0];
            }
            Assert.Equal(xs, x);
        }
    }

    [Fact]
    public void FloatArraysAreUpdatedInDoubleAndRoundedOnce()
    {
        var theta = new[] { 1f, -3f };
        var adam = new Adam(learningRate: 0.1);
        adam.Update(theta, new[] { 2f, 0f });
        Assert.Equal((float)0.9000000004999999975, theta[0]);
        Assert.Equal(-3f, theta[1]);   // zero gradient: m = v = 0, no step
    }

    [Fact]
    public void ResetAndAChangeOfLengthStartTheStateOver()
    {
        var adam = new Adam(learningRate: 0.1);
        var theta = new[] { 1.0 };
        adam.Update(theta, new[] { 2.0 });
        adam.Reset();
        theta[0] = 1;
        adam.Update(theta, new[] { 2.0 });
        Near(0.9000000004999999975, theta[0]);

        var two = new[] { 1.0, 1.0 };
        adam.Update(two, new[] { 2.0, 2.0 });   // a new length: a first step again
        Near(0.9000000004999999975, two[0]);
        Near(0.9000000004999999975, two[1]);
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void MismatchedLengthsAndBadHyperparametersThrow()
    {
        Assert.Throws<ArgumentException>(() => new Sgd(0.1).Update(new double[2], new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum(0.1, momentum: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(weightDecay: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam().LearningRate = double.PositiveInfinity);
    }

    public static TheoryData<string> Optimizers => new() { "sgd", "momentum", "nesterov", "adam" };

    static FirstOrderOptimizer Make(string name, double rate) => name switch
    {
        "sgd" => new Sgd(rate),
        "momentum" => new Momentum(rate, momentum: 0.9),
        "nesterov" => new Momentum(rate, momentum: 0.9, nesterov: true),
        _ => new Adam(rate),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ConvergesOnAQuadraticWithAKnownMinimum(string name)
    {
        // Curvatures 1, 4, 10: SGD contracts by 0.9 per step at η = 0.1; momentum at η = 0.05; Adam at η = 0.05.
        var optimizer = Make(name, name == "sgd" ? 0.1 : 0.05);
        var x = new double[3];
        var g = new double[3];
        for (int step = 0; step < 1000; step++)
        {
            Problems.Quadratic(x, g);
            optimizer.Update(x, g);
        }
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(x[i] - Problems.C[i]) <= 1e-12, $"{name}: x[{i}] = {x[i]:R}, minimum at {Problems.C[i]}");
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void ConvergesOnRosenbrockFromTheClassicStart(string name)
    {
        // From (−1.2, 1) along the curved valley to (1, 1). Step sizes are the largest round ones that are stable
        // in the valley's steep direction (curvature ≈ 1000 at the minimum); SGD and momentum need tens of thousands
        // of steps, which is why L-BFGS exists.
        var (optimizer, steps, tolerance) = name switch
        {
            "sgd" => (Make(name, 1e-3), 50_000, 1e-7),
            "momentum" or "nesterov" => (Make(name, 1e-4), 50_000, 1e-7),
            _ => (Make(name, 1e-3), 25_000, 1e-8),
        };
        var x = new[] { -1.2, 1.0 };
        var g = new double[2];
        for (int step = 0; step < steps; step++)
        {
            // With a constant step Adam reaches the minimum and keeps making excursions of order η from it; it needs a
            // decaying step to settle: η = 10⁻³ for 12,000 steps, then shrinking by 0.05% a step (to 1.5·10⁻⁶).
            if (name == "adam" && step >= 12_000)
                optimizer.LearningRate *= 0.9995;
            (_, g[0], g[1]) = Problems.Rosenbrock2(x[0], x[1]);
            optimizer.Update(x, g);
        }
        Assert.True(Math.Abs(x[0] - 1) <= tolerance && Math.Abs(x[1] - 1) <= tolerance, $"{name}: ({x[0]:R}, {x[1]:R})");
    }

    [Fact]
    public void TheGeneratedRosenbrockGradientIsTheClosedForm()
    {
        var (f, dx, dy) = Problems.Rosenbrock2(-1.2, 1);
        var (value, gradient) = Problems.RosenbrockWithGradient(new[] { -1.2, 1.0 });
        Assert.Equal(f, value, 12);
        Assert.Equal(dx, gradient[0], 10);
        Assert.Equal(dy, gradient[1], 10);
        Assert.Equal(gradient, Problems.RosenbrockGradient(new[] { -1.2, 1.0 }));
    }

    static void Train<TModel, TTangent>(IOptimizer<TModel, TTangent> optimizer, ref TModel model, Func<TModel, TTangent> gradient, int steps)
        where TModel : IDifferentiable<TModel, TTangent>
        where TTangent : ITangent<TTangent>
    {
        for (int i = 0; i < steps; i++)
            optimizer.Update(ref model, gradient(model));
    }

    static IOptimizer<TModel, TTangent> MakeFor<TModel, TTangent>(string name, double rate)
        where TModel : IDifferentiable<TModel, TTangent>
        where TTangent : ITangent<TTangent> => name switch
    {
        "sgd" => new Sgd<TModel, TTangent>(rate),
        "momentum" => new Momentum<TModel, TTangent>(rate, momentum: 0.9),
        "nesterov" => new Momentum<TModel, TTangent>(rate, momentum: 0.9, nesterov: true),
        _ => new Adam<TModel, TTangent>(rate),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void AStructModelThroughRefFollowsTheArrayTrajectoryExactly(string name)
    {
        // Rosenbrock on a Vec2 model and on a double[2]: the flat view must make the two runs identical, bit for bit.
        var model = new Vec2(-1.2, 1);
        var optimizer = MakeFor<Vec2, Vec2.Tangent>(name, 1e-4);
        var x = new[] { -1.2, 1.0 };
        var flat = Make(name, 1e-4);
        var g = new double[2];
        for (int step = 0; step < 500; step++)
        {
            var (_, dx, dy) = Problems.Rosenbrock2(model.X, model.Y);
            optimizer.Update(ref model, new Vec2.Tangent(dx, dy));
            (_, g[0], g[1]) = Problems.Rosenbrock2(x[0], x[1]);
            flat.Update(x, g);
            Assert.Equal(x[0], model.X);
            Assert.Equal(x[1], model.Y);
        }
        Assert.True(Problems.Rosenbrock2(model.X, model.Y).Value < Problems.Rosenbrock2(-1.2, 1).Value);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void AClassModelIsUpdatedInPlaceAndFollowsTheArrayTrajectory(string name)
    {
        // f(w, b) = Σ aᵢ(wᵢ − cᵢ)²/2 + (b − 3)²/2 on an Affine object; the array run has (w, b) flattened.
        var model = new Affine(new double[2], 0);
        Affine alias = model;
        var optimizer = MakeFor<Affine, Affine.Tangent>(name, 0.05);
        static Affine.Tangent Gradient(Affine m) => new(new[] { m.W[0] - 1, 4 * (m.W[1] + 2) }, m.B - 3);
        Train(optimizer, ref model, Gradient, 1000);

        Assert.Same(alias, model);
        Assert.True(Math.Abs(model.W[0] - 1) <= 1e-12 && Math.Abs(model.W[1] + 2) <= 1e-12 && Math.Abs(model.B - 3) <= 1e-12,
                    $"{name}: ({model.W[0]:R}, {model.W[1]:R}, {model.B:R})");

        var x = new double[3];
        var flat = Make(name, 0.05);
        var replay = new Affine(new double[2], 0);
        var replayOptimizer = MakeFor<Affine, Affine.Tangent>(name, 0.05);
        for (int step = 0; step < 50; step++)
        {
            replayOptimizer.Update(ref replay, Gradient(replay));
            flat.Update(x, new[] { x[0] - 1, 4 * (x[1] + 2), x[2] - 3 });
            Assert.Equal(x, new[] { replay.W[0], replay.W[1], replay.B });
        }
    }

    [Fact]
    public void AdamOnAStructModelMatchesThePaperAndTheArrayOverload()
    {
        var model = new Vec2(1, 1);
        var adam = new Adam<Vec2, Vec2.Tangent>(learningRate: 0.1);
        adam.Update(ref model, new Vec2.Tangent(2, 0));
        adam.Update(ref model, new Vec2.Tangent(-1, 0));
        Near(0.8733662967024313578, model.X);
        Assert.Equal(1, model.Y);
    }
}
