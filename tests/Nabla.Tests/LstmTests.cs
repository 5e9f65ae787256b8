// ADBench LSTM: the objective and Nabla's gradient against ADBench's reference values, and the
// hand-written gradient (the lower bound in the benchmarks) against Nabla's.
using System;
using Nabla.Workloads;
using Xunit;

namespace Nabla.Tests;

public class LstmTests
{
    private static LstmInput Read(string name) => Lstm.Read(SharedData.AdBench("lstm", name + ".txt"));

    [Fact]
    public void ObjectiveMatchesAdBenchValue()
    {
        // The reference value is printed to 18 digits; the loss is a mean of 14,322 terms of size ~1, summed
        // in the same order as the C++ reference, so only rounding in exp/tanh/log can differ: 1e-12 relative.
        double objective = Lstm.Objective(Read("lstm_l2_c1024"));
        Assert.True(Math.Abs(objective - 0.666665179558852183) <= 1e-12 * 0.666665179558852183, $"objective {objective:R}");
    }

    [Fact]
    public void GradientMatchesAdBenchReference()
    {
        var input = Read("lstm_l2_c1024");
        var reference = SharedData.ReadValues(SharedData.AdBench("lstm", "lstm_l2_c1024.J.txt"));
        var gradient = Lstm.Gradient(input);
        Assert.Equal(266, reference.Length);
        Assert.Equal(reference.Length, gradient.Length);
        double scale = 0;
        foreach (var r in reference) scale = Math.Max(scale, Math.Abs(r));
        for (int i = 0; i < reference.Length; i++)
        {
            // The file carries 17 significant digits, so it limits nothing; the two gradients sum 1,023 steps'
            // contributions in different orders (ADBench's manual derivative versus a generated adjoint), which
            // moved them by at most 1e-14 relative when this was written. 1e-12 relative, floored at 1e-12 of
            // 1e-3 of the largest component (18 components are exactly zero: characters never seen there).
            double tolerance = 1e-12 * Math.Max(Math.Abs(reference[i]), 1e-3 * scale);
            Assert.True(Math.Abs(gradient[i] - reference[i]) <= tolerance,
                $"component {i}: Nabla {gradient[i]:R}, reference {reference[i]:R}");
        }
    }

    [Theory]
    [InlineData("lstm_l2_c1024")]
    [InlineData("lstm_l4_c1024")]
    public void ManualGradientMatchesNabla(string name)
    {
        var input = Read(name);
        var dMain = new double[input.MainParams.Length];
        var dExtra = new double[input.ExtraParams.Length];
        double nablaValue = Lstm.ValueWithGradient(input, dMain, dExtra);
        var mMain = new double[dMain.Length];
        var mExtra = new double[dExtra.Length];
        double manualValue = LstmManual.ObjectiveAndGradient(input, mMain, mExtra);
        Assert.True(Math.Abs(manualValue - Lstm.Objective(input)) <= 1e-12 * Math.Abs(manualValue), $"manual {manualValue:R}");
        Assert.True(Math.Abs(nablaValue - Lstm.Objective(input)) <= 1e-12 * Math.Abs(nablaValue), $"Nabla {nablaValue:R}");
        AssertClose("main", dMain, mMain);
        AssertClose("extra", dExtra, mExtra);

        static void AssertClose(string what, double[] nabla, double[] manual)
        {
            double scale = 0;
            foreach (var v in nabla) scale = Math.Max(scale, Math.Abs(v));
            Assert.True(scale > 0);
            for (int i = 0; i < nabla.Length; i++)
                Assert.True(Math.Abs(nabla[i] - manual[i]) <= 1e-10 * Math.Max(Math.Abs(nabla[i]), 1e-3 * scale),
                    $"{what}[{i}]: Nabla {nabla[i]:R}, manual {manual[i]:R}");
        }
    }

    [Fact]
    public void ObjectiveLeavesTheInitialStateUnchanged()
    {
        var input = Read("lstm_l2_c1024");
        var state = (double[])input.State.Clone();
        Lstm.Gradient(input);
        LstmManual.ObjectiveAndGradient(input, new double[input.MainParams.Length], new double[input.ExtraParams.Length]);
        Assert.Equal(state, input.State);
    }
}
