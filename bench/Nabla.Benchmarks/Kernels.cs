// The functions the benchmarks differentiate, each with a gradient written by hand for comparison.
using System;
using Nabla;

namespace Nabla.Benchmarks;

public static partial class Kernels
{
    // ---------------------------------------------------------------------------------------------
    // cubed: the seed's first example. 2 multiplications.
    // ---------------------------------------------------------------------------------------------

    [Differentiable]
    public static double Cubed(double x) => x * x * x;


    public static (double Value, double Gradient) CubedByHand(double x)
    {
        double x2 = x * x;
        return (x2 * x, 3 * x2);
    }

    // ---------------------------------------------------------------------------------------------
    // A degree-10 polynomial in Horner form: 10 multiplications and 10 additions.
    // ---------------------------------------------------------------------------------------------

    [Differentiable]
    public static double Poly20(double x)
        => ((((((((((0.5 * x + 1.5) * x - 2.0) * x + 0.25) * x - 1.0) * x + 3.0) * x - 0.75) * x + 2.5) * x - 1.25) * x + 0.125) * x) + 4.0;

    /// <summary>Value and derivative by the two-line Horner recurrence (p' built alongside p).</summary>
    public static (double Value, double Gradient) Poly20ByHand(double x)
    {
        double p = 0.5, dp = 0;
        dp = dp * x + p; p = p * x + 1.5;
        dp = dp * x + p; p = p * x - 2.0;
        dp = dp * x + p; p = p * x + 0.25;
        dp = dp * x + p; p = p * x - 1.0;
        dp = dp * x + p; p = p * x + 3.0;
        dp = dp * x + p; p = p * x - 0.75;
        dp = dp * x + p; p = p * x + 2.5;
        dp = dp * x + p; p = p * x - 1.25;
        dp = dp * x + p; p = p * x + 0.125;
        dp = dp * x + p; p = p * x + 0;
        return (p + 4.0, dp);
    }

    // ---------------------------------------------------------------------------------------------
    // A small network of one unit per layer: three tanh(a·h + b) layers, then a sigmoid.
    // ---------------------------------------------------------------------------------------------

    /// <summary>TanhChain differentiated in x only, the weight a constant: the named form of <c>t => TanhChain(t, w)</c>.</summary>
    [Differentiable]
    public static double TanhChainInX(double x, [NoDerivative] double w) => TanhChain(x, w);

    [Differentiable]
    public static double TanhChain(double x, double w)
    {
        double h1 = Math.Tanh(w * x + 0.1);
        double h2 = Math.Tanh(0.8 * h1 - 0.3 * w);
        double h3 = Math.Tanh(1.3 * h2 + 0.2);
        return 1 / (1 + Math.Exp(-(w * h3 - 0.5)));
    }


    public static (double Value, (double, double) Gradient) TanhChainByHand(double x, double w)
    {
        double h1 = Math.Tanh(w * x + 0.1);
        double h2 = Math.Tanh(0.8 * h1 - 0.3 * w);
        double h3 = Math.Tanh(1.3 * h2 + 0.2);
        double s = 1 / (1 + Math.Exp(-(w * h3 - 0.5)));
        double dz = s * (1 - s);                  // σ'
        double dw = dz * h3;
        double dh3 = dz * w;
        double dh2 = dh3 * (1 - h3 * h3) * 1.3;
        double d2 = dh2 * (1 - h2 * h2);
        dw += d2 * -0.3;
        double dh1 = d2 * 0.8;
        double d1 = dh1 * (1 - h1 * h1);
        dw += d1 * x;
        double dx = d1 * w;
        return (s, (dx, dw));
    }

    // ---------------------------------------------------------------------------------------------
    // Branches: a piecewise function with if/else, an early return, ?: and &&.
    // ---------------------------------------------------------------------------------------------

    [Differentiable]
    public static double Piecewise(double x, double y)
    {
        if (x < -1)
            return y * y - x;
        double z;
        if (x < 1 && y > 0)
            z = x * x * y;
        else
            z = x * y + 2 * x;
        return z > 0 ? z * z + y : z - y;
    }


    public static (double Value, (double, double) Gradient) PiecewiseByHand(double x, double y)
    {
        if (x < -1)
            return (y * y - x, (-1, 2 * y));
        double z, zx, zy;
        if (x < 1 && y > 0)
        {
            z = x * x * y; zx = 2 * x * y; zy = x * x;
        }
        else
        {
            z = x * y + 2 * x; zx = y + 2; zy = x;
        }
        if (z > 0)
            return (z * z + y, (2 * z * zx, 2 * z * zy + 1));
        return (z - y, (zx, zy - 1));
    }
}
