// The several-input gradient operators (API.md §6) when one or more of three or four inputs is of a [Differentiable]
// type (API.md §4): that input's gradient comes back as its Tangent. As for two inputs (Autodiff.DifferentiableTypes.cs),
// such an input is taken as IDifferentiable<T, TT> so that C# infers TT, and overload resolution priority (the number of
// such inputs) makes these win over the general overloads: one overload per subset of the inputs.
using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla;

public static partial class Autodiff
{

    /// <summary>The gradient of a scalar-valued function of 3 inputs, the third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(1)]
    public static (T1, T2, TT3) Gradient<T1, T2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, IDifferentiable<T3, TT3> z)
        where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 3 inputs, the third of a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (T1, T2, TT3) Gradient) ValueWithGradient<T1, T2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, T2 y, IDifferentiable<T3, TT3> z)
        where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (T1, T2, TT3) Gradient)>>(f)(x, y, (T3)z);

    /// <summary>The gradient of a scalar-valued function of 3 inputs, the second of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(1)]
    public static (T1, TT2, T3) Gradient<T1, T2, TT2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, IDifferentiable<T2, TT2> y, T3 z)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 3 inputs, the second of a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (T1, TT2, T3) Gradient) ValueWithGradient<T1, T2, TT2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, IDifferentiable<T2, TT2> y, T3 z)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (T1, TT2, T3) Gradient)>>(f)(x, (T2)y, z);

    /// <summary>The gradient of a scalar-valued function of 3 inputs, the second and third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (T1, TT2, TT3) Gradient<T1, T2, TT2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 3 inputs, the second and third of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (T1, TT2, TT3) Gradient) ValueWithGradient<T1, T2, TT2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, T1 x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (T1, TT2, TT3) Gradient)>>(f)(x, (T2)y, (T3)z);

    /// <summary>The gradient of a scalar-valued function of 3 inputs, the first of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(1)]
    public static (TT1, T2, T3) Gradient<T1, TT1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, T2 y, T3 z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 3 inputs, the first of a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (TT1, T2, T3) Gradient) ValueWithGradient<T1, TT1, T2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, T2 y, T3 z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (TT1, T2, T3) Gradient)>>(f)((T1)x, y, z);

    /// <summary>The gradient of a scalar-valued function of 3 inputs, the first and third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (TT1, T2, TT3) Gradient<T1, TT1, T2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, T2 y, IDifferentiable<T3, TT3> z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 3 inputs, the first and third of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (TT1, T2, TT3) Gradient) ValueWithGradient<T1, TT1, T2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, T2 y, IDifferentiable<T3, TT3> z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (TT1, T2, TT3) Gradient)>>(f)((T1)x, y, (T3)z);

    /// <summary>The gradient of a scalar-valued function of 3 inputs, the first and second of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (TT1, TT2, T3) Gradient<T1, TT1, T2, TT2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, T3 z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 3 inputs, the first and second of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (TT1, TT2, T3) Gradient) ValueWithGradient<T1, TT1, T2, TT2, T3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, T3 z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (TT1, TT2, T3) Gradient)>>(f)((T1)x, (T2)y, z);

    /// <summary>The gradient of a scalar-valued function of 3 inputs, the first and second and third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(3)]
    public static (TT1, TT2, TT3) Gradient<T1, TT1, T2, TT2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 3 inputs, the first and second and third of a differentiable type.</summary>
    [OverloadResolutionPriority(3)]
    public static (TR Value, (TT1, TT2, TT3) Gradient) ValueWithGradient<T1, TT1, T2, TT2, T3, TT3, TR>([Differentiable] Func<T1, T2, T3, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, (TR Value, (TT1, TT2, TT3) Gradient)>>(f)((T1)x, (T2)y, (T3)z);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(1)]
    public static (T1, T2, T3, TT4) Gradient<T1, T2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, IDifferentiable<T4, TT4> w)
        where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (T1, T2, T3, TT4) Gradient) ValueWithGradient<T1, T2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, T3 z, IDifferentiable<T4, TT4> w)
        where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, T2, T3, TT4) Gradient)>>(f)(x, y, z, (T4)w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(1)]
    public static (T1, T2, TT3, T4) Gradient<T1, T2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, IDifferentiable<T3, TT3> z, T4 w)
        where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the third of a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (T1, T2, TT3, T4) Gradient) ValueWithGradient<T1, T2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, IDifferentiable<T3, TT3> z, T4 w)
        where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, T2, TT3, T4) Gradient)>>(f)(x, y, (T3)z, w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the third and fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (T1, T2, TT3, TT4) Gradient<T1, T2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the third and fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (T1, T2, TT3, TT4) Gradient) ValueWithGradient<T1, T2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, T2 y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, T2, TT3, TT4) Gradient)>>(f)(x, y, (T3)z, (T4)w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the second of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(1)]
    public static (T1, TT2, T3, T4) Gradient<T1, T2, TT2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, T3 z, T4 w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the second of a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (T1, TT2, T3, T4) Gradient) ValueWithGradient<T1, T2, TT2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, T3 z, T4 w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, TT2, T3, T4) Gradient)>>(f)(x, (T2)y, z, w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the second and fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (T1, TT2, T3, TT4) Gradient<T1, T2, TT2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, T3 z, IDifferentiable<T4, TT4> w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the second and fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (T1, TT2, T3, TT4) Gradient) ValueWithGradient<T1, T2, TT2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, T3 z, IDifferentiable<T4, TT4> w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, TT2, T3, TT4) Gradient)>>(f)(x, (T2)y, z, (T4)w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the second and third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (T1, TT2, TT3, T4) Gradient<T1, T2, TT2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, T4 w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the second and third of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (T1, TT2, TT3, T4) Gradient) ValueWithGradient<T1, T2, TT2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, T4 w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, TT2, TT3, T4) Gradient)>>(f)(x, (T2)y, (T3)z, w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the second and third and fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(3)]
    public static (T1, TT2, TT3, TT4) Gradient<T1, T2, TT2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the second and third and fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(3)]
    public static (TR Value, (T1, TT2, TT3, TT4) Gradient) ValueWithGradient<T1, T2, TT2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, T1 x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (T1, TT2, TT3, TT4) Gradient)>>(f)(x, (T2)y, (T3)z, (T4)w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(1)]
    public static (TT1, T2, T3, T4) Gradient<T1, TT1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, T3 z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first of a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (TT1, T2, T3, T4) Gradient) ValueWithGradient<T1, TT1, T2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, T3 z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, T2, T3, T4) Gradient)>>(f)((T1)x, y, z, w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first and fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (TT1, T2, T3, TT4) Gradient<T1, TT1, T2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, T3 z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first and fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (TT1, T2, T3, TT4) Gradient) ValueWithGradient<T1, TT1, T2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, T3 z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, T2, T3, TT4) Gradient)>>(f)((T1)x, y, z, (T4)w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first and third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (TT1, T2, TT3, T4) Gradient<T1, TT1, T2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, IDifferentiable<T3, TT3> z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first and third of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (TT1, T2, TT3, T4) Gradient) ValueWithGradient<T1, TT1, T2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, IDifferentiable<T3, TT3> z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, T2, TT3, T4) Gradient)>>(f)((T1)x, y, (T3)z, w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first and third and fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(3)]
    public static (TT1, T2, TT3, TT4) Gradient<T1, TT1, T2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first and third and fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(3)]
    public static (TR Value, (TT1, T2, TT3, TT4) Gradient) ValueWithGradient<T1, TT1, T2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, T2 y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, T2, TT3, TT4) Gradient)>>(f)((T1)x, y, (T3)z, (T4)w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first and second of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(2)]
    public static (TT1, TT2, T3, T4) Gradient<T1, TT1, T2, TT2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, T3 z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first and second of a differentiable type.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (TT1, TT2, T3, T4) Gradient) ValueWithGradient<T1, TT1, T2, TT2, T3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, T3 z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, TT2, T3, T4) Gradient)>>(f)((T1)x, (T2)y, z, w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first and second and fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(3)]
    public static (TT1, TT2, T3, TT4) Gradient<T1, TT1, T2, TT2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, T3 z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first and second and fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(3)]
    public static (TR Value, (TT1, TT2, T3, TT4) Gradient) ValueWithGradient<T1, TT1, T2, TT2, T3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, T3 z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, TT2, T3, TT4) Gradient)>>(f)((T1)x, (T2)y, z, (T4)w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first and second and third of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(3)]
    public static (TT1, TT2, TT3, T4) Gradient<T1, TT1, T2, TT2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first and second and third of a differentiable type.</summary>
    [OverloadResolutionPriority(3)]
    public static (TR Value, (TT1, TT2, TT3, T4) Gradient) ValueWithGradient<T1, TT1, T2, TT2, T3, TT3, T4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, T4 w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, TT2, TT3, T4) Gradient)>>(f)((T1)x, (T2)y, (T3)z, w);

    /// <summary>The gradient of a scalar-valued function of 4 inputs, the first and second and third and fourth of a differentiable type (its gradient a Tangent).</summary>
    [OverloadResolutionPriority(4)]
    public static (TT1, TT2, TT3, TT4) Gradient<T1, TT1, T2, TT2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y, z, w).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of 4 inputs, the first and second and third and fourth of a differentiable type.</summary>
    [OverloadResolutionPriority(4)]
    public static (TR Value, (TT1, TT2, TT3, TT4) Gradient) ValueWithGradient<T1, TT1, T2, TT2, T3, TT3, T4, TT4, TR>([Differentiable] Func<T1, T2, T3, T4, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y, IDifferentiable<T3, TT3> z, IDifferentiable<T4, TT4> w)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where T3 : IDifferentiable<T3, TT3> where TT3 : ITangent<TT3> where T4 : IDifferentiable<T4, TT4> where TT4 : ITangent<TT4> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, T3, T4, (TR Value, (TT1, TT2, TT3, TT4) Gradient)>>(f)((T1)x, (T2)y, (T3)z, (T4)w);
}
