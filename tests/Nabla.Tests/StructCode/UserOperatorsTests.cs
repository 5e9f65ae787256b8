// User-defined arithmetic operators and indexers marked [Differentiable] (API.md §1): +, -, * and / of a differentiable
// struct, a dot product as *, unary -, compound assignment through them, and indexers of one and two indices, called
// from differentiable code in straight lines and in loops. Each function is checked three ways (StructCheck: reverse mode against central differences, forward mode along
// every unit tangent against reverse mode) or against its closed form.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.StructCode;

[Differentiable]
public partial struct Vec2d
{
    public double X, Y;

    [Differentiable] public Vec2d(double x, double y) { X = x; Y = y; }

    [Differentiable] public static Vec2d operator +(Vec2d a, Vec2d b) => new(a.X + b.X, a.Y + b.Y);
    [Differentiable] public static Vec2d operator -(Vec2d a, Vec2d b) => new(a.X - b.X, a.Y - b.Y);
    [Differentiable] public static Vec2d operator -(Vec2d a) => new(-a.X, -a.Y);
    [Differentiable] public static Vec2d operator *(double s, Vec2d a) => new(s * a.X, s * a.Y);
    [Differentiable] public static Vec2d operator /(Vec2d a, double s) => new(a.X / s, a.Y / s);

    /// <summary>The dot product.</summary>
    [Differentiable] public static double operator *(Vec2d a, Vec2d b) => a.X * b.X + a.Y * b.Y;

    /// <summary>An operator with a loop and a branch in its body: a rotation applied <c>|k|</c> times, mirrored when <c>k</c> is negative.</summary>
    [Differentiable]
    public static Vec2d operator %(Vec2d a, int k)
    {
        var r = a;
        int turns = k < 0 ? -k : k;
        for (int i = 0; i < turns; i++)
            r = new Vec2d(0.8 * r.X - 0.6 * r.Y, 0.6 * r.X + 0.8 * r.Y);
        if (k < 0) r = new Vec2d(r.Y, r.X);
        return r;
    }
}

[Differentiable]
public partial struct OrbitBody
{
    public Vec2d Position, Velocity;
    public double Stiffness;
}

/// <summary>A 2×2 matrix whose elements are read through indexers.</summary>
[Differentiable]
public partial struct Mat2
{
    public double A, B, C, D;

    /// <summary>Row-major element (r, c).</summary>
    [Differentiable]
    public double this[int r, int c] => r == 0 ? (c == 0 ? A : B) : (c == 0 ? C : D);

    /// <summary>Row-major element k of four, the attribute on the accessor.</summary>
    public double this[int k]
    {
        [Differentiable]
        get
        {
            switch (k)
            {
                case 0: return A;
                case 1: return B;
                case 2: return C;
                default: return D;
            }
        }
    }
}

public static partial class OperatorCode
{
    /// <summary>det(M) · trace(M²) through the indexers, the matrix product written as loops over them.</summary>
    [Differentiable]
    public static double Indexed(Mat2 m)
    {
        double trace2 = 0;
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 2; k++)
                trace2 += m[i, k] * m[k, i];
        double det = m[0] * m[3] - m[1] * m[2];
        return det * trace2;
    }

    /// <summary>Operators in one expression: |p + 2v|² − (p − v)·(v / 3), unary minus folded in.</summary>
    [Differentiable]
    public static double Mix(OrbitBody b)
    {
        var p = b.Position;
        var v = b.Velocity;
        var a = p + 2.0 * v;
        var c = -(v / 3.0);
        return a * a + (p - v) * c;
    }

    /// <summary>A spring integrated with explicit Euler through the operators, compound assignment included; the energy at the end.</summary>
    [Differentiable]
    public static double Spring(OrbitBody b, [NoDerivative] int steps)
    {
        var p = b.Position;
        var v = b.Velocity;
        const double dt = 0.05;
        for (int i = 0; i < steps; i++)
        {
            var force = -(b.Stiffness * p);
            v += dt * force;
            p += dt * v;
            if (p * p > 4) v -= 0.5 * v;   // damping when far out
        }
        return 0.5 * (v * v) + 0.5 * b.Stiffness * (p * p);
    }

    /// <summary>The operator with a loop in its body, called in a loop.</summary>
    [Differentiable]
    public static double Rotated(OrbitBody b, [NoDerivative] int k)
    {
        var r = b.Position;
        for (int i = 0; i < 3; i++)
            r = r % k + 0.1 * b.Velocity;
        return r.X * r.X * r.Y + b.Stiffness * r.Y;
    }

    /// <summary>A scalar function written with the operators: |(x, 2x)|² · x / 5 = x³.</summary>
    [Differentiable]
    public static double Cubic(double x)
    {
        var v = new Vec2d(x, 2 * x);
        var u = x * v;
        return (u * v) / 5;
    }
}

public class UserOperatorsTests
{
    private static readonly OrbitBody B = new() { Position = new Vec2d(0.7, -1.1), Velocity = new Vec2d(0.4, 0.9), Stiffness = 2.5 };

    [Fact]
    public void OperatorsInOneExpression() =>
        StructCheck.Scalar(OperatorCode.Mix, OperatorCode.Mix_ValueWithGradient, OperatorCode.Mix_Jvp, B);

    [Fact]
    public void OperatorsAgainstTheClosedForm()
    {
        var (value, g) = OperatorCode.Mix_ValueWithGradient(B);
        double px = B.Position.X, py = B.Position.Y, vx = B.Velocity.X, vy = B.Velocity.Y;
        // f = |p + 2v|² − (p − v)·v / 3
        Assert.Equal((px + 2 * vx) * (px + 2 * vx) + (py + 2 * vy) * (py + 2 * vy) - ((px - vx) * vx + (py - vy) * vy) / 3, value, 12);
        Assert.Equal(2 * (px + 2 * vx) - vx / 3, g.Position.X, 12);
        Assert.Equal(4 * (py + 2 * vy) - (py - 2 * vy) / 3, g.Velocity.Y, 12);
        Assert.Equal(0, g.Stiffness);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(60)]
    public void CompoundAssignmentThroughOperators_InALoopWithABranch(int steps) =>
        StructCheck.Scalar(b => OperatorCode.Spring(b, steps), b => OperatorCode.Spring_ValueWithGradient(b, steps),
            (b, d) => OperatorCode.Spring_Jvp(b, steps, d), B, tolerance: 1e-6, forwardTolerance: 1e-11);

    [Theory]
    [InlineData(2)]
    [InlineData(-3)]
    public void AnOperatorWithALoopInItsOrbitBody(int k) =>
        StructCheck.Scalar(b => OperatorCode.Rotated(b, k), b => OperatorCode.Rotated_ValueWithGradient(b, k),
            (b, d) => OperatorCode.Rotated_Jvp(b, k, d), B);

    [Fact]
    public void ScalarFunctionThroughOperators_AllOperators()
    {
        foreach (double x in new[] { -1.3, 0.5, 2.0 })
        {
            Assert.Equal(3 * x * x, Derivative(OperatorCode.Cubic, x), 12);
            Assert.Equal(3 * x * x, Gradient(OperatorCode.Cubic, x), 12);
            Assert.Equal(3 * x * x, Gradient(t => OperatorCode.Cubic(t), x), 12);
            // Second order goes through the operators too.
            Assert.Equal(6 * x, Derivative(t => Derivative(OperatorCode.Cubic, t), x), 10);
        }
    }

    private static readonly Mat2 M = new() { A = 1.5, B = -0.4, C = 0.7, D = 2.1 };

    [Fact]
    public void Indexers_OneAndTwoIndices() =>
        StructCheck.Scalar(OperatorCode.Indexed, OperatorCode.Indexed_ValueWithGradient, OperatorCode.Indexed_Jvp, M);

    [Fact]
    public void Indexers_AgainstTheClosedForm()
    {
        var (value, g) = OperatorCode.Indexed_ValueWithGradient(M);
        double a = M.A, b = M.B, c = M.C, d = M.D, det = a * d - b * c, tr2 = a * a + 2 * b * c + d * d;
        Assert.Equal(det * tr2, value, 12);
        Assert.Equal(d * tr2 + det * 2 * a, g.A, 12);
        Assert.Equal(-c * tr2 + det * 2 * c, g.B, 12);
        // An indexer in a lambda, and its own generated derivative (named after the metadata name, Item, and the parameter types: two indexers).
        Assert.Equal(M.C, Gradient((Mat2 m) => m[0, 1] * m[2], M).B, 12);
        Assert.Equal(M.D, Mat2.Item_int_ValueWithGradient(M, 3).Value);
        Assert.Equal(1, Mat2.Item_int_int_ValueWithGradient(M, 1, 0).Gradient.C);
    }

    [Fact]
    public void OperatorsInALambda()
    {
        var (value, g) = ValueWithGradient((OrbitBody b) => (b.Position - b.Velocity) * (b.Position + b.Velocity), B);
        // |p|² − |v|²
        Assert.Equal(B.Position * B.Position - B.Velocity * B.Velocity, value, 12);
        Assert.Equal(2 * B.Position.X, g.Position.X, 12);
        Assert.Equal(-2 * B.Velocity.Y, g.Velocity.Y, 12);
    }
}
