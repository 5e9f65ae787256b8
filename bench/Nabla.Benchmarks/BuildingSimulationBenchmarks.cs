// The building thermal simulation (shared/bench/building-simulation.md) written twice: with a flat parameter array
// (the loss (forward), Nabla's gradient of it and a hand-written adjoint) and with [Differentiable] structs as the Swift
// original (forward, and the generated _ValueWithGradient), at 20 to 100,000 timesteps, in double and float.
// The Ratio column reads "time ÷ flat forward"; gradient ÷ forward of each version, structs ÷ flat, Nabla ÷ hand-written
// and tape bytes per timestep are computed after the run by Report (printed, and written as JSON for eng/plot_building.py).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Reports;
using Nabla.CompilerServices;
using Nabla.Workloads;
using B = Nabla.Workloads.BuildingSimulation;
using S = Nabla.Workloads.BuildingSimulationStructs;
using SF = Nabla.Workloads.BuildingSimulationStructsF;

namespace Nabla.Benchmarks;

public enum Precision { Double, Float }

[MemoryDiagnoser]
public class BuildingSimulationBenchmarks
{
    [Params(20, 1_000, 10_000, 100_000)]
    public int Steps { get; set; } = 20;

    [Params(Precision.Double, Precision.Float)]
    public Precision Type { get; set; } = Precision.Double;

    private double[] _p = null!, _gradient = null!;
    private float[] _pf = null!, _gradientF = null!;
    private SimParams _s;
    private SimParamsF _sf;

    [GlobalSetup]
    public void Setup()
    {
        _p = B.DefaultParameters();
        _pf = B.DefaultParametersF();
        _gradient = new double[B.ParameterCount];
        _gradientF = new float[B.ParameterCount];
        _s = S.DefaultParameters();
        _sf = SF.DefaultParameters();
    }

    [Benchmark(Baseline = true, Description = "forward (loss)")]
    public double Forward() => Type == Precision.Double ? B.Loss(_p, Steps) : B.LossF(_pf, Steps);

    /// <summary>The [ValueWithGradientOf] method: value and a new gradient array, fused reverse mode.</summary>
    [Benchmark(Description = "Nabla gradient")]
    public double NablaGradient()
    {
        if (Type == Precision.Double)
        {
            var (value, gradient) = B.LossWithGradient(_p, Steps);
            return value + gradient[0];
        }
        var (valueF, gradientF) = B.LossWithGradientF(_pf, Steps);
        return valueF + gradientF[0];
    }

    /// <summary>The generated overload that writes into the caller's array (split reverse mode: _Primal then _Pullback).</summary>
    [Benchmark(Description = "Nabla gradient into a buffer")]
    public double NablaGradientIntoBuffer() => Type == Precision.Double
        ? B.Loss_ValueWithGradient(_p, Steps, _gradient) + _gradient[0]
        : B.LossF_ValueWithGradient(_pf, Steps, _gradientF) + _gradientF[0];

    /// <summary>The hand-written adjoint that computes each operation's adjoint as the program does (Nabla's 1e-12 reference).</summary>
    [Benchmark(Description = "hand-written gradient")]
    public double ManualGradient() => Type == Precision.Double
        ? BuildingSimulationManual.LossAndGradient(_p, Steps, _gradient) + _gradient[0]
        : BuildingSimulationManual.LossAndGradient(_pf, Steps, _gradientF) + _gradientF[0];

    /// <summary>The same with multiplications by reciprocals of the invariants in the reverse sweep: the lower bound.</summary>
    [Benchmark(Description = "hand-written, reciprocals")]
    public double ManualGradientReciprocal() => Type == Precision.Double
        ? BuildingSimulationManual.LossAndGradientReciprocal(_p, Steps, _gradient) + _gradient[0]
        : BuildingSimulationManual.LossAndGradientReciprocal(_pf, Steps, _gradientF) + _gradientF[0];

    /// <summary>The struct version's loss (BuildingSimulationStructs: Swift's SimParams, Tube, Slab, Quanta, Tank).</summary>
    [Benchmark(Description = "structs: forward (loss)")]
    public double StructForward() => Type == Precision.Double ? S.Loss(_s, Steps) : SF.Loss(_sf, Steps);

    /// <summary>The struct version's generated Loss_ValueWithGradient: the value and a SimParams.Tangent, returned by value.</summary>
    [Benchmark(Description = "structs: Nabla gradient")]
    public double StructGradient()
    {
        if (Type == Precision.Double)
        {
            var (value, gradient) = S.Loss_ValueWithGradient(_s, Steps);
            return value + gradient.Tube.TubeSpacing;
        }
        var (valueF, gradientF) = SF.Loss_ValueWithGradient(_sf, Steps);
        return valueF + gradientF.Tube.TubeSpacing;
    }

    /// <summary>
    /// --verify: the loss and prediction against the spec's PyTorch values (double and float bit for bit), the gradient
    /// against its columns (1e-9 relative in double, 1e-4 in float), and every Nabla form against the hand-written
    /// adjoint to 1e-12 relative at every benchmarked length, with the zero slots exactly zero. Returns the failures.
    /// </summary>
    public static int Verify()
    {
        int failures = 0;
        void Fail(string message)
        {
            Console.Error.WriteLine("MISMATCH building simulation: " + message);
            failures++;
        }
        void Close(string what, double actual, double expected, double relative)
        {
            if (!(Math.Abs(actual - expected) <= relative * Math.Abs(expected)))
                Fail($"{what}: {actual:R}, expected {expected:R} (relative tolerance {relative:G})");
        }

        var p = B.DefaultParameters();
        var pf = B.DefaultParametersF();
        int n = BuildingSimulationReference.Steps;
        Close("pred (double)", B.Predict(p, n), BuildingSimulationReference.Prediction64, 0);
        Close("loss (double)", B.Loss(p, n), BuildingSimulationReference.Loss64, 0);
        Close("pred (float)", B.PredictF(pf, n), BuildingSimulationReference.Prediction32, 0);
        Close("loss (float)", B.LossF(pf, n), BuildingSimulationReference.Loss32, 0);
        var g64 = B.LossGradient(p, n);
        var g32 = B.LossGradientF(pf, n);
        for (int i = 0; i < B.ParameterCount; i++)
        {
            Close($"dLoss/dθ[{i / 5},{i % 5}] (double, 20 steps)", g64[i], BuildingSimulationReference.Gradient64[i], 1e-9);
            Close($"dLoss/dθ[{i / 5},{i % 5}] (float, 20 steps)", g32[i], BuildingSimulationReference.Gradient32[i], 1e-4);
        }

        foreach (int steps in new[] { 20, 1_000, 10_000, 100_000 })
        {
            var manual = new double[B.ParameterCount];
            double value = BuildingSimulationManual.LossAndGradient(p, steps, manual);
            var (fusedValue, fused) = B.LossWithGradient(p, steps);
            var buffer = new double[B.ParameterCount];
            double bufferValue = B.Loss_ValueWithGradient(p, steps, buffer);
            var named = B.LossGradient(p, steps);
            Close($"loss at {steps} steps, Nabla vs forward", fusedValue, B.Loss(p, steps), 0);
            Close($"loss at {steps} steps, hand-written vs forward", value, B.Loss(p, steps), 0);
            Close($"loss at {steps} steps, Nabla into a buffer vs forward", bufferValue, B.Loss(p, steps), 0);
            for (int i = 0; i < B.ParameterCount; i++)
            {
                string where = $"dLoss/dθ[{i / 5},{i % 5}] at {steps} steps";
                Close(where + ", Nabla vs hand-written", fused[i], manual[i], 1e-12);
                Close(where + ", Nabla into a buffer vs hand-written", buffer[i], manual[i], 1e-12);
                Close(where + ", [GradientOf] vs hand-written", named[i], manual[i], 1e-12);
            }
            var reciprocal = new double[B.ParameterCount];
            Close($"loss at {steps} steps, hand-written with reciprocals vs forward",
                BuildingSimulationManual.LossAndGradientReciprocal(p, steps, reciprocal), B.Loss(p, steps), 0);
            foreach (int i in BuildingSimulationReference.ZeroSlots)
                if (fused[i] != 0 || buffer[i] != 0 || named[i] != 0 || manual[i] != 0 || reciprocal[i] != 0)
                    Fail($"slot [{i / 5},{i % 5}] at {steps} steps has a nonzero gradient");

            // The struct version: the same operations, so the same loss; its gradient mapped member by member.
            var s = S.DefaultParameters();
            var (structValue, structTangent) = S.Loss_ValueWithGradient(s, steps);
            var structGradient = S.ToFlat(structTangent);
            Close($"loss at {steps} steps, structs vs flat", S.Loss(s, steps), B.Loss(p, steps), 0);
            Close($"loss at {steps} steps, structs' Nabla vs flat", structValue, B.Loss(p, steps), 0);
            for (int i = 0; i < B.ParameterCount; i++)
                Close($"dLoss/dθ[{i / 5},{i % 5}] at {steps} steps, structs' Nabla vs hand-written", structGradient[i], manual[i], 1e-12);

            // float: Nabla and the hand-written adjoint sum the same terms in different orders; in float the
            // cancellation the spec describes (§3) makes them differ by up to ~1e-4 relative at 20 steps.
            var manualF = new float[B.ParameterCount];
            float valueF = BuildingSimulationManual.LossAndGradient(pf, steps, manualF);
            var (fusedValueF, fusedF) = B.LossWithGradientF(pf, steps);
            Close($"float loss at {steps} steps, Nabla vs forward", fusedValueF, B.LossF(pf, steps), 0);
            Close($"float loss at {steps} steps, hand-written vs forward", valueF, B.LossF(pf, steps), 0);
            foreach (int i in BuildingSimulationReference.ZeroSlots)
                if (fusedF[i] != 0 || manualF[i] != 0)
                    Fail($"slot [{i / 5},{i % 5}] at {steps} steps has a nonzero float gradient");

            // Structs in float: the same loss bit for bit; the gradient as the flat one's up to float's summation order
            // (slab.area, which cancels, differs by 1.1e-4 at 20 steps), and exact zeros.
            var sf = SF.DefaultParameters();
            var (structValueF, structTangentF) = SF.Loss_ValueWithGradient(sf, steps);
            var structGradientF = SF.ToFlat(structTangentF);
            Close($"float loss at {steps} steps, structs vs flat", SF.Loss(sf, steps), B.LossF(pf, steps), 0);
            Close($"float loss at {steps} steps, structs' Nabla vs flat", structValueF, B.LossF(pf, steps), 0);
            for (int i = 0; i < B.ParameterCount; i++)
                if (Array.IndexOf(BuildingSimulationReference.ZeroSlots, i) < 0)
                    Close($"float dLoss/dθ[{i / 5},{i % 5}] at {steps} steps, structs' Nabla vs flat", structGradientF[i], fusedF[i], 2e-4);
                else if (structGradientF[i] != 0)
                    Fail($"slot [{i / 5},{i % 5}] at {steps} steps has a nonzero float gradient (structs)");
        }
        var reciprocal64 = new double[B.ParameterCount];
        Close("loss (double), hand-written with reciprocals", BuildingSimulationManual.LossAndGradientReciprocal(p, n, reciprocal64), BuildingSimulationReference.Loss64, 0);
        for (int i = 0; i < B.ParameterCount; i++)
            Close($"dLoss/dθ[{i / 5},{i % 5}] (double, 20 steps), hand-written with reciprocals", reciprocal64[i], BuildingSimulationReference.Gradient64[i], 1e-9);
        var manual32 = new float[B.ParameterCount];
        BuildingSimulationManual.LossAndGradient(pf, n, manual32);
        var structs64 = S.ToFlat(S.Loss_ValueWithGradient(S.DefaultParameters(), n).Gradient);
        var structs32 = SF.ToFlat(SF.Loss_ValueWithGradient(SF.DefaultParameters(), n).Gradient);
        Close("loss (float), structs", SF.Loss(SF.DefaultParameters(), n), BuildingSimulationReference.Loss32, 0);
        for (int i = 0; i < B.ParameterCount; i++)
        {
            Close($"dLoss/dθ[{i / 5},{i % 5}] (float, 20 steps), hand-written", manual32[i], BuildingSimulationReference.Gradient32[i], 1e-4);
            Close($"dLoss/dθ[{i / 5},{i % 5}] (double, 20 steps), structs", structs64[i], BuildingSimulationReference.Gradient64[i], 1e-9);
            Close($"dLoss/dθ[{i / 5},{i % 5}] (float, 20 steps), structs", structs32[i], BuildingSimulationReference.Gradient32[i], 1e-4);
        }

        var (capacity, pushed) = TapeBytes(Precision.Double, 10_000);
        Console.WriteLine(failures == 0
            ? $"Checked: building simulation (flat and structs) matches the spec's values and Nabla's gradients the hand-written one (relative 1e-12) at 20 to 100,000 steps; tape {pushed / 10_000.0:F0} bytes per step pushed, {capacity / 10_000.0:F0} held (double, 10,000 steps)."
            : $"{failures} building-simulation checks failed.");
        return failures;
    }

    /// <summary>
    /// Tape memory of one Nabla gradient. Tapes are pooled per thread, so in steady state a call allocates only its
    /// result array (the memory diagnoser's Allocated column); this is the memory the tape occupies meanwhile:
    /// the bytes the pooled tapes hold after one fused call on a fresh thread (the pool starts empty; the tape grows by
    /// doubling, so up to twice what was pushed), and the bytes pushed, read from the split form's residuals (the
    /// generated <c>tapedouble</c>/<c>tapefloat</c> field) before its pullback pops them.
    /// </summary>
    public static (long CapacityBytes, long PushedBytes) TapeBytes(Precision type, int steps)
    {
        long capacity = 0, pushed;
        var thread = new Thread(() =>
        {
            if (type == Precision.Double) B.LossWithGradient(B.DefaultParameters(), steps);
            else B.LossWithGradientF(B.DefaultParametersF(), steps);
            var doubles = Enumerable.Range(0, 8).Select(_ => Tape<double>.Rent()).ToArray();
            var floats = Enumerable.Range(0, 8).Select(_ => Tape<float>.Rent()).ToArray();
            capacity = doubles.Sum(t => t.CapacityBytes) + floats.Sum(t => t.CapacityBytes);
            foreach (var t in doubles.Reverse()) t.Return();
            foreach (var t in floats.Reverse()) t.Return();
        });
        thread.Start();
        thread.Join();
        if (type == Precision.Double)
        {
            var p = B.DefaultParameters();
            B.Loss_Primal(p, steps, new double[p.Length], out var residuals);
            pushed = residuals.tapedouble.Count * sizeof(double);
            B.Loss_Pullback(in residuals, 1);
        }
        else
        {
            var p = B.DefaultParametersF();
            B.LossF_Primal(p, steps, new float[p.Length], out var residuals);
            pushed = residuals.tapefloat.Count * sizeof(float);
            B.LossF_Pullback(in residuals, 1);
        }
        return (capacity, pushed);
    }

    /// <summary>Prints the building-simulation table of a run and writes it as JSON beside the BenchmarkDotNet reports.</summary>
    public static void Report(IEnumerable<Summary> summaries)
    {
        var reports = summaries.SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(BuildingSimulationBenchmarks) && r.ResultStatistics != null)
            .ToList();
        if (reports.Count == 0) return;
        string Method(BenchmarkReport r) => r.BenchmarkCase.Descriptor.WorkloadMethod.Name;
        var rows = new List<Dictionary<string, object>>();
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Building simulation (flat array): mean time per call; ratios within one run");
        text.AppendLine("| type | steps | forward | Nabla gradient | into a buffer | hand-written | hand-written, reciprocals | Nabla ÷ forward | Nabla ÷ hand-written | hand-written ÷ forward | reciprocals ÷ forward | allocated per Nabla call | tape pushed per step | tape held per step |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in reports.GroupBy(r => ((Precision)r.BenchmarkCase.Parameters["Type"], (int)r.BenchmarkCase.Parameters["Steps"]))
                     .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2))
        {
            double Mean(string method) => group.FirstOrDefault(r => Method(r) == method)?.ResultStatistics?.Mean ?? double.NaN;
            long Allocated(string method)
            {
                var r = group.FirstOrDefault(x => Method(x) == method);
                return r == null ? -1 : r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? -1;
            }
            var (type, steps) = group.Key;
            double forward = Mean(nameof(Forward)), nabla = Mean(nameof(NablaGradient)), buffer = Mean(nameof(NablaGradientIntoBuffer)),
                manual = Mean(nameof(ManualGradient)), reciprocal = Mean(nameof(ManualGradientReciprocal));
            long allocated = Allocated(nameof(NablaGradient));
            var (tape, pushed) = TapeBytes(type, steps);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {type} | {steps:N0} | {Time(forward)} | {Time(nabla)} | {Time(buffer)} | {Time(manual)} | {Time(reciprocal)} | {nabla / forward:F2} | {nabla / manual:F2} | {manual / forward:F2} | {reciprocal / forward:F2} | {allocated} B | {(double)pushed / steps:F1} B | {(double)tape / steps:F1} B |"));
            rows.Add(new Dictionary<string, object>
            {
                ["type"] = type.ToString().ToLowerInvariant(), ["steps"] = steps, ["forward_ns"] = forward, ["nabla_ns"] = nabla,
                ["nabla_buffer_ns"] = buffer, ["manual_ns"] = manual, ["manual_reciprocal_ns"] = reciprocal, ["nabla_allocated_bytes"] = allocated,
                ["tape_capacity_bytes"] = tape, ["tape_pushed_bytes"] = pushed,
            });
        }
        text.AppendLine();
        text.AppendLine("Building simulation, [Differentiable] structs beside the flat array: mean time per call; ratios within one run");
        text.AppendLine("| type | steps | flat forward | flat gradient | structs forward | structs gradient | flat gradient ÷ forward | structs gradient ÷ forward | structs ÷ flat, forward | structs ÷ flat, gradient | allocated per structs gradient |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var group in reports.GroupBy(r => ((Precision)r.BenchmarkCase.Parameters["Type"], (int)r.BenchmarkCase.Parameters["Steps"]))
                     .OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Item2))
        {
            double Mean(string method) => group.FirstOrDefault(r => Method(r) == method)?.ResultStatistics?.Mean ?? double.NaN;
            var structReport = group.FirstOrDefault(x => Method(x) == nameof(StructGradient));
            long allocated = structReport == null ? -1 : structReport.GcStats.GetBytesAllocatedPerOperation(structReport.BenchmarkCase) ?? -1;
            var (type, steps) = group.Key;
            double forward = Mean(nameof(Forward)), nabla = Mean(nameof(NablaGradient)),
                structForward = Mean(nameof(StructForward)), structGradient = Mean(nameof(StructGradient));
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {type} | {steps:N0} | {Time(forward)} | {Time(nabla)} | {Time(structForward)} | {Time(structGradient)} | {nabla / forward:F2} | {structGradient / structForward:F2} | {structForward / forward:F2} | {structGradient / nabla:F2} | {allocated} B |"));
            var row = rows.FirstOrDefault(x => (string)x["type"] == type.ToString().ToLowerInvariant() && (int)x["steps"] == steps);
            if (row != null)
            {
                row["structs_forward_ns"] = structForward;
                row["structs_nabla_ns"] = structGradient;
                row["structs_nabla_allocated_bytes"] = allocated;
            }
        }
        Console.WriteLine(text.ToString());
        var directory = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "building-simulation.json");
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(rows, new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            // A filtered run leaves some columns NaN.
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        Console.WriteLine($"Written: {path} (eng/plot_building.py draws the plot from it)");
    }

    private static string Time(double ns) => double.IsNaN(ns) ? "–"
        : ns < 1e3 ? string.Create(CultureInfo.InvariantCulture, $"{ns:F0} ns")
        : ns < 1e6 ? string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:F2} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:F2} ms");
}
