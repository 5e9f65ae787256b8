// Users' [DerivativeOf] rules in the same assembly, in the closure form of API.md §5: reverse mode and forward mode,
// one and two inputs, a rule with Wrt, a rule that deliberately differs from the true derivative (so that only the
// rule can explain the result), and a rule that wins over the body of a [Differentiable] method.
using System;
using Xunit;
using U = Nabla.Tests.UserRules;

namespace Nabla.Tests;

/// <summary>Ordinary methods, neither [Differentiable] nor partial.</summary>
public static class Opaque
{
    public static double Cube(double x) => x * x * x;
    public static double Quantize(double x) => Math.Round(x * 4) / 4;
    public static double Mul(double x, double y) => x * y;
    public static double LogCosh(double x) => Math.Log(Math.Cosh(x));
    public static double Weighted(double x, double w) => w * x;
}

public static class OpaqueRules
{
    [DerivativeOf(typeof(Opaque), nameof(Opaque.Cube))]
    public static (double Value, Func<double, double> Pullback) Cube(double x)
    {
        double d = 3 * x * x;
        return (x * x * x, dy => dy * d);
    }

    /// <summary>Straight-through: the derivative of the identity, not of the step function.</summary>
    [DerivativeOf(typeof(Opaque), nameof(Opaque.Quantize))]
    public static (double Value, Func<double, double> Pullback) Quantize(double x) => (Opaque.Quantize(x), dy => dy);

    [DerivativeOf(typeof(Opaque), nameof(Opaque.Mul), Mode = DerivativeMode.Forward)]
    public static (double Value, Func<double, double, double> Differential) Mul(double x, double y) =>
        (x * y, (dx, dy) => dx * y + x * dy);

    [DerivativeOf(typeof(Opaque), nameof(Opaque.LogCosh), Mode = DerivativeMode.Forward)]
    public static (double Value, Func<double, double> Differential) LogCosh(double x)
    {
        // A rule has exactly one return (NABLA0006): the branch is a ?: (tanh(x) rounds to 1 beyond 20).
        double t = x > 20 ? 1.0 : Math.Tanh(x);
        return (Opaque.LogCosh(x), dx => dx * t);
    }

    /// <summary>Only x is differentiable; w is data.</summary>
    [DerivativeOf(typeof(Opaque), nameof(Opaque.Weighted), Wrt = "x")]
    public static (double Value, Func<double, double> Pullback) Weighted(double x, double w) => (w * x, dy => dy * w);

    /// <summary>Replaces the body of UserRules.SafeSqrt: derivative 0 at 0 instead of +∞.</summary>
    [DerivativeOf(typeof(UserRules), nameof(UserRules.SafeSqrt))]
    public static (double Value, Func<double, double> Pullback) SafeSqrt(double x)
    {
        double y = Math.Sqrt(x);
        double d = y > 0 ? 0.5 / y : 0.0;
        return (y, dy => dy * d);
    }
}

public static partial class UserRules
{
    [Differentiable] public static double UsesCube(double x) => Opaque.Cube(x) + x;
    [Differentiable] public static double UsesQuantize(double x) => Opaque.Quantize(x) * 2;
    [Differentiable] public static double UsesMul(double x, double y) => Opaque.Mul(x, Math.Sin(y));
    [Differentiable] public static double UsesLogCosh(double x) => Opaque.LogCosh(2 * x);
    [Differentiable] public static double UsesWeighted(double x, double w) => Opaque.Weighted(x, 3.0) + w * x;

    /// <summary>An active w passed to the rule's data parameter (outside its Wrt): API.md §6 makes this a compile-time error.</summary>

    [Differentiable] public static double SafeSqrt(double x) => Math.Sqrt(x);
    [Differentiable] public static double UsesSafeSqrt(double x) => SafeSqrt(x * x) + x;
}

public class UserRuleTests
{
    static readonly Differentiated UsesCube = Fn.Of<U.UsesCube_Residuals>(U.UsesCube, U.UsesCube_Jvp, U.UsesCube_ValueWithGradient, U.UsesCube_Primal, U.UsesCube_Pullback, U.UsesCube_ValueWithPullback);
    static readonly Differentiated UsesQuantize = Fn.Of<U.UsesQuantize_Residuals>(U.UsesQuantize, U.UsesQuantize_Jvp, U.UsesQuantize_ValueWithGradient, U.UsesQuantize_Primal, U.UsesQuantize_Pullback, U.UsesQuantize_ValueWithPullback);
    static readonly Differentiated UsesMul = Fn.Of<U.UsesMul_Residuals>(U.UsesMul, U.UsesMul_Jvp, U.UsesMul_ValueWithGradient, U.UsesMul_Primal, U.UsesMul_Pullback, U.UsesMul_ValueWithPullback);
    static readonly Differentiated UsesLogCosh = Fn.Of<U.UsesLogCosh_Residuals>(U.UsesLogCosh, U.UsesLogCosh_Jvp, U.UsesLogCosh_ValueWithGradient, U.UsesLogCosh_Primal, U.UsesLogCosh_Pullback, U.UsesLogCosh_ValueWithPullback);
    static readonly Differentiated UsesWeighted = Fn.Of<U.UsesWeighted_Residuals>(U.UsesWeighted, U.UsesWeighted_Jvp, U.UsesWeighted_ValueWithGradient, U.UsesWeighted_Primal, U.UsesWeighted_Pullback, U.UsesWeighted_ValueWithPullback);
    static readonly Differentiated UsesSafeSqrt = Fn.Of<U.UsesSafeSqrt_Residuals>(U.UsesSafeSqrt, U.UsesSafeSqrt_Jvp, U.UsesSafeSqrt_ValueWithGradient, U.UsesSafeSqrt_Primal, U.UsesSafeSqrt_Pullback, U.UsesSafeSqrt_ValueWithPullback);

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void ReverseRule(double x) => Check.Gradient(UsesCube, x, 3 * x * x + 1, value: x * x * x + x);

    [Theory]
    [InlineData(0.3)]
    [InlineData(-1.1)]
    public void TheRuleIsUsedNotTheTrueDerivative(double x) =>
        // Quantize is a step function (true derivative 0): only the straight-through rule gives 2.
        Check.Gradient(UsesQuantize, x, 2.0, value: 2 * (Math.Round(x * 4) / 4), finiteDifferences: false);

    [Theory]
    [InlineData(1.5, 0.5)]
    [InlineData(-2.0, 2.0)]
    public void ForwardRuleOfTwoInputs(double x, double y) =>
        Check.Gradient(UsesMul, [x, y], [Math.Sin(y), x * Math.Cos(y)], value: x * Math.Sin(y));

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(0.75)]
    [InlineData(15.0)]   // 2x > 20: the rule's other branch, derivative 2·1
    public void ForwardRuleWithABranch(double x) =>
        Check.Gradient(UsesLogCosh, x, 2 * Math.Tanh(2 * x));

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-0.5, -3.0)]
    public void RuleWithWrt(double x, double w) => Check.Gradient(UsesWeighted, [x, w], [3 + w, x]);


    [Theory]
    [InlineData(-2.0, true)]
    [InlineData(1.5, true)]
    [InlineData(0.0, false)]   // the body would give 0·∞ = NaN; the rule gives 0
    public void RuleWinsOverTheBodyOfADifferentiableMethod(double x, bool smooth) =>
        Check.Gradient(UsesSafeSqrt, x, Math.Sign(x) + 1.0, value: Math.Abs(x) + x, finiteDifferences: smooth);

    static readonly Differentiated SafeSqrt = Fn.Of<U.SafeSqrt_Residuals>(U.SafeSqrt, U.SafeSqrt_Jvp, U.SafeSqrt_ValueWithGradient, U.SafeSqrt_Primal, U.SafeSqrt_Pullback, U.SafeSqrt_ValueWithPullback);

    [Theory]
    [InlineData(4.0, true)]
    [InlineData(0.0, false)]   // the body would give +∞; the rule gives 0
    public void TheRuleAlsoGivesTheMethodsOwnDerivatives(double x, bool smooth)
    {
        // API.md §6: the rule wins over the body everywhere, in SafeSqrt's named forms and in the operators as in its callers.
        double expected = x > 0 ? 0.5 / Math.Sqrt(x) : 0.0;
        Check.Gradient(SafeSqrt, x, expected, value: Math.Sqrt(x), finiteDifferences: smooth);
        Assert.Equal(expected, Autodiff.Gradient(U.SafeSqrt, x));
        Assert.Equal(expected, Autodiff.Derivative(U.SafeSqrt, x));
    }
}
