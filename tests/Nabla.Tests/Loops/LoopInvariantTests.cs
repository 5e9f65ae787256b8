// Arithmetic that does not change across iterations is moved out of loops before differentiation, so reverse mode
// keeps it once instead of taping it. Moved code runs even when the loop body does not: its pullback must then
// leave a zero adjoint at zero, not NaN through an infinite partial (b = 0 below, with no iteration).
using System;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class LoopInvariantFunctions
{
    [Differentiable]
    public static double InvariantQuotient(double a, double b, int n)
    {
        double s = 0;
        for (int i = 0; i < n; i++) s += a / b * i;
        return s + a;
    }

    /// <summary>A branch inside the loop guards the division; the quotient is invariant.</summary>
    [Differentiable]
    public static double GuardedInvariant(double a, double b, double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
            if (b != 0) s += x[i] * (a * a / b);
            else s += x[i];
        return s;
    }
}

public class LoopInvariantTests
{
    static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(1.5, 0.7, 5)]
    [InlineData(-2.0, 3.0, 1)]
    public void InvariantQuotient_MatchesTheClosedForm(double a, double b, int n)
    {
        double m = n * (n - 1) / 2.0;
        var (value, (da, db)) = LoopInvariantFunctions.InvariantQuotient_ValueWithGradient(a, b, n);
        Close(a / b * m + a, value);
        Close(m / b + 1, da);
        Close(-a * m / (b * b), db);
        var jvp = LoopInvariantFunctions.InvariantQuotient_Jvp(a, b, n, 0.3, -0.2);
        Close(0.3 * da - 0.2 * db, jvp.Tangent);
    }

    [Fact]
    public void NoIteration_AtADivisorOfZero_GivesTheTrueZeroNotNaN()
    {
        var (value, (da, db)) = LoopInvariantFunctions.InvariantQuotient_ValueWithGradient(2.0, 0.0, 0);
        Assert.Equal(2.0, value);
        Assert.Equal(1.0, da);
        Assert.Equal(0.0, db);
    }

    [Fact]
    public void BranchNotTaken_AtADivisorOfZero_GivesTheTrueGradient()
    {
        var x = new[] { 1.0, 2.0, 3.0 };
        var (value, (da, db, dx)) = LoopInvariantFunctions.GuardedInvariant_ValueWithGradient(2.0, 0.0, x);
        Assert.Equal(6.0, value);
        Assert.Equal(0.0, da);
        Assert.Equal(0.0, db);
        Assert.Equal(new[] { 1.0, 1.0, 1.0 }, dx);
        var (v2, (da2, db2, dx2)) = LoopInvariantFunctions.GuardedInvariant_ValueWithGradient(2.0, 0.5, x);
        Close(6 * 8.0, v2);
        Close(6 * 2 * 2.0 / 0.5, da2);
        Close(-6 * 4.0 / 0.25, db2);
        Assert.Equal(new[] { 8.0, 8.0, 8.0 }, dx2);
    }
}
