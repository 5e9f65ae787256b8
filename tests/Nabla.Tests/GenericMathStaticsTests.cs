// The generic-math statics of double and float (double.Sin, float.Exp, ...) are the Math and MathF methods under
// another name: they share those rules. Checked against closed forms and central differences, in double and float.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static partial class GenericMathStatics
{
    [Differentiable]
    public static double Trig(double x) => double.Sin(x) * double.Cos(2 * x) + double.Tan(x / 3) + double.Atan(x) + double.Tanh(x);

    [Differentiable]
    public static double ExpLog(double x, double y) =>
        double.Exp(x * y) + double.Log(x) * double.Sqrt(y) + double.Pow(x, y) + double.Log(y, 3) + double.Cbrt(x) + double.Log10(y) + double.Log2(x);

    [Differentiable]
    public static double Kinks(double x, double y) => double.Abs(x) * y + double.Max(x, 2 * y) - double.Min(x * x, y) + double.Clamp(x, -1.0, 1.0) + double.Atan2(y, x);

    [Differentiable]
    public static float Single(float x) => float.Sin(x) * float.Exp(-x) + float.Sqrt(x * x + 1) + float.Tanh(2 * x) + float.Atan2(x, 2f) + float.Max(x, 0.25f);
}

public class GenericMathStaticsTests
{
    static void Close(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    static double Central(Func<double, double> f, double x, double h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

    [Theory]
    [InlineData(0.4)]
    [InlineData(1.7)]
    public void TrigonometricAgainstClosedForm(double x)
    {
        double c3 = Math.Cos(x / 3), t = Math.Tanh(x);
        double expected = Math.Cos(x) * Math.Cos(2 * x) - 2 * Math.Sin(x) * Math.Sin(2 * x) + 1 / (3 * c3 * c3) + 1 / (1 + x * x) + 1 - t * t;
        Close(expected, Derivative(GenericMathStatics.Trig, x), 1e-12);
        Close(expected, Gradient(GenericMathStatics.Trig, x), 1e-12);
    }

    [Theory]
    [InlineData(0.8, 1.3)]
    [InlineData(2.1, 0.6)]
    public void ExponentialsAndLogarithmsAgainstCentralDifferences(double x, double y)
    {
        var (dx, dy) = Gradient(GenericMathStatics.ExpLog, x, y);
        Close(Central(a => GenericMathStatics.ExpLog(a, y), x), dx, 1e-7);
        Close(Central(b => GenericMathStatics.ExpLog(x, b), y), dy, 1e-7);
        var (_, tangent) = Jvp(GenericMathStatics.ExpLog, x, y, 0.5, -2.0);
        Close(0.5 * dx - 2 * dy, tangent, 1e-12);
    }

    [Fact]
    public void KinksFollowTheMathConventions()
    {
        // Away from the kinks: |x|·y + max(x, 2y) − min(x², y) + clamp(x) + atan2(y, x) at x = −0.5, y = 0.75.
        double x = -0.5, y = 0.75, r2 = x * x + y * y;
        var (dx, dy) = Gradient(GenericMathStatics.Kinks, x, y);
        Close(-y + 0 - 2 * x + 1 - y / r2, dx, 1e-12);
        Close(Math.Abs(x) + 2 - 0 + x / r2, dy, 1e-12);
        // A tie of Max splits the derivative evenly (x = 2y), as Math.Max's rule does.
        var (tx, ty) = Gradient(GenericMathStatics.Kinks, 1.5, 0.75);
        var (mx, my) = Gradient((a, b) => Math.Abs(a) * b + Math.Max(a, 2 * b) - Math.Min(a * a, b) + Math.Clamp(a, -1.0, 1.0) + Math.Atan2(b, a), 1.5, 0.75);
        Close(mx, tx, 1e-14);
        Close(my, ty, 1e-14);
    }

    [Theory]
    [InlineData(0.3f)]
    [InlineData(1.2f)]
    public void SingleAgainstClosedForm(float x)
    {
        double xd = x, t = Math.Tanh(2 * xd);
        double expected = Math.Cos(xd) * Math.Exp(-xd) - Math.Sin(xd) * Math.Exp(-xd) + xd / Math.Sqrt(xd * xd + 1) + 2 * (1 - t * t)
                          + 2 / (xd * xd + 4) + (xd > 0.25 ? 1 : 0);
        Close(expected, Derivative(GenericMathStatics.Single, x), 1e-5);
    }
}
