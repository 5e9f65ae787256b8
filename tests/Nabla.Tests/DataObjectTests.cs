// Data objects built inside differentiated code with an object initializer (an options struct, a settings class, a
// record with init-only members): they are data, so the derivative is the one of the arithmetic around them.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public struct SolverOptions { public int Steps; public double Damping; public bool Clamp; }

public class SolverSettings { public int Iterations { get; set; } = 2; public double Tolerance; public string Name = ""; }

public record SolverLimits { public double Upper { get; init; } = 10; public int Depth { get; init; } }

public static partial class DataObjectFunctions
{
    [Differentiable]
    public static double Iterate(double x)
    {
        var options = new SolverOptions { Steps = 3, Damping = 0.5, Clamp = true };
        var settings = new SolverSettings { Tolerance = 1e-3, Name = "outer" };
        var limits = new SolverLimits { Depth = 2 };
        double y = x;
        for (int i = 0; i < options.Steps + settings.Iterations; i++)
            y = y * x * options.Damping;
        return options.Clamp && y > limits.Upper ? limits.Upper : y * limits.Depth;
    }

    [Differentiable]
    public static double WithBranchesInTheInitializers(double x, int n)
    {
        var options = new SolverOptions { Steps = n > 2 ? 3 : 1, Damping = x > 0 ? 0.5 : 0.25, Clamp = n > 0 && x < 100 };
        var settings = new SolverSettings { Name = n > 1 ? "many" : "one", Tolerance = n < 0 ? 1e-6 : 1e-3 };
        var limits = new SolverLimits { Depth = n > 2 ? 2 : 1 };
        double y = x;
        for (int i = 0; i < options.Steps; i++) y = y * x * options.Damping;
        return options.Clamp && settings.Name.Length > 0 ? y * limits.Depth : y;
    }
}

public class DataObjectTests
{
    static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(0.8)]
    [InlineData(-1.3)]
    [InlineData(2.5)]
    public void ObjectInitializersOfDataObjects_AreData(double x)
    {
        // y = x⁶ / 2⁵ (five steps), doubled, or clamped at 10 (derivative 0).
        double y = Math.Pow(x, 6) / 32;
        double expected = y > 10 ? 0 : 2 * 6 * Math.Pow(x, 5) / 32;
        Close(expected, Derivative(DataObjectFunctions.Iterate, x));
        Close(expected, Gradient(DataObjectFunctions.Iterate, x));
        double k = 1.5;
        var inLambda = Gradient(t => { var o = new SolverOptions { Steps = 2, Damping = k }; return o.Damping * t * t * o.Steps; }, x);
        Close(2 * k * 2 * x, inLambda);
    }

    [Theory]
    [InlineData(0.8, 3)]
    [InlineData(-1.3, 1)]
    [InlineData(1.7, 0)]
    public void ObjectInitializersWithBranches_AreData(double x, int n)
    {
        // Was NABLA0002 ("this object initializer"): y = x^(s+1) dᵃ with s steps of damping d, doubled when clamped.
        int steps = n > 2 ? 3 : 1;
        double damping = x > 0 ? 0.5 : 0.25;
        double depth = n > 0 && x < 100 ? (n > 2 ? 2 : 1) : 1;
        double expected = depth * (steps + 1) * Math.Pow(x, steps) * Math.Pow(damping, steps);
        Close(expected, Derivative(t => DataObjectFunctions.WithBranchesInTheInitializers(t, n), x));
        Close(expected, Gradient(t => DataObjectFunctions.WithBranchesInTheInitializers(t, n), x));
    }
}
