// What SGD, momentum and Adam share: the flat-vector entry points (arrays and spans) and the path from a model's
// tangent through the flat view and back, with every buffer reused so that a steady-state step allocates nothing.
using System;

namespace Nabla;

/// <summary>
/// A first-order optimizer over a flat vector of parameters: <see cref="Sgd"/>, <see cref="Momentum"/>, <see cref="Adam"/>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Two ways in, one algorithm.</b> Parameters that are a flat <see cref="double"/>[] or <see cref="float"/>[]
/// (or a span) are updated in place by <see cref="Update(double[], double[])"/> and its overloads on the
/// non-generic class (<c>new Adam(learningRate: 0.01)</c>). A model of a differentiable type is updated by
/// <c>Update(ref model, gradient)</c> on the generic class (<c>new Adam&lt;Perceptron, Perceptron.Tangent&gt;(…)</c>),
/// which derives from the non-generic one and goes through the tangent's flat view: the gradient is copied into
/// a reused buffer (<see cref="ITangent{TSelf}.CopyTo(Span{double})"/>), the step is computed there, and the model is
/// moved by <c>gradient.FromSpan(step)</c> (<see cref="IDifferentiable{TSelf, TTangent}.Move"/>).
/// </para>
/// <para>
/// <b>State.</b> The optimizer's state (velocity, moments, step count) is a flat vector of <see cref="double"/> sized on
/// first use from the gradient's length. It belongs to one set of parameters: use one optimizer per model or array.
/// If the gradient's length changes, the state starts over (zeroed) at the new length. <see cref="Reset"/> starts it
/// over explicitly. <see cref="float"/> parameters keep their state in <see cref="double"/>; the update is computed in
/// <see cref="double"/> and rounded once when it is stored.
/// </para>
/// <para>
/// <b>Allocation.</b> After the first step (and as long as the length stays the same) a step allocates nothing,
/// for arrays and spans and for models whose tangents have a fixed shape (<c>FromSpan</c> of a tangent with array
/// members allocates those arrays, as the tangent type dictates). Instances are not thread-safe.
/// </para>
/// </remarks>
public abstract class FirstOrderOptimizer
{
    private double _learningRate;
    private double[] _scratch = Array.Empty<double>();

    private protected FirstOrderOptimizer(double learningRate)
    {
        LearningRate = learningRate;
    }

    /// <summary>The step size <c>η</c>. It may be changed between steps (a schedule); the state is kept.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsPositiveInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be finite and not negative.");
            _learningRate = value;
        }
    }

    /// <summary>Updates <paramref name="parameters"/> in place by one step along <paramref name="gradient"/>.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient of the loss at <paramref name="parameters"/>, of the same length.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Update(double[] parameters, double[] gradient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradient);
        Update(parameters.AsSpan(), gradient.AsSpan());
    }

    /// <summary>Updates <paramref name="parameters"/> in place by one step along <paramref name="gradient"/>; the state is kept in <see cref="double"/>.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient of the loss at <paramref name="parameters"/>, of the same length.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Update(float[] parameters, float[] gradient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradient);
        Update(parameters.AsSpan(), gradient.AsSpan());
    }

    /// <summary>Updates <paramref name="parameters"/> in place by one step along <paramref name="gradient"/>.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient of the loss at <paramref name="parameters"/>, of the same length.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Update(Span<double> parameters, ReadOnlySpan<double> gradient)
    {
        CheckLengths(parameters.Length, gradient.Length);
        Step(gradient, parameters, targetIsParameters: true);
    }

    /// <summary>Updates <paramref name="parameters"/> in place by one step along <paramref name="gradient"/>; the state is kept in <see cref="double"/>.</summary>
    /// <param name="parameters">The parameters, updated in place.</param>
    /// <param name="gradient">The gradient of the loss at <paramref name="parameters"/>, of the same length.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        CheckLengths(parameters.Length, gradient.Length);
        Step(gradient, parameters, targetIsParameters: true);
    }

    /// <summary>Forgets the state (velocity, moments, step count): the next step is a first step again.</summary>
    public abstract void Reset();

    /// <summary>
    /// One step of the algorithm on the flat vector <paramref name="gradient"/>. When <paramref name="targetIsParameters"/>,
    /// <paramref name="target"/> holds the parameters and is moved by the step; otherwise <paramref name="target"/> receives
    /// the step itself (a model's displacement). <paramref name="target"/> may be the same memory as <paramref name="gradient"/>:
    /// each element of the gradient is read before the same element of the target is written.
    /// </summary>
    private protected abstract void Step(ReadOnlySpan<double> gradient, Span<double> target, bool targetIsParameters);

    /// <inheritdoc cref="Step(ReadOnlySpan{double}, Span{double}, bool)"/>
    private protected abstract void Step(ReadOnlySpan<float> gradient, Span<float> target, bool targetIsParameters);

    /// <summary>The model path of the generic optimizers: flat view in, step computed in place, model moved by the step.</summary>
    private protected void UpdateModel<TModel, TTangent>(ref TModel model, TTangent gradient)
        where TModel : IDifferentiable<TModel, TTangent>
        where TTangent : ITangent<TTangent>
    {
        if (model is null)
            throw new ArgumentNullException(nameof(model));
        if (gradient is null)
            throw new ArgumentNullException(nameof(gradient));
        int count = gradient.Count;
        if (_scratch.Length != count)
            _scratch = new double[count];
        Span<double> flat = _scratch;
        gradient.CopyTo(flat);
        Step(flat, flat, targetIsParameters: false);
        model.Move(gradient.FromSpan(flat));
    }

    /// <summary>Returns <paramref name="state"/> if it has <paramref name="count"/> elements, else a new zeroed array that long.</summary>
    private protected static double[] Sized(double[] state, int count) => state.Length == count ? state : new double[count];

    private static void CheckLengths(int parameters, int gradient)
    {
        if (parameters != gradient)
            throw new ArgumentException($"The gradient has {gradient} elements but there are {parameters} parameters.", "gradient");
    }
}
