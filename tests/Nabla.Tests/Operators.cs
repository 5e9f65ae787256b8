// The runtime operators of API.md §3 on method groups of generated functions, for one to four inputs, against closed
// forms; NotDifferentiableException for a method that is not [Differentiable]; GradCheck.
using System;
using Xunit;
using static Nabla.Autodiff;
using P = Nabla.Tests.Polynomials;

namespace Nabla.Tests;

/// <summary>Not [Differentiable]: the operators must refuse it.</summary>
public static class NotMarked
{
    public static double Twice(double x) => 2 * x;
    public static double Product(double x, double y) => x * y;
}

public class OperatorTests
{
    // Closed forms of the functions used (Polynomials.cs):
    //   Cubed(x) = x³                                 ∇ = 3x²
    //   Bivariate(x, y) = x²y + 3xy² − y³ + x          ∇ = (2xy + 3y² + 1, x² + 6xy − 3y²)
    //   Trilinear(x, y, z) = xyz + xy + z              ∇ = (yz + y, xz + x, xy + 1)
    //   FourInputs(x, y, z, w) = xy − zw + x²w         ∇ = (y + 2xw, x, −w, −z + x²)
    const double X = 1.5, Y = -0.5, Z = 2.0, W = 0.75;

    static (double, double) BivariateGrad(double x, double y) => (2 * x * y + 3 * y * y + 1, x * x + 6 * x * y - 3 * y * y);
    static (double, double, double) TrilinearGrad(double x, double y, double z) => (y * z + y, x * z + x, x * y + 1);
    static (double, double, double, double) FourGrad(double x, double y, double z, double w) => (y + 2 * x * w, x, -w, -z + x * x);

    static void Close(double expected, double actual) => Check.Close(expected, actual, "operator");
    static void Close((double, double) e, (double, double) a) { Close(e.Item1, a.Item1); Close(e.Item2, a.Item2); }
    static void Close((double, double, double) e, (double, double, double) a) { Close(e.Item1, a.Item1); Close(e.Item2, a.Item2); Close(e.Item3, a.Item3); }
    static void Close((double, double, double, double) e, (double, double, double, double) a)
    {
        Close(e.Item1, a.Item1); Close(e.Item2, a.Item2); Close(e.Item3, a.Item3); Close(e.Item4, a.Item4);
    }

    [Fact]
    public void GradientOfOneToFourInputs()
    {
        Close(3 * X * X, Gradient(P.Cubed, X));
        Close(BivariateGrad(X, Y), Gradient(P.Bivariate, X, Y));
        Close(TrilinearGrad(X, Y, Z), Gradient(P.Trilinear, X, Y, Z));
        Close(FourGrad(X, Y, Z, W), Gradient(P.FourInputs, X, Y, Z, W));
    }

    [Fact]
    public void ValueWithGradientOfOneToFourInputs()
    {
        var (v1, g1) = ValueWithGradient(P.Cubed, X);
        Assert.Equal(P.Cubed(X), v1);
        Close(3 * X * X, g1);
        var (v2, g2) = ValueWithGradient(P.Bivariate, X, Y);
        Assert.Equal(P.Bivariate(X, Y), v2);
        Close(BivariateGrad(X, Y), g2);
        var (v3, g3) = ValueWithGradient(P.Trilinear, X, Y, Z);
        Assert.Equal(P.Trilinear(X, Y, Z), v3);
        Close(TrilinearGrad(X, Y, Z), g3);
        var (v4, g4) = ValueWithGradient(P.FourInputs, X, Y, Z, W);
        Assert.Equal(P.FourInputs(X, Y, Z, W), v4);
        Close(FourGrad(X, Y, Z, W), g4);
    }

    [Theory]
    [InlineData(3.0, 27.0)]
    [InlineData(-2.0, 12.0)]
    [InlineData(0.5, 0.75)]
    public void DerivativeIsForwardModeOfOneInput(double x, double expected)
    {
        Close(expected, Derivative(P.Cubed, x));
        Close(Math.Cos(x) * Math.Exp(Math.Sin(x)), Derivative(MathFunctions.ExpOfSin, x));
    }

    [Fact]
    public void DerivativeInFloat() => Check.CloseF(3 * 1.5 * 1.5, Derivative(FloatFunctions.CubedF, 1.5f));

    [Fact]
    public void ValueWithPullbackOfOneToFourInputs()
    {
        const double s = -2.0;
        var (v1, pb1) = ValueWithPullback(P.Cubed, X);
        Assert.Equal(P.Cubed(X), v1);
        Close(3 * X * X, pb1(1.0));
        Close(s * 3 * X * X, pb1(s));

        var (v2, pb2) = ValueWithPullback(P.Bivariate, X, Y);
        Assert.Equal(P.Bivariate(X, Y), v2);
        var g2 = BivariateGrad(X, Y);
        Close(g2, pb2(1.0));
        Close((s * g2.Item1, s * g2.Item2), pb2(s));

        var (v3, pb3) = ValueWithPullback(P.Trilinear, X, Y, Z);
        Assert.Equal(P.Trilinear(X, Y, Z), v3);
        var g3 = TrilinearGrad(X, Y, Z);
        Close((s * g3.Item1, s * g3.Item2, s * g3.Item3), pb3(s));

        var (v4, pb4) = ValueWithPullback(P.FourInputs, X, Y, Z, W);
        Assert.Equal(P.FourInputs(X, Y, Z, W), v4);
        var g4 = FourGrad(X, Y, Z, W);
        Close((s * g4.Item1, s * g4.Item2, s * g4.Item3, s * g4.Item4), pb4(s));
        Close(g4, pb4(1.0));
    }

    [Fact]
    public void PullbacksAtTwoPointsAreIndependent()
    {
        // Two pullbacks alive at once, on points that take different branches (EarlyReturn: x > y returns x·y, else
        // (x − y)² + y): each must use its own residuals, whatever the order of the calls.
        var (_, pbA) = ValueWithPullback(Branches.EarlyReturn, 3.0, 1.0);   // ∇ = (y, x) = (1, 3)
        var (_, pbB) = ValueWithPullback(Branches.EarlyReturn, 1.0, 3.0);   // ∇ = (2(x − y), −2(x − y) + 1) = (−4, 5)
        Close((-4.0, 5.0), pbB(1.0));
        Close((1.0, 3.0), pbA(1.0));
        Close((-8.0, 10.0), pbB(2.0));

        double vA = Branches.EarlyReturn_Primal(3.0, 1.0, out var rA);
        double vB = Branches.EarlyReturn_Primal(1.0, 3.0, out var rB);
        Assert.Equal((3.0, 7.0), (vA, vB));
        Close((-4.0, 5.0), Branches.EarlyReturn_Pullback(in rB, 1.0));
        Close((1.0, 3.0), Branches.EarlyReturn_Pullback(in rA, 1.0));
    }

    [Fact]
    public void VjpOfOneToFourInputs()
    {
        const double s = 0.5;
        Close(s * 3 * X * X, Vjp(P.Cubed, X, s));
        var g2 = BivariateGrad(X, Y);
        Close((s * g2.Item1, s * g2.Item2), Vjp(P.Bivariate, X, Y, s));
        var g3 = TrilinearGrad(X, Y, Z);
        Close((s * g3.Item1, s * g3.Item2, s * g3.Item3), Vjp(P.Trilinear, X, Y, Z, s));
        var g4 = FourGrad(X, Y, Z, W);
        Close((s * g4.Item1, s * g4.Item2, s * g4.Item3, s * g4.Item4), Vjp(P.FourInputs, X, Y, Z, W, s));
    }

    [Fact]
    public void ValueWithDifferentialOfOneToFourInputs()
    {
        var (v1, d1) = ValueWithDifferential(P.Cubed, X);
        Assert.Equal(P.Cubed(X), v1);
        Close(3 * X * X * 2.0, d1(2.0));

        var (v2, d2) = ValueWithDifferential(P.Bivariate, X, Y);
        Assert.Equal(P.Bivariate(X, Y), v2);
        var g2 = BivariateGrad(X, Y);
        Close(g2.Item1 * 1.0 + g2.Item2 * -3.0, d2(1.0, -3.0));
        Close(g2.Item2, d2(0.0, 1.0));

        var (v3, d3) = ValueWithDifferential(P.Trilinear, X, Y, Z);
        Assert.Equal(P.Trilinear(X, Y, Z), v3);
        var g3 = TrilinearGrad(X, Y, Z);
        Close(g3.Item1 * 0.5 + g3.Item2 * 2 - g3.Item3, d3(0.5, 2.0, -1.0));

        var (v4, d4) = ValueWithDifferential(P.FourInputs, X, Y, Z, W);
        Assert.Equal(P.FourInputs(X, Y, Z, W), v4);
        var g4 = FourGrad(X, Y, Z, W);
        Close(g4.Item1 + 2 * g4.Item2 - g4.Item3 + 0.25 * g4.Item4, d4(1.0, 2.0, -1.0, 0.25));
        Close(g4.Item4, d4(0, 0, 0, 1));
    }

    [Fact]
    public void JvpOfOneToFourInputs()
    {
        var (v1, t1) = Jvp(P.Cubed, X, -1.0);
        Assert.Equal(P.Cubed(X), v1);
        Close(-3 * X * X, t1);

        var g2 = BivariateGrad(X, Y);
        var (v2, t2) = Jvp(P.Bivariate, X, Y, 0.5, 2.0);
        Assert.Equal(P.Bivariate(X, Y), v2);
        Close(0.5 * g2.Item1 + 2 * g2.Item2, t2);

        var g3 = TrilinearGrad(X, Y, Z);
        var (v3, t3) = Jvp(P.Trilinear, X, Y, Z, 1.0, -1.0, 3.0);
        Assert.Equal(P.Trilinear(X, Y, Z), v3);
        Close(g3.Item1 - g3.Item2 + 3 * g3.Item3, t3);

        var g4 = FourGrad(X, Y, Z, W);
        var (v4, t4) = Jvp(P.FourInputs, X, Y, Z, W, 0.0, 1.0, 0.0, -2.0);
        Assert.Equal(P.FourInputs(X, Y, Z, W), v4);
        Close(g4.Item2 - 2 * g4.Item4, t4);
    }

    [Fact]
    public void OperatorsInFloat()
    {
        Check.CloseF(3 * 2.0 * 2.0, Gradient(FloatFunctions.CubedF, 2.0f));
        var (gy, gx) = Gradient(FloatFunctions.TanhAtan2F, 0.5f, 2.0f);
        double t = Math.Tanh(0.5), r2 = 4.25;
        Check.CloseF(1 - t * t + 2.0 / r2, gy);
        Check.CloseF(-0.5 / r2, gx);
        Check.CloseF(-0.5 / r2, Jvp(FloatFunctions.TanhAtan2F, 0.5f, 2.0f, 0f, 1f).Tangent);
    }

    [Fact]
    public void DataParameterKeepsItsSlotWithAZeroCotangent()
    {
        var (value, (dx, dn)) = ValueWithGradient(DataParams.PowerByInt, 2.0, 3);
        Assert.Equal(8.0, value);
        Close(12.0, dx);
        Assert.Equal(0, dn);
        Close(12.0, Jvp(DataParams.PowerByInt, 2.0, 3, 1.0, 0).Tangent);
    }

    [Fact]
    public void OperatorsOnAMethodThatIsNotDifferentiableThrowNamingIt()
    {
        // Through a delegate variable: where the analyzer cannot see the method, the operator must throw.
        Func<double, double> twice = NotMarked.Twice;
        var e1 = Assert.Throws<NotDifferentiableException>(() => Gradient(twice, 1.0));
        Assert.Contains("Nabla.Tests.NotMarked.Twice", e1.Message);
        Assert.Equal("Nabla.Tests.NotMarked.Twice", e1.MethodName);

        Assert.Contains("NotMarked.Twice", Assert.Throws<NotDifferentiableException>(() => Derivative(twice, 1.0)).Message);
        Assert.Contains("NotMarked.Twice", Assert.Throws<NotDifferentiableException>(() => ValueWithPullback(twice, 1.0)).Message);
        Assert.Contains("NotMarked.Twice", Assert.Throws<NotDifferentiableException>(() => Jvp(twice, 1.0, 1.0)).Message);

        Func<double, double, double> product = NotMarked.Product;
        var e2 = Assert.Throws<NotDifferentiableException>(() => ValueWithGradient(product, 1.0, 2.0));
        Assert.Contains("Nabla.Tests.NotMarked.Product", e2.Message);
        Assert.Contains("NotMarked.Product", Assert.Throws<NotDifferentiableException>(() => Vjp(product, 1.0, 2.0, 1.0)).Message);
        Assert.Contains("NotMarked.Product", Assert.Throws<NotDifferentiableException>(() => ValueWithDifferential(product, 1.0, 2.0)).Message);
    }

    [Fact]
    public void GradCheckPassesOnGeneratedDerivatives()
    {
        Assert.True(GradCheck.Assert(P.Cubed, 1.7).Passed);
        Assert.True(GradCheck.Assert(P.Bivariate, 1.0, -2.0).Passed);
        Assert.True(GradCheck.Assert(MathFunctions.Gaussian, 0.3, -0.2, 1.1).Passed);
        Assert.True(GradCheck.Assert(P.FourInputs, X, Y, Z, W).Passed);
        Assert.True(GradCheck.Assert(Calls.SigmoidTanhChain, 0.4).Passed);
        Assert.True(GradCheck.Assert(FloatFunctions.TanhAtan2F, 0.5f, 2.0f).Passed);
        Assert.True(GradCheck.Check(Branches.AndOr, 1.0, -2.0).Passed);
    }

    [Fact]
    public void GradCheckFailsOnADerivativeThatIsNotTheFunctions()
    {
        // UsesQuantize's rule is straight-through (derivative 2) while the function is a step (finite difference 0).
        GradCheckResult r = GradCheck.Check(UserRules.UsesQuantize, 0.3);
        Assert.False(r.Passed, r.Message);
        Assert.Contains("UsesQuantize", r.Message);
        Assert.Equal(2.0, r.Analytic);
        Assert.Equal(0.0, r.Numeric);
        var ex = Assert.Throws<GradCheckException>(() => GradCheck.Assert(UserRules.UsesQuantize, 0.3));
        Assert.False(ex.Result.Passed);

        // A wrong hand-written gradient in the second component is found and named.
        GradCheckResult wrong = GradCheck.Check(p => p[0] * p[1], p => [p[1], p[0] + 0.01], [2.0, 3.0]);
        Assert.False(wrong.Passed, wrong.Message);
        Assert.Equal(1, wrong.WorstIndex);
    }
}
