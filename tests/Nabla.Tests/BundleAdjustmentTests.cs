// ADBench bundle adjustment: the residuals and the sparse Jacobian (Nabla's three forms and the hand-written
// one) against ADBench's reference entries, hand-written against Nabla where the reference has no rows, and
// Nabla's reverse mode (one primal, a pullback per row) against its forward mode, column by column.
using System;
using System.Collections.Generic;
using Nabla.Workloads;
using Xunit;

namespace Nabla.Tests;

public class BundleAdjustmentTests
{
    private const string Ba1 = "ba1_n49_m7776_p31843";

    private static BaInput Read(string name) => BundleAdjustment.Read(SharedData.AdBench("ba", name + ".txt"));

    /// <summary>The reference entries (row, col, value) of observation 0's rows and its weight error's row.</summary>
    private static List<(int Row, int Col, double Value)> ReferenceBlock()
    {
        var entries = new List<(int, int, double)>();
        foreach (var line in System.IO.File.ReadAllLines(SharedData.AdBench("ba", Ba1 + ".J-block.txt")))
        {
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            entries.Add((int.Parse(parts[0]), int.Parse(parts[1]),
                double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return entries;
    }

    [Fact]
    public void ResidualsMatchAdBenchReference()
    {
        var input = Read(Ba1);
        var reproj = new double[2 * input.P];
        var wErr = new double[input.P];
        BundleAdjustment.Objective(input, reproj, wErr);
        // The file holds the first reprojection error (x, y) and the first weight error, to 18 digits, after a comment line.
        var values = ReadNumbers(SharedData.AdBench("ba", Ba1 + ".F-head.txt"));
        Assert.Equal(3, values.Count);
        // A few roundings in the same sequence of operations as ADBench's C++: 1e-12 relative.
        AssertRelative(values[0], reproj[0], 1e-12);
        AssertRelative(values[1], reproj[1], 1e-12);
        AssertRelative(values[2], wErr[0], 1e-12);
        // Every observation sees the same camera, point, weight and feature (ADBench's reader replicates them).
        for (int i = 1; i < input.P; i++)
        {
            Assert.Equal(reproj[0], reproj[2 * i]);
            Assert.Equal(reproj[1], reproj[2 * i + 1]);
            Assert.Equal(wErr[0], wErr[i]);
        }
    }

    public static IEnumerable<object[]> Forms() => new[]
    {
        new object[] { "operator" }, new object[] { "split reverse" }, new object[] { "one primal" },
        new object[] { "hand-written" },
    };

    private static BaJacobian Jacobian(string form, BaInput input)
    {
        var jacobian = new BaJacobian(input);
        switch (form)
        {
            case "operator": BundleAdjustment.JacobianByOperator(input, jacobian); break;
            case "split reverse": BundleAdjustment.JacobianBySplitReverse(input, jacobian); break;
            case "one primal": BundleAdjustment.JacobianByPrimalOncePullbackTwice(input, jacobian); break;
            case "hand-written": BundleAdjustmentManual.Jacobian(input, jacobian); break;
            default: throw new ArgumentException(form);
        }
        return jacobian;
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void JacobianMatchesAdBenchReference(string form)
    {
        var input = Read(Ba1);
        var jacobian = Jacobian(form, input);
        Assert.Equal(95529, input.Rows);
        Assert.Equal(55710, input.Columns);
        Assert.Equal(987133, input.NonZeros);
        Assert.Equal(input.NonZeros, jacobian.RowStart[input.Rows]);
        var reference = ReferenceBlock();
        Assert.Equal(31, reference.Count);
        foreach (var (row, col, value) in reference)
            AssertEntry(value, jacobian[row, col], $"({row}, {col})");

        // Every block holds the same values, in the columns of its own camera, point and weight.
        int pointBase = 11 * input.N, weightBase = pointBase + 3 * input.M;
        for (int i = 1; i < input.P; i++)
        {
            foreach (var (row, col, value) in reference)
            {
                int r = row < 2 ? 2 * i + row : 2 * input.P + i;
                int cAt = col < pointBase ? 11 * (i % input.N) + col
                    : col < weightBase ? pointBase + 3 * (i % input.M) + (col - pointBase)
                    : weightBase + i;
                if (jacobian[r, cAt] != jacobian[row, col])
                    Assert.Fail($"observation {i}: ({r}, {cAt}) = {jacobian[r, cAt]:R}, observation 0's = {jacobian[row, col]:R}");
            }
        }
    }

    /// <summary>
    /// Hand-written against Nabla's split reverse mode where the reference has nothing: the no-rotation
    /// branch of Rodrigues (θ = 0), and a camera and point away from the replicated ones.
    /// </summary>
    [Theory]
    [InlineData(0.0, 0.0, 0.0)]
    [InlineData(0.3, -0.2, 1.1)]
    [InlineData(-1e-3, 2e-3, 5e-4)]
    public void HandWrittenMatchesNablaOffTheReference(double r0, double r1, double r2)
    {
        var input = Perturbed(r0, r1, r2);
        var nabla = Jacobian("split reverse", input);
        var manual = Jacobian("hand-written", input);
        Assert.Equal(nabla.Cols, manual.Cols);
        for (int k = 0; k < nabla.Values.Length; k++)
        {
            // Scale: the largest entry of the entry's 15-column row (entries span ~1e-1 .. 1e3 within a row).
            int rowStart = k < 30 * input.P ? k - k % 15 : k;
            int rowEnd = k < 30 * input.P ? rowStart + 15 : k + 1;
            double scale = 0;
            for (int j = rowStart; j < rowEnd; j++) scale = Math.Max(scale, Math.Abs(nabla.Values[j]));
            if (!(Math.Abs(nabla.Values[k] - manual.Values[k]) <= 1e-10 * Math.Max(Math.Abs(nabla.Values[k]), 1e-3 * scale)))
                Assert.Fail($"value {k} (col {nabla.Cols[k]}): Nabla {nabla.Values[k]:R}, hand-written {manual.Values[k]:R}");
        }
    }

    /// <summary>ba1 with every camera and point moved by up to ±2.5 % and the rotations set to (r0, r1, r2) (r0 varying by camera).</summary>
    private static BaInput Perturbed(double r0, double r1, double r2)
    {
        var input = Read(Ba1);
        var rng = new Random(7);
        for (int j = 0; j < input.Cams.Length; j++)
            input.Cams[j] *= 1 + 0.05 * (rng.NextDouble() - 0.5);
        for (int cam = 0; cam < input.N; cam++)
        {
            input.Cams[11 * cam] = r0 * (1 + 0.1 * cam / input.N);
            input.Cams[11 * cam + 1] = r1;
            input.Cams[11 * cam + 2] = r2;
        }
        for (int j = 0; j < input.X.Length; j++)
            input.X[j] *= 1 + 0.05 * (rng.NextDouble() - 0.5);
        return input;
    }

    /// <summary>
    /// Nabla's reverse mode with one primal per observation and a pullback per row (which replays the pullback
    /// on the same residuals, sound because ReprojectionError has no loop and so no tape) against (1) the form
    /// that runs the primal again for each row: bit for bit, the same operations in the same order; and (2)
    /// Nabla's forward mode, <c>ReprojectionError_Jvp</c> along each of the 15 inputs: the same derivative
    /// accumulated in another order, 1e-12 of the largest entry of the row. Every observation, at both
    /// Rodrigues branches (θ = 0 and θ ≠ 0) and at a small rotation.
    /// </summary>
    [Theory]
    [InlineData(0.0, 0.0, 0.0)]
    [InlineData(0.3, -0.2, 1.1)]
    [InlineData(-1e-3, 2e-3, 5e-4)]
    public void OnePrimalReverseMatchesPerRowReverseAndForwardMode(double r0, double r1, double r2)
    {
        var input = Perturbed(r0, r1, r2);
        var once = Jacobian("one primal", input);
        var perRow = Jacobian("split reverse", input);
        Assert.Equal(perRow.Cols, once.Cols);
        for (int k = 0; k < once.Values.Length; k++)
            if (BitConverter.DoubleToInt64Bits(once.Values[k]) != BitConverter.DoubleToInt64Bits(perRow.Values[k]))
                Assert.Fail($"value {k}: one primal {once.Values[k]:R}, a primal per row {perRow.Values[k]:R}");

        var v = new double[15];
        var dv = new double[15];
        var err = new double[2];
        var dErr = new double[2];
        var column = new double[2, 15];
        for (int i = 0; i < input.P; i++)
        {
            Array.Copy(input.Cams, 11 * input.Obs[2 * i], v, 0, 11);
            Array.Copy(input.X, 3 * input.Obs[2 * i + 1], v, 11, 3);
            v[14] = input.W[i];
            for (int j = 0; j < 15; j++)
            {
                Array.Clear(dv);
                if (j < 14) dv[j] = 1;
                BundleAdjustment.ReprojectionError_Jvp(v, 0, v, 11, v[14], input.Feats[2 * i], input.Feats[2 * i + 1],
                    err, 0, dv, dv, j == 14 ? 1 : 0, dErr);
                column[0, j] = dErr[0];
                column[1, j] = dErr[1];
            }
            for (int r = 0; r < 2; r++)
            {
                double scale = 0;
                for (int j = 0; j < 15; j++) scale = Math.Max(scale, Math.Abs(column[r, j]));
                for (int j = 0; j < 15; j++)
                {
                    double reverse = once.Values[30 * i + 15 * r + j];
                    if (!(Math.Abs(reverse - column[r, j]) <= 1e-12 * scale))
                        Assert.Fail($"observation {i}, row {r}, input {j}: reverse {reverse:R}, forward {column[r, j]:R}");
                }
            }
        }
    }

    private static void AssertEntry(double expected, double actual, string where)
    {
        // The reference prints shortest round-trip doubles; ADBench's manual Jacobian and ours apply the chain
        // rule in different orders over ~30 operations (observed: at most 3e-15 relative): 1e-12 relative,
        // and 1e-12 absolute for the entries that are exactly zero.
        Assert.True(Math.Abs(actual - expected) <= 1e-12 * Math.Max(Math.Abs(expected), 1),
            $"{where}: {actual:R}, reference {expected:R}");
    }

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{actual:R}, reference {expected:R}");

    private static List<double> ReadNumbers(string path)
    {
        var values = new List<double>();
        foreach (var line in System.IO.File.ReadAllLines(path))
            if (!line.StartsWith('#') && line.Trim().Length > 0)
                values.Add(double.Parse(line.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        return values;
    }
}
