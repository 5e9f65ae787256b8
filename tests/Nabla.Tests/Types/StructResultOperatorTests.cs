// The operators of API.md §3 on a lambda whose result is a [Differentiable] struct: of one scalar (a simulation's
// state as a function of a parameter: Derivative, Jvp, ValueWithDifferential, ValueWithPullback and Vjp), of one
// [Differentiable] struct (a step of the simulation) and of an array (an arm's pose from its joint angles): Jvp,
// ValueWithDifferential, ValueWithPullback and Vjp, typed by the structs' Tangents. Checked against central differences of the primal, and forward against reverse mode.
using System;
using Xunit;

namespace Nabla.Tests.Types;

[Differentiable]
public partial struct OscillatorState
{
    public double Position, Velocity;
    [NoDerivative] public int Steps;
}

[Differentiable]
public partial struct SingleState
{
    public float A, B;
}

[Differentiable]
public partial struct ArmPose
{
    public double X, Y, Angle;
}

public static partial class Oscillator
{
    /// <summary>A planar arm of unit links: the tip's position and the last link's angle.</summary>
    [Differentiable]
    public static ArmPose Arm(double[] q)
    {
        double a = 0, x = 0, y = 0;
        for (int i = 0; i < q.Length; i++) { a += q[i]; x += Math.Cos(a); y += Math.Sin(a); }
        return new ArmPose { X = x, Y = y, Angle = a };
    }

    /// <summary>One semi-implicit Euler step of the pendulum θ″ = −sin θ.</summary>
    [Differentiable]
    public static OscillatorState Step(OscillatorState s)
    {
        var next = s;
        next.Velocity -= 0.1 * Math.Sin(s.Position);
        next.Position += 0.1 * next.Velocity;
        return next;
    }

    /// <summary>Semi-implicit Euler for x″ = −k x: the state after 20 steps from (1, 0).</summary>
    [Differentiable]
    public static OscillatorState Simulate(double k)
    {
        var s = new OscillatorState { Position = 1, Velocity = 0 };
        for (int i = 0; i < 20; i++)
        {
            s.Velocity -= 0.05 * k * s.Position;
            s.Position += 0.05 * s.Velocity;
            s.Steps++;
        }
        return s;
    }
}

public class StructResultOperatorTests
{
    const double H = 1e-6;

    /// <summary>Central differences agree to about 1e-9 here; 1e-7 leaves room without hiding a wrong derivative.</summary>
    static void Close(double expected, double actual, double tolerance = 1e-7) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected}, got {actual}");

    static (double Position, double Velocity) CentralDifference(Func<double, OscillatorState> f, double x)
    {
        var plus = f(x + H);
        var minus = f(x - H);
        return ((plus.Position - minus.Position) / (2 * H), (plus.Velocity - minus.Velocity) / (2 * H));
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.5)]
    public void DerivativeIsTheStatesTangent(double k)
    {
        OscillatorState.Tangent d = Autodiff.Derivative(t => Oscillator.Simulate(t), k);
        var (p, v) = CentralDifference(Oscillator.Simulate, k);
        Close(p, d.Position);
        Close(v, d.Velocity);
    }

    [Fact]
    public void ABlockLambdaWithACapturedScale()
    {
        double scale = 3.0;
        OscillatorState F(double t) { var s = Oscillator.Simulate(t * t); return new OscillatorState { Position = scale * s.Position, Velocity = s.Velocity }; }
        var d = Autodiff.Derivative((double t) => { var s = Oscillator.Simulate(t * t); return new OscillatorState { Position = scale * s.Position, Velocity = s.Velocity }; }, 1.2);
        var (p, v) = CentralDifference(F, 1.2);
        Close(p, d.Position);
        Close(v, d.Velocity);
        // The captured scale is read at each call.
        scale = -1.0;
        var again = Autodiff.Derivative((double t) => { var s = Oscillator.Simulate(t * t); return new OscillatorState { Position = scale * s.Position, Velocity = s.Velocity }; }, 1.2);
        Close(-p / 3, again.Position);
    }

    [Fact]
    public void ForwardAndReverseOperatorsAgree()
    {
        const double k = 1.7, dk = 0.3;
        var d = Autodiff.Derivative(t => Oscillator.Simulate(t), k);
        var (value, tangent) = Autodiff.Jvp(t => Oscillator.Simulate(t), k, dk);
        Assert.Equal(Oscillator.Simulate(k).Position, value.Position, 14);
        Assert.Equal(dk * d.Position, tangent.Position, 12);
        Assert.Equal(dk * d.Velocity, tangent.Velocity, 12);

        var (value2, differential) = Autodiff.ValueWithDifferential(t => Oscillator.Simulate(t), k);
        Assert.Equal(value.Velocity, value2.Velocity, 14);
        Assert.Equal(dk * d.Velocity, differential(dk).Velocity, 12);

        // Reverse mode: the pullback of a cotangent (a, b) is a·dP/dk + b·dV/dk.
        var (value3, pullback) = Autodiff.ValueWithPullback(t => Oscillator.Simulate(t), k);
        Assert.Equal(value.Position, value3.Position, 14);
        Assert.Equal(2 * d.Position - 5 * d.Velocity, pullback(new OscillatorState.Tangent { Position = 2, Velocity = -5 }), 12);
        Assert.Equal(d.Velocity, Autodiff.Vjp(t => Oscillator.Simulate(t), k, new OscillatorState.Tangent { Velocity = 1 }), 12);
    }

    [Fact]
    public void FloatInputAndFloatStruct()
    {
        var d = Autodiff.Derivative((float x) => new SingleState { A = x * x, B = MathF.Sin(x) }, 0.5f);
        Assert.Equal(1f, d.A, 6);
        Assert.Equal(MathF.Cos(0.5f), d.B, 6);
        Assert.Equal(2 * MathF.Cos(0.5f), Autodiff.Vjp((float x) => new SingleState { A = x * x, B = MathF.Sin(x) }, 0.5f, new SingleState.Tangent { B = 2f }), 6);
    }

    [Fact]
    public void AStepBetweenStructs()
    {
        var s0 = new OscillatorState { Position = 0.7, Velocity = -0.4 };
        OscillatorState Two(OscillatorState s) => Oscillator.Step(Oscillator.Step(s));
        // The Jacobian of two steps by central differences, column by column.
        double[,] fd = new double[2, 2];
        for (int j = 0; j < 2; j++)
        {
            var plus = s0; var minus = s0;
            if (j == 0) { plus.Position += H; minus.Position -= H; } else { plus.Velocity += H; minus.Velocity -= H; }
            fd[0, j] = (Two(plus).Position - Two(minus).Position) / (2 * H);
            fd[1, j] = (Two(plus).Velocity - Two(minus).Velocity) / (2 * H);
        }
        var (value, tangent) = Autodiff.Jvp(s => Oscillator.Step(Oscillator.Step(s)), s0, new OscillatorState.Tangent { Position = 1 });
        Assert.Equal(Two(s0).Position, value.Position, 14);
        Close(fd[0, 0], tangent.Position);
        Close(fd[1, 0], tangent.Velocity);
        var (_, differential) = Autodiff.ValueWithDifferential(s => Oscillator.Step(Oscillator.Step(s)), s0);
        Close(fd[0, 1], differential(new OscillatorState.Tangent { Velocity = 1 }).Position);
        // Reverse mode gives the Jacobian's rows.
        var (_, pullback) = Autodiff.ValueWithPullback(s => Oscillator.Step(Oscillator.Step(s)), s0);
        var row = pullback(new OscillatorState.Tangent { Velocity = 1 });
        Close(fd[1, 0], row.Position);
        Close(fd[1, 1], row.Velocity);
        var row0 = Autodiff.Vjp(s => Oscillator.Step(Oscillator.Step(s)), s0, new OscillatorState.Tangent { Position = 1 });
        Close(fd[0, 0], row0.Position);
        Close(fd[0, 1], row0.Velocity);
    }

    [Fact]
    public void AnArmsPoseFromItsJointAngles()
    {
        var q = new[] { 0.3, -0.2, 0.5 };
        // x = Σ cos(θ_i), y = Σ sin(θ_i) with θ_i = q₀ + … + q_i: ∂x/∂q_k = −Σ_{i≥k} sin θ_i, ∂y/∂q_k = Σ_{i≥k} cos θ_i.
        double[] theta = { 0.3, 0.1, 0.6 };
        double DxDq(int k) { double sum = 0; for (int i = k; i < 3; i++) sum -= Math.Sin(theta[i]); return sum; }
        double DyDq(int k) { double sum = 0; for (int i = k; i < 3; i++) sum += Math.Cos(theta[i]); return sum; }
        var (pose, tangent) = Autodiff.Jvp(v => Oscillator.Arm(v), q, new[] { 1.0, 0.0, 2.0 });
        Assert.Equal(Math.Cos(0.3) + Math.Cos(0.1) + Math.Cos(0.6), pose.X, 14);
        Assert.Equal(DxDq(0) + 2 * DxDq(2), tangent.X, 12);
        Assert.Equal(DyDq(0) + 2 * DyDq(2), tangent.Y, 12);
        Assert.Equal(3.0, tangent.Angle, 12);
        var row = Autodiff.Vjp(v => Oscillator.Arm(v), q, new ArmPose.Tangent { Y = 1 });
        for (int k = 0; k < 3; k++) Assert.Equal(DyDq(k), row[k], 12);
        var (_, pullback) = Autodiff.ValueWithPullback(v => Oscillator.Arm(v), q);
        Assert.Equal(new[] { 1.0, 1.0, 1.0 }, pullback(new ArmPose.Tangent { Angle = 1 }));
        var (_, differential) = Autodiff.ValueWithDifferential(v => Oscillator.Arm(v), q);
        Assert.Equal(DxDq(1), differential(new[] { 0.0, 1.0, 0.0 }).X, 12);
        // The Jacobian: rows the tangent's flat view (X, Y, Angle), from a lambda and from the method group.
        foreach (var jacobian in new[] { Autodiff.JacobianForward(v => Oscillator.Arm(v), q), Autodiff.JacobianForward(Oscillator.Arm, q) })
        {
            Assert.Equal(3, jacobian.GetLength(0));
            Assert.Equal(3, jacobian.GetLength(1));
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(DxDq(k), jacobian[0, k], 12);
                Assert.Equal(DyDq(k), jacobian[1, k], 12);
                Assert.Equal(1.0, jacobian[2, k], 12);
            }
        }
    }
}
