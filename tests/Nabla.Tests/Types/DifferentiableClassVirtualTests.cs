// Virtual [Differentiable] methods of differentiable classes (API.md §6: "the derivative of a virtual call dispatches
// to the override's"): the object is a differentiation input too. Through a base-typed receiver, the receiver's tangent
// is the base class's tangent; the override's own members (Lens.Power) are then constants. Checked against closed
// forms, central differences, and forward mode against reverse mode.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Types;

[Differentiable]
public abstract partial class Optic
{
    public double Gain = 1;

    /// <summary>The intensity out for an intensity in: no body here.</summary>
    [Differentiable]
    public abstract double Transmit(double x);

    /// <summary>A virtual method with a body, overridden by one optic.</summary>
    [Differentiable]
    public virtual double Loss(double x) => 0.1 * Gain * x;

    /// <summary>A virtual property, overridden by one optic.</summary>
    [Differentiable]
    public virtual double Level => Gain * Gain;

    /// <summary>A non-virtual method of the base calling the virtual ones on this.</summary>
    [Differentiable]
    public double Net(double x) => Transmit(x) - Loss(x);
}

[Differentiable]
public partial class Filter : Optic
{
    [Differentiable]
    public override double Transmit(double x) => Gain * x * x;
}

[Differentiable]
public partial class Lens : Optic
{
    public double Power = 2;

    [Differentiable]
    public override double Transmit(double x) => Gain * Math.Sin(Power * x);

    [Differentiable]
    public override double Loss(double x) => Gain * Gain * x * 0.5;

    [Differentiable]
    public override double Level => Gain * Power;
}

/// <summary>A second level: overrides Lens's override.</summary>
[Differentiable]
public partial class Doublet : Lens
{
    [Differentiable]
    public override double Transmit(double x) => Gain * Power * Math.Cos(x);
}

public static partial class OpticCode
{
    [Differentiable]
    public static double Through(Optic optic, double x) => optic.Net(x) * x;

    /// <summary>Virtual calls on objects that are data, in a loop with a branch.</summary>
    [Differentiable]
    public static double Chain([NoDerivative] Optic[] optics, double x)
    {
        double y = x;
        foreach (var o in optics)
            y = y > 0.5 ? o.Transmit(y) : o.Loss(y) + y;
        return y;
    }

    /// <summary>Through a reference typed as the subclass, its own member (Power) is an input too.</summary>
    [Differentiable]
    public static double Focus(Lens lens, double x) => lens.Transmit(x) + lens.Loss(x);

    [GradientOf(nameof(Focus))]
    public static partial (Lens.Tangent, double) FocusGradient(Lens lens, double x);

    [GradientOf(nameof(Through))]
    public static partial (Optic.Tangent, double) ThroughGradient(Optic optic, double x);
}

public partial class DifferentiableClassVirtualTests
{
    private static readonly Optic[] s_optics = { new Filter { Gain = 1.5 }, new Lens { Gain = 0.7, Power = 3 }, new Doublet { Gain = 1.2, Power = 0.8 } };

    // Closed forms of Net(x) = Transmit(x) - Loss(x) in x and in Gain, for each class.
    private static (double Dx, double DGain) NetDerivative(Optic o, double x) => o switch
    {
        Doublet d => (-d.Gain * d.Power * Math.Sin(x) - d.Gain * d.Gain * 0.5, d.Power * Math.Cos(x) - d.Gain * x),
        Lens l => (l.Gain * l.Power * Math.Cos(l.Power * x) - l.Gain * l.Gain * 0.5, Math.Sin(l.Power * x) - l.Gain * x),
        Filter f => (2 * f.Gain * x - 0.1 * f.Gain, x * x - 0.1 * x),
        _ => throw new ArgumentException(o.GetType().Name),
    };

    [Theory]
    [InlineData(0, 0.3)]
    [InlineData(1, 0.9)]
    [InlineData(2, 1.7)]
    public void GradientWithRespectToTheObject_IsTheOverridesDerivative(int which, double x)
    {
        var optic = s_optics[which];
        var (dx, dGain) = NetDerivative(optic, x);
        // Through = Net(x)·x: d/dGain = Net_Gain·x; d/dx = Net_x·x + Net.
        var (dOptic, dX) = OpticCode.ThroughGradient(optic, x);
        Assert.Equal(dGain * x, dOptic.Gain, 12);
        Assert.Equal(dx * x + optic.Net(x), dX, 12);
        var g = Gradient((Optic o) => o.Net(x), optic);
        Assert.Equal(dGain, g.Gain, 12);
        Assert.Equal(dx, Gradient(t => optic.Net(t), x), 12);
    }

    [Theory]
    [InlineData(0, 0.3)]
    [InlineData(1, 0.9)]
    [InlineData(2, 1.7)]
    public void ForwardModeAgreesWithReverseMode(int which, double x)
    {
        var optic = s_optics[which];
        var (_, (dOptic, dX)) = OpticCode.Through_ValueWithGradient(optic, x);
        var (value, alongGain) = Jvp((Optic o) => OpticCode.Through(o, x), optic, new Optic.Tangent { Gain = 1 });
        Assert.Equal(OpticCode.Through(optic, x), value, 13);
        Assert.Equal(dOptic.Gain, alongGain, 12);
        Assert.Equal(dX, Derivative(t => OpticCode.Through(optic, t), x), 12);
    }

    [Fact]
    public void VirtualProperty_DispatchesToTheOverride()
    {
        Assert.Equal(2 * 1.5, Gradient((Optic o) => o.Level, s_optics[0]).Gain, 12);
        Assert.Equal(3.0, Gradient((Optic o) => o.Level, s_optics[1]).Gain, 12);
    }

    [Fact]
    public void GradientWithRespectToTheObject_MatchesCentralDifferences()
    {
        foreach (var optic in s_optics)
        {
            double x = 0.8, h = 1e-6, gain = optic.Gain;
            double Eval(double g) { optic.Gain = g; double v = OpticCode.Through(optic, x); optic.Gain = gain; return v; }
            var g = Gradient((Optic o) => OpticCode.Through(o, x), optic);
            Assert.Equal((Eval(gain + h) - Eval(gain - h)) / (2 * h), g.Gain, 6);
        }
    }

    [Fact]
    public void ThroughASubclassReference_ItsOwnMembersAreInputs()
    {
        double x = 0.6;
        var lens = new Lens { Gain = 0.7, Power = 3 };
        var (d, dx) = OpticCode.FocusGradient(lens, x);
        // Gain·sin(Power·x) + Gain²·x/2
        Assert.Equal(Math.Sin(3 * x) + 0.7 * x, d.Gain, 12);
        Assert.Equal(0.7 * x * Math.Cos(3 * x), d.Power, 12);
        Assert.Equal(0.7 * 3 * Math.Cos(3 * x) + 0.49 * 0.5, dx, 12);
        // A Doublet behind the Lens reference: its override runs, and Power is still an input.
        var doublet = new Doublet { Gain = 1.2, Power = 0.8 };
        var (dd, ddx) = OpticCode.FocusGradient(doublet, x);
        Assert.Equal(1.2 * Math.Cos(x), dd.Power, 12);
        Assert.Equal(0.8 * Math.Cos(x) + 1.2 * x, dd.Gain, 12);
        Assert.Equal(-1.2 * 0.8 * Math.Sin(x) + 1.44 * 0.5, ddx, 12);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.9)]
    public void VirtualCallsOnData_InALoopWithABranch(double x)
    {
        double h = 1e-6;
        double reverse = Gradient(t => OpticCode.Chain(s_optics, t), x);
        Assert.Equal((OpticCode.Chain(s_optics, x + h) - OpticCode.Chain(s_optics, x - h)) / (2 * h), reverse, 6);
        Assert.Equal(reverse, OpticCode.Chain_Jvp(s_optics, x, 1).Tangent, 11);
    }
}
