// [DerivativeOf] rules for members other than static methods (API.md §6): an instance method of a data class (the
// receiver first, and the instance form), a property getter, an indexer ("Item") and a constructor (".ctor") of a
// [Differentiable] struct, an instance method whose receiver is differentiable, forward rules of these, a rule over
// Vector3, and a member rule that wins over a [Differentiable] body. Each is checked through every generated form
// against a closed form, central differences, and forward mode against reverse mode (Check.Gradient).
using System;
using System.Numerics;
using Xunit;
using M = Nabla.Tests.MemberRuleFunctions;

namespace Nabla.Tests;

/// <summary>A data object, neither differentiable nor partial: its methods have rules, its state is data.</summary>
public sealed class YieldCurve
{
    public double Rate;
    public double Discount(double t) => Math.Exp(-Rate * t);
    public double Forward(double t) => Rate * (1 + 0.1 * t);

    /// <summary>The instance form: 'this' is the receiver, read by the pullback.</summary>
    [DerivativeOf(typeof(YieldCurve), nameof(Forward))]
    public (double Value, Func<double, double> Pullback) ForwardRule(double t) => (Forward(t), dy => dy * Rate * 0.1);
}

[Differentiable]
public partial struct Planar
{
    public double X, Y;
    [NoDerivative] public int Tag;
    public Planar(double x, double y) { X = x; Y = y; Tag = 1; }
    public double Norm => Math.Sqrt(X * X + Y * Y);
    public double this[int i] => i == 0 ? X : Y;
    public double Along(double sx, double sy) => sx * X + sy * Y;
    public double Cross(Planar other) => X * other.Y - Y * other.X;
    /// <summary>A body Nabla differentiates; the rule below replaces it (a straight-through derivative).</summary>
    [Differentiable] public double Snapped() => Math.Round(X) + Math.Round(Y);
}

public static class VectorLibrary
{
    public static float Length(Vector3 v) => v.Length();
}

public static class MemberRules
{
    [DerivativeOf(typeof(YieldCurve), nameof(YieldCurve.Discount))]
    public static (double Value, Func<double, double> Pullback) Discount(YieldCurve curve, double t)
    {
        double v = curve.Discount(t);
        double rate = curve.Rate;
        return (v, dy => -rate * v * dy);
    }

    [DerivativeOf(typeof(Planar), nameof(Planar.Norm))]
    public static (double Value, Func<double, Planar.Tangent> Pullback) Norm(Planar p)
    {
        double n = p.Norm;
        return (n, dy => new Planar.Tangent { X = dy * p.X / n, Y = dy * p.Y / n });
    }

    [DerivativeOf(typeof(Planar), "Item")]
    public static (double Value, Func<double, Planar.Tangent> Pullback) Item(Planar p, int i) =>
        (p[i], dy => i == 0 ? new Planar.Tangent { X = dy } : new Planar.Tangent { Y = dy });

    [DerivativeOf(typeof(Planar), ".ctor")]
    public static (Planar Value, Func<Planar.Tangent, (double, double)> Pullback) New(double x, double y) =>
        (new Planar(x, y), dp => (dp.X, dp.Y));

    /// <summary>The receiver's tangent first, then the parameters'.</summary>
    [DerivativeOf(typeof(Planar), nameof(Planar.Along))]
    public static (double Value, Func<double, (Planar.Tangent, double, double)> Pullback) Along(Planar p, double sx, double sy) =>
        (p.Along(sx, sy), dy => (new Planar.Tangent { X = dy * sx, Y = dy * sy }, dy * p.X, dy * p.Y));

    [DerivativeOf(typeof(Planar), nameof(Planar.Cross), Mode = DerivativeMode.Forward)]
    public static (double Value, Func<Planar.Tangent, Planar.Tangent, double> Differential) Cross(Planar p, Planar q) =>
        (p.Cross(q), (dp, dq) => dp.X * q.Y + p.X * dq.Y - dp.Y * q.X - p.Y * dq.X);

    [DerivativeOf(typeof(Planar), nameof(Planar.Snapped))]
    public static (double Value, Func<double, Planar.Tangent> Pullback) Snapped(Planar p) =>
        (p.Snapped(), dy => new Planar.Tangent { X = dy, Y = dy });

    [DerivativeOf(typeof(VectorLibrary), nameof(VectorLibrary.Length))]
    public static (float Value, Func<float, Vector3> Pullback) Length(Vector3 v)
    {
        float n = v.Length();
        return (n, dy => v * (dy / n));
    }
}

/// <summary>A forward rule for a constructor, on a second struct (a type has one rule per member).</summary>
[Differentiable]
public partial struct Polar
{
    public double R, Theta;
    public Polar(double r, double theta) { R = r; Theta = theta; }
    public double X => R * Math.Cos(Theta);
}

public static class PolarRules
{
    [DerivativeOf(typeof(Polar), ".ctor", Mode = DerivativeMode.Forward)]
    public static (Polar Value, Func<double, double, Polar.Tangent> Differential) New(double r, double theta) =>
        (new Polar(r, theta), (dr, dtheta) => new Polar.Tangent { R = dr, Theta = dtheta });

    [DerivativeOf(typeof(Polar), nameof(Polar.X), Mode = DerivativeMode.Forward)]
    public static (double Value, Func<Polar.Tangent, double> Differential) X(Polar p) =>
        (p.X, dp => dp.R * Math.Cos(p.Theta) - p.R * Math.Sin(p.Theta) * dp.Theta);
}

public static partial class MemberRuleFunctions
{
    public static readonly YieldCurve Curve = new() { Rate = 0.05 };

    [Differentiable] public static double Price(double t) => 100 * Curve.Discount(t) * t;
    [Differentiable] public static double ForwardTimesT(double t) => Curve.Forward(t) * t;
    [Differentiable] public static double NormOf(double x, double y) => new Planar(x, y).Norm * x;
    [Differentiable] public static double Indexed(double x, double y) { var p = new Planar(x, y); return p[1] * p[0] + p[0]; }
    [Differentiable] public static double AlongOf(double x, double y, double s) => new Planar(x * y, y).Along(s, s * s);
    [Differentiable] public static double CrossOf(double a, double b, double c) => new Planar(a, b).Cross(new Planar(c, a * c));
    [Differentiable] public static double SnappedOf(double x, double y) => new Planar(x, y).Snapped() * 3;
    [Differentiable] public static float LengthOf(float x, float y) => VectorLibrary.Length(new Vector3(x, y, 2f * x));
    [Differentiable] public static double[] NormAndFirst(double[] v) { var p = new Planar(v[0] * v[1], v[1]); return new[] { p.Norm, p[0] }; }
    [Differentiable] public static double PolarX(double r, double theta) => new Polar(r * r, theta).X;
}

public class MemberRuleTests
{
    static readonly Differentiated Price = Fn.Of<M.Price_Residuals>(M.Price, M.Price_Jvp, M.Price_ValueWithGradient, M.Price_Primal, M.Price_Pullback, M.Price_ValueWithPullback);
    static readonly Differentiated ForwardTimesT = Fn.Of<M.ForwardTimesT_Residuals>(M.ForwardTimesT, M.ForwardTimesT_Jvp, M.ForwardTimesT_ValueWithGradient, M.ForwardTimesT_Primal, M.ForwardTimesT_Pullback, M.ForwardTimesT_ValueWithPullback);
    static readonly Differentiated NormOf = Fn.Of<M.NormOf_Residuals>(M.NormOf, M.NormOf_Jvp, M.NormOf_ValueWithGradient, M.NormOf_Primal, M.NormOf_Pullback, M.NormOf_ValueWithPullback);
    static readonly Differentiated Indexed = Fn.Of<M.Indexed_Residuals>(M.Indexed, M.Indexed_Jvp, M.Indexed_ValueWithGradient, M.Indexed_Primal, M.Indexed_Pullback, M.Indexed_ValueWithPullback);
    static readonly Differentiated AlongOf = Fn.Of<M.AlongOf_Residuals>(M.AlongOf, M.AlongOf_Jvp, M.AlongOf_ValueWithGradient, M.AlongOf_Primal, M.AlongOf_Pullback, M.AlongOf_ValueWithPullback);
    static readonly Differentiated CrossOf = Fn.Of<M.CrossOf_Residuals>(M.CrossOf, M.CrossOf_Jvp, M.CrossOf_ValueWithGradient, M.CrossOf_Primal, M.CrossOf_Pullback, M.CrossOf_ValueWithPullback);
    static readonly Differentiated SnappedOf = Fn.Of<M.SnappedOf_Residuals>(M.SnappedOf, M.SnappedOf_Jvp, M.SnappedOf_ValueWithGradient, M.SnappedOf_Primal, M.SnappedOf_Pullback, M.SnappedOf_ValueWithPullback);
    static readonly Differentiated PolarX = Fn.Of<M.PolarX_Residuals>(M.PolarX, M.PolarX_Jvp, M.PolarX_ValueWithGradient, M.PolarX_Primal, M.PolarX_Pullback, M.PolarX_ValueWithPullback);

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void InstanceMethodOfADataObject(double t) =>
        Check.Gradient(Price, t, 100 * Math.Exp(-0.05 * t) * (1 - 0.05 * t), value: 100 * Math.Exp(-0.05 * t) * t);

    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void InstanceFormRuleReadsTheReceiver(double t) =>
        // d/dt [r(1 + 0.1t) t] = r(1 + 0.2t).
        Check.Gradient(ForwardTimesT, t, 0.05 * (1 + 0.2 * t), value: 0.05 * (1 + 0.1 * t) * t);

    [Fact]
    public void TheReceiversStateIsReadAtEachCall()
    {
        var curve = new YieldCurve { Rate = 0.05 };
        double Gradient() => Autodiff.Gradient((double t) => 100 * curve.Discount(t) * t, 2.0);
        Assert.Equal(100 * Math.Exp(-0.1) * (1 - 0.1), Gradient(), 12);
        curve.Rate = 0.2;
        Assert.Equal(100 * Math.Exp(-0.4) * (1 - 0.4), Gradient(), 12);
    }

    [Theory]
    [InlineData(3.0, 4.0)]
    [InlineData(-1.0, 0.5)]
    public void PropertyGetterOfADifferentiableStruct(double x, double y)
    {
        double n = Math.Sqrt(x * x + y * y);
        Check.Gradient(NormOf, [x, y], [n + x * x / n, x * y / n], value: n * x);
    }

    [Theory]
    [InlineData(3.0, 4.0)]
    [InlineData(-2.0, 0.25)]
    public void Indexer(double x, double y) => Check.Gradient(Indexed, [x, y], [y + 1, x], value: y * x + x);

    [Theory]
    [InlineData(1.5, 2.0, 0.5)]
    [InlineData(-1.0, 3.0, -2.0)]
    public void DifferentiableReceiverAndParameters(double x, double y, double s) =>
        // s·xy + s²·y
        Check.Gradient(AlongOf, [x, y, s], [s * y, s * x + s * s, x * y + 2 * s * y], value: s * x * y + s * s * y);

    [Theory]
    [InlineData(1.0, 2.0, 3.0)]
    [InlineData(-0.5, 1.5, 2.0)]
    public void ForwardRuleWithTwoStructInputs(double a, double b, double c) =>
        // (a, b) × (c, ac) = a²c - bc
        Check.Gradient(CrossOf, [a, b, c], [2 * a * c, -c, a * a - b], value: a * a * c - b * c);

    [Theory]
    [InlineData(0.3, 1.2)]
    [InlineData(2.6, -0.4)]
    public void MemberRuleWinsOverTheBody(double x, double y) =>
        // Round has zero derivative: only the straight-through rule gives 3 and 3.
        Check.Gradient(SnappedOf, [x, y], [3, 3], value: 3 * (Math.Round(x) + Math.Round(y)), finiteDifferences: false);

    [Theory]
    [InlineData(2.0, 0.3)]
    [InlineData(0.5, 2.0)]
    public void ForwardRulesOfAConstructorAndAProperty(double r, double theta) =>
        // r² cos θ
        Check.Gradient(PolarX, [r, theta], [2 * r * Math.Cos(theta), -r * r * Math.Sin(theta)], value: r * r * Math.Cos(theta));

    [Fact]
    public void RuleOverVector3()
    {
        var (gx, gy) = Autodiff.Gradient(M.LengthOf, 1f, 2f);
        float n = MathF.Sqrt(1 + 4 + 4);
        Assert.Equal(5 / n, gx, 5);
        Assert.Equal(2 / n, gy, 5);
        Assert.Equal(5 / n, Autodiff.Derivative((float x) => M.LengthOf(x, 2f), 1f), 5);
    }

    [Fact]
    public void GradientWithRespectToAStructThroughItsMemberRules()
    {
        var p = new Planar(3, 4);
        var (value, gradient) = Autodiff.ValueWithGradient((Planar q) => q.Norm + q[0] * q.Along(2, 1), p);
        // |p| + x(2x + y): ∂x = x/|p| + 4x + y, ∂y = y/|p| + x.
        Assert.Equal(5 + 3 * 10, value, 12);
        Assert.Equal(0.6 + 12 + 4, gradient.X, 12);
        Assert.Equal(0.8 + 3, gradient.Y, 12);
    }

    [Fact]
    public void JacobiansThroughAConstructorRuleAgree()
    {
        var x = new[] { 1.5, -2.0 };
        var forward = Autodiff.JacobianForward(M.NormAndFirst, x);
        var reverse = Autodiff.JacobianReverse(M.NormAndFirst, x);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(forward[i, j], reverse[i, j], 12);
        // Row 1 is d(xy) = (y, x).
        Assert.Equal(-2.0, reverse[1, 0], 12);
        Assert.Equal(1.5, reverse[1, 1], 12);
    }
}
