// Reverse-mode derivative rules for System.Math (double overloads) and double.Hypot, in the closure form of API.md §5.
using System;

namespace Nabla.Rules;

/// <summary>
/// Nabla's derivative rules for the <see cref="double"/> overloads of <see cref="Math"/> and for
/// <see cref="double.Hypot(double, double)"/>. Each rule returns the primal value and a pullback that maps the
/// output cotangent to the input cotangents (a tuple, in parameter order, for several inputs).
/// </summary>
/// <remarks>
/// The conventions at kinks and domain boundaries are listed in docs/semantics.md. Rule bodies are lowered by the
/// generator into its IR, so they use only arithmetic, locals, <c>?:</c>, <c>if</c>/<c>else</c> and calls to
/// <see cref="Math"/>; the pullback captures the cheapest residuals (usually the local derivative itself).
/// </remarks>
public static class MathRules
{
    // ----- Trigonometric -----

    /// <summary>d sin(x) = cos(x) dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Sin))]
    public static (double Value, Func<double, double> Pullback) Sin(double x)
    {
        double d = Math.Cos(x);
        return (Math.Sin(x), dy => dy * d);
    }

    /// <summary>d cos(x) = −sin(x) dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Cos))]
    public static (double Value, Func<double, double> Pullback) Cos(double x)
    {
        double d = -Math.Sin(x);
        return (Math.Cos(x), dy => dy * d);
    }

    /// <summary>d tan(x) = (1 + tan²(x)) dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Tan))]
    public static (double Value, Func<double, double> Pullback) Tan(double x)
    {
        double y = Math.Tan(x);
        double d = 1 + y * y;
        return (y, dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d asin(x) = dx / √(1 − x²); +∞ at x = ±1.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Asin))]
    public static (double Value, Func<double, double> Pullback) Asin(double x)
    {
        double d = 1 / Math.Sqrt((1 - x) * (1 + x));
        return (Math.Asin(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d acos(x) = −dx / √(1 − x²); −∞ at x = ±1.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Acos))]
    public static (double Value, Func<double, double> Pullback) Acos(double x)
    {
        double d = -1 / Math.Sqrt((1 - x) * (1 + x));
        return (Math.Acos(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d atan(x) = dx / (1 + x²).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Atan))]
    public static (double Value, Func<double, double> Pullback) Atan(double x)
    {
        double d = 1 / (1 + x * x);
        return (Math.Atan(x), dy => dy * d);
    }

    /// <summary>d atan2(y, x) = (x dy − y dx) / (x² + y²); NaN at the origin.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Atan2))]
    public static (double Value, Func<double, (double, double)> Pullback) Atan2(double y, double x)
    {
        double r2 = x * x + y * y;
        return (Math.Atan2(y, x), dz => (dz * x / r2, -dz * y / r2));
    }

    // ----- Hyperbolic -----

    /// <summary>d sinh(x) = cosh(x) dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Sinh))]
    public static (double Value, Func<double, double> Pullback) Sinh(double x)
    {
        double d = Math.Cosh(x);
        return (Math.Sinh(x), dy => dy * d);
    }

    /// <summary>d cosh(x) = sinh(x) dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Cosh))]
    public static (double Value, Func<double, double> Pullback) Cosh(double x)
    {
        double d = Math.Sinh(x);
        return (Math.Cosh(x), dy => dy * d);
    }

    /// <summary>d tanh(x) = (1 − tanh²(x)) dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Tanh))]
    public static (double Value, Func<double, double> Pullback) Tanh(double x)
    {
        double y = Math.Tanh(x);
        return (y, dy => dy * (1 - y * y));
    }

    /// <summary>d asinh(x) = dx / √(x² + 1).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Asinh))]
    public static (double Value, Func<double, double> Pullback) Asinh(double x)
    {
        double d = 1 / Math.Sqrt(x * x + 1);
        return (Math.Asinh(x), dy => dy * d);
    }

    /// <summary>d acosh(x) = dx / √(x² − 1) for x ≥ 1; +∞ at x = 1.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Acosh))]
    public static (double Value, Func<double, double> Pullback) Acosh(double x)
    {
        double d = 1 / Math.Sqrt((x - 1) * (x + 1));
        return (Math.Acosh(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d atanh(x) = dx / (1 − x²); +∞ at x = ±1.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Atanh))]
    public static (double Value, Func<double, double> Pullback) Atanh(double x)
    {
        double d = 1 / ((1 - x) * (1 + x));
        return (Math.Atanh(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    // ----- Exponential, logarithms, powers, roots -----

    /// <summary>d exp(x) = exp(x) dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Exp))]
    public static (double Value, Func<double, double> Pullback) Exp(double x)
    {
        double y = Math.Exp(x);
        return (y, dy => dy * y);
    }

    /// <summary>d ln(x) = dx / x; +∞ at x = 0.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Log))]
    public static (double Value, Func<double, double> Pullback) Log(double x)
    {
        double d = 1 / x;
        return (Math.Log(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>
    /// log_b(a) = ln(a) / ln(b): d = da / (a ln b) − log_b(a) db / (b ln b). Both inputs are differentiable.
    /// </summary>
    [DerivativeOf(typeof(Math), nameof(Math.Log))]
    public static (double Value, Func<double, (double, double)> Pullback) Log(double a, double newBase)
    {
        double v = Math.Log(a, newBase);
        double lnB = Math.Log(newBase);
        double da = 1 / (a * lnB);
        double db = -v / (newBase * lnB);
        return (v, dz => (dz == 0 ? 0.0 : dz * da, dz == 0 ? 0.0 : dz * db));
    }

    /// <summary>d log2(x) = dx / (x ln 2).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Log2))]
    public static (double Value, Func<double, double> Pullback) Log2(double x)
    {
        double d = 1 / (x * 0.6931471805599453); // ln 2
        return (Math.Log2(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d log10(x) = dx / (x ln 10).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Log10))]
    public static (double Value, Func<double, double> Pullback) Log10(double x)
    {
        double d = 1 / (x * 2.302585092994046); // ln 10
        return (Math.Log10(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d √x = dx / (2 √x); +∞ at x = 0, as IEEE division gives.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Sqrt))]
    public static (double Value, Func<double, double> Pullback) Sqrt(double x)
    {
        double y = Math.Sqrt(x);
        double d = 0.5 / y;
        return (y, dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d ∛x = dx / (3 ∛x²); +∞ at x = 0.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Cbrt))]
    public static (double Value, Func<double, double> Pullback) Cbrt(double x)
    {
        double y = Math.Cbrt(x);
        double d = 1 / (3 * y * y);
        return (y, dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>
    /// z = x^y. ∂z/∂x = y·x^(y−1), which is 0 at y = 0, and 0 at x = y = 0 (so Pow(0, 0) has derivative 0 in x, not
    /// 0·∞); written so that its own derivative in y at y = 0 is x^(−1) (second derivatives, as JAX's).
    /// ∂z/∂y = z·ln(x) for x &gt; 0, 0 at x = 0, NaN for x &lt; 0 (ln x is NaN there): JAX's <c>lax.pow</c> rule, except
    /// that JAX gives NaN at x = 0, y &lt; 0 (where z = +∞).
    /// </summary>
    [DerivativeOf(typeof(Math), nameof(Math.Pow))]
    public static (double Value, Func<double, (double, double)> Pullback) Pow(double x, double y)
    {
        double z = Math.Pow(x, y);
        return (z, dz => (x == 0 && y == 0 || dz == 0 ? 0.0 : dz * y * Math.Pow(x, y - 1),
                          x == 0 || dz == 0 ? 0.0 : dz * z * Math.Log(x)));
    }

    /// <summary>hypot(x, y) = √(x² + y²): d = (x dx + y dy) / hypot(x, y); 0 at the origin (as Abs′(0) = 0).</summary>
    [DerivativeOf(typeof(double), nameof(double.Hypot))]
    public static (double Value, Func<double, (double, double)> Pullback) Hypot(double x, double y)
    {
        double h = double.Hypot(x, y);
        double inv = h == 0 ? 0.0 : 1 / h;
        double dx = x * inv;
        double dy = y * inv;
        return (h, dz => (dz * dx, dz * dy));
    }

    // ----- Piecewise: absolute value, extrema, clamping, sign transfer -----

    /// <summary>d |x| = sign(x) dx, with Abs′(0) = 0.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Abs))]
    public static (double Value, Func<double, double> Pullback) Abs(double x)
    {
        double s = x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
        return (Math.Abs(x), dy => dy * s);
    }

    /// <summary>The derivative flows to the larger input; on a tie (x == y) it is split evenly, as JAX.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Max))]
    public static (double Value, Func<double, (double, double)> Pullback) Max(double x, double y)
    {
        double w = x > y ? 1.0 : (x < y ? 0.0 : 0.5);
        return (Math.Max(x, y), dz => (dz * w, dz * (1 - w)));
    }

    /// <summary>The derivative flows to the smaller input; on a tie (x == y) it is split evenly, as JAX.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Min))]
    public static (double Value, Func<double, (double, double)> Pullback) Min(double x, double y)
    {
        double w = x < y ? 1.0 : (x > y ? 0.0 : 0.5);
        return (Math.Min(x, y), dz => (dz * w, dz * (1 - w)));
    }

    /// <summary>
    /// Clamp(value, min, max): the derivative flows to value when min &lt; value &lt; max, to min when value &lt; min,
    /// to max when value &gt; max. On a tie it is split evenly between value and the bound(s) it equals
    /// (½ each; ⅓ each when min == value == max).
    /// </summary>
    [DerivativeOf(typeof(Math), nameof(Math.Clamp))]
    public static (double Value, Func<double, (double, double, double)> Pullback) Clamp(double value, double min, double max)
    {
        double wValue;
        double wMin;
        double wMax;
        if (value < min)
        {
            wValue = 0.0; wMin = 1.0; wMax = 0.0;
        }
        else if (value > max)
        {
            wValue = 0.0; wMin = 0.0; wMax = 1.0;
        }
        else if (value == min && value == max)
        {
            wValue = 1.0 / 3; wMin = 1.0 / 3; wMax = 1.0 / 3;
        }
        else if (value == min)
        {
            wValue = 0.5; wMin = 0.5; wMax = 0.0;
        }
        else if (value == max)
        {
            wValue = 0.5; wMin = 0.0; wMax = 0.5;
        }
        else
        {
            wValue = 1.0; wMin = 0.0; wMax = 0.0;
        }
        return (Math.Clamp(value, min, max), dz => (dz * wValue, dz * wMin, dz * wMax));
    }

    /// <summary>
    /// CopySign(x, y) = |x| with y's sign: ∂/∂x = sign(x)·(±1 by y's sign bit), 0 at x = ±0 (as Abs′(0) = 0); ∂/∂y = 0.
    /// </summary>
    [DerivativeOf(typeof(Math), nameof(Math.CopySign))]
    public static (double Value, Func<double, (double, double)> Pullback) CopySign(double x, double y)
    {
        double d = (x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0)) * Math.CopySign(1.0, y);
        return (Math.CopySign(x, y), dz => (dz * d, 0.0));
    }

    /// <summary>FusedMultiplyAdd(x, y, z) = x·y + z: d = y dx + x dy + dz.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.FusedMultiplyAdd))]
    public static (double Value, Func<double, (double, double, double)> Pullback) FusedMultiplyAdd(double x, double y, double z)
    {
        return (Math.FusedMultiplyAdd(x, y, z), dw => (dw * y, dw * x, dw));
    }

    // ----- Rounding: piecewise constant, zero derivative everywhere (also at the jumps) -----

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Floor))]
    public static (double Value, Func<double, double> Pullback) Floor(double x) => (Math.Floor(x), dy => 0.0);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Ceiling))]
    public static (double Value, Func<double, double> Pullback) Ceiling(double x) => (Math.Ceiling(x), dy => 0.0);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Round))]
    public static (double Value, Func<double, double> Pullback) Round(double x) => (Math.Round(x), dy => 0.0);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Truncate))]
    public static (double Value, Func<double, double> Pullback) Truncate(double x) => (Math.Truncate(x), dy => 0.0);

    // ----- More rounding, remainders and steps -----

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Round))]
    public static (double Value, Func<double, double> Pullback) Round(double x, int digits) => (Math.Round(x, digits), dy => 0.0);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Round))]
    public static (double Value, Func<double, double> Pullback) Round(double x, MidpointRounding mode) => (Math.Round(x, mode), dy => 0.0);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Round))]
    public static (double Value, Func<double, double> Pullback) Round(double x, int digits, MidpointRounding mode) => (Math.Round(x, digits, mode), dy => 0.0);

    /// <summary>IEEERemainder(x, y) = x − y·n with n = x/y rounded to even: d = dx − n dy (n is piecewise constant).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.IEEERemainder))]
    public static (double Value, Func<double, (double, double)> Pullback) IEEERemainder(double x, double y)
    {
        double n = Math.Round(x / y);
        return (Math.IEEERemainder(x, y), dz => (dz, -dz * n));
    }

    /// <summary>ScaleB(x, n) = x·2ⁿ: d = 2ⁿ dx.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.ScaleB))]
    public static (double Value, Func<double, double> Pullback) ScaleB(double x, int n)
    {
        double d = Math.ScaleB(1.0, n);
        return (Math.ScaleB(x, n), dy => dy * d);
    }

    /// <summary>The next representable value: derivative 1.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.BitIncrement))]
    public static (double Value, Func<double, double> Pullback) BitIncrement(double x) => (Math.BitIncrement(x), dy => dy);

    /// <summary>The previous representable value: derivative 1.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.BitDecrement))]
    public static (double Value, Func<double, double> Pullback) BitDecrement(double x) => (Math.BitDecrement(x), dy => dy);

    /// <summary>An estimate of 1/x, differentiated as 1/x: d = −dx / x².</summary>
    [DerivativeOf(typeof(Math), nameof(Math.ReciprocalEstimate))]
    public static (double Value, Func<double, double> Pullback) ReciprocalEstimate(double x)
    {
        double d = -1 / (x * x);
        return (Math.ReciprocalEstimate(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>An estimate of 1/√x, differentiated as 1/√x: d = −dx / (2 x √x).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.ReciprocalSqrtEstimate))]
    public static (double Value, Func<double, double> Pullback) ReciprocalSqrtEstimate(double x)
    {
        double d = -0.5 / (x * Math.Sqrt(x));
        return (Math.ReciprocalSqrtEstimate(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>The argument of larger magnitude takes the derivative; equal arguments split it evenly (as Max).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.MaxMagnitude))]
    public static (double Value, Func<double, (double, double)> Pullback) MaxMagnitude(double x, double y)
    {
        double z = Math.MaxMagnitude(x, y);
        double wx = x == y ? 0.5 : (z == x ? 1.0 : 0.0);
        double wy = 1 - wx;
        return (z, dz => (dz * wx, dz * wy));
    }

    /// <summary>The argument of smaller magnitude takes the derivative; equal arguments split it evenly (as Min).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.MinMagnitude))]
    public static (double Value, Func<double, (double, double)> Pullback) MinMagnitude(double x, double y)
    {
        double z = Math.MinMagnitude(x, y);
        double wx = x == y ? 0.5 : (z == x ? 1.0 : 0.0);
        double wy = 1 - wx;
        return (z, dz => (dz * wx, dz * wy));
    }

    // ----- Generic-math functions of System.Double that System.Math does not have -----

    /// <summary>d 2ˣ = ln 2 · 2ˣ dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.Exp2))]
    public static (double Value, Func<double, double> Pullback) Exp2(double x)
    {
        double y = double.Exp2(x);
        double d = 0.69314718055994530942 * y;
        return (y, dy => dy * d);
    }

    /// <summary>d 10ˣ = ln 10 · 10ˣ dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.Exp10))]
    public static (double Value, Func<double, double> Pullback) Exp10(double x)
    {
        double y = double.Exp10(x);
        double d = 2.30258509299404568402 * y;
        return (y, dy => dy * d);
    }

    /// <summary>d (eˣ − 1) = eˣ dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.ExpM1))]
    public static (double Value, Func<double, double> Pullback) ExpM1(double x)
    {
        double d = Math.Exp(x);
        return (double.ExpM1(x), dy => dy * d);
    }

    /// <summary>d (2ˣ − 1) = ln 2 · 2ˣ dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.Exp2M1))]
    public static (double Value, Func<double, double> Pullback) Exp2M1(double x)
    {
        double d = 0.69314718055994530942 * double.Exp2(x);
        return (double.Exp2M1(x), dy => dy * d);
    }

    /// <summary>d (10ˣ − 1) = ln 10 · 10ˣ dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.Exp10M1))]
    public static (double Value, Func<double, double> Pullback) Exp10M1(double x)
    {
        double d = 2.30258509299404568402 * double.Exp10(x);
        return (double.Exp10M1(x), dy => dy * d);
    }

    /// <summary>d ln(1 + x) = dx / (1 + x).</summary>
    [DerivativeOf(typeof(double), nameof(double.LogP1))]
    public static (double Value, Func<double, double> Pullback) LogP1(double x)
    {
        double d = 1 / (1 + x);
        return (double.LogP1(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d log₂(1 + x) = dx / ((1 + x) ln 2).</summary>
    [DerivativeOf(typeof(double), nameof(double.Log2P1))]
    public static (double Value, Func<double, double> Pullback) Log2P1(double x)
    {
        double d = 1 / ((1 + x) * 0.69314718055994530942);
        return (double.Log2P1(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d log₁₀(1 + x) = dx / ((1 + x) ln 10).</summary>
    [DerivativeOf(typeof(double), nameof(double.Log10P1))]
    public static (double Value, Func<double, double> Pullback) Log10P1(double x)
    {
        double d = 1 / ((1 + x) * 2.30258509299404568402);
        return (double.Log10P1(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d sin(πx) = π cos(πx) dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.SinPi))]
    public static (double Value, Func<double, double> Pullback) SinPi(double x)
    {
        double d = Math.PI * double.CosPi(x);
        return (double.SinPi(x), dy => dy * d);
    }

    /// <summary>d cos(πx) = −π sin(πx) dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.CosPi))]
    public static (double Value, Func<double, double> Pullback) CosPi(double x)
    {
        double d = -Math.PI * double.SinPi(x);
        return (double.CosPi(x), dy => dy * d);
    }

    /// <summary>d tan(πx) = π (1 + tan²(πx)) dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.TanPi))]
    public static (double Value, Func<double, double> Pullback) TanPi(double x)
    {
        double y = double.TanPi(x);
        double d = Math.PI * (1 + y * y);
        return (y, dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d asin(x)/π = dx / (π √(1 − x²)).</summary>
    [DerivativeOf(typeof(double), nameof(double.AsinPi))]
    public static (double Value, Func<double, double> Pullback) AsinPi(double x)
    {
        double d = 1 / (Math.PI * Math.Sqrt((1 - x) * (1 + x)));
        return (double.AsinPi(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d acos(x)/π = −dx / (π √(1 − x²)).</summary>
    [DerivativeOf(typeof(double), nameof(double.AcosPi))]
    public static (double Value, Func<double, double> Pullback) AcosPi(double x)
    {
        double d = -1 / (Math.PI * Math.Sqrt((1 - x) * (1 + x)));
        return (double.AcosPi(x), dy => dy == 0 ? 0.0 : dy * d);
    }

    /// <summary>d atan(x)/π = dx / (π (1 + x²)).</summary>
    [DerivativeOf(typeof(double), nameof(double.AtanPi))]
    public static (double Value, Func<double, double> Pullback) AtanPi(double x)
    {
        double d = 1 / (Math.PI * (1 + x * x));
        return (double.AtanPi(x), dy => dy * d);
    }

    /// <summary>atan2(y, x)/π: ∂y = x / (π (x² + y²)), ∂x = −y / (π (x² + y²)).</summary>
    [DerivativeOf(typeof(double), nameof(double.Atan2Pi))]
    public static (double Value, Func<double, (double, double)> Pullback) Atan2Pi(double y, double x)
    {
        double r2 = Math.PI * (x * x + y * y);
        return (double.Atan2Pi(y, x), dz => (dz * x / r2, -dz * y / r2));
    }

    /// <summary>d x^(1/n) = x^(1/n) / (n x) dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.RootN))]
    public static (double Value, Func<double, double> Pullback) RootN(double x, int n)
    {
        double y = double.RootN(x, n);
        double d = y / (n * x);
        return (y, dz => dz == 0 ? 0.0 : dz * d);
    }

    /// <summary>d (x·π/180) = π/180 dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.DegreesToRadians))]
    public static (double Value, Func<double, double> Pullback) DegreesToRadians(double degrees) =>
        (double.DegreesToRadians(degrees), dy => dy * (Math.PI / 180));

    /// <summary>d (x·180/π) = 180/π dx.</summary>
    [DerivativeOf(typeof(double), nameof(double.RadiansToDegrees))]
    public static (double Value, Func<double, double> Pullback) RadiansToDegrees(double radians) =>
        (double.RadiansToDegrees(radians), dy => dy * (180 / Math.PI));

    /// <summary>Lerp(a, b, t) = a + (b − a)·t: ∂a = 1 − t, ∂b = t, ∂t = b − a.</summary>
    [DerivativeOf(typeof(double), nameof(double.Lerp))]
    public static (double Value, Func<double, (double, double, double)> Pullback) Lerp(double value1, double value2, double amount) =>
        (double.Lerp(value1, value2, amount), dz => (dz * (1 - amount), dz * amount, dz * (value2 - value1)));
}
