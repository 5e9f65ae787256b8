// Array accesses that generated code moved out of a loop (a load invariant in the loop): they now run
// even when the loop runs no iteration, where the index may be out of range or the array null. Such a
// load reads a default instead of throwing, and its adjoint (zero then) is not written.
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Nabla.CompilerServices;

[EditorBrowsable(EditorBrowsableState.Never)]
public static class Speculative
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load<T>(T[]? array, int index) =>
        array is not null && (uint)index < (uint)array.Length ? array[index] : default!;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load<T>(ReadOnlySpan<T> span, int index) => (uint)index < (uint)span.Length ? span[index] : default!;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load<T>(Span<T> span, int index) => (uint)index < (uint)span.Length ? span[index] : default!;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(Span<double> span, int index, double value)
    {
        if ((uint)index < (uint)span.Length) span[index] += value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(Span<float> span, int index, float value)
    {
        if ((uint)index < (uint)span.Length) span[index] += value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(double[]? array, int index, double value)
    {
        if (array is not null && (uint)index < (uint)array.Length) array[index] += value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(float[]? array, int index, float value)
    {
        if (array is not null && (uint)index < (uint)array.Length) array[index] += value;
    }
}
