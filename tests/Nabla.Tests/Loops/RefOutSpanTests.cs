// ref, out and in parameters and Span/ReadOnlySpan parameters (issue 3 §2–§3), written against the intended
// API (written before the generator supported them, so they check its conventions independently).
//
// The intended API:
// - `ref double x`: the JVP takes `ref double dx` (in: the tangent of x's initial value; out: of its final
//   value). The primal takes `ref double x`. The pullback takes `ref double dx` (in: the cotangent of x's
//   final value; out: the cotangent of its initial value) — Swift's inout.
// - `out double y`: the JVP takes `out double dy`; the pullback takes `double dy`, the cotangent of y.
// - `in double x`: as a value parameter.
// - `ReadOnlySpan<double> x`: the JVP takes `ReadOnlySpan<double> dx`; the primal takes a `Span<double>`
//   shadow, into which the pullback accumulates, as for arrays. `Span<double> x`: the JVP takes
//   `Span<double> dx` (updated in place, as array tangents are).
using System;
using System.Linq;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class RefOutSpan
{
    /// <summary>x ← x·k + sin x, through a ref parameter; returns nothing.</summary>
    [Differentiable]
    public static void UpdateRef(ref double x, double k)
    {
        x = x * k + Math.Sin(x);
    }

    /// <summary>Accumulates Σ v² into a ref accumulator in a loop; returns 2·acc.</summary>
    [Differentiable]
    public static double AccumulateRef(ref double acc, double[] v)
    {
        for (int i = 0; i < v.Length; i++) acc += v[i] * v[i];
        return 2 * acc;
    }

    /// <summary>Calls a ref helper in a loop: the caller's local is updated in place each iteration.</summary>
    [Differentiable]
    public static double CallsRefInALoop(double x, double k, int n)
    {
        double y = x;
        for (int i = 0; i < n; i++) UpdateRef(ref y, k);
        return y;
    }

    /// <summary>Two results: sin x returned, x² through an out parameter.</summary>
    [Differentiable]
    public static double SinAndSquare(double x, out double square)
    {
        square = x * x;
        return Math.Sin(x);
    }

    /// <summary>Uses an out helper.</summary>
    [Differentiable]
    public static double UsesOut(double x) => SinAndSquare(x, out double sq) * sq;

    [Differentiable]
    public static double InParameter(in double x, double y) => x * y + Math.Exp(x);

    /// <summary>A loop over a ReadOnlySpan.</summary>
    [Differentiable]
    public static double SumOfSquaresSpan(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double v in x) s += v * v;
        return s;
    }

    /// <summary>Prefix sums in place over a Span, then a weighted sum.</summary>
    [Differentiable]
    public static double PrefixSumSpan(Span<double> x)
    {
        for (int i = 1; i < x.Length; i++) x[i] += x[i - 1];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (i + 1) * x[i] * x[i];
        return s;
    }

    /// <summary>A slice of an array passed as a span to a helper.</summary>
    [Differentiable]
    public static double SumOfSquaresOfSlice(double[] x, int start, int length) => SumOfSquaresSpan(x.AsSpan(start, length));
}

public class RefOutSpanTests
{

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(-0.4, 0.5)]
    public void RefParameterForwardAndReverse(double x0, double k)
    {
        // x1 = x0·k + sin x0: ∂x1/∂x0 = k + cos x0, ∂x1/∂k = x0.
        double x = x0, dx = 1;
        RefOutSpan.UpdateRef_Jvp(ref x, k, ref dx, 0);
        Assert.Equal(x0 * k + Math.Sin(x0), x, 14);
        Assert.Equal(k + Math.Cos(x0), dx, 14);

        double y = x0;
        RefOutSpan.UpdateRef_Primal(ref y, k, out var r);
        Assert.Equal(x, y);
        double dy = 1; // cotangent of the final value in, of the initial value out
        double dk = RefOutSpan.UpdateRef_Pullback(in r, ref dy);
        Assert.Equal(k + Math.Cos(x0), dy, 14);
        Assert.Equal(x0, dk, 14);
    }

    [Fact]
    public void RefAccumulatorInALoop()
    {
        var v = new[] { 0.5, -1.0, 2.0 };
        double acc = 0.25, dacc = 1;
        var (value, tangent) = RefOutSpan.AccumulateRef_Jvp(ref acc, v, ref dacc, new double[3]);
        Assert.Equal(2 * (0.25 + 5.25), value, 14);
        Assert.Equal(2, tangent);
        Assert.Equal(1, dacc); // ∂acc_final/∂acc_initial

        double a = 0.25;
        var dv = new double[3];
        RefOutSpan.AccumulateRef_Primal(ref a, v, dv, out var r);
        double da = 0.5; // cotangent of acc's final value
        RefOutSpan.AccumulateRef_Pullback(in r, 1.0, ref da);
        Assert.Equal(2 + 0.5, da, 14);
        LoopTests.Close(v.Select(w => (2 + 0.5) * 2 * w).ToArray(), dv, 1e-14, "dv");
    }

    [Theory]
    [InlineData(0.7, 1.3, 5)]
    public void RefHelperCalledInALoop(double x, double k, int n)
    {
        double h = 1e-6;
        double fd = (RefOutSpan.CallsRefInALoop(x + h, k, n) - RefOutSpan.CallsRefInALoop(x - h, k, n)) / (2 * h);
        var (_, (gx, gk)) = RefOutSpan.CallsRefInALoop_ValueWithGradient(x, k, n);
        Assert.Equal(fd, gx, 6);
        Assert.Equal(gx, RefOutSpan.CallsRefInALoop_Jvp(x, k, n, 1, 0).Tangent, 12);
        double fdk = (RefOutSpan.CallsRefInALoop(x, k + h, n) - RefOutSpan.CallsRefInALoop(x, k - h, n)) / (2 * h);
        Assert.Equal(fdk, gk, 6);
    }

    [Fact]
    public void OutParameterForwardAndReverse()
    {
        double x = 0.8;
        var (value, tangent) = RefOutSpan.SinAndSquare_Jvp(x, out double square, 1, out double dsquare);
        Assert.Equal(Math.Sin(x), value);
        Assert.Equal(Math.Cos(x), tangent, 15);
        Assert.Equal(x * x, square);
        Assert.Equal(2 * x, dsquare, 15);
        RefOutSpan.SinAndSquare_Primal(x, out double sq, out var r);
        Assert.Equal(x * x, sq);
        double dsq = 2.0;
        double dx = RefOutSpan.SinAndSquare_Pullback(in r, 0.5, ref dsq); // cotangents of the result and (by ref) of square
        Assert.Equal(0.5 * Math.Cos(x) + 2.0 * 2 * x, dx, 14);
    }

    [Fact]
    public void CallingAnOutHelper()
    {
        double x = 0.8;
        var (_, g) = RefOutSpan.UsesOut_ValueWithGradient(x);
        Assert.Equal(Math.Cos(x) * x * x + Math.Sin(x) * 2 * x, g, 14);
        Assert.Equal(g, RefOutSpan.UsesOut_Jvp(x, 1).Tangent, 14);
    }

    [Fact]
    public void InParameterIsAValueParameter()
    {
        double x = 0.3;
        var (_, (gx, gy)) = RefOutSpan.InParameter_ValueWithGradient(in x, 2.0);
        Assert.Equal(2.0 + Math.Exp(0.3), gx, 14);
        Assert.Equal(0.3, gy, 15);
    }

    [Fact]
    public void ReadOnlySpanParameter()
    {
        var x = new[] { 0.5, -1.0, 2.0 };
        var (value, tangent) = RefOutSpan.SumOfSquaresSpan_Jvp(x, new[] { 1.0, 1.0, 1.0 });
        Assert.Equal(5.25, value);
        Assert.Equal(2 * (0.5 - 1.0 + 2.0), tangent, 15);
        var shadow = new double[3];
        RefOutSpan.SumOfSquaresSpan_Primal(x, shadow, out var r);
        RefOutSpan.SumOfSquaresSpan_Pullback(in r, 1);
        LoopTests.Close(x.Select(v => 2 * v).ToArray(), shadow, 1e-15, "shadow");
    }

    [Fact]
    public void SpanParameterUpdatedInPlace()
    {
        var x = new[] { 0.5, -1.0, 2.0 };
        var shadow = new double[3];
        var a = (double[])x.Clone();
        RefOutSpan.PrefixSumSpan_Primal(a, shadow, out var r);
        RefOutSpan.PrefixSumSpan_Pullback(in r, 1);
        var fd = LoopTests.FiniteGradient(v => RefOutSpan.PrefixSumSpan(v), x);
        LoopTests.Close(fd, shadow, 1e-6, "span shadow vs finite differences");
    }

    [Fact]
    public void ArraySliceAsASpan()
    {
        var x = new[] { 9.0, 0.5, -1.0, 2.0, 9.0 };
        var (_, g) = RefOutSpan.SumOfSquaresOfSlice_ValueWithGradient(x, 1, 3);
        LoopTests.Close(new[] { 0, 1.0, -2.0, 4.0, 0 }, g, 1e-15, "gradient of a slice");
    }
}
