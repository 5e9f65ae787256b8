// Compositions of every System.Math rule shipped in src/Nabla/Rules/MathRules.cs (and double.Hypot), each used
// inside its real domain, against closed forms.
using System;
using Xunit;
using M = Nabla.Tests.MathFunctions;

namespace Nabla.Tests;

public static partial class MathFunctions
{
    [Differentiable] public static double SinCos(double x) => Math.Sin(x) * Math.Cos(2 * x);
    [Differentiable] public static double TanOfSquare(double x) => Math.Tan(x * x);
    [Differentiable] public static double AsinAcos(double x) => Math.Asin(x / 2) * Math.Acos(x / 3);
    [Differentiable] public static double AtanAffine(double x) => Math.Atan(3 * x - 1);
    [Differentiable] public static double Atan2Of(double y, double x) => Math.Atan2(y, x);
    [Differentiable] public static double SinhCosh(double x, double y) => Math.Sinh(x) * Math.Cosh(y);
    [Differentiable] public static double TanhScaled(double x) => Math.Tanh(2 * x) + x;
    [Differentiable] public static double AsinhDouble(double x) => Math.Asinh(2 * x);
    [Differentiable] public static double AcoshOfSquare(double x) => Math.Acosh(x * x + 1.5);
    [Differentiable] public static double AtanhHalf(double x) => Math.Atanh(x / 2);
    [Differentiable] public static double ExpTimesLog(double x) => Math.Exp(-x) * Math.Log(x);
    [Differentiable] public static double LogBase(double a, double b) => Math.Log(a, b);
    [Differentiable] public static double Log2TimesLog10(double x) => Math.Log2(x) * Math.Log10(x + 1);
    [Differentiable] public static double SqrtPlusCbrt(double x) => Math.Sqrt(x * x + 1) + Math.Cbrt(x);
    [Differentiable] public static double Power(double x, double y) => Math.Pow(x, y);
    [Differentiable] public static double PowConstantExponent(double x) => Math.Pow(x, 2.5);
    [Differentiable] public static double PowConstantBase(double x) => Math.Pow(2.0, x);
    [Differentiable] public static double AbsTimes(double x) => Math.Abs(x) * x;
    [Differentiable] public static double MaxMinusMin(double x, double y) => Math.Max(x, 2 * y) - Math.Min(x * x, y);
    [Differentiable] public static double ClampTimes(double x) => Math.Clamp(x, -1.0, 1.0) * x;
    [Differentiable] public static double ClampBounds(double x, double lo, double hi) => Math.Clamp(x, lo, hi);
    [Differentiable] public static double Rounding(double x) => Math.Floor(x) * x + Math.Ceiling(x) + Math.Round(x) + Math.Truncate(x);
    [Differentiable] public static double CopySignOf(double x, double y) => Math.CopySign(x * x + 1, y) * x;
    [Differentiable] public static double Fma(double x, double y, double z) => Math.FusedMultiplyAdd(x, y, z * z);
    [Differentiable] public static double Hypot(double x, double y) => double.Hypot(x, y);
    [Differentiable] public static double LogOnePlusSquare(double x) => Math.Log(1 + x * x);
    [Differentiable] public static double ExpOfSin(double x) => Math.Exp(Math.Sin(x));
    [Differentiable] public static double Nested(double x) => Math.Sqrt(Math.Exp(Math.Sin(x)) + Math.Log(Math.Cosh(x)));

    [Differentiable] public static double FourInputRules(double x, double y, double z, double w) => Math.Exp(x * y) * Math.Sin(z) / (1 + w * w);

    /// <summary>The normal density at x with mean mu and standard deviation sigma.</summary>
    [Differentiable]
    public static double Gaussian(double x, double mu, double sigma)
    {
        double z = (x - mu) / sigma;
        return Math.Exp(-0.5 * z * z) / (sigma * Math.Sqrt(2 * Math.PI));
    }
}

public class MathRuleTests
{
    static readonly Differentiated SinCos = Fn.Of<M.SinCos_Residuals>(M.SinCos, M.SinCos_Jvp, M.SinCos_ValueWithGradient, M.SinCos_Primal, M.SinCos_Pullback, M.SinCos_ValueWithPullback);
    static readonly Differentiated TanOfSquare = Fn.Of<M.TanOfSquare_Residuals>(M.TanOfSquare, M.TanOfSquare_Jvp, M.TanOfSquare_ValueWithGradient, M.TanOfSquare_Primal, M.TanOfSquare_Pullback, M.TanOfSquare_ValueWithPullback);
    static readonly Differentiated AsinAcos = Fn.Of<M.AsinAcos_Residuals>(M.AsinAcos, M.AsinAcos_Jvp, M.AsinAcos_ValueWithGradient, M.AsinAcos_Primal, M.AsinAcos_Pullback, M.AsinAcos_ValueWithPullback);
    static readonly Differentiated AtanAffine = Fn.Of<M.AtanAffine_Residuals>(M.AtanAffine, M.AtanAffine_Jvp, M.AtanAffine_ValueWithGradient, M.AtanAffine_Primal, M.AtanAffine_Pullback, M.AtanAffine_ValueWithPullback);
    static readonly Differentiated Atan2Of = Fn.Of<M.Atan2Of_Residuals>(M.Atan2Of, M.Atan2Of_Jvp, M.Atan2Of_ValueWithGradient, M.Atan2Of_Primal, M.Atan2Of_Pullback, M.Atan2Of_ValueWithPullback);
    static readonly Differentiated SinhCosh = Fn.Of<M.SinhCosh_Residuals>(M.SinhCosh, M.SinhCosh_Jvp, M.SinhCosh_ValueWithGradient, M.SinhCosh_Primal, M.SinhCosh_Pullback, M.SinhCosh_ValueWithPullback);
    static readonly Differentiated TanhScaled = Fn.Of<M.TanhScaled_Residuals>(M.TanhScaled, M.TanhScaled_Jvp, M.TanhScaled_ValueWithGradient, M.TanhScaled_Primal, M.TanhScaled_Pullback, M.TanhScaled_ValueWithPullback);
    static readonly Differentiated AsinhDouble = Fn.Of<M.AsinhDouble_Residuals>(M.AsinhDouble, M.AsinhDouble_Jvp, M.AsinhDouble_ValueWithGradient, M.AsinhDouble_Primal, M.AsinhDouble_Pullback, M.AsinhDouble_ValueWithPullback);
    static readonly Differentiated AcoshOfSquare = Fn.Of<M.AcoshOfSquare_Residuals>(M.AcoshOfSquare, M.AcoshOfSquare_Jvp, M.AcoshOfSquare_ValueWithGradient, M.AcoshOfSquare_Primal, M.AcoshOfSquare_Pullback, M.AcoshOfSquare_ValueWithPullback);
    static readonly Differentiated AtanhHalf = Fn.Of<M.AtanhHalf_Residuals>(M.AtanhHalf, M.AtanhHalf_Jvp, M.AtanhHalf_ValueWithGradient, M.AtanhHalf_Primal, M.AtanhHalf_Pullback, M.AtanhHalf_ValueWithPullback);
    static readonly Differentiated ExpTimesLog = Fn.Of<M.ExpTimesLog_Residuals>(M.ExpTimesLog, M.ExpTimesLog_Jvp, M.ExpTimesLog_ValueWithGradient, M.ExpTimesLog_Primal, M.ExpTimesLog_Pullback, M.ExpTimesLog_ValueWithPullback);
    static readonly Differentiated LogBase = Fn.Of<M.LogBase_Residuals>(M.LogBase, M.LogBase_Jvp, M.LogBase_ValueWithGradient, M.LogBase_Primal, M.LogBase_Pullback, M.LogBase_ValueWithPullback);
    static readonly Differentiated Log2TimesLog10 = Fn.Of<M.Log2TimesLog10_Residuals>(M.Log2TimesLog10, M.Log2TimesLog10_Jvp, M.Log2TimesLog10_ValueWithGradient, M.Log2TimesLog10_Primal, M.Log2TimesLog10_Pullback, M.Log2TimesLog10_ValueWithPullback);
    static readonly Differentiated SqrtPlusCbrt = Fn.Of<M.SqrtPlusCbrt_Residuals>(M.SqrtPlusCbrt, M.SqrtPlusCbrt_Jvp, M.SqrtPlusCbrt_ValueWithGradient, M.SqrtPlusCbrt_Primal, M.SqrtPlusCbrt_Pullback, M.SqrtPlusCbrt_ValueWithPullback);
    static readonly Differentiated Power = Fn.Of<M.Power_Residuals>(M.Power, M.Power_Jvp, M.Power_ValueWithGradient, M.Power_Primal, M.Power_Pullback, M.Power_ValueWithPullback);
    static readonly Differentiated PowConstantExponent = Fn.Of<M.PowConstantExponent_Residuals>(M.PowConstantExponent, M.PowConstantExponent_Jvp, M.PowConstantExponent_ValueWithGradient, M.PowConstantExponent_Primal, M.PowConstantExponent_Pullback, M.PowConstantExponent_ValueWithPullback);
    static readonly Differentiated PowConstantBase = Fn.Of<M.PowConstantBase_Residuals>(M.PowConstantBase, M.PowConstantBase_Jvp, M.PowConstantBase_ValueWithGradient, M.PowConstantBase_Primal, M.PowConstantBase_Pullback, M.PowConstantBase_ValueWithPullback);
    static readonly Differentiated AbsTimes = Fn.Of<M.AbsTimes_Residuals>(M.AbsTimes, M.AbsTimes_Jvp, M.AbsTimes_ValueWithGradient, M.AbsTimes_Primal, M.AbsTimes_Pullback, M.AbsTimes_ValueWithPullback);
    static readonly Differentiated MaxMinusMin = Fn.Of<M.MaxMinusMin_Residuals>(M.MaxMinusMin, M.MaxMinusMin_Jvp, M.MaxMinusMin_ValueWithGradient, M.MaxMinusMin_Primal, M.MaxMinusMin_Pullback, M.MaxMinusMin_ValueWithPullback);
    static readonly Differentiated ClampTimes = Fn.Of<M.ClampTimes_Residuals>(M.ClampTimes, M.ClampTimes_Jvp, M.ClampTimes_ValueWithGradient, M.ClampTimes_Primal, M.ClampTimes_Pullback, M.ClampTimes_ValueWithPullback);
    static readonly Differentiated ClampBounds = Fn.Of<M.ClampBounds_Residuals>(M.ClampBounds, M.ClampBounds_Jvp, M.ClampBounds_ValueWithGradient, M.ClampBounds_Primal, M.ClampBounds_Pullback, M.ClampBounds_ValueWithPullback);
    static readonly Differentiated Rounding = Fn.Of<M.Rounding_Residuals>(M.Rounding, M.Rounding_Jvp, M.Rounding_ValueWithGradient, M.Rounding_Primal, M.Rounding_Pullback, M.Rounding_ValueWithPullback);
    static readonly Differentiated CopySignOf = Fn.Of<M.CopySignOf_Residuals>(M.CopySignOf, M.CopySignOf_Jvp, M.CopySignOf_ValueWithGradient, M.CopySignOf_Primal, M.CopySignOf_Pullback, M.CopySignOf_ValueWithPullback);
    static readonly Differentiated Fma = Fn.Of<M.Fma_Residuals>(M.Fma, M.Fma_Jvp, M.Fma_ValueWithGradient, M.Fma_Primal, M.Fma_Pullback, M.Fma_ValueWithPullback);
    static readonly Differentiated Hypot = Fn.Of<M.Hypot_Residuals>(M.Hypot, M.Hypot_Jvp, M.Hypot_ValueWithGradient, M.Hypot_Primal, M.Hypot_Pullback, M.Hypot_ValueWithPullback);
    static readonly Differentiated LogOnePlusSquare = Fn.Of<M.LogOnePlusSquare_Residuals>(M.LogOnePlusSquare, M.LogOnePlusSquare_Jvp, M.LogOnePlusSquare_ValueWithGradient, M.LogOnePlusSquare_Primal, M.LogOnePlusSquare_Pullback, M.LogOnePlusSquare_ValueWithPullback);
    static readonly Differentiated ExpOfSin = Fn.Of<M.ExpOfSin_Residuals>(M.ExpOfSin, M.ExpOfSin_Jvp, M.ExpOfSin_ValueWithGradient, M.ExpOfSin_Primal, M.ExpOfSin_Pullback, M.ExpOfSin_ValueWithPullback);
    static readonly Differentiated Nested = Fn.Of<M.Nested_Residuals>(M.Nested, M.Nested_Jvp, M.Nested_ValueWithGradient, M.Nested_Primal, M.Nested_Pullback, M.Nested_ValueWithPullback);
    static readonly Differentiated FourInputRules = Fn.Of<M.FourInputRules_Residuals>(M.FourInputRules, M.FourInputRules_Jvp, M.FourInputRules_ValueWithGradient, M.FourInputRules_Primal, M.FourInputRules_Pullback, M.FourInputRules_ValueWithPullback);
    static readonly Differentiated Gaussian = Fn.Of<M.Gaussian_Residuals>(M.Gaussian, M.Gaussian_Jvp, M.Gaussian_ValueWithGradient, M.Gaussian_Primal, M.Gaussian_Pullback, M.Gaussian_ValueWithPullback);

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(3.0)]
    public void Sin_Cos(double x) =>
        Check.Gradient(SinCos, x, Math.Cos(x) * Math.Cos(2 * x) - 2 * Math.Sin(x) * Math.Sin(2 * x));

    [Theory]
    [InlineData(-1.1)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.2)]
    public void Tan(double x)
    {
        double t = Math.Tan(x * x);
        Check.Gradient(TanOfSquare, x, 2 * x * (1 + t * t));
    }

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(0.8)]
    [InlineData(1.9)]
    public void Asin_Acos(double x) =>
        Check.Gradient(AsinAcos, x,
            0.5 / Math.Sqrt(1 - x * x / 4) * Math.Acos(x / 3) - Math.Asin(x / 2) * (1.0 / 3) / Math.Sqrt(1 - x * x / 9));

    [Theory]
    [InlineData(-2.0)]
    [InlineData(1.0 / 3)]
    [InlineData(1.5)]
    public void Atan(double x)
    {
        double u = 3 * x - 1;
        Check.Gradient(AtanAffine, x, 3 / (1 + u * u));
    }

    [Theory]
    [InlineData(1.0, 2.0)]     // first quadrant
    [InlineData(1.5, -0.5)]    // second (x < 0)
    [InlineData(-0.7, -2.0)]   // third
    [InlineData(-3.0, 0.25)]   // fourth
    public void Atan2(double y, double x)
    {
        double r2 = x * x + y * y;
        Check.Gradient(Atan2Of, [y, x], [x / r2, -y / r2], value: Math.Atan2(y, x));
    }

    [Theory]
    [InlineData(0.5, -1.0)]
    [InlineData(-2.0, 0.0)]
    [InlineData(1.25, 2.5)]
    public void Sinh_Cosh(double x, double y) =>
        Check.Gradient(SinhCosh, [x, y], [Math.Cosh(x) * Math.Cosh(y), Math.Sinh(x) * Math.Sinh(y)]);

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(4.0)]
    public void Tanh(double x)
    {
        double t = Math.Tanh(2 * x);
        Check.Gradient(TanhScaled, x, 2 * (1 - t * t) + 1);
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(0.0)]
    [InlineData(0.6)]
    public void Asinh(double x) => Check.Gradient(AsinhDouble, x, 2 / Math.Sqrt(4 * x * x + 1));

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.5)]
    [InlineData(1.5)]
    public void Acosh(double x)
    {
        double u = x * x + 1.5;
        Check.Gradient(AcoshOfSquare, x, 2 * x / Math.Sqrt(u * u - 1));
    }

    [Theory]
    [InlineData(-1.8)]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Atanh(double x) => Check.Gradient(AtanhHalf, x, 0.5 / (1 - x * x / 4));

    [Theory]
    [InlineData(0.2)]
    [InlineData(1.0)]
    [InlineData(3.5)]
    public void Exp_Log(double x) => Check.Gradient(ExpTimesLog, x, Math.Exp(-x) * (1 / x - Math.Log(x)));

    [Theory]
    [InlineData(8.0, 2.0)]
    [InlineData(0.5, 10.0)]
    [InlineData(3.0, 0.25)]   // base below 1: ln b < 0
    public void LogWithBase(double a, double b)
    {
        double lnB = Math.Log(b);
        Check.Gradient(LogBase, [a, b], [1 / (a * lnB), -Math.Log(a) / (b * lnB * lnB)], value: Math.Log(a) / lnB);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(7.0)]
    public void Log2_Log10(double x) =>
        Check.Gradient(Log2TimesLog10, x,
            Math.Log10(x + 1) / (x * Math.Log(2)) + Math.Log2(x) / ((x + 1) * Math.Log(10)));

    [Theory]
    [InlineData(-2.0)]
    [InlineData(-0.3)]
    [InlineData(0.5)]
    [InlineData(8.0)]
    public void Sqrt_Cbrt(double x)
    {
        double c = Math.Cbrt(x);
        Check.Gradient(SqrtPlusCbrt, x, x / Math.Sqrt(x * x + 1) + 1 / (3 * c * c));
    }

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(0.5, -1.5)]
    [InlineData(1.7, 0.0)]
    [InlineData(3.0, 0.5)]
    public void Pow(double x, double y) =>
        Check.Gradient(Power, [x, y], [y * Math.Pow(x, y - 1), Math.Pow(x, y) * Math.Log(x)]);

    [Theory]
    [InlineData(0.25)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void PowWithConstantExponent(double x) => Check.Gradient(PowConstantExponent, x, 2.5 * Math.Pow(x, 1.5));

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(3.5)]
    public void PowWithConstantBase(double x) => Check.Gradient(PowConstantBase, x, Math.Pow(2, x) * Math.Log(2));

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.5)]
    [InlineData(3.0)]
    public void Abs(double x) => Check.Gradient(AbsTimes, x, 2 * Math.Abs(x));

    [Theory]
    [InlineData(3.0, 1.0)]     // max → x (x > 2y); min → y (y < x²)
    [InlineData(1.0, 2.0)]     // max → 2y; min → x² (x² < y)
    [InlineData(-0.5, 0.1)]    // max → 2y; min → y (0.1 < 0.25)
    [InlineData(0.5, -1.0)]    // max → x; min → y
    public void Max_Min(double x, double y)
    {
        double dMax_dx = x > 2 * y ? 1 : 0, dMax_dy = x > 2 * y ? 0 : 2;
        double dMin_dx = x * x < y ? 2 * x : 0, dMin_dy = x * x < y ? 0 : 1;
        Check.Gradient(MaxMinusMin, [x, y], [dMax_dx - dMin_dx, dMax_dy - dMin_dy]);
    }

    [Theory]
    [InlineData(-3.0, -1.0)]   // below: −1·x
    [InlineData(-0.5, -1.0)]   // inside: x²
    [InlineData(0.25, 0.5)]
    [InlineData(2.5, 1.0)]     // above: 1·x
    public void ClampedTimesX(double x, double expected) => Check.Gradient(ClampTimes, x, expected);

    [Theory]
    [InlineData(0.5, 0.0, 1.0, 1.0, 0.0, 0.0)]
    [InlineData(-2.0, -1.0, 1.0, 0.0, 1.0, 0.0)]
    [InlineData(5.0, -1.0, 3.0, 0.0, 0.0, 1.0)]
    public void Clamp(double x, double lo, double hi, double dx, double dlo, double dhi) =>
        Check.Gradient(ClampBounds, [x, lo, hi], [dx, dlo, dhi], value: Math.Min(Math.Max(x, lo), hi));

    [Theory]
    [InlineData(-2.4)]   // not a half-integer: Round jumps there
    [InlineData(-0.3)]
    [InlineData(0.6)]
    [InlineData(1.2)]
    [InlineData(3.7)]
    public void Floor_Ceiling_Round_Truncate(double x) =>
        // Only Floor(x)·x varies continuously: the rounding functions have zero derivative.
        Check.Gradient(Rounding, x, Math.Floor(x));

    [Theory]
    [InlineData(1.5, 2.0)]
    [InlineData(-0.5, 3.0)]
    [InlineData(2.0, -1.0)]
    [InlineData(-1.0, -0.5)]
    public void CopySign(double x, double y) =>
        Check.Gradient(CopySignOf, [x, y], [Math.Sign(y) * (3 * x * x + 1), 0.0]);

    [Theory]
    [InlineData(1.0, 2.0, 3.0)]
    [InlineData(-1.5, 0.5, -2.0)]
    public void FusedMultiplyAdd(double x, double y, double z) =>
        Check.Gradient(Fma, [x, y, z], [y, x, 2 * z], value: x * y + z * z);

    [Theory]
    [InlineData(3.0, 4.0)]
    [InlineData(-1.0, 2.0)]
    [InlineData(0.5, -0.25)]
    public void Hypot_(double x, double y)
    {
        double h = Math.Sqrt(x * x + y * y);
        Check.Gradient(Hypot, [x, y], [x / h, y / h], value: h);
    }

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void LogOfOnePlusSquare(double x) => Check.Gradient(LogOnePlusSquare, x, 2 * x / (1 + x * x));

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(2.0)]
    public void ExpOfSin_(double x) => Check.Gradient(ExpOfSin, x, Math.Cos(x) * Math.Exp(Math.Sin(x)));

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.0)]
    [InlineData(0.8)]
    [InlineData(2.5)]
    public void NestedRules(double x)
    {
        double inner = Math.Exp(Math.Sin(x)) + Math.Log(Math.Cosh(x));
        Check.Gradient(Nested, x, (Math.Cos(x) * Math.Exp(Math.Sin(x)) + Math.Tanh(x)) / (2 * Math.Sqrt(inner)));
    }

    [Theory]
    [InlineData(0.5, 0.0, 1.0)]
    [InlineData(-1.0, 0.5, 2.0)]
    [InlineData(3.0, 1.0, 0.75)]
    public void GaussianDensity(double x, double mu, double sigma)
    {
        double z = (x - mu) / sigma;
        double f = Math.Exp(-z * z / 2) / (sigma * Math.Sqrt(2 * Math.PI));
        Check.Gradient(Gaussian, [x, mu, sigma], [-z * f / sigma, z * f / sigma, f * (z * z - 1) / sigma], value: f);
    }

    [Theory]
    [InlineData(0.5, -1.0, 1.0, 2.0)]
    [InlineData(-0.25, 2.0, -0.5, 0.0)]
    [InlineData(1.0, 0.5, 3.0, -1.5)]
    public void FourInputs(double x, double y, double z, double w)
    {
        double e = Math.Exp(x * y), s = Math.Sin(z), q = 1 + w * w;
        Check.Gradient(FourInputRules, [x, y, z, w], [y * e * s / q, x * e * s / q, e * Math.Cos(z) / q, -e * s * 2 * w / (q * q)], value: e * s / q);
    }
}
