// What it costs to pass a function to Autodiff.Gradient at a call site (inline lambdas, captures, a method group)
// against calling the generated gradient Kernels.Cubed_ValueWithGradient directly (the baseline: Ratio reads
// "call form ÷ direct call", issue 5's target ≤ 1.1). Same loop shape as GradientBenchmarks: per call, 1024 inputs.
// Two kernels: x³ (0.55 ns, where every load of the call form shows) and TanhChain (four tanh/exp, a function of the
// size users differentiate), each against its own direct call.
// Not here: a capturing lambda stored once and passed as a delegate variable. The generator binds lambdas where they
// are written, so Gradient(f, x) with f a variable looks f's method up at run time and throws NotDifferentiableException.
using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Nabla.Benchmarks;

/// <remarks>Partial, so that the code the generator writes for the lambda reading <c>_k</c> can reach the private field (NABLA0013 otherwise).</remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public partial class LambdaOverheadBenchmarks
{
    /// <summary>Calls per benchmark invocation.</summary>
    public const int N = 1024;

    private readonly double[] _x = new double[N];
    private readonly double[] _dx = new double[N];

    /// <summary>The inputs and the last gradients computed, for --verify.</summary>
    public double[] Inputs => _x;
    public double[] Gradients => _dx;

    /// <summary>TanhChain's weight, captured by the lambda of the second kernel.</summary>
    private double _w = 0.7;
    public double Weight => _w;

    /// <summary>A captured field: the lambda that reads it captures <c>this</c>. Not 1, so that --verify sees it used.</summary>
    private double _k = 1.5;

    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < N; i++)
            _x[i] = -2.0 + 4.0 * i / (N - 1);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "Kernels.Cubed_ValueWithGradient(x).Gradient (direct)"), BenchmarkCategory("Cubed")]
    public void Direct()
    {
        double[] x = _x, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Kernels.Cubed_ValueWithGradient(x[i]).Gradient;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Gradient(x => Kernels.Cubed(x), x)"), BenchmarkCategory("Cubed")]
    public void LambdaNoCapture()
    {
        double[] x = _x, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Autodiff.Gradient(x => Kernels.Cubed(x), x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Gradient(Kernels.Cubed, x) (method group)"), BenchmarkCategory("Cubed")]
    public void MethodGroup()
    {
        double[] x = _x, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Autodiff.Gradient(Kernels.Cubed, x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Gradient(x => k * x * x * x, x), k a local"), BenchmarkCategory("Cubed")]
    public void LambdaCapturedLocal()
    {
        double[] x = _x, dx = _dx;
        double k = _k;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Autodiff.Gradient(t => k * t * t * t, x[i]);
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Gradient(x => _k * x * x * x, x), _k a field"), BenchmarkCategory("Cubed")]
    public void LambdaCapturedField()
    {
        double[] x = _x, dx = _dx;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Autodiff.Gradient(t => _k * t * t * t, x[i]);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = N, Description = "Kernels.TanhChainInX_ValueWithGradient(x, w).Gradient (direct)"), BenchmarkCategory("TanhChain")]
    public void DirectTanhChain()
    {
        double[] x = _x, dx = _dx;
        double w = _w;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Kernels.TanhChainInX_ValueWithGradient(x[i], w).Gradient;
    }

    [Benchmark(OperationsPerInvoke = N, Description = "Gradient(t => Kernels.TanhChain(t, w), x), w a local"), BenchmarkCategory("TanhChain")]
    public void LambdaCapturedLocalTanhChain()
    {
        double[] x = _x, dx = _dx;
        double w = _w;
        for (int i = 0; i < x.Length; i++)
            dx[i] = Autodiff.Gradient(t => Kernels.TanhChain(t, w), x[i]);
    }
}
