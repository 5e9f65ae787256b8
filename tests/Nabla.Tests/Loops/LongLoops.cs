// Loops of a million iterations in reverse mode, the tape memory they take (reported in bytes per
// iteration), and steady-state allocation of gradients of loop functions (tapes are pooled).
using System;
using System.Linq;
using System.Threading;
using Nabla;
using Nabla.CompilerServices;
using Xunit;
using Xunit.Abstractions;

namespace Nabla.Tests.Loops;

public static partial class LongLoops
{
    [Differentiable]
    public static double SumOfSines(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Sin(x[i]);
        return s;
    }

    /// <summary>Explicit Euler for x' = sin x: x_{k+1} = x_k + h·sin x_k, for a run-time number of steps.</summary>
    [Differentiable]
    public static double SineRecurrence(double x0, double h, int steps)
    {
        double x = x0;
        for (int k = 0; k < steps; k++) x = x + h * Math.Sin(x);
        return x;
    }

    /// <summary>A scalar loop with a branch per iteration: the pullback needs a value and a branch per iteration.</summary>
    [Differentiable]
    public static double ScalarLoop(double x, int n)
    {
        double y = x;
        for (int i = 0; i < n; i++)
        {
            if (y > 0) y = Math.Sin(y) + 0.5 * x;
            else y = y * y - x;
        }
        return y;
    }
}

public class LongLoopTests
{
    private readonly ITestOutputHelper _output;

    public LongLoopTests(ITestOutputHelper output) => _output = output;

    private const int Million = 1_000_000;

    /// <summary>Bytes held by this thread's pooled double tapes (the ones a call just returned).</summary>
    private static long PooledDoubleTapeBytes()
    {
        var tapes = Enumerable.Range(0, 8).Select(_ => Tape<double>.Rent()).ToArray();
        long bytes = tapes.Sum(t => t.CapacityBytes);
        foreach (var t in tapes.Reverse()) t.Return();
        return bytes;
    }

    /// <summary>Runs <paramref name="action"/> on a fresh thread (empty tape pools) and returns what it returns.</summary>
    private static T OnFreshThread<T>(Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try { result = action(); }
            catch (Exception e) { error = e; }
        });
        thread.Start();
        thread.Join();
        if (error != null) throw new Exception("on the fresh thread: " + error.Message, error);
        return result;
    }

    [Fact]
    public void SumOfSinesOverAMillionElementsInReverseMode()
    {
        var x = Enumerable.Range(0, Million).Select(i => 3 * Math.Sin(0.37 * i)).ToArray();
        var (value, g, tapeBytes) = OnFreshThread(() =>
        {
            var (v, gr) = LongLoops.SumOfSines_ValueWithGradient(Check.Copy(x));
            return (v, gr, PooledDoubleTapeBytes());
        });
        Assert.Equal(LongLoops.SumOfSines(x), value);
        for (int i = 0; i < Million; i++)
            if (Math.Abs(g[i] - Math.Cos(x[i])) > 1e-15) Assert.Fail($"gradient[{i}] = {g[i]:R}, expected cos x = {Math.Cos(x[i]):R}");
        // Central differences on a sample of coordinates (the sum is O(10²), so a step of 1e-5 keeps rounding below 1e-8).
        foreach (int i in new[] { 0, 1, 4321, 500_000, Million - 1 })
        {
            double h = 1e-5;
            var plus = Check.Copy(x);
            var minus = Check.Copy(x);
            plus[i] += h;
            minus[i] -= h;
            double fd = (LongLoops.SumOfSines(plus) - LongLoops.SumOfSines(minus)) / (2 * h);
            Assert.True(Math.Abs(fd - g[i]) < 1e-6, $"[{i}]: finite differences {fd:R}, reverse {g[i]:R}");
        }
        // Forward mode along a dense direction, and the split form.
        var d = Check.Direction(Million);
        var (_, tangent) = LongLoops.SumOfSines_Jvp(Check.Copy(x), Check.Copy(d));
        double gd = 0;
        for (int i = 0; i < Million; i++) gd += g[i] * d[i];
        Assert.True(Math.Abs(tangent - gd) < 1e-9 * (1 + Math.Abs(gd)), $"forward {tangent:R} vs g·d {gd:R}");
        var split = new double[Million];
        double sv = LongLoops.SumOfSines_Primal(Check.Copy(x), split, out var r);
        LongLoops.SumOfSines_Pullback(in r, 1);
        Assert.Equal(value, sv);
        LoopTests.Close(g, split, 0, "split vs fused");
        double perIteration = (double)tapeBytes / Million;
        _output.WriteLine($"SumOfSines over 10^6 elements: double tapes hold {tapeBytes} bytes after the call, {perIteration:F2} bytes per iteration");
        // The pullback needs nothing per iteration but x[i], which it can read back from the unwritten input:
        // at most one double per iteration (with the tape's doubling slack), however it is done.
        Assert.True(perIteration <= 16, $"{perIteration:F2} bytes of tape per iteration");
    }

    [Fact]
    public void ScalarRecurrenceOfAMillionStepsInReverseMode()
    {
        const double x0 = 0.9, h = 1e-6;
        // Reverse mode is the split form (with two scalar inputs, F_ValueWithGradient is vector forward mode, checked below).
        var (value, (dx0, dh), tapeBytes) = OnFreshThread(() =>
        {
            double v = LongLoops.SineRecurrence_Primal(x0, h, Million, out var residuals);
            var grad = LongLoops.SineRecurrence_Pullback(in residuals, 1);
            return (v, grad, PooledDoubleTapeBytes());
        });
        Assert.Equal(LongLoops.SineRecurrence(x0, h, Million), value);
        // The derivative of the iterations, replayed: Π (1 + h·cos x_k) and Σ_k sin x_k · Π_{j>k} (1 + h·cos x_j).
        double x = x0, px = 1, ph = 0;
        for (int k = 0; k < Million; k++)
        {
            double c = 1 + h * Math.Cos(x);
            ph = ph * c + Math.Sin(x);
            px *= c;
            x = x + h * Math.Sin(x);
        }
        Assert.True(Math.Abs(dx0 - px) < 1e-9 * Math.Abs(px), $"∂/∂x0: reverse {dx0:R}, replayed {px:R}");
        Assert.True(Math.Abs(dh - ph) < 1e-9 * Math.Abs(ph), $"∂/∂h: reverse {dh:R}, replayed {ph:R}");
        // The ODE's own flow derivative sin x(1) / sin x(0), which Euler with h = 1e-6 matches to O(h).
        Assert.True(Math.Abs(dx0 - Math.Sin(value) / Math.Sin(x0)) < 1e-5, $"∂/∂x0 {dx0:R} vs the flow's {Math.Sin(value) / Math.Sin(x0):R}");
        double step = 1e-6;
        double fd = (LongLoops.SineRecurrence(x0 + step, h, Million) - LongLoops.SineRecurrence(x0 - step, h, Million)) / (2 * step);
        Assert.True(Math.Abs(fd - dx0) < 1e-6, $"finite differences {fd:R} vs reverse {dx0:R}");
        var (_, tangent) = LongLoops.SineRecurrence_Jvp(x0, h, Million, 1, 0);
        Assert.True(Math.Abs(tangent - dx0) < 1e-10 * Math.Abs(dx0), $"forward {tangent:R} vs reverse {dx0:R}");
        var (fusedValue, (fx0, fh)) = LongLoops.SineRecurrence_ValueWithGradient(x0, h, Million);
        Assert.Equal(value, fusedValue);
        Assert.True(Math.Abs(fx0 - dx0) < 1e-10 * Math.Abs(dx0), $"∂/∂x0: vector forward {fx0:R} vs reverse {dx0:R}");
        Assert.True(Math.Abs(fh - dh) < 1e-10 * Math.Abs(dh), $"∂/∂h: vector forward {fh:R} vs reverse {dh:R}");
        double perIteration = (double)tapeBytes / Million;
        _output.WriteLine($"SineRecurrence over 10^6 steps: double tapes hold {tapeBytes} bytes after the call, {perIteration:F2} bytes per iteration");
        // The pullback needs one double per step (x_k, or cos x_k and sin x_k recomputed from it); a tape that
        // doubles as it grows holds at most twice that.
        Assert.True(perIteration <= 16, $"{perIteration:F2} bytes of tape per iteration");
    }

    [Fact]
    public void FusedGradientOfAScalarLoopAllocatesNothingInSteadyState()
    {
        double sink = 0;
        for (int i = 0; i < 10; i++) sink += LongLoops.ScalarLoop_ValueWithGradient(0.3 + i * 0.01, 1000).Gradient;
        long allocated = SteadyState.BytesPerBatch(() =>
        {
            for (int i = 0; i < 100; i++) sink += LongLoops.ScalarLoop_ValueWithGradient(0.3 + i * 0.001, 1000).Gradient;
        });
        _output.WriteLine($"100 fused gradients of a 1000-iteration loop: {allocated} bytes");
        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(sink));
    }

    [Fact]
    public void SplitGradientAndJvpOfAScalarLoopAllocateNothingInSteadyState()
    {
        double sink = 0;
        for (int i = 0; i < 10; i++)
        {
            LongLoops.ScalarLoop_Primal(0.3 + i * 0.01, 1000, out var r);
            sink += LongLoops.ScalarLoop_Pullback(in r, 1) + LongLoops.ScalarLoop_Jvp(0.3, 1000, 1).Tangent;
        }
        long allocated = SteadyState.BytesPerBatch(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                LongLoops.ScalarLoop_Primal(0.3 + i * 0.001, 1000, out var r);
                sink += LongLoops.ScalarLoop_Pullback(in r, 1) + LongLoops.ScalarLoop_Jvp(0.3 + i * 0.001, 1000, 1).Tangent;
            }
        });
        _output.WriteLine($"100 split gradients and JVPs of a 1000-iteration loop: {allocated} bytes");
        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(sink));
    }

    [Fact]
    public void SplitGradientOfAnArrayLoopIntoTheCallersShadowAllocatesNothingInSteadyState()
    {
        var x = Enumerable.Range(0, 1000).Select(i => Math.Cos(i)).ToArray();
        var shadow = new double[x.Length];
        double sink = 0;
        for (int i = 0; i < 10; i++)
        {
            sink += LongLoops.SumOfSines_Primal(x, shadow, out var r);
            LongLoops.SumOfSines_Pullback(in r, 1);
        }
        long allocated = SteadyState.BytesPerBatch(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                Array.Clear(shadow);
                sink += LongLoops.SumOfSines_Primal(x, shadow, out var r);
                LongLoops.SumOfSines_Pullback(in r, 1);
            }
        });
        _output.WriteLine($"100 split gradients of a 1000-element array loop into a caller's shadow: {allocated} bytes");
        Assert.Equal(0, allocated);
        LoopTests.Close(x.Select(Math.Cos).ToArray(), shadow, 1e-15, "gradient");
        Assert.True(double.IsFinite(sink));
    }

    [Theory]
    [InlineData(0.3, 1)]
    [InlineData(0.3, 50)]
    [InlineData(-0.4, 7)]
    public void ScalarLoopWithABranchPerIteration(double x, int n)
    {
        Check.Gradient(v => LongLoops.ScalarLoop(v[0], n), v => { var (f, d) = LongLoops.ScalarLoop_ValueWithGradient(v[0], n); return (f, new[] { d }); },
            (v, s) => { double f = LongLoops.ScalarLoop_Primal(v[0], n, out var r); return (f, new[] { LongLoops.ScalarLoop_Pullback(in r, s) }); },
            (v, dv) => LongLoops.ScalarLoop_Jvp(v[0], n, dv[0]), new[] { x });
    }
}
