// Second derivatives: Hessian and Hessian-vector product. The generator writes them at the call sites it
// sees (an inline lambda or a method group of a [Differentiable] method of the calling compilation), by
// reverse mode over forward mode; a delegate from elsewhere has no second derivatives to find at run time.
using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Nabla;

public static partial class Autodiff
{
    /// <summary>The Hessian <c>H[i, j] = ∂²f/∂x_i∂x_j</c> of a scalar function of a vector, one Hessian-vector product per column.</summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> was not passed directly at a call site the generator compiled.</exception>
    public static T[,] Hessian<T>([Differentiable] Func<T[], T> f, T[] x) where T : IFloatingPointIeee754<T> =>
        throw NotBoundAtCompileTime(f, nameof(Hessian));

    /// <summary>The second derivative <c>f″(x)</c> of a scalar function of a scalar.</summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> was not passed directly at a call site the generator compiled.</exception>
    public static T Hessian<T>([Differentiable] Func<T, T> f, T x) where T : IFloatingPointIeee754<T> =>
        throw NotBoundAtCompileTime(f, nameof(Hessian));

    /// <summary>The Hessian-vector product <c>H(x)·v</c>, by reverse mode over forward mode: a small constant times the cost of a gradient.</summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> was not passed directly at a call site the generator compiled.</exception>
    public static T[] HessianVectorProduct<T>([Differentiable] Func<T[], T> f, T[] x, T[] v) where T : IFloatingPointIeee754<T> =>
        throw NotBoundAtCompileTime(f, nameof(HessianVectorProduct));

    /// <summary>The product <c>f″(x)·v</c> of the second derivative of a scalar function of a scalar with <paramref name="v"/>.</summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> was not passed directly at a call site the generator compiled.</exception>
    public static T HessianVectorProduct<T>([Differentiable] Func<T, T> f, T x, T v) where T : IFloatingPointIeee754<T> =>
        throw NotBoundAtCompileTime(f, nameof(HessianVectorProduct));

#if NET10_0_OR_GREATER
    // For a [Differentiable] struct input. The overloads above win wherever they apply (priority); without overload
    // resolution priority (C# 12) these would make a scalar call ambiguous, so they are only in the library for .NET 10,
    // whose projects default to C# 14.

    /// <summary>
    /// The Hessian of a scalar function of a <c>[Differentiable]</c> struct (real members, no arrays), over the flat view of
    /// its tangent: <c>T.Tangent.Zero.Count</c> square, rows and columns in the order of the tangent's <c>CopyTo</c>.
    /// </summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> was not passed directly at a call site the generator compiled.</exception>
    [OverloadResolutionPriority(-1)]
    public static double[,] Hessian<T, TR>([Differentiable] Func<T, TR> f, T x) where TR : IFloatingPointIeee754<TR> =>
        throw NotBoundAtCompileTime(f, nameof(Hessian));

    /// <summary>The Hessian-vector product <c>H(x)·v</c> of a scalar function of a <c>[Differentiable]</c> struct, <paramref name="v"/> and the result its tangents.</summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> was not passed directly at a call site the generator compiled.</exception>
    [OverloadResolutionPriority(-1)]
    public static TT HessianVectorProduct<T, TT, TR>([Differentiable] Func<T, TR> f, T x, TT v) where TT : ITangent<TT> where TR : IFloatingPointIeee754<TR> =>
        throw NotBoundAtCompileTime(f, nameof(HessianVectorProduct));
#endif

    private static NotDifferentiableException NotBoundAtCompileTime(Delegate f, string op)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new NotDifferentiableException((f.Method.DeclaringType?.FullName ?? "?") + "." + f.Method.Name,
            $"second derivatives are written at compile time where the function is passed to Autodiff.{op}: pass an inline lambda, " +
            "or a method group of a [Differentiable] method of the calling project, directly to the operator (not through a delegate variable)");
    }
}
