// Hessian-vector product of Rosenbrock's function (n = 1000), by reverse over forward mode, against Nabla's own
// gradient (the baseline: Ratio reads "HVP ÷ gradient", issue 5's target ≤ 4) and against an HVP written by hand.
using System;
using BenchmarkDotNet.Attributes;

namespace Nabla.Benchmarks;

[MemoryDiagnoser]
public class SecondOrderBenchmarks
{
    public const int N = 1000;

    private readonly double[] _x = new double[N];
    private readonly double[] _v = new double[N];

    [GlobalSetup]
    public void Setup() => Fill(_x, _v);

    /// <summary>The benchmark's point and direction, also used by --verify: fixed pseudo-random values in [−1, 1].</summary>
    public static void Fill(double[] x, double[] v)
    {
        var r = new Random(2026);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = 2 * r.NextDouble() - 1;
            v[i] = 2 * r.NextDouble() - 1;
        }
    }

    [Benchmark(Baseline = true, Description = "gradient ([ValueWithGradientOf], reverse)")]
    public double[] Gradient() => Kernels.RosenbrockValueWithGradient(_x).Gradient;

    [Benchmark(Description = "Autodiff.HessianVectorProduct(Kernels.Rosenbrock, x, v)")]
    public double[] HvpMethodGroup() => Autodiff.HessianVectorProduct(Kernels.Rosenbrock, _x, _v);

    [Benchmark(Description = "Autodiff.HessianVectorProduct(y => Kernels.Rosenbrock(y), x, v)")]
    public double[] HvpLambda() => Autodiff.HessianVectorProduct(y => Kernels.Rosenbrock(y), _x, _v);

    [Benchmark(Description = "hand-written gradient")]
    public double[] GradientByHand() => Kernels.RosenbrockGradientByHand(_x);

    [Benchmark(Description = "hand-written HVP")]
    public double[] HvpByHand() => Kernels.RosenbrockHvpByHand(_x, _v);
}
