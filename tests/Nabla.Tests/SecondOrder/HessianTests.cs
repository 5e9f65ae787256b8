// Second derivatives (issue 5 §3): Hessian, HessianVectorProduct and [HessianOf], written by reverse mode over
// forward mode. Checked against closed forms (Rosenbrock at n = 2 and 100), against central finite differences
// of the generated gradient, and for symmetry; through loops, branches, arrays and the Math rules.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.SecondOrder;

public static partial class SecondOrderFunctions
{
    [Differentiable]
    public static double Rosenbrock(double[] x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
        }
        return sum;
    }

    [HessianOf(nameof(Rosenbrock))]
    public static partial double[,] RosenbrockHessian(double[] x);

    [GradientOf(nameof(Rosenbrock))]
    public static partial double[] RosenbrockGradient(double[] x);

    /// <summary>A loop, a branch, rules (Exp, Sin, Tanh, Sqrt) and an array local.</summary>
    [Differentiable]
    public static double LoopAndBranch(double[] x)
    {
        var y = new double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] > 0 ? Math.Exp(0.3 * x[i]) * Math.Sin(x[i]) : Math.Tanh(x[i]) * x[i];
            s += y[i] * x[(i + 1) % x.Length];
        }
        return s + Math.Sqrt(1 + s * s);
    }

    [HessianOf(nameof(LoopAndBranch))]
    public static partial double[,] LoopAndBranchHessian(double[] x);

    [GradientOf(nameof(LoopAndBranch))]
    public static partial double[] LoopAndBranchGradient(double[] x);

    [Differentiable]
    public static double TwoScalars(double x, double y) => x * x * y + Math.Log(y) * Math.Cos(x) + Math.Pow(x, 3) / y;

    [HessianOf(nameof(TwoScalars))]
    public static partial double[,] TwoScalarsHessian(double x, double y);

    [Differentiable]
    public static float SingleScalar(float x) => MathF.Sin(x) * x * x;

    [HessianOf(nameof(SingleScalar))]
    public static partial float SingleScalarSecondDerivative(float x);
}

public class HessianTests
{
    static double[,] RosenbrockClosedForm(double[] x)
    {
        int n = x.Length;
        var h = new double[n, n];
        for (int i = 0; i < n - 1; i++)
        {
            h[i, i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
            h[i + 1, i + 1] += 200;
            h[i, i + 1] = h[i + 1, i] = -400 * x[i];
        }
        return h;
    }

    static double[] Point(int n, int seed)
    {
        var r = new Random(seed);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.NextDouble() * 2 - 1;
        return x;
    }

    static void AssertClose(double[,] expected, double[,] actual, double tolerance)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= tolerance * Math.Max(1, Math.Abs(expected[i, j])),
                    $"H[{i},{j}]: expected {expected[i, j]:R}, got {actual[i, j]:R}");
    }

    static void AssertSymmetric(double[,] h, double tolerance)
    {
        for (int i = 0; i < h.GetLength(0); i++)
            for (int j = 0; j < i; j++)
                Assert.True(Math.Abs(h[i, j] - h[j, i]) <= tolerance * Math.Max(1, Math.Abs(h[i, j])), $"H[{i},{j}] = {h[i, j]:R} but H[{j},{i}] = {h[j, i]:R}");
    }

    /// <summary>Central differences of a gradient: column j ≈ (g(x + h e_j) − g(x − h e_j)) / 2h.</summary>
    static double[,] DifferencesOfGradient(Func<double[], double[]> gradient, double[] x)
    {
        int n = x.Length;
        var h = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double step = 1e-5 * Math.Max(1, Math.Abs(x[j]));
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[j] += step;
            minus[j] -= step;
            var gp = gradient(plus);
            var gm = gradient(minus);
            for (int i = 0; i < n; i++) h[i, j] = (gp[i] - gm[i]) / (2 * step);
        }
        return h;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(100)]
    public void Rosenbrock_MatchesTheClosedForm(int n)
    {
        var x = Point(n, n);
        var expected = RosenbrockClosedForm(x);
        var named = SecondOrderFunctions.RosenbrockHessian(x);
        AssertClose(expected, named, 1e-12);
        AssertSymmetric(named, 1e-10);
        AssertClose(expected, Hessian(SecondOrderFunctions.Rosenbrock, x), 1e-12);
        AssertClose(expected, Hessian(v => SecondOrderFunctions.Rosenbrock(v), x), 1e-12);
    }

    [Fact]
    public void HessianVectorProduct_IsHessianTimesVector()
    {
        var x = Point(30, 7);
        var v = Point(30, 8);
        var h = RosenbrockClosedForm(x);
        var hv = HessianVectorProduct(SecondOrderFunctions.Rosenbrock, x, v);
        var hvLambda = HessianVectorProduct(y => SecondOrderFunctions.Rosenbrock(y), x, v);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = 0;
            for (int j = 0; j < x.Length; j++) expected += h[i, j] * v[j];
            Assert.True(Math.Abs(expected - hv[i]) <= 1e-10 * Math.Max(1, Math.Abs(expected)), $"Hv[{i}]: {expected:R} vs {hv[i]:R}");
            Assert.Equal(hv[i], hvLambda[i]);
        }
    }

    [Fact]
    public void LoopAndBranch_MatchesDifferencesOfTheGradient()
    {
        var x = new[] { 0.7, -0.4, 1.3, -1.1, 0.2 };
        var h = SecondOrderFunctions.LoopAndBranchHessian(x);
        AssertSymmetric(h, 1e-10);
        AssertClose(DifferencesOfGradient(SecondOrderFunctions.LoopAndBranchGradient, x), h, 1e-6);
        // The input is not modified by the Hessian.
        Assert.Equal(new[] { 0.7, -0.4, 1.3, -1.1, 0.2 }, x);
    }

    [Fact]
    public void SeveralScalarInputs_GiveAMatrix()
    {
        double x = 0.8, y = 1.7;
        var h = SecondOrderFunctions.TwoScalarsHessian(x, y);
        // f = x²y + ln(y)·cos(x) + x³/y
        double fxx = 2 * y - Math.Log(y) * Math.Cos(x) + 6 * x / y;
        double fxy = 2 * x - Math.Sin(x) / y - 3 * x * x / (y * y);
        double fyy = -Math.Cos(x) / (y * y) + 2 * Math.Pow(x, 3) / (y * y * y);
        AssertClose(new[,] { { fxx, fxy }, { fxy, fyy } }, h, 1e-12);
    }

    [Fact]
    public void ScalarSecondDerivatives()
    {
        double x = 0.3;
        Assert.True(Math.Abs(2 * Math.Cos(x) - x * Math.Sin(x) - Hessian(t => Math.Sin(t) * t, x)) < 1e-14);
        double k = 3;
        Assert.True(Math.Abs(k * Math.Exp(x) * 2.0 - HessianVectorProduct(t => k * Math.Exp(t), x, 2.0)) < 1e-14);
        float xf = 0.6f;
        float expected = (2 - xf * xf) * MathF.Sin(xf) + 4 * xf * MathF.Cos(xf);
        Assert.True(MathF.Abs(expected - SecondOrderFunctions.SingleScalarSecondDerivative(xf)) < 1e-5f);
    }

    [Fact]
    public void RulesAtSecondOrder_MatchClosedForms()
    {
        // f(x) = Σ rule(x_i) with known second derivatives.
        var x = new[] { 0.3, 0.9, 1.7 };
        var h = Hessian(v => Math.Atan(v[0]) + Math.Sqrt(v[1]) * Math.Log(v[2]) + Math.Atan2(v[0], v[2]), x);
        double a = x[0], b = x[1], c = x[2];
        double r2 = a * a + c * c;
        var expected = new double[3, 3];
        expected[0, 0] = -2 * a / Math.Pow(1 + a * a, 2) + (-2 * a * c) / (r2 * r2);
        expected[1, 1] = -0.25 * Math.Pow(b, -1.5) * Math.Log(c);
        expected[2, 2] = -Math.Sqrt(b) / (c * c) + 2 * a * c / (r2 * r2);
        expected[1, 2] = expected[2, 1] = 0.5 / Math.Sqrt(b) / c;
        expected[0, 2] = expected[2, 0] = (a * a - c * c) / (r2 * r2);
        AssertClose(expected, h, 1e-12);
    }
}
