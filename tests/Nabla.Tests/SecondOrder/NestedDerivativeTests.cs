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

    [Differentiable]
    public static double CyclicCubic(double[] v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += v[i] * v[i] * v[(i + 1) % v.Length];
        return s;
    }

    [Differentiable]
    public static double[] SinesAndProduct(double[] v)
    {
        var r = new double[v.Length + 1];
        for (int i = 0; i < v.Length; i++) r[i] = Math.Sin(v[i]) * v[0];
        r[v.Length] = v[0] * v[1];
        return r;
    }

    [Differentiable]
    public static double WeightedSquares(double[] x, double[] w)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += w[i] * x[i] * x[i];
        return s;
    }

    [Differentiable]
    public static double Rosenbrock(double[] v) => 100 * (v[1] - v[0] * v[0]) * (v[1] - v[0] * v[0]) + (1 - v[0]) * (1 - v[0]);

    [Differentiable]
    public static float[] ProductAndSine(float[] v) => new[] { v[0] * v[1], MathF.Sin(v[1]) };
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

    static void CloseSingle(float expected, float actual) =>
        Assert.True(MathF.Abs(expected - actual) <= 4e-7f * MathF.Max(1, MathF.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    static double[] CentralGradient(Func<double[], double> f, double[] x)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone(); var minus = (double[])x.Clone();
            plus[i] += 1e-5; minus[i] -= 1e-5;
            g[i] = (f(plus) - f(minus)) / 2e-5;
        }
        return g;
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-1.3)]
    public void VjpInsideADifferentiatedLambda_OfScalarFunctions(double x0)
    {
        // d/dx [2 · ∂/∂y sin(xy) at y = x] = d/dx 2x cos(x²) = 2cos(x²) − 4x² sin(x²)
        Close(2 * Math.Cos(x0 * x0) - 4 * x0 * x0 * Math.Sin(x0 * x0), Gradient(x => Vjp(y => Math.Sin(x * y), x, 2.0), x0));
        Close(-2 * Math.Sin(x0), Gradient(x => Vjp(Math.Sin, x, 2.0), x0));
        // A scalar input, a vector result: Vjp is the cotangent's dot with the derivative, t ↦ (t²x, eᵗ) with (1.5, −1):
        // 3tx − eᵗ at t = x, whose derivative is 6x − eˣ.
        Close(6 * x0 - Math.Exp(x0), Derivative(x => Vjp(t => new[] { t * t * x, Math.Exp(t) }, x, new[] { 1.5, -1 }), x0));
        // ValueWithGradient's value and gradient both differentiate: d²/dx² x e^(x²) through its value.
        Close(Math.Exp(x0 * x0) * (6 * x0 + 4 * x0 * x0 * x0), Hessian(x => ValueWithGradient(y => x * Math.Exp(x * y), x).Value, x0));
    }

    [Fact]
    public void VjpAndJacobiansInsideADifferentiatedLambda_OfArrayFunctions()
    {
        var p = new[] { 0.3, -1.2, 0.8 };
        var w = new[] { 1.0, 0.5, -2.0, 0.25 };
        var u = new[] { 0.1, 0.2, 0.3 };
        // Reverse over reverse: the gradient of u·(Jᵀw), checked against central differences of the same function
        // (whose inner Vjp runs at run time, by reverse mode).
        Func<double[], double> weighted = q =>
        {
            var g = Vjp(NestedFunctions.SinesAndProduct, q, w);
            double s = 0;
            for (int i = 0; i < 3; i++) s += g[i] * u[i];
            return s;
        };
        var nested = Gradient(q =>
        {
            var g = Vjp(NestedFunctions.SinesAndProduct, q, w);
            double s = 0;
            for (int i = 0; i < 3; i++) s += g[i] * u[i];
            return s;
        }, p);
        var fd = CentralGradient(weighted, p);
        for (int i = 0; i < p.Length; i++) Assert.True(Math.Abs(fd[i] - nested[i]) < 1e-8, $"{i}: {nested[i]} vs {fd[i]}");
        // Jacobian entries as a function: J₃₁ J₀₀ + J₂₂ = v₀ (sin v₀ + v₀ cos v₀) + v₀ cos v₂, whose ∂/∂v₀ is
        // sin v₀ + 3v₀ cos v₀ − v₀² sin v₀ + cos v₂.
        var jacobian = Gradient(q => { var J = JacobianReverse(NestedFunctions.SinesAndProduct, q); return J[3, 1] * J[0, 0] + J[2, 2]; }, p);
        double v0 = p[0], v2 = p[2];
        Close(Math.Sin(v0) + 3 * v0 * Math.Cos(v0) - v0 * v0 * Math.Sin(v0) + Math.Cos(v2), jacobian[0]);
        Close(0, jacobian[1]);
        Close(-v0 * Math.Sin(v2), jacobian[2]);
        // The third derivative: the Hessian of ∂F/∂q₀ = 2q₀q₁ + q₂² is [[0,2,0],[2,0,0],[0,0,2]].
        var h = Hessian(q => Vjp(NestedFunctions.CyclicCubic, q, 1.0)[0], p);
        var expected = new double[,] { { 0, 2, 0 }, { 2, 0, 0 }, { 0, 0, 2 } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Close(expected[i, j], h[i, j]);
        // ValueWithGradient's gradient of an array function: ∂F/∂v₁ = v₀² + 2v₁v₂ at (t, 2t, 1) is t² + 4t → 2t + 4.
        Close(2 * 0.4 + 4, Derivative(t => ValueWithGradient(NestedFunctions.CyclicCubic, new[] { t, 2 * t, 1 }).Gradient[1], 0.4));
    }

    [Fact]
    public void NestedJacobiansAndVjpsInSingle()
    {
        var p = new[] { 0.5f, 1.5f };
        // J₀₁ J₁₁ = v₀ cos v₁; its gradient is (cos v₁, −v₀ sin v₁).
        var g = Gradient(q => { var J = JacobianForward(NestedFunctions.ProductAndSine, q); return J[0, 1] * J[1, 1]; }, p);
        CloseSingle(MathF.Cos(1.5f), g[0]);
        CloseSingle(-0.5f * MathF.Sin(1.5f), g[1]);
        // (Jᵀ(1, 2))₁ = v₀ + 2 cos v₁; its gradient is (1, −2 sin v₁).
        var v = Gradient(q => Vjp(NestedFunctions.ProductAndSine, q, new[] { 1f, 2f })[1], p);
        CloseSingle(1f, v[0]);
        CloseSingle(-2 * MathF.Sin(1.5f), v[1]);
    }

    [Fact]
    public void HessiansInsideADifferentiatedLambda_ThirdAndFourthOrder()
    {
        // f(v; t) = t (v₀² v₁ + sin v₁): H = t [[2v₁, 2v₀], [2v₀, −sin v₁]].
        var x = new[] { 1.2, 0.7 };
        double t0 = 1.5;
        Close(2 * x[0], Derivative(t => Hessian(v => t * (v[0] * v[0] * v[1] + Math.Sin(v[1])), x)[0, 1], t0));
        var g = Gradient(q => Hessian(v => t0 * (v[0] * v[0] * v[1] + Math.Sin(v[1])), q)[1, 1], x);
        Close(0, g[0]);
        Close(-t0 * Math.Cos(x[1]), g[1]);
        // The trace, t (2v₁ − sin v₁): its gradient is (0, t (2 − cos v₁)).
        g = Gradient(q => { var h = Hessian(v => t0 * (v[0] * v[0] * v[1] + Math.Sin(v[1])), q); return h[0, 0] + h[1, 1]; }, x);
        Close(0, g[0]);
        Close(t0 * (2 - Math.Cos(x[1])), g[1]);
        // (H·(1, 2))₀ = t (2v₁ + 4v₀).
        Close(2 * x[1] + 4 * x[0], Derivative(t => HessianVectorProduct(v => t * (v[0] * v[0] * v[1] + Math.Sin(v[1])), x, new[] { 1.0, 2.0 })[0], t0));
        // Scalars: (x⁴)'' = 12x², its derivative 24x; with a direction 2, 48x.
        Close(24 * 1.5, Derivative(y => Hessian(z => z * z * z * z, y), 1.5));
        Close(48 * 1.5, Derivative(y => HessianVectorProduct(z => z * z * z * z, y, 2.0), 1.5));
        // Rosenbrock: ∂²f/∂v₀² = 1200 v₀² − 400 v₁ + 2; its gradient's first component 2400 v₀, and its Hessian's 2400.
        var r = new[] { 0.3, -0.4 };
        Close(2400 * r[0], Gradient(q => Hessian(NestedFunctions.Rosenbrock, q)[0, 0], r)[0]);
        Close(-400, Gradient(q => Hessian(NestedFunctions.Rosenbrock, q)[0, 0], r)[1]);
        Close(2400, Hessian(q => Hessian(NestedFunctions.Rosenbrock, q)[0, 0], r)[0, 0]);
        // A rule's method group and a lambda capturing the outer variable: (sin)''' = −cos; d/dt (t² e^{t})'' at x = 1.
        Close(-Math.Cos(1.0), Derivative(t => Hessian(Math.Sin, t), 1.0));
        Close(2 * 0.5 * Math.Exp(0.5) + 0.25 * Math.Exp(0.5), Derivative(t => Hessian(x => Math.Exp(t * x), 1.0), 0.5));
        // The Hessian inside is symmetric, from half of its entries.
        var inner = Derivative(t => { var h = Hessian(v => t * NestedFunctions.CyclicCubic(v), new[] { 0.5, 1.0, -2.0 }); return h[0, 2] - h[2, 0] + h[1, 0]; }, 2.0);
        // ∂²/∂v₀∂v₂ = 2v₂ both ways; ∂²/∂v₁∂v₀ = 2v₀.
        Close(2 * 0.5, inner);
    }

    [Fact]
    public void HessianInsideADifferentiatedLambda_InSingle()
    {
        var p = new[] { 0.5f, 1.5f };
        // H₁₁ of v₀ sin v₁ is −v₀ sin v₁; its gradient is (−sin v₁, −v₀ cos v₁).
        var g = Gradient(q => Hessian(v => v[0] * MathF.Sin(v[1]), q)[1, 1], p);
        CloseSingle(-MathF.Sin(1.5f), g[0]);
        CloseSingle(-0.5f * MathF.Cos(1.5f), g[1]);
    }

    [Fact]
    public void OperatorsOfSeveralInputsInsideADifferentiatedLambda()
    {
        double t0 = 0.7;
        // g(a, b) = t a² b + sin b: ∂g/∂a = 2tab, ∂g/∂b = t a² + cos b; their derivatives in t are 2ab and a².
        Close(2 * 1.5 * 2.0, Derivative(t => Gradient((a, b) => t * a * a * b + Math.Sin(b), 1.5, 2.0).Item1, t0));
        Close(1.5 * 1.5, Derivative(t => Gradient((a, b) => t * a * a * b + Math.Sin(b), 1.5, 2.0).Item2, t0));
        // ∇(∂g/∂a + ∂g/∂b) = (2tb + 2ta, 2ta − sin b).
        var g = Gradient(p => { var (ga, gb) = Gradient((a, b) => t0 * a * a * b + Math.Sin(b), p[0], p[1]); return ga + gb; }, new[] { 1.5, 2.0 });
        Close(2 * t0 * 2.0 + 2 * t0 * 1.5, g[0]);
        Close(2 * t0 * 1.5 - Math.Sin(2.0), g[1]);
        // Arrays: Σ wᵢxᵢ²: ∇ₓ = 2wx, ∇_w = x².
        Close(2 * 2 * 3.0, Derivative(t => Gradient((x, w) => NestedFunctions.WeightedSquares(x, w), new[] { 1.0, 3.0 }, new[] { t, 2 * t }).Item1[1], 0.5));
        Close(2 * 0.5, Derivative(t => ValueWithGradient(NestedFunctions.WeightedSquares, new[] { t, 3.0 }, new[] { 1.0, 2.0 }).Gradient.Item2[0], 0.5));
        Close(2 * 0.5, Derivative(t => ValueWithGradient(NestedFunctions.WeightedSquares, new[] { t, 3.0 }, new[] { 1.0, 2.0 }).Value, 0.5));
        // Jvp of ab along (1, t) is b + at; Vjp of (ab, a + b) with (1, t) is (b + t, a + t).
        Close(2.0, Derivative(t => Jvp((a, b) => a * b, 2.0, 3.0, 1.0, t).Tangent, 0.3));
        Close(1.0, Derivative(t => Vjp((a, b) => new[] { a * b, a + b }, 2.0, 3.0, new[] { 1.0, t }).Item1, 0.3));
        // Three inputs: ∂/∂z (xyz²) = 2xyz, its derivative in x is 2yz.
        Close(2 * 3.0 * 0.5, Derivative(x => Gradient((a, b, c) => a * b * c * c, x, 3.0, 0.5).Item3, 1.2));
        // Perturbations stay apart: d/dx [x · ∂/∂y (x + y + z)] = 1.
        Close(1.0, Derivative(x => x * Gradient((y, z) => x + y + z, 1.0, 2.0).Item1, 3.0));
    }

    [Fact]
    public void OperatorOfSeveralInputsInsideADifferentiatedLambda_InSingle()
    {
        // ∂/∂b (a b²) = 2ab; its derivative in a is 2b.
        CloseSingle(2 * 1.5f, Derivative(a => Gradient((x, y) => x * y * y, a, 1.5f).Item2, 0.5f));
    }
}
