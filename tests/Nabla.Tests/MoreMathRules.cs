// The rules added for the rest of System.Math / MathF (rounding overloads, IEEERemainder, ScaleB, BitIncrement,
// reciprocal estimates, Max/MinMagnitude) and for the generic-math statics of double and float that Math has no
// equivalent of (Exp2, Exp10, ExpM1, LogP1, SinPi, AtanPi, Atan2Pi, RootN, DegreesToRadians, Lerp, ...): each
// against its closed form, central differences, and forward against reverse mode; second derivatives through some.
using System;
using Xunit;
using E = Nabla.Tests.MoreMathFunctions;

namespace Nabla.Tests;

public static partial class MoreMathFunctions
{
    [Differentiable] public static double RoundingOverloads(double x) =>
        Math.Round(x, 2) * x + Math.Round(x, MidpointRounding.AwayFromZero) + Math.Round(x, 1, MidpointRounding.ToZero);
    [Differentiable] public static double Remainder(double x, double y) => Math.IEEERemainder(x * x, y);
    [Differentiable] public static double ScaleBTimes(double x) => Math.ScaleB(x, 3) * x + double.ScaleB(x, -1);
    [Differentiable] public static double Bits(double x) => Math.BitIncrement(x) + Math.BitDecrement(2 * x);
    [Differentiable] public static double Reciprocals(double x) => Math.ReciprocalEstimate(x) + Math.ReciprocalSqrtEstimate(x);
    [Differentiable] public static double Magnitudes(double x, double y) => Math.MaxMagnitude(x, y) + 2 * Math.MinMagnitude(x, y);
    [Differentiable] public static double Exps(double x) =>
        double.Exp2(x) + double.Exp10(x / 2) + double.ExpM1(x) + double.Exp2M1(x) + double.Exp10M1(x / 3);
    [Differentiable] public static double Logs(double x) => double.LogP1(x) + double.Log2P1(2 * x) + double.Log10P1(x * x);
    [Differentiable] public static double PiTrig(double x) =>
        double.SinPi(x) + double.CosPi(x) + double.TanPi(x / 4) + double.AsinPi(x / 2) + double.AcosPi(x / 3) + double.AtanPi(x);
    [Differentiable] public static double Atan2PiOf(double y, double x) => double.Atan2Pi(y, x);
    [Differentiable] public static double Roots(double x) => double.RootN(x, 3) + double.RootN(x, 4);
    [Differentiable] public static double Angles(double x) => double.DegreesToRadians(x) * double.RadiansToDegrees(x);
    [Differentiable] public static double LerpOf(double a, double b, double t) => double.Lerp(a, b, t * t);

    [Differentiable] public static float FloatExtras(float x) =>
        float.Exp2(x) + float.LogP1(x) + float.SinPi(x) + MathF.ScaleB(x, 2) + float.Lerp(x, 2f, 0.25f) + float.RootN(x, 3) + MathF.Round(x, 1) * x;
    [Differentiable] public static float FloatMagnitudes(float x, float y) => MathF.MaxMagnitude(x, y) - MathF.MinMagnitude(x, y) + MathF.IEEERemainder(x, y);
}

public class MoreMathRuleTests
{
    static readonly Differentiated RoundingOverloads = Fn.Of<E.RoundingOverloads_Residuals>(E.RoundingOverloads, E.RoundingOverloads_Jvp, E.RoundingOverloads_ValueWithGradient, E.RoundingOverloads_Primal, E.RoundingOverloads_Pullback, E.RoundingOverloads_ValueWithPullback);
    static readonly Differentiated Remainder = Fn.Of<E.Remainder_Residuals>(E.Remainder, E.Remainder_Jvp, E.Remainder_ValueWithGradient, E.Remainder_Primal, E.Remainder_Pullback, E.Remainder_ValueWithPullback);
    static readonly Differentiated ScaleBTimes = Fn.Of<E.ScaleBTimes_Residuals>(E.ScaleBTimes, E.ScaleBTimes_Jvp, E.ScaleBTimes_ValueWithGradient, E.ScaleBTimes_Primal, E.ScaleBTimes_Pullback, E.ScaleBTimes_ValueWithPullback);
    static readonly Differentiated Bits = Fn.Of<E.Bits_Residuals>(E.Bits, E.Bits_Jvp, E.Bits_ValueWithGradient, E.Bits_Primal, E.Bits_Pullback, E.Bits_ValueWithPullback);
    static readonly Differentiated Reciprocals = Fn.Of<E.Reciprocals_Residuals>(E.Reciprocals, E.Reciprocals_Jvp, E.Reciprocals_ValueWithGradient, E.Reciprocals_Primal, E.Reciprocals_Pullback, E.Reciprocals_ValueWithPullback);
    static readonly Differentiated Magnitudes = Fn.Of<E.Magnitudes_Residuals>(E.Magnitudes, E.Magnitudes_Jvp, E.Magnitudes_ValueWithGradient, E.Magnitudes_Primal, E.Magnitudes_Pullback, E.Magnitudes_ValueWithPullback);
    static readonly Differentiated Exps = Fn.Of<E.Exps_Residuals>(E.Exps, E.Exps_Jvp, E.Exps_ValueWithGradient, E.Exps_Primal, E.Exps_Pullback, E.Exps_ValueWithPullback);
    static readonly Differentiated Logs = Fn.Of<E.Logs_Residuals>(E.Logs, E.Logs_Jvp, E.Logs_ValueWithGradient, E.Logs_Primal, E.Logs_Pullback, E.Logs_ValueWithPullback);
    static readonly Differentiated PiTrig = Fn.Of<E.PiTrig_Residuals>(E.PiTrig, E.PiTrig_Jvp, E.PiTrig_ValueWithGradient, E.PiTrig_Primal, E.PiTrig_Pullback, E.PiTrig_ValueWithPullback);
    static readonly Differentiated Atan2PiOf = Fn.Of<E.Atan2PiOf_Residuals>(E.Atan2PiOf, E.Atan2PiOf_Jvp, E.Atan2PiOf_ValueWithGradient, E.Atan2PiOf_Primal, E.Atan2PiOf_Pullback, E.Atan2PiOf_ValueWithPullback);
    static readonly Differentiated Roots = Fn.Of<E.Roots_Residuals>(E.Roots, E.Roots_Jvp, E.Roots_ValueWithGradient, E.Roots_Primal, E.Roots_Pullback, E.Roots_ValueWithPullback);
    static readonly Differentiated Angles = Fn.Of<E.Angles_Residuals>(E.Angles, E.Angles_Jvp, E.Angles_ValueWithGradient, E.Angles_Primal, E.Angles_Pullback, E.Angles_ValueWithPullback);
    static readonly Differentiated LerpOf = Fn.Of<E.LerpOf_Residuals>(E.LerpOf, E.LerpOf_Jvp, E.LerpOf_ValueWithGradient, E.LerpOf_Primal, E.LerpOf_Pullback, E.LerpOf_ValueWithPullback);
    static readonly Differentiated FloatExtras = Fn.Of<E.FloatExtras_Residuals>(E.FloatExtras, E.FloatExtras_Jvp, E.FloatExtras_ValueWithGradient, E.FloatExtras_Primal, E.FloatExtras_Pullback, E.FloatExtras_ValueWithPullback);
    static readonly Differentiated FloatMagnitudes = Fn.Of<E.FloatMagnitudes_Residuals>(E.FloatMagnitudes, E.FloatMagnitudes_Jvp, E.FloatMagnitudes_ValueWithGradient, E.FloatMagnitudes_Primal, E.FloatMagnitudes_Pullback, E.FloatMagnitudes_ValueWithPullback);

    const double Ln2 = 0.69314718055994530942, Ln10 = 2.30258509299404568402;

    [Theory]
    [InlineData(0.33)]
    [InlineData(-1.37)]
    public void RoundingOverloadsHaveZeroDerivative(double x) => Check.Gradient(RoundingOverloads, x, Math.Round(x, 2));

    [Theory]
    [InlineData(1.5, 1.0)]     // x² = 2.25 = 2·1 + 0.25
    [InlineData(1.2, -0.5)]    // x² = 1.44 = (−3)(−0.5) − 0.06
    public void IEEERemainder(double x, double y)
    {
        double n = Math.Round(x * x / y);
        Check.Gradient(Remainder, [x, y], [2 * x, -n], value: Math.IEEERemainder(x * x, y));
    }

    [Theory]
    [InlineData(0.75)]
    [InlineData(-2.0)]
    public void ScaleB(double x) => Check.Gradient(ScaleBTimes, x, 16 * x + 0.5, value: 8 * x * x + x / 2);

    [Theory]
    [InlineData(0.75)]
    [InlineData(-3.0)]
    public void BitIncrementAndDecrement(double x) => Check.Gradient(Bits, x, 3.0);

    [Theory]
    [InlineData(0.5)]
    [InlineData(4.0)]
    public void ReciprocalEstimatesAreDifferentiatedAsTheFunctionsTheyEstimate(double x) =>
        // The estimates may be coarse (a hardware approximation), so no finite differences of them.
        Check.Gradient(Reciprocals, x, -1 / (x * x) - 0.5 / (x * Math.Sqrt(x)), finiteDifferences: false);

    [Theory]
    [InlineData(3.0, -1.0, 1.0, 2.0)]
    [InlineData(-3.0, 1.0, 1.0, 2.0)]
    [InlineData(0.5, -2.0, 2.0, 1.0)]
    public void MaxAndMinMagnitude(double x, double y, double dx, double dy) => Check.Gradient(Magnitudes, [x, y], [dx, dy]);

    [Fact]
    public void EqualMagnitudesSplitTheDerivative()
    {
        var (dx, dy) = Autodiff.Gradient(E.Magnitudes, 2.0, 2.0);
        Assert.Equal(1.5, dx);
        Assert.Equal(1.5, dy);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-1.25)]
    public void ExponentialsOfGenericMath(double x) =>
        Check.Gradient(Exps, x, Ln2 * Math.Pow(2, x) + Ln10 / 2 * Math.Pow(10, x / 2) + Math.Exp(x) + Ln2 * Math.Pow(2, x) + Ln10 / 3 * Math.Pow(10, x / 3));

    [Theory]
    [InlineData(0.5)]
    [InlineData(-0.25)]
    public void LogarithmsOfOnePlus(double x) =>
        Check.Gradient(Logs, x, 1 / (1 + x) + 2 / ((1 + 2 * x) * Ln2) + 2 * x / ((1 + x * x) * Ln10));

    [Theory]
    [InlineData(0.3)]
    [InlineData(-0.6)]
    public void TrigonometryInHalfTurns(double x)
    {
        double t = Math.Tan(Math.PI * x / 4);
        double expected = Math.PI * Math.Cos(Math.PI * x) - Math.PI * Math.Sin(Math.PI * x) + Math.PI / 4 * (1 + t * t)
            + 0.5 / (Math.PI * Math.Sqrt(1 - x * x / 4)) - (1.0 / 3) / (Math.PI * Math.Sqrt(1 - x * x / 9)) + 1 / (Math.PI * (1 + x * x));
        Check.Gradient(PiTrig, x, expected);
    }

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-0.7, -2.0)]
    public void Atan2Pi(double y, double x)
    {
        double r2 = Math.PI * (x * x + y * y);
        Check.Gradient(Atan2PiOf, [y, x], [x / r2, -y / r2], value: Math.Atan2(y, x) / Math.PI);
    }

    [Theory]
    [InlineData(8.0)]
    [InlineData(0.5)]
    public void RootN(double x) =>
        Check.Gradient(Roots, x, Math.Cbrt(x) / (3 * x) + Math.Pow(x, 0.25) / (4 * x));

    [Theory]
    [InlineData(30.0)]
    [InlineData(-1.5)]
    public void AngleConversions(double x) => Check.Gradient(Angles, x, 2 * x, value: x * x);

    [Theory]
    [InlineData(1.0, 3.0, 0.5)]
    [InlineData(-2.0, 0.5, -1.5)]
    public void Lerp(double a, double b, double t) =>
        Check.Gradient(LerpOf, [a, b, t], [1 - t * t, t * t, 2 * t * (b - a)], value: a + (b - a) * t * t);

    [Theory]
    [InlineData(0.7f)]
    [InlineData(2.4f)]
    public void FloatGenericMath(float x)
    {
        double expected = Ln2 * Math.Pow(2, x) + 1 / (1.0 + x) + Math.PI * Math.Cos(Math.PI * x) + 4 + 0.75 + Math.Cbrt(x) / (3 * x) + Math.Round(x, 1);
        Check.Gradient(FloatExtras, x, expected);
    }

    [Theory]
    [InlineData(3.0f, -1.25f)]
    [InlineData(-0.5f, 2.0f)]
    public void FloatMagnitudesAndRemainder(float x, float y)
    {
        bool xLarger = Math.Abs(x) > Math.Abs(y);
        double n = Math.Round((double)x / y);
        Check.Gradient(FloatMagnitudes, [x, y], [(xLarger ? 1 : -1) + 1, (xLarger ? -1 : 1) - n]);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-1.0)]
    public void SecondDerivativesThroughTheNewRules(double x)
    {
        // (2ˣ)″ = ln²2 · 2ˣ, (ln(1 + x))″ = −1/(1 + x)², (sin πx)″ = −π² sin πx.
        Assert.Equal(Ln2 * Ln2 * Math.Pow(2, x), Autodiff.Derivative(t => Autodiff.Derivative(u => double.Exp2(u), t), x), 12);
        Assert.Equal(-1 / ((1 + x / 4) * (1 + x / 4)) / 16, Autodiff.Derivative(t => Autodiff.Derivative(u => double.LogP1(u / 4), t), x), 12);
        Assert.Equal(-Math.PI * Math.PI * Math.Sin(Math.PI * x), Autodiff.Derivative(t => Autodiff.Derivative(u => double.SinPi(u), t), x), 11);
    }
}
