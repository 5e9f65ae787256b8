// Typed stacks for the values reverse mode keeps from inside loops: the augmented primal pushes,
// the pullback pops in reverse. Pooled per thread, so a gradient call allocates nothing in steady state.
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Nabla.CompilerServices;

/// <summary>A growable stack of <typeparamref name="T"/> used by generated pullbacks. Not thread-safe; one per call.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Tape<T>
{
    [ThreadStatic] private static Tape<T>?[]? s_pool;
    [ThreadStatic] private static int s_pooled;

    private T[] _items;
    private int _count;

    private Tape(int capacity) => _items = new T[capacity];

    /// <summary>Values on the tape.</summary>
    public int Count => _count;

    /// <summary>Bytes the tape's buffer holds (for reporting tape memory).</summary>
    public long CapacityBytes => (long)_items.Length * Unsafe.SizeOf<T>();

    /// <summary>Takes an empty tape from this thread's pool (or makes one).</summary>
    public static Tape<T> Rent()
    {
        var pool = s_pool;
        if (pool != null && s_pooled > 0)
        {
            var tape = pool[--s_pooled]!;
            pool[s_pooled] = null;
            return tape;
        }
        return new Tape<T>(64);
    }

    /// <summary>Empties the tape and gives it back to this thread's pool.</summary>
    public void Return()
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            Array.Clear(_items, 0, _count);
        _count = 0;
        var pool = s_pool ??= new Tape<T>?[8];
        if (s_pooled < pool.Length) pool[s_pooled++] = this;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(T value)
    {
        var items = _items;
        int count = _count;
        if ((uint)count < (uint)items.Length)
        {
            items[count] = value;
            _count = count + 1;
        }
        else
        {
            Grow(value);
        }
    }

    /// <summary>
    /// Makes room for <paramref name="perIteration"/> values per iteration of a loop counting from
    /// <paramref name="start"/> up to <paramref name="bound"/>, and <paramref name="more"/> besides (what its
    /// test records on the visit that leaves), pushed then by <see cref="PushReserved"/>: the loop itself then
    /// has no capacity check and no call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReserveForLoop(int start, int bound, int perIteration, int more)
    {
        long needed = _count + Math.Max(0L, (long)bound - start) * perIteration + more;
        if (needed > _items.Length) GrowTo(needed);
    }

    /// <summary>The same for a loop counting with <c>long</c> (or <c>uint</c>) from <paramref name="start"/> up to <paramref name="bound"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReserveForLoop(long start, long bound, int perIteration, int more)
    {
        long needed = _count + Math.Max(0L, bound - start) * perIteration + more;
        if (needed > _items.Length) GrowTo(needed);
    }

    /// <summary>Pushes into room made by <see cref="ReserveForLoop(int, int, int, int)"/> (the array's bounds check still guards it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushReserved(T value) => _items[_count++] = value;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowTo(long needed)
    {
        if (needed > Array.MaxLength) throw new OutOfMemoryException("A loop would record more values than an array holds.");
        Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _items.Length)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(T value)
    {
        Array.Resize(ref _items, _items.Length * 2);
        _items[_count++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Pop() => _items[--_count];
}

/// <summary>
/// A virtual or interface call in differentiated code whose receiver's class this compilation did not see override or
/// implement the method: generated code calls this in the dispatch's last branch (it always throws).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dispatch
{
    public static T NotDispatched<T>(string method, string why) => throw new NotDifferentiableException(method, why);
    public static void NotDispatched(string method, string why) => throw new NotDifferentiableException(method, why);
}

/// <summary>Shadow (adjoint and tangent) arrays: the same shape as a primal array, filled with zeros.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Shadow
{
    public static double[] ZerosLike(double[] x) => new double[x.Length];

    /// <summary>The zero tangent of a differentiable value shaped like it (array members as long as its own).</summary>
    public static TT ZeroTangentOf<T, TT>(T value) where T : IDifferentiable<T, TT> where TT : ITangent<TT> => value.ZeroTangent();

    /// <summary>The zero tangent of an array of differentiable structs: as many zero tangents.</summary>
    public static TTangent[] TangentsLike<TTangent>(Array x) => new TTangent[x.Length];

    /// <summary>The gradient of a span input, as an array of its length (a span cannot be returned in a tuple).</summary>
    public static double[] ZerosLike(ReadOnlySpan<double> x) => new double[x.Length];
    public static float[] ZerosLike(ReadOnlySpan<float> x) => new float[x.Length];
    public static float[] ZerosLike(float[] x) => new float[x.Length];
    public static double[,] ZerosLike(double[,] x) => new double[x.GetLength(0), x.GetLength(1)];
    public static float[,] ZerosLike(float[,] x) => new float[x.GetLength(0), x.GetLength(1)];
    public static double[,,] ZerosLike(double[,,] x) => new double[x.GetLength(0), x.GetLength(1), x.GetLength(2)];

    public static T[][] ZerosLike<T>(T[][] x)
    {
        var result = new T[x.Length][];
        for (int i = 0; i < x.Length; i++)
            result[i] = x[i] is null ? null! : new T[x[i].Length];
        return result;
    }

    public static T[][][] ZerosLike<T>(T[][][] x)
    {
        var result = new T[x.Length][][];
        for (int i = 0; i < x.Length; i++)
            result[i] = x[i] is null ? null! : ZerosLike(x[i]);
        return result;
    }

    /// <summary>
    /// The shadow of an array input that may be the same array as an earlier input: that input's shadow
    /// when it is (so aliasing inputs share one gradient), else a fresh zero one.
    /// </summary>
    public static double[] ShareIfSame(double[] x, double[] earlier, double[] earlierShadow) => ReferenceEquals(x, earlier) ? earlierShadow : ZerosLike(x);
    public static float[] ShareIfSame(float[] x, float[] earlier, float[] earlierShadow) => ReferenceEquals(x, earlier) ? earlierShadow : ZerosLike(x);
    public static double[,] ShareIfSame(double[,] x, double[,] earlier, double[,] earlierShadow) => ReferenceEquals(x, earlier) ? earlierShadow : ZerosLike(x);
    public static float[,] ShareIfSame(float[,] x, float[,] earlier, float[,] earlierShadow) => ReferenceEquals(x, earlier) ? earlierShadow : ZerosLike(x);
    public static T[][] ShareIfSame<T>(T[][] x, T[][] earlier, T[][] earlierShadow) => ReferenceEquals(x, earlier) ? earlierShadow : ZerosLike(x);

    /// <summary>Clears a caller's gradient buffer for <paramref name="input"/>, which it must match in shape.</summary>
    public static void ClearFor<T>(T[] buffer, Array input, string name) where T : struct
    {
        if (buffer is null || buffer.Length != input.Length) throw ShapeMismatch(name, input.Length, buffer?.Length);
        Array.Clear(buffer);
    }

    public static void ClearFor<T>(T[][] buffer, Array input, string name)
    {
        if (buffer is null || buffer.Length != input.Length) throw ShapeMismatch(name, input.Length, buffer?.Length);
        // T[] is a reference type, so T[][] is an Array[] (array covariance).
        ClearRows((Array[])(object)buffer, input, name);
    }

    /// <summary>Checks and clears each row of a jagged buffer; deeper rows (T[][][]) the same way.</summary>
    private static void ClearRows(Array[] buffer, Array input, string name)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            if (input.GetValue(i) is not Array row) continue;
            if (buffer[i] is not Array bufferRow || bufferRow.Length != row.Length)
                throw ShapeMismatch($"{name}[{i}]", row.Length, buffer[i]?.Length);
            if (bufferRow is Array[] inner) ClearRows(inner, row, $"{name}[{i}]");
            else Array.Clear(bufferRow);
        }
    }

    public static void ClearFor<T>(T[,] buffer, Array input, string name)
    {
        if (buffer is null || buffer.GetLength(0) != input.GetLength(0) || buffer.GetLength(1) != input.GetLength(1))
            throw new ArgumentException($"The gradient buffer for '{name}' must have the shape of '{name}', [{input.GetLength(0)}, {input.GetLength(1)}].", "gradient_" + name);
        Array.Clear(buffer);
    }

    public static void ClearFor<T>(T[,,] buffer, Array input, string name)
    {
        if (buffer is null || buffer.GetLength(0) != input.GetLength(0) || buffer.GetLength(1) != input.GetLength(1) || buffer.GetLength(2) != input.GetLength(2))
            throw new ArgumentException($"The gradient buffer for '{name}' must have the shape of '{name}', [{input.GetLength(0)}, {input.GetLength(1)}, {input.GetLength(2)}].", "gradient_" + name);
        Array.Clear(buffer);
    }

    public static void ClearForSpan(Span<double> buffer, ReadOnlySpan<double> input, string name)
    {
        if (buffer.Length != input.Length) throw ShapeMismatch(name, input.Length, buffer.Length);
        buffer.Clear();
    }

    public static void ClearForSpan(Span<float> buffer, ReadOnlySpan<float> input, string name)
    {
        if (buffer.Length != input.Length) throw ShapeMismatch(name, input.Length, buffer.Length);
        buffer.Clear();
    }

    private static ArgumentException ShapeMismatch(string name, int expected, int? actual) =>
        new($"The gradient buffer for '{name}' must have its length, {expected}{(actual is { } n ? $", not {n}" : "; it is null")}.", "gradient_" + name.Split('[')[0]);

    /// <summary>
    /// Where a caller gives gradient buffers for two array inputs that are one array, the two must be one buffer too: the
    /// gradient belongs to the array, and apart each buffer would see only part of it.
    /// </summary>
    public static void CheckSharing(object input, object earlier, object buffer, object earlierBuffer, string name, string earlierName)
    {
        if (ReferenceEquals(input, earlier) && !ReferenceEquals(buffer, earlierBuffer))
            throw new ArgumentException($"'{name}' and '{earlierName}' are the same array, so their gradient is one: pass the same buffer for gradient_{name} and gradient_{earlierName}.", "gradient_" + name);
    }

    /// <summary>A copy of an input array (rows too), taken so a pullback can run the primal again on the same inputs.</summary>
    public static double[] CopyOf(double[] x) => (double[])x.Clone();
    public static float[] CopyOf(float[] x) => (float[])x.Clone();
    public static double[,] CopyOf(double[,] x) => (double[,])x.Clone();
    public static float[,] CopyOf(float[,] x) => (float[,])x.Clone();
    public static T[] CopyOf<T>(T[] x) => (T[])x.Clone();
    public static T[,] CopyOf<T>(T[,] x) => (T[,])x.Clone();
    public static T[][] CopyOf<T>(T[][] x)
    {
        var result = new T[x.Length][];
        for (int i = 0; i < x.Length; i++) result[i] = x[i] is null ? null! : (T[])x[i].Clone();
        return result;
    }

    /// <summary>destination += source, elementwise.</summary>
    public static void AddInto(double[] destination, double[] source)
    {
        if (destination.Length != source.Length) throw LengthMismatch(destination.Length, source.Length);
        for (int i = 0; i < source.Length; i++) destination[i] += source[i];
    }

    public static void AddInto(float[] destination, float[] source)
    {
        if (destination.Length != source.Length) throw LengthMismatch(destination.Length, source.Length);
        for (int i = 0; i < source.Length; i++) destination[i] += source[i];
    }

    public static void AddInto(double[,] destination, double[,] source)
    {
        for (int i = 0; i < source.GetLength(0); i++)
            for (int j = 0; j < source.GetLength(1); j++)
                destination[i, j] += source[i, j];
    }

    public static void AddInto(float[,] destination, float[,] source)
    {
        for (int i = 0; i < source.GetLength(0); i++)
            for (int j = 0; j < source.GetLength(1); j++)
                destination[i, j] += source[i, j];
    }

    public static void AddInto(double[][] destination, double[][] source)
    {
        for (int i = 0; i < source.Length; i++) AddInto(destination[i], source[i]);
    }

    public static void AddInto(float[][] destination, float[][] source)
    {
        for (int i = 0; i < source.Length; i++) AddInto(destination[i], source[i]);
    }

    /// <summary>The rows of a jagged shadow as they are now (a shallow copy): code that swaps or replaces rows moves them later.</summary>
    public static T[] RowsAtEntry<T>(T[] rows) => rows is null ? rows! : (T[])rows.Clone();

    /// <summary>Checks that a tangent array given to a forward mode has its input's length.</summary>
    public static void CheckTangentLength<T, TT>(T[] input, TT[] tangent)
    {
        if (tangent is not null && input is not null && tangent.Length != input.Length) throw LengthMismatch(input.Length, tangent.Length);
    }

    private static ArgumentException LengthMismatch(int expected, int actual) =>
        new($"A cotangent or tangent has length {actual} where the primal has length {expected}.");
}

/// <summary>A heap cell for the residuals of a recursive call, which a struct cannot hold inline.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class Box<T>
{
    public T Value = default!;
}
