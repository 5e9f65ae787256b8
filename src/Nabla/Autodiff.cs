// The differential operators of API.md §3 (Gradient, Jvp, ValueWithPullback, ...) on delegates of one to four inputs.
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using Nabla.CompilerServices;

namespace Nabla;

/// <summary>
/// Differential operators on functions, with Swift's and JAX's names: <c>Gradient</c>, <c>ValueWithGradient</c>,
/// <c>Derivative</c>, <c>ValueWithPullback</c>, <c>Vjp</c>, <c>ValueWithDifferential</c>, <c>Jvp</c>.
/// </summary>
/// <remarks>
/// <para>
/// The function is a method group or an inline lambda whose derivatives the Nabla generator wrote at compile time
/// (a <see cref="DifferentiableAttribute"/> method, or a lambda passed directly to an operator). Values a lambda
/// captures are constants for differentiation. A function with no generated derivative is a compile-time error
/// where the analyzer can see it, and a <see cref="NotDifferentiableException"/> naming the method where it cannot.
/// </para>
/// <para>
/// For <c>f : T1 × … × Tn → TR</c>, the tangent and cotangent types of <c>Ti</c> and <c>TR</c> are the types
/// themselves (<c>double</c>, <c>float</c>, arrays of the same length, vectors, tuples); <c>Gradient</c> and
/// <c>ValueWithGradient</c> need a scalar result (<see cref="double"/> or <see cref="float"/>), the forward and
/// pullback operators take any such result. Several inputs: gradients and pullbacks return the tuple of input
/// cotangents <c>(dx1, …, dxn)</c>; <c>Jvp</c> takes the primals first, then the tangents.
/// </para>
/// </remarks>
public static partial class Autodiff
{
    // ---------------------------------------------------------------------------------------------
    // Registry lookups. The selector lambdas are static, so the compiler caches them: the lookup is
    // the only work besides the call to the generated derivative.
    // ---------------------------------------------------------------------------------------------

    internal static TDelegate ValueWithGradientOf<TDelegate>(Delegate f) where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(f);
        return DerivativeRegistry.Get<TDelegate>(f, static s => s.ValueWithGradient, "gradient");
    }

    internal static TDelegate JvpOf<TDelegate>(Delegate f) where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(f);
        return DerivativeRegistry.Get<TDelegate>(f, static s => s.Jvp, "JVP (forward mode)");
    }

    private static TDelegate ValueWithPullbackOf<TDelegate>(Delegate f) where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(f);
        return DerivativeRegistry.Get<TDelegate>(f, static s => s.ValueWithPullback, "pullback (reverse mode)");
    }

    // ---------------------------------------------------------------------------------------------
    // Gradient
    // ---------------------------------------------------------------------------------------------

    /// <summary>The gradient <c>∇f(x) = ∂f/∂x</c> of a scalar-valued function, by reverse mode.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point at which to differentiate.</param>
    /// <returns><c>∂f/∂x</c> at <paramref name="x"/>, of <paramref name="x"/>'s tangent type.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static T1 Gradient<T1, TR>([Differentiable] Func<T1, TR> f, T1 x)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, (TR Value, T1 Gradient)>>(f)(x).Gradient;

    /// <summary>The gradient <c>∇f(x, y) = (∂f/∂x, ∂f/∂y)</c> of a scalar-valued function, by reverse mode.</summary>
    /// <param name="f">A differentiable function of two inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <returns>The partial derivatives <c>(∂f/∂x, ∂f/∂y)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (T1, T2) Gradient<T1, T2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, T2 y)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, (TR Value, (T1, T2) Gradient)>>(f)(x, y).Gradient;

    /// <summary>The gradient <c>∇f(x, y, z) = (∂f/∂x, ∂f/∂y, ∂f/∂z)</c> of a scalar-valued function, by reverse mode.</summary>
    /// <param name="f">A differentiable function of three inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <returns>The partial derivatives <c>(∂f/∂x, ∂f/∂y, ∂f/∂z)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (T1, T2, T3) Gradient<T1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, T3 z)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (T1, T2, T3) Gradient)>>(f)(x, y, z).Gradient;

    /// <summary>The gradient <c>∇f(x, y, z, w) = (∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂w)</c> of a scalar-valued function, by reverse mode.</summary>
    /// <param name="f">A differentiable function of four inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <returns>The partial derivatives <c>(∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂w)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (T1, T2, T3, T4) Gradient<T1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, T4 w)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, T2, T3, T4) Gradient)>>(f)(x, y, z, w).Gradient;

    // ---------------------------------------------------------------------------------------------
    // ValueWithGradient
    // ---------------------------------------------------------------------------------------------

    /// <summary>The value <c>f(x)</c> and the gradient <c>∂f/∂x</c> of a scalar-valued function, in one reverse pass.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point at which to evaluate and differentiate.</param>
    /// <returns><c>(f(x), ∂f/∂x)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, T1 Gradient) ValueWithGradient<T1, TR>([Differentiable] Func<T1, TR> f, T1 x)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, (TR Value, T1 Gradient)>>(f)(x);

    /// <summary>The value <c>f(x, y)</c> and the gradient <c>(∂f/∂x, ∂f/∂y)</c> of a scalar-valued function, in one reverse pass.</summary>
    /// <param name="f">A differentiable function of two inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <returns><c>(f(x, y), (∂f/∂x, ∂f/∂y))</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, (T1, T2) Gradient) ValueWithGradient<T1, T2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, T2 y)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, (TR Value, (T1, T2) Gradient)>>(f)(x, y);

    /// <summary>The value <c>f(x, y, z)</c> and the gradient <c>(∂f/∂x, ∂f/∂y, ∂f/∂z)</c> of a scalar-valued function, in one reverse pass.</summary>
    /// <param name="f">A differentiable function of three inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <returns><c>(f(x, y, z), (∂f/∂x, ∂f/∂y, ∂f/∂z))</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, (T1, T2, T3) Gradient) ValueWithGradient<T1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, T3 z)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (T1, T2, T3) Gradient)>>(f)(x, y, z);

    /// <summary>The value <c>f(x, y, z, w)</c> and the gradient <c>(∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂w)</c> of a scalar-valued function, in one reverse pass.</summary>
    /// <param name="f">A differentiable function of four inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <returns><c>(f(x, y, z, w), (∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂w))</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, (T1, T2, T3, T4) Gradient) ValueWithGradient<T1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, T4 w)
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, T2, T3, T4) Gradient)>>(f)(x, y, z, w);

    // ---------------------------------------------------------------------------------------------
    // Derivative (forward mode, one scalar input)
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The derivative <c>f′(x) = df/dx</c> of a function of one scalar input, by forward mode: the JVP of
    /// <paramref name="f"/> at <paramref name="x"/> along the unit tangent <c>dx = 1</c>.
    /// </summary>
    /// <remarks>The result may be of any type whose tangent is itself: a scalar, <c>Vector2/3/4</c>, an array or a
    /// tuple of them (<c>Derivative(t => (Math.Cos(t), Math.Sin(t)), x)</c> is the tuple of the two derivatives).</remarks>
    /// <param name="f">A differentiable function of one scalar input.</param>
    /// <param name="x">The point at which to differentiate.</param>
    /// <returns><c>f′(x)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static TR Derivative<T1, TR>([Differentiable] Func<T1, TR> f, T1 x)
        where T1 : IFloatingPointIeee754<T1>
        => JvpOf<Func<T1, T1, (TR Value, TR Tangent)>>(f)(x, T1.One).Tangent;

    // ---------------------------------------------------------------------------------------------
    // ValueWithPullback
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The value <c>f(x)</c> and its pullback <c>dy ↦ dy · ∂f/∂x</c>, which maps an output cotangent to the
    /// input cotangent (a vector–Jacobian product). Reverse mode: the pullback may be called many times.
    /// </summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point at which to evaluate and linearize.</param>
    /// <returns><c>(f(x), dy ↦ dy · ∂f/∂x)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<TR, T1> Pullback) ValueWithPullback<T1, TR>([Differentiable] Func<T1, TR> f, T1 x)
        => ValueWithPullbackOf<Func<T1, (TR Value, Func<TR, T1> Pullback)>>(f)(x);

    /// <summary>
    /// The value <c>f(x, y)</c> and its pullback <c>dz ↦ (dz · ∂f/∂x, dz · ∂f/∂y)</c>, which maps an output
    /// cotangent to the tuple of input cotangents.
    /// </summary>
    /// <param name="f">A differentiable function of two inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <returns><c>(f(x, y), dz ↦ (dz · ∂f/∂x, dz · ∂f/∂y))</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<TR, (T1, T2)> Pullback) ValueWithPullback<T1, T2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, T2 y)
        => ValueWithPullbackOf<Func<T1, T2, (TR Value, Func<TR, (T1, T2)> Pullback)>>(f)(x, y);

    /// <summary>
    /// The value <c>f(x, y, z)</c> and its pullback <c>dv ↦ (dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z)</c>, which maps an
    /// output cotangent to the tuple of input cotangents.
    /// </summary>
    /// <param name="f">A differentiable function of three inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <returns><c>(f(x, y, z), dv ↦ (dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z))</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<TR, (T1, T2, T3)> Pullback) ValueWithPullback<T1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, T3 z)
        => ValueWithPullbackOf<Func<T1, T2, T3, (TR Value, Func<TR, (T1, T2, T3)> Pullback)>>(f)(x, y, z);

    /// <summary>
    /// The value <c>f(x, y, z, w)</c> and its pullback <c>dv ↦ (dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z, dv · ∂f/∂w)</c>,
    /// which maps an output cotangent to the tuple of input cotangents.
    /// </summary>
    /// <param name="f">A differentiable function of four inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <returns><c>(f(x, y, z, w), dv ↦ (dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z, dv · ∂f/∂w))</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<TR, (T1, T2, T3, T4)> Pullback) ValueWithPullback<T1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, T4 w)
        => ValueWithPullbackOf<Func<T1, T2, T3, T4, (TR Value, Func<TR, (T1, T2, T3, T4)> Pullback)>>(f)(x, y, z, w);

    // ---------------------------------------------------------------------------------------------
    // Vjp
    // ---------------------------------------------------------------------------------------------

    /// <summary>One vector–Jacobian product: the input cotangent <c>cotangent · ∂f/∂x</c>, by reverse mode.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point at which to differentiate.</param>
    /// <param name="cotangent">The output cotangent <c>dy</c> (a seed of 1 gives the gradient).</param>
    /// <returns><c>dy · ∂f/∂x</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static T1 Vjp<T1, TR>([Differentiable] Func<T1, TR> f, T1 x, TR cotangent)
        => ValueWithPullbackOf<Func<T1, (TR Value, Func<TR, T1> Pullback)>>(f)(x).Pullback(cotangent);

    /// <summary>One vector–Jacobian product: the input cotangents <c>(dz · ∂f/∂x, dz · ∂f/∂y)</c>, by reverse mode.</summary>
    /// <param name="f">A differentiable function of two inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="cotangent">The output cotangent <c>dz</c>.</param>
    /// <returns><c>(dz · ∂f/∂x, dz · ∂f/∂y)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (T1, T2) Vjp<T1, T2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, T2 y, TR cotangent)
        => ValueWithPullbackOf<Func<T1, T2, (TR Value, Func<TR, (T1, T2)> Pullback)>>(f)(x, y).Pullback(cotangent);

    /// <summary>One vector–Jacobian product: the input cotangents <c>(dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z)</c>, by reverse mode.</summary>
    /// <param name="f">A differentiable function of three inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="cotangent">The output cotangent <c>dv</c>.</param>
    /// <returns><c>(dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (T1, T2, T3) Vjp<T1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, T3 z, TR cotangent)
        => ValueWithPullbackOf<Func<T1, T2, T3, (TR Value, Func<TR, (T1, T2, T3)> Pullback)>>(f)(x, y, z).Pullback(cotangent);

    /// <summary>One vector–Jacobian product: the input cotangents <c>(dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z, dv · ∂f/∂w)</c>, by reverse mode.</summary>
    /// <param name="f">A differentiable function of four inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <param name="cotangent">The output cotangent <c>dv</c>.</param>
    /// <returns><c>(dv · ∂f/∂x, dv · ∂f/∂y, dv · ∂f/∂z, dv · ∂f/∂w)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (T1, T2, T3, T4) Vjp<T1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, T4 w, TR cotangent)
        => ValueWithPullbackOf<Func<T1, T2, T3, T4, (TR Value, Func<TR, (T1, T2, T3, T4)> Pullback)>>(f)(x, y, z, w).Pullback(cotangent);

    // ---------------------------------------------------------------------------------------------
    /// <summary>
    /// A copy of an array of reals, the value itself otherwise: a differential runs forward mode again later, at the
    /// point as it was, and a function that writes into its input array (and forward mode, into its tangent) would
    /// otherwise move the point.
    /// </summary>
    private static T Copy<T>(T value) => value switch
    {
        double[] d => (T)(object)d.Clone(),
        float[] f => (T)(object)f.Clone(),
        _ => value,
    };

    // ValueWithDifferential
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The value <c>f(x)</c> and its differential <c>dx ↦ ∂f/∂x · dx</c>, which maps an input tangent to the output
    /// tangent (a Jacobian–vector product). Forward mode.
    /// </summary>
    /// <remarks>
    /// Each call of the differential runs the generated forward-mode derivative at <paramref name="x"/> again
    /// (nothing is linearized ahead of time); an array <paramref name="x"/> must not be changed while the
    /// differential is in use.
    /// </remarks>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point at which to evaluate and linearize.</param>
    /// <returns><c>(f(x), dx ↦ ∂f/∂x · dx)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<T1, TR> Differential) ValueWithDifferential<T1, TR>([Differentiable] Func<T1, TR> f, T1 x)
    {
        Func<T1, T1, (TR Value, TR Tangent)> jvp = JvpOf<Func<T1, T1, (TR Value, TR Tangent)>>(f);
        var at = Copy(x);
        return (f(x), dx => jvp(Copy(at), Copy(dx)).Tangent);
    }

    /// <summary>
    /// The value <c>f(x, y)</c> and its differential <c>(dx, dy) ↦ ∂f/∂x · dx + ∂f/∂y · dy</c>, which maps input
    /// tangents to the output tangent. Forward mode.
    /// </summary>
    /// <remarks>Each call of the differential runs the generated forward-mode derivative at the primal point again.</remarks>
    /// <param name="f">A differentiable function of two inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <returns><c>(f(x, y), (dx, dy) ↦ ∂f/∂x · dx + ∂f/∂y · dy)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<T1, T2, TR> Differential) ValueWithDifferential<T1, T2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, T2 y)
    {
        Func<T1, T2, T1, T2, (TR Value, TR Tangent)> jvp = JvpOf<Func<T1, T2, T1, T2, (TR Value, TR Tangent)>>(f);
        var (atX, atY) = (Copy(x), Copy(y));
        return (f(x, y), (dx, dy) => jvp(Copy(atX), Copy(atY), Copy(dx), Copy(dy)).Tangent);
    }

    /// <summary>
    /// The value <c>f(x, y, z)</c> and its differential <c>(dx, dy, dz) ↦ ∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz</c>,
    /// which maps input tangents to the output tangent. Forward mode.
    /// </summary>
    /// <remarks>Each call of the differential runs the generated forward-mode derivative at the primal point again.</remarks>
    /// <param name="f">A differentiable function of three inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <returns><c>(f(x, y, z), (dx, dy, dz) ↦ ∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<T1, T2, T3, TR> Differential) ValueWithDifferential<T1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, T3 z)
    {
        Func<T1, T2, T3, T1, T2, T3, (TR Value, TR Tangent)> jvp = JvpOf<Func<T1, T2, T3, T1, T2, T3, (TR Value, TR Tangent)>>(f);
        var (atX, atY, atZ) = (Copy(x), Copy(y), Copy(z));
        return (f(x, y, z), (dx, dy, dz) => jvp(Copy(atX), Copy(atY), Copy(atZ), Copy(dx), Copy(dy), Copy(dz)).Tangent);
    }

    /// <summary>
    /// The value <c>f(x, y, z, w)</c> and its differential
    /// <c>(dx, dy, dz, dw) ↦ ∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz + ∂f/∂w · dw</c>,
    /// which maps input tangents to the output tangent. Forward mode.
    /// </summary>
    /// <remarks>Each call of the differential runs the generated forward-mode derivative at the primal point again.</remarks>
    /// <param name="f">A differentiable function of four inputs.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <returns><c>(f(x, y, z, w), (dx, dy, dz, dw) ↦ ∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz + ∂f/∂w · dw)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, Func<T1, T2, T3, T4, TR> Differential) ValueWithDifferential<T1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, T4 w)
    {
        Func<T1, T2, T3, T4, T1, T2, T3, T4, (TR Value, TR Tangent)> jvp = JvpOf<Func<T1, T2, T3, T4, T1, T2, T3, T4, (TR Value, TR Tangent)>>(f);
        var (atX, atY, atZ, atW) = (Copy(x), Copy(y), Copy(z), Copy(w));
        return (f(x, y, z, w), (dx, dy, dz, dw) => jvp(Copy(atX), Copy(atY), Copy(atZ), Copy(atW), Copy(dx), Copy(dy), Copy(dz), Copy(dw)).Tangent);
    }

    // ---------------------------------------------------------------------------------------------
    // Jvp
    // ---------------------------------------------------------------------------------------------

    /// <summary>The value <c>f(x)</c> and one Jacobian–vector product <c>∂f/∂x · dx</c>, by forward mode.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The primal point.</param>
    /// <param name="dx">The input tangent (direction).</param>
    /// <returns><c>(f(x), ∂f/∂x · dx)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, TR Tangent) Jvp<T1, TR>([Differentiable] Func<T1, TR> f, T1 x, T1 dx)
        => JvpOf<Func<T1, T1, (TR Value, TR Tangent)>>(f)(x, dx);

    /// <summary>The value <c>f(x, y)</c> and one Jacobian–vector product <c>∂f/∂x · dx + ∂f/∂y · dy</c>, by forward mode.</summary>
    /// <param name="f">A differentiable function of two inputs.</param>
    /// <param name="x">The first primal input.</param>
    /// <param name="y">The second primal input.</param>
    /// <param name="dx">The tangent of <paramref name="x"/>.</param>
    /// <param name="dy">The tangent of <paramref name="y"/>.</param>
    /// <returns><c>(f(x, y), ∂f/∂x · dx + ∂f/∂y · dy)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, TR Tangent) Jvp<T1, T2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, T2 y, T1 dx, T2 dy)
        => JvpOf<Func<T1, T2, T1, T2, (TR Value, TR Tangent)>>(f)(x, y, dx, dy);

    /// <summary>The value <c>f(x, y, z)</c> and one Jacobian–vector product <c>∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz</c>, by forward mode.</summary>
    /// <param name="f">A differentiable function of three inputs.</param>
    /// <param name="x">The first primal input.</param>
    /// <param name="y">The second primal input.</param>
    /// <param name="z">The third primal input.</param>
    /// <param name="dx">The tangent of <paramref name="x"/>.</param>
    /// <param name="dy">The tangent of <paramref name="y"/>.</param>
    /// <param name="dz">The tangent of <paramref name="z"/>.</param>
    /// <returns><c>(f(x, y, z), ∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, TR Tangent) Jvp<T1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, T3 z, T1 dx, T2 dy, T3 dz)
        => JvpOf<Func<T1, T2, T3, T1, T2, T3, (TR Value, TR Tangent)>>(f)(x, y, z, dx, dy, dz);

    /// <summary>The value <c>f(x, y, z, w)</c> and one Jacobian–vector product <c>∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz + ∂f/∂w · dw</c>, by forward mode.</summary>
    /// <param name="f">A differentiable function of four inputs.</param>
    /// <param name="x">The first primal input.</param>
    /// <param name="y">The second primal input.</param>
    /// <param name="z">The third primal input.</param>
    /// <param name="w">The fourth primal input.</param>
    /// <param name="dx">The tangent of <paramref name="x"/>.</param>
    /// <param name="dy">The tangent of <paramref name="y"/>.</param>
    /// <param name="dz">The tangent of <paramref name="z"/>.</param>
    /// <param name="dw">The tangent of <paramref name="w"/>.</param>
    /// <returns><c>(f(x, y, z, w), ∂f/∂x · dx + ∂f/∂y · dy + ∂f/∂z · dz + ∂f/∂w · dw)</c>.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static (TR Value, TR Tangent) Jvp<T1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, T4 w, T1 dx, T2 dy, T3 dz, T4 dw)
        => JvpOf<Func<T1, T2, T3, T4, T1, T2, T3, T4, (TR Value, TR Tangent)>>(f)(x, y, z, w, dx, dy, dz, dw);

    // ---------------------------------------------------------------------------------------------
    // Stop-gradient and zero tangents
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Stop-gradient: returns <paramref name="value"/> unchanged, and inside differentiable code cuts its derivative,
    /// so that <c>d/dx WithoutDerivative(g(x)) = 0</c>. The generator recognizes calls to this method; outside
    /// differentiated code it is the identity.
    /// </summary>
    /// <param name="value">The value to pass through as a constant.</param>
    /// <returns><paramref name="value"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T WithoutDerivative<T>(T value) => value;

    /// <summary>The zero tangent of a <see cref="double"/>: <c>0</c>.</summary>
    /// <param name="x">The primal value (only its type matters).</param>
    /// <returns><c>0.0</c>.</returns>
    public static double ZeroTangent(double x) => 0.0;

    /// <summary>The zero tangent of a <see cref="float"/>: <c>0</c>.</summary>
    /// <param name="x">The primal value (only its type matters).</param>
    /// <returns><c>0f</c>.</returns>
    public static float ZeroTangent(float x) => 0f;

    /// <summary>The zero tangent shaped like <paramref name="x"/>: a new array of zeros of the same length.</summary>
    /// <param name="x">The primal array (only its length matters).</param>
    /// <returns><c>new double[x.Length]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    public static double[] ZeroTangent(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return new double[x.Length];
    }

    /// <summary>The zero tangent shaped like <paramref name="x"/>: a new array of zeros of the same length.</summary>
    /// <param name="x">The primal array (only its length matters).</param>
    /// <returns><c>new float[x.Length]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    public static float[] ZeroTangent(float[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return new float[x.Length];
    }

    /// <summary>The zero tangent of a vector: the zero vector.</summary>
    public static System.Numerics.Vector2 ZeroTangent(System.Numerics.Vector2 x) => default;

    /// <summary>The zero tangent of a vector: the zero vector.</summary>
    public static System.Numerics.Vector3 ZeroTangent(System.Numerics.Vector3 x) => default;

    /// <summary>The zero tangent of a vector: the zero vector.</summary>
    public static System.Numerics.Vector4 ZeroTangent(System.Numerics.Vector4 x) => default;

    /// <summary>The zero tangent of a value of a [Differentiable] type: its <c>Tangent</c> of zeros (<c>x.ZeroTangent()</c>).</summary>
    /// <param name="x">The value (a class's tangent may depend on its arrays' lengths).</param>
    public static TT ZeroTangent<T, TT>(IDifferentiable<T, TT> x)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT>
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.ZeroTangent();
    }

    /// <summary>The zero tangent shaped like <paramref name="x"/>: a new matrix of zeros of the same dimensions.</summary>
    public static double[,] ZeroTangent(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return new double[x.GetLength(0), x.GetLength(1)];
    }

    /// <summary>The zero tangent shaped like <paramref name="x"/>: a new matrix of zeros of the same dimensions.</summary>
    public static float[,] ZeroTangent(float[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return new float[x.GetLength(0), x.GetLength(1)];
    }

    /// <summary>The zero tangent shaped like a jagged array: new rows of zeros of the same lengths.</summary>
    public static double[][] ZeroTangent(double[][] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var zero = new double[x.Length][];
        for (int i = 0; i < x.Length; i++) zero[i] = x[i] is null ? null! : new double[x[i].Length];
        return zero;
    }

    /// <summary>The zero tangent shaped like a jagged array: new rows of zeros of the same lengths.</summary>
    public static float[][] ZeroTangent(float[][] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var zero = new float[x.Length][];
        for (int i = 0; i < x.Length; i++) zero[i] = x[i] is null ? null! : new float[x[i].Length];
        return zero;
    }

    /// <summary>The zero tangent of a pair whose elements are their own tangents (reals, vectors, arrays of reals).</summary>
    public static (T1, T2) ZeroTangent<T1, T2>((T1, T2) x) => ((T1)ZeroOf(x.Item1), (T2)ZeroOf(x.Item2));

    /// <summary>The zero tangent of a triple whose elements are their own tangents (reals, vectors, arrays of reals).</summary>
    public static (T1, T2, T3) ZeroTangent<T1, T2, T3>((T1, T2, T3) x) =>
        ((T1)ZeroOf(x.Item1), (T2)ZeroOf(x.Item2), (T3)ZeroOf(x.Item3));

    /// <summary>The zero tangent of a quadruple whose elements are their own tangents (reals, vectors, arrays of reals).</summary>
    public static (T1, T2, T3, T4) ZeroTangent<T1, T2, T3, T4>((T1, T2, T3, T4) x) =>
        ((T1)ZeroOf(x.Item1), (T2)ZeroOf(x.Item2), (T3)ZeroOf(x.Item3), (T4)ZeroOf(x.Item4));

    /// <summary>The zero of a tuple element that is its own tangent.</summary>
    private static object ZeroOf(object? element) => element switch
    {
        double => 0.0,
        float => 0f,
        System.Numerics.Vector2 => System.Numerics.Vector2.Zero,
        System.Numerics.Vector3 => System.Numerics.Vector3.Zero,
        System.Numerics.Vector4 => System.Numerics.Vector4.Zero,
        double[] a => new double[a.Length],
        float[] a => new float[a.Length],
        double[,] m => new double[m.GetLength(0), m.GetLength(1)],
        float[,] m => new float[m.GetLength(0), m.GetLength(1)],
        double[][] j => ZeroTangent(j),
        float[][] j => ZeroTangent(j),
        System.Runtime.CompilerServices.ITuple => throw new NotSupportedException("ZeroTangent of nested tuples: make the zero of each element."),
        null => throw new ArgumentNullException(nameof(element), "ZeroTangent of a tuple with a null element."),
        _ => throw new NotSupportedException($"ZeroTangent of a tuple element of type {element.GetType().Name}: its tangent is of another type; use its own ZeroTangent()."),
    };
}
