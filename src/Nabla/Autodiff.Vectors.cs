// Operators for vector-valued functions T[] → T[] (T double or float): JVPs, VJPs and dense Jacobians.
using System;
using System.Numerics;
using Nabla.CompilerServices;

namespace Nabla;

public static partial class Autodiff
{
    /// <summary>The value of a vector function and its Jacobian-vector product <c>J(x)·dx</c>, by forward mode.</summary>
    public static (T[] Value, T[] Tangent) Jvp<T>([Differentiable] Func<T[], T[]> f, T[] x, T[] dx)
        where T : IFloatingPointIeee754<T> =>
        JvpOf<Func<T[], T[], (T[] Value, T[] Tangent)>>(f)(x, dx);

    /// <summary>The value of a vector function and its pullback <c>ct ↦ ctᵀ·J(x)</c>, by reverse mode.</summary>
    public static (T[] Value, Func<T[], T[]> Pullback) ValueWithPullback<T>([Differentiable] Func<T[], T[]> f, T[] x)
        where T : IFloatingPointIeee754<T> =>
        ValueWithPullbackOf<Func<T[], (T[] Value, Func<T[], T[]> Pullback)>>(f)(x);

    /// <summary>The vector-Jacobian product <c>ctᵀ·J(x)</c> of a vector function, by reverse mode.</summary>
    public static T[] Vjp<T>([Differentiable] Func<T[], T[]> f, T[] x, T[] cotangent)
        where T : IFloatingPointIeee754<T> =>
        ValueWithPullback(f, x).Pullback(cotangent);

    /// <summary>
    /// The dense Jacobian <c>J[i, j] = ∂f_i/∂x_j</c>, one forward-mode pass per input (column by column):
    /// the cheaper way when there are fewer inputs than outputs. Each pass runs on a copy of x.
    /// </summary>
    public static T[,] JacobianForward<T>([Differentiable] Func<T[], T[]> f, T[] x)
        where T : IFloatingPointIeee754<T> =>
        Operators.JacobianForward(JvpOf<Func<T[], T[], (T[] Value, T[] Tangent)>>(f), f, x);

    /// <summary>
    /// The dense Jacobian of a function of an array whose result is a vector, a tuple or another value that is its own
    /// tangent (<c>Vector3 EndEffector(double[] angles)</c>), by forward mode: row i is the result's i-th real component
    /// (X, Y, Z; tuple elements in order), column j the input's j-th element.
    /// </summary>
    public static T[,] JacobianForward<T, TR>([Differentiable] Func<T[], TR> f, T[] x)
        where T : IFloatingPointIeee754<T>
    {
        var jvp = JvpOf<Func<T[], T[], (TR Value, TR Tangent)>>(f);
        return Operators.JacobianForwardOfViews<T, T[], TR>(dx => jvp((T[])x.Clone(), dx).Tangent, x, FlatViews.OfValue<T[]>(), FlatViews.OfValue<TR>());
    }

    /// <summary>
    /// The dense Jacobian <c>J[i, j] = ∂f_i/∂x_j</c>, one reverse-mode pass per output (row by row): the
    /// cheaper way when there are fewer outputs than inputs.
    /// </summary>
    public static T[,] JacobianReverse<T>([Differentiable] Func<T[], T[]> f, T[] x)
        where T : IFloatingPointIeee754<T> =>
        Operators.JacobianReverse(ValueWithPullbackOf<Func<T[], (T[] Value, Func<T[], T[]> Pullback)>>(f), x);

    /// <summary>
    /// The dense Jacobian of a function of an array whose result is a scalar, a vector or a tuple of them (a value that is
    /// its own tangent: <c>Vector3 EndEffector(double[] angles)</c>), by reverse mode: one pullback per real component of
    /// the result, row i being component i (X, Y, Z; tuple elements in order), as <see cref="JacobianForward{T, TR}(Func{T[], TR}, T[])"/>.
    /// </summary>
    public static T[,] JacobianReverse<T, TR>([Differentiable] Func<T[], TR> f, T[] x)
        where T : IFloatingPointIeee754<T>
    {
        var (value, pullback) = ValueWithPullbackOf<Func<T[], (TR Value, Func<TR, T[]> Pullback)>>(f)((T[])x.Clone());
        return Operators.JacobianReverseOfViews<T, TR, T[]>(pullback, value, FlatViews.OfValue<TR>(), x, FlatViews.OfValue<T[]>());
    }

#if NET10_0_OR_GREATER
    // Any other input: a scalar, a vector, a tuple, a [Differentiable] struct or class, a matrix. The array overloads
    // above win wherever they apply (priority); C# 12 would find these ambiguous with them, so they are for .NET 10 only.

    /// <summary>
    /// The dense Jacobian of a function of one input that is not a vector of reals (a scalar, a <c>Vector3</c>, a tuple,
    /// a <c>[Differentiable]</c> struct or class), by forward mode: one JVP per real component of the input. Rows follow
    /// the flat view of the result's tangent (a real, a vector's X, Y, Z, an array's elements, tuple elements in order, a
    /// differentiable type's <c>Tangent.CopyTo</c> order), columns the input's.
    /// </summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative: a delegate not passed directly
    /// at a call site the generator compiled, whose method is not a registered [Differentiable] method of reals, vectors and tuples.</exception>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(-1)]
    public static double[,] JacobianForward<T, TR>([Differentiable] Func<T, TR> f, T x)
    {
        // Bound at compile time wherever f is passed directly; a delegate from elsewhere is found in the registry, whose
        // derivatives type tangents as the values themselves (reals, vectors, tuples).
        var jvp = JvpOf<Func<T, T, (TR Value, TR Tangent)>>(f);
        return Operators.JacobianForwardOfViews<double, T, TR>(dx => jvp(x, dx).Tangent, x, FlatViews.OfValue<T>(), FlatViews.OfValue<TR>());
    }

    /// <summary>
    /// The dense Jacobian of a function of one input that is not a vector of reals, by reverse mode: one pullback per
    /// real component of the result. Rows and columns as <see cref="JacobianForward{T, TR}(Func{T, TR}, T)"/>.
    /// </summary>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative (as for JacobianForward).</exception>
    [System.Runtime.CompilerServices.OverloadResolutionPriority(-1)]
    public static double[,] JacobianReverse<T, TR>([Differentiable] Func<T, TR> f, T x)
    {
        var (value, pullback) = ValueWithPullbackOf<Func<T, (TR Value, Func<TR, T> Pullback)>>(f)(x);
        return Operators.JacobianReverseOfViews<double, TR, T>(pullback, value, FlatViews.OfValue<TR>(), x, FlatViews.OfValue<T>());
    }
#endif
}
