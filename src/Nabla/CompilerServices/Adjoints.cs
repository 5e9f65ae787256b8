// Adjoint arithmetic for values generated code computes speculatively (hoisted out of loops): a zero
// adjoint stays zero even where the partial derivative is infinite, as it would had the value never
// been computed.
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Nabla.CompilerServices;

[EditorBrowsable(EditorBrowsableState.Never)]
public static class Adjoints
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MultiplyOrZero(double adjoint, double partial) => adjoint == 0 ? 0 : adjoint * partial;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyOrZero(float adjoint, float partial) => adjoint == 0 ? 0 : adjoint * partial;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DivideOrZero(double adjoint, double divisor) => adjoint == 0 ? 0 : adjoint / divisor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DivideOrZero(float adjoint, float divisor) => adjoint == 0 ? 0 : adjoint / divisor;

    // Rules over arrays (their split forms and their callers): inner products of tangents, and cotangent arrays a
    // pullback returns added into the shadows of the arrays they belong to.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(double a, double b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float a, float b) => a * b;

    public static double Dot(double[] a, double[] b)
    {
        SameLength(a, b);
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    public static float Dot(float[] a, float[] b)
    {
        SameLength(a, b);
        float sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary><paramref name="shadow"/> += <paramref name="cotangent"/>, element by element.</summary>
    public static void Accumulate(double[] shadow, double[] cotangent)
    {
        SameLength(shadow, cotangent);
        for (int i = 0; i < shadow.Length; i++) shadow[i] += cotangent[i];
    }

    /// <summary><paramref name="shadow"/> += <paramref name="cotangent"/>, element by element.</summary>
    public static void Accumulate(float[] shadow, float[] cotangent)
    {
        SameLength(shadow, cotangent);
        for (int i = 0; i < shadow.Length; i++) shadow[i] += cotangent[i];
    }

    private static void SameLength(System.Array array, System.Array tangent)
    {
        if (tangent is null)
            throw new System.ArgumentNullException(nameof(tangent), "A derivative rule returned a null array for a tangent or cotangent.");
        if (array.Length != tangent.Length)
            throw new System.ArgumentException(
                $"A derivative rule returned a tangent or cotangent array of length {tangent.Length} for an array of length {array.Length}: they must have the same length.");
    }
}
