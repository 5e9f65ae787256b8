// Adam (Kingma & Ba 2015, Algorithm 1) with bias correction, and AdamW's decoupled weight decay (Loshchilov & Hutter 2019).
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla;

/// <summary>
/// Adam on a flat vector of parameters, with bias correction and optional decoupled weight decay (AdamW).
/// </summary>
/// <remarks>
/// <para>
/// With moments <c>m</c>, <c>v</c> (zero at first) and step count <c>t</c>, each step does, elementwise
/// (Kingma and Ba, "Adam: A Method for Stochastic Optimization", Algorithm 1):
/// <code>
/// t ← t + 1
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η·λ·θ − η·m̂ / (√v̂ + ε)
/// </code>
/// The term <c>η·λ·θ</c> is AdamW's decoupled weight decay (Loshchilov and Hutter), absent when <c>λ = 0</c>
/// (the default): plain Adam. The first step moves each parameter by <c>−η·g/(|g| + ε)</c>, about <c>η</c> against
/// the sign of its gradient.
/// </para>
/// <para>
/// Adam is meant for noisy (minibatch) gradients. With a constant step size it need not settle on a deterministic
/// problem: on Rosenbrock's function with <c>η = 10⁻³</c> it reaches the minimum and then keeps making excursions of
/// order <c>10⁻³</c>. Decay <see cref="FirstOrderOptimizer.LearningRate"/> to converge, or use <see cref="Lbfgs"/>.
/// </para>
/// <para>
/// Weight decay needs the parameters' values, so it is applied on the array and span overloads only. A model is seen
/// through its tangent (<see cref="IDifferentiable{TSelf, TTangent}"/> offers <c>Move</c>, not the values), so
/// <see cref="Adam{TModel, TTangent}"/> has no <c>weightDecay</c> parameter; add <c>λ/2·‖θ‖²</c> to the loss instead
/// (coupled L2 regularization, which is not the same as AdamW's decay).
/// </para>
/// <para>
/// Use this class for a <see cref="double"/>[] or <see cref="float"/>[] of parameters and
/// <see cref="Adam{TModel, TTangent}"/> for a model; state and allocation are described on <see cref="FirstOrderOptimizer"/>.
/// </para>
/// </remarks>
public class Adam : FirstOrderOptimizer
{
    private double[] _m = Array.Empty<double>();
    private double[] _v = Array.Empty<double>();
    private double _beta1Power = 1, _beta2Power = 1;

    /// <summary>Creates the optimizer with the paper's defaults.</summary>
    /// <param name="learningRate">The step size <c>η ≥ 0</c>; the paper's default is 0.001.</param>
    /// <param name="beta1">The decay rate <c>β₁ ∈ [0, 1)</c> of the first moment.</param>
    /// <param name="beta2">The decay rate <c>β₂ ∈ [0, 1)</c> of the second moment.</param>
    /// <param name="epsilon">The <c>ε ≥ 0</c> added to <c>√v̂</c>.</param>
    /// <param name="weightDecay">AdamW's decoupled weight decay <c>λ ≥ 0</c> (arrays and spans only).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : base(learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1).");
        if (!(epsilon >= 0) || double.IsPositiveInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and not negative.");
        if (!(weightDecay >= 0) || double.IsPositiveInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weightDecay must be finite and not negative.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>The decay rate <c>β₁</c> of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>The decay rate <c>β₂</c> of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>The <c>ε</c> added to <c>√v̂</c>.</summary>
    public double Epsilon { get; }

    /// <summary>AdamW's decoupled weight decay <c>λ</c>; 0 is plain Adam.</summary>
    public double WeightDecay { get; }

    /// <summary>The number of steps <c>t</c> taken since the state was (re)started.</summary>
    public long StepCount { get; private set; }

    /// <inheritdoc/>
    public override void Reset()
    {
        Array.Clear(_m);
        Array.Clear(_v);
        StepCount = 0;
        _beta1Power = _beta2Power = 1;
    }

    private protected override void Step(ReadOnlySpan<double> gradient, Span<double> target, bool targetIsParameters) =>
        Kernel(gradient, target, targetIsParameters);

    private protected override void Step(ReadOnlySpan<float> gradient, Span<float> target, bool targetIsParameters) =>
        Kernel(gradient, target, targetIsParameters);

    private void Kernel<T>(ReadOnlySpan<T> gradient, Span<T> target, bool targetIsParameters)
        where T : struct, INumberBase<T>
    {
        int n = gradient.Length;
        if (_m.Length != n)
        {
            _m = new double[n];
            _v = new double[n];
            Reset();
        }
        StepCount++;
        _beta1Power *= Beta1;
        _beta2Power *= Beta2;
        double b1 = Beta1, b2 = Beta2, eps = Epsilon, rate = LearningRate;
        double correction1 = 1 - _beta1Power, correction2 = 1 - _beta2Power;
        double keep = targetIsParameters ? 1 - rate * WeightDecay : 0;
        Span<double> m = _m.AsSpan(0, n), v = _v.AsSpan(0, n);
        target = target[..n];
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count && (typeof(T) == typeof(double) || typeof(T) == typeof(float)))
        {
            // The scalar loop's operations in the same order, lane by lane: bit for bit its results. Floats are widened
            // to double exactly and narrowed once, rounding to nearest as the scalar cast does.
            var lanes = new Lanes(b1, b2, correction1, correction2, eps, rate, keep);
            var mv = MemoryMarshal.Cast<double, Vector<double>>(m);
            var vv = MemoryMarshal.Cast<double, Vector<double>>(v);
            if (typeof(T) == typeof(double))
            {
                var gv = MemoryMarshal.Cast<T, Vector<double>>(gradient);
                var tv = MemoryMarshal.Cast<T, Vector<double>>(target);
                for (int k = 0; k < gv.Length; k++)
                    tv[k] = lanes.Step(gv[k], ref mv[k], ref vv[k], tv[k], targetIsParameters);
                i = gv.Length * Vector<double>.Count;
            }
            else
            {
                var gv = MemoryMarshal.Cast<T, Vector<float>>(gradient);
                var tv = MemoryMarshal.Cast<T, Vector<float>>(target);
                for (int k = 0; k < gv.Length; k++)
                {
                    Vector.Widen(gv[k], out var gLow, out var gHigh);
                    Vector.Widen(tv[k], out var xLow, out var xHigh);
                    tv[k] = Vector.Narrow(lanes.Step(gLow, ref mv[2 * k], ref vv[2 * k], xLow, targetIsParameters),
                                          lanes.Step(gHigh, ref mv[2 * k + 1], ref vv[2 * k + 1], xHigh, targetIsParameters));
                }
                i = gv.Length * Vector<float>.Count;
            }
        }
        for (; i < n; i++)
        {
            double g = double.CreateTruncating(gradient[i]);
            double mi = b1 * m[i] + (1 - b1) * g;
            double vi = b2 * v[i] + (1 - b2) * (g * g);
            m[i] = mi;
            v[i] = vi;
            double step = -rate * (mi / correction1) / (Math.Sqrt(vi / correction2) + eps);
            target[i] = T.CreateTruncating(targetIsParameters ? keep * double.CreateTruncating(target[i]) + step : step);
        }
    }

    /// <summary>The update of <see cref="Kernel{T}"/> on <see cref="Vector{T}.Count"/> elements at once.</summary>
    private readonly struct Lanes(double b1, double b2, double correction1, double correction2, double eps, double rate, double keep)
    {
        private readonly Vector<double> _b1 = new(b1), _b2 = new(b2), _a1 = new(1 - b1), _a2 = new(1 - b2);
        private readonly Vector<double> _c1 = new(correction1), _c2 = new(correction2), _eps = new(eps);
        private readonly Vector<double> _rate = new(-rate), _keep = new(keep);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector<double> Step(Vector<double> g, ref Vector<double> m, ref Vector<double> v, Vector<double> x, bool xIsParameter)
        {
            var mi = _b1 * m + _a1 * g;
            var vi = _b2 * v + _a2 * (g * g);
            m = mi;
            v = vi;
            var step = _rate * (mi / _c1) / (Vector.SquareRoot(vi / _c2) + _eps);
            return xIsParameter ? _keep * x + step : step;
        }
    }
}

/// <summary>Adam with bias correction on a model of a differentiable type, through the tangent's flat view.</summary>
/// <typeparam name="TModel">The model: a struct (updated through the <see langword="ref"/>) or a class (updated through the reference).</typeparam>
/// <typeparam name="TTangent">The model's tangent type.</typeparam>
/// <remarks>
/// The update rule is on <see cref="Adam"/>; state, buffers and allocation on <see cref="FirstOrderOptimizer"/>.
/// Decoupled weight decay needs the model's values, which a model shows only through <c>Move</c>: it is available on the
/// array overloads of <see cref="Adam"/>, and this class has no <c>weightDecay</c> parameter.
/// </remarks>
/// <example>
/// <code>
/// var opt = new Adam&lt;Perceptron, Perceptron.Tangent&gt;(learningRate: 0.01);
/// for (int step = 0; step &lt; 500; step++)
/// {
///     var (loss, g) = ValueWithGradient(m =&gt; Loss(m, data), model);
///     opt.Update(ref model, g);
/// }
/// </code>
/// </example>
public sealed class Adam<TModel, TTangent> : Adam, IOptimizer<TModel, TTangent>
    where TModel : IDifferentiable<TModel, TTangent>
    where TTangent : ITangent<TTangent>
{
    /// <summary>Creates the optimizer with the paper's defaults.</summary>
    /// <param name="learningRate">The step size <c>η ≥ 0</c>; the paper's default is 0.001.</param>
    /// <param name="beta1">The decay rate <c>β₁ ∈ [0, 1)</c> of the first moment.</param>
    /// <param name="beta2">The decay rate <c>β₂ ∈ [0, 1)</c> of the second moment.</param>
    /// <param name="epsilon">The <c>ε ≥ 0</c> added to <c>√v̂</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of its range.</exception>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
        : base(learningRate, beta1, beta2, epsilon)
    {
    }

    /// <inheritdoc/>
    public void Update(ref TModel model, TTangent gradient) => UpdateModel(ref model, gradient);
}
