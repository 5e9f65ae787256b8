// Reductions of arrays that differentiable code writes with LINQ: the generator lowers a.Sum(), a.Average(), a.Max()
// and a.Min() on a double[] or float[] to these (Enumerable's take an IEnumerable, which Nabla cannot see into).
// Their derivatives are the [DerivativeOf] rules in Rules/ReductionRules.cs, the mechanism users' rules go through.
using System;
using System.ComponentModel;

namespace Nabla.CompilerServices;

/// <summary>Sum, mean, maximum and minimum of one-dimensional arrays, for generated code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Reductions
{
    public static double Sum(double[] source)
    {
        double sum = 0;
        for (int i = 0; i < source.Length; i++) sum += source[i];
        return sum;
    }

    public static float Sum(float[] source)
    {
        float sum = 0;
        for (int i = 0; i < source.Length; i++) sum += source[i];
        return sum;
    }

    /// <exception cref="InvalidOperationException">The array is empty (as Enumerable.Average).</exception>
    public static double Average(double[] source) => source.Length == 0 ? throw Empty() : Sum(source) / source.Length;

    /// <exception cref="InvalidOperationException">The array is empty (as Enumerable.Average).</exception>
    public static float Average(float[] source) => source.Length == 0 ? throw Empty() : Sum(source) / source.Length;

    /// <summary>The largest element; NaN if any element is NaN (as Enumerable.Max).</summary>
    public static double Max(double[] source) => System.Linq.Enumerable.Max(source);

    public static float Max(float[] source) => System.Linq.Enumerable.Max(source);

    /// <summary>The smallest element; NaN if any element is NaN (as Enumerable.Min).</summary>
    public static double Min(double[] source) => System.Linq.Enumerable.Min(source);

    public static float Min(float[] source) => System.Linq.Enumerable.Min(source);

    private static InvalidOperationException Empty() => new("Sequence contains no elements");
}
