using System;
using Xunit;
using Xunit.Abstractions;

namespace Nabla.Tests;

public class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Branchy()
    {
        foreach (var (x, y) in new[] { (0.7, 1.3), (1.7, 0.4), (-0.5, 2.0), (2.0, -1.0) })
        {
            var (v, g) = Scratch.Branchy_ValueWithGradient(x, y);
            double v2 = Scratch.Branchy_Primal(x, y, out var res);
            var g2 = Scratch.Branchy_Pullback(in res, 1.0);
            var j1 = Scratch.Branchy_Jvp(x, y, 1, 0);
            var j2 = Scratch.Branchy_Jvp(x, y, 0, 1);
            double h = 1e-6;
            double fx = (Scratch.Branchy(x + h, y) - Scratch.Branchy(x - h, y)) / (2 * h);
            double fy = (Scratch.Branchy(x, y + h) - Scratch.Branchy(x, y - h)) / (2 * h);
            output.WriteLine($"{x},{y}: v={v} {v2} {j1.Value} g=({g.Item1},{g.Item2}) split=({g2.Item1},{g2.Item2}) jvp=({j1.Tangent},{j2.Tangent}) fd=({fx},{fy})");
            Assert.Equal(fx, g.Item1, 5);
            Assert.Equal(fy, g.Item2, 5);
            Assert.Equal(fx, g2.Item1, 5);
            Assert.Equal(fy, g2.Item2, 5);
            Assert.Equal(fx, j1.Tangent, 5);
            Assert.Equal(fy, j2.Tangent, 5);
        }
        Assert.Equal(27.0, Autodiff.Gradient(Scratch.Cubed, 3.0));
        Assert.Equal(27.0, Autodiff.Derivative(Scratch.Cubed, 3.0));
        var (cv, cg) = Autodiff.ValueWithGradient(Scratch.CallsCubed, 2.0, 3);
        output.WriteLine($"CallsCubed {cv} {cg}");
        Assert.Equal(3 * 12 + Math.Exp(2), cg.Item1, 10);
    }
}
