// Copies of arrays made in differentiable code: the generator lowers (double[])a.Clone() and (float[])a.Clone() to
// these, so that the copy carries the original's derivative (Array.Clone itself returns an object Nabla cannot see into).
using System.ComponentModel;

namespace Nabla.CompilerServices;

/// <summary>Differentiable copies of one-dimensional arrays, for generated code.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class ArrayCopies
{
    /// <summary>A new array holding the elements of <paramref name="source"/>.</summary>
    [Differentiable]
    public static double[] CopyOfDoubles(double[] source)
    {
        var copy = new double[source.Length];
        for (int i = 0; i < source.Length; i++) copy[i] = source[i];
        return copy;
    }

    /// <summary>A new array holding the elements of <paramref name="source"/>.</summary>
    [Differentiable]
    public static float[] CopyOfSingles(float[] source)
    {
        var copy = new float[source.Length];
        for (int i = 0; i < source.Length; i++) copy[i] = source[i];
        return copy;
    }
}
