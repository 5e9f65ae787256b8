// Derivatives of derivatives (issue 5 §3): Derivative and Gradient taken inside a differentiated lambda, with inner
// lambdas that capture the outer variable, against closed forms; and the perturbation-confusion example.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.SecondOrder;

public static partial class NestedFunctions
{
    [Differentiable]
    public static double Cube(double x) => x * x * x;
}

public class NestedDerivativeTests
{
    static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-13 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(2.0)]
    public void PerturbationConfusion_IsAvoided(double at)
    {
        // d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1, not 2.
        Assert.Equal(1.0, Derivative(x => x * Derivative(y => x + y, 1.0), at));
    }

    [Fact]
    public void SecondDerivativeOfAMethod()
    {
        Close(6 * 2.0, Derivative(x => Derivative(NestedFunctions.Cube, x), 2.0));
        Close(6 * -0.5, Gradient(x => Gradient(NestedFunctions.Cube, x), -0.5));
    }

    [Fact]
    public void InnerLambdaCapturingTheOuterVariable()
    {
        double x0 = 0.7, y0 = 1.5;
        // d/dx [ d/dy sin(xy) at y0 ] = d/dx [x cos(x y0)] = cos(x y0) − x y0 sin(x y0)
        Close(Math.Cos(x0 * y0) - x0 * y0 * Math.Sin(x0 * y0), Derivative(x => Derivative(y => Math.Sin(x * y), y0), x0));
        // inner evaluated at the outer variable: d/dy (y² x) at y = x is 2x², whose derivative is 4x.
        Close(4 * 3.0, Gradient(x => Derivative(y => y * y * x, x), 3.0));
    }

    [Fact]
    public void NestedDerivativeInsideABlockWithACapture()
    {
        double k = 2.5;
        double g = Derivative(x =>
        {
            double slope = Derivative(t => k * t * t * x, x);   // 2 k x · x = 2 k x²
            return slope + x;
        }, 1.2);
        Close(4 * k * 1.2 + 1, g);
    }

    [Fact]
    public void JacobiansOfGradients_AreTheHessian()
    {
        var x0 = new[] { 0.3, -0.7, 1.1, 0.4 };
        var expected = SecondOrderFunctions.RosenbrockHessian(x0);
        var forward = JacobianForward(x => Gradient(SecondOrderFunctions.Rosenbrock, x), x0);
        var reverse = JacobianReverse(x => Gradient(v => SecondOrderFunctions.Rosenbrock(v), x), x0);
        for (int i = 0; i < x0.Length; i++)
            for (int j = 0; j < x0.Length; j++)
            {
                Close(expected[i, j], forward[i, j]);
                Close(expected[i, j], reverse[i, j]);
            }
        // Through a loop and a branch: a row of the Hessian as the gradient of a gradient's component.
        var y0 = new[] { 0.7, -0.4, 1.3, -1.1, 0.2 };
        var h = SecondOrderFunctions.LoopAndBranchHessian(y0);
        var row = Gradient(y => Gradient(SecondOrderFunctions.LoopAndBranch, y)[2], y0);
        for (int j = 0; j < y0.Length; j++) Close(h[2, j], row[j]);
    }
    [Theory]
    [InlineData(2.0)]
    [InlineData(-0.7)]
    public void ThirdDerivatives_ByNestingThreeDeep(double x0)
    {
        // d³/dx³ (x⁴ + 3x²) = 24x; d³/dx³ x/(1 + x²) = −6(x⁴ − 6x² + 1)/(1 + x²)⁴ (−6 at 0).
        Close(24 * x0, Derivative(x => Derivative(y => Derivative(z => z * z * z * z + 3 * z * z, y), x), x0));
        double q = 1 + x0 * x0;
        Close(-6 * (x0 * x0 * x0 * x0 - 6 * x0 * x0 + 1) / (q * q * q * q), Derivative(x => Derivative(y => Derivative(z => z / (1 + z * z), y), x), x0));
        // Perturbations stay apart at every level: d/dx [x · d/dy [y · d/dz (x + y + z)]] = d/dx [x · 1] = 1.
        Close(1, Derivative(x => x * Derivative(y => y * Derivative(z => x + y + z, 1.0), 1.0) / 1.0, x0));
    }
    [Theory]
    [InlineData(0.3)]
    [InlineData(-1.4)]
    public void MethodGroupsWithRulesInsideADerivative(double x0)
    {
        // The inner function is a BCL method with a rule, not a [Differentiable] method: differentiated as x => M(x).
        Close(-Math.Sin(x0), Derivative(x => Derivative(Math.Sin, x), x0));
        Close(Math.Exp(x0), Derivative(x => Derivative(Math.Exp, x) * 1.0, x0));
        Close(Math.Sin(x0), Derivative(x => Derivative(y => Derivative(Math.Cos, y), x), x0));
        double t = Math.Tanh(x0);
        Close(-2 * t * (1 - t * t), Derivative(x => Derivative(double.Tanh, x), x0));
    }
}
