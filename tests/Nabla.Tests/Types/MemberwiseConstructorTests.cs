// Constructors of [Differentiable] structs that only copy their parameters into members need no [Differentiable] of
// their own: each member's derivative is its parameter's. Block bodies, expression bodies assigning a tuple, 'this.'
// targets, a member left at zero, a data parameter, a Vector2 member, and a conversion from an int parameter.
using System;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

[Differentiable]
public partial struct SwingState
{
    public double Angle, Rate;
    [NoDerivative] public int Steps;

    public SwingState(double angle, double rate, int steps) { Angle = angle; Rate = rate; Steps = steps; }
}

[Differentiable]
public partial struct Particle2
{
    public Vector2 Position;
    public float Mass;
    public float Charge;

    public Particle2(Vector2 position, float mass) => (Position, Mass) = (position, mass);
}

[Differentiable]
public partial struct Scaled
{
    public double Value, Scale;

    public Scaled(double value, int scale)
    {
        this.Value = value;
        this.Scale = scale;
    }
}

public static partial class MemberwiseConstructorFunctions
{
    [Differentiable]
    public static SwingState Step(SwingState p, double dt) => new SwingState(p.Angle + dt * p.Rate, p.Rate - dt * Math.Sin(p.Angle), p.Steps + 1);

    [Differentiable]
    public static double Simulate(double angle, double rate)
    {
        var p = new SwingState(angle, rate, 0);
        for (int i = 0; i < 50; i++) p = Step(p, 0.02);
        return p.Angle * p.Steps;
    }

    [Differentiable]
    public static float Energy(float x, float m)
    {
        var q = new Particle2(new Vector2(x, 2 * x), m * m);
        return q.Mass * q.Position.LengthSquared() + q.Charge;
    }

    [Differentiable]
    public static double ScaledValue(double v) => new Scaled(v * v, 3).Value * new Scaled(v, 2).Scale;
}

public class MemberwiseConstructorTests
{
    [Fact]
    public void SwingStateBuiltByItsConstructor_MatchesCentralDifferences()
    {
        var (ga, gr) = Gradient(MemberwiseConstructorFunctions.Simulate, 0.4, -0.3);
        double h = 1e-6;
        double fa = (MemberwiseConstructorFunctions.Simulate(0.4 + h, -0.3) - MemberwiseConstructorFunctions.Simulate(0.4 - h, -0.3)) / (2 * h);
        double fr = (MemberwiseConstructorFunctions.Simulate(0.4, -0.3 + h) - MemberwiseConstructorFunctions.Simulate(0.4, -0.3 - h)) / (2 * h);
        Assert.Equal(fa, ga, 6);
        Assert.Equal(fr, gr, 6);
        var (_, t) = Jvp(MemberwiseConstructorFunctions.Simulate, 0.4, -0.3, 1.0, 0.0);
        Assert.Equal(ga, t, 12);
    }

    [Fact]
    public void StepLinearization_ThroughTheConstructor()
    {
        var p = new SwingState(0.3, 0.5, 0);
        var row = Vjp(s => MemberwiseConstructorFunctions.Step(s, 0.1), p, new SwingState.Tangent { Rate = 1 });
        Assert.Equal(-0.1 * Math.Cos(0.3), row.Angle, 14);
        Assert.Equal(1.0, row.Rate, 14);
    }

    [Theory]
    [InlineData(0.5f, 2f)]
    [InlineData(-1.5f, 0.25f)]
    public void TupleAssignmentConstructor_WithAMemberLeftAtZero(float x, float m)
    {
        // E = m² · 5x² (the charge is zero): ∂/∂x = 10 m² x, ∂/∂m = 10 m x².
        var (gx, gm) = Gradient(MemberwiseConstructorFunctions.Energy, x, m);
        Assert.Equal(10 * m * m * x, gx, 4);
        Assert.Equal(10 * m * x * x, gm, 4);
    }

    [Fact]
    public void ThisQualifiedMembers_AndAnIntParameter()
    {
        // v² · 2: derivative 4v.
        Assert.Equal(4 * 1.5, Derivative(MemberwiseConstructorFunctions.ScaledValue, 1.5), 14);
    }
}
