// Derivative rules for the array reductions differentiable code writes with LINQ (CompilerServices/Reductions.cs):
// rules over arrays, in the closure form of API.md §5. Max and Min split the cotangent evenly among tied elements,
// as Math.Max does between its two arguments and as JAX's max reductions do.
using System;
using Nabla.CompilerServices;

namespace Nabla.Rules;

/// <summary>Nabla's derivative rules for <see cref="Reductions"/>: Σ aᵢ, its mean, and the largest and smallest element.</summary>
public static class ReductionRules
{
    [DerivativeOf(typeof(Reductions), nameof(Reductions.Sum))]
    public static (double Value, Func<double, double[]> Pullback) Sum(double[] source)
    {
        int n = source.Length;
        return (Reductions.Sum(source), g => Filled(n, g));
    }

    [DerivativeOf(typeof(Reductions), nameof(Reductions.Sum))]
    public static (float Value, Func<float, float[]> Pullback) Sum(float[] source)
    {
        int n = source.Length;
        return (Reductions.Sum(source), g => Filled(n, g));
    }

    [DerivativeOf(typeof(Reductions), nameof(Reductions.Average))]
    public static (double Value, Func<double, double[]> Pullback) Average(double[] source)
    {
        int n = source.Length;
        return (Reductions.Average(source), g => Filled(n, g / n));
    }

    [DerivativeOf(typeof(Reductions), nameof(Reductions.Average))]
    public static (float Value, Func<float, float[]> Pullback) Average(float[] source)
    {
        int n = source.Length;
        return (Reductions.Average(source), g => Filled(n, g / n));
    }

    [DerivativeOf(typeof(Reductions), nameof(Reductions.Max))]
    public static (double Value, Func<double, double[]> Pullback) Max(double[] source)
    {
        double m = Reductions.Max(source);
        return (m, g => Among(source, m, g));
    }

    [DerivativeOf(typeof(Reductions), nameof(Reductions.Max))]
    public static (float Value, Func<float, float[]> Pullback) Max(float[] source)
    {
        float m = Reductions.Max(source);
        return (m, g => Among(source, m, g));
    }

    [DerivativeOf(typeof(Reductions), nameof(Reductions.Min))]
    public static (double Value, Func<double, double[]> Pullback) Min(double[] source)
    {
        double m = Reductions.Min(source);
        return (m, g => Among(source, m, g));
    }

    [DerivativeOf(typeof(Reductions), nameof(Reductions.Min))]
    public static (float Value, Func<float, float[]> Pullback) Min(float[] source)
    {
        float m = Reductions.Min(source);
        return (m, g => Among(source, m, g));
    }

    /// <summary>An array of <paramref name="n"/> copies of <paramref name="value"/>.</summary>
    public static double[] Filled(int n, double value)
    {
        var a = new double[n];
        Array.Fill(a, value);
        return a;
    }

    /// <summary>An array of <paramref name="n"/> copies of <paramref name="value"/>.</summary>
    public static float[] Filled(int n, float value)
    {
        var a = new float[n];
        Array.Fill(a, value);
        return a;
    }

    /// <summary><paramref name="g"/> shared evenly by the elements equal to <paramref name="extreme"/>, zero elsewhere.</summary>
    public static double[] Among(double[] source, double extreme, double g)
    {
        var d = new double[source.Length];
        int ties = 0;
        for (int i = 0; i < source.Length; i++) if (source[i] == extreme) ties++;
        if (ties == 0) return d;
        for (int i = 0; i < source.Length; i++) if (source[i] == extreme) d[i] = g / ties;
        return d;
    }

    /// <summary><paramref name="g"/> shared evenly by the elements equal to <paramref name="extreme"/>, zero elsewhere.</summary>
    public static float[] Among(float[] source, float extreme, float g)
    {
        var d = new float[source.Length];
        int ties = 0;
        for (int i = 0; i < source.Length; i++) if (source[i] == extreme) ties++;
        if (ties == 0) return d;
        for (int i = 0; i < source.Length; i++) if (source[i] == extreme) d[i] = g / ties;
        return d;
    }
}
