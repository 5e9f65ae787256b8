// Primal vs every way Nabla computes a gradient, for four kernels; each category's baseline is the primal,
// so BenchmarkDotNet's Ratio column reads "derivative ÷ primal". Times are per call (OperationsPerInvoke).
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Nabla.Benchmarks;

/// <remarks>
/// Each benchmark calls its function on <see cref="N"/> different inputs and stores every result in an
/// array: the calls are not folded or hoisted by the JIT, nothing is dead code, and a call of a few
/// nanoseconds is measured over a loop long enough to time. Results are reported per call, so they are
/// throughput figures (independent calls can overlap in the CPU), the way a gradient over a batch of
/// points runs. The loop and the stores cost the same in every row of a category.
/// </remarks>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class GradientBenchmarks
{
    /// <summary>Calls per benchmark invocation.</summary>
    public const int N = 1024;

    // Inputs: sorted sweeps, so Piecewise visits every branch in long predictable runs.
    private readonly double[] _x = new double[N];
    private readonly double[] _y = new double[N];
    // Outputs: the value and the partial derivatives of every call.
    private readonly double[] _value = new double[N];
    private readonly double[] _dx = new double[N];
    private readonly double[] _dy = new double[N];

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < N; i++)
        {
            double t = (double)i / (N - 1);
            _x[i] = -2.0 + 4.0 * t;  // [-2, 2]: Piecewise's x < -1, -1 <= x < 1 and x >= 1
            _y[i] = 1.5 - 2.5 * t;   // [1.5, -1]: y > 0 and y <= 0
        }
    }

    // ---- cubed: x·x·x ------------------------------------------------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "primal"), BenchmarkCategory("Cubed")]
    public void CubedPrimal()
    {
        double[] x = _x, value = _value;
        for (int i = 0; i < x.Length; i++)
            value[i] = Kernels.Cubed(x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "ValueWithGradient (fused reverse)"), BenchmarkCategory("Cubed")]
    public void CubedValueWithGradient()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.Cubed_ValueWithGradient(x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Primal + Pullback (split reverse)"), BenchmarkCategory("Cubed")]
    public void CubedSplit()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
        {
            value[i] = Kernels.Cubed_Primal(x[i], out var residuals);
            dx[i] = Kernels.Cubed_Pullback(in residuals, 1.0);
        }
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Jvp (forward)"), BenchmarkCategory("Cubed")]
    public void CubedJvp()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.Cubed_Jvp(x[i], 1.0);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Autodiff.Gradient operator"), BenchmarkCategory("Cubed")]
    public void CubedOperator()
    {
        double[] x = _x, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Autodiff.Gradient(Kernels.Cubed, x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "hand-written gradient"), BenchmarkCategory("Cubed")]
    public void CubedByHand()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.CubedByHand(x[i]);
    }

    // ---- a degree-10 polynomial in Horner form: 20 operations --------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "primal"), BenchmarkCategory("Poly20")]
    public void Poly20Primal()
    {
        double[] x = _x, value = _value;
        for (int i = 0; i < x.Length; i++)
            value[i] = Kernels.Poly20(x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "ValueWithGradient (fused reverse)"), BenchmarkCategory("Poly20")]
    public void Poly20ValueWithGradient()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.Poly20_ValueWithGradient(x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Primal + Pullback (split reverse)"), BenchmarkCategory("Poly20")]
    public void Poly20Split()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
        {
            value[i] = Kernels.Poly20_Primal(x[i], out var residuals);
            dx[i] = Kernels.Poly20_Pullback(in residuals, 1.0);
        }
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Jvp (forward)"), BenchmarkCategory("Poly20")]
    public void Poly20Jvp()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.Poly20_Jvp(x[i], 1.0);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Autodiff.Gradient operator"), BenchmarkCategory("Poly20")]
    public void Poly20Operator()
    {
        double[] x = _x, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Autodiff.Gradient(Kernels.Poly20, x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "hand-written gradient"), BenchmarkCategory("Poly20")]
    public void Poly20ByHand()
    {
        double[] x = _x, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.Poly20ByHand(x[i]);
    }

    // ---- three tanh(a·h + b) layers and a sigmoid, 2 inputs ----------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "primal"), BenchmarkCategory("TanhChain")]
    public void TanhChainPrimal()
    {
        double[] x = _x, y = _y, value = _value;
        for (int i = 0; i < x.Length; i++)
            value[i] = Kernels.TanhChain(x[i], y[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "ValueWithGradient (fused reverse)"), BenchmarkCategory("TanhChain")]
    public void TanhChainValueWithGradient()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
            (value[i], (dx[i], dy[i])) = Kernels.TanhChain_ValueWithGradient(x[i], y[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Primal + Pullback (split reverse)"), BenchmarkCategory("TanhChain")]
    public void TanhChainSplit()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
        {
            value[i] = Kernels.TanhChain_Primal(x[i], y[i], out var residuals);
            (dx[i], dy[i]) = Kernels.TanhChain_Pullback(in residuals, 1.0);
        }
    }

    /// <summary>One JVP is one directional derivative (∂/∂x here); the full gradient takes one per input.</summary>
    [Benchmark(OperationsPerInvoke = N, Description = "Jvp (forward, one direction)"), BenchmarkCategory("TanhChain")]
    public void TanhChainJvp()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.TanhChain_Jvp(x[i], y[i], 1.0, 0.0);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Autodiff.Gradient operator"), BenchmarkCategory("TanhChain")]
    public void TanhChainOperator()
    {
        double[] x = _x, y = _y, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
            (dx[i], dy[i]) = Autodiff.Gradient(Kernels.TanhChain, x[i], y[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "hand-written gradient"), BenchmarkCategory("TanhChain")]
    public void TanhChainByHand()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
            (value[i], (dx[i], dy[i])) = Kernels.TanhChainByHand(x[i], y[i]);
    }

    // ---- branches: if/else, early return, ?: and &&, 2 inputs --------------------------------------

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "primal"), BenchmarkCategory("Piecewise")]
    public void PiecewisePrimal()
    {
        double[] x = _x, y = _y, value = _value;
        for (int i = 0; i < x.Length; i++)
            value[i] = Kernels.Piecewise(x[i], y[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "ValueWithGradient (fused reverse)"), BenchmarkCategory("Piecewise")]
    public void PiecewiseValueWithGradient()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
            (value[i], (dx[i], dy[i])) = Kernels.Piecewise_ValueWithGradient(x[i], y[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Primal + Pullback (split reverse)"), BenchmarkCategory("Piecewise")]
    public void PiecewiseSplit()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
        {
            value[i] = Kernels.Piecewise_Primal(x[i], y[i], out var residuals);
            (dx[i], dy[i]) = Kernels.Piecewise_Pullback(in residuals, 1.0);
        }
    }

    /// <summary>One JVP is one directional derivative (∂/∂x here); the full gradient takes one per input.</summary>
    [Benchmark(OperationsPerInvoke = N, Description = "Jvp (forward, one direction)"), BenchmarkCategory("Piecewise")]
    public void PiecewiseJvp()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            (value[i], dx[i]) = Kernels.Piecewise_Jvp(x[i], y[i], 1.0, 0.0);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Autodiff.Gradient operator"), BenchmarkCategory("Piecewise")]
    public void PiecewiseOperator()
    {
        double[] x = _x, y = _y, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
            (dx[i], dy[i]) = Autodiff.Gradient(Kernels.Piecewise, x[i], y[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "hand-written gradient"), BenchmarkCategory("Piecewise")]
    public void PiecewiseByHand()
    {
        double[] x = _x, y = _y, value = _value, dx = _dx, dy = _dy;
        for (int i = 0; i < x.Length; i++)
            (value[i], (dx[i], dy[i])) = Kernels.PiecewiseByHand(x[i], y[i]);
    }
}
