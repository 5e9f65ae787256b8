// Cases from porting Enzyme's integration tests (EnzymeAD/Enzyme enzyme/test/Integration/ReverseMode and ForwardMode:
// fixed_point, guarded_normalize, ...) that Nabla got wrong, each checked against the closed form or central
// differences and in both modes.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

public static class EnzymePortData
{
    /// <summary>A plain method returning a fresh array: data, no derivative.</summary>
    public static double[] Zeros(int n) => new double[n];
}

public static partial class EnzymePortCode
{
    /// <summary>Writes p into the state in place, as fixed_point.c's step does: F = (u₀ + p)·p.</summary>
    [Differentiable]
    public static double StepInPlace(double[] u, double p)
    {
        u[0] = u[0] + p;
        return u[0] * p;
    }

    /// <summary>An array from a data function, then written with differentiated values: Σ (p·i)² for i &lt; 3.</summary>
    [Differentiable]
    public static double IntoADataArray(double p)
    {
        var u = EnzymePortData.Zeros(3);
        for (int i = 0; i < 3; i++) u[i] = p * i;
        double s = 0;
        for (int i = 0; i < 3; i++) s += u[i] * u[i];
        return s;
    }

    /// <summary>A clone of an input, written in place: (u₀ + p)·p + u₁, the copy keeping u's derivative.</summary>
    [Differentiable]
    public static double CloneOfAnInput(double[] u, double p)
    {
        var copy = (double[])u.Clone();
        copy[0] = copy[0] + p;
        return copy[0] * p + copy[1];
    }

    [Differentiable]
    public static float CloneOfFloats(float[] u) { var copy = (float[])u.Clone(); copy[1] *= copy[0]; return copy[1] * copy[1]; }

    /// <summary>overwrite_outer_loop.c with C's <c>long</c> counters: the inner loop reads what the outer one overwrites.</summary>
    [Differentiable]
    public static double OverwriteOuterLoopLong(double[] a, long n)
    {
        double s = 0;
        for (long i = 0; i < n; i++)
            for (long j = 0; j < n; j++) { double v = a[j]; s += v * v; a[i] = 3.0; }
        return s;
    }

    /// <summary>guarded_normalize.c: a length that only feeds the guard at the origin.</summary>
    [Differentiable]
    public static double GuardedDirection(double[] v)
    {
        double length = Math.Sqrt(v[0] * v[0] + v[1] * v[1]);
        if (length <= 1e-12) return 1.0;
        return v[0] / length;
    }

    /// <summary>guarded_normalize.c's branchless floor: x / max(|x|, ε).</summary>
    [Differentiable]
    public static double FlooredRatio(double x) => x / Math.Max(Math.Sqrt(x * x), 1e-12);

    /// <summary>The same on a cloned data array, in a loop of fixed-point iterations (fixed_point.c's plain loop).</summary>
    [Differentiable]
    public static double FixedPointOnAClone(double p, [NoDerivative] double[] start)
    {
        var u = (double[])start.Clone();
        for (int k = 0; k < 5; k++)
            u[0] = 0.5 * u[0] + p * Math.Cos(u[0]);
        return u[0];
    }
}

/// <summary>fixed_point.c's constant matrix, private to the type: code generated elsewhere cannot name it.</summary>
public static partial class PrivateMatrixModel
{
    private static readonly double[,] A = { { 2.0, 0.0 }, { 0.0, 3.0 } };

    [Differentiable]
    public static void Step(double[] u, double[] p)
    {
        for (int k = 0; k < 2; k++)
        {
            double s = 0;
            for (int j = 0; j < 2; j++) s += A[k, j] * u[j];
            u[k] = s * p[k];
        }
    }

    [Differentiable]
    public static double F(double[] u, double[] p) { Step(u, p); return u[0] + u[1]; }
}

public class EnzymePortRegressionTests
{
    [Fact]
    public void NestedLoopsCountingWithLong()
    {
        // Was CS1503 in generated code (the tape's room was reserved with int bounds). Only reads before a[i] is
        // overwritten with 3 see a: a₀ and a₁ are read so once, a₂ twice, so the gradient is (2a₀, 2a₁, 4a₂).
        var g = Gradient(v => EnzymePortCode.OverwriteOuterLoopLong(v, 3L), new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(new[] { 2.0, 4.0, 12.0 }, g);
        var x = new[] { 1.0, 2.0, 3.0 };
        for (int k = 0; k < 3; k++)
        {
            var e = new double[3];
            e[k] = 1;
            Assert.Equal(g[k], Jvp(v => EnzymePortCode.OverwriteOuterLoopLong(v, 3L), (double[])x.Clone(), e).Tangent, 12);
        }
    }

    [Fact]
    public void AClonedInputKeepsItsDerivative()
    {
        // Was NABLA0009 (Array.Clone returns an object): now Nabla's differentiable copy.
        var (du, dp) = Gradient(EnzymePortCode.CloneOfAnInput, new[] { 1.0, 2.0 }, 2.0);
        Assert.Equal(new[] { 2.0, 1.0 }, du);
        Assert.Equal(5.0, dp);
        var u = new[] { 1.0, 2.0 };
        Assert.Equal(u[0] * 2 + 1 * 2 + 2 * 2, Jvp(EnzymePortCode.CloneOfAnInput, u, 2.0, new[] { 1.0, 1.0 }, 1.0).Tangent, 12);
        Assert.Equal(new[] { 1.0, 2.0 }, u);
        // (u₀u₁)²: ∂u₀ = 2u₀u₁², ∂u₁ = 2u₀²u₁.
        var g = Gradient(EnzymePortCode.CloneOfFloats, new[] { 1.5f, 2f });
        Assert.Equal(12f, g[0], 5);
        Assert.Equal(9f, g[1], 5);
    }

    [Fact]
    public void AnInfiniteDerivativeBehindAGuardGivesZeroNotNaN()
    {
        // At the origin the guard returns a constant: the length's cotangent is 0, and 0 · √′(0) = 0 · ∞ is taken as 0
        // (was NaN in reverse mode; forward mode was right).
        Assert.Equal(new[] { 0.0, 0.0 }, Gradient(EnzymePortCode.GuardedDirection, new double[2]));
        Assert.Equal(0.0, Jvp(EnzymePortCode.GuardedDirection, new double[2], new[] { 1.0, 0.0 }).Tangent);
        // Away from it, the derivative of x/|v|: ∂x = y²/|v|³, ∂y = −xy/|v|³.
        var g = Gradient(EnzymePortCode.GuardedDirection, new[] { 3.0, 4.0 });
        Assert.Equal(16.0 / 125, g[0], 14);
        Assert.Equal(-12.0 / 125, g[1], 14);
    }

    [Fact]
    public void MaxSelectingTheFloorIgnoresTheOtherOperandsInfiniteDerivative()
    {
        // d/dx [x / max(|x|, ε)] at 0 is 1/ε: the max picks ε, and √(x²)'s tangent 0 · ∞ is 0 (was NaN in both modes).
        Assert.Equal(1e12, Gradient(EnzymePortCode.FlooredRatio, 0.0));
        Assert.Equal(1e12, Derivative(EnzymePortCode.FlooredRatio, 0.0));
        Assert.Equal(0.0, Derivative(x => Math.Max(Math.Sqrt(x * x), 1e-12), 0.0));
    }

    [Fact]
    public void ALambdaElsewhereReachesAPrivateFieldThroughTwoCalls()
    {
        // The lambda's code is generated outside PrivateMatrixModel: Step (reading the private A) is called, not inlined
        // (was CS0122 in generated code). F = 2·u₀·p₀ + 3·u₁·p₁ at u = (1, 0).
        var g = Gradient(p => PrivateMatrixModel.F(new double[] { 1.0, 0.0 }, p), new double[] { 1.0, 1.0 });
        Assert.Equal(new[] { 2.0, 0.0 }, g);
        var j = Jvp(p => PrivateMatrixModel.F(new double[] { 1.0, 0.0 }, p), new double[] { 1.0, 1.0 }, new double[] { 0.5, 1.0 });
        Assert.Equal(1.0, j.Tangent, 12);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(-0.5)]
    public void AClonedArrayWrittenInPlaceKeepsItsDerivative(double p)
    {
        // The lambda hands a fresh clone of captured data to a method that writes it: was 1 + p (the write was lost).
        double[] u0 = { 1.0 };
        double expected = 1 + 2 * p;
        Assert.Equal(expected, Gradient(q => EnzymePortCode.StepInPlace((double[])u0.Clone(), q), p), 12);
        Assert.Equal(expected, Derivative(q => EnzymePortCode.StepInPlace((double[])u0.Clone(), q), p), 12);
        Assert.Equal(expected, Jvp(q => EnzymePortCode.StepInPlace((double[])u0.Clone(), q), p, 1.0).Tangent, 12);
        Assert.Equal(1.0, u0[0]);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-2.0)]
    public void AnArrayFromADataFunctionWrittenWithDerivatives(double p)
    {
        // Σ (p·i)² = 5p²: was NABLA0001 at EnzymePortData.Zeros(3).
        Assert.Equal(10 * p, Gradient(EnzymePortCode.IntoADataArray, p), 12);
        Assert.Equal(10 * p, Derivative(EnzymePortCode.IntoADataArray, p), 12);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.1)]
    public void FixedPointIterationsOnAClone(double p)
    {
        var start = new[] { 0.25 };
        const double h = 1e-6;
        double fd = (EnzymePortCode.FixedPointOnAClone(p + h, start) - EnzymePortCode.FixedPointOnAClone(p - h, start)) / (2 * h);
        double reverse = Gradient(q => EnzymePortCode.FixedPointOnAClone(q, start), p);
        double forward = Derivative(q => EnzymePortCode.FixedPointOnAClone(q, start), p);
        Assert.True(Math.Abs(reverse - fd) < 1e-8, $"reverse {reverse}, central differences {fd}");
        Assert.Equal(reverse, forward, 12);
        Assert.Equal(0.25, start[0]);
    }
}
