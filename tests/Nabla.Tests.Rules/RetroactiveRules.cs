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
}
