// ADBench GMM: the objective written as plain C# and marked [Differentiable], Nabla's generated
// gradient of it, and two hand-written gradients (GmmManual: another algebra and SIMD; GmmManualPerPoint: the
// objective's own loops, as ADBench's manual C++), on ADBench's instances. The Ratio column reads
// "time ÷ objective" (ADBench's figure of merit); Nabla ÷ hand-written is the ratio of those two rows.
using BenchmarkDotNet.Attributes;
using Nabla.Workloads;

namespace Nabla.Benchmarks;

[MemoryDiagnoser]
public class GmmBenchmarks
{
    [Params("1k/gmm_d10_K25", "10k/gmm_d10_K25", "1k/gmm_d64_K50")]
    public string Instance { get; set; } = "1k/gmm_d10_K25";

    private GmmInput _input = null!;
    private double[] _gradient = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Instance.Split('/');
        _input = Gmm.Read(SharedData.AdBench("gmm", parts[0], parts[1] + ".txt"));
        _gradient = new double[_input.ParameterCount];
    }

    [Benchmark(Baseline = true, Description = "objective")]
    public double Objective() => Gmm.Objective(_input);

    [Benchmark(Description = "Nabla gradient (fused reverse)")]
    public double NablaGradient()
    {
        var g = _input;
        var (value, (dAlphas, _, _)) = Gmm.Objective_ValueWithGradient(g.D, g.K, g.N, g.Alphas, g.Means, g.Icf, g.X, g.Gamma, g.M);
        return value + dAlphas[0];
    }

    [Benchmark(Description = "hand-written gradient")]
    public double ManualGradient() => GmmManual.ObjectiveAndGradient(_input, _gradient);

    [Benchmark(Description = "hand-written, the objective's algebra")]
    public double ManualPerPointGradient() => GmmManualPerPoint.ObjectiveAndGradient(_input, _gradient);
}
