// F_ValueWithGradient of a function of two to four scalar inputs and no arrays is vector forward mode: one tangent
// lane per input, seeded with that input's unit vector. These functions exercise what lanes change: a value active in
// one lane and not in another (x / 2 has no y-tangent; the NRE this once hit), % and /, multi-input rules, a
// differentiable struct local, a loop whose trip count depends on the inputs, and a loop that leaves early. Each is
// checked by Check.Gradient (closed form or a derivative replayed by hand, finite differences, forward mode
// against the split reverse mode, which is still reverse mode).
using System;
using Nabla.Tests.Types;
using Xunit;
using V = Nabla.Tests.VectorForward;

namespace Nabla.Tests;

public static partial class VectorForward
{
    /// <summary>a / 2 carries only an x-tangent; a / b and x % b carry both.</summary>
    [Differentiable]
    public static double Ratios(double x, double y)
    {
        double a = x * 3;
        double b = y + 1;
        return a / 2 + a / b + x % b;
    }

    /// <summary>Rules of two inputs (Atan2, Pow, Hypot) and three (FusedMultiplyAdd) over four inputs.</summary>
    [Differentiable]
    public static double Rules(double x, double y, double z, double w) =>
        Math.Atan2(y, x) * Math.Pow(z, w) + double.Hypot(x, w) + Math.FusedMultiplyAdd(x, y, z);

    /// <summary>A differentiable struct built from both inputs and read back.</summary>
    [Differentiable]
    public static double StructLocal(double x, double y)
    {
        var interval = new Interval(x, x + y);
        return interval.Lo * interval.Hi + interval.Hi;
    }

    /// <summary>Newton's iteration for √(a·b + c), run until converged: the trip count depends on the inputs.</summary>
    [Differentiable]
    public static double NewtonRoot(double a, double b, double c)
    {
        double s = a * b + c;
        double t = s;
        int guard = 0;
        while (Math.Abs(t * t - s) > 1e-15 * s && guard++ < 100)
            t = 0.5 * (t + s / t);
        return t * a;
    }

    /// <summary>Inputs of two precisions: each gradient component has its input's type.</summary>
    [Differentiable]
    public static double MixedPrecision(float x, double y, int n) => n * x * Math.Sin(y) + (double)x * x;

    /// <summary>Explicit Euler steps of a damped oscillator that stop once x passes 1.2.</summary>
    [Differentiable]
    public static double DampedSteps(double x, double v)
    {
        for (int k = 0; k < 60; k++)
        {
            double acceleration = -x - 0.1 * v;
            if (x > 1.2)
                break;
            x += 0.05 * v;
            v += 0.05 * acceleration;
        }
        return x * x + v;
    }

    /// <summary>The same steps with their forward-mode derivative written by hand: (value, ∂/∂x0, ∂/∂v0).</summary>
    public static (double Value, double Dx, double Dv) DampedStepsByHand(double x, double v)
    {
        // Columns: derivatives of (x, v) with respect to x0 and v0.
        double xx = 1, xv = 0, vx = 0, vv = 1;
        for (int k = 0; k < 60; k++)
        {
            double ax = -xx - 0.1 * vx, av = -xv - 0.1 * vv;
            double acceleration = -x - 0.1 * v;
            if (x > 1.2)
                break;
            x += 0.05 * v;
            xx += 0.05 * vx;
            xv += 0.05 * vv;
            v += 0.05 * acceleration;
            vx += 0.05 * ax;
            vv += 0.05 * av;
        }
        return (x * x + v, 2 * x * xx + vx, 2 * x * xv + vv);
    }
}

public class VectorForwardTests
{
    static readonly Differentiated Ratios = Fn.Of<V.Ratios_Residuals>(V.Ratios, V.Ratios_Jvp, V.Ratios_ValueWithGradient, V.Ratios_Primal, V.Ratios_Pullback, V.Ratios_ValueWithPullback);
    static readonly Differentiated Rules = Fn.Of<V.Rules_Residuals>(V.Rules, V.Rules_Jvp, V.Rules_ValueWithGradient, V.Rules_Primal, V.Rules_Pullback, V.Rules_ValueWithPullback);
    static readonly Differentiated StructLocal = Fn.Of<V.StructLocal_Residuals>(V.StructLocal, V.StructLocal_Jvp, V.StructLocal_ValueWithGradient, V.StructLocal_Primal, V.StructLocal_Pullback, V.StructLocal_ValueWithPullback);

    [Theory]
    [InlineData(2.3, 0.4)]   // x / b = 1.64: x % b = x - b
    [InlineData(-1.7, 2.5)]  // x / b = -0.49: x % b = x
    [InlineData(5.2, 0.9)]   // x / b = 2.74: x % b = x - 2b
    public void ValueActiveInOneLaneOnly(double x, double y)
    {
        double a = 3 * x, b = y + 1;
        Check.Gradient(Ratios, [x, y], [1.5 + 3 / b + 1, -a / (b * b) - Math.Truncate(x / b)]);
    }

    [Theory]
    [InlineData(1.5, 0.7, 2.0, 1.3)]
    [InlineData(-0.8, 1.1, 0.6, -2.2)]
    [InlineData(0.3, -2.0, 3.5, 0.5)]
    public void RulesOfSeveralInputs(double x, double y, double z, double w)
    {
        double angle = Math.Atan2(y, x), power = Math.Pow(z, w), hypot = double.Hypot(x, w), r2 = x * x + y * y;
        Check.Gradient(Rules, [x, y, z, w],
        [
            -y / r2 * power + x / hypot + y,
            x / r2 * power + x,
            angle * w * Math.Pow(z, w - 1) + 1,
            angle * power * Math.Log(z) + w / hypot,
        ]);
    }

    [Theory]
    [InlineData(1.25, -0.5)]
    [InlineData(-2.0, 3.0)]
    public void DifferentiableStructLocal(double x, double y) =>
        Check.Gradient(StructLocal, [x, y], [2 * x + y + 1, x + 1], value: x * (x + y) + x + y);

    [Theory]
    [InlineData(1.5f, 0.25, 3)]
    [InlineData(-2.0f, 2.0, 1)]
    public void InputsOfTwoPrecisions(float x, double y, int n)
    {
        var (value, (dx, dy)) = V.MixedPrecision_ValueWithGradient(x, y, n);
        Assert.Equal(V.MixedPrecision(x, y, n), value);
        Assert.IsType<float>(dx);
        Assert.Equal((float)(n * Math.Sin(y) + 2.0 * x), dx, 5);
        Assert.Equal(n * x * Math.Cos(y), dy, 12);
        var (_, tangent) = V.MixedPrecision_Jvp(x, y, n, 0f, 1.0);
        Assert.Equal(dy, tangent, 12);
    }

    // Loops: the pullback consumes its tapes, so these use the loop checker (each split call runs the first half again).

    [Theory]
    [InlineData(2.0, 3.0, 1.0)]
    [InlineData(0.5, 0.25, 4.0)]
    [InlineData(7.0, 11.0, 0.125)]
    public void LoopWhoseTripCountDependsOnTheInputs(double a, double b, double c)
    {
        double t = Math.Sqrt(a * b + c);
        Loops.Check.Gradient(x => V.NewtonRoot(x[0], x[1], x[2]),
            x => { var (v, (ga, gb, gc)) = V.NewtonRoot_ValueWithGradient(x[0], x[1], x[2]); return (v, new[] { ga, gb, gc }); },
            (x, seed) => { double v = V.NewtonRoot_Primal(x[0], x[1], x[2], out var r); var (ga, gb, gc) = V.NewtonRoot_Pullback(in r, seed); return (v, new[] { ga, gb, gc }); },
            (x, d) => V.NewtonRoot_Jvp(x[0], x[1], x[2], d[0], d[1], d[2]),
            [a, b, c], [t + a * b / (2 * t), a * a / (2 * t), a / (2 * t)], closedFormTolerance: 1e-10);
    }

    [Theory]
    [InlineData(0.2, 1.5)]   // passes 1.2 and breaks
    [InlineData(-0.5, 0.3)]  // runs all 60 steps
    [InlineData(1.0, 2.0)]   // breaks after three steps
    public void LoopThatLeavesEarly(double x0, double v0)
    {
        var (value, dx, dv) = V.DampedStepsByHand(x0, v0);
        Assert.Equal(value, V.DampedSteps(x0, v0));
        Loops.Check.Gradient(x => V.DampedSteps(x[0], x[1]),
            x => { var (v, (gx, gv)) = V.DampedSteps_ValueWithGradient(x[0], x[1]); return (v, new[] { gx, gv }); },
            (x, seed) => { double v = V.DampedSteps_Primal(x[0], x[1], out var r); var (gx, gv) = V.DampedSteps_Pullback(in r, seed); return (v, new[] { gx, gv }); },
            (x, d) => V.DampedSteps_Jvp(x[0], x[1], d[0], d[1]),
            [x0, v0], [dx, dv]);
    }
}
