// Mutation: in-place updates of input arrays (prefix sums, cumulative products, a smoothing pass that reads
// neighbours it already overwrote, sorting), aliasing through locals (the seed's y = x; y[0] = y[0]*2),
// the same array passed for two parameters, and void helpers that write into their array arguments.
using System;
using System.Linq;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class Mutation
{
    /// <summary>Prefix sums in place, then a nonlinear read of every prefix.</summary>
    [Differentiable]
    public static double PrefixSumInPlace(double[] x)
    {
        for (int i = 1; i < x.Length; i++) x[i] += x[i - 1];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (i + 1) * Math.Sin(x[i]);
        return s;
    }

    /// <summary>Cumulative products in place; the sum of all of them.</summary>
    [Differentiable]
    public static double CumulativeProductSum(double[] x)
    {
        for (int i = 1; i < x.Length; i++) x[i] *= x[i - 1];
        double s = 0;
        foreach (double v in x) s += v;
        return s;
    }

    /// <summary>
    /// Gauss–Seidel smoothing sweeps in place: x[i] reads x[i-1], which this sweep already overwrote, and
    /// x[i+1], which it has not yet.
    /// </summary>
    [Differentiable]
    public static double SmoothInPlace(double[] x, int sweeps)
    {
        for (int s = 0; s < sweeps; s++)
            for (int i = 1; i < x.Length - 1; i++)
                x[i] = (x[i - 1] + x[i] + x[i + 1]) / 3 + 0.1 * x[i - 1] * x[i];
        double e = 0;
        for (int i = 0; i < x.Length; i++) e += x[i] * x[i];
        return e;
    }

    /// <summary>The seed's aliasing example, with the sum written as a loop: y aliases x.</summary>
    [Differentiable]
    public static double SeedAliasLoop(double[] x)
    {
        var y = x;
        y[0] = y[0] * 2;
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += y[i];
        return s;
    }

    /// <summary>Writes through one name, reads through the other.</summary>
    [Differentiable]
    public static double AliasWriteReadOther(double[] x)
    {
        var y = x;
        y[0] *= y[1];
        y[1] = x[0] + x[2];
        return x[0] * x[1] + y[2];
    }

    /// <summary>Which array a local names is decided at run time.</summary>
    [Differentiable]
    public static double AliasChosenAtRunTime(double[] x, double[] other, bool useX)
    {
        var y = useX ? x : other;
        for (int i = 0; i < y.Length; i++) y[i] = y[i] * y[i];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] + 2 * other[i];
        return s;
    }

    /// <summary>Two array parameters, only read.</summary>
    [Differentiable]
    public static double ReversedDot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[b.Length - 1 - i];
        return s;
    }

    /// <summary>Writes a, then reads b: when a and b are one array, b sees the writes.</summary>
    [Differentiable]
    public static double WriteOneReadOther(double[] a, double[] b)
    {
        for (int i = 0; i < a.Length; i++) a[i] = a[i] * b[i] + 1;
        double s = 0;
        for (int i = 0; i < b.Length; i++) s += b[i] * (i + 1);
        return s;
    }

    /// <summary>a[i] += b[n-1-i]: when a and b are one array, the second half reads elements the first half wrote.</summary>
    [Differentiable]
    public static double CrossWrite(double[] a, double[] b)
    {
        int n = a.Length;
        for (int i = 0; i < n; i++) a[i] = a[i] + Math.Sin(b[n - 1 - i]);
        double s = 0;
        for (int i = 0; i < n; i++) s += a[i] * a[i] + b[i];
        return s;
    }

    /// <summary>y[yOffset + i] += alpha·x[xOffset + i], C style.</summary>
    [Differentiable]
    public static void Axpy(int n, double alpha, double[] x, int xOffset, double[] y, int yOffset)
    {
        for (int i = 0; i < n; i++) y[yOffset + i] += alpha * x[xOffset + i];
    }

    /// <summary>Two blocks of x combined into a local through a void helper writing at offsets.</summary>
    [Differentiable]
    public static double BlockCombination(double[] x, double alpha)
    {
        int half = x.Length / 2;
        var y = new double[half];
        Axpy(half, alpha, x, 0, y, 0);
        Axpy(half, alpha * alpha, x, half, y, 0);
        double s = 0;
        for (int i = 0; i < half; i++) s += y[i] * Math.Sin(y[i]);
        return s;
    }

    /// <summary>Scales an array in place.</summary>
    [Differentiable]
    public static void ScaleInPlace(double[] v, double factor)
    {
        for (int i = 0; i < v.Length; i++) v[i] *= factor;
    }

    [Differentiable]
    public static double SumOfSquares(double[] v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += v[i] * v[i];
        return s;
    }

    /// <summary>A void helper mutates the caller's input twice; another helper reads it.</summary>
    [Differentiable]
    public static double ScaleTwiceThenSumSquares(double[] x, double factor)
    {
        ScaleInPlace(x, factor);
        ScaleInPlace(x, factor);
        return SumOfSquares(x);
    }

    /// <summary>Divides v by its norm in place.</summary>
    [Differentiable]
    public static void NormalizeInPlace(double[] v)
    {
        double n = 0;
        for (int i = 0; i < v.Length; i++) n += v[i] * v[i];
        n = Math.Sqrt(n);
        for (int i = 0; i < v.Length; i++) v[i] /= n;
    }

    [Differentiable]
    public static double NormalizedDot(double[] x, [NoDerivative] double[] w)
    {
        NormalizeInPlace(x);
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * w[i];
        return s;
    }

    /// <summary>Reverses in place by swaps through a temporary.</summary>
    [Differentiable]
    public static double ReverseInPlace(double[] x)
    {
        for (int i = 0, j = x.Length - 1; i < j; i++, j--)
        {
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (i + 1) * x[i] * x[i];
        return s;
    }

    /// <summary>Insertion sort in place (a while loop shifting elements), then a position-weighted sum.</summary>
    [Differentiable]
    public static double SortThenWeight(double[] x)
    {
        for (int i = 1; i < x.Length; i++)
        {
            double key = x[i];
            int j = i - 1;
            while (j >= 0 && x[j] > key)
            {
                x[j + 1] = x[j];
                j--;
            }
            x[j + 1] = key;
        }
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (i + 1) * x[i];
        return s;
    }

    /// <summary>A copy, not an alias: mutating the local leaves x as it was.</summary>
    [Differentiable]
    public static double CopyThenMutate(double[] x)
    {
        int n = x.Length;
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = x[i];
        for (int i = 1; i < n; i++) y[i] = y[i] * y[i - 1];
        return y[n - 1] + x[0] * x[n - 1];
    }

    /// <summary>Each element overwritten k times, reading its right neighbour (old or new: wrap-around).</summary>
    [Differentiable]
    public static double IteratedInPlace(double[] x, int k)
    {
        int n = x.Length;
        for (int r = 0; r < k; r++)
            for (int i = 0; i < n; i++)
                x[i] = Math.Sin(x[i]) + 0.5 * x[(i + 1) % n];
        double s = 0;
        for (int i = 0; i < n; i++) s += x[i];
        return s;
    }

    /// <summary>A helper too large to inline (over 160 IR instructions): called through its own primal and pullback.</summary>
    [Differentiable]
    public static double LargeHelper(double[] p, int o, double[] accumulator)
    {
        double a = p[o], b = p[o + 1], c = p[o + 2];
        double t0 = a * b + Math.Sin(c);
        double t1 = Math.Sin(t0) + c * 0.5;
        double t2 = t1 / (1 + a * a);
        double t3 = t2 - 0.1 * c * t1;
        double t4 = Math.Exp(-0.1 * t3 * t3) + c;
        double t5 = t4 / (1 + a * a);
        double t6 = t5 / (1 + a * a);
        double t7 = Math.Exp(-0.1 * t6 * t6) + b;
        double t8 = t7 / (1 + a * a);
        double t9 = Math.Sin(t8) + c * 0.5;
        double t10 = Math.Exp(-0.1 * t9 * t9) + c;
        double t11 = t10 / (1 + b * b);
        double t12 = Math.Exp(-0.1 * t11 * t11) + c;
        double t13 = Math.Sin(t12) + a * 0.5;
        double t14 = 0.5 * (t13 + t12) * a;
        double t15 = t14 / (1 + b * b);
        double t16 = 0.5 * (t15 + t14) * a;
        double t17 = 0.5 * (t16 + t15) * a;
        double t18 = Math.Sin(t17) + c * 0.5;
        double t19 = t18 * b + 0.25;
        double t20 = t19 * b + 0.25;
        double t21 = Math.Exp(-0.1 * t20 * t20) + c;
        double t22 = 0.5 * (t21 + t20) * b;
        double t23 = 0.5 * (t22 + t21) * b;
        double t24 = Math.Exp(-0.1 * t23 * t23) + c;
        double t25 = t24 / (1 + b * b);
        double t26 = Math.Sin(t25) + b * 0.5;
        double t27 = t26 * a + 0.25;
        double t28 = Math.Sin(t27) + b * 0.5;
        double t29 = Math.Sin(t28) + b * 0.5;
        double t30 = 0.5 * (t29 + t28) * b;
        double t31 = 0.5 * (t30 + t29) * b;
        double t32 = Math.Exp(-0.1 * t31 * t31) + c;
        double t33 = Math.Exp(-0.1 * t32 * t32) + c;
        double t34 = t33 - 0.1 * c * t32;
        double t35 = t34 / (1 + b * b);
        double t36 = t35 / (1 + a * a);
        double t37 = t36 - 0.1 * c * t35;
        double t38 = t37 * b + 0.25;
        double t39 = t38 / (1 + c * c);
        double t40 = 0.5 * (t39 + t38) * a;
        for (int i = 0; i < 3; i++) accumulator[o + i] += t40 * p[o + i];
        return t40 + t20 * t30;
    }

    /// <summary>Calls the large helper once per block of three, in a loop; the helper also accumulates into a local.</summary>
    [Differentiable]
    public static double CallsALargeHelperInALoop(double[] x)
    {
        var acc = new double[x.Length];
        double total = 0;
        for (int k = 0; k + 2 < x.Length; k += 3) total += LargeHelper(x, k, acc);
        for (int i = 0; i < acc.Length; i++) total += acc[i] * acc[i];
        return total;
    }

    /// <summary>a[i] ← a[i]·b[i].</summary>
    [Differentiable]
    public static void MultiplyInto(double[] a, double[] b)
    {
        for (int i = 0; i < a.Length; i++) a[i] = a[i] * b[i];
    }

    /// <summary>One array passed for both parameters of a (small, inlined) helper: squares x in place.</summary>
    [Differentiable]
    public static double SquareThroughAHelper(double[] x)
    {
        MultiplyInto(x, x);
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * (i + 1);
        return s;
    }

    /// <summary>The large helper with its input as its accumulator: x[o+i] += t·x[o+i] inside the callee.</summary>
    [Differentiable]
    public static double LargeHelperAccumulatingIntoItsInput(double[] x)
    {
        double total = 0;
        for (int k = 0; k + 2 < x.Length; k += 3) total += LargeHelper(x, k, x);
        for (int i = 0; i < x.Length; i++) total += x[i] * x[i];
        return total;
    }

    /// <summary>A void function whose output is an array argument: residuals of a small nonlinear system.</summary>
    [Differentiable]
    public static void Residuals(double[] p, double[] r)
    {
        for (int i = 0; i < r.Length; i++)
        {
            double t = 0.5 * i;
            r[i] = p[0] * Math.Exp(p[1] * t) + p[2] * t * t - Math.Cos(t);
        }
    }
}

public class MutationTests
{
    private static readonly double[] X = { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1 };

    [Fact]
    public void PrefixSumsOfAnInputInPlace()
    {
        var x = X;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (i > 0 ? y[i - 1] : 0) + x[i];
        var closed = x.Select((_, j) => Enumerable.Range(j, x.Length - j).Sum(k => (k + 1) * Math.Cos(y[k]))).ToArray();
        Check.Gradient(Mutation.PrefixSumInPlace, Mutation.PrefixSumInPlace_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Mutation.PrefixSumInPlace_Primal(p, g, out var r); Mutation.PrefixSumInPlace_Pullback(in r, s); return v; }, a),
            Mutation.PrefixSumInPlace_Jvp, x, closed);
    }

    [Fact]
    public void PrefixSumLeavesTheInputMutatedAsThePrimalDoes()
    {
        var x = (double[])X.Clone();
        var expected = (double[])X.Clone();
        Mutation.PrefixSumInPlace(expected);
        Mutation.PrefixSumInPlace_ValueWithGradient(x);
        LoopTests.Close(expected, x, 0, "input after the fused gradient");
    }

    [Fact]
    public void CumulativeProductsInPlace()
    {
        var x = X;
        var p = new double[x.Length];
        for (int i = 0; i < x.Length; i++) p[i] = (i > 0 ? p[i - 1] : 1) * x[i];
        var closed = x.Select((v, j) => Enumerable.Range(j, x.Length - j).Sum(k => p[k] / v)).ToArray();
        Check.Gradient(Mutation.CumulativeProductSum, Mutation.CumulativeProductSum_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.CumulativeProductSum_Primal(q, g, out var r); Mutation.CumulativeProductSum_Pullback(in r, s); return v; }, a),
            Mutation.CumulativeProductSum_Jvp, x, closed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void SmoothingThatReadsNeighboursItAlreadyOverwrote(int sweeps)
    {
        // Forward mode by hand on the same sweeps: (value, tangent) per element, one direction at a time.
        var x = X;
        var closed = new double[x.Length];
        for (int d = 0; d < x.Length; d++)
        {
            var v = (double[])x.Clone();
            var t = Check.Unit(x.Length, d);
            for (int s = 0; s < sweeps; s++)
                for (int i = 1; i < v.Length - 1; i++)
                {
                    double nt = (t[i - 1] + t[i] + t[i + 1]) / 3 + 0.1 * (t[i - 1] * v[i] + v[i - 1] * t[i]);
                    v[i] = (v[i - 1] + v[i] + v[i + 1]) / 3 + 0.1 * v[i - 1] * v[i];
                    t[i] = nt;
                }
            closed[d] = v.Zip(t, (a, b) => 2 * a * b).Sum();
        }
        Check.Gradient(v => Mutation.SmoothInPlace(v, sweeps), v => Mutation.SmoothInPlace_ValueWithGradient(v, sweeps),
            (a, s) => Check.Split((q, g) => { double v = Mutation.SmoothInPlace_Primal(q, sweeps, g, out var r); Mutation.SmoothInPlace_Pullback(in r, s); return v; }, a),
            (v, dv) => Mutation.SmoothInPlace_Jvp(v, sweeps, dv), x, closed);
    }

    [Fact]
    public void SeedAliasWithTheSumWrittenAsALoop()
    {
        var x = X;
        Check.Gradient(Mutation.SeedAliasLoop, Mutation.SeedAliasLoop_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.SeedAliasLoop_Primal(q, g, out var r); Mutation.SeedAliasLoop_Pullback(in r, s); return v; }, a),
            Mutation.SeedAliasLoop_Jvp, x, x.Select((_, i) => i == 0 ? 2.0 : 1.0).ToArray());
        Assert.Equal(x.Sum() + x[0], Mutation.SeedAliasLoop((double[])x.Clone()), 14);
    }

    [Fact]
    public void WriteThroughOneNameReadThroughTheOther()
    {
        var x = new[] { 0.5, -1.25, 2.0 };
        double p = x[0] * x[1];
        var closed = new[] { x[1] * (2 * p + x[2]), x[0] * (2 * p + x[2]), p + 1 };
        Check.Gradient(Mutation.AliasWriteReadOther, Mutation.AliasWriteReadOther_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.AliasWriteReadOther_Primal(q, g, out var r); Mutation.AliasWriteReadOther_Pullback(in r, s); return v; }, a),
            Mutation.AliasWriteReadOther_Jvp, x, closed);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AliasChosenAtRunTime(bool useX)
    {
        var x = new[] { 0.5, -1.25, 2.0 };
        var o = new[] { 0.3, 0.7, -0.4 };
        var closed = useX ? Flat.Concat(x.Select(v => 2 * v).ToArray(), new[] { 2.0, 2, 2 }) : Flat.Concat(new[] { 1.0, 1, 1 }, o.Select(v => 4 * v).ToArray());
        Check.Gradient(v => Mutation.AliasChosenAtRunTime(v[..3], v[3..], useX),
            v => { var (f, (dx, dother)) = Mutation.AliasChosenAtRunTime_ValueWithGradient(v[..3], v[3..], useX); return (f, Flat.Concat(dx, dother)); },
            (v, s) =>
            {
                var dx = new double[3];
                var dother = new double[3];
                double f = Mutation.AliasChosenAtRunTime_Primal(v[..3], v[3..], useX, dx, dother, out var r);
                Mutation.AliasChosenAtRunTime_Pullback(in r, s);
                return (f, Flat.Concat(dx, dother));
            },
            (v, dv) => Mutation.AliasChosenAtRunTime_Jvp(v[..3], v[3..], useX, dv[..3], dv[3..]), Flat.Concat(x, o), closed);
    }

    /// <summary>
    /// f(a, b) called as f(x, x): every form is called with one array (and one shadow or tangent array) for both
    /// parameters, and must give the gradient of g(x) = f(x, x), checked against central differences of g.
    /// </summary>
    private static void CheckSameArrayTwice(
        Func<double[], double[], double> f,
        Func<double[], double[], (double Value, (double[], double[]) Gradient)> fused,
        Func<double[], double[], double[], double, double> primalPullbackShared,
        Func<double[], double[], double[], double[], (double Value, double Tangent)> jvp,
        double[] x, double[] closed)
    {
        var y = Check.Copy(x);
        var (value, (da, db)) = fused(y, y);
        var z = Check.Copy(x);
        Assert.Equal(f(z, z), value);
        Assert.Same(da, db); // one array, one shadow: its gradient is shared
        Check.Gradient(v => f(v, v),
            v => { var (fv, (ga, gb)) = fused(v, v); Assert.Same(ga, gb); return (fv, ga); },
            (v, s) => { var g = new double[v.Length]; double fv = primalPullbackShared(v, g, g, s); return (fv, g); },
            (v, dv) => jvp(v, v, dv, dv), x, closed);
    }

    [Fact]
    public void SameArrayPassedTwiceOnlyRead()
    {
        var x = X;
        int n = x.Length;
        CheckSameArrayTwice(Mutation.ReversedDot, Mutation.ReversedDot_ValueWithGradient,
            (v, ga, gb, s) => { double f = Mutation.ReversedDot_Primal(v, v, ga, gb, out var r); Mutation.ReversedDot_Pullback(in r, s); return f; },
            Mutation.ReversedDot_Jvp, x, x.Select((_, i) => 2 * x[n - 1 - i]).ToArray());
    }

    [Fact]
    public void SameArrayPassedTwiceWrittenThroughOneReadThroughTheOther()
    {
        var x = X;
        // Aliased: b[i] is the written a[i] = x_i² + 1, so f = Σ (x_i² + 1)(i + 1).
        CheckSameArrayTwice(Mutation.WriteOneReadOther, Mutation.WriteOneReadOther_ValueWithGradient,
            (v, ga, gb, s) => { double f = Mutation.WriteOneReadOther_Primal(v, v, ga, gb, out var r); Mutation.WriteOneReadOther_Pullback(in r, s); return f; },
            Mutation.WriteOneReadOther_Jvp, x, x.Select((v, i) => 2 * v * (i + 1)).ToArray());
    }

    [Fact]
    public void DistinctArraysForTheSameParametersGiveTheUnaliasedGradient()
    {
        var a = (double[])X.Clone();
        var b = (double[])X.Clone();
        var (value, (da, db)) = Mutation.WriteOneReadOther_ValueWithGradient(a, b);
        Assert.Equal(X.Select((v, i) => v * (i + 1)).Sum(), value, 13);
        LoopTests.Close(new double[X.Length], da, 0, "a is overwritten and never read");
        LoopTests.Close(X.Select((_, i) => i + 1.0).ToArray(), db, 1e-15, "b");
    }

    [Fact]
    public void SameArrayPassedTwiceReadingElementsWrittenThroughTheOtherName()
    {
        var x = X;
        CheckSameArrayTwice(Mutation.CrossWrite, Mutation.CrossWrite_ValueWithGradient,
            (v, ga, gb, s) => { double f = Mutation.CrossWrite_Primal(v, v, ga, gb, out var r); Mutation.CrossWrite_Pullback(in r, s); return f; },
            Mutation.CrossWrite_Jvp, x, CrossWriteAliasedGradient(x));
    }

    /// <summary>The gradient of CrossWrite(x, x) by forward mode written out by hand.</summary>
    private static double[] CrossWriteAliasedGradient(double[] x)
    {
        int n = x.Length;
        var g = new double[n];
        for (int d = 0; d < n; d++)
        {
            var v = (double[])x.Clone();
            var t = Check.Unit(n, d);
            for (int i = 0; i < n; i++)
            {
                double nt = t[i] + Math.Cos(v[n - 1 - i]) * t[n - 1 - i];
                v[i] = v[i] + Math.Sin(v[n - 1 - i]);
                t[i] = nt;
            }
            for (int i = 0; i < n; i++) g[d] += 2 * v[i] * t[i] + t[i];
        }
        return g;
    }

    [Fact]
    public void VoidHelperWritingIntoALocalAtOffsets()
    {
        var x = X;
        double alpha = 0.7;
        int half = 3;
        var closed = new double[7];
        for (int i = 0; i < half; i++)
        {
            double y = alpha * x[i] + alpha * alpha * x[half + i];
            double dy = Math.Sin(y) + y * Math.Cos(y);
            closed[i] = dy * alpha;
            closed[half + i] = dy * alpha * alpha;
            closed[6] += dy * (x[i] + 2 * alpha * x[half + i]);
        }
        Check.Gradient(v => Mutation.BlockCombination(v[..6], v[6]),
            v => { var (f, (dx, da)) = Mutation.BlockCombination_ValueWithGradient(v[..6], v[6]); return (f, Flat.Concat(dx, new[] { da })); },
            (v, s) => { var dx = new double[6]; double f = Mutation.BlockCombination_Primal(v[..6], v[6], dx, out var r); double da = Mutation.BlockCombination_Pullback(in r, s); return (f, Flat.Concat(dx, new[] { da })); },
            (v, dv) => Mutation.BlockCombination_Jvp(v[..6], v[6], dv[..6], dv[6]), Flat.Concat(x, new[] { alpha }), closed);
    }

    [Fact]
    public void VoidHelpersMutatingTheCallersInput()
    {
        var x = X;
        double c = 1.3;
        double ss = x.Sum(v => v * v);
        var closed = Flat.Concat(x.Select(v => 2 * Math.Pow(c, 4) * v).ToArray(), new[] { 4 * c * c * c * ss });
        Check.Gradient(v => Mutation.ScaleTwiceThenSumSquares(v[..6], v[6]),
            v => { var (f, (dx, dc)) = Mutation.ScaleTwiceThenSumSquares_ValueWithGradient(v[..6], v[6]); return (f, Flat.Concat(dx, new[] { dc })); },
            (v, s) => { var dx = new double[6]; double f = Mutation.ScaleTwiceThenSumSquares_Primal(v[..6], v[6], dx, out var r); double dc = Mutation.ScaleTwiceThenSumSquares_Pullback(in r, s); return (f, Flat.Concat(dx, new[] { dc })); },
            (v, dv) => Mutation.ScaleTwiceThenSumSquares_Jvp(v[..6], v[6], dv[..6], dv[6]), Flat.Concat(x, new[] { c }), closed, closedFormTolerance: 1e-13);
    }

    [Fact]
    public void NormalizeInPlaceThenDotWithData()
    {
        var x = X;
        var w = new[] { 1.0, 0.5, -2.0, 0.25, 3.0, -1.0 };
        double norm = Math.Sqrt(x.Sum(v => v * v));
        var u = x.Select(v => v / norm).ToArray();
        double uw = u.Zip(w, (a, b) => a * b).Sum();
        var closed = w.Select((wi, i) => (wi - uw * u[i]) / norm).ToArray();
        Check.Gradient(v => Mutation.NormalizedDot(v, w), v => Mutation.NormalizedDot_ValueWithGradient(v, w),
            (a, s) => Check.Split((q, g) => { double v = Mutation.NormalizedDot_Primal(q, w, g, out var r); Mutation.NormalizedDot_Pullback(in r, s); return v; }, a),
            (v, dv) => Mutation.NormalizedDot_Jvp(v, w, dv), x, closed);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void SwapsThroughATemporary(int n)
    {
        var x = X.Take(n).ToArray();
        var closed = x.Select((v, i) => 2 * (n - i) * v).ToArray();
        Check.Gradient(Mutation.ReverseInPlace, Mutation.ReverseInPlace_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.ReverseInPlace_Primal(q, g, out var r); Mutation.ReverseInPlace_Pullback(in r, s); return v; }, a),
            Mutation.ReverseInPlace_Jvp, x, closed);
    }

    [Fact]
    public void InsertionSortInPlace()
    {
        var x = X;
        var order = x.Select((v, i) => (v, i)).OrderBy(p => p.v).Select(p => p.i).ToArray();
        var closed = new double[x.Length];
        for (int rank = 0; rank < order.Length; rank++) closed[order[rank]] = rank + 1;
        Check.Gradient(Mutation.SortThenWeight, Mutation.SortThenWeight_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.SortThenWeight_Primal(q, g, out var r); Mutation.SortThenWeight_Pullback(in r, s); return v; }, a),
            Mutation.SortThenWeight_Jvp, x, closed);
    }

    [Fact]
    public void CopyIntoALocalIsNotAnAlias()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75 };
        double p = x.Aggregate(1.0, (a, b) => a * b);
        var closed = x.Select((v, i) => p / v + (i == 0 ? x[3] : 0) + (i == 3 ? x[0] : 0)).ToArray();
        Check.Gradient(Mutation.CopyThenMutate, Mutation.CopyThenMutate_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.CopyThenMutate_Primal(q, g, out var r); Mutation.CopyThenMutate_Pullback(in r, s); return v; }, a),
            Mutation.CopyThenMutate_Jvp, x, closed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ElementsOverwrittenRepeatedly(int k)
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75 };
        Check.Gradient(v => Mutation.IteratedInPlace(v, k), v => Mutation.IteratedInPlace_ValueWithGradient(v, k),
            (a, s) => Check.Split((q, g) => { double v = Mutation.IteratedInPlace_Primal(q, k, g, out var r); Mutation.IteratedInPlace_Pullback(in r, s); return v; }, a),
            (v, dv) => Mutation.IteratedInPlace_Jvp(v, k, dv), x);
    }

    [Fact]
    public void LargeHelperCalledInALoopThroughItsPrimalAndPullback()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1, 0.2 }; // the seventh element is never used
        Check.Gradient(Mutation.CallsALargeHelperInALoop, Mutation.CallsALargeHelperInALoop_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.CallsALargeHelperInALoop_Primal(q, g, out var r); Mutation.CallsALargeHelperInALoop_Pullback(in r, s); return v; }, a),
            Mutation.CallsALargeHelperInALoop_Jvp, x);
    }

    [Fact]
    public void OneArrayForBothParametersOfAnInlinedHelper()
    {
        var x = X;
        Check.Gradient(Mutation.SquareThroughAHelper, Mutation.SquareThroughAHelper_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.SquareThroughAHelper_Primal(q, g, out var r); Mutation.SquareThroughAHelper_Pullback(in r, s); return v; }, a),
            Mutation.SquareThroughAHelper_Jvp, x, x.Select((v, i) => 2 * v * (i + 1)).ToArray());
    }

    [Fact]
    public void OneArrayForTheInputAndTheAccumulatorOfALargeHelper()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1, 0.2 };
        Check.Gradient(Mutation.LargeHelperAccumulatingIntoItsInput, Mutation.LargeHelperAccumulatingIntoItsInput_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Mutation.LargeHelperAccumulatingIntoItsInput_Primal(q, g, out var r); Mutation.LargeHelperAccumulatingIntoItsInput_Pullback(in r, s); return v; }, a),
            Mutation.LargeHelperAccumulatingIntoItsInput_Jvp, x);
    }

    [Fact]
    public void VoidFunctionWhoseOutputIsAnArrayArgument()
    {
        // r = Residuals(p): a function R³ → R⁵ through its output argument; the JVP writes the output's
        // tangent into dr, the pullback reads the output's cotangent from dr and accumulates dp.
        var p = new[] { 0.8, -0.3, 0.2 };
        const int m = 5;
        var closed = new double[m, 3];
        for (int i = 0; i < m; i++)
        {
            double t = 0.5 * i;
            closed[i, 0] = Math.Exp(p[1] * t);
            closed[i, 1] = p[0] * t * Math.Exp(p[1] * t);
            closed[i, 2] = t * t;
        }
        Check.Jacobian(q => { var r = new double[m]; Mutation.Residuals(q, r); return r; },
            (q, dq) => { var r = new double[m]; var dr = new double[m]; Mutation.Residuals_Jvp(q, r, dq, dr); return (r, dr); },
            (q, ct) => { var r = new double[m]; var dq = new double[3]; var dr = Check.Copy(ct); Mutation.Residuals_Primal(q, r, dq, dr, out var res); Mutation.Residuals_Pullback(in res); return (r, dq); },
            (q, ct) =>
            {
                // The cotangent is put in after the primal, and the output array holds garbage on entry: the function overwrites it.
                var r = Enumerable.Repeat(123.0, m).ToArray();
                var dq = new double[3];
                var dr = new double[m];
                Mutation.Residuals_Primal(q, r, dq, dr, out var res);
                ct.CopyTo(dr);
                Mutation.Residuals_Pullback(in res);
                // r is overwritten, so the cotangent of its initial value is zero.
                LoopTests.Close(new double[m], dr, 0, "cotangent of the output argument's initial value");
                return (r, dq);
            },
            p, closed);
    }
}
