// Results and inputs that hold arrays inside a struct or a tuple: (double[] W, double B) tuples, and a
// [Differentiable] struct with an array member returned by a method. A pullback must seed the result's arrays with
// the cotangent's arrays (before this was fixed, F_Vjp and F_ValueWithPullback of such a method dropped them and
// returned the scalar members' part only). Checked against closed forms and central differences.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.StructCode;

public static partial class ArrayLeafResults
{
    /// <summary>b + Σ wᵢ² b over a tuple input.</summary>
    [Differentiable]
    public static double OfTuple((double[] W, double B) p)
    {
        double s = p.B;
        for (int i = 0; i < p.W.Length; i++) s += p.W[i] * p.W[i] * p.B;
        return s;
    }

    /// <summary>(w·b, b²): a new array and a scalar.</summary>
    [Differentiable]
    public static (double[] Scaled, double Square) ScaleAndSquare(double[] w, double b)
    {
        var r = new double[w.Length];
        for (int i = 0; i < w.Length; i++) r[i] = w[i] * b;
        return (r, b * b);
    }

    /// <summary>(w, b·w₀): the input array itself in the result.</summary>
    [Differentiable]
    public static (double[], double) PassThrough(double[] w, double b) => (w, b * w[0]);

    [Differentiable]
    public static double UsesTheTuple(double[] w, double b)
    {
        var (r, c) = ScaleAndSquare(w, b);
        return r[0] * r[1] + c;
    }

    /// <summary>A struct result with an array member: (sin(wᵢ)·s, bias·s).</summary>
    [Differentiable]
    public static LinearModel Scaled(LinearModel m, double s)
    {
        var w = new double[m.Weights.Length];
        for (int i = 0; i < w.Length; i++) w[i] = Math.Sin(m.Weights[i]) * s;
        return new LinearModel { Weights = w, Bias = m.Bias * s, Scale = m.Scale };
    }
}

public class ArrayLeafResultTests
{
    static void Close(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void GradientWithRespectToATupleHoldingAnArray()
    {
        var (gw, gb) = Gradient(ArrayLeafResults.OfTuple, (new[] { 2.0, 3.0 }, 0.5));
        Close(2 * 2.0 * 0.5, gw[0]); Close(2 * 3.0 * 0.5, gw[1]);
        Close(1 + 4 + 9, gb);
    }

    [Fact]
    public void ForwardModeOfATupleResult()
    {
        var d = Derivative(b => ArrayLeafResults.ScaleAndSquare(new[] { 1.0, 2.0 }, b), 3.0);
        Close(1, d.Scaled[0]); Close(2, d.Scaled[1]); Close(6, d.Square);
    }

    [Fact]
    public void PullbackSeedsTheArraysOfATupleResult()
    {
        double[] w = { 1.0, 2.0 };
        const double b = 3.0;
        var (value, pullback) = ValueWithPullback(ArrayLeafResults.ScaleAndSquare, w, b);
        Close(3, value.Scaled[0]); Close(9, value.Square);
        // ∂/∂w of ⟨ct_r, w·b⟩ + ct_c b² is ct_r·b; ∂/∂b is ⟨ct_r, w⟩ + 2b·ct_c.
        var (dw, db) = pullback((new[] { 1.0, 1.0 }, 1.0));
        Close(3, dw[0]); Close(3, dw[1]); Close(1 + 2 + 6, db);
        (dw, db) = pullback((new[] { 1.0, 0.0 }, 0.0));   // a second call starts from zero again
        Close(3, dw[0]); Close(0, dw[1]); Close(1, db);
        (dw, db) = Vjp(ArrayLeafResults.PassThrough, w, b, (new[] { 1.0, 1.0 }, 1.0));
        Close(1 + b, dw[0]); Close(1, dw[1]); Close(w[0], db);
    }

    [Fact]
    public void TupleResultThroughACall()
    {
        // r = w·b, c = b²: r₀r₁ + c = w₀w₁b² + b².
        double[] w = { 1.5, -0.5 };
        const double b = 2.0;
        var (gw, gb) = Gradient(ArrayLeafResults.UsesTheTuple, w, b);
        Close(w[1] * b * b, gw[0]); Close(w[0] * b * b, gw[1]); Close(2 * w[0] * w[1] * b + 2 * b, gb);
    }

    [Fact]
    public void StructResultWithAnArrayMember_PullbackAndVjpAgainstCentralDifferences()
    {
        var m = new LinearModel { Weights = new[] { 0.3, -0.7, 1.1 }, Bias = 0.4, Scale = new[] { 1.0, 1.0, 1.0 } };
        const double s = 0.9, h = 1e-6;
        var cotangent = new LinearModel.Tangent { Weights = new[] { 1.0, -2.0, 0.5 }, Bias = 1.5 };
        double Projected(LinearModel model, double scale)
        {
            var r = ArrayLeafResults.Scaled(model, scale);
            return r.Weights[0] * 1.0 + r.Weights[1] * -2.0 + r.Weights[2] * 0.5 + r.Bias * 1.5;
        }
        var (_, pullback) = ArrayLeafResults.Scaled_ValueWithPullback(m, s);
        var (dm, ds) = pullback(cotangent);
        var (_, (vm, vs)) = ArrayLeafResults.Scaled_Vjp(m, s, cotangent);
        double expectedDs = (Projected(m, s + h) - Projected(m, s - h)) / (2 * h);
        Close(expectedDs, ds, 1e-8);
        Close(expectedDs, vs, 1e-8);
        for (int i = 0; i < 3; i++)
        {
            // d/dwᵢ of ctᵢ·sin(wᵢ)·s is ctᵢ·cos(wᵢ)·s.
            Close(cotangent.Weights[i] * Math.Cos(m.Weights[i]) * s, dm.Weights[i]);
            Close(dm.Weights[i], vm.Weights[i]);
        }
        Close(1.5 * s, dm.Bias);
    }
}
