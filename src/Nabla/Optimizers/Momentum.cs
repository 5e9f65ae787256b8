// Gradient descent with momentum, classical (heavy ball) or Nesterov's, in the form PyTorch and Keras use.
using System;
using System.Numerics;

namespace Nabla;

/// <summary>
/// Gradient descent with momentum on a flat vector of parameters, classical or Nesterov's.
/// </summary>
/// <remarks>
/// <para>
/// With velocity <c>v</c> (zero at first), momentum <c>μ</c> and step size <c>η</c>, each step does
/// <c>v ← μ·v + g</c> and then, classically, <c>θ ← θ − η·v</c>, or with <c>nesterov: true</c>,
/// <c>θ ← θ − η·(g + μ·v)</c> (Sutskever et al. 2013 in the form that needs the gradient at <c>θ</c> only,
/// as PyTorch writes it). The first step is therefore <c>−η·g</c> (classical) or <c>−η·(1 + μ)·g</c> (Nesterov).
/// The velocity is kept in gradient units, so changing <see cref="FirstOrderOptimizer.LearningRate"/> rescales the
/// whole next step.
/// </para>
/// <para>
/// Use this class for a <see cref="double"/>[] or <see cref="float"/>[] of parameters and
/// <see cref="Momentum{TModel, TTangent}"/> for a model; state and allocation are described on <see cref="FirstOrderOptimizer"/>.
/// </para>
/// </remarks>
public class Momentum : FirstOrderOptimizer
{
    private double[] _velocity = Array.Empty<double>();

    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size <c>η ≥ 0</c>.</param>
    /// <param name="momentum">The momentum <c>μ</c>, in <c>[0, 1)</c>.</param>
    /// <param name="nesterov">Nesterov's accelerated gradient instead of classical momentum.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    public Momentum(double learningRate, double momentum = 0.9, bool nesterov = false) : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in [0, 1).");
        MomentumCoefficient = momentum;
        Nesterov = nesterov;
    }

    /// <summary>The momentum <c>μ</c>.</summary>
    public double MomentumCoefficient { get; }

    /// <summary>Whether the step is Nesterov's (<c>−η·(g + μ·v)</c>) rather than classical (<c>−η·v</c>).</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override void Reset() => Array.Clear(_velocity);

    private protected override void Step(ReadOnlySpan<double> gradient, Span<double> target, bool targetIsParameters) =>
        Kernel(gradient, target, targetIsParameters);

    private protected override void Step(ReadOnlySpan<float> gradient, Span<float> target, bool targetIsParameters) =>
        Kernel(gradient, target, targetIsParameters);

    private void Kernel<T>(ReadOnlySpan<T> gradient, Span<T> target, bool targetIsParameters)
        where T : struct, INumberBase<T>
    {
        int n = gradient.Length;
        _velocity = Sized(_velocity, n);
        Span<double> velocity = _velocity.AsSpan(0, n);
        target = target[..n];
        double rate = LearningRate, mu = MomentumCoefficient;
        bool nesterov = Nesterov;
        for (int i = 0; i < n; i++)
        {
            double g = double.CreateTruncating(gradient[i]);
            double v = mu * velocity[i] + g;
            velocity[i] = v;
            double step = -rate * (nesterov ? g + mu * v : v);
            target[i] = T.CreateTruncating(targetIsParameters ? double.CreateTruncating(target[i]) + step : step);
        }
    }
}

/// <summary>Gradient descent with momentum (classical or Nesterov's) on a model of a differentiable type, through the tangent's flat view.</summary>
/// <typeparam name="TModel">The model: a struct (updated through the <see langword="ref"/>) or a class (updated through the reference).</typeparam>
/// <typeparam name="TTangent">The model's tangent type.</typeparam>
/// <remarks>The update rule is on <see cref="Momentum"/>; state, buffers and allocation on <see cref="FirstOrderOptimizer"/>.</remarks>
public sealed class Momentum<TModel, TTangent> : Momentum, IOptimizer<TModel, TTangent>
    where TModel : IDifferentiable<TModel, TTangent>
    where TTangent : ITangent<TTangent>
{
    /// <inheritdoc cref="Momentum(double, double, bool)"/>
    public Momentum(double learningRate, double momentum = 0.9, bool nesterov = false) : base(learningRate, momentum, nesterov)
    {
    }

    /// <inheritdoc/>
    public void Update(ref TModel model, TTangent gradient) => UpdateModel(ref model, gradient);
}
