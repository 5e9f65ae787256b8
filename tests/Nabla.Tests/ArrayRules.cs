// [DerivativeOf] rules over one-dimensional arrays (double[], float[]): a pullback returns the inputs' cotangent
// arrays and takes an array result's cotangent; a differential takes the inputs' tangent arrays. Each rule is used
// in both modes (the half it does not give is written from the other), from [Differentiable] code (in loops too),
// from lambdas and as a method group, and checked against closed forms, central differences and the other mode.
using System;
using System.Linq;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

/// <summary>Functions over arrays that Nabla does not differentiate: their derivatives are the rules below.</summary>
public static class ArrayLibrary
{
    public static int PullbackCalls;

    /// <summary>Counts calls of Dot's pullback (a rule's body may call code with effects, not write a static field itself).</summary>
    public static void CountPullback() => PullbackCalls++;

    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    public static double[] Scale(double[] a, double k)
    {
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = k * a[i];
        return r;
    }

    public static double LogSumExp(double[] a)
    {
        double m = a.Max(), s = 0;
        foreach (var v in a) s += Math.Exp(v - m);
        return m + Math.Log(s);
    }

    /// <summary>y_i = a_i³ (a forward rule; reverse mode takes one differential per component).</summary>
    public static double[] Cube(double[] a) => a.Select(v => v * v * v).ToArray();

    /// <summary>Σ w_i a_i²; w is data for the rule.</summary>
    public static double Weighted(double[] a, double[] w)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += w[i] * a[i] * a[i];
        return s;
    }

    public static float SumOfSquares(float[] a, float k)
    {
        float s = 0;
        foreach (var v in a) s += v * v;
        return k * s;
    }

    /// <summary>A cotangent of the wrong length: the caller is told which.</summary>
    public static double Broken(double[] a) => a.Sum();
}

/// <summary>A data object with a method over arrays: its rule takes the receiver first.</summary>
public sealed class DenseMatrix
{
    public readonly int N;
    public readonly double[] A;

    public DenseMatrix(int n)
    {
        N = n;
        A = new double[n * n];
        for (int i = 0; i < A.Length; i++) A[i] = Math.Sin(i + 1) / n;
    }

    public double[] Times(double[] x)
    {
        var y = new double[N];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) y[i] += A[i * N + j] * x[j];
        return y;
    }

    public double[] TransposeTimes(double[] x)
    {
        var y = new double[N];
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) y[j] += A[i * N + j] * x[i];
        return y;
    }
}

public static class ArrayLibraryRules
{
    [DerivativeOf(typeof(ArrayLibrary), nameof(ArrayLibrary.Dot))]
    public static (double Value, Func<double, (double[], double[])> Pullback) Dot(double[] a, double[] b)
    {
        double v = ArrayLibrary.Dot(a, b);
        return (v, g => { ArrayLibrary.CountPullback(); return (ArrayLibrary.Scale(b, g), ArrayLibrary.Scale(a, g)); });
    }

    [DerivativeOf(typeof(ArrayLibrary), nameof(ArrayLibrary.Scale))]
    public static (double[] Value, Func<double[], (double[], double)> Pullback) Scale(double[] a, double k)
    {
        var r = ArrayLibrary.Scale(a, k);
        return (r, g => (ArrayLibrary.Scale(g, k), ArrayLibrary.Dot(g, a)));
    }

    [DerivativeOf(typeof(ArrayLibrary), nameof(ArrayLibrary.LogSumExp), Mode = DerivativeMode.Forward)]
    public static (double Value, Func<double[], double> Differential) LogSumExp(double[] a)
    {
        double v = ArrayLibrary.LogSumExp(a);
        var softmax = a.Select(x => Math.Exp(x - v)).ToArray();
        return (v, da => ArrayLibrary.Dot(softmax, da));
    }

    [DerivativeOf(typeof(ArrayLibrary), nameof(ArrayLibrary.Cube), Mode = DerivativeMode.Forward)]
    public static (double[] Value, Func<double[], double[]> Differential) Cube(double[] a)
    {
        var y = ArrayLibrary.Cube(a);
        return (y, da => a.Select((v, i) => 3 * v * v * da[i]).ToArray());
    }

    [DerivativeOf(typeof(ArrayLibrary), nameof(ArrayLibrary.Weighted), Wrt = "a")]
    public static (double Value, Func<double, double[]> Pullback) Weighted(double[] a, double[] w)
    {
        double v = ArrayLibrary.Weighted(a, w);
        return (v, g => a.Select((x, i) => 2 * g * w[i] * x).ToArray());
    }

    [DerivativeOf(typeof(ArrayLibrary), nameof(ArrayLibrary.SumOfSquares))]
    public static (float Value, Func<float, (float[], float)> Pullback) SumOfSquares(float[] a, float k)
    {
        float v = ArrayLibrary.SumOfSquares(a, k);
        return (v, g => (a.Select(x => 2 * g * k * x).ToArray(), g * v / k));
    }

    [DerivativeOf(typeof(ArrayLibrary), nameof(ArrayLibrary.Broken))]
    public static (double Value, Func<double, double[]> Pullback) Broken(double[] a) =>
        (ArrayLibrary.Broken(a), g => new double[a.Length + 1]);

    [DerivativeOf(typeof(DenseMatrix), nameof(DenseMatrix.Times))]
    public static (double[] Value, Func<double[], double[]> Pullback) Times(DenseMatrix m, double[] x)
    {
        var y = m.Times(x);
        return (y, g => m.TransposeTimes(g));
    }
}

public static partial class ArrayRuleFunctions
{
    /// <summary>k |x|² + logsumexp(k x), through three rules, one a forward rule used in reverse.</summary>
    [Differentiable]
    public static double Energy(double[] x, double k)
    {
        var y = ArrayLibrary.Scale(x, k);
        return ArrayLibrary.Dot(y, x) + ArrayLibrary.LogSumExp(y);
    }

    /// <summary>A rule called in a loop (its residuals on the tape), its array result overwritten in place.</summary>
    [Differentiable]
    public static double Iterate(double[] x, [NoDerivative] DenseMatrix m)
    {
        var y = x;
        for (int step = 0; step < 3; step++)
        {
            y = m.Times(y);
            for (int i = 0; i < y.Length; i++) y[i] = Math.Tanh(y[i] + 0.1 * step);
        }
        return ArrayLibrary.Dot(y, y);
    }

    /// <summary>One active array and one constant one: the constant's cotangent goes nowhere.</summary>
    [Differentiable]
    public static double AgainstConstant(double[] x) => ArrayLibrary.Dot(x, new[] { 1.0, -2.0, 3.0 }) * ArrayLibrary.Weighted(x, new[] { 2.0, 1.0, 0.5 });

    [Differentiable]
    public static double CubeThenDot(double[] x) => ArrayLibrary.Dot(ArrayLibrary.Cube(x), x);

    [Differentiable]
    public static float Floats(float[] a, float k) => ArrayLibrary.SumOfSquares(a, k) * a[0];
}

public class ArrayRuleTests
{
    private static readonly double[] X = { 0.3, -0.7, 1.1 };

    private static double[] CentralDifferences(Func<double[], double> f, double[] x, double h = 1e-6)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var p = (double[])x.Clone();
            var q = (double[])x.Clone();
            p[i] += h;
            q[i] -= h;
            g[i] = (f(p) - f(q)) / (2 * h);
        }
        return g;
    }

    private static void Near(double[] expected, double[] actual, double tolerance = 1e-8)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"component {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void ReverseAndForwardRulesOverArrays_GiveTheClosedFormGradient()
    {
        double k = 0.8;
        var (gx, gk) = Gradient(ArrayRuleFunctions.Energy, X, k);
        // F = k|x|² + lse(kx): ∂F/∂x_i = 2k x_i + k softmax(kx)_i, ∂F/∂k = |x|² + Σ x_i softmax(kx)_i.
        double lse = ArrayLibrary.LogSumExp(X.Select(v => k * v).ToArray());
        var softmax = X.Select(v => Math.Exp(k * v - lse)).ToArray();
        Near(X.Select((v, i) => 2 * k * v + k * softmax[i]).ToArray(), gx, 1e-12);
        Assert.Equal(X.Sum(v => v * v) + X.Select((v, i) => v * softmax[i]).Sum(), gk, 12);
    }

    [Fact]
    public void ForwardModeThroughReverseRules_AgreesWithReverseMode()
    {
        double k = 0.8;
        var g = Gradient(x => ArrayRuleFunctions.Energy(x, k), X);
        var direction = new[] { 0.5, 1.0, -2.0 };
        var (value, tangent) = Jvp(x => ArrayRuleFunctions.Energy(x, k), X, direction);
        Assert.Equal(ArrayRuleFunctions.Energy(X, k), value, 14);
        Assert.Equal(g.Select((gi, i) => gi * direction[i]).Sum(), tangent, 12);
        var jf = JacobianForward(x => ArrayRuleFunctions.Energy(x, k), X);
        for (int i = 0; i < X.Length; i++) Assert.Equal(g[i], jf[0, i], 12);
    }

    [Fact]
    public void RuleForAMethodOfADataObject_InALoop_MatchesCentralDifferences()
    {
        var m = new DenseMatrix(4);
        var x = new[] { 0.4, -0.1, 0.9, 0.2 };
        var g = Gradient(v => ArrayRuleFunctions.Iterate(v, m), x);
        Near(CentralDifferences(v => ArrayRuleFunctions.Iterate(v, m), x), g, 1e-7);
        var (_, t) = Jvp(v => ArrayRuleFunctions.Iterate(v, m), x, new[] { 1.0, 0, 0, 0 });
        Assert.Equal(g[0], t, 12);
    }

    [Fact]
    public void JacobiansOfAnArrayToArrayRule_AreTheMatrix()
    {
        var m = new DenseMatrix(3);
        var x = new[] { 1.0, 2.0, 3.0 };
        var forward = JacobianForward(v => m.Times(v), x);
        var reverse = JacobianReverse(v => m.Times(v), x);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(m.A[i * 3 + j], forward[i, j], 14);
                Assert.Equal(m.A[i * 3 + j], reverse[i, j], 14);
            }
    }

    [Fact]
    public void ForwardRuleWithAnArrayResult_InReverseMode()
    {
        // x · x³ = Σ x_i⁴: gradient 4 x_i³.
        var g = Gradient(ArrayRuleFunctions.CubeThenDot, X);
        Near(X.Select(v => 4 * v * v * v).ToArray(), g, 1e-12);
        var ct = new[] { 1.0, 2.0, 3.0 };
        Near(X.Select((v, i) => 3 * v * v * ct[i]).ToArray(), Vjp(ArrayLibrary.Cube, X, ct), 1e-12);
    }

    [Fact]
    public void ConstantArrayArgument_AndWrtLeavingADataArrayOut()
    {
        var w = new[] { 2.0, 1.0, 0.5 };
        var c = new[] { 1.0, -2.0, 3.0 };
        var g = Gradient(ArrayRuleFunctions.AgainstConstant, X);
        double dot = ArrayLibrary.Dot(X, c), weighted = ArrayLibrary.Weighted(X, w);
        Near(X.Select((v, i) => c[i] * weighted + dot * 2 * w[i] * v).ToArray(), g, 1e-12);
        Near(CentralDifferences(ArrayRuleFunctions.AgainstConstant, X), g, 1e-7);
    }

    [Fact]
    public void FloatArrays()
    {
        var a = new[] { 1f, -2f, 0.5f };
        var (ga, gk) = Gradient(ArrayRuleFunctions.Floats, a, 3f);
        // F = k Σa² · a0: ∂/∂a0 = k(2a0² + Σa²), ∂/∂ai = 2k ai a0, ∂/∂k = Σa² a0.
        float s = a.Sum(v => v * v);
        Assert.Equal(3f * (2 * a[0] * a[0] + s), ga[0], 4);
        Assert.Equal(2 * 3f * a[1] * a[0], ga[1], 4);
        Assert.Equal(2 * 3f * a[2] * a[0], ga[2], 4);
        Assert.Equal(s * a[0], gk, 4);
    }

    [Fact]
    public void MethodGroupsOfRuleOriginals_WorkWithEveryOperator()
    {
        var b = new[] { 2.0, 0.5, -1.0 };
        var (ga, gb) = Gradient(ArrayLibrary.Dot, X, b);
        Near(b, ga, 0);
        Near(X, gb, 0);
        var (value, tangent) = Jvp(ArrayLibrary.LogSumExp, X, new[] { 1.0, 1.0, 1.0 });
        Assert.Equal(ArrayLibrary.LogSumExp(X), value, 14);
        Assert.Equal(1.0, tangent, 12);   // softmax sums to 1
        Near(CentralDifferences(ArrayLibrary.LogSumExp, X), Gradient(ArrayLibrary.LogSumExp, X), 1e-8);
        var (gw, gData) = Gradient(ArrayLibrary.Weighted, X, b);
        Near(X.Select((v, i) => 2 * b[i] * v).ToArray(), gw, 1e-14);
        Near(new double[3], gData, 0);   // not differentiated by the rule: zeros of its length
        var jacobian = JacobianReverse(ArrayLibrary.Cube, X);
        Assert.Equal(3 * X[1] * X[1], jacobian[1, 1], 14);
        Assert.Equal(0, jacobian[1, 0]);
    }

    [Fact]
    public void TheRuleIsCalledOncePerGradient()
    {
        ArrayLibrary.PullbackCalls = 0;
        Gradient(ArrayRuleFunctions.AgainstConstant, X);
        Assert.Equal(1, ArrayLibrary.PullbackCalls);
    }

    [Fact]
    public void CotangentOfTheWrongLength_IsReported()
    {
        var e = Assert.Throws<ArgumentException>(() => Gradient(x => ArrayLibrary.Broken(x) * 2, X));
        Assert.Contains("length 4 for an array of length 3", e.Message);
    }
}
