// Second derivatives: Hessian and Hessian-vector product. The generator writes them at the call sites it
// sees (an inline lambda or a method group of a [Differentiable] method of the calling compilation), by
// reverse mode over forward mode; a delegate from elsewhere has no second derivatives to find at run time.
using System;
using System.Numerics;

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

    private static NotDifferentiableException NotBoundAtCompileTime(Delegate f, string op)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new NotDifferentiableException((f.Method.DeclaringType?.FullName ?? "?") + "." + f.Method.Name,
            $"second derivatives are written at compile time where the function is passed to Autodiff.{op}: pass an inline lambda, " +
            "or a method group of a [Differentiable] method of the calling project, directly to the operator (not through a delegate variable)");
    }
}
