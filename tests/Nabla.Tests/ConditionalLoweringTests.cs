// Conditions the compiler decides (a constant condition leaves one branch unreachable), and an array element
// updated with a conditional right-hand side: C# reads the element before it evaluates the right-hand side.
using System;
using Xunit;

namespace Nabla.Tests;

public static partial class ConditionalLowering
{
    [Differentiable] public static double ConstantTernary(double x) => 0.25 <= -1.0 ? 1.5 : x * x;
#pragma warning disable CS0162 // the unreachable branch of a constant condition is the point
    [Differentiable] public static double ConstantIf(double x) { if (0.25 > 1.0) return x; return x * x; }
#pragma warning restore CS0162
    [Differentiable] public static double ConstantOr(double x) => (x > 5 || 1.5 > 1.0) ? x * x : 2 * x;

    [Differentiable]
    public static double WriteFirst(double x, double[] a)
    {
        a[0] = 3 * x;
        return x;
    }

    /// <summary>a[0] is read before the condition calls WriteFirst: the result is a0 + 0.5, whatever x.</summary>
    [Differentiable]
    public static double CompoundAroundAWrite(double x, double[] a)
    {
        a[0] += x >= WriteFirst(x, a) ? 0.5 : 0.25;
        return a[0];
    }

    /// <summary>Each element updated by a conditional amount.</summary>
    [Differentiable]
    public static double ConditionalUpdates(double[] a, double t)
    {
        for (int i = 0; i < a.Length; i++) a[i] *= a[i] > t ? t : a[i];
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i];
        return s;
    }
}

public class ConditionalLoweringTests
{
    [Theory]
    [InlineData(3.0)]
    [InlineData(-0.5)]
    public void ConstantConditions_LowerToTheBranchTaken(double x)
    {
        foreach (var (vwg, jvp) in new (Func<double, (double, double)>, Func<double, double, (double, double)>)[]
                 {
                     (ConditionalLowering.ConstantTernary_ValueWithGradient, ConditionalLowering.ConstantTernary_Jvp),
                     (ConditionalLowering.ConstantIf_ValueWithGradient, ConditionalLowering.ConstantIf_Jvp),
                     (ConditionalLowering.ConstantOr_ValueWithGradient, ConditionalLowering.ConstantOr_Jvp),
                 })
        {
            Assert.Equal((x * x, 2 * x), vwg(x));
            Assert.Equal(2 * x, jvp(x, 1).Item2);
        }
    }

    [Fact]
    public void CompoundAssignment_ReadsTheElementBeforeTheRightHandSide()
    {
        var a = new[] { 2.0 };
        Assert.Equal(2.5, ConditionalLowering.CompoundAroundAWrite(0.7, (double[])a.Clone()));
        var (value, (dx, da)) = ConditionalLowering.CompoundAroundAWrite_ValueWithGradient(0.7, (double[])a.Clone());
        Assert.Equal(2.5, value);
        Assert.Equal(0.0, dx);
        Assert.Equal(new[] { 1.0 }, da);
        var (v2, t2) = ConditionalLowering.CompoundAroundAWrite_Jvp(0.7, (double[])a.Clone(), 1.0, new[] { 0.0 });
        Assert.Equal(2.5, v2);
        Assert.Equal(0.0, t2);
    }

    [Fact]
    public void ConditionalElementUpdates_MatchTheClosedForm()
    {
        double[] a0 = { 0.5, 2.0, -1.0, 3.0 };
        const double t = 1.0;
        var (value, (da, dt)) = ConditionalLowering.ConditionalUpdates_ValueWithGradient((double[])a0.Clone(), t);
        // a_i > t: a_i·t (∂/∂a_i = t, ∂/∂t = a_i); else a_i² (∂/∂a_i = 2a_i).
        double expected = 0, expectedDt = 0;
        var expectedDa = new double[a0.Length];
        for (int i = 0; i < a0.Length; i++)
        {
            if (a0[i] > t) { expected += a0[i] * t; expectedDa[i] = t; expectedDt += a0[i]; }
            else { expected += a0[i] * a0[i]; expectedDa[i] = 2 * a0[i]; }
        }
        Assert.Equal(expected, value, 12);
        Assert.Equal(expectedDt, dt, 12);
        for (int i = 0; i < a0.Length; i++) Assert.Equal(expectedDa[i], da[i], 12);
    }
}
