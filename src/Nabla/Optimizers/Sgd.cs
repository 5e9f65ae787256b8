// Plain gradient descent: θ ← θ − η g.
using System;
using System.Numerics;

namespace Nabla;

/// <summary>
/// Stochastic gradient descent on a flat vector of parameters: <c>θ ← θ − η·g</c>.
/// </summary>
/// <remarks>
/// Use this class for parameters in a <see cref="double"/>[] or <see cref="float"/>[] (<c>new Sgd(learningRate: 0.1).Update(θ, g)</c>)
/// and <see cref="Sgd{TModel, TTangent}"/> for a model of a differentiable type. SGD has no state; how the flat views,
/// buffers and allocation work is described on <see cref="FirstOrderOptimizer"/>.
/// </remarks>
public class Sgd : FirstOrderOptimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size <c>η ≥ 0</c>.</param>
    public Sgd(double learningRate) : base(learningRate)
    {
    }

    /// <inheritdoc/>
    public override void Reset()
    {
    }

    private protected override void Step(ReadOnlySpan<double> gradient, Span<double> target, bool targetIsParameters) =>
        Kernel(gradient, target, targetIsParameters);

    private protected override void Step(ReadOnlySpan<float> gradient, Span<float> target, bool targetIsParameters) =>
        Kernel(gradient, target, targetIsParameters);

    private void Kernel<T>(ReadOnlySpan<T> gradient, Span<T> target, bool targetIsParameters)
        where T : struct, INumberBase<T>
    {
        double rate = LearningRate;
        target = target[..gradient.Length];
        for (int i = 0; i < gradient.Length; i++)
        {
            double step = -rate * double.CreateTruncating(gradient[i]);
            target[i] = T.CreateTruncating(targetIsParameters ? double.CreateTruncating(target[i]) + step : step);
        }
    }
}

/// <summary>Stochastic gradient descent on a model of a differentiable type: <c>θ ← θ − η·g</c>, through the tangent's flat view.</summary>
/// <typeparam name="TModel">The model: a struct (updated through the <see langword="ref"/>) or a class (updated through the reference).</typeparam>
/// <typeparam name="TTangent">The model's tangent type.</typeparam>
/// <remarks>The array and span overloads inherited from <see cref="Sgd"/> work too; see <see cref="FirstOrderOptimizer"/>.</remarks>
public sealed class Sgd<TModel, TTangent> : Sgd, IOptimizer<TModel, TTangent>
    where TModel : IDifferentiable<TModel, TTangent>
    where TTangent : ITangent<TTangent>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">The step size <c>η ≥ 0</c>.</param>
    public Sgd(double learningRate) : base(learningRate)
    {
    }

    /// <inheritdoc/>
    public void Update(ref TModel model, TTangent gradient) => UpdateModel(ref model, gradient);
}
