// Assembly A of the cross-assembly tests: [Differentiable] methods that assembly C calls, and plain methods without
// a derivative for which assembly B (Nabla.Tests.Rules) declares retroactive [DerivativeOf] rules.
using System;
using Nabla;

namespace Nabla.Tests.Library;

/// <summary>Differentiable functions compiled in this assembly; their derivatives are found by C through metadata.</summary>
public static partial class LibFunctions
{
    [Differentiable]
    public static double Square(double x) => x * x;

    [Differentiable]
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Differentiable]
    public static double Bilinear(double x, double y) => x * y + x;

    /// <summary>Calls within assembly A: σ(x²).</summary>
    [Differentiable]
    public static double SigmoidOfSquare(double x) => Sigmoid(Square(x));

    /// <summary>Data (int, [NoDerivative]) crossing the assembly boundary: k·s·x + x².</summary>
    [Differentiable]
    public static double Scale(double x, int k, [NoDerivative] double s) => k * s * x + x * x;

    [Differentiable]
    public static float SquareF(float x) => x * x;

    [Differentiable]
    public static double Branchy(double x, double y)
    {
        if (x > y)
            return Math.Sin(x) * y;
        return x * y * y;
    }
}

/// <summary>
/// Functions of spans compiled in this assembly: a caller in C cannot inline them, so it calls their split forms,
/// whose residuals (holding spans) are a ref struct it finds through metadata.
/// </summary>
public static partial class LibSpans
{
    /// <summary>Σ wᵢ·xᵢ² + p·Σ xᵢ, with weights 1, 2, 3, ... (a loop over a ReadOnlySpan).</summary>
    [Differentiable]
    public static double WeightedSquares(ReadOnlySpan<double> x, double p)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (i + 1) * x[i] * x[i] + p * x[i];
        return s;
    }

    /// <summary>An array function whose derivatives hold spans inside (a slice passed on): its residuals are a ref struct too.</summary>
    [Differentiable]
    public static double TailSquares(double[] x) => WeightedSquares(x.AsSpan(1), 0.5);

    /// <summary>xᵢ ← k·sin xᵢ, in place.</summary>
    [Differentiable]
    public static void SineInPlace(Span<double> x, double k)
    {
        for (int i = 0; i < x.Length; i++) x[i] = k * Math.Sin(x[i]);
    }
}

/// <summary>Ordinary methods: no [Differentiable], not partial. Assembly B gives them rules.</summary>
public static class Plain
{
    /// <summary>The cubic smooth step: 0 below 0, 1 above 1, 3x² − 2x³ between.</summary>
    public static double SmoothStep(double x) => x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);

    /// <summary>log(1 + eˣ).</summary>
    public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

    /// <summary>x·y^2: a two-input method with a rule in B.</summary>
    public static double MulSquare(double x, double y) => x * y * y;

    /// <summary>Σ aᵢ² · wᵢ over arrays: a forward rule in B, with respect to a only.</summary>
    public static double WeightedSquares(double[] a, double[] w)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * a[i] * w[i];
        return s;
    }
}

/// <summary>A data object of A whose instance method has a rule in B.</summary>
public sealed class Spline
{
    public double Scale = 2.0;
    /// <summary>Scale · t³.</summary>
    public double Eval(double t) => Scale * t * t * t;
}

/// <summary>A differentiable struct of A whose computed property and constructor have rules in B.</summary>
[Differentiable]
public partial struct LibPair
{
    public double A, B;
    public LibPair(double a, double b) { A = a; B = b; }
    public double Product => A * B;
}
