// The operators of API.md §3 on a function of one [Differentiable] type (API.md §4): gradients come back as the
// type's Tangent. The input is taken as IDifferentiable<T, TT> so that C# infers the tangent type TT from it;
// overload resolution priority makes these win over the general overloads (which would type the gradient as T).
using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla;

public static partial class Autodiff
{
    /// <summary>The gradient of a scalar-valued function of a differentiable type, as the type's tangent.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point (a [Differentiable] struct or class value).</param>
    /// <returns><c>∂f/∂x</c> at <paramref name="x"/>: a <c>T.Tangent</c>.</returns>
    /// <remarks>A struct input is boxed to pass it as <see cref="IDifferentiable{TSelf, TTangent}"/>; the generated
    /// <c>F_ValueWithGradient</c> members take it unboxed.</remarks>
    [OverloadResolutionPriority(1)]
    public static TT Gradient<T, TT, TR>([Differentiable] Func<T, TR> f, IDifferentiable<T, TT> x)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of a differentiable type.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point (a [Differentiable] struct or class value).</param>
    /// <returns><c>(f(x), ∂f/∂x)</c>, the gradient a <c>T.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, TT Gradient) ValueWithGradient<T, TT, TR>([Differentiable] Func<T, TR> f, IDifferentiable<T, TT> x)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T, (TR Value, TT Gradient)>>(f)((T)x);

    /// <summary>The value and the pullback of a scalar-valued function of a differentiable type.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point (a [Differentiable] struct or class value).</param>
    /// <returns><c>f(x)</c> and a function from a cotangent of the result to a <c>T.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<TR, TT> Pullback) ValueWithPullback<T, TT, TR>([Differentiable] Func<T, TR> f, IDifferentiable<T, TT> x)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IFloatingPointIeee754<TR>
        => ValueWithPullbackOf<Func<T, (TR Value, Func<TR, TT> Pullback)>>(f)((T)x);

    /// <summary>One vector–Jacobian product of a scalar-valued function of a differentiable type.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point (a [Differentiable] struct or class value).</param>
    /// <param name="cotangent">The cotangent of the result.</param>
    /// <returns><c>cotangent · ∂f/∂x</c>: a <c>T.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static TT Vjp<T, TT, TR>([Differentiable] Func<T, TR> f, IDifferentiable<T, TT> x, TR cotangent)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IFloatingPointIeee754<TR>
        => ValueWithPullback(f, x).Pullback(cotangent);

    /// <summary>The value and directional derivative of a scalar-valued function of a differentiable type along a tangent.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point (a [Differentiable] struct or class value).</param>
    /// <param name="dx">The direction: a <c>T.Tangent</c>.</param>
    /// <returns><c>(f(x), ∂f/∂x · dx)</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, TR Tangent) Jvp<T, TT, TR>([Differentiable] Func<T, TR> f, IDifferentiable<T, TT> x, TT dx)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IFloatingPointIeee754<TR>
        => JvpOf<Func<T, TT, (TR Value, TR Tangent)>>(f)((T)x, dx);
    /// <summary>The value and the differential of a scalar-valued function of a differentiable type.</summary>
    /// <param name="f">A differentiable function of one input.</param>
    /// <param name="x">The point (a [Differentiable] struct or class value).</param>
    /// <returns><c>f(x)</c> and a function from a <c>T.Tangent</c> to the directional derivative along it.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<TT, TR> Differential) ValueWithDifferential<T, TT, TR>([Differentiable] Func<T, TR> f, IDifferentiable<T, TT> x)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IFloatingPointIeee754<TR>
    {
        var jvp = JvpOf<Func<T, TT, (TR Value, TR Tangent)>>(f);
        var point = (T)x;
        return (f(point), dx => jvp(point, dx).Tangent);
    }

    // A function of one scalar whose result is of a differentiable type (a simulation's state at time t): its tangent
    // is the type's Tangent. The delegate is typed as returning IDifferentiable<TR, TRT> so that C# infers TRT from a
    // lambda's result; a lambda is bound to its generated derivatives at compile time (a method group returning a
    // struct does not convert to this delegate: pass t => F(t)).

    /// <summary>The derivative of a function of one scalar with a result of a differentiable type, by forward mode.</summary>
    /// <param name="f">A lambda of one scalar input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <returns><c>f′(x)</c>: a <c>TR.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static TRT Derivative<T1, TR, TRT>([Differentiable] Func<T1, IDifferentiable<TR, TRT>> f, T1 x)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => JvpOf<Func<T1, T1, (TR Value, TRT Tangent)>>(f)(x, T1.One).Tangent;

    /// <summary>The value and directional derivative of a function of one scalar with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one scalar input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <param name="dx">The input's tangent.</param>
    /// <returns><c>(f(x), f′(x) · dx)</c>, the tangent a <c>TR.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, TRT Tangent) Jvp<T1, TR, TRT>([Differentiable] Func<T1, IDifferentiable<TR, TRT>> f, T1 x, T1 dx)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => JvpOf<Func<T1, T1, (TR Value, TRT Tangent)>>(f)(x, dx);

    /// <summary>The value and the differential of a function of one scalar with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one scalar input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <returns><c>f(x)</c> and a function from the input's tangent to the result's (a <c>TR.Tangent</c>).</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<T1, TRT> Differential) ValueWithDifferential<T1, TR, TRT>([Differentiable] Func<T1, IDifferentiable<TR, TRT>> f, T1 x)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
    {
        var jvp = JvpOf<Func<T1, T1, (TR Value, TRT Tangent)>>(f);
        return (jvp(x, T1.Zero).Value, dx => jvp(x, dx).Tangent);
    }

    /// <summary>The value and the pullback of a function of one scalar with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one scalar input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <returns><c>f(x)</c> and a function from a cotangent of the result (a <c>TR.Tangent</c>) to the input's.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<TRT, T1> Pullback) ValueWithPullback<T1, TR, TRT>([Differentiable] Func<T1, IDifferentiable<TR, TRT>> f, T1 x)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => ValueWithPullbackOf<Func<T1, (TR Value, Func<TRT, T1> Pullback)>>(f)(x);

    /// <summary>One vector–Jacobian product of a function of one scalar with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one scalar input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <param name="cotangent">The cotangent of the result: a <c>TR.Tangent</c>.</param>
    /// <returns>The input's cotangent.</returns>
    [OverloadResolutionPriority(1)]
    public static T1 Vjp<T1, TR, TRT>([Differentiable] Func<T1, IDifferentiable<TR, TRT>> f, T1 x, TRT cotangent)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => ValueWithPullback(f, x).Pullback(cotangent);

    // A function from one differentiable type to another (a simulation step, a state transition): tangents and
    // cotangents are the types' Tangents.

    /// <summary>The value and directional derivative of a function between differentiable types along a tangent.</summary>
    /// <param name="f">A lambda of one [Differentiable] input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <param name="dx">The direction: a <c>T.Tangent</c>.</param>
    /// <returns><c>(f(x), ∂f/∂x · dx)</c>, the tangent a <c>TR.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, TRT Tangent) Jvp<T, TT, TR, TRT>([Differentiable] Func<T, IDifferentiable<TR, TRT>> f, IDifferentiable<T, TT> x, TT dx)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => JvpOf<Func<T, TT, (TR Value, TRT Tangent)>>(f)((T)x, dx);

    /// <summary>The value and the differential of a function between differentiable types.</summary>
    /// <param name="f">A lambda of one [Differentiable] input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <returns><c>f(x)</c> and a function from a <c>T.Tangent</c> to a <c>TR.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<TT, TRT> Differential) ValueWithDifferential<T, TT, TR, TRT>([Differentiable] Func<T, IDifferentiable<TR, TRT>> f, IDifferentiable<T, TT> x)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
    {
        var jvp = JvpOf<Func<T, TT, (TR Value, TRT Tangent)>>(f);
        var point = (T)x;
        return (jvp(point, TT.Zero).Value, dx => jvp(point, dx).Tangent);
    }

    /// <summary>The value and the pullback of a function between differentiable types.</summary>
    /// <param name="f">A lambda of one [Differentiable] input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <returns><c>f(x)</c> and a function from a <c>TR.Tangent</c> (a cotangent of the result) to a <c>T.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<TRT, TT> Pullback) ValueWithPullback<T, TT, TR, TRT>([Differentiable] Func<T, IDifferentiable<TR, TRT>> f, IDifferentiable<T, TT> x)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => ValueWithPullbackOf<Func<T, (TR Value, Func<TRT, TT> Pullback)>>(f)((T)x);

    /// <summary>One vector–Jacobian product of a function between differentiable types.</summary>
    /// <param name="f">A lambda of one [Differentiable] input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <param name="cotangent">The cotangent of the result: a <c>TR.Tangent</c>.</param>
    /// <returns>The input's cotangent: a <c>T.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static TT Vjp<T, TT, TR, TRT>([Differentiable] Func<T, IDifferentiable<TR, TRT>> f, IDifferentiable<T, TT> x, TRT cotangent)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => ValueWithPullback(f, x).Pullback(cotangent);

    // A function of an array (joint angles, parameters) with a result of a differentiable type (a pose, a state).

    /// <summary>The value and directional derivative of a function of an array with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one array input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <param name="dx">The input's tangent, as long as <paramref name="x"/>.</param>
    /// <returns><c>(f(x), ∂f/∂x · dx)</c>, the tangent a <c>TR.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, TRT Tangent) Jvp<T1, TR, TRT>([Differentiable] Func<T1[], IDifferentiable<TR, TRT>> f, T1[] x, T1[] dx)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => JvpOf<Func<T1[], T1[], (TR Value, TRT Tangent)>>(f)(x, dx);

    /// <summary>The value and the differential of a function of an array with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one array input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <returns><c>f(x)</c> and a function from the input's tangent to the result's (a <c>TR.Tangent</c>).</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<T1[], TRT> Differential) ValueWithDifferential<T1, TR, TRT>([Differentiable] Func<T1[], IDifferentiable<TR, TRT>> f, T1[] x)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
    {
        var jvp = JvpOf<Func<T1[], T1[], (TR Value, TRT Tangent)>>(f);
        return (jvp(x, new T1[x.Length]).Value, dx => jvp(x, dx).Tangent);
    }

    /// <summary>The value and the pullback of a function of an array with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one array input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <returns><c>f(x)</c> and a function from a cotangent of the result (a <c>TR.Tangent</c>) to the input's (an array).</returns>
    [OverloadResolutionPriority(1)]
    public static (TR Value, Func<TRT, T1[]> Pullback) ValueWithPullback<T1, TR, TRT>([Differentiable] Func<T1[], IDifferentiable<TR, TRT>> f, T1[] x)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => ValueWithPullbackOf<Func<T1[], (TR Value, Func<TRT, T1[]> Pullback)>>(f)(x);

    /// <summary>One vector–Jacobian product of a function of an array with a result of a differentiable type.</summary>
    /// <param name="f">A lambda of one array input returning a [Differentiable] struct or class.</param>
    /// <param name="x">The point.</param>
    /// <param name="cotangent">The cotangent of the result: a <c>TR.Tangent</c>.</param>
    /// <returns>The input's cotangent, an array as long as <paramref name="x"/>.</returns>
    [OverloadResolutionPriority(1)]
    public static T1[] Vjp<T1, TR, TRT>([Differentiable] Func<T1[], IDifferentiable<TR, TRT>> f, T1[] x, TRT cotangent)
        where T1 : IFloatingPointIeee754<T1> where TR : IDifferentiable<TR, TRT> where TRT : ITangent<TRT>
        => ValueWithPullback(f, x).Pullback(cotangent);

    // Two inputs, one or both of a [Differentiable] type (a model and a scalar, two states): each such input's gradient
    // is its Tangent, the other's is typed as itself. Both differentiable: the higher priority picks the overload that
    // types both gradients as Tangents.

    /// <summary>The gradient of a scalar-valued function of a differentiable type and another input.</summary>
    /// <returns><c>(∂f/∂x, ∂f/∂y)</c>, the first a <c>T1.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (TT1, T2) Gradient<T1, TT1, T2, TR>([Differentiable] Func<T1, T2, TR> f, IDifferentiable<T1, TT1> x, T2 y)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of a differentiable type and another input.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (TT1, T2) Gradient) ValueWithGradient<T1, TT1, T2, TR>([Differentiable] Func<T1, T2, TR> f, IDifferentiable<T1, TT1> x, T2 y)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, (TR Value, (TT1, T2) Gradient)>>(f)((T1)x, y);

    /// <summary>The gradient of a scalar-valued function of an input and a differentiable type.</summary>
    /// <returns><c>(∂f/∂x, ∂f/∂y)</c>, the second a <c>T2.Tangent</c>.</returns>
    [OverloadResolutionPriority(1)]
    public static (T1, TT2) Gradient<T1, T2, TT2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, IDifferentiable<T2, TT2> y)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of an input and a differentiable type.</summary>
    [OverloadResolutionPriority(1)]
    public static (TR Value, (T1, TT2) Gradient) ValueWithGradient<T1, T2, TT2, TR>([Differentiable] Func<T1, T2, TR> f, T1 x, IDifferentiable<T2, TT2> y)
        where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2> where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, (TR Value, (T1, TT2) Gradient)>>(f)(x, (T2)y);

    /// <summary>The gradient of a scalar-valued function of two differentiable types.</summary>
    /// <returns><c>(∂f/∂x, ∂f/∂y)</c>: a <c>T1.Tangent</c> and a <c>T2.Tangent</c>.</returns>
    [OverloadResolutionPriority(2)]
    public static (TT1, TT2) Gradient<T1, TT1, T2, TT2, TR>([Differentiable] Func<T1, T2, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2>
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradient(f, x, y).Gradient;

    /// <summary>The value and gradient of a scalar-valued function of two differentiable types.</summary>
    [OverloadResolutionPriority(2)]
    public static (TR Value, (TT1, TT2) Gradient) ValueWithGradient<T1, TT1, T2, TT2, TR>([Differentiable] Func<T1, T2, TR> f, IDifferentiable<T1, TT1> x, IDifferentiable<T2, TT2> y)
        where T1 : IDifferentiable<T1, TT1> where TT1 : ITangent<TT1> where T2 : IDifferentiable<T2, TT2> where TT2 : ITangent<TT2>
        where TR : IFloatingPointIeee754<TR>
        => ValueWithGradientOf<Func<T1, T2, (TR Value, (TT1, TT2) Gradient)>>(f)((T1)x, (T2)y);
}
