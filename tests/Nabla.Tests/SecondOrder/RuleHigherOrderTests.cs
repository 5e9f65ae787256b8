// Third and fourth derivatives through [DerivativeOf] rules (issue 5): the System.Math rules of the runtime library
// (another assembly), a user rule of this assembly and one of a third assembly, by nesting Derivative three and four
// deep, and Hessians of gradients. Each is checked against its closed form and against central differences of the
// derivative one order lower (itself computed by nesting). The rules' partials of partials (RuleChains.cs) make it work.
using System;
using Nabla.Tests.Library;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.SecondOrder;

/// <summary>exp(−x²), opaque to Nabla: only its rule says how to differentiate it.</summary>
public static class HigherOrderOpaque
{
    public static double Gauss(double x) => Math.Exp(-x * x);
}

public static class HigherOrderRules
{
    [DerivativeOf(typeof(HigherOrderOpaque), nameof(HigherOrderOpaque.Gauss))]
    public static (double Value, Func<double, double> Pullback) Gauss(double x)
    {
        double y = Math.Exp(-x * x);
        return (y, dy => dy * -2 * x * y);
    }
}

public class RuleHigherOrderTests
{
    const double H = 1e-4;

    static void Close(double expected, double actual, double tolerance = 1e-11) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    /// <summary>The derivative of <paramref name="f"/> at x by central differences (fourth-order accurate).</summary>
    static double Fd(Func<double, double> f, double x) =>
        (-f(x + 2 * H) + 8 * f(x + H) - 8 * f(x - H) + f(x - 2 * H)) / (12 * H);

    /// <summary>Third and fourth derivatives against closed forms, and each against differences of the one below it.</summary>
    static void Check(Func<double, double> d2, Func<double, double> d3, Func<double, double> d4, double x0, double third, double fourth)
    {
        Close(third, d3(x0));
        Close(fourth, d4(x0));
        Close(d3(x0), Fd(d2, x0), 1e-7);
        Close(d4(x0), Fd(d3, x0), 1e-7);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-1.2)]
    public void Sin(double x0) => Check(
        a => Derivative(x => Derivative(y => Math.Sin(y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Math.Sin(z), y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Sin(w), z), y), x), a),
        x0, -Math.Cos(x0), Math.Sin(x0));

    [Theory]
    [InlineData(0.3)]
    [InlineData(2.1)]
    public void Cos(double x0) => Check(
        a => Derivative(x => Derivative(y => Math.Cos(y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Math.Cos(z), y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Cos(w), z), y), x), a),
        x0, Math.Sin(x0), Math.Cos(x0));

    [Theory]
    [InlineData(0.4)]
    [InlineData(-0.9)]
    public void Exp_TimesX(double x0)
    {
        // d³/dx³ x eˣ = (x + 3) eˣ, d⁴ = (x + 4) eˣ; and Exp alone.
        Check(
            a => Derivative(x => Derivative(y => Math.Exp(y) * y, x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Math.Exp(z) * z, y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Exp(w) * w, z), y), x), a),
            x0, (x0 + 3) * Math.Exp(x0), (x0 + 4) * Math.Exp(x0));
        Close(Math.Exp(x0), Derivative(x => Derivative(y => Derivative(z => Math.Exp(z), y), x), x0));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(2.5)]
    public void Log(double x0) => Check(
        a => Derivative(x => Derivative(y => Math.Log(y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Math.Log(z), y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Log(w), z), y), x), a),
        x0, 2 / (x0 * x0 * x0), -6 / (x0 * x0 * x0 * x0));

    [Theory]
    [InlineData(0.35)]
    [InlineData(-1.1)]
    public void Tanh(double x0)
    {
        double t = Math.Tanh(x0), s = 1 - t * t;
        Check(
            a => Derivative(x => Derivative(y => Math.Tanh(y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Math.Tanh(z), y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Tanh(w), z), y), x), a),
            x0, -2 * s * (1 - 3 * t * t), 8 * t * s * (2 - 3 * t * t));
    }

    [Theory]
    [InlineData(1.3)]
    [InlineData(0.6)]
    public void Pow_InTheBaseAndInTheExponent(double x0)
    {
        const double p = 3.7;
        // x^p in x: p(p−1)(p−2) x^(p−3), then ·(p−3)/x.
        double third = p * (p - 1) * (p - 2) * Math.Pow(x0, p - 3);
        Check(
            a => Derivative(x => Derivative(y => Math.Pow(y, p), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Math.Pow(z, p), y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Pow(w, p), z), y), x), a),
            x0, third, third * (p - 3) / x0);
        // 2.5^x in x: ln(2.5)^k 2.5^x.
        double l = Math.Log(2.5);
        Check(
            a => Derivative(x => Derivative(y => Math.Pow(2.5, y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Math.Pow(2.5, z), y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Pow(2.5, w), z), y), x), a),
            x0, l * l * l * Math.Pow(2.5, x0), l * l * l * l * Math.Pow(2.5, x0));
        // x^x: both inputs at once (mixed partials), against differences only.
        Func<double, double> d2 = a => Derivative(x => Derivative(y => Math.Pow(y, y), x), a);
        Func<double, double> d3 = a => Derivative(x => Derivative(y => Derivative(z => Math.Pow(z, z), y), x), a);
        Func<double, double> d4 = a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Pow(w, w), z), y), x), a);
        Close(d3(x0), Fd(d2, x0), 1e-7);
        Close(d4(x0), Fd(d3, x0), 1e-6);
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(3.0)]
    public void Sqrt(double x0) => Check(
        a => Derivative(x => Derivative(y => Math.Sqrt(y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Math.Sqrt(z), y), x), a),
        a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Sqrt(w), z), y), x), a),
        x0, 3.0 / 8 * Math.Pow(x0, -2.5), -15.0 / 16 * Math.Pow(x0, -3.5));

    [Theory]
    [InlineData(0.5)]
    [InlineData(-1.4)]
    public void Atan2_EachInputAndBoth(double t0)
    {
        // atan2(t, 1) = atan t: (6t² − 2)/(1 + t²)³, then 24t(1 − t²)/(1 + t²)⁴.
        double q = 1 + t0 * t0;
        double third = (6 * t0 * t0 - 2) / (q * q * q), fourth = 24 * t0 * (1 - t0 * t0) / (q * q * q * q);
        Check(
            a => Derivative(x => Derivative(y => Math.Atan2(y, 1.0), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Math.Atan2(z, 1.0), y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Atan2(w, 1.0), z), y), x), a),
            t0, third, fourth);
        // atan2(−1, t) = −atan(1/t) − π sign stuff; for the derivatives, d/dt atan2(−1, t) = 1/(1 + t²) = atan′ t.
        Check(
            a => Derivative(x => Derivative(y => Math.Atan2(-1.0, y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Math.Atan2(-1.0, z), y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Atan2(-1.0, w), z), y), x), a),
            t0, third, fourth);
        // atan2(t², 1 + t): both inputs vary, against differences only.
        Func<double, double> d2 = a => Derivative(x => Derivative(y => Math.Atan2(y * y, 2 + y), x), a);
        Func<double, double> d3 = a => Derivative(x => Derivative(y => Derivative(z => Math.Atan2(z * z, 2 + z), y), x), a);
        Func<double, double> d4 = a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Math.Atan2(w * w, 2 + w), z), y), x), a);
        Close(d3(t0), Fd(d2, t0), 1e-7);
        Close(d4(t0), Fd(d3, t0), 1e-6);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-0.8)]
    public void UserRule_OfThisAssembly(double x0)
    {
        // exp(−x²): (12x − 8x³) e^(−x²), then (16x⁴ − 48x² + 12) e^(−x²).
        double g = Math.Exp(-x0 * x0), x2 = x0 * x0;
        Check(
            a => Derivative(x => Derivative(y => HigherOrderOpaque.Gauss(y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => HigherOrderOpaque.Gauss(z), y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => HigherOrderOpaque.Gauss(w), z), y), x), a),
            x0, (12 * x0 - 8 * x0 * x2) * g, (16 * x2 * x2 - 48 * x2 + 12) * g);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(-1.5)]
    public void UserRules_OfAnotherAssembly(double x0)
    {
        // Softplus (a forward rule in Nabla.Tests.Rules): with s = σ(x), s(1 − s)(1 − 2s), then s(1 − s)(1 − 6s + 6s²).
        double s = 1 / (1 + Math.Exp(-x0));
        Check(
            a => Derivative(x => Derivative(y => Plain.Softplus(y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Plain.Softplus(z), y), x), a),
            a => Derivative(x => Derivative(y => Derivative(z => Derivative(w => Plain.Softplus(w), z), y), x), a),
            x0, s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s));
        // MulSquare(x, y) = x y² (a two-input reverse rule there) along y = x: x³, so 6 and 0; along (x, sin x), against differences.
        Close(6, Derivative(x => Derivative(y => Derivative(z => Plain.MulSquare(z, z), y), x), x0));
        Close(0, Derivative(x => Derivative(y => Derivative(z => Derivative(w => Plain.MulSquare(w, w), z), y), x), x0));
        Func<double, double> d2 = a => Derivative(x => Derivative(y => Plain.MulSquare(y, Math.Sin(y)), x), a);
        Func<double, double> d3 = a => Derivative(x => Derivative(y => Derivative(z => Plain.MulSquare(z, Math.Sin(z)), y), x), a);
        Close(d3(x0), Fd(d2, x0), 1e-7);
    }

    [Fact]
    public void HessianOfAGradient_ThroughMathRules()
    {
        // g(v) = ∂/∂t [sin(t) e^(v₁ t)/… ] written as a gradient inside: g(v) = d/dt sin(t)·exp(v₁) at t = v₀ = cos(v₀) e^(v₁).
        var v0 = new[] { 0.4, -0.3 };
        var h = Hessian(v => Gradient(t => Math.Sin(t) * Math.Exp(v[1]), v[0]), v0);
        double c = Math.Cos(v0[0]), s = Math.Sin(v0[0]), e = Math.Exp(v0[1]);
        Close(-c * e, h[0, 0]);
        Close(-s * e, h[0, 1]);
        Close(-s * e, h[1, 0]);
        Close(c * e, h[1, 1]);

        // Through Log, Tanh and Pow: each column of the Hessian against differences of the gradient (second order, nested).
        var w0 = new[] { 0.6, 1.3 };
        var hw = Hessian(w => Gradient(t => Math.Log(1 + t * w[1]) * Math.Tanh(t) + Math.Pow(w[1], t), w[0]), w0);
        Func<double[], double[]> gradient = w => Gradient(u => Gradient(t => Math.Log(1 + t * u[1]) * Math.Tanh(t) + Math.Pow(u[1], t), u[0]), w);
        for (int j = 0; j < 2; j++)
        {
            var plus = (double[])w0.Clone();
            var minus = (double[])w0.Clone();
            plus[j] += H;
            minus[j] -= H;
            var gp = gradient(plus);
            var gm = gradient(minus);
            for (int i = 0; i < 2; i++) Close((gp[i] - gm[i]) / (2 * H), hw[i, j], 1e-6);
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-1.3)]
    public void PerturbationConfusion_IsAvoided_AtThirdOrderThroughRules(double x0)
    {
        // d/dx [x · d/dy [y · d/dz sin(xz + y) at z = 1] at y = 1] = d/dx [x² (cos(x + 1) − sin(x + 1))].
        double c = Math.Cos(x0 + 1), s = Math.Sin(x0 + 1);
        Close(2 * x0 * (c - s) - x0 * x0 * (s + c),
            Derivative(x => x * Derivative(y => y * Derivative(z => Math.Sin(x * z + y), 1.0), 1.0), x0));
    }
}
