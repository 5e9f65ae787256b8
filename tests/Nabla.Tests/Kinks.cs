// The conventions at non-differentiable points (docs/semantics.md): Abs′(0) = 0, Max/Min split a tie evenly,
// Floor/Ceiling/Round/Truncate have zero derivative, Clamp's ties, CopySign and Hypot at zero, Pow at zero,
// Sqrt′(0) = +∞. At a kink finite differences are meaningless, so they are checked only away from it; every
// form (forward and reverse) must give the convention exactly.
using System;
using Xunit;
using K = Nabla.Tests.Kinks;

namespace Nabla.Tests;

public static partial class Kinks
{
    [Differentiable] public static double AbsOf(double x) => Math.Abs(x);
    [Differentiable] public static double MaxOf(double x, double y) => Math.Max(x, y);
    [Differentiable] public static double MinOf(double x, double y) => Math.Min(x, y);
    /// <summary>A tie that arises inside the computation: Max(x², y) at y = x².</summary>
    [Differentiable] public static double MaxOfSquare(double x, double y) => Math.Max(x * x, y);
    [Differentiable] public static double RoundingSum(double x) => Math.Floor(x) + Math.Ceiling(x) + Math.Round(x) + Math.Truncate(x);
    [Differentiable] public static double ClampOf(double x, double lo, double hi) => Math.Clamp(x, lo, hi);
    [Differentiable] public static double CopySignOf(double x, double y) => Math.CopySign(x, y);
    [Differentiable] public static double HypotOf(double x, double y) => double.Hypot(x, y);
    [Differentiable] public static double PowOf(double x, double y) => Math.Pow(x, y);
    [Differentiable] public static double SqrtOf(double x) => Math.Sqrt(x);
}

public class KinkTests
{
    static readonly Differentiated AbsOf = Fn.Of<K.AbsOf_Residuals>(K.AbsOf, K.AbsOf_Jvp, K.AbsOf_ValueWithGradient, K.AbsOf_Primal, K.AbsOf_Pullback, K.AbsOf_ValueWithPullback);
    static readonly Differentiated MaxOf = Fn.Of<K.MaxOf_Residuals>(K.MaxOf, K.MaxOf_Jvp, K.MaxOf_ValueWithGradient, K.MaxOf_Primal, K.MaxOf_Pullback, K.MaxOf_ValueWithPullback);
    static readonly Differentiated MinOf = Fn.Of<K.MinOf_Residuals>(K.MinOf, K.MinOf_Jvp, K.MinOf_ValueWithGradient, K.MinOf_Primal, K.MinOf_Pullback, K.MinOf_ValueWithPullback);
    static readonly Differentiated MaxOfSquare = Fn.Of<K.MaxOfSquare_Residuals>(K.MaxOfSquare, K.MaxOfSquare_Jvp, K.MaxOfSquare_ValueWithGradient, K.MaxOfSquare_Primal, K.MaxOfSquare_Pullback, K.MaxOfSquare_ValueWithPullback);
    static readonly Differentiated RoundingSum = Fn.Of<K.RoundingSum_Residuals>(K.RoundingSum, K.RoundingSum_Jvp, K.RoundingSum_ValueWithGradient, K.RoundingSum_Primal, K.RoundingSum_Pullback, K.RoundingSum_ValueWithPullback);
    static readonly Differentiated ClampOf = Fn.Of<K.ClampOf_Residuals>(K.ClampOf, K.ClampOf_Jvp, K.ClampOf_ValueWithGradient, K.ClampOf_Primal, K.ClampOf_Pullback, K.ClampOf_ValueWithPullback);
    static readonly Differentiated CopySignOf = Fn.Of<K.CopySignOf_Residuals>(K.CopySignOf, K.CopySignOf_Jvp, K.CopySignOf_ValueWithGradient, K.CopySignOf_Primal, K.CopySignOf_Pullback, K.CopySignOf_ValueWithPullback);
    static readonly Differentiated HypotOf = Fn.Of<K.HypotOf_Residuals>(K.HypotOf, K.HypotOf_Jvp, K.HypotOf_ValueWithGradient, K.HypotOf_Primal, K.HypotOf_Pullback, K.HypotOf_ValueWithPullback);
    static readonly Differentiated PowOf = Fn.Of<K.PowOf_Residuals>(K.PowOf, K.PowOf_Jvp, K.PowOf_ValueWithGradient, K.PowOf_Primal, K.PowOf_Pullback, K.PowOf_ValueWithPullback);
    static readonly Differentiated SqrtOf = Fn.Of<K.SqrtOf_Residuals>(K.SqrtOf, K.SqrtOf_Jvp, K.SqrtOf_ValueWithGradient, K.SqrtOf_Primal, K.SqrtOf_Pullback, K.SqrtOf_ValueWithPullback);

    [Theory]
    [InlineData(-1.5, -1.0, true)]
    [InlineData(2.0, 1.0, true)]
    [InlineData(0.0, 0.0, false)]
    public void AbsPrimeOfZeroIsZero(double x, double expected, bool smooth)
    {
        Check.Gradient(AbsOf, x, expected, value: Math.Abs(x), finiteDifferences: smooth);
        Assert.Equal(expected, K.AbsOf_ValueWithGradient(x).Gradient);
        Assert.Equal(expected, K.AbsOf_Jvp(x, 1.0).Tangent);
    }

    [Fact]
    public void AbsPrimeOfNegativeZeroIsZero()
    {
        // A separate fact: xunit treats InlineData(0.0) and InlineData(-0.0) as duplicates.
        Check.Gradient(AbsOf, -0.0, 0.0, value: 0.0, finiteDifferences: false);
        Assert.Equal(0.0, K.AbsOf_ValueWithGradient(-0.0).Gradient);
    }

    [Theory]
    [InlineData(2.0, 1.0, 1.0, 0.0, true)]
    [InlineData(-1.0, 3.0, 0.0, 1.0, true)]
    [InlineData(1.5, 1.5, 0.5, 0.5, false)]
    [InlineData(0.0, -0.0, 0.5, 0.5, false)]   // −0 ties +0
    public void MaxSplitsATieEvenly(double x, double y, double dx, double dy, bool smooth)
    {
        Check.Gradient(MaxOf, [x, y], [dx, dy], finiteDifferences: smooth);
        Assert.Equal((dx, dy), K.MaxOf_ValueWithGradient(x, y).Gradient);
    }

    [Theory]
    [InlineData(2.0, 1.0, 0.0, 1.0, true)]
    [InlineData(-1.0, 3.0, 1.0, 0.0, true)]
    [InlineData(-4.0, -4.0, 0.5, 0.5, false)]
    public void MinSplitsATieEvenly(double x, double y, double dx, double dy, bool smooth)
    {
        Check.Gradient(MinOf, [x, y], [dx, dy], finiteDifferences: smooth);
        Assert.Equal((dx, dy), K.MinOf_ValueWithGradient(x, y).Gradient);
    }

    [Theory]
    [InlineData(2.0, 4.0, false)]   // tie: ½·2x, ½
    [InlineData(-3.0, 9.0, false)]
    [InlineData(2.0, 1.0, true)]    // x² wins
    [InlineData(1.0, 5.0, true)]    // y wins
    public void MaxTieInsideAComputation(double x, double y, bool smooth)
    {
        double s = x * x;
        double w = s > y ? 1 : s < y ? 0 : 0.5;
        Check.Gradient(MaxOfSquare, [x, y], [w * 2 * x, 1 - w], finiteDifferences: smooth);
    }

    [Theory]
    [InlineData(2.0, false)]    // integer: Floor, Ceiling, Round and Truncate all jump here
    [InlineData(2.5, false)]    // Round jumps
    [InlineData(-1.5, false)]
    [InlineData(0.0, false)]
    [InlineData(0.3, true)]
    [InlineData(-7.8, true)]
    public void RoundingHasZeroDerivativeEverywhere(double x, bool smooth)
    {
        Check.Gradient(RoundingSum, x, 0.0, finiteDifferences: smooth);
        Assert.Equal(0.0, K.RoundingSum_ValueWithGradient(x).Gradient);
        Assert.Equal(0.0, K.RoundingSum_Jvp(x, 1.0).Tangent);
    }

    [Theory]
    [InlineData(0.5, 0.0, 1.0, 1.0, 0.0, 0.0, true)]
    [InlineData(-1.0, 0.0, 1.0, 0.0, 1.0, 0.0, true)]
    [InlineData(2.0, 0.0, 1.0, 0.0, 0.0, 1.0, true)]
    [InlineData(0.0, 0.0, 1.0, 0.5, 0.5, 0.0, false)]   // value == min < max
    [InlineData(1.0, 0.0, 1.0, 0.5, 0.0, 0.5, false)]   // min < max == value
    [InlineData(2.0, 2.0, 2.0, 1.0 / 3, 1.0 / 3, 1.0 / 3, false)]   // min == value == max
    public void ClampConventions(double x, double lo, double hi, double dx, double dlo, double dhi, bool smooth)
    {
        Check.Gradient(ClampOf, [x, lo, hi], [dx, dlo, dhi], finiteDifferences: smooth);
        var g = K.ClampOf_ValueWithGradient(x, lo, hi).Gradient;
        Assert.Equal(1.0, g.Item1 + g.Item2 + g.Item3, 15);
    }

    [Theory]
    [InlineData(2.0, 1.0, 1.0, true)]
    [InlineData(2.0, -1.0, -1.0, true)]
    [InlineData(-2.0, 1.0, -1.0, true)]
    [InlineData(-2.0, -3.0, 1.0, true)]
    [InlineData(0.0, 1.0, 0.0, false)]
    [InlineData(0.0, -1.0, 0.0, false)]
    public void CopySignConventions(double x, double y, double dx, bool smooth) =>
        Check.Gradient(CopySignOf, [x, y], [dx, 0.0], finiteDifferences: smooth);

    [Fact]
    public void HypotAtTheOriginIsZero()
    {
        Check.Gradient(HypotOf, [0.0, 0.0], [0.0, 0.0], value: 0.0, finiteDifferences: false);
        Assert.Equal((0.0, 0.0), K.HypotOf_ValueWithGradient(0.0, 0.0).Gradient);
    }

    [Fact]
    public void PowAtZero()
    {
        // Pow(0, 0): ∂x = 0 (y = 0), ∂y = 0 (x = 0).
        Check.Gradient(PowOf, [0.0, 0.0], [0.0, 0.0], value: 1.0, finiteDifferences: false);
        // Pow(0, 3): ∂x = 3·0² = 0, ∂y = 0 (x = 0).
        Check.Gradient(PowOf, [0.0, 3.0], [0.0, 0.0], value: 0.0, finiteDifferences: false);
        // Pow(0, 1): ∂x = 1·0⁰ = 1.
        Check.Gradient(PowOf, [0.0, 1.0], [1.0, 0.0], value: 0.0, finiteDifferences: false);
    }

    [Fact]
    public void PowOfNegativeBaseHasNaNExponentDerivative()
    {
        var (value, g) = K.PowOf_ValueWithGradient(-2.0, 3.0);
        Assert.Equal(-8.0, value);
        Assert.Equal(12.0, g.Item1);
        Assert.True(double.IsNaN(g.Item2), $"∂y of Pow(-2, 3) is ln(-2)·z = NaN, got {g.Item2}");
    }

    [Fact]
    public void SqrtPrimeOfZeroIsPositiveInfinity()
    {
        Check.Gradient(SqrtOf, 0.0, double.PositiveInfinity, value: 0.0, finiteDifferences: false);
        Check.Gradient(SqrtOf, 4.0, 0.25, value: 2.0);
    }
}
