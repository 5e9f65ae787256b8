// ADBench GMM: the hand-written gradient (the lower bound Nabla is measured against) against ADBench's reference.
using System;
using Nabla.Workloads;
using Xunit;

namespace Nabla.Tests;

public class GmmManualTests
{
    [Theory]
    [InlineData("1k", "gmm_d10_K25")]
    [InlineData("1k", "gmm_d64_K50")]
    [InlineData("10k", "gmm_d10_K25")]
    public void ManualGradientMatchesAdBenchReference(string folder, string name)
    {
        var input = Gmm.Read(SharedData.AdBench("gmm", folder, name + ".txt"));
        var reference = SharedData.ReadValues(SharedData.AdBench("gmm", folder, name + ".J.txt"));
        var gradient = new double[input.ParameterCount];
        GmmManual.ObjectiveAndGradient(input, gradient);
        GmmTests.AssertMatchesReference("manual", gradient, reference); // the same tolerance as Nabla's gradient
    }

    [Theory]
    [InlineData("1k", "gmm_d10_K25")]
    [InlineData("1k", "gmm_d64_K50")]
    [InlineData("10k", "gmm_d10_K25")]
    public void ManualObjectiveMatchesTheObjective(string folder, string name)
    {
        var input = Gmm.Read(SharedData.AdBench("gmm", folder, name + ".txt"));
        double objective = Gmm.Objective(input);
        double manual = GmmManual.ObjectiveAndGradient(input, new double[input.ParameterCount]);
        Assert.True(Math.Abs(manual - objective) <= 1e-10 * Math.Abs(objective), $"manual {manual:R}, objective {objective:R}");
    }

    [Theory]
    [InlineData("1k", "gmm_d10_K25")]
    [InlineData("1k", "gmm_d64_K50")]
    [InlineData("10k", "gmm_d10_K25")]
    public void PerPointGradientMatchesAdBenchReference(string folder, string name)
    {
        var input = Gmm.Read(SharedData.AdBench("gmm", folder, name + ".txt"));
        var reference = SharedData.ReadValues(SharedData.AdBench("gmm", folder, name + ".J.txt"));
        var gradient = new double[input.ParameterCount];
        for (int i = 0; i < gradient.Length; i++) gradient[i] = double.NaN; // what the caller's buffer held must not count
        double value = GmmManualPerPoint.ObjectiveAndGradient(input, gradient);
        double objective = Gmm.Objective(input);
        Assert.True(Math.Abs(value - objective) <= 1e-10 * Math.Abs(objective), $"per point {value:R}, objective {objective:R}");
        GmmTests.AssertMatchesReference("per point", gradient, reference);
    }

    [Fact]
    public void ManualObjectiveMatchesAdBenchValue()
    {
        var input = Gmm.Read(SharedData.AdBench("gmm", "1k", "gmm_d10_K25.txt"));
        Assert.Equal(-25649.6526211976197, GmmManual.ObjectiveAndGradient(input, new double[input.ParameterCount]), 8);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(997)]
    public void ManualMatchesNablaWhenPointsDoNotFillAChunk(int points)
    {
        // The manual gradient works on chunks of points; a partial last chunk must not count its padding.
        var full = Gmm.Read(SharedData.AdBench("gmm", "1k", "gmm_d10_K25.txt"));
        var input = new GmmInput
        {
            D = full.D, K = full.K, N = points, Alphas = full.Alphas, Means = full.Means, Icf = full.Icf,
            X = full.X.AsSpan(0, points * full.D).ToArray(), Gamma = full.Gamma, M = full.M,
        };
        var nabla = Gmm.Gradient(input);
        var manual = new double[input.ParameterCount];
        double value = GmmManual.ObjectiveAndGradient(input, manual);
        double objective = Gmm.Objective(input);
        Assert.True(Math.Abs(value - objective) <= 1e-10 * Math.Abs(objective), $"manual {value:R}, objective {objective:R}");
        double scale = 0;
        foreach (var r in nabla) scale = Math.Max(scale, Math.Abs(r));
        for (int i = 0; i < nabla.Length; i++)
            Assert.True(Math.Abs(manual[i] - nabla[i]) <= 1e-9 * Math.Max(Math.Abs(nabla[i]), 1e-3 * scale),
                $"component {i}: manual {manual[i]:R}, Nabla {nabla[i]:R}");
    }

    [Theory]
    [InlineData(1, 1, 5)]
    [InlineData(2, 3, 9)]
    [InlineData(3, 2, 70)]
    [InlineData(5, 3, 33)]
    [InlineData(7, 4, 130)]
    [InlineData(9, 2, 16)]
    public void ManualMatchesNablaOnSmallShapesWithAPrior(int d, int k, int n)
    {
        // Shapes the ADBench files do not have (D not a multiple of four, one component, a few points) and
        // a Wishart prior that is not the files' γ = 1, m = 0.
        var random = new Random(d * 100 + k * 10 + n);
        double Next(double scale) => scale * (2 * random.NextDouble() - 1);
        var input = new GmmInput { D = d, K = k, N = n, Gamma = 1.7, M = 2 };
        input.Alphas = new double[k];
        input.Means = new double[k * d];
        input.Icf = new double[k * d * (d + 1) / 2];
        input.X = new double[n * d];
        for (int i = 0; i < input.Alphas.Length; i++) input.Alphas[i] = Next(1);
        for (int i = 0; i < input.Means.Length; i++) input.Means[i] = Next(1);
        for (int i = 0; i < input.Icf.Length; i++) input.Icf[i] = Next(0.5);
        for (int i = 0; i < input.X.Length; i++) input.X[i] = Next(1.5);

        var nabla = Gmm.Gradient(input);
        var manual = new double[input.ParameterCount];
        double value = GmmManual.ObjectiveAndGradient(input, manual);
        double objective = Gmm.Objective(input);
        Assert.True(Math.Abs(value - objective) <= 1e-12 * Math.Max(1, Math.Abs(objective)), $"manual {value:R}, objective {objective:R}");
        double scale = 0;
        foreach (var r in nabla) scale = Math.Max(scale, Math.Abs(r));
        for (int i = 0; i < nabla.Length; i++)
            Assert.True(Math.Abs(manual[i] - nabla[i]) <= 1e-10 * Math.Max(Math.Abs(nabla[i]), scale),
                $"component {i}: manual {manual[i]:R}, Nabla {nabla[i]:R}");
    }

    [Fact]
    public void RepeatedCallsGiveTheSameGradient()
    {
        // Scratch is reused per thread, across instances of different shapes too.
        var small = Gmm.Read(SharedData.AdBench("gmm", "1k", "gmm_d10_K25.txt"));
        var large = Gmm.Read(SharedData.AdBench("gmm", "1k", "gmm_d64_K50.txt"));
        var first = new double[small.ParameterCount];
        double f1 = GmmManual.ObjectiveAndGradient(small, first);
        GmmManual.ObjectiveAndGradient(large, new double[large.ParameterCount]);
        var second = new double[small.ParameterCount];
        for (int i = 0; i < second.Length; i++) second[i] = double.NaN;
        double f2 = GmmManual.ObjectiveAndGradient(small, second);
        Assert.Equal(f1, f2);
        Assert.Equal(first, second);
    }
}
