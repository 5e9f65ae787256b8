// switch statements (on ints, enums, with goto case and default), switch expressions with relational and
// and/or/not patterns, and `is` patterns, inside loops: the path taken is data, each iteration's branch
// is differentiated as it ran.
using System;
using System.Linq;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public enum Op
{
    Add,
    Multiply,
    Square,
    Skip,
}

public static partial class Switches
{
    /// <summary>A switch on int with goto case: case 1 squares, then falls into case 0 by goto case.</summary>
    [Differentiable]
    public static double GotoCase(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            switch (i % 4)
            {
                case 0:
                    s += v;
                    break;
                case 1:
                    v = v * v;
                    goto case 0;
                case 2:
                    s *= Math.Cos(v);
                    break;
                default:
                    s -= Math.Sin(v) * 0.5;
                    break;
            }
        }
        return s;
    }

    /// <summary>A switch on an enum read from a data array, one operation per element.</summary>
    [Differentiable]
    public static double ApplyOps(double[] x, Op[] ops)
    {
        double acc = 1;
        for (int i = 0; i < x.Length; i++)
        {
            switch (ops[i])
            {
                case Op.Add:
                    acc += x[i];
                    break;
                case Op.Multiply:
                    acc *= x[i];
                    break;
                case Op.Square:
                    acc = acc * acc + x[i];
                    break;
                case Op.Skip:
                    break;
            }
        }
        return acc;
    }

    /// <summary>A switch expression on an enum parameter, evaluated in every iteration.</summary>
    [Differentiable]
    public static double Activation(double[] x, Op kind)
    {
        double s = 0;
        foreach (double v in x)
        {
            s += kind switch
            {
                Op.Add => v,
                Op.Multiply => v * v,
                Op.Square => Math.Tanh(v),
                _ => 0,
            };
        }
        return s;
    }

    /// <summary>A piecewise loss by a switch expression with relational patterns, summed in a loop.</summary>
    [Differentiable]
    public static double PiecewiseLoss(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            s += v switch
            {
                < -1 => -2 * v - 1,
                < 0 => v * v,
                >= 0 and < 1 => 0.5 * v * v * v + 0.5 * v * v,
                _ => Math.Log(v) + 1,
            };
        }
        return s;
    }

    /// <summary>`is` patterns with and, or, not.</summary>
    [Differentiable]
    public static double IsPatterns(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            if (v is > 0 and < 1 or > 2) s += v * v;
            else if (v is not < -1) s += Math.Exp(v);
            else s -= v;
        }
        return s;
    }

    /// <summary>A switch expression on the loop index: a stencil whose weights depend on the position.</summary>
    [Differentiable]
    public static double IndexSwitch(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double w = i switch
            {
                0 => 0.5,
                1 or 2 => 2.0,
                > 2 and < 5 => -1.0,
                _ => i * 0.25,
            };
            s += w * x[i] * x[i];
        }
        return s;
    }

    /// <summary>A switch statement on a run-time int argument, outside a loop, each case with its own loop.</summary>
    [Differentiable]
    public static double ModeSwitch(double[] x, int mode)
    {
        double s = 0;
        switch (mode)
        {
            case 0:
                for (int i = 0; i < x.Length; i++) s += x[i];
                break;
            case 1:
                for (int i = 0; i < x.Length; i++) s += x[i] * x[i];
                break;
            case 2:
            case 3:
                s = 1;
                for (int i = 0; i < x.Length; i++) s *= 1 + x[i] * mode;
                break;
            default:
                return -x[0];
        }
        return s;
    }

    /// <summary>
    /// Inside a switch inside a loop: break leaves the switch (not the loop), continue skips to the next
    /// iteration, return leaves the method.
    /// </summary>
    [Differentiable]
    public static double ControlInsideSwitch(double[] x, int[] codes)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            switch (codes[i])
            {
                case 0:
                    s += x[i] * x[i];
                    break;
                case 1:
                    continue;
                case 2:
                    return s * x[i];
                default:
                    s = s * 0.5 + Math.Exp(x[i]);
                    break;
            }
            s += 0.1 * x[i];
        }
        return s;
    }

    /// <summary>A switch statement whose governing value is computed from an active value (its sign and size).</summary>
    [Differentiable]
    public static double BucketBySize(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int bucket = x[i] < 0 ? 0 : x[i] < 1 ? 1 : 2;
            switch (bucket)
            {
                case 0:
                    s += Math.Exp(x[i]);
                    break;
                case 1:
                    s += x[i] * s;
                    break;
                default:
                    s += Math.Sqrt(x[i]);
                    break;
            }
        }
        return s;
    }
}

public class SwitchTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    public void SwitchOnIntWithGotoCase(int n)
    {
        var x = Enumerable.Range(0, n).Select(i => Math.Sin(i * 1.3) + 0.2).ToArray();
        Check.Gradient(Switches.GotoCase, Switches.GotoCase_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Switches.GotoCase_Primal(p, g, out var r); Switches.GotoCase_Pullback(in r, s); return v; }, a),
            Switches.GotoCase_Jvp, x);
    }

    [Fact]
    public void SwitchOnGotoCaseTakesTheSquaredPath()
    {
        // Element 1 is squared then added by goto case 0: d/dx1 = 2·x1 when nothing after it scales s.
        var x = new[] { 0.3, 1.7 };
        var (value, g) = Switches.GotoCase_ValueWithGradient(x);
        Assert.Equal(0.3 + 1.7 * 1.7, value, 14);
        LoopTests.Close(new[] { 1.0, 3.4 }, g, 1e-14, "gradient");
    }

    [Fact]
    public void SwitchOnAnEnumFromADataArray()
    {
        var x = new[] { 0.5, 1.5, -0.7, 2.0, 0.3, 1.1 };
        var ops = new[] { Op.Add, Op.Multiply, Op.Square, Op.Skip, Op.Multiply, Op.Add };
        // acc: 1.5, 2.25, 2.25²-0.7, same, ×0.3, +1.1
        double a1 = 1 + x[0], a2 = a1 * x[1], a3 = a2 * a2 + x[2];
        var closed = new[] { x[1] * 2 * a2 * x[4], a1 * 2 * a2 * x[4], x[4], 0, a3, 1 };
        Check.Gradient(v => Switches.ApplyOps(v, ops), v => Switches.ApplyOps_ValueWithGradient(v, ops),
            (a, s) => Check.Split((p, g) => { double v = Switches.ApplyOps_Primal(p, ops, g, out var r); Switches.ApplyOps_Pullback(in r, s); return v; }, a),
            (v, dv) => Switches.ApplyOps_Jvp(v, ops, dv), x, closed);
    }

    [Theory]
    [InlineData(Op.Add)]
    [InlineData(Op.Multiply)]
    [InlineData(Op.Square)]
    [InlineData(Op.Skip)]
    public void SwitchExpressionOnAnEnumParameter(Op kind)
    {
        var x = new[] { 0.5, -1.5, 0.7 };
        var closed = x.Select(v => kind switch { Op.Add => 1, Op.Multiply => 2 * v, Op.Square => 1 - Math.Tanh(v) * Math.Tanh(v), _ => 0.0 }).ToArray();
        Check.Gradient(v => Switches.Activation(v, kind), v => Switches.Activation_ValueWithGradient(v, kind),
            (a, s) => Check.Split((p, g) => { double v = Switches.Activation_Primal(p, kind, g, out var r); Switches.Activation_Pullback(in r, s); return v; }, a),
            (v, dv) => Switches.Activation_Jvp(v, kind, dv), x, closed);
    }

    [Fact]
    public void SwitchExpressionWithRelationalPatternsInALoop()
    {
        var x = new[] { -2.5, -0.5, 0.25, 0.9, 1.5, 4.0, -1.2 };
        var closed = x.Select(v => v < -1 ? -2 : v < 0 ? 2 * v : v < 1 ? 1.5 * v * v + v : 1 / v).ToArray();
        Check.Gradient(Switches.PiecewiseLoss, Switches.PiecewiseLoss_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Switches.PiecewiseLoss_Primal(p, g, out var r); Switches.PiecewiseLoss_Pullback(in r, s); return v; }, a),
            Switches.PiecewiseLoss_Jvp, x, closed);
    }

    [Fact]
    public void IsPatternsWithAndOrNot()
    {
        var x = new[] { 0.5, 1.5, 2.5, -0.5, -3.0, -1.0, 0.0 };
        // -1.0 is "not < -1", so it takes Exp; 0.0 is not > 0, so it takes Exp too.
        var closed = x.Select(v => v is > 0 and < 1 or > 2 ? 2 * v : v is not < -1 ? Math.Exp(v) : -1).ToArray();
        var (_, g) = Switches.IsPatterns_ValueWithGradient((double[])x.Clone());
        LoopTests.Close(closed, g, 1e-15, "at the pattern boundaries");
        // Away from the boundaries, all forms and finite differences.
        var y = new[] { 0.5, 1.5, 2.5, -0.5, -3.0, -1.5, 0.1 };
        Check.Gradient(Switches.IsPatterns, Switches.IsPatterns_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Switches.IsPatterns_Primal(p, g, out var r); Switches.IsPatterns_Pullback(in r, s); return v; }, a),
            Switches.IsPatterns_Jvp, y, y.Select(v => v is > 0 and < 1 or > 2 ? 2 * v : v is not < -1 ? Math.Exp(v) : -1).ToArray());
    }

    [Fact]
    public void SwitchExpressionOnTheLoopIndex()
    {
        var x = Enumerable.Range(0, 8).Select(i => 0.3 * i - 1).ToArray();
        var closed = x.Select((v, i) => 2 * v * (i switch { 0 => 0.5, 1 or 2 => 2.0, > 2 and < 5 => -1.0, _ => i * 0.25 })).ToArray();
        Check.Gradient(Switches.IndexSwitch, Switches.IndexSwitch_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Switches.IndexSwitch_Primal(p, g, out var r); Switches.IndexSwitch_Pullback(in r, s); return v; }, a),
            Switches.IndexSwitch_Jvp, x, closed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void SwitchStatementOnARunTimeMode(int mode)
    {
        var x = new[] { 0.5, -0.25, 0.75 };
        double[] closed = mode switch
        {
            0 => new[] { 1.0, 1, 1 },
            1 => x.Select(v => 2 * v).ToArray(),
            2 or 3 => x.Select((v, i) => mode * x.Where((_, j) => j != i).Aggregate(1.0, (p, w) => p * (1 + w * mode))).ToArray(),
            _ => new[] { -1.0, 0, 0 },
        };
        Check.Gradient(v => Switches.ModeSwitch(v, mode), v => Switches.ModeSwitch_ValueWithGradient(v, mode),
            (a, s) => Check.Split((p, g) => { double v = Switches.ModeSwitch_Primal(p, mode, g, out var r); Switches.ModeSwitch_Pullback(in r, s); return v; }, a),
            (v, dv) => Switches.ModeSwitch_Jvp(v, mode, dv), x, closed);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 3, 0, 1, 3 })] // no return
    [InlineData(new[] { 0, 3, 1, 2, 0, 0 })] // returns at the fourth
    [InlineData(new[] { 2, 0, 0, 0, 0, 0 })] // returns at once
    public void BreakContinueAndReturnInsideASwitchInsideALoop(int[] codes)
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1 };
        Check.Gradient(v => Switches.ControlInsideSwitch(v, codes), v => Switches.ControlInsideSwitch_ValueWithGradient(v, codes),
            (a, s) => Check.Split((p, g) => { double v = Switches.ControlInsideSwitch_Primal(p, codes, g, out var r); Switches.ControlInsideSwitch_Pullback(in r, s); return v; }, a),
            (v, dv) => Switches.ControlInsideSwitch_Jvp(v, codes, dv), x);
    }

    [Fact]
    public void SwitchOnABucketComputedFromActiveValues()
    {
        var x = new[] { -0.5, 0.5, 2.0, 0.25, -1.5, 4.0, 0.8 };
        Check.Gradient(Switches.BucketBySize, Switches.BucketBySize_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Switches.BucketBySize_Primal(p, g, out var r); Switches.BucketBySize_Pullback(in r, s); return v; }, a),
            Switches.BucketBySize_Jvp, x);
    }
}
