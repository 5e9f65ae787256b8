// ADBench bundle adjustment (ba1: 31,843 observations; ba4: 204,472): the residuals (ADBench's objective),
// the sparse Jacobian by Nabla (the JacobianReverse operator on an inline lambda per observation, and the
// split reverse mode: a primal + pullback per row, or one primal and a pullback per row) and a hand-written Jacobian.
// Ratio = time ÷ objective (ADBench's figure of merit).
using System;
using BenchmarkDotNet.Attributes;
using Nabla.Workloads;

namespace Nabla.Benchmarks;

[MemoryDiagnoser]
public class BundleAdjustmentBenchmarks
{
    [Params("ba1_n49_m7776_p31843", "ba4_n372_m47423_p204472")]
    public string Instance { get; set; } = "ba1_n49_m7776_p31843";

    private BaInput _input = null!;
    private double[] _reproj = null!, _wErr = null!;
    private BaJacobian _jacobian = null!;

    [GlobalSetup]
    public void Setup()
    {
        _input = BundleAdjustment.Read(SharedData.AdBench("ba", Instance + ".txt"));
        _reproj = new double[2 * _input.P];
        _wErr = new double[_input.P];
        _jacobian = new BaJacobian(_input);
    }

    [Benchmark(Baseline = true, Description = "objective")]
    public double Objective()
    {
        BundleAdjustment.Objective(_input, _reproj, _wErr);
        return _reproj[0];
    }

    [Benchmark(Description = "Nabla Jacobian (JacobianReverse on a lambda)")]
    public double NablaJacobianOperator()
    {
        BundleAdjustment.JacobianByOperator(_input, _jacobian);
        return _jacobian.Values[0];
    }

    [Benchmark(Description = "Nabla Jacobian (split reverse)")]
    public double NablaJacobianSplit()
    {
        BundleAdjustment.JacobianBySplitReverse(_input, _jacobian);
        return _jacobian.Values[0];
    }

    [Benchmark(Description = "Nabla Jacobian (one primal, a pullback per row)")]
    public double NablaJacobianPrimalOnce()
    {
        BundleAdjustment.JacobianByPrimalOncePullbackTwice(_input, _jacobian);
        return _jacobian.Values[0];
    }

    [Benchmark(Description = "hand-written Jacobian")]
    public double ManualJacobian()
    {
        BundleAdjustmentManual.Jacobian(_input, _jacobian);
        return _jacobian.Values[0];
    }

    /// <summary>
    /// --verify: ba1's first residuals and every form's entries of observation 0 (rows 0, 1 and its weight
    /// error's row) against ADBench's reference files; tolerances as in tests/Nabla.Tests/BundleAdjustmentTests.cs.
    /// </summary>
    public static int Verify()
    {
        int failures = 0;
        void Fail(string message)
        {
            Console.Error.WriteLine("MISMATCH BA: " + message);
            failures++;
        }
        const string name = "ba1_n49_m7776_p31843";
        var input = BundleAdjustment.Read(SharedData.AdBench("ba", name + ".txt"));
        var reproj = new double[2 * input.P];
        var wErr = new double[input.P];
        BundleAdjustment.Objective(input, reproj, wErr);
        var head = Numbers(SharedData.AdBench("ba", name + ".F-head.txt"));
        double[] ours = { reproj[0], reproj[1], wErr[0] };
        for (int k = 0; k < 3; k++)
            if (!(Math.Abs(ours[k] - head[k][0]) <= 1e-12 * Math.Abs(head[k][0])))
                Fail($"residual {k}: {ours[k]:R}, reference {head[k][0]:R}");

        var block = Numbers(SharedData.AdBench("ba", name + ".J-block.txt"));
        foreach (var (form, compute) in new (string, Action<BaInput, BaJacobian>)[]
                 {
                     ("JacobianReverse", BundleAdjustment.JacobianByOperator),
                     ("split reverse", BundleAdjustment.JacobianBySplitReverse),
                     ("one primal, a pullback per row", BundleAdjustment.JacobianByPrimalOncePullbackTwice),
                     ("hand-written", BundleAdjustmentManual.Jacobian),
                 })
        {
            var jacobian = new BaJacobian(input);
            compute(input, jacobian);
            if (jacobian.RowStart[input.Rows] != 987133)
                Fail($"{form}: {jacobian.RowStart[input.Rows]} non-zeros, reference 987133");
            foreach (var entry in block)
            {
                int row = (int)entry[0], col = (int)entry[1];
                double expected = entry[2], actual = jacobian[row, col];
                if (!(Math.Abs(actual - expected) <= 1e-12 * Math.Max(Math.Abs(expected), 1)))
                    Fail($"{form} ({row}, {col}): {actual:R}, reference {expected:R}");
            }
        }
        Console.WriteLine(failures == 0
            ? "Checked: BA residuals (1e-12) and the Jacobian entries of observation 0 by JacobianReverse, split reverse (a primal per row, and one primal with a pullback per row) and by hand (1e-12) against ADBench's ba1 reference."
            : $"{failures} BA checks failed.");
        return failures;

        static System.Collections.Generic.List<double[]> Numbers(string path)
        {
            var rows = new System.Collections.Generic.List<double[]>();
            foreach (var line in System.IO.File.ReadAllLines(path))
            {
                if (line.StartsWith('#') || line.Trim().Length == 0) continue;
                rows.Add(Array.ConvertAll(line.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                    t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)));
            }
            return rows;
        }
    }
}
