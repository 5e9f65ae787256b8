// ADBench GMM: Nabla's gradient of the objective written as plain C# against ADBench's reference gradients.
using System;
using Nabla.Workloads;
using Xunit;

namespace Nabla.Tests;

public class GmmTests
{
    [Theory]
    [InlineData("1k", "gmm_d10_K25")]
    [InlineData("1k", "gmm_d64_K50")]
    [InlineData("10k", "gmm_d10_K25")]
    public void GradientMatchesAdBenchReference(string folder, string name)
    {
        var input = Gmm.Read(SharedData.AdBench("gmm", folder, name + ".txt"));
        var reference = SharedData.ReadValues(SharedData.AdBench("gmm", folder, name + ".J.txt"));
        AssertMatchesReference("Nabla", Gmm.Gradient(input), reference);
    }

    /// <summary>
    /// Every component within 1e-8 relative of ADBench's reference gradient, with a floor at 1e-8 of 1e-3 of the
    /// gradient's scale for components near zero.
    /// </summary>
    internal static void AssertMatchesReference(string who, double[] gradient, double[] reference)
    {
        Assert.Equal(reference.Length, gradient.Length);
        double scale = 0;
        foreach (var r in reference) scale = Math.Max(scale, Math.Abs(r));
        for (int i = 0; i < reference.Length; i++)
        {
            double tolerance = 1e-8 * Math.Max(Math.Abs(reference[i]), 1e-3 * scale);
            Assert.True(Math.Abs(gradient[i] - reference[i]) <= tolerance,
                $"component {i}: {who} {gradient[i]:R}, reference {reference[i]:R}");
        }
    }

    [Fact]
    public void ObjectiveMatchesAdBenchValue()
    {
        var input = Gmm.Read(SharedData.AdBench("gmm", "1k", "gmm_d10_K25.txt"));
        Assert.Equal(-25649.6526211976197, Gmm.Objective(input), 8);
    }
}
