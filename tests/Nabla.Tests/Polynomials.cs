// Polynomials and rational functions: arithmetic operators, unary minus, compound assignment, reassigned locals
// and parameters, several inputs.
using System;
using Xunit;
using P = Nabla.Tests.Polynomials;

namespace Nabla.Tests;

public static partial class Polynomials
{
    /// <summary>The seed's example.</summary>
    [Differentiable]
    public static double Cubed(double x) => x * x * x;

    [Differentiable]
    public static double Identity(double x) => x;

    // A constant on purpose (its derivative must be zero): NABLA0016 is right, and silenced here.
    [Differentiable]
#pragma warning disable NABLA0016
    public static double Constant(double x) => 42.0;
#pragma warning restore NABLA0016

    [Differentiable]
    public static double Affine(double x) => 3 * x - 7;

    [Differentiable]
    public static double Quadratic(double x) => 2 * x * x - 3 * x + 1;

    [Differentiable]
    public static double QuinticHorner(double x) => ((((2 * x - 1) * x + 0.5) * x - 3) * x + 4) * x - 6;

    /// <summary>A degree-10 polynomial by Horner's scheme: ten multiplications and ten additions, one reassigned local.</summary>
    [Differentiable]
    public static double Poly20(double x)
    {
        double p = 0.1;
        p = p * x - 0.5;
        p = p * x + 1.5;
        p = p * x - 0.75;
        p = p * x + 2;
        p = p * x + 0.25;
        p = p * x - 1;
        p = p * x + 3;
        p = p * x + 0.5;
        p = p * x - 2;
        p = p * x + 1;
        return p;
    }

    /// <summary>Poly20's coefficients c0 … c10, for the closed form.</summary>
    public static readonly double[] Poly20Coefficients = [1, -2, 0.5, 3, -1, 0.25, 2, -0.75, 1.5, -0.5, 0.1];

    [Differentiable]
    public static double Bivariate(double x, double y) => x * x * y + 3 * x * y * y - y * y * y + x;

    [Differentiable]
    public static double Rational(double x) => (x * x + 1) / (x - 2);

    [Differentiable]
    public static double DivisionChain(double x, double y) => x / y / (x + y);

    [Differentiable]
    public static double Remainder(double x, double y) => x % y;

    [Differentiable]
    public static double Negation(double x) => -x * x + -(x - 1);

    [Differentiable]
    public static double CompoundAssignment(double x, double y)
    {
        double a = x;
        a += y;
        a *= x;
        a -= y * y;
        a /= 2;
        a %= 100.0;
        a += 1.5;
        return a;
    }

    /// <summary>Reassigns its own parameter: (x² + 1)².</summary>
    [Differentiable]
    public static double ReassignsParameter(double x)
    {
        x = x * x;
        x += 1;
        x = x * x;
        return x;
    }

    [Differentiable]
    public static double IgnoresSecond(double x, double y) => x * x;

    [Differentiable]
    public static double Trilinear(double x, double y, double z) => x * y * z + x * y + z;

    [Differentiable]
    public static double FourInputs(double x, double y, double z, double w) => x * y - z * w + x * x * w;
}

public class PolynomialTests
{
    static readonly Differentiated Cubed = Fn.Of<P.Cubed_Residuals>(P.Cubed, P.Cubed_Jvp, P.Cubed_ValueWithGradient, P.Cubed_Primal, P.Cubed_Pullback, P.Cubed_ValueWithPullback);
    static readonly Differentiated Identity = Fn.Of<P.Identity_Residuals>(P.Identity, P.Identity_Jvp, P.Identity_ValueWithGradient, P.Identity_Primal, P.Identity_Pullback, P.Identity_ValueWithPullback);
    static readonly Differentiated Constant = Fn.Of<P.Constant_Residuals>(P.Constant, P.Constant_Jvp, P.Constant_ValueWithGradient, P.Constant_Primal, P.Constant_Pullback, P.Constant_ValueWithPullback);
    static readonly Differentiated Affine = Fn.Of<P.Affine_Residuals>(P.Affine, P.Affine_Jvp, P.Affine_ValueWithGradient, P.Affine_Primal, P.Affine_Pullback, P.Affine_ValueWithPullback);
    static readonly Differentiated Quadratic = Fn.Of<P.Quadratic_Residuals>(P.Quadratic, P.Quadratic_Jvp, P.Quadratic_ValueWithGradient, P.Quadratic_Primal, P.Quadratic_Pullback, P.Quadratic_ValueWithPullback);
    static readonly Differentiated QuinticHorner = Fn.Of<P.QuinticHorner_Residuals>(P.QuinticHorner, P.QuinticHorner_Jvp, P.QuinticHorner_ValueWithGradient, P.QuinticHorner_Primal, P.QuinticHorner_Pullback, P.QuinticHorner_ValueWithPullback);
    static readonly Differentiated Poly20 = Fn.Of<P.Poly20_Residuals>(P.Poly20, P.Poly20_Jvp, P.Poly20_ValueWithGradient, P.Poly20_Primal, P.Poly20_Pullback, P.Poly20_ValueWithPullback);
    static readonly Differentiated Bivariate = Fn.Of<P.Bivariate_Residuals>(P.Bivariate, P.Bivariate_Jvp, P.Bivariate_ValueWithGradient, P.Bivariate_Primal, P.Bivariate_Pullback, P.Bivariate_ValueWithPullback);
    static readonly Differentiated Rational = Fn.Of<P.Rational_Residuals>(P.Rational, P.Rational_Jvp, P.Rational_ValueWithGradient, P.Rational_Primal, P.Rational_Pullback, P.Rational_ValueWithPullback);
    static readonly Differentiated DivisionChain = Fn.Of<P.DivisionChain_Residuals>(P.DivisionChain, P.DivisionChain_Jvp, P.DivisionChain_ValueWithGradient, P.DivisionChain_Primal, P.DivisionChain_Pullback, P.DivisionChain_ValueWithPullback);
    static readonly Differentiated Remainder = Fn.Of<P.Remainder_Residuals>(P.Remainder, P.Remainder_Jvp, P.Remainder_ValueWithGradient, P.Remainder_Primal, P.Remainder_Pullback, P.Remainder_ValueWithPullback);
    static readonly Differentiated Negation = Fn.Of<P.Negation_Residuals>(P.Negation, P.Negation_Jvp, P.Negation_ValueWithGradient, P.Negation_Primal, P.Negation_Pullback, P.Negation_ValueWithPullback);
    static readonly Differentiated CompoundAssignment = Fn.Of<P.CompoundAssignment_Residuals>(P.CompoundAssignment, P.CompoundAssignment_Jvp, P.CompoundAssignment_ValueWithGradient, P.CompoundAssignment_Primal, P.CompoundAssignment_Pullback, P.CompoundAssignment_ValueWithPullback);
    static readonly Differentiated ReassignsParameter = Fn.Of<P.ReassignsParameter_Residuals>(P.ReassignsParameter, P.ReassignsParameter_Jvp, P.ReassignsParameter_ValueWithGradient, P.ReassignsParameter_Primal, P.ReassignsParameter_Pullback, P.ReassignsParameter_ValueWithPullback);
    static readonly Differentiated IgnoresSecond = Fn.Of<P.IgnoresSecond_Residuals>(P.IgnoresSecond, P.IgnoresSecond_Jvp, P.IgnoresSecond_ValueWithGradient, P.IgnoresSecond_Primal, P.IgnoresSecond_Pullback, P.IgnoresSecond_ValueWithPullback);
    static readonly Differentiated Trilinear = Fn.Of<P.Trilinear_Residuals>(P.Trilinear, P.Trilinear_Jvp, P.Trilinear_ValueWithGradient, P.Trilinear_Primal, P.Trilinear_Pullback, P.Trilinear_ValueWithPullback);
    static readonly Differentiated FourInputs = Fn.Of<P.FourInputs_Residuals>(P.FourInputs, P.FourInputs_Jvp, P.FourInputs_ValueWithGradient, P.FourInputs_Primal, P.FourInputs_Pullback, P.FourInputs_ValueWithPullback);

    [Theory]
    [InlineData(3.0)]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(0.37)]
    [InlineData(1e3)]
    public void CubedIsThreeXSquared(double x) => Check.Gradient(Cubed, x, 3 * x * x, value: x * x * x);

    [Fact]
    public void CubedAtThreeIsTwentySeven()
    {
        Assert.Equal(27.0, P.Cubed_ValueWithGradient(3.0).Gradient);
        Assert.Equal(27.0, P.Cubed_Jvp(3.0, 1.0).Tangent);
    }

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(4.25)]
    public void IdentityHasDerivativeOne(double x) => Check.Gradient(Identity, x, 1.0, value: x);

    [Theory]
    [InlineData(-1.5)]
    [InlineData(2.0)]
    public void ConstantHasDerivativeZero(double x) => Check.Gradient(Constant, x, 0.0, value: 42.0);

    [Theory]
    [InlineData(-4.0)]
    [InlineData(0.5)]
    public void Affine_(double x) => Check.Gradient(Affine, x, 3.0, value: 3 * x - 7);

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.75)]
    [InlineData(10.0)]
    public void Quadratic_(double x) => Check.Gradient(Quadratic, x, 4 * x - 3);

    [Theory]
    [InlineData(-1.3)]
    [InlineData(0.0)]
    [InlineData(0.6)]
    [InlineData(2.2)]
    public void QuinticHorner_(double x)
    {
        // 2x⁵ − x⁴ + 0.5x³ − 3x² + 4x − 6
        double value = 2 * Math.Pow(x, 5) - Math.Pow(x, 4) + 0.5 * Math.Pow(x, 3) - 3 * x * x + 4 * x - 6;
        double derivative = 10 * Math.Pow(x, 4) - 4 * Math.Pow(x, 3) + 1.5 * x * x - 6 * x + 4;
        Check.Gradient(QuinticHorner, x, derivative, value);
    }

    [Theory]
    [InlineData(-1.7)]
    [InlineData(-0.4)]
    [InlineData(0.0)]
    [InlineData(0.9)]
    [InlineData(1.3)]
    [InlineData(2.5)]
    public void Poly20AgainstTheSumOfPowers(double x)
    {
        double[] c = P.Poly20Coefficients;
        double value = 0, derivative = 0;
        for (int k = 0; k < c.Length; k++)
        {
            value += c[k] * Math.Pow(x, k);
            if (k > 0) derivative += k * c[k] * Math.Pow(x, k - 1);
        }
        Check.Gradient(Poly20, x, derivative, value);
    }

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-1.5, 0.5)]
    [InlineData(0.0, -3.0)]
    [InlineData(2.5, -1.25)]
    public void Bivariate_(double x, double y) =>
        Check.Gradient(Bivariate, [x, y], [2 * x * y + 3 * y * y + 1, x * x + 6 * x * y - 3 * y * y]);

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    [InlineData(3.0)]
    [InlineData(10.0)]
    public void Rational_(double x) =>
        Check.Gradient(Rational, x, (2 * x * (x - 2) - (x * x + 1)) / ((x - 2) * (x - 2)));

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-3.0, 1.5)]
    [InlineData(0.5, -4.0)]
    public void DivisionChain_(double x, double y)
    {
        double s = x + y;
        Check.Gradient(DivisionChain, [x, y], [1 / (s * s), -x * (x + 2 * y) / (y * y * s * s)]);
    }

    [Theory]
    [InlineData(7.3, 2.0)]     // 7.3 % 2 = 1.3: trunc(x/y) = 3
    [InlineData(-7.3, 2.0)]    // -1.3: trunc = -3
    [InlineData(5.5, -1.5)]    // 1.0: trunc = -3
    [InlineData(0.25, 3.0)]    // trunc = 0
    public void RemainderIsXMinusTruncTimesY(double x, double y) =>
        Check.Gradient(Remainder, [x, y], [1.0, -Math.Truncate(x / y)], value: x - Math.Truncate(x / y) * y);

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(1.75)]
    public void Negation_(double x) => Check.Gradient(Negation, x, -2 * x - 1, value: -x * x - x + 1);

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-2.5, 0.5)]
    [InlineData(3.0, -1.0)]
    public void CompoundAssignment_(double x, double y) =>
        Check.Gradient(CompoundAssignment, [x, y], [(2 * x + y) / 2, (x - 2 * y) / 2], value: ((x + y) * x - y * y) / 2 + 1.5);

    [Theory]
    [InlineData(-1.2)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void ReassignsParameter_(double x) =>
        Check.Gradient(ReassignsParameter, x, 4 * x * (x * x + 1), value: (x * x + 1) * (x * x + 1));

    [Theory]
    [InlineData(1.5, -2.0)]
    [InlineData(-0.5, 7.0)]
    public void UnusedInputHasZeroGradient(double x, double y)
    {
        Check.Gradient(IgnoresSecond, [x, y], [2 * x, 0.0]);
        Assert.Equal(0.0, P.IgnoresSecond_ValueWithGradient(x, y).Gradient.Item2);
    }

    [Theory]
    [InlineData(1.0, 2.0, 3.0)]
    [InlineData(-0.5, 1.5, -2.0)]
    [InlineData(2.0, 0.0, 1.0)]
    public void Trilinear_(double x, double y, double z) =>
        Check.Gradient(Trilinear, [x, y, z], [y * z + y, x * z + x, x * y + 1]);

    [Theory]
    [InlineData(1.0, 2.0, 3.0, 4.0)]
    [InlineData(-1.5, 0.5, 2.0, -1.0)]
    [InlineData(0.25, -3.0, 0.0, 2.5)]
    public void FourInputs_(double x, double y, double z, double w) =>
        Check.Gradient(FourInputs, [x, y, z, w], [y + 2 * x * w, x, -w, -z + x * x]);
}
