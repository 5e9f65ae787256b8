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
    /// <summary>
    /// Dense Jacobian by forward mode over flat views, for inputs and results of any differentiable kind (a scalar, a
    /// vector, a tuple, a [Differentiable] type, an array): column j is the flat view of the result's tangent along the
    /// input's j-th unit tangent, so rows follow the result's flat view and columns the input's.
    /// </summary>
    /// <param name="differential">The result's tangent along an input tangent (one JVP at the point).</param>
    /// <param name="inputLike">A tangent of the input (or the input itself, when it is its own tangent) giving its shape.</param>
    /// <param name="input">The input tangent's flat view.</param>
    /// <param name="result">The result tangent's flat view.</param>
    public static E[,] JacobianForwardOfViews<E, TT, TRT>(Func<TT, TRT> differential, TT inputLike, FlatView<TT> input, FlatView<TRT> result)
        where E : IFloatingPointIeee754<E>
    {
        int n = input.Count(inputLike);
        E[,]? jacobian = null;
        double[] column = Array.Empty<double>();
        for (int j = 0; j < n; j++)
        {
            var tangent = differential(input.Unit(inputLike, j));
            if (jacobian is null)
            {
                jacobian = new E[result.Count(tangent), n];
                column = new double[jacobian.GetLength(0)];
            }
            result.CopyTo(tangent, column);
            for (int i = 0; i < column.Length; i++) jacobian[i, j] = E.CreateChecked(column[i]);
        }
        return jacobian ?? new E[result.Count(differential(input.Unit(inputLike, -1))), 0];
    }

    /// <summary>
    /// Dense Jacobian by reverse mode over flat views (see <see cref="JacobianForwardOfViews"/>): row i is the flat view of
    /// the input's cotangent for the result's i-th unit cotangent.
    /// </summary>
    /// <param name="pullback">The input's cotangent for a cotangent of the result.</param>
    /// <param name="resultLike">A tangent of the result (or the result itself, when it is its own tangent) giving its shape.</param>
    /// <param name="result">The result tangent's flat view.</param>
    /// <param name="inputLike">A tangent of the input (or the input itself) giving its shape.</param>
    /// <param name="input">The input tangent's flat view.</param>
    public static E[,] JacobianReverseOfViews<E, TRT, TT>(Func<TRT, TT> pullback, TRT resultLike, FlatView<TRT> result, TT inputLike, FlatView<TT> input)
        where E : IFloatingPointIeee754<E>
    {
        int m = result.Count(resultLike), n = input.Count(inputLike);
        var jacobian = new E[m, n];
        var row = new double[n];
        for (int i = 0; i < m; i++)
        {
            var cotangent = pullback(result.Unit(resultLike, i));
            int count = input.Count(cotangent);
            // A cotangent with empty array members is zero of any length (ITangent.Zero): a zero row.
            if (count == 0 && n > 0) continue;
            if (count != n)
                throw new InvalidOperationException($"The pullback returned a cotangent with {count} real components for an input with {n}.");
            input.CopyTo(cotangent, row);
            for (int j = 0; j < n; j++) jacobian[i, j] = E.CreateChecked(row[j]);
        }
        return jacobian;
    }

    /// <summary>
    /// A value shaped like <paramref name="like"/> (a real, a vector, an array of reals or a tuple of these) with 1 at its
    /// real component <paramref name="at"/> (counted across the value, in <see cref="Flatten{T}"/>'s order) and 0 elsewhere;
    /// <paramref name="at"/> is decreased by the components passed.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050",
        Justification = "The array type is that of an existing array (the function's result).")]
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2072",
        Justification = "The tuple type is that of an existing tuple (the function's result), built with its constructor.")]
    private static object? UnitLike(object? like, ref int at)
    {
        int k = at;
        switch (like)
        {
            case double: at -= 1; return k == 0 ? 1.0 : 0.0;
            case float: at -= 1; return k == 0 ? 1f : 0f;
            case Vector2: at -= 2; return new Vector2(k == 0 ? 1 : 0, k == 1 ? 1 : 0);
            case Vector3: at -= 3; return new Vector3(k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0);
            case Vector4: at -= 4; return new Vector4(k == 0 ? 1 : 0, k == 1 ? 1 : 0, k == 2 ? 1 : 0, k == 3 ? 1 : 0);
            case Array { Rank: 1 } array:
            {
                var unit = Array.CreateInstance(array.GetType().GetElementType()!, array.Length);
                for (int i = 0; i < array.Length; i++) unit.SetValue(UnitLike(array.GetValue(i), ref at), i);
                return unit;
            }
            case Array array:
            {
                // Row-major, as foreach (Flatten) enumerates it.
                var lengths = new int[array.Rank];
                for (int d = 0; d < lengths.Length; d++) lengths[d] = array.GetLength(d);
                var unit = Array.CreateInstance(array.GetType().GetElementType()!, lengths);
                var index = new int[lengths.Length];
                foreach (var element in array)
                {
                    unit.SetValue(UnitLike(element, ref at), index);
                    for (int d = index.Length - 1; d >= 0 && ++index[d] == lengths[d]; d--) index[d] = 0;
                }
                return unit;
            }
            case System.Runtime.CompilerServices.ITuple tuple:
            {
                var elements = new object?[tuple.Length];
                for (int i = 0; i < tuple.Length; i++) elements[i] = UnitLike(tuple[i], ref at);
                return Activator.CreateInstance(like.GetType(), elements);
            }
            default:
                throw new NotSupportedException($"a Jacobian of a result of type {like?.GetType().Name ?? "null"}: its components are not reals, vectors, arrays or tuples of them.");
        }
    }

    /// <summary>The real components of a value that is its own tangent, in order.</summary>
    internal static System.Collections.Generic.List<double> Components<T>(T value)
    {
        var components = new System.Collections.Generic.List<double>();
        Flatten(value, components);
        return components;
    }

    /// <summary>A value shaped like <paramref name="like"/> (its own tangent) with 1 at component <paramref name="index"/>.</summary>
    internal static T Unit<T>(T like, int index) => (T)UnitLike(like, ref index)!;

    /// <summary>The real components of a value whose tangent is itself, in order, converted to <typeparamref name="T"/>.</summary>
    private static void Flatten<T>(object? value, System.Collections.Generic.List<T> into) where T : IFloatingPointIeee754<T>
    {
        switch (value)
        {
            case double d: into.Add(T.CreateChecked(d)); break;
            case float f: into.Add(T.CreateChecked(f)); break;
            case Vector2 v: into.Add(T.CreateChecked(v.X)); into.Add(T.CreateChecked(v.Y)); break;
            case Vector3 v: into.Add(T.CreateChecked(v.X)); into.Add(T.CreateChecked(v.Y)); into.Add(T.CreateChecked(v.Z)); break;
            case Vector4 v: into.Add(T.CreateChecked(v.X)); into.Add(T.CreateChecked(v.Y)); into.Add(T.CreateChecked(v.Z)); into.Add(T.CreateChecked(v.W)); break;
            case Array array:
                foreach (var element in array) Flatten(element, into);
                break;
            case System.Runtime.CompilerServices.ITuple tuple:
                for (int k = 0; k < tuple.Length; k++) Flatten(tuple[k], into);
                break;
            default:
                throw new NotSupportedException($"a Jacobian of a result of type {value?.GetType().Name ?? "null"}: its components are not reals, vectors, arrays or tuples of them.");
        }
    }

    /// <summary>Dense Jacobian by forward mode: one JVP per input, each on a copy of <paramref name="x"/>.</summary>
    public static T[,] JacobianForward<T>(Func<T[], T[], (T[] Value, T[] Tangent)> jvp, Func<T[], T[]> f, T[] x)
        where T : IFloatingPointIeee754<T>
    {
        T[,]? jacobian = null;
        var dx = Scratch<T>.Rent(ref Scratch<T>.Tangent, x.Length);
        var copy = Scratch<T>.Rent(ref Scratch<T>.Input, x.Length);
        for (int j = 0; j < x.Length; j++)
        {
            Array.Clear(dx);
            dx[j] = T.One;
            x.CopyTo(copy, 0);
            var (value, column) = jvp(copy, dx);
            jacobian ??= new T[value.Length, x.Length];
            for (int i = 0; i < column.Length; i++) jacobian[i, j] = column[i];
        }
        Scratch<T>.Tangent = dx;
        Scratch<T>.Input = copy;
        return jacobian ?? new T[f((T[])x.Clone()).Length, 0];
    }

    /// <summary>Dense Jacobian by reverse mode: one pullback per output.</summary>
    public static T[,] JacobianReverse<T>(Func<T[], (T[] Value, Func<T[], T[]> Pullback)> valueWithPullback, T[] x)
        where T : IFloatingPointIeee754<T>
    {
        var copy = Scratch<T>.Rent(ref Scratch<T>.Input, x.Length);
        x.CopyTo(copy, 0);
        var (value, pullback) = valueWithPullback(copy);
        var jacobian = new T[value.Length, x.Length];
        var ct = Scratch<T>.Rent(ref Scratch<T>.Tangent, value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            Array.Clear(ct);
            ct[i] = T.One;
            var row = pullback(ct);
            for (int j = 0; j < row.Length; j++) jacobian[i, j] = row[j];
        }
        Scratch<T>.Tangent = ct;
        Scratch<T>.Input = copy;
        return jacobian;
    }

    /// <summary>
    /// Per-thread scratch arrays for the operators above (the copy of x each pass runs on, the unit tangent or
    /// cotangent), so repeated calls do not allocate them: a call takes an array out of its slot (leaving it
    /// empty, so a nested call on the same thread makes its own) and puts it back when it is done. Only the
    /// operator and the derivative it calls see them, and nothing of theirs outlives the call: the Jacobian's
    /// entries are copied out of each pass's result. An exception leaves the slot empty; the next call allocates.
    /// </summary>
    private static class Scratch<T>
    {
        [ThreadStatic] public static T[]? Input;
        [ThreadStatic] public static T[]? Tangent;

        public static T[] Rent(ref T[]? slot, int length)
        {
            var array = slot;
            if (array is null || array.Length != length) return new T[length];
            slot = null;
            return array;
        }
    }
}

/// <summary>
/// The flat view of a tangent (its real components in order) for the Jacobian operators: a tangent type's own
/// (<see cref="ITangent{TSelf}.CopyTo(Span{double})"/>), or the components of a value that is its own tangent.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class FlatView<T>
{
    /// <summary>How many real components <paramref name="value"/> has.</summary>
    public abstract int Count(T value);

    /// <summary>Writes the components of <paramref name="value"/> into <paramref name="destination"/>.</summary>
    public abstract void CopyTo(T value, Span<double> destination);

    /// <summary>A value shaped like <paramref name="like"/> with 1 at component <paramref name="index"/> and 0 elsewhere (all 0 for -1).</summary>
    public abstract T Unit(T like, int index);
}

/// <summary>The flat views generated Jacobian code passes to <see cref="Operators"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FlatViews
{
    /// <summary>The view of a value that is its own tangent: a real, a vector, an array or a tuple of them.</summary>
    public static FlatView<T> OfValue<T>() => OwnTangentView<T>.Instance;

    /// <summary>The view of a tangent type (a [Differentiable] type's <c>Tangent</c>).</summary>
    public static FlatView<TT> OfTangent<TT>() where TT : ITangent<TT> => TangentView<TT>.Instance;

    private sealed class OwnTangentView<T> : FlatView<T>
    {
        public static readonly OwnTangentView<T> Instance = new();

        public override int Count(T value) => Operators.Components(value).Count;

        public override void CopyTo(T value, Span<double> destination)
        {
            var components = Operators.Components(value);
            for (int i = 0; i < components.Count; i++) destination[i] = components[i];
        }

        public override T Unit(T like, int index) => Operators.Unit(like, index);
    }

    private sealed class TangentView<TT> : FlatView<TT> where TT : ITangent<TT>
    {
        public static readonly TangentView<TT> Instance = new();

        public override int Count(TT value) => value.Count;

        public override void CopyTo(TT value, Span<double> destination) => value.CopyTo(destination);

        public override TT Unit(TT like, int index)
        {
            var unit = new double[like.Count];
            if (index >= 0) unit[index] = 1.0;
            return like.FromSpan(unit);
        }
    }
}
