// int and bool parameters and locals are data: they change what the code computes, carry no tangent, and the
// generated signatures keep them as plain arguments (no tangent slot, no cotangent).
using System;
using Xunit;
using D = Nabla.Tests.DataParams;

namespace Nabla.Tests;

public static partial class DataParams
{
    [Differentiable]
    public static double PowerByInt(double x, int n) => n == 0 ? 1.0 : n == 1 ? x : n == 2 ? x * x : x * x * x;

    [Differentiable]
    public static double SignFlip(double x, bool negate) => negate ? -Math.Sin(x) : Math.Sin(x);

    [Differentiable]
    public static double ScaleByInt(double x, int k) => k * x * x + k;

    [Differentiable]
    public static double IntLocals(double x, int n)
    {
        int m = n * 2 + 1;
        bool odd = m % 4 == 1;
        double r = x * m;
        if (odd)
            r += x * x;
        return r;
    }

    [Differentiable]
    public static double Select(double x, double y, int mode) => mode == 0 ? x * y : mode == 1 ? x / y : x - y;

    /// <summary>Math.Sign returns int: data, so the derivative is Sign(x)·2x.</summary>
    [Differentiable]
    public static double SignTimesSquare(double x) => Math.Sign(x) * x * x;

    [Differentiable]
    public static double Gate(double x, double y, bool a, bool b)
    {
        if (a && !b)
            return x * y;
        if (a || b)
            return x + y * y;
        return Math.Exp(x - y);
    }
}

public class DataParamTests
{
    static Differentiated PowerByInt(int n) => Fn.Of<D.PowerByInt_Residuals>(
        x => D.PowerByInt(x, n), (x, dx) => D.PowerByInt_Jvp(x, n, dx), x => D.PowerByInt_ValueWithGradient(x, n),
        (double x, out D.PowerByInt_Residuals r) => D.PowerByInt_Primal(x, n, out r), D.PowerByInt_Pullback,
        x => D.PowerByInt_ValueWithPullback(x, n), $"PowerByInt(x, {n})");

    static Differentiated SignFlip(bool negate) => Fn.Of<D.SignFlip_Residuals>(
        x => D.SignFlip(x, negate), (x, dx) => D.SignFlip_Jvp(x, negate, dx), x => D.SignFlip_ValueWithGradient(x, negate),
        (double x, out D.SignFlip_Residuals r) => D.SignFlip_Primal(x, negate, out r), D.SignFlip_Pullback,
        x => D.SignFlip_ValueWithPullback(x, negate), $"SignFlip(x, {negate})");

    static Differentiated ScaleByInt(int k) => Fn.Of<D.ScaleByInt_Residuals>(
        x => D.ScaleByInt(x, k), (x, dx) => D.ScaleByInt_Jvp(x, k, dx), x => D.ScaleByInt_ValueWithGradient(x, k),
        (double x, out D.ScaleByInt_Residuals r) => D.ScaleByInt_Primal(x, k, out r), D.ScaleByInt_Pullback,
        x => D.ScaleByInt_ValueWithPullback(x, k), $"ScaleByInt(x, {k})");

    static Differentiated IntLocals(int n) => Fn.Of<D.IntLocals_Residuals>(
        x => D.IntLocals(x, n), (x, dx) => D.IntLocals_Jvp(x, n, dx), x => D.IntLocals_ValueWithGradient(x, n),
        (double x, out D.IntLocals_Residuals r) => D.IntLocals_Primal(x, n, out r), D.IntLocals_Pullback,
        x => D.IntLocals_ValueWithPullback(x, n), $"IntLocals(x, {n})");

    static Differentiated Select(int mode) => Fn.Of<D.Select_Residuals>(
        (x, y) => D.Select(x, y, mode), (x, y, dx, dy) => D.Select_Jvp(x, y, mode, dx, dy), (x, y) => D.Select_ValueWithGradient(x, y, mode),
        (double x, double y, out D.Select_Residuals r) => D.Select_Primal(x, y, mode, out r), D.Select_Pullback,
        (x, y) => D.Select_ValueWithPullback(x, y, mode), $"Select(x, y, {mode})");

    static readonly Differentiated SignTimesSquare = Fn.Of<D.SignTimesSquare_Residuals>(D.SignTimesSquare, D.SignTimesSquare_Jvp, D.SignTimesSquare_ValueWithGradient, D.SignTimesSquare_Primal, D.SignTimesSquare_Pullback, D.SignTimesSquare_ValueWithPullback);

    static Differentiated Gate(bool a, bool b) => Fn.Of<D.Gate_Residuals>(
        (x, y) => D.Gate(x, y, a, b), (x, y, dx, dy) => D.Gate_Jvp(x, y, a, b, dx, dy), (x, y) => D.Gate_ValueWithGradient(x, y, a, b),
        (double x, double y, out D.Gate_Residuals r) => D.Gate_Primal(x, y, a, b, out r), D.Gate_Pullback,
        (x, y) => D.Gate_ValueWithPullback(x, y, a, b), $"Gate(x, y, {a}, {b})");

    [Theory]
    [InlineData(0, 1.5)]
    [InlineData(1, 1.5)]
    [InlineData(2, -0.5)]
    [InlineData(3, 2.0)]
    [InlineData(3, -1.25)]
    public void IntParameterChoosesThePower(int n, double x) =>
        Check.Gradient(PowerByInt(n), x, n * Math.Pow(x, n - 1), value: Math.Pow(x, n));

    [Theory]
    [InlineData(false, 0.5)]
    [InlineData(true, 0.5)]
    [InlineData(false, -2.0)]
    [InlineData(true, 3.0)]
    public void BoolParameterFlipsTheSign(bool negate, double x) =>
        Check.Gradient(SignFlip(negate), x, (negate ? -1 : 1) * Math.Cos(x));

    [Theory]
    [InlineData(-2, 1.5)]
    [InlineData(0, 1.5)]
    [InlineData(3, -0.5)]
    public void IntParameterAsAFactor(int k, double x) => Check.Gradient(ScaleByInt(k), x, 2 * k * x, value: k * x * x + k);

    [Theory]
    [InlineData(0, 1.5)]    // m = 1, odd: 1 + 2x
    [InlineData(1, 1.5)]    // m = 3: 3
    [InlineData(2, -0.5)]   // m = 5, odd: 5 + 2x
    [InlineData(-1, 2.0)]   // m = -1: -1 % 4 = -1, not 1: -1
    public void IntLocalsDecide(int n, double x)
    {
        int m = n * 2 + 1;
        Check.Gradient(IntLocals(n), x, m + (m % 4 == 1 ? 2 * x : 0));
    }

    [Theory]
    [InlineData(0, 2.0, 3.0)]
    [InlineData(1, 2.0, 3.0)]
    [InlineData(2, 2.0, 3.0)]
    [InlineData(1, -1.5, 0.5)]
    public void IntModeSelects(int mode, double x, double y)
    {
        double[] expected = mode == 0 ? [y, x] : mode == 1 ? [1 / y, -x / (y * y)] : [1.0, -1.0];
        Check.Gradient(Select(mode), [x, y], expected);
    }

    [Theory]
    [InlineData(-2.0, true)]
    [InlineData(1.5, true)]
    [InlineData(0.0, false)]
    public void SignIsData(double x, bool smooth) =>
        Check.Gradient(SignTimesSquare, x, 2 * Math.Sign(x) * x, finiteDifferences: smooth);

    [Theory]
    [InlineData(true, false, 1.5, -0.5)]
    [InlineData(true, true, 1.5, -0.5)]
    [InlineData(false, true, 1.5, -0.5)]
    [InlineData(false, false, 1.5, -0.5)]
    public void BoolsGate(bool a, bool b, double x, double y)
    {
        double[] expected = a && !b ? [y, x] : a || b ? [1.0, 2 * y] : [Math.Exp(x - y), -Math.Exp(x - y)];
        Check.Gradient(Gate(a, b), [x, y], expected);
    }

    [Fact]
    public void DataParametersHaveNoTangentOrCotangent()
    {
        // The shapes are checked by the compiler: one tangent for x only, a gradient that is a single double.
        (double Value, double Tangent) jvp = D.PowerByInt_Jvp(2.0, 3, 1.0);
        (double Value, double Gradient) vg = D.PowerByInt_ValueWithGradient(2.0, 3);
        (double Value, (double, double) Gradient) vg2 = D.Gate_ValueWithGradient(1.0, 2.0, true, false);
        Assert.Equal(12.0, jvp.Tangent);
        Assert.Equal(12.0, vg.Gradient);
        Assert.Equal((2.0, 1.0), vg2.Gradient);
    }
}
