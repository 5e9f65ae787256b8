// Named derivative functions (API.md §2): [GradientOf], [ValueWithGradientOf], [JvpOf] on partial declarations, with
// and without Wrt, tangents placed anywhere among the primals. Each is checked against a closed form, central finite
// differences, and the named forward function against the named reverse function.
using System;
using Xunit;
using N = Nabla.Tests.Named;

namespace Nabla.Tests;

public static partial class Named
{
    [Differentiable] public static double F(double x, double y) => x * x * y + Math.Sin(y);

    [GradientOf(nameof(F))]
    public static partial (double, double) FGradient(double x, double y);

    [ValueWithGradientOf(nameof(F))]
    public static partial (double Value, (double, double) Gradient) FValueWithGradient(double x, double y);

    [JvpOf(nameof(F))]
    public static partial (double Value, double Tangent) FJvp(double x, double y, double dx, double dy);

    /// <summary>Tangents interleaved with the primals: parameters named as F's are primals, the others tangents, in order.</summary>
    [JvpOf(nameof(F))]
    public static partial (double Value, double Tangent) FJvpInterleaved(double x, double dx, double y, double dy);

    [GradientOf(nameof(F), Wrt = "y")]
    public static partial double FGradientY(double x, double y);

    [ValueWithGradientOf(nameof(F), Wrt = "x")]
    public static partial (double Value, double Gradient) FValueWithGradientX(double x, double y);

    [JvpOf(nameof(F), Wrt = "y")]
    public static partial (double Value, double Tangent) FJvpY(double x, double dy, double y);

    [Differentiable] public static double G(double x) => x * Math.Exp(x);

    [GradientOf(nameof(G))]
    public static partial double GGradient(double x);

    [ValueWithGradientOf(nameof(G))]
    public static partial (double Value, double Gradient) GValueWithGradient(double x);

    [JvpOf(nameof(G))]
    public static partial (double Value, double Tangent) GJvp(double x, double dx);

    [Differentiable]
    public static double H(double x, [NoDerivative] double k, double y, double z) => k * x * y + y * z * z;

    [GradientOf(nameof(H))]
    public static partial (double, double, double) HGradient(double x, double k, double y, double z);

    [GradientOf(nameof(H), Wrt = "x, z")]
    public static partial (double, double) HGradientXZ(double x, double k, double y, double z);

    [JvpOf(nameof(H), Wrt = "z")]
    public static partial (double Value, double Tangent) HJvpZ(double x, double k, double y, double z, double dz);

    [JvpOf(nameof(H))]
    public static partial (double Value, double Tangent) HJvp(double x, double k, double y, double z, double dx, double dy, double dz);

    /// <summary>A named gradient of a method restricted by its own Wrt.</summary>
    [Differentiable(Wrt = "x")] public static double W(double x, double y) => x * x * y;

    [GradientOf(nameof(W))]
    public static partial double WGradient(double x, double y);

    [Differentiable] public static float FF(float x, float y) => MathF.Sin(x) * y;

    [GradientOf(nameof(FF))]
    public static partial (float, float) FFGradient(float x, float y);

    [JvpOf(nameof(FF))]
    public static partial (float Value, float Tangent) FFJvp(float x, float y, float dx, float dy);
}

public class NamedFunctionTests
{
    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-1.5, 0.5)]
    [InlineData(0.0, -3.0)]
    public void GradientOfTwoInputs(double x, double y)
    {
        string at = $"Named.F at ({x}, {y})";
        double dx = 2 * x * y, dy = x * x + Math.Cos(y);
        double value = x * x * y + Math.Sin(y);
        Func<double[], double> f = p => N.F(p[0], p[1]);

        var (gx, gy) = N.FGradient(x, y);
        Check.Close(dx, gx, at);
        Check.Close(dy, gy, at);
        Check.FiniteDifference(f, [x, y], 0, gx, at);
        Check.FiniteDifference(f, [x, y], 1, gy, at);

        var (v, (vx, vy)) = N.FValueWithGradient(x, y);
        Assert.Equal(N.F(x, y), v);
        Check.Close(value, v, at);
        Check.Close(dx, vx, at);
        Check.Close(dy, vy, at);

        // Forward (JvpOf, both layouts) against reverse (GradientOf).
        Check.Modes(N.FJvp(x, y, 1, 0).Tangent, gx, at);
        Check.Modes(N.FJvp(x, y, 0, 1).Tangent, gy, at);
        Check.Modes(N.FJvpInterleaved(x, 1, y, 0).Tangent, gx, at);
        Check.Modes(N.FJvpInterleaved(x, 0, y, 1).Tangent, gy, at);
        Check.Modes(N.FJvp(x, y, 0.5, -2).Tangent, 0.5 * gx - 2 * gy, at);
        Assert.Equal(N.F(x, y), N.FJvp(x, y, 0.5, -2).Value);

        // The same numbers as the generated members.
        Assert.Equal(N.F_ValueWithGradient(x, y).Gradient, (gx, gy));
    }

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-1.5, 0.5)]
    public void GradientOfWithWrt(double x, double y)
    {
        string at = $"Named.F at ({x}, {y}) with Wrt";
        Func<double[], double> f = p => N.F(p[0], p[1]);

        double gy = N.FGradientY(x, y);
        Check.Close(x * x + Math.Cos(y), gy, at);
        Check.FiniteDifference(f, [x, y], 1, gy, at);

        var (v, gx) = N.FValueWithGradientX(x, y);
        Assert.Equal(N.F(x, y), v);
        Check.Close(2 * x * y, gx, at);
        Check.FiniteDifference(f, [x, y], 0, gx, at);

        // Wrt = "y": one tangent, placed between the primals.
        var (jv, jt) = N.FJvpY(x, 1.0, y);
        Assert.Equal(N.F(x, y), jv);
        Check.Modes(jt, gy, at);
        Check.Modes(N.FJvpY(x, -3.0, y).Tangent, -3 * gy, at);
    }

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(1.25)]
    public void NamedFunctionsOfOneInput(double x)
    {
        string at = $"Named.G at {x}";
        double expected = (1 + x) * Math.Exp(x);
        double g = N.GGradient(x);
        Check.Close(expected, g, at);
        Check.FiniteDifference(p => N.G(p[0]), [x], 0, g, at);
        var (v, g2) = N.GValueWithGradient(x);
        Assert.Equal(N.G(x), v);
        Check.Close(expected, g2, at);
        var (jv, jt) = N.GJvp(x, 1.0);
        Assert.Equal(N.G(x), jv);
        Check.Modes(jt, g, at);
    }

    [Theory]
    [InlineData(1.0, 2.0, 3.0, -0.5)]
    [InlineData(-1.5, 0.5, 0.25, 2.0)]
    public void NamedFunctionsWithNoDerivativeAndWrt(double x, double k, double y, double z)
    {
        string at = $"Named.H at ({x}, k: {k}, {y}, {z})";
        Func<double[], double> h = p => N.H(p[0], k, p[1], p[2]);
        double dx = k * y, dy = k * x + z * z, dz = 2 * y * z;

        var (gx, gy, gz) = N.HGradient(x, k, y, z);
        Check.Close(dx, gx, at);
        Check.Close(dy, gy, at);
        Check.Close(dz, gz, at);
        Check.FiniteDifference(h, [x, y, z], 0, gx, at);
        Check.FiniteDifference(h, [x, y, z], 1, gy, at);
        Check.FiniteDifference(h, [x, y, z], 2, gz, at);

        var (hx, hz) = N.HGradientXZ(x, k, y, z);
        Check.Close(dx, hx, at);
        Check.Close(dz, hz, at);

        Check.Modes(N.HJvpZ(x, k, y, z, 1.0).Tangent, gz, at);
        Check.Modes(N.HJvp(x, k, y, z, 1, 0, 0).Tangent, gx, at);
        Check.Modes(N.HJvp(x, k, y, z, 0, 1, 0).Tangent, gy, at);
        Check.Modes(N.HJvp(x, k, y, z, 0, 0, 1).Tangent, gz, at);
    }

    [Theory]
    [InlineData(1.5, 2.0)]
    [InlineData(-0.5, -3.0)]
    public void NamedGradientOfAWrtMethod(double x, double y)
    {
        string at = $"Named.W at ({x}, {y})";
        double g = N.WGradient(x, y);
        Check.Close(2 * x * y, g, at);
        Check.FiniteDifference(p => N.W(p[0], y), [x], 0, g, at);
        Check.Modes(N.W_Jvp(x, y, 1.0).Tangent, g, at);
    }

    [Theory]
    [InlineData(0.5f, 2.0f)]
    [InlineData(-1.25f, -0.75f)]
    public void NamedFunctionsInFloat(float x, float y)
    {
        string at = $"Named.FF at ({x}, {y})";
        // FF itself, every generated form, three ways (finite differences in float).
        Check.Gradient(Fn.Of<N.FF_Residuals>(N.FF, N.FF_Jvp, N.FF_ValueWithGradient, N.FF_Primal, N.FF_Pullback, N.FF_ValueWithPullback),
            [x, y], [Math.Cos(x) * y, Math.Sin(x)]);
        var (gx, gy) = N.FFGradient(x, y);
        Check.CloseF(Math.Cos(x) * y, gx, at);
        Check.CloseF(Math.Sin(x), gy, at);
        var (v, t) = N.FFJvp(x, y, 1f, 0f);
        Assert.Equal(N.FF(x, y), v);
        Check.CloseF(gx, t, at);
        Check.CloseF(gy, N.FFJvp(x, y, 0f, 1f).Tangent, at);
    }
}
