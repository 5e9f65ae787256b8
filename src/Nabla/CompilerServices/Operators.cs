// The operators that combine several derivative calls, on the generated derivatives themselves:
// the public operators pass what the registry found, interceptors pass generated code directly.
using System;
using System.ComponentModel;
using System.Numerics;

namespace Nabla.CompilerServices;

/// <summary>Operator bodies that take the derivatives to use; called by <see cref="Autodiff"/> and by generated interceptors.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Operators
{
    /// <summary>Dense Jacobian by forward mode: one JVP per input, each on a copy of <paramref name="x"/>.</summary>
    public static T[,] JacobianForward<T>(Func<T[], T[], (T[] Value, T[] Tangent)> jvp, Func<T[], T[]> f, T[] x)
        where T : IFloatingPointIeee754<T>
    {
        T[,]? jacobian = null;
        var dx = new T[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            Array.Clear(dx);
            dx[j] = T.One;
            var (value, column) = jvp((T[])x.Clone(), dx);
            jacobian ??= new T[value.Length, x.Length];
            for (int i = 0; i < column.Length; i++) jacobian[i, j] = column[i];
        }
        return jacobian ?? new T[f((T[])x.Clone()).Length, 0];
    }

    /// <summary>Dense Jacobian by reverse mode: one pullback per output.</summary>
    public static T[,] JacobianReverse<T>(Func<T[], (T[] Value, Func<T[], T[]> Pullback)> valueWithPullback, T[] x)
        where T : IFloatingPointIeee754<T>
    {
        var (value, pullback) = valueWithPullback((T[])x.Clone());
        var jacobian = new T[value.Length, x.Length];
        var ct = new T[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            Array.Clear(ct);
            ct[i] = T.One;
            var row = pullback(ct);
            for (int j = 0; j < row.Length; j++) jacobian[i, j] = row[j];
        }
        return jacobian;
    }
}
