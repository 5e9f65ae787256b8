// Loops, arrays and mutation, each checked against central finite differences, forward mode against
// reverse mode (fused and split), and closed forms where they are short.
using System;
using System.Linq;
using Xunit;

namespace Nabla.Tests;

public class LoopTests
{
    /// <summary>Central differences of f at x along each coordinate; f gets a fresh copy (it may mutate its input).</summary>
    internal static double[] FiniteGradient(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            double step = h * Math.Max(1, Math.Abs(x[i]));
            plus[i] += step;
            minus[i] -= step;
            g[i] = (f(plus) - f(minus)) / (2 * step);
        }
        return g;
    }

    internal static void Close(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    /// <summary>Forward mode along each unit vector, as a gradient.</summary>
    internal static double[] ForwardGradient(Func<double[], double[], (double Value, double Tangent)> jvp, double[] x)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var dx = new double[x.Length];
            dx[i] = 1;
            g[i] = jvp((double[])x.Clone(), dx).Tangent;
        }
        return g;
    }

    private static void CheckArrayFunction(Func<double[], double> f,
        Func<double[], (double Value, double[] Gradient)> fused,
        Func<double[], double[], (double Value, double Tangent)> jvp,
        Func<double[], double[], double> splitGradientInto,
        double[] x, double[]? closedForm = null)
    {
        var fd = FiniteGradient(f, x);
        var (value, gradient) = fused((double[])x.Clone());
        Assert.Equal(f((double[])x.Clone()), value);
        Close(fd, gradient, 1e-6, "reverse vs finite differences");
        Close(gradient, ForwardGradient(jvp, x), 1e-12, "forward vs reverse");
        var split = new double[x.Length];
        double splitValue = splitGradientInto((double[])x.Clone(), split);
        Assert.Equal(value, splitValue);
        Close(gradient, split, 1e-12, "split vs fused reverse");
        if (closedForm != null) Close(closedForm, gradient, 1e-12, "reverse vs closed form");
    }

    public static readonly double[][] Points =
    {
        new[] { 0.5, -1.25, 2.0, 0.75 },
        new[] { -0.3, 0.9, 1.7, -2.2, 0.1, 3.0 },
        new[] { 1.5 },
    };

    public static TheoryData<int> PointIndices => new() { 0, 1, 2 };

    [Theory, MemberData(nameof(PointIndices))]
    public void SumOfSquaresOverForeach(int p)
    {
        var x = Points[p];
        CheckArrayFunction(LoopFunctions.SumOfSquaresForeach, LoopFunctions.SumOfSquaresForeach_ValueWithGradient, LoopFunctions.SumOfSquaresForeach_Jvp,
            (a, g) => { double v = LoopFunctions.SumOfSquaresForeach_Primal(a, g, out var r); LoopFunctions.SumOfSquaresForeach_Pullback(in r, 1); return v; },
            x, x.Select(v => 2 * v).ToArray());
    }

    [Theory, MemberData(nameof(PointIndices))]
    public void SeedBranchInLoop(int p)
    {
        var x = Points[p];
        CheckArrayFunction(LoopFunctions.BranchInLoop, LoopFunctions.BranchInLoop_ValueWithGradient, LoopFunctions.BranchInLoop_Jvp,
            (a, g) => { double v = LoopFunctions.BranchInLoop_Primal(a, g, out var r); LoopFunctions.BranchInLoop_Pullback(in r, 1); return v; },
            x, x.Select(v => v > 0 ? 2 * v : -1).ToArray());
    }

    [Theory, MemberData(nameof(PointIndices))]
    public void InPlacePrefixProductOfAnInputArray(int p)
    {
        var x = Points[p];
        CheckArrayFunction(LoopFunctions.InPlacePrefixProduct, LoopFunctions.InPlacePrefixProduct_ValueWithGradient, LoopFunctions.InPlacePrefixProduct_Jvp,
            (a, g) => { double v = LoopFunctions.InPlacePrefixProduct_Primal(a, g, out var r); LoopFunctions.InPlacePrefixProduct_Pullback(in r, 1); return v; },
            x, x.Select((v, i) => x.Where((_, j) => j != i).Aggregate(1.0, (a, b) => a * b)).ToArray());
    }

    [Theory, MemberData(nameof(PointIndices))]
    public void LogSumExpWithMaxShift(int p)
    {
        var x = Points[p];
        double lse = Math.Log(x.Sum(Math.Exp));
        CheckArrayFunction(LoopFunctions.LogSumExp, LoopFunctions.LogSumExp_ValueWithGradient, LoopFunctions.LogSumExp_Jvp,
            (a, g) => { double v = LoopFunctions.LogSumExp_Primal(a, g, out var r); LoopFunctions.LogSumExp_Pullback(in r, 1); return v; },
            x, x.Select(v => Math.Exp(v - lse)).ToArray());
    }

    [Theory, MemberData(nameof(PointIndices))]
    public void AliasingThroughALocal(int p)
    {
        var x = Points[p];
        CheckArrayFunction(LoopFunctions.AliasSeed, LoopFunctions.AliasSeed_ValueWithGradient, LoopFunctions.AliasSeed_Jvp,
            (a, g) => { double v = LoopFunctions.AliasSeed_Primal(a, g, out var r); LoopFunctions.AliasSeed_Pullback(in r, 1); return v; },
            x, x.Select((_, i) => i == 0 ? 2.0 : 1.0).ToArray());
    }

    [Theory]
    [InlineData(1.3, 0)]
    [InlineData(1.3, 1)]
    [InlineData(-0.7, 5)]
    [InlineData(2.1, 7)]
    public void PowerByRepeatedMultiplication(double x, int n)
    {
        var (value, gradient) = LoopFunctions.PowerLoop_ValueWithGradient(x, n);
        Assert.Equal(Math.Pow(x, n), value, 12);
        Assert.Equal(n == 0 ? 0 : n * Math.Pow(x, n - 1), gradient, 10);
        Assert.Equal(gradient, LoopFunctions.PowerLoop_Jvp(x, n, 1).Tangent, 12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(-0.8)]
    public void FixedPointIterationWithInputDependentTripCount(double a)
    {
        var (x, g) = LoopFunctions.FixedPoint_ValueWithGradient(a);
        // x = cos(a x) ⇒ dx/da = -sin(a x)·x / (1 + a sin(a x)), the implicit derivative the iterations converge to.
        double implicitDerivative = -Math.Sin(a * x) * x / (1 + a * Math.Sin(a * x));
        Assert.Equal(implicitDerivative, g, 8);
        Assert.Equal(g, LoopFunctions.FixedPoint_Jvp(a, 1).Tangent, 12);
        double h = 1e-6;
        Assert.Equal((LoopFunctions.FixedPoint(a + h) - LoopFunctions.FixedPoint(a - h)) / (2 * h), g, 6);
    }

    [Fact]
    public void SoftmaxJacobianForwardEqualsReverse()
    {
        var x = new[] { 0.2, -1.0, 1.5, 0.3 };
        var s = LoopFunctions.Softmax(x);
        int n = x.Length;
        for (int i = 0; i < n; i++)
        {
            // Row i of the Jacobian by reverse mode: the VJP with the i-th unit cotangent.
            var ct = new double[n];
            ct[i] = 1;
            var (value, row) = LoopFunctions.Softmax_Vjp((double[])x.Clone(), ct);
            Close(s, value, 0, "value");
            var closed = Enumerable.Range(0, n).Select(j => s[i] * ((i == j ? 1 : 0) - s[j])).ToArray();
            Close(closed, row, 1e-12, $"row {i}");
            // Column i by forward mode equals the transpose.
            var dx = new double[n];
            dx[i] = 1;
            var (_, column) = LoopFunctions.Softmax_Jvp((double[])x.Clone(), dx);
            Close(Enumerable.Range(0, n).Select(j => s[j] * ((i == j ? 1 : 0) - s[i])).ToArray(), column, 1e-12, $"column {i}");
        }
    }

    [Fact]
    public void NestedLoopsWithBreakOverAJaggedArray()
    {
        var m = new[] { new[] { 1.0, 2.0, -1.0, 4.0 }, new[] { 3.0 }, new[] { -2.0, 5.0 }, new[] { 0.5, 0.25 } };
        var (value, g) = LoopFunctions.NestedBreak_ValueWithGradient(m);
        Assert.Equal(1 + 4 + 3 + 0.5 + 0.5, value, 12);
        var expected = new[] { new[] { 1.0, 2.0, 0, 0 }, new[] { 1.0 }, new[] { 0.0, 0 }, new[] { 1.0, 2.0 } };
        for (int i = 0; i < m.Length; i++) Close(expected[i], g[i], 1e-12, $"row {i}");
        var dm = m.Select(r => r.Select(_ => 1.0).ToArray()).ToArray();
        Assert.Equal(expected.Sum(r => r.Sum()), LoopFunctions.NestedBreak_Jvp(m, dm).Tangent, 12);
    }

    [Fact]
    public void TwoDimensionalArray()
    {
        var a = new double[,] { { 1, 2, 3 }, { -1, 0.5, 2 } };
        var v = new[] { 0.3, -0.2, 0.7 };
        var (value, (da, dv)) = LoopFunctions.Matrix2D_ValueWithGradient(a, v);
        var rows = new double[2];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) rows[i] += a[i, j] * v[j];
        Assert.Equal(rows.Sum(r => r * r), value, 12);
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) Assert.Equal(2 * rows[i] * v[j], da[i, j], 12);
        for (int j = 0; j < 3; j++) Assert.Equal(2 * rows[0] * a[0, j] + 2 * rows[1] * a[1, j], dv[j], 12);
    }

    [Fact]
    public void OperatorsOnArrays()
    {
        var x = new[] { 0.5, -1.0, 2.0 };
        var g = Autodiff.Gradient<double[], double>(LoopFunctions.SumOfSquaresForeach, x);
        Close(x.Select(v => 2 * v).ToArray(), g, 1e-12, "Gradient");
    }
}

public class ArrayHelperTests
{
    [Fact]
    public void VoidHelpersWritingIntoScratchArraysInsideALoop()
    {
        var points = new[] { 1.0, 2.0, -1.0, 0.5, 3.0, -2.0 };
        var center = new[] { 0.25, -0.75 };
        var (value, (dPoints, dCenter, dScratch)) = ArrayHelpers.DistanceSquared_ValueWithGradient(points, center, new double[2]);
        double expected = 0;
        var expectedCenter = new double[2];
        for (int p = 0; p < 3; p++)
            for (int j = 0; j < 2; j++)
            {
                double diff = points[p * 2 + j] - center[j];
                expected += diff * diff;
                Assert.Equal(2 * diff, dPoints[p * 2 + j], 12);
                expectedCenter[j] -= 2 * diff;
            }
        Assert.Equal(expected, value, 12);
        LoopTests.Close(expectedCenter, dCenter, 1e-12, "center");
        // Forward mode along the center's first coordinate.
        var (_, tangent) = ArrayHelpers.DistanceSquared_Jvp(points, center, new double[2], new double[6], new[] { 1.0, 0 }, new double[2]);
        Assert.Equal(expectedCenter[0], tangent, 12);
    }
}

public class VectorFunctionTests
{
    [Fact]
    public void JacobianForwardEqualsJacobianReverseAndTheClosedForm()
    {
        var x = new[] { 0.2, -1.0, 1.5, 0.3 };
        var s = LoopFunctions.Softmax(x);
        var forward = Autodiff.JacobianForward(LoopFunctions.Softmax, x);
        var reverse = Autodiff.JacobianReverse(LoopFunctions.Softmax, x);
        for (int i = 0; i < x.Length; i++)
            for (int j = 0; j < x.Length; j++)
            {
                double closed = s[i] * ((i == j ? 1 : 0) - s[j]);
                Assert.Equal(closed, forward[i, j], 12);
                Assert.Equal(closed, reverse[i, j], 12);
            }
        var ct = new[] { 1.0, 2.0, -1.0, 0.5 };
        var vjp = Autodiff.Vjp(LoopFunctions.Softmax, x, ct);
        for (int j = 0; j < x.Length; j++)
        {
            double expected = 0;
            for (int i = 0; i < x.Length; i++) expected += ct[i] * s[i] * ((i == j ? 1 : 0) - s[j]);
            Assert.Equal(expected, vjp[j], 12);
        }
    }
}

public class GradientIntoCallerBuffersTests
{
    [Fact]
    public void WritesTheGradientIntoTheCallersArrayWithoutAllocating()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75 };
        var gradient = new double[] { 9, 9, 9, 9 };   // overwritten, not accumulated into
        double lse = Math.Log(System.Linq.Enumerable.Sum(x, Math.Exp));
        for (int warm = 0; warm < 3; warm++) LoopFunctions.LogSumExp_ValueWithGradient(x, gradient);
        double value = 0;
        long allocated = SteadyState.BytesPerBatch(() =>
        {
            for (int k = 0; k < 100; k++) value = LoopFunctions.LogSumExp_ValueWithGradient(x, gradient);
        });
        Assert.Equal(lse, value, 12);
        for (int i = 0; i < x.Length; i++) Assert.Equal(Math.Exp(x[i] - lse), gradient[i], 12);
        Assert.Equal(0, allocated);
    }
}

public class InfiniteLoopFormTests
{
    [Theory]
    [InlineData(0.5, 1.0)]      // no halving
    [InlineData(3.0, 0.25)]     // two halvings: 3 → 1.5 → 0.75
    [InlineData(10.0, 0.0625)]  // four halvings
    public void WhileTrueLeftByAReturn(double x, double derivative)
    {
        var (value, gradient) = InfiniteLoopForms.HalveBelowOne_ValueWithGradient(x);
        Assert.Equal(InfiniteLoopForms.HalveBelowOne(x), value);
        Assert.Equal(derivative, gradient, 14);
        Assert.Equal(derivative, InfiniteLoopForms.HalveBelowOne_Jvp(x, 1).Tangent, 14);
    }
}

public class RuleMethodGroupTests
{
    [Fact]
    public void OperatorsWorkOnMethodsThatHaveRules()
    {
        Assert.Equal(Math.Cos(0.7), Autodiff.Derivative(Math.Sin, 0.7), 15);
        Assert.Equal(Math.Exp(1.3), Autodiff.Gradient(Math.Exp, 1.3), 15);
        var (value, (dy, dx)) = Autodiff.ValueWithGradient(Math.Atan2, 0.5, 2.0);
        Assert.Equal(Math.Atan2(0.5, 2.0), value, 15);
        Assert.Equal(2.0 / 4.25, dy, 15);
        Assert.Equal(-0.5 / 4.25, dx, 15);
        Assert.Equal(MathF.Cos(0.5f), Autodiff.Derivative(MathF.Sin, 0.5f), 6);
        var (v, t) = Autodiff.Jvp(Math.Atan2, 0.5, 2.0, 1.0, 0.0);
        Assert.Equal(2.0 / 4.25, t, 15);
        Assert.Equal(-0.5 / 4.25 * 3, Autodiff.Vjp(Math.Atan2, 0.5, 2.0, 3.0).Item2, 15);
    }
}
