// Local functions (API.md §1): helpers declared inside a [Differentiable] method, inlined into it before
// differentiation, in straight-line code, loops and branches — static [Differentiable] ones, and ones that capture the
// method's inputs and locals (with or without the attribute), calling each other; checked against closed forms, finite
// differences and forward vs reverse mode.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static partial class LocalFunctionCode
{
    /// <summary>x² + sin x through a local helper: 2x + cos x.</summary>
    [Differentiable]
    public static double Helper(double x)
    {
        return Sq(x) + Math.Sin(x);

        [Differentiable]
        static double Sq(double t) => t * t;
    }

    /// <summary>A local function with a branch and two inputs, called in a loop over an array: Σ huber(a[i] − c, δ).</summary>
    [Differentiable]
    public static double HuberSum(double[] a, double c, [NoDerivative] double delta)
    {
        [Differentiable]
        static double Huber(double r, double d)
        {
            double m = Math.Abs(r);
            if (m <= d) return 0.5 * r * r;
            return d * (m - 0.5 * d);
        }

        double s = 0;
        for (int i = 0; i < a.Length; i++)
            s += Huber(a[i] - c, delta);
        return s;
    }

    /// <summary>Two local functions, one calling the other, with a loop inside: logistic of a polynomial in Horner form.</summary>
    [Differentiable]
    public static double Nested(double x, double w)
    {
        [Differentiable]
        static double Horner(double t, double k)
        {
            double p = 1;
            for (int i = 0; i < 4; i++) p = p * t + k;
            return p;
        }

        [Differentiable]
        static double Logistic(double t, double k) => 1 / (1 + Math.Exp(-Horner(t, k)));

        return Logistic(w * x, w) * x;
    }
}

public static partial class CapturingLocalFunctionCode
{
    /// <summary>Σ (k xᵢ² + (k xᵢ²)/2 + k) through three local functions capturing k (one calls the others).</summary>
    [Differentiable]
    public static double Siblings(double[] xs, double k)
    {
        double Term(double t) => k * t * t;
        double Both(double t) { double u = Term(t); return u + Half(u); }
        double Half(double v) => v / 2 + k;
        double s = 0;
        for (int i = 0; i < xs.Length; i++) s += Both(xs[i]);
        return s;
    }

    /// <summary>A local function reading a local computed before the call and an array: Σ scale·sin(aᵢ x).</summary>
    [Differentiable]
    public static double ReadsLocals(double x, double[] a)
    {
        double scale = x * x;
        [Differentiable]
        double Wave(int i) => scale * Math.Sin(a[i] * x);
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += Wave(i);
        return s;
    }
}

public class LocalFunctionTests
{
    [Fact]
    public void CapturingLocalFunctions_CallingEachOther()
    {
        double[] xs = { 1.0, 2.0, -0.5 };
        const double k = 0.5;
        var (value, (dx, dk)) = CapturingLocalFunctionCode.Siblings_ValueWithGradient(xs, k);
        double sumSquares = 1 + 4 + 0.25;
        Assert.Equal(1.5 * k * sumSquares + 3 * k, value, 12);
        for (int i = 0; i < xs.Length; i++) Assert.Equal(3 * k * xs[i], dx[i], 12);
        Assert.Equal(1.5 * sumSquares + 3, dk, 12);
        Assert.Equal(1.5 * sumSquares + 3, Derivative(t => CapturingLocalFunctionCode.Siblings(xs, t), k), 12);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-1.1)]
    public void CapturingLocalFunction_ReadsTheLocalsAtTheCall(double x)
    {
        double[] a = { 0.5, 2.0, -1.5 };
        // d/dx Σ x² sin(aᵢx) = Σ 2x sin(aᵢx) + x² aᵢ cos(aᵢx).
        double expected = 0;
        foreach (var ai in a) expected += 2 * x * Math.Sin(ai * x) + x * x * ai * Math.Cos(ai * x);
        Assert.Equal(expected, CapturingLocalFunctionCode.ReadsLocals_ValueWithGradient(x, a).Gradient.Item1, 12);
        Assert.Equal(expected, Gradient(t => CapturingLocalFunctionCode.ReadsLocals(t, a), x), 12);
        double h = 1e-6;
        Assert.Equal((CapturingLocalFunctionCode.ReadsLocals(x + h, a) - CapturingLocalFunctionCode.ReadsLocals(x - h, a)) / (2 * h), expected, 6);
    }

    [Theory]
    [InlineData(-1.2)]
    [InlineData(0.4)]
    [InlineData(2.5)]
    public void LocalHelper_MatchesTheClosedForm(double x)
    {
        var (value, gradient) = LocalFunctionCode.Helper_ValueWithGradient(x);
        Assert.Equal(x * x + Math.Sin(x), value, 14);
        Assert.Equal(2 * x + Math.Cos(x), gradient, 12);
        Assert.Equal(2 * x + Math.Cos(x), LocalFunctionCode.Helper_Jvp(x, 1).Tangent, 12);
        Assert.Equal(2 - Math.Sin(x), Derivative(t => Derivative(LocalFunctionCode.Helper, t), x), 10);
    }

    [Fact]
    public void LocalFunctionWithABranch_InALoop()
    {
        double[] a = { -2.0, 0.3, 1.1, 4.0 };
        double c = 0.5, delta = 1.0;
        var (value, (da, dc)) = LocalFunctionCode.HuberSum_ValueWithGradient(a, c, delta);
        double expected = 0, expectedDc = 0;
        var expectedDa = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double r = a[i] - c;
            expected += Math.Abs(r) <= delta ? 0.5 * r * r : delta * (Math.Abs(r) - 0.5 * delta);
            expectedDa[i] = Math.Abs(r) <= delta ? r : delta * Math.Sign(r);
            expectedDc -= expectedDa[i];
        }
        Assert.Equal(expected, value, 12);
        for (int i = 0; i < a.Length; i++) Assert.Equal(expectedDa[i], da[i], 12);
        Assert.Equal(expectedDc, dc, 12);
    }

    [Theory]
    [InlineData(0.3, 0.8)]
    [InlineData(-0.7, 1.3)]
    public void LocalFunctionsCallingEachOther_AgainstFiniteDifferencesAndForwardMode(double x, double w)
    {
        var (value, (dx, dw)) = LocalFunctionCode.Nested_ValueWithGradient(x, w);
        Assert.Equal(LocalFunctionCode.Nested(x, w), value, 14);
        const double h = 1e-6;
        Assert.Equal((LocalFunctionCode.Nested(x + h, w) - LocalFunctionCode.Nested(x - h, w)) / (2 * h), dx, 7);
        Assert.Equal((LocalFunctionCode.Nested(x, w + h) - LocalFunctionCode.Nested(x, w - h)) / (2 * h), dw, 7);
        Assert.Equal(dx, LocalFunctionCode.Nested_Jvp(x, w, 1, 0).Tangent, 12);
        Assert.Equal(dw, LocalFunctionCode.Nested_Jvp(x, w, 0, 1).Tangent, 12);
    }
}
