// Assembly B of the cross-assembly tests: derivative rules for methods of assembly A that A did not make
// differentiable (retroactive, as Swift's @derivative(of:)). Assembly C uses them without knowing about them.
using System;
using Nabla;
using Nabla.Tests.Library;

namespace Nabla.Tests.Rules;

public static class RetroactiveRules
{
    /// <summary>SmoothStep′(x) = 6x(1 − x) between 0 and 1, 0 outside.</summary>
    [DerivativeOf(typeof(Plain), nameof(Plain.SmoothStep))]
    public static (double Value, Func<double, double> Pullback) SmoothStep(double x)
    {
        double d = x <= 0 || x >= 1 ? 0.0 : 6 * x * (1 - x);
        return (Plain.SmoothStep(x), dy => dy * d);
    }

    /// <summary>Softplus′(x) = σ(x); a forward-mode rule.</summary>
    [DerivativeOf(typeof(Plain), nameof(Plain.Softplus), Mode = DerivativeMode.Forward)]
    public static (double Value, Func<double, double> Differential) Softplus(double x)
    {
        double s = 1 / (1 + Math.Exp(-x));
        return (Plain.Softplus(x), dx => dx * s);
    }

    /// <summary>MulSquare(x, y) = x·y²: (y², 2xy).</summary>
    [DerivativeOf(typeof(Plain), nameof(Plain.MulSquare))]
    public static (double Value, Func<double, (double, double)> Pullback) MulSquare(double x, double y)
    {
        return (Plain.MulSquare(x, y), dz => (dz * y * y, dz * 2 * x * y));
    }

    /// <summary>A forward rule over arrays: d(Σ aᵢ² wᵢ) = Σ 2 aᵢ wᵢ daᵢ (reverse mode through it is written from it).</summary>
    [DerivativeOf(typeof(Plain), nameof(Plain.WeightedSquares), Wrt = "a", Mode = DerivativeMode.Forward)]
    public static (double Value, Func<double[], double> Differential) WeightedSquares(double[] a, double[] w)
    {
        return (Plain.WeightedSquares(a, w), da =>
        {
            double t = 0;
            for (int i = 0; i < a.Length; i++) t += 2 * a[i] * w[i] * da[i];
            return t;
        });
    }

    /// <summary>Spline.Eval′(t) = 3·Scale·t²: a rule for an instance method of a data object, the receiver first.</summary>
    [DerivativeOf(typeof(Spline), nameof(Spline.Eval))]
    public static (double Value, Func<double, double> Pullback) Eval(Spline spline, double t)
    {
        double d = 3 * spline.Scale * t * t;
        return (spline.Eval(t), dy => dy * d);
    }

    /// <summary>A rule for a property getter of A's differentiable struct: its pullback returns A's compiled Tangent.</summary>
    [DerivativeOf(typeof(LibPair), nameof(LibPair.Product))]
    public static (double Value, Func<double, LibPair.Tangent> Pullback) Product(LibPair p) =>
        (p.Product, dy => new LibPair.Tangent { A = dy * p.B, B = dy * p.A });

    [DerivativeOf(typeof(LibPair), ".ctor")]
    public static (LibPair Value, Func<LibPair.Tangent, (double, double)> Pullback) NewPair(double a, double b) =>
        (new LibPair(a, b), dp => (dp.A, dp.B));
}
