// Reverse mode over loops that read and update arrays, where the generator takes three shortcuts (issue 3,
// GMM): a load that does not change across an inner loop is moved out of it (speculated: it may now run where
// the loop runs no iteration, even out of range), an update a[j] += e leaves the shadow in place instead of
// zeroing and re-adding it, and the exit count of a counted loop is computed instead of taped. Each function
// below is built to break one of them if it were applied where it must not be.
using System;
using System.Linq;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class LoopMemory
{
    /// <summary>
    /// x[i] is invariant in the j loop and moved out of it; for i = n − 1 the j loop runs no iteration and for
    /// i = n the moved load is out of range (x has n elements): it must read a default, not throw.
    /// </summary>
    [Differentiable]
    public static double TriangleOfProducts(double[] x)
    {
        int n = x.Length;
        double s = 0;
        for (int i = 0; i <= n; i++)
            for (int j = i + 1; j < n; j++)
                s += x[i] * x[j] * (j - i);
        return s;
    }

    /// <summary>
    /// The inner loop writes b while reading a[i]: when a and b are one array (an aliased call), a[i] changes
    /// inside the loop (j = i), so the load must stay in it.
    /// </summary>
    [Differentiable]
    public static double UpdateThroughAnotherName(double[] a, double[] b)
    {
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++)
                b[j] += 0.25 * a[i] * Math.Sin(b[j]);
        double s = 0;
        for (int j = 0; j < b.Length; j++) s += b[j] * b[j];
        return s;
    }

    [Differentiable]
    public static double Aliased(double[] x) => UpdateThroughAnotherName(x, x);

    /// <summary>Updates in place of every shape: a[j] += e, a[j] -= e, a[j] = e + a[j], and a[j] = a[j] + a[j]·c (not an accumulation: the load has two uses).</summary>
    [Differentiable]
    public static double Accumulations(double[] x, double c)
    {
        int n = x.Length;
        var a = new double[n];
        for (int j = 0; j < n; j++) a[j] = x[j];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[j] += c * x[i] * x[j];
                a[j] -= 0.5 * Math.Cos(x[i] - a[j]);
                a[j] = x[i] * 0.1 + a[j];
            }
            a[i] = a[i] + a[i] * c;
        }
        double s = 0;
        for (int j = 0; j < n; j++) s += a[j] * (j + 1);
        return s;
    }

    /// <summary>
    /// Counted loops whose exit counts are computed: a start past the bound (no iteration), a second induction
    /// variable of step 3, and a loop left by break (not counted: its exit is taped).
    /// </summary>
    [Differentiable]
    public static double CountedExits(double[] x, int start)
    {
        double s = 0;
        int n = x.Length;
        for (int i = 0; i < n; i++)
        {
            int k = i;
            for (int j = start + i; j < n; j++)
            {
                s += x[j] * x[(k % n)] * 0.5;
                k += 3;
            }
            s += k * x[i];
            for (int j = 0; j < n; j++)
            {
                if (x[j] * (i + 1) > 2.6) break;
                s += Math.Exp(-x[j] * x[i]);
            }
        }
        return s;
    }
}

public class LoopMemoryTests
{
    private static readonly double[] X = { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1 };

    [Fact]
    public void LoadMovedOutOfAnEmptyLoopReadsNothingOutOfRange()
    {
        var x = X;
        int n = x.Length;
        // ∂/∂x_m of Σ_{i<j} x_i x_j (j − i) = Σ_{j≠m} x_j |j − m|.
        var closed = Enumerable.Range(0, n).Select(m => Enumerable.Range(0, n).Where(j => j != m).Sum(j => x[j] * Math.Abs(j - m))).ToArray();
        Check.Gradient(LoopMemory.TriangleOfProducts, LoopMemory.TriangleOfProducts_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = LoopMemory.TriangleOfProducts_Primal(p, g, out var r); LoopMemory.TriangleOfProducts_Pullback(in r, s); return v; }, a),
            LoopMemory.TriangleOfProducts_Jvp, x, closed);
    }

    [Fact]
    public void LoadOfAnArrayTheLoopWritesThroughAnotherNameStaysInTheLoop()
    {
        Check.Gradient(LoopMemory.Aliased, LoopMemory.Aliased_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = LoopMemory.Aliased_Primal(p, g, out var r); LoopMemory.Aliased_Pullback(in r, s); return v; }, a),
            LoopMemory.Aliased_Jvp, X);
        // Not aliased: two arrays, the flat vector is a then b.
        var ab = X.Concat(new[] { 0.3, -0.7, 1.9 }).ToArray();
        double F(double[] v) => LoopMemory.UpdateThroughAnotherName(v[..6], v[6..]);
        Check.Gradient(F,
            v => { var (value, (ga, gb)) = LoopMemory.UpdateThroughAnotherName_ValueWithGradient(v[..6], v[6..]); return (value, ga.Concat(gb).ToArray()); },
            (v, s) =>
            {
                var (a, b) = (v[..6], v[6..]);
                var (ga, gb) = (new double[6], new double[3]);
                double value = LoopMemory.UpdateThroughAnotherName_Primal(a, b, ga, gb, out var r);
                LoopMemory.UpdateThroughAnotherName_Pullback(in r, s);
                return (value, ga.Concat(gb).ToArray());
            },
            (v, d) => LoopMemory.UpdateThroughAnotherName_Jvp(v[..6], v[6..], d[..6], d[6..]),
            ab);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-1.1)]
    public void UpdatesInPlaceOfEveryShape(double c)
    {
        var xc = X.Append(c).ToArray();
        double F(double[] v) => LoopMemory.Accumulations(v[..^1], v[^1]);
        Check.Gradient(F,
            v => { var (value, (gx, gc)) = LoopMemory.Accumulations_ValueWithGradient(v[..^1], v[^1]); return (value, gx.Append(gc).ToArray()); },
            (v, s) =>
            {
                var gx = new double[v.Length - 1];
                double value = LoopMemory.Accumulations_Primal(v[..^1], v[^1], gx, out var r);
                double gc = LoopMemory.Accumulations_Pullback(in r, s);
                return (value, gx.Append(gc).ToArray());
            },
            (v, d) => LoopMemory.Accumulations_Jvp(v[..^1], v[^1], d[..^1], d[^1]),
            xc);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(9)]
    public void CountedLoopExitsComputedNotTaped(int start)
    {
        Check.Gradient(v => LoopMemory.CountedExits(v, start), v => LoopMemory.CountedExits_ValueWithGradient(v, start),
            (a, s) => Check.Split((p, g) => { double v = LoopMemory.CountedExits_Primal(p, start, g, out var r); LoopMemory.CountedExits_Pullback(in r, s); return v; }, a),
            (v, d) => LoopMemory.CountedExits_Jvp(v, start, d), X);
    }
}

public static partial class LoopMemorySpans
{
    /// <summary>x[i] of a span moved out of the empty inner loop (i = n reads past the end): the span form of TriangleOfProducts.</summary>
    [Differentiable]
    public static double TriangleOfSpan(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        double s = 0;
        for (int i = 0; i <= n; i++)
            for (int j = i + 1; j < n; j++)
                s += x[i] * x[j] * (j - i);
        return s;
    }

    [Differentiable]
    public static double TriangleOfSlice(double[] x) => TriangleOfSpan(x.AsSpan(1, x.Length - 1));
}

public class LoopMemorySpanTests
{
    [Fact]
    public void SpanLoadMovedOutOfAnEmptyLoop()
    {
        var x = new[] { 9.0, 0.5, -1.25, 2.0, 0.75 };
        var inner = x[1..];
        var closed = new double[x.Length];
        for (int m = 0; m < inner.Length; m++)
            for (int j = 0; j < inner.Length; j++)
                if (j != m) closed[m + 1] += inner[j] * Math.Abs(j - m);
        var (value, g) = LoopMemorySpans.TriangleOfSlice_ValueWithGradient(x);
        Assert.Equal(LoopMemorySpans.TriangleOfSlice(x), value);
        LoopTests.Close(closed, g, 1e-12, "gradient of a span function through a slice");
        var (_, tangent) = LoopMemorySpans.TriangleOfSpan_Jvp(inner, new[] { 1.0, 0, 0, 0 });
        Assert.Equal(closed[1], tangent, 12);
    }
}
