// [Differentiable] property setters (API.md §6): a computed property of a differentiable struct written in
// differentiable code (t.Celsius = c, t.Celsius += d) goes through its setter, differentiated as a method changing
// 'this'; checked against closed forms and central differences, forward against reverse.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.StructCode;

[Differentiable]
public partial struct Thermo
{
    public double Kelvin;
    public double Mass;

    /// <summary>A computed property with a getter and a setter (an offset scale).</summary>
    [Differentiable]
    public double Celsius
    {
        get => Kelvin - 273.15;
        set => Kelvin = value + 273.15;
    }

    /// <summary>A setter that writes two members from one value, with a branch.</summary>
    [Differentiable]
    public double Energy
    {
        get => Mass * Kelvin;
        set
        {
            if (Mass > 0) Kelvin = value / Mass;
            else Kelvin = 0;
        }
    }
}

public static partial class SetterCode
{
    /// <summary>Set Celsius from c, then K² · m: (c + 273.15)² m.</summary>
    [Differentiable]
    public static double Heat(double c, double m)
    {
        var t = new Thermo { Mass = m };
        t.Celsius = c;
        return t.Kelvin * t.Kelvin * t.Mass;
    }

    /// <summary>A compound assignment through getter and setter, in a loop: Celsius += d n times.</summary>
    [Differentiable]
    public static double Warm(Thermo t, double d)
    {
        for (int i = 0; i < 3; i++) t.Celsius += d * t.Mass;
        return t.Kelvin * Math.Sin(t.Kelvin / 300);
    }

    /// <summary>Energy set to e: Kelvin = e / m; result Kelvin² (m &gt; 0).</summary>
    [Differentiable]
    public static double FromEnergy(double e, double m)
    {
        var t = new Thermo { Mass = m, Kelvin = 1 };
        t.Energy = e;
        return t.Kelvin * t.Kelvin + t.Energy;
    }
}

public class PropertySetterTests
{
    [Theory]
    [InlineData(20.0, 2.0)]
    [InlineData(-40.0, 0.5)]
    public void SetterInStraightLineCode(double c, double m)
    {
        var (value, (dc, dm)) = SetterCode.Heat_ValueWithGradient(c, m);
        double k = c + 273.15;
        Assert.Equal(k * k * m, value, 9);
        Assert.Equal(2 * k * m, dc, 9);
        Assert.Equal(k * k, dm, 9);
        Assert.Equal(dc, SetterCode.Heat_Jvp(c, m, 1, 0).Tangent, 9);
        Assert.Equal(dm, SetterCode.Heat_Jvp(c, m, 0, 1).Tangent, 9);
    }

    [Fact]
    public void CompoundAssignmentThroughAProperty_InALoop()
    {
        var t = new Thermo { Kelvin = 290, Mass = 1.5 };
        double d = 0.7;
        var (value, (dt, dd)) = SetterCode.Warm_ValueWithGradient(t, d);
        double k = 290 + 3 * d * 1.5;
        Assert.Equal(k * Math.Sin(k / 300), value, 9);
        double dfdk = Math.Sin(k / 300) + k * Math.Cos(k / 300) / 300;
        Assert.Equal(dfdk, dt.Kelvin, 9);
        Assert.Equal(dfdk * 3 * d, dt.Mass, 9);
        Assert.Equal(dfdk * 3 * 1.5, dd, 9);
        Assert.Equal(dd, SetterCode.Warm_Jvp(t, d, default, 1).Tangent, 9);
    }

    [Theory]
    [InlineData(600.0, 2.0)]
    [InlineData(90.0, 0.3)]
    public void SetterWithABranch(double e, double m)
    {
        var (value, (de, dm)) = SetterCode.FromEnergy_ValueWithGradient(e, m);
        double k = e / m;
        Assert.Equal(k * k + e, value, 9);
        double h = 1e-6 * Math.Max(1, Math.Abs(e));
        Assert.Equal((SetterCode.FromEnergy(e + h, m) - SetterCode.FromEnergy(e - h, m)) / (2 * h), de, 5);
        Assert.Equal(-2 * e * e / (m * m * m), dm, 7);
    }
}
