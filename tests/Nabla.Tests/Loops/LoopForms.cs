// Every loop form as people write it: while, do, foreach, for counting down or by strides, nested loops
// with break and continue, return from inside a loop, loop-carried locals, trip counts known only at run
// time or decided by the input (Newton, fixed-point iteration, series until the terms vanish).
using System;
using System.Linq;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class LoopForms
{
    [Differentiable]
    public static double WhileWeightedSines(double[] x)
    {
        double s = 0;
        int i = 0;
        while (i < x.Length)
        {
            s += (i + 1) * Math.Sin(x[i]);
            i++;
        }
        return s;
    }

    /// <summary>√a by Newton's method: the number of iterations depends on a.</summary>
    [Differentiable]
    public static double NewtonSqrt(double a)
    {
        double x = a > 1 ? a : 1;
        int iterations = 0;
        while (Math.Abs(x * x - a) > 1e-15 * a && iterations < 100)
        {
            x = 0.5 * (x + a / x);
            iterations++;
        }
        return x;
    }

    /// <summary>The same iteration, counting its steps (not differentiated): shows the trip count varies.</summary>
    public static int NewtonSqrtIterations(double a)
    {
        double x = a > 1 ? a : 1;
        int iterations = 0;
        while (Math.Abs(x * x - a) > 1e-15 * a && iterations < 100)
        {
            x = 0.5 * (x + a / x);
            iterations++;
        }
        return iterations;
    }

    /// <summary>A do loop runs its body at least once: x^max(n, 1).</summary>
    [Differentiable]
    public static double DoWhilePower(double x, int n)
    {
        double p = 1;
        int k = 0;
        do
        {
            p *= x;
            k++;
        } while (k < n);
        return p;
    }

    /// <summary>A do loop whose trip count depends on the input: grow until past 10.</summary>
    [Differentiable]
    public static double DoWhileGrowth(double x)
    {
        double y = x;
        int k = 0;
        do
        {
            y = 1.5 * y + 0.1 * y * y;
            k++;
        } while (y < 10 && k < 100);
        return y + k;
    }

    /// <summary>Horner's rule over foreach: a loop-carried local and a scalar input used in every iteration.</summary>
    [Differentiable]
    public static double HornerForeach(double[] c, double t)
    {
        double p = 0;
        foreach (double ck in c) p = p * t + ck;
        return p;
    }

    /// <summary>Horner's rule counting down: c[0] + t·(c[1] + t·(…)).</summary>
    [Differentiable]
    public static double HornerBackward(double[] c, double t)
    {
        double p = 0;
        for (int k = c.Length - 1; k >= 0; k--) p = p * t + c[k];
        return p;
    }

    /// <summary>Nested loops left together through a flag and two breaks.</summary>
    [Differentiable]
    public static double NestedBreakOuter(double[] x, double limit)
    {
        double s = 0;
        bool done = false;
        for (int i = 0; i < x.Length; i++)
        {
            for (int j = i; j < x.Length; j++)
            {
                double p = x[i] * x[j];
                if (p > limit)
                {
                    done = true;
                    break;
                }
                s += p;
            }
            if (done) break;
        }
        return s * limit;
    }

    /// <summary>continue in the outer loop (on the data) and in the inner loop (on the indices).</summary>
    [Differentiable]
    public static double NestedContinue(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < 0) continue;
            for (int j = 0; j < x.Length; j++)
            {
                if (i == j) continue;
                s += Math.Sqrt(x[i]) * Math.Cos(x[j]);
            }
        }
        return s;
    }

    /// <summary>return from inside a loop, with a loop-carried value, or after it.</summary>
    [Differentiable]
    public static double ReturnWhenAbove(double[] x, double limit)
    {
        double acc = 0;
        for (int i = 0; i < x.Length; i++)
        {
            acc += x[i] * x[i];
            if (acc > limit) return acc * x[i];
        }
        return -acc;
    }

    /// <summary>return from the inner loop of two, over a jagged array.</summary>
    [Differentiable]
    public static double FirstAbove(double[][] m, double limit)
    {
        for (int i = 0; i < m.Length; i++)
            for (int j = 0; j < m[i].Length; j++)
                if (m[i][j] * (i + 1) > limit) return Math.Exp(m[i][j]) * limit;
        return limit * limit;
    }

    /// <summary>Two loop-carried locals swapped each iteration, trip count a run-time argument.</summary>
    [Differentiable]
    public static double LinearRecurrence(double x, int n)
    {
        double a = 1, b = x;
        for (int k = 0; k < n; k++)
        {
            double next = a + x * b;
            a = b;
            b = next;
        }
        return b;
    }

    /// <summary>Start and stride known only at run time.</summary>
    [Differentiable]
    public static double StridedCubes(double[] x, int start, int step)
    {
        double s = 0;
        for (int i = start; i < x.Length; i += step) s += x[i] * x[i] * x[i];
        return s;
    }

    /// <summary>exp x by its series, while(true) until the terms no longer change the sum.</summary>
    [Differentiable]
    public static double ExpSeries(double x)
    {
        double term = 1, s = 1;
        int k = 1;
        while (true)
        {
            term *= x / k;
            s += term;
            if (Math.Abs(term) < 1e-17 * Math.Abs(s)) break;
            k++;
        }
        return s;
    }

    /// <summary>The seed's "for i in 0..&lt;10: if x[i] &gt; 0 …", with statements and a constant trip count.</summary>
    [Differentiable]
    public static double SeedBranchInLoopTen(double[] x)
    {
        double y = 0;
        for (int i = 0; i < 10; i++)
        {
            if (x[i] > 0) y += x[i] * x[i];
            else y -= Math.Sin(x[i]) * i;
        }
        return y;
    }

    [Differentiable]
    public static double SkipNonPositive(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] <= 0) continue;
            s += Math.Sqrt(x[i]) * (i + 1);
        }
        return s;
    }

    /// <summary>An inner loop bounded by the outer index.</summary>
    [Differentiable]
    public static double TriangularPairs(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
            for (int j = 0; j < i; j++)
                s += x[i] * x[j] / (1 + (i - j));
        return s;
    }

    /// <summary>Kepler's equation E = M + e·sin E by fixed-point iteration: the trip count depends on both inputs.</summary>
    [Differentiable]
    public static double KeplerFixedPoint(double meanAnomaly, double eccentricity)
    {
        double e = meanAnomaly;
        double change = 1;
        int iterations = 0;
        while (change > 1e-15 && iterations < 500)
        {
            double next = meanAnomaly + eccentricity * Math.Sin(e);
            change = Math.Abs(next - e);
            e = next;
            iterations++;
        }
        return e;
    }

    /// <summary>A while loop inside a for loop, its trip count decided by each element.</summary>
    [Differentiable]
    public static double HalveUntilBelowOne(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            int k = 0;
            while (v > 1)
            {
                v *= 0.5;
                k++;
            }
            s += v * v + k;
        }
        return s;
    }

    /// <summary>continue in a do loop jumps to the condition.</summary>
    [Differentiable]
    public static double DoWhileWithContinue(double[] x)
    {
        double s = 0;
        int i = -1;
        do
        {
            i++;
            if (x[i] < 0) continue;
            s += Math.Log(1 + x[i]) * (i + 1);
        } while (i + 1 < x.Length);
        return s;
    }

    /// <summary>break out of a foreach once a running product passes a bound.</summary>
    [Differentiable]
    public static double ForeachWithBreak(double[] x, double bound)
    {
        double p = 1;
        foreach (double v in x)
        {
            if (p * v > bound) break;
            p *= v;
        }
        return p + bound * 0.5;
    }

    /// <summary>foreach over the rows of a jagged array, foreach over each row.</summary>
    [Differentiable]
    public static double RowNormsForeach(double[][] m)
    {
        double total = 0;
        foreach (double[] row in m)
        {
            double s = 0;
            foreach (double v in row) s += v * v;
            total += Math.Sqrt(s);
        }
        return total;
    }
}

public class LoopFormTests
{
    private static readonly double[] X = { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1 };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    public void WhileLoopOverAnArray(int n)
    {
        var x = X.Take(n).ToArray();
        Check.Gradient(LoopForms.WhileWeightedSines, LoopForms.WhileWeightedSines_ValueWithGradient,
            (a, s) => { var g = new double[a.Length]; double v = LoopForms.WhileWeightedSines_Primal(a, g, out var r); LoopForms.WhileWeightedSines_Pullback(in r, s); return (v, g); },
            LoopForms.WhileWeightedSines_Jvp, x, x.Select((v, i) => (i + 1) * Math.Cos(v)).ToArray());
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(2.0)]
    [InlineData(10000.0)]
    public void NewtonSqrtWithAnInputDependentTripCount(double a)
    {
        var g = Check.Gradient(x => LoopForms.NewtonSqrt(x[0]), x => { var (v, d) = LoopForms.NewtonSqrt_ValueWithGradient(x[0]); return (v, new[] { d }); },
            (x, s) => { double v = LoopForms.NewtonSqrt_Primal(x[0], out var r); return (v, new[] { LoopForms.NewtonSqrt_Pullback(in r, s) }); },
            (x, dx) => LoopForms.NewtonSqrt_Jvp(x[0], dx[0]), new[] { a },
            // The derivative of the iterations converges (quadratically) to the derivative of √a.
            new[] { 0.5 / Math.Sqrt(a) }, closedFormTolerance: 1e-12);
        Assert.Equal(Math.Sqrt(a), LoopForms.NewtonSqrt(a), 12);
        Assert.True(g[0] > 0);
    }

    [Fact]
    public void NewtonSqrtRunsADifferentNumberOfIterationsPerInput()
    {
        var counts = new[] { 0.25, 2.0, 10000.0 }.Select(LoopForms.NewtonSqrtIterations).Distinct().Count();
        Assert.Equal(3, counts);
    }

    [Theory]
    [InlineData(1.3, 0)]
    [InlineData(1.3, 1)]
    [InlineData(-0.7, 4)]
    public void DoWhileRunsAtLeastOnce(double x, int n)
    {
        int runs = Math.Max(n, 1);
        Check.Gradient(v => LoopForms.DoWhilePower(v[0], n), v => { var (f, d) = LoopForms.DoWhilePower_ValueWithGradient(v[0], n); return (f, new[] { d }); },
            (v, s) => { double f = LoopForms.DoWhilePower_Primal(v[0], n, out var r); return (f, new[] { LoopForms.DoWhilePower_Pullback(in r, s) }); },
            (v, dv) => LoopForms.DoWhilePower_Jvp(v[0], n, dv[0]), new[] { x }, new[] { runs * Math.Pow(x, runs - 1) });
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.0)]
    [InlineData(12.0)]
    public void DoWhileWithAnInputDependentTripCount(double x)
    {
        // Replay the iterations: the derivative is the product of the steps' derivatives 1.5 + 0.2·y.
        double y = x, dy = 1;
        do
        {
            dy *= 1.5 + 0.2 * y;
            y = 1.5 * y + 0.1 * y * y;
        } while (y < 10);
        Check.Gradient(v => LoopForms.DoWhileGrowth(v[0]), v => { var (f, d) = LoopForms.DoWhileGrowth_ValueWithGradient(v[0]); return (f, new[] { d }); },
            (v, s) => { double f = LoopForms.DoWhileGrowth_Primal(v[0], out var r); return (f, new[] { LoopForms.DoWhileGrowth_Pullback(in r, s) }); },
            (v, dv) => LoopForms.DoWhileGrowth_Jvp(v[0], dv[0]), new[] { x }, new[] { dy });
    }

    private static double[] HornerClosedForm(double[] c, double t, bool highestFirst)
    {
        int n = c.Length;
        var g = new double[n + 1];
        for (int k = 0; k < n; k++)
        {
            int power = highestFirst ? n - 1 - k : k;
            g[k] = Math.Pow(t, power);
            if (power > 0) g[n] += c[k] * power * Math.Pow(t, power - 1);
        }
        return g;
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-1.3)]
    public void HornerOverForeach(double t)
    {
        var c = new[] { 2.0, -1.0, 0.5, 3.0, -0.25 };
        Check.Gradient(x => LoopForms.HornerForeach(x[..^1], x[^1]),
            x => { var (v, (dc, dt)) = LoopForms.HornerForeach_ValueWithGradient(x[..^1], x[^1]); return (v, Flat.Concat(dc, new[] { dt })); },
            (x, s) =>
            {
                var dc = new double[x.Length - 1];
                double v = LoopForms.HornerForeach_Primal(x[..^1], x[^1], dc, out var r);
                double dt = LoopForms.HornerForeach_Pullback(in r, s);
                return (v, Flat.Concat(dc, new[] { dt }));
            },
            (x, dx) => LoopForms.HornerForeach_Jvp(x[..^1], x[^1], dx[..^1], dx[^1]),
            Flat.Concat(c, new[] { t }), HornerClosedForm(c, t, highestFirst: true), closedFormTolerance: 1e-12);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-1.3)]
    public void ForLoopCountingDown(double t)
    {
        var c = new[] { 2.0, -1.0, 0.5, 3.0, -0.25 };
        Check.Gradient(x => LoopForms.HornerBackward(x[..^1], x[^1]),
            x => { var (v, (dc, dt)) = LoopForms.HornerBackward_ValueWithGradient(x[..^1], x[^1]); return (v, Flat.Concat(dc, new[] { dt })); },
            (x, s) =>
            {
                var dc = new double[x.Length - 1];
                double v = LoopForms.HornerBackward_Primal(x[..^1], x[^1], dc, out var r);
                double dt = LoopForms.HornerBackward_Pullback(in r, s);
                return (v, Flat.Concat(dc, new[] { dt }));
            },
            (x, dx) => LoopForms.HornerBackward_Jvp(x[..^1], x[^1], dx[..^1], dx[^1]),
            Flat.Concat(c, new[] { t }), HornerClosedForm(c, t, highestFirst: false));
    }

    [Theory]
    [InlineData(100.0)] // no break
    [InlineData(2.2)]   // breaks out of both loops in the middle (1.25·2 > 2.2)
    [InlineData(0.1)]   // breaks at once
    public void NestedLoopsWithBreakOutOfBoth(double limit)
    {
        var x = new[] { 0.5, 1.25, 2.0, 0.75, 1.6 };
        Check.Gradient(v => LoopForms.NestedBreakOuter(v[..^1], v[^1]),
            v => { var (f, (dx, dl)) = LoopForms.NestedBreakOuter_ValueWithGradient(v[..^1], v[^1]); return (f, Flat.Concat(dx, new[] { dl })); },
            (v, s) =>
            {
                var dx = new double[v.Length - 1];
                double f = LoopForms.NestedBreakOuter_Primal(v[..^1], v[^1], dx, out var r);
                double dl = LoopForms.NestedBreakOuter_Pullback(in r, s);
                return (f, Flat.Concat(dx, new[] { dl }));
            },
            (v, dv) => LoopForms.NestedBreakOuter_Jvp(v[..^1], v[^1], dv[..^1], dv[^1]), Flat.Concat(x, new[] { limit }));
    }

    [Fact]
    public void NestedLoopsWithContinue()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1 };
        var closed = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < 0) continue;
            for (int j = 0; j < x.Length; j++)
            {
                if (i == j) continue;
                closed[i] += Math.Cos(x[j]) / (2 * Math.Sqrt(x[i]));
                closed[j] -= Math.Sqrt(x[i]) * Math.Sin(x[j]);
            }
        }
        Check.Gradient(LoopForms.NestedContinue, LoopForms.NestedContinue_ValueWithGradient,
            (a, s) => { var g = new double[a.Length]; double v = LoopForms.NestedContinue_Primal(a, g, out var r); LoopForms.NestedContinue_Pullback(in r, s); return (v, g); },
            LoopForms.NestedContinue_Jvp, x, closed);
    }

    [Theory]
    [InlineData(0.5)]  // returns in the first iteration
    [InlineData(4.5)]  // returns in the third
    [InlineData(50.0)] // runs to the end and returns after the loop
    public void ReturnFromInsideALoop(double limit)
    {
        var x = new[] { 0.8, -1.25, 2.0, 0.75 };
        Check.Gradient(v => LoopForms.ReturnWhenAbove(v[..^1], v[^1]),
            v => { var (f, (dx, dl)) = LoopForms.ReturnWhenAbove_ValueWithGradient(v[..^1], v[^1]); return (f, Flat.Concat(dx, new[] { dl })); },
            (v, s) =>
            {
                var dx = new double[v.Length - 1];
                double f = LoopForms.ReturnWhenAbove_Primal(v[..^1], v[^1], dx, out var r);
                double dl = LoopForms.ReturnWhenAbove_Pullback(in r, s);
                return (f, Flat.Concat(dx, new[] { dl }));
            },
            (v, dv) => LoopForms.ReturnWhenAbove_Jvp(v[..^1], v[^1], dv[..^1], dv[^1]), Flat.Concat(x, new[] { limit }));
    }

    [Theory]
    [InlineData(1.5)]  // found in row 1
    [InlineData(30.0)] // not found
    public void ReturnFromAnInnerLoop(double limit)
    {
        var m = new[] { new[] { 0.5, 1.0 }, new[] { 0.2, 0.9, -1.0 }, new[] { 2.5 } };
        var shape = Flat.Shape(m);
        int n = shape.Sum();
        Check.Gradient(v => LoopForms.FirstAbove(Flat.Jagged(v, 0, shape), v[n]),
            v => { var (f, (dm, dl)) = LoopForms.FirstAbove_ValueWithGradient(Flat.Jagged(v, 0, shape), v[n]); return (f, Flat.Concat(Flat.Of(dm), new[] { dl })); },
            (v, s) =>
            {
                var mm = Flat.Jagged(v, 0, shape);
                var dm = Flat.Jagged(new double[n], 0, shape);
                double f = LoopForms.FirstAbove_Primal(mm, v[n], dm, out var r);
                double dl = LoopForms.FirstAbove_Pullback(in r, s);
                return (f, Flat.Concat(Flat.Of(dm), new[] { dl }));
            },
            (v, dv) => LoopForms.FirstAbove_Jvp(Flat.Jagged(v, 0, shape), v[n], Flat.Jagged(dv, 0, shape), dv[n]),
            Flat.Concat(Flat.Of(m), new[] { limit }));
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(0.5, 1)]
    [InlineData(1.2, 7)]
    [InlineData(-0.8, 12)]
    public void TwoLoopCarriedLocalsWithARunTimeTripCount(double x, int n)
    {
        // b_{k+1} = b_{k-1} + x·b_k, differentiated by hand alongside.
        double a = 1, b = x, da = 0, db = 1;
        for (int k = 0; k < n; k++)
        {
            (a, b, da, db) = (b, a + x * b, db, da + b + x * db);
        }
        Check.Gradient(v => LoopForms.LinearRecurrence(v[0], n), v => { var (f, d) = LoopForms.LinearRecurrence_ValueWithGradient(v[0], n); return (f, new[] { d }); },
            (v, s) => { double f = LoopForms.LinearRecurrence_Primal(v[0], n, out var r); return (f, new[] { LoopForms.LinearRecurrence_Pullback(in r, s) }); },
            (v, dv) => LoopForms.LinearRecurrence_Jvp(v[0], n, dv[0]), new[] { x }, new[] { db });
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(7, 1)]
    public void StridedLoopWithRunTimeStartAndStep(int start, int step)
    {
        var x = X;
        var closed = x.Select((v, i) => i >= start && (i - start) % step == 0 ? 3 * v * v : 0).ToArray();
        Check.Gradient(v => LoopForms.StridedCubes(v, start, step), v => LoopForms.StridedCubes_ValueWithGradient(v, start, step),
            (v, s) => { var g = new double[v.Length]; double f = LoopForms.StridedCubes_Primal(v, start, step, g, out var r); LoopForms.StridedCubes_Pullback(in r, s); return (f, g); },
            (v, dv) => LoopForms.StridedCubes_Jvp(v, start, step, dv), x, closed);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-2.0)]
    [InlineData(3.0)]
    public void WhileTrueWithBreakSumsASeriesUntilItConverges(double x)
    {
        Check.Gradient(v => LoopForms.ExpSeries(v[0]), v => { var (f, d) = LoopForms.ExpSeries_ValueWithGradient(v[0]); return (f, new[] { d }); },
            (v, s) => { double f = LoopForms.ExpSeries_Primal(v[0], out var r); return (f, new[] { LoopForms.ExpSeries_Pullback(in r, s) }); },
            (v, dv) => LoopForms.ExpSeries_Jvp(v[0], dv[0]), new[] { x }, new[] { Math.Exp(x) }, closedFormTolerance: 1e-13);
    }

    [Fact]
    public void SeedBranchInLoopOverTheFirstTen()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1, -2.0, 0.05, 3.0, -0.6, 100.0 }; // the last is never read
        var closed = x.Select((v, i) => i >= 10 ? 0 : v > 0 ? 2 * v : -Math.Cos(v) * i).ToArray();
        Check.Gradient(LoopForms.SeedBranchInLoopTen, LoopForms.SeedBranchInLoopTen_ValueWithGradient,
            (a, s) => { var g = new double[a.Length]; double v = LoopForms.SeedBranchInLoopTen_Primal(a, g, out var r); LoopForms.SeedBranchInLoopTen_Pullback(in r, s); return (v, g); },
            LoopForms.SeedBranchInLoopTen_Jvp, x, closed);
    }

    [Fact]
    public void ContinueSkipsIterations()
    {
        var x = X;
        var closed = x.Select((v, i) => v <= 0 ? 0 : (i + 1) / (2 * Math.Sqrt(v))).ToArray();
        Check.Gradient(LoopForms.SkipNonPositive, LoopForms.SkipNonPositive_ValueWithGradient,
            (a, s) => { var g = new double[a.Length]; double v = LoopForms.SkipNonPositive_Primal(a, g, out var r); LoopForms.SkipNonPositive_Pullback(in r, s); return (v, g); },
            LoopForms.SkipNonPositive_Jvp, x, closed);
    }

    [Fact]
    public void InnerLoopBoundedByTheOuterIndex()
    {
        var x = X;
        var closed = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
            for (int j = 0; j < x.Length; j++)
                if (i != j) closed[i] += x[j] / (1 + Math.Abs(i - j));
        Check.Gradient(LoopForms.TriangularPairs, LoopForms.TriangularPairs_ValueWithGradient,
            (a, s) => { var g = new double[a.Length]; double v = LoopForms.TriangularPairs_Primal(a, g, out var r); LoopForms.TriangularPairs_Pullback(in r, s); return (v, g); },
            LoopForms.TriangularPairs_Jvp, x, closed);
    }

    [Theory]
    [InlineData(1.0, 0.3)]
    [InlineData(2.5, 0.1)]
    [InlineData(-0.7, 0.6)]
    public void FixedPointIterationOfTwoInputs(double meanAnomaly, double eccentricity)
    {
        double e = LoopForms.KeplerFixedPoint(meanAnomaly, eccentricity);
        Assert.Equal(meanAnomaly, e - eccentricity * Math.Sin(e), 14);
        double denominator = 1 - eccentricity * Math.Cos(e);
        Check.Gradient(v => LoopForms.KeplerFixedPoint(v[0], v[1]),
            v => { var (f, (dm, de)) = LoopForms.KeplerFixedPoint_ValueWithGradient(v[0], v[1]); return (f, new[] { dm, de }); },
            (v, s) => { double f = LoopForms.KeplerFixedPoint_Primal(v[0], v[1], out var r); var (dm, de) = LoopForms.KeplerFixedPoint_Pullback(in r, s); return (f, new[] { dm, de }); },
            (v, dv) => LoopForms.KeplerFixedPoint_Jvp(v[0], v[1], dv[0], dv[1]), new[] { meanAnomaly, eccentricity },
            // The implicit derivative, to which the derivative of the iterations converges.
            new[] { 1 / denominator, Math.Sin(e) / denominator }, closedFormTolerance: 1e-10);
    }

    [Fact]
    public void WhileLoopInsideAForLoopWithPerElementTripCounts()
    {
        var x = new[] { 0.5, 3.0, 9.5, 1.7, 0.9, 40.0 };
        var closed = x.Select(v =>
        {
            double scale = 1;
            while (v * scale > 1) scale *= 0.5;
            return 2 * v * scale * scale;
        }).ToArray();
        Check.Gradient(LoopForms.HalveUntilBelowOne, LoopForms.HalveUntilBelowOne_ValueWithGradient,
            (a, s) => { var g = new double[a.Length]; double v = LoopForms.HalveUntilBelowOne_Primal(a, g, out var r); LoopForms.HalveUntilBelowOne_Pullback(in r, s); return (v, g); },
            LoopForms.HalveUntilBelowOne_Jvp, x, closed);
    }

    [Fact]
    public void ContinueInADoLoop()
    {
        var x = X;
        var closed = x.Select((v, i) => v < 0 ? 0 : (i + 1) / (1 + v)).ToArray();
        Check.Gradient(LoopForms.DoWhileWithContinue, LoopForms.DoWhileWithContinue_ValueWithGradient,
            (a, s) => { var g = new double[a.Length]; double v = LoopForms.DoWhileWithContinue_Primal(a, g, out var r); LoopForms.DoWhileWithContinue_Pullback(in r, s); return (v, g); },
            LoopForms.DoWhileWithContinue_Jvp, x, closed);
    }

    [Theory]
    [InlineData(100.0)] // no break
    [InlineData(4.0)]   // p: 1.5, 3, 2.25, then 2.25·3 > 4 breaks
    public void BreakOutOfAForeach(double bound)
    {
        var x = new[] { 1.5, 2.0, 0.75, 3.0, 1.2 };
        Check.Gradient(v => LoopForms.ForeachWithBreak(v[..^1], v[^1]),
            v => { var (f, (dx, db)) = LoopForms.ForeachWithBreak_ValueWithGradient(v[..^1], v[^1]); return (f, Flat.Concat(dx, new[] { db })); },
            (v, s) =>
            {
                var dx = new double[v.Length - 1];
                double f = LoopForms.ForeachWithBreak_Primal(v[..^1], v[^1], dx, out var r);
                double db = LoopForms.ForeachWithBreak_Pullback(in r, s);
                return (f, Flat.Concat(dx, new[] { db }));
            },
            (v, dv) => LoopForms.ForeachWithBreak_Jvp(v[..^1], v[^1], dv[..^1], dv[^1]), Flat.Concat(x, new[] { bound }));
    }

    [Fact]
    public void ForeachOverTheRowsOfAJaggedArray()
    {
        var m = new[] { new[] { 3.0, 4.0 }, new[] { 1.0, -2.0, 2.0 }, new[] { -0.5 } };
        var shape = Flat.Shape(m);
        var closed = Flat.Of(m.Select(r => { double n = Math.Sqrt(r.Sum(v => v * v)); return r.Select(v => v / n).ToArray(); }).ToArray());
        Check.Gradient(v => LoopForms.RowNormsForeach(Flat.Jagged(v, 0, shape)),
            v => { var (f, g) = LoopForms.RowNormsForeach_ValueWithGradient(Flat.Jagged(v, 0, shape)); return (f, Flat.Of(g)); },
            (v, s) => { var g = Flat.Jagged(new double[v.Length], 0, shape); double f = LoopForms.RowNormsForeach_Primal(Flat.Jagged(v, 0, shape), g, out var r); LoopForms.RowNormsForeach_Pullback(in r, s); return (f, Flat.Of(g)); },
            (v, dv) => LoopForms.RowNormsForeach_Jvp(Flat.Jagged(v, 0, shape), Flat.Jagged(dv, 0, shape)), Flat.Of(m), closed);
    }
}
