// Issue 4: gradient ÷ primal of a model written with [Differentiable] structs (StructChain) against the same model
// written with flat arrays and locals (FlatChain). The figure is (struct gradient ÷ struct primal) ÷ (flat gradient ÷
// flat primal), computed from one run; allocations per call from the memory diagnoser.
using System;
using BenchmarkDotNet.Attributes;
using Nabla.Workloads;

namespace Nabla.Benchmarks;

[MemoryDiagnoser]
public class StructModelBenchmarks
{
    private double[] _observed = null!;
    private ChainParameters _parameters;
    private double[] _flat = null!, _flatGradient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _observed = FlatChain.Observed();
        _parameters = new ChainParameters { K0 = 2.5, K1 = 2.2, C0 = 0.3, C1 = 0.15, Mass1 = 1.2 };
        _flat = new[] { 2.5, 2.2, 0.3, 0.15, 1.2 };
        _flatGradient = new double[5];
    }

    [Benchmark(Baseline = true, Description = "struct model: primal")]
    public double StructPrimal() => StructChain.Misfit(_parameters, _observed, 0.01);

    [Benchmark(Description = "struct model: ValueWithGradient")]
    public double StructGradient()
    {
        var (value, g) = StructChain.Misfit_ValueWithGradient(_parameters, _observed, 0.01);
        return value + g.K0;
    }

    [Benchmark(Description = "flat model: primal")]
    public double FlatPrimal() => FlatChain.Misfit(_flat, _observed, 0.01);

    [Benchmark(Description = "flat model: ValueWithGradient (into a buffer)")]
    public double FlatGradient() => FlatChain.Misfit_ValueWithGradient(_flat, _observed, 0.01, _flatGradient) + _flatGradient[0];

    /// <summary>--verify: the two models agree in value and gradient.</summary>
    public static int Verify()
    {
        var observed = FlatChain.Observed();
        var p = new ChainParameters { K0 = 2.5, K1 = 2.2, C0 = 0.3, C1 = 0.15, Mass1 = 1.2 };
        var flat = new[] { 2.5, 2.2, 0.3, 0.15, 1.2 };
        var (v, g) = StructChain.Misfit_ValueWithGradient(p, observed, 0.01);
        var (fv, fg) = FlatChain.Misfit_ValueWithGradient(flat, observed, 0.01);
        double[] sg = { g.K0, g.K1, g.C0, g.C1, g.Mass1 };
        int failures = 0;
        if (Math.Abs(v - fv) > 1e-12 * Math.Abs(fv)) { Console.Error.WriteLine($"MISMATCH struct chain value {v:R} vs {fv:R}"); failures++; }
        for (int k = 0; k < 5; k++)
            if (Math.Abs(sg[k] - fg[k]) > 1e-10 * Math.Max(1, Math.Abs(fg[k]))) { Console.Error.WriteLine($"MISMATCH struct chain gradient[{k}] {sg[k]:R} vs {fg[k]:R}"); failures++; }
        return failures;
    }
}
