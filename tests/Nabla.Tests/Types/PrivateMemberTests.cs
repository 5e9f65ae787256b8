// Differentiable types whose state is private or protected, as C# is usually written: the members are inputs like
// public ones (their tangents are the Tangent's members of the same names), in derivative code written outside the
// type too (callers' derivatives, lambdas, second order, where methods are inlined). Checked against closed forms,
// central differences and forward mode against reverse mode.
using System;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Types;

[Differentiable]
public partial struct Spring
{
    private double _stiffness;
    private Vector2 _anchor;
    private double Rest { get; set; }
    [NoDerivative] private int _label;

    public Spring(double stiffness, Vector2 anchor, double rest) { _stiffness = stiffness; _anchor = anchor; Rest = rest; _label = 7; }

    [Differentiable]
    public double Energy(Vector2 p)
    {
        double stretch = Vector2.Distance(p, _anchor) - Rest;
        return 0.5 * _stiffness * stretch * stretch;
    }

    [Differentiable]
    public double Stiffness => _stiffness;
}

[Differentiable]
public partial class Bar
{
    private double _length = 2;
    protected double Thickness = 0.5;

    [Differentiable]
    public virtual double Mass(double density) => density * _length * Thickness;
}

[Differentiable]
public partial class TaperedBar : Bar
{
    private double _taper = 0.25;

    [Differentiable]
    public override double Mass(double density) => density * Thickness * (1 - _taper) + _taper * _taper;
}

public static partial class PrivateMemberCode
{
    [Differentiable]
    public static double Total(Spring s, double x) => s.Energy(new Vector2((float)x, 1f)) + s.Stiffness * x;

    [Differentiable]
    public static double Weigh(Bar bar, double density) => bar.Mass(density) * density;
}

public partial class PrivateMemberTests
{
    private static readonly Spring s_spring = new(3.0, new Vector2(0.5f, -1f), 1.5);

    private static double Stretch(double x) => Math.Sqrt((x - 0.5) * (x - 0.5) + 4) - 1.5;

    [Fact]
    public void PrivateFieldsOfAStruct_AreInputs()
    {
        double x = 1.25;
        var (_, (ds, dx)) = PrivateMemberCode.Total_ValueWithGradient(s_spring, x);
        // Energy = ½k(d - r)², d = |p - a|; Total = Energy + k·x.
        double stretch = Stretch(x);
        // Vector2 computes in float: 5 places.
        Assert.Equal(0.5 * stretch * stretch + x, ds._stiffness, 5);
        Assert.Equal(-3.0 * stretch, ds.Rest, 5);
        double d = stretch + 1.5;
        Assert.Equal(3.0 * stretch * (x - 0.5) / d + 3.0, dx, 5);
        // The anchor's tangent: ∂E/∂a = -k(d - r)(p - a)/d.
        Assert.Equal(-3.0 * stretch * (x - 0.5) / d, ds._anchor.X, 5);
        Assert.Equal(-3.0 * stretch * 2 / d, ds._anchor.Y, 5);
    }

    [Fact]
    public void PrivateFields_ThroughALambdaAndTheGetter()
    {
        var g = Gradient((Spring s) => s.Stiffness * s.Stiffness, s_spring);
        Assert.Equal(6.0, g._stiffness, 12);
        var e = Gradient((Spring s) => s.Energy(new Vector2(2f, 1f)), s_spring);
        double stretch = Math.Sqrt(2.25 + 4) - 1.5;
        Assert.Equal(0.5 * stretch * stretch, e._stiffness, 6);
        // Forward mode along the stiffness agrees with reverse mode.
        var (_, along) = Jvp((Spring s) => PrivateMemberCode.Total(s, 0.75), s_spring, new Spring.Tangent { _stiffness = 1 });
        Assert.Equal(PrivateMemberCode.Total_ValueWithGradient(s_spring, 0.75).Gradient.Item1._stiffness, along, 10);
    }

    [Fact]
    public void SecondOrder_ThroughAMethodReadingPrivateFields()
    {
        var spring = s_spring;
        double x = 0.9;
        double second = Derivative(t => Derivative(u => PrivateMemberCode.Total(spring, u), t), x);
        // E = ½k(d - r)², d² = (x - ½)² + 4: E'' = k(d'² + (d - r)d''), d' = (x - ½)/d, d'' = 4/d³.
        double d = Stretch(x) + 1.5, d1 = (x - 0.5) / d, d2 = 4 / (d * d * d);
        Assert.Equal(3.0 * (d1 * d1 + (d - 1.5) * d2), second, 4);
        var hessian = Hessian(q => spring.Energy(new Vector2((float)q[0], (float)q[1])), new[] { x, 1.0 });
        Assert.Equal(hessian[0, 1], hessian[1, 0], 6); // float arithmetic inside
        Assert.Equal(second, hessian[0, 0], 4);
    }

    [Fact]
    public void PrivateAndProtectedFieldsOfClasses_AreInputs()
    {
        double density = 1.5;
        var bar = new Bar();
        var g = Gradient((Bar b) => PrivateMemberCode.Weigh(b, density), bar);
        Assert.Equal(density * density * 0.5, g._length, 12);
        Assert.Equal(density * density * 2, g.Thickness, 12);
        // Through the base-typed reference a TaperedBar's override runs; its own _taper is then a constant.
        Bar tapered = new TaperedBar();
        var t = Gradient((Bar b) => PrivateMemberCode.Weigh(b, density), tapered);
        Assert.Equal(density * density * 0.75, t.Thickness, 12);
        Assert.Equal(0, t._length, 12);
        Assert.Equal(2 * density * 0.5 * 0.75 + 0.0625, Gradient(d => PrivateMemberCode.Weigh(tapered, d), density), 12);
    }
}
