// A first end-to-end check: one branching function, every generated form against finite differences.
using System;
using Xunit;

namespace Nabla.Tests;

public class SmokeTests
{
    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(1.7, 0.4)]
    [InlineData(-0.5, 2.0)]
    [InlineData(2.0, -1.0)]
    public void BranchyAgreesWithFiniteDifferencesInEveryForm(double x, double y)
    {
        double h = 1e-6;
        double fx = (Smoke.Branchy(x + h, y) - Smoke.Branchy(x - h, y)) / (2 * h);
        double fy = (Smoke.Branchy(x, y + h) - Smoke.Branchy(x, y - h)) / (2 * h);
        var (value, g) = Smoke.Branchy_ValueWithGradient(x, y);
        Assert.Equal(Smoke.Branchy(x, y), value);
        double v2 = Smoke.Branchy_Primal(x, y, out var residuals);
        Assert.Equal(value, v2);
        var g2 = Smoke.Branchy_Pullback(in residuals, 1.0);
        var jx = Smoke.Branchy_Jvp(x, y, 1, 0);
        var jy = Smoke.Branchy_Jvp(x, y, 0, 1);
        foreach (var (analytic, numeric) in new[] { (g.Item1, fx), (g.Item2, fy), (g2.Item1, fx), (g2.Item2, fy), (jx.Tangent, fx), (jy.Tangent, fy) })
            Assert.True(Math.Abs(analytic - numeric) < 1e-6 * (1 + Math.Abs(numeric)), $"{analytic} vs {numeric}");
    }

    [Fact]
    public void OperatorsFindGeneratedDerivatives()
    {
        Assert.Equal(27.0, Autodiff.Gradient(Smoke.Cubed, 3.0));
        Assert.Equal(27.0, Autodiff.Derivative(Smoke.Cubed, 3.0));
        var (value, gradient) = Autodiff.ValueWithGradient(Smoke.CallsCubed, 2.0, 3);
        Assert.Equal(8 * 3 + Math.Exp(2), value, 12);
        Assert.Equal(3 * 12 + Math.Exp(2), gradient.Item1, 12);
        Assert.Equal(0, gradient.Item2);
    }
}
