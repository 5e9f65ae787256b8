// JacobianForward and JacobianReverse of a function of an array whose result is a tuple, a vector or a scalar (forward
// kinematics of an arm), against the closed-form Jacobian, on a method group, a lambda and a delegate variable.
using System;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static partial class Arm
{
    public const double L1 = 1.0, L2 = 0.7;

    /// <summary>The tip of a planar two-link arm at joint angles q.</summary>
    [Differentiable]
    public static (double X, double Y) Tip(double[] q) =>
        (L1 * Math.Cos(q[0]) + L2 * Math.Cos(q[0] + q[1]), L1 * Math.Sin(q[0]) + L2 * Math.Sin(q[0] + q[1]));

    /// <summary>The same arm turned about the vertical axis by q[2], in 3-D.</summary>
    [Differentiable]
    public static Vector3 Tip3(float[] q)
    {
        float r = (float)L1 * MathF.Cos(q[0]) + (float)L2 * MathF.Cos(q[0] + q[1]);
        float z = (float)L1 * MathF.Sin(q[0]) + (float)L2 * MathF.Sin(q[0] + q[1]);
        return new Vector3(r * MathF.Cos(q[2]), r * MathF.Sin(q[2]), z);
    }
}

public class JacobianOfNonArrayResultsTests
{
    static void Close(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    static double[,] Expected(double q1, double q2)
    {
        double s1 = Math.Sin(q1), c1 = Math.Cos(q1), s12 = Math.Sin(q1 + q2), c12 = Math.Cos(q1 + q2);
        return new[,] { { -Arm.L1 * s1 - Arm.L2 * s12, -Arm.L2 * s12 }, { Arm.L1 * c1 + Arm.L2 * c12, Arm.L2 * c12 } };
    }

    [Theory]
    [InlineData(0.3, 1.1)]
    [InlineData(-2.0, 0.4)]
    public void TupleResult(double q1, double q2)
    {
        var expected = Expected(q1, q2);
        var q = new[] { q1, q2 };
        var byGroup = JacobianForward(Arm.Tip, q);
        var byLambda = JacobianForward(p => Arm.Tip(p), q);
        Func<double[], (double X, double Y)> tip = Arm.Tip;
        var byRegistry = JacobianForward(tip, q);
        Assert.Equal(2, byGroup.GetLength(0));
        Assert.Equal(2, byGroup.GetLength(1));
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                Close(expected[i, j], byGroup[i, j], 1e-14);
                Close(expected[i, j], byLambda[i, j], 1e-14);
                Close(expected[i, j], byRegistry[i, j], 1e-14);
            }
        Assert.Equal(new[] { q1, q2 }, q);   // the input is not changed
        var reverse = new[] { JacobianReverse(Arm.Tip, q), JacobianReverse(p => Arm.Tip(p), q), JacobianReverse(tip, q) };
        foreach (var jacobian in reverse)
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    Close(expected[i, j], jacobian[i, j], 1e-14);
        Assert.Equal(new[] { q1, q2 }, q);
    }

    [Fact]
    public void ReverseModeOfAVectorAndOfAScalarResult()
    {
        var q = new[] { 0.3f, 1.1f, 0.5f };
        var forward = JacobianForward(Arm.Tip3, q);
        var reverse = JacobianReverse(Arm.Tip3, q);
        var byLambda = JacobianReverse(p => Arm.Tip3(p), q);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                Close(forward[i, j], reverse[i, j], 1e-6);
                Close(forward[i, j], byLambda[i, j], 1e-6);
            }
        // A scalar result: one row, the gradient.
        var row = JacobianReverse(p => Arm.Tip(p).X, new[] { 0.3, 1.1 });
        var expected = Expected(0.3, 1.1);
        Assert.Equal(1, row.GetLength(0));
        Close(expected[0, 0], row[0, 0], 1e-14);
        Close(expected[0, 1], row[0, 1], 1e-14);
    }

    [Fact]
    public void VectorResult()
    {
        var q = new[] { 0.3f, 1.1f, 0.5f };
        var jacobian = JacobianForward(Arm.Tip3, q);
        Assert.Equal(3, jacobian.GetLength(0));
        Assert.Equal(3, jacobian.GetLength(1));
        var planar = Expected(q[0], q[1]);
        double r = Arm.L1 * Math.Cos(q[0]) + Arm.L2 * Math.Cos(q[0] + q[1]);
        double c = Math.Cos(q[2]), s = Math.Sin(q[2]);
        for (int j = 0; j < 2; j++)
        {
            Close(planar[0, j] * c, jacobian[0, j], 1e-5);
            Close(planar[0, j] * s, jacobian[1, j], 1e-5);
            Close(planar[1, j], jacobian[2, j], 1e-5);
        }
        Close(-r * s, jacobian[0, 2], 1e-5);
        Close(r * c, jacobian[1, 2], 1e-5);
        Close(0, jacobian[2, 2], 1e-5);
    }
}
