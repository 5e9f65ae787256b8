// ADBench LSTM (2 and 4 layers, 1,024 characters): the objective written as plain C# and marked
// [Differentiable], Nabla's generated gradient (written into caller-provided arrays), and a hand-written
// adjoint. Ratio = time ÷ objective (ADBench's figure of merit); Nabla ÷ hand-written is the ratio of rows.
using System;
using BenchmarkDotNet.Attributes;
using Nabla.Workloads;

namespace Nabla.Benchmarks;

[MemoryDiagnoser]
public class LstmBenchmarks
{
    [Params("lstm_l2_c1024", "lstm_l4_c1024")]
    public string Instance { get; set; } = "lstm_l2_c1024";

    private LstmInput _input = null!;
    private double[] _dMain = null!, _dExtra = null!;

    [GlobalSetup]
    public void Setup()
    {
        _input = Lstm.Read(SharedData.AdBench("lstm", Instance + ".txt"));
        _dMain = new double[_input.MainParams.Length];
        _dExtra = new double[_input.ExtraParams.Length];
    }

    [Benchmark(Baseline = true, Description = "objective")]
    public double Objective() => Lstm.Objective(_input);

    [Benchmark(Description = "Nabla gradient (into buffers)")]
    public double NablaGradient() => Lstm.ValueWithGradient(_input, _dMain, _dExtra) + _dMain[0];

    [Benchmark(Description = "hand-written gradient")]
    public double ManualGradient() => LstmManual.ObjectiveAndGradient(_input, _dMain, _dExtra) + _dMain[0];

    /// <summary>
    /// --verify: the objective and Nabla's gradient against ADBench's reference (l2), and the hand-written
    /// gradient against Nabla's (l2 and l4); the tolerances are those of tests/Nabla.Tests/LstmTests.cs.
    /// </summary>
    public static int Verify()
    {
        int failures = 0;
        void Fail(string message)
        {
            Console.Error.WriteLine("MISMATCH LSTM: " + message);
            failures++;
        }

        var l2 = Lstm.Read(SharedData.AdBench("lstm", "lstm_l2_c1024.txt"));
        const double referenceLoss = 0.666665179558852183;
        double loss = Lstm.Objective(l2);
        if (!(Math.Abs(loss - referenceLoss) <= 1e-12 * referenceLoss))
            Fail($"objective {loss:R}, reference {referenceLoss:R}");
        var reference = SharedData.ReadValues(SharedData.AdBench("lstm", "lstm_l2_c1024.J.txt"));
        var gradient = Lstm.Gradient(l2);
        double scale = 0;
        foreach (var r in reference) scale = Math.Max(scale, Math.Abs(r));
        if (gradient.Length != reference.Length)
            Fail($"gradient length {gradient.Length}, reference {reference.Length}");
        else
            for (int i = 0; i < reference.Length; i++)
                if (!(Math.Abs(gradient[i] - reference[i]) <= 1e-12 * Math.Max(Math.Abs(reference[i]), 1e-3 * scale)))
                {
                    Fail($"l2 gradient[{i}]: Nabla {gradient[i]:R}, reference {reference[i]:R}");
                    break;
                }

        foreach (var name in new[] { "lstm_l2_c1024", "lstm_l4_c1024" })
        {
            var input = Lstm.Read(SharedData.AdBench("lstm", name + ".txt"));
            var nabla = Lstm.Gradient(input);
            var dMain = new double[input.MainParams.Length];
            var dExtra = new double[input.ExtraParams.Length];
            double value = LstmManual.ObjectiveAndGradient(input, dMain, dExtra);
            if (!(Math.Abs(value - Lstm.Objective(input)) <= 1e-12 * Math.Abs(value)))
                Fail($"{name}: hand-written objective {value:R}, objective {Lstm.Objective(input):R}");
            var manual = new double[input.ParameterCount];
            dMain.CopyTo(manual, 0);
            dExtra.CopyTo(manual, dMain.Length);
            double s = 0;
            foreach (var v in nabla) s = Math.Max(s, Math.Abs(v));
            for (int i = 0; i < nabla.Length; i++)
                if (!(Math.Abs(nabla[i] - manual[i]) <= 1e-10 * Math.Max(Math.Abs(nabla[i]), 1e-3 * s)))
                {
                    Fail($"{name} gradient[{i}]: Nabla {nabla[i]:R}, hand-written {manual[i]:R}");
                    break;
                }
        }
        Console.WriteLine(failures == 0
            ? "Checked: LSTM objective (1e-12) and Nabla's gradient (1e-12) against ADBench's l2 reference; hand-written = Nabla (1e-10) at l2 and l4."
            : $"{failures} LSTM checks failed.");
        return failures;
    }
}
