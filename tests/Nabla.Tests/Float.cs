// float functions: MathF rules (every one in src/Nabla/Rules/MathFRules.cs), Math's float overloads of Abs, Max, Min and
// Clamp, float.Hypot, branches and calls. Points are exactly representable in float; closed forms are evaluated in
// double from them; tolerances are Check.SingleTol (see its comment for why they are what they are).
using System;
using Xunit;
using F = Nabla.Tests.FloatFunctions;

namespace Nabla.Tests;

public static partial class FloatFunctions
{
    [Differentiable] public static float CubedF(float x) => x * x * x;
    [Differentiable] public static float SinExpF(float x) => MathF.Sin(x) * MathF.Exp(-x);
    [Differentiable] public static float LogSqrtCbrtF(float x) => MathF.Log(x) + MathF.Sqrt(x) + MathF.Cbrt(x);
    [Differentiable] public static float TanhAtan2F(float y, float x) => MathF.Tanh(y) + MathF.Atan2(y, x);
    [Differentiable] public static float PowF(float x, float y) => MathF.Pow(x, y);
    [Differentiable] public static float ExtremaF(float x, float y) =>
        MathF.Max(x, y) + MathF.Min(x, -y) * MathF.Abs(x) + Math.Max(x * y, 1f) - Math.Min(y, 0f) + Math.Abs(y);
    [Differentiable] public static float ClampF(float x) => Math.Clamp(x, -1f, 1f) * x;
    [Differentiable] public static float RoundingF(float x) => MathF.Floor(x) * x + MathF.Round(x) + MathF.Ceiling(x) + MathF.Truncate(x);
    [Differentiable] public static float HypotFmaF(float x, float y, float z) => float.Hypot(x, y) + MathF.FusedMultiplyAdd(x, y, z);
    [Differentiable] public static float TrigF(float x) => MathF.Asin(x / 2) + MathF.Acos(x / 3) + MathF.Atan(x) + MathF.Tan(x) + MathF.Cos(x);
    [Differentiable] public static float HyperbolicF(float x) =>
        MathF.Sinh(x) + MathF.Cosh(x) + MathF.Asinh(x) + MathF.Acosh(x * x + 1.5f) + MathF.Atanh(x / 2);
    [Differentiable] public static float LogsF(float x) => MathF.Log2(x) + MathF.Log10(x) + MathF.Log(x, 3f);
    [Differentiable] public static float CopySignF(float x, float y) => MathF.CopySign(x * x + 1, y) * x;

    [Differentiable]
    public static float BranchyF(float x, float y)
    {
        if (x > y)
            return x * y;
        float t = x - y;
        return t * t;
    }

    [Differentiable] public static float SigmoidF(float x) => 1f / (1f + MathF.Exp(-x));
    [Differentiable] public static float CallsSigmoidF(float x) => SigmoidF(x * x) * x;
}

public class FloatTests
{
    static readonly Differentiated CubedF = Fn.Of<F.CubedF_Residuals>(F.CubedF, F.CubedF_Jvp, F.CubedF_ValueWithGradient, F.CubedF_Primal, F.CubedF_Pullback, F.CubedF_ValueWithPullback);
    static readonly Differentiated SinExpF = Fn.Of<F.SinExpF_Residuals>(F.SinExpF, F.SinExpF_Jvp, F.SinExpF_ValueWithGradient, F.SinExpF_Primal, F.SinExpF_Pullback, F.SinExpF_ValueWithPullback);
    static readonly Differentiated LogSqrtCbrtF = Fn.Of<F.LogSqrtCbrtF_Residuals>(F.LogSqrtCbrtF, F.LogSqrtCbrtF_Jvp, F.LogSqrtCbrtF_ValueWithGradient, F.LogSqrtCbrtF_Primal, F.LogSqrtCbrtF_Pullback, F.LogSqrtCbrtF_ValueWithPullback);
    static readonly Differentiated TanhAtan2F = Fn.Of<F.TanhAtan2F_Residuals>(F.TanhAtan2F, F.TanhAtan2F_Jvp, F.TanhAtan2F_ValueWithGradient, F.TanhAtan2F_Primal, F.TanhAtan2F_Pullback, F.TanhAtan2F_ValueWithPullback);
    static readonly Differentiated PowF = Fn.Of<F.PowF_Residuals>(F.PowF, F.PowF_Jvp, F.PowF_ValueWithGradient, F.PowF_Primal, F.PowF_Pullback, F.PowF_ValueWithPullback);
    static readonly Differentiated ExtremaF = Fn.Of<F.ExtremaF_Residuals>(F.ExtremaF, F.ExtremaF_Jvp, F.ExtremaF_ValueWithGradient, F.ExtremaF_Primal, F.ExtremaF_Pullback, F.ExtremaF_ValueWithPullback);
    static readonly Differentiated ClampF = Fn.Of<F.ClampF_Residuals>(F.ClampF, F.ClampF_Jvp, F.ClampF_ValueWithGradient, F.ClampF_Primal, F.ClampF_Pullback, F.ClampF_ValueWithPullback);
    static readonly Differentiated RoundingF = Fn.Of<F.RoundingF_Residuals>(F.RoundingF, F.RoundingF_Jvp, F.RoundingF_ValueWithGradient, F.RoundingF_Primal, F.RoundingF_Pullback, F.RoundingF_ValueWithPullback);
    static readonly Differentiated HypotFmaF = Fn.Of<F.HypotFmaF_Residuals>(F.HypotFmaF, F.HypotFmaF_Jvp, F.HypotFmaF_ValueWithGradient, F.HypotFmaF_Primal, F.HypotFmaF_Pullback, F.HypotFmaF_ValueWithPullback);
    static readonly Differentiated TrigF = Fn.Of<F.TrigF_Residuals>(F.TrigF, F.TrigF_Jvp, F.TrigF_ValueWithGradient, F.TrigF_Primal, F.TrigF_Pullback, F.TrigF_ValueWithPullback);
    static readonly Differentiated HyperbolicF = Fn.Of<F.HyperbolicF_Residuals>(F.HyperbolicF, F.HyperbolicF_Jvp, F.HyperbolicF_ValueWithGradient, F.HyperbolicF_Primal, F.HyperbolicF_Pullback, F.HyperbolicF_ValueWithPullback);
    static readonly Differentiated LogsF = Fn.Of<F.LogsF_Residuals>(F.LogsF, F.LogsF_Jvp, F.LogsF_ValueWithGradient, F.LogsF_Primal, F.LogsF_Pullback, F.LogsF_ValueWithPullback);
    static readonly Differentiated CopySignF = Fn.Of<F.CopySignF_Residuals>(F.CopySignF, F.CopySignF_Jvp, F.CopySignF_ValueWithGradient, F.CopySignF_Primal, F.CopySignF_Pullback, F.CopySignF_ValueWithPullback);
    static readonly Differentiated BranchyF = Fn.Of<F.BranchyF_Residuals>(F.BranchyF, F.BranchyF_Jvp, F.BranchyF_ValueWithGradient, F.BranchyF_Primal, F.BranchyF_Pullback, F.BranchyF_ValueWithPullback);
    static readonly Differentiated CallsSigmoidF = Fn.Of<F.CallsSigmoidF_Residuals>(F.CallsSigmoidF, F.CallsSigmoidF_Jvp, F.CallsSigmoidF_ValueWithGradient, F.CallsSigmoidF_Primal, F.CallsSigmoidF_Pullback, F.CallsSigmoidF_ValueWithPullback);

    static double S(double x) => 1 / (1 + Math.Exp(-x));

    [Theory]
    [InlineData(3.0f)]
    [InlineData(-1.5f)]
    [InlineData(0.0f)]
    public void CubedInFloat(float x) => Check.Gradient(CubedF, x, 3.0 * x * x, value: (double)x * x * x);

    [Theory]
    [InlineData(-1.0f)]
    [InlineData(0.5f)]
    [InlineData(2.25f)]
    public void SinExp(float x) => Check.Gradient(SinExpF, x, (Math.Cos(x) - Math.Sin(x)) * Math.Exp(-x));

    [Theory]
    [InlineData(0.25f)]
    [InlineData(1.0f)]
    [InlineData(6.5f)]
    public void LogSqrtCbrt(float x) =>
        Check.Gradient(LogSqrtCbrtF, x, 1.0 / x + 0.5 / Math.Sqrt(x) + 1 / (3 * Math.Cbrt(x) * Math.Cbrt(x)));

    [Theory]
    [InlineData(0.5f, 2.0f)]
    [InlineData(-1.25f, -0.75f)]
    [InlineData(1.5f, -3.0f)]
    public void TanhAtan2(float y, float x)
    {
        double t = Math.Tanh(y), r2 = (double)x * x + (double)y * y;
        Check.Gradient(TanhAtan2F, [y, x], [1 - t * t + x / r2, -y / r2]);
    }

    [Theory]
    [InlineData(2.0f, 3.0f)]
    [InlineData(0.5f, -1.5f)]
    [InlineData(1.75f, 0.5f)]
    public void Pow(float x, float y) =>
        Check.Gradient(PowF, [x, y], [y * Math.Pow(x, y - 1), Math.Pow(x, y) * Math.Log(x)]);

    [Theory]
    [InlineData(2.0f, 1.0f)]
    [InlineData(-1.5f, 0.5f)]
    [InlineData(0.75f, -2.5f)]
    [InlineData(-2.0f, -0.75f)]   // x·y = 1.5 > 1 (not -0.5: a tie of Max(x·y, 1))
    public void MaxMinAbs(float x, float y)
    {
        double m = Math.Min(x, -y);
        double dx = (x > y ? 1 : 0) + (x < -y ? Math.Abs(x) : 0) + m * Math.Sign(x) + (x * y > 1 ? y : 0);
        double dy = (x > y ? 0 : 1) + (x < -y ? 0 : -Math.Abs(x)) + (x * y > 1 ? x : 0) - (y < 0 ? 1 : 0) + Math.Sign(y);
        Check.Gradient(ExtremaF, [x, y], [dx, dy]);
    }

    [Theory]
    [InlineData(-3.0f, -1.0)]
    [InlineData(0.5f, 1.0)]
    [InlineData(2.0f, 1.0)]
    public void Clamp(float x, double expected) => Check.Gradient(ClampF, x, expected);

    [Theory]
    [InlineData(-2.25f)]
    [InlineData(0.75f)]
    [InlineData(3.125f)]
    public void Rounding(float x) => Check.Gradient(RoundingF, x, Math.Floor(x));

    [Theory]
    [InlineData(3.0f, 4.0f, 1.0f)]
    [InlineData(-1.0f, 0.5f, -2.0f)]
    public void HypotFma(float x, float y, float z)
    {
        double h = Math.Sqrt((double)x * x + (double)y * y);
        Check.Gradient(HypotFmaF, [x, y, z], [x / h + y, y / h + x, 1.0]);
    }

    [Theory]
    [InlineData(-1.0f)]
    [InlineData(0.0f)]
    [InlineData(0.75f)]
    public void Trig(float x)
    {
        double t = Math.Tan(x);
        Check.Gradient(TrigF, x,
            0.5 / Math.Sqrt(1 - x * x / 4.0) - (1.0 / 3) / Math.Sqrt(1 - x * x / 9.0) + 1 / (1 + (double)x * x) + 1 + t * t - Math.Sin(x));
    }

    [Theory]
    [InlineData(-1.5f)]
    [InlineData(0.0f)]
    [InlineData(1.25f)]
    public void Hyperbolic(float x)
    {
        double u = (double)x * x + 1.5;
        Check.Gradient(HyperbolicF, x,
            Math.Cosh(x) + Math.Sinh(x) + 1 / Math.Sqrt((double)x * x + 1) + 2.0 * x / Math.Sqrt(u * u - 1) + 0.5 / (1 - x * x / 4.0));
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(3.0f)]
    public void Logs(float x) =>
        Check.Gradient(LogsF, x, 1 / (x * Math.Log(2)) + 1 / (x * Math.Log(10)) + 1 / (x * Math.Log(3)));

    [Theory]
    [InlineData(1.5f, 2.0f)]
    [InlineData(-0.5f, -3.0f)]
    public void CopySign(float x, float y) =>
        Check.Gradient(CopySignF, [x, y], [Math.Sign(y) * (3.0 * x * x + 1), 0.0]);

    [Theory]
    [InlineData(3.0f, 1.0f)]
    [InlineData(1.0f, 3.0f)]
    [InlineData(-0.5f, 0.25f)]
    public void BranchesInFloat(float x, float y)
    {
        double[] expected = x > y ? [y, x] : [2.0 * (x - y), -2.0 * (x - y)];
        Check.Gradient(BranchyF, [x, y], expected);
    }

    [Theory]
    [InlineData(-1.5f)]
    [InlineData(0.5f)]
    [InlineData(2.0f)]
    public void CallsInFloat(float x)
    {
        double s = S((double)x * x);
        Check.Gradient(CallsSigmoidF, x, s + x * 2.0 * x * s * (1 - s));
    }
}
