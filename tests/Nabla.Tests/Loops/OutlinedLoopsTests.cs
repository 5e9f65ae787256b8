// Loop nests inside another loop, beside other loops, are written as methods of their own
// (Transforms/LoopOutlining.cs): their inputs as parameters, the variables they share with the rest by reference,
// the values the code after them reads as `out` results.
// These functions have such nests; every form is checked against finite differences and forward mode, and the
// outlined methods are looked for, so that the tests exercise the pass.
using System;
using System.Linq;
using System.Reflection;
using Xunit;
using O = Nabla.Tests.Loops.OutlinedLoops;

namespace Nabla.Tests.Loops;

public static partial class OutlinedLoops
{
    /// <summary>Per row: a centred copy, a triangular product into a scratch array, its squared norm; a scalar carried across rows.</summary>
    [Differentiable]
    public static double Rows(double[] x, double[] w, int n, int d)
    {
        var centred = new double[d];
        var product = new double[d];
        double total = 0, carried = 1;
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++) centred[j] = x[r * d + j] - w[j];
            for (int i = 0; i < d; i++)
            {
                product[i] = w[i] * centred[i];
                for (int j = 0; j < i; j++) product[i] += w[d + j] * centred[j] * carried;
            }
            double norm = 0;
            for (int j = 0; j < d; j++) norm += product[j] * product[j];
            carried = 0.5 * carried + 0.1 * Math.Tanh(norm);
            total += Math.Log(1 + norm) * carried;
        }
        return total;
    }

    /// <summary>A branch and an early exit inside the inner loops, and a loop-carried scalar read by them (a loop left two
    /// ways is not outlined: the pass takes loops with one exit; the forms must be right either way).</summary>
    [Differentiable]
    public static double Branchy(double[] a, double s)
    {
        double acc = 0;
        for (int k = 0; k < 3; k++)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] * s > 1.5) break;
                acc += a[i] > 0 ? a[i] * s : Math.Sin(a[i] + s);
            }
            double m = 0;
            for (int i = 0; i < a.Length; i++) m += Math.Exp(-a[i] * a[i] * (k + 1)) * acc;
            s = s * 0.9 + 0.01 * m;
        }
        return acc + s;
    }

    /// <summary>A ref and an out parameter written inside the inner loops (the out one before it is definitely assigned
    /// outside them): an outlined loop takes them by reference.</summary>
    [Differentiable]
    public static double OutAndRefInLoops(double[] a, double s, ref double acc, out double peak)
    {
        double total = 0;
        for (int k = 0; k < 2; k++)
        {
            for (int i = 0; i < a.Length; i++)
            {
                peak = a[i] * s;
                total += peak * peak;
                acc += 0.1 * peak;
            }
            for (int i = 0; i < a.Length; i++) total += Math.Sin(a[i] * acc);
        }
        peak = total * 0.5;
        return total + acc;
    }

    [Differentiable]
    public static double UsesOutAndRef(double[] a, double s)
    {
        double acc = s;
        double t = OutAndRefInLoops(a, s, ref acc, out double p);
        return t + p * acc;
    }
}

public class OutlinedLoopsTests
{
    private static readonly MethodInfo[] Outlined =
        typeof(O).GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Where(m => m.Name.Contains("_Loop")).ToArray();

    private static bool ReturnsAValue(MethodInfo m) => m.GetParameters().Any(p => p.IsOut);

    [Fact]
    public void TheLoopNestsAreOutlined()
    {
        string names = string.Join(", ", Outlined.Select(m => m.Name));
        // Rows, reverse mode: the forward centring, triangle and norm loops and their backward counterparts inside the
        // row loops; the forward norm loop's sum is read after it, so it comes back as an `out` result.
        var gradient = Outlined.Where(m => m.Name.StartsWith("Rows_ValueWithGradient_Loop", StringComparison.Ordinal)).ToList();
        Assert.True(gradient.Count >= 4, names);
        Assert.Contains(gradient, ReturnsAValue);
        // Forward mode: the tangent loops too; Branchy's second loop sums into `m`, read after it.
        Assert.Contains(Outlined, m => m.Name.StartsWith("Rows_Jvp_Loop", StringComparison.Ordinal) && ReturnsAValue(m));
        Assert.Contains(Outlined, m => m.Name.StartsWith("Branchy_ValueWithGradient_Loop", StringComparison.Ordinal) && ReturnsAValue(m));
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(1, 1)]
    [InlineData(0, 3)]
    public void Rows_AllForms(int n, int d)
    {
        var rng = new Random(7 + n + d);
        var x0 = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var w0 = Enumerable.Range(0, 2 * d).Select(_ => rng.NextDouble() - 0.3).ToArray();
        double[] X(double[] v) => v.Take(n * d).ToArray();
        double[] W(double[] v) => v.Skip(n * d).ToArray();
        Check.Gradient(
            v => O.Rows(X(v), W(v), n, d),
            v => { var (value, (gx, gw)) = O.Rows_ValueWithGradient(X(v), W(v), n, d); return (value, gx.Concat(gw).ToArray()); },
            (v, seed) =>
            {
                var (x, w) = (X(v), W(v));
                var (dx, dw) = (new double[x.Length], new double[w.Length]);
                double value = O.Rows_Primal(x, w, n, d, dx, dw, out var r);
                O.Rows_Pullback(in r, seed);
                return (value, dx.Concat(dw).ToArray());
            },
            (v, t) => O.Rows_Jvp(X(v), W(v), n, d, X(t), W(t)),
            x0.Concat(w0).ToArray());
    }

    /// <summary>L = value + 0.3·acc (after) + 0.7·peak, as a function of (a, s, acc before).</summary>
    private static double WeightedOutputs(double[] a, double s, double acc)
    {
        double value = O.OutAndRefInLoops(a, s, ref acc, out double peak);
        return value + 0.3 * acc + 0.7 * peak;
    }

    [Theory]
    [InlineData(0.7, 0.2)]
    [InlineData(-1.3, 1.1)]
    public void OutAndRefParametersOfTheMethodItself(double s, double acc0)
    {
        var a = new[] { 0.3, -1.1, 0.8, 0.05 };
        const double h = 1e-6;
        double Central(System.Func<double, double> f) => (f(h) - f(-h)) / (2 * h);
        double Fd(int k) => k < a.Length
            ? Central(e => { var b = (double[])a.Clone(); b[k] += e; return WeightedOutputs(b, s, acc0); })
            : k == a.Length ? Central(e => WeightedOutputs(a, s + e, acc0)) : Central(e => WeightedOutputs(a, s, acc0 + e));

        // Reverse: one pullback with the cotangents of the result, of acc and of peak.
        double acc = acc0;
        var da = new double[a.Length];
        O.OutAndRefInLoops_Primal(a, s, ref acc, out double peak, da, out var r);
        double dacc = 0.3, dpeak = 0.7;
        double ds = O.OutAndRefInLoops_Pullback(in r, 1, ref dacc, ref dpeak);
        var reverse = da.Append(ds).Append(dacc).ToArray();

        // Forward: one Jvp per input direction.
        var forward = new double[a.Length + 2];
        for (int k = 0; k < forward.Length; k++)
        {
            var ta = new double[a.Length];
            if (k < a.Length) ta[k] = 1;
            double accIn = acc0, taccIn = k == a.Length + 1 ? 1 : 0;
            var (_, tangent) = O.OutAndRefInLoops_Jvp(a, s, ref accIn, out _, ta, k == a.Length ? 1 : 0, ref taccIn, out double tpeak);
            forward[k] = tangent + 0.3 * taccIn + 0.7 * tpeak;
        }

        for (int k = 0; k < forward.Length; k++)
        {
            double fd = Fd(k);
            Assert.True(Math.Abs(reverse[k] - fd) <= 1e-6 * (1 + Math.Abs(fd)), $"reverse[{k}] = {reverse[k]}, finite differences {fd}");
            Assert.True(Math.Abs(forward[k] - reverse[k]) <= 1e-12 * (1 + Math.Abs(fd)), $"forward[{k}] = {forward[k]}, reverse {reverse[k]}");
        }
        Assert.Contains(Outlined, m => m.Name.StartsWith("OutAndRefInLoops_Primal_Loop", StringComparison.Ordinal));
        Assert.Contains(Outlined, m => m.Name.StartsWith("OutAndRefInLoops_Jvp_Loop", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-1.3)]
    public void OutAndRef_AllForms(double s0)
    {
        var a0 = new[] { 0.3, -1.1, 0.8, 0.05 };
        double[] A(double[] v) => v.Take(4).ToArray();
        Check.Gradient(
            v => O.UsesOutAndRef(A(v), v[4]),
            v => { var (value, (ga, gs)) = O.UsesOutAndRef_ValueWithGradient(A(v), v[4]); return (value, ga.Append(gs).ToArray()); },
            (v, seed) =>
            {
                var a = A(v);
                var da = new double[a.Length];
                double value = O.UsesOutAndRef_Primal(a, v[4], da, out var r);
                double ds = O.UsesOutAndRef_Pullback(in r, seed);
                return (value, da.Append(ds).ToArray());
            },
            (v, t) => O.UsesOutAndRef_Jvp(A(v), v[4], A(t), t[4]),
            a0.Append(s0).ToArray());
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-0.4)]
    [InlineData(2.5)]
    public void Branchy_AllForms(double s0)
    {
        var a0 = new[] { 0.3, -1.1, 0.8, 0.05, -0.6 };
        double[] A(double[] v) => v.Take(5).ToArray();
        Check.Gradient(
            v => O.Branchy(A(v), v[5]),
            v => { var (value, (ga, gs)) = O.Branchy_ValueWithGradient(A(v), v[5]); return (value, ga.Append(gs).ToArray()); },
            (v, seed) =>
            {
                var a = A(v);
                var da = new double[a.Length];
                double value = O.Branchy_Primal(a, v[5], da, out var r);
                double ds = O.Branchy_Pullback(in r, seed);
                return (value, da.Append(ds).ToArray());
            },
            (v, t) => O.Branchy_Jvp(A(v), v[5], A(t), t[5]),
            a0.Append(s0).ToArray());
    }
}
