// Reverse-mode derivative rules for System.MathF, the float overloads of System.Math, and float.Hypot (closure form, API.md §5).
using System;

namespace Nabla.Rules;

/// <summary>
/// Nabla's derivative rules for <see cref="MathF"/>, for the <see cref="float"/> overloads of <see cref="Math"/>
/// (<c>Abs</c>, <c>Max</c>, <c>Min</c>, <c>Clamp</c>) and for <see cref="float.Hypot(float, float)"/>: the float
/// versions of <see cref="MathRules"/>, with the same conventions. Each rule returns the primal value and a pullback that maps the
/// output cotangent to the input cotangents (a tuple, in parameter order, for several inputs).
/// </summary>
/// <remarks>
/// The conventions at kinks and domain boundaries are listed in docs/semantics.md. Rule bodies are lowered by the
/// generator into its IR, so they use only arithmetic, locals, <c>?:</c>, <c>if</c>/<c>else</c> and calls to
/// <see cref="MathF"/> and <see cref="Math"/>; the pullback captures the cheapest residuals (usually the local derivative itself).
/// </remarks>
public static class MathFRules
{
    // ----- Trigonometric -----

    /// <summary>d sin(x) = cos(x) dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Sin))]
    public static (float Value, Func<float, float> Pullback) Sin(float x)
    {
        float d = MathF.Cos(x);
        return (MathF.Sin(x), dy => dy * d);
    }

    /// <summary>d cos(x) = −sin(x) dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Cos))]
    public static (float Value, Func<float, float> Pullback) Cos(float x)
    {
        float d = -MathF.Sin(x);
        return (MathF.Cos(x), dy => dy * d);
    }

    /// <summary>d tan(x) = (1 + tan²(x)) dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Tan))]
    public static (float Value, Func<float, float> Pullback) Tan(float x)
    {
        float y = MathF.Tan(x);
        float d = 1 + y * y;
        return (y, dy => dy * d);
    }

    /// <summary>d asin(x) = dx / √(1 − x²); +∞ at x = ±1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Asin))]
    public static (float Value, Func<float, float> Pullback) Asin(float x)
    {
        float d = 1 / MathF.Sqrt((1 - x) * (1 + x));
        return (MathF.Asin(x), dy => dy * d);
    }

    /// <summary>d acos(x) = −dx / √(1 − x²); −∞ at x = ±1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Acos))]
    public static (float Value, Func<float, float> Pullback) Acos(float x)
    {
        float d = -1 / MathF.Sqrt((1 - x) * (1 + x));
        return (MathF.Acos(x), dy => dy * d);
    }

    /// <summary>d atan(x) = dx / (1 + x²).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Atan))]
    public static (float Value, Func<float, float> Pullback) Atan(float x)
    {
        float d = 1 / (1 + x * x);
        return (MathF.Atan(x), dy => dy * d);
    }

    /// <summary>d atan2(y, x) = (x dy − y dx) / (x² + y²); NaN at the origin.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Atan2))]
    public static (float Value, Func<float, (float, float)> Pullback) Atan2(float y, float x)
    {
        float r2 = x * x + y * y;
        return (MathF.Atan2(y, x), dz => (dz * x / r2, -dz * y / r2));
    }

    // ----- Hyperbolic -----

    /// <summary>d sinh(x) = cosh(x) dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Sinh))]
    public static (float Value, Func<float, float> Pullback) Sinh(float x)
    {
        float d = MathF.Cosh(x);
        return (MathF.Sinh(x), dy => dy * d);
    }

    /// <summary>d cosh(x) = sinh(x) dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Cosh))]
    public static (float Value, Func<float, float> Pullback) Cosh(float x)
    {
        float d = MathF.Sinh(x);
        return (MathF.Cosh(x), dy => dy * d);
    }

    /// <summary>d tanh(x) = (1 − tanh²(x)) dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Tanh))]
    public static (float Value, Func<float, float> Pullback) Tanh(float x)
    {
        float y = MathF.Tanh(x);
        return (y, dy => dy * (1 - y * y));
    }

    /// <summary>d asinh(x) = dx / √(x² + 1).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Asinh))]
    public static (float Value, Func<float, float> Pullback) Asinh(float x)
    {
        float d = 1 / MathF.Sqrt(x * x + 1);
        return (MathF.Asinh(x), dy => dy * d);
    }

    /// <summary>d acosh(x) = dx / √(x² − 1) for x ≥ 1; +∞ at x = 1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Acosh))]
    public static (float Value, Func<float, float> Pullback) Acosh(float x)
    {
        float d = 1 / MathF.Sqrt((x - 1) * (x + 1));
        return (MathF.Acosh(x), dy => dy * d);
    }

    /// <summary>d atanh(x) = dx / (1 − x²); +∞ at x = ±1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Atanh))]
    public static (float Value, Func<float, float> Pullback) Atanh(float x)
    {
        float d = 1 / ((1 - x) * (1 + x));
        return (MathF.Atanh(x), dy => dy * d);
    }

    // ----- Exponential, logarithms, powers, roots -----

    /// <summary>d exp(x) = exp(x) dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Exp))]
    public static (float Value, Func<float, float> Pullback) Exp(float x)
    {
        float y = MathF.Exp(x);
        return (y, dy => dy * y);
    }

    /// <summary>d ln(x) = dx / x; +∞ at x = 0.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Log))]
    public static (float Value, Func<float, float> Pullback) Log(float x)
    {
        float d = 1 / x;
        return (MathF.Log(x), dy => dy * d);
    }

    /// <summary>
    /// log_b(a) = ln(a) / ln(b): d = da / (a ln b) − log_b(a) db / (b ln b). Both inputs are differentiable.
    /// </summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Log))]
    public static (float Value, Func<float, (float, float)> Pullback) Log(float a, float newBase)
    {
        float v = MathF.Log(a, newBase);
        float lnB = MathF.Log(newBase);
        float da = 1 / (a * lnB);
        float db = -v / (newBase * lnB);
        return (v, dz => (dz * da, dz * db));
    }

    /// <summary>d log2(x) = dx / (x ln 2).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Log2))]
    public static (float Value, Func<float, float> Pullback) Log2(float x)
    {
        float d = 1 / (x * 0.6931472f); // ln 2
        return (MathF.Log2(x), dy => dy * d);
    }

    /// <summary>d log10(x) = dx / (x ln 10).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Log10))]
    public static (float Value, Func<float, float> Pullback) Log10(float x)
    {
        float d = 1 / (x * 2.3025851f); // ln 10
        return (MathF.Log10(x), dy => dy * d);
    }

    /// <summary>d √x = dx / (2 √x); +∞ at x = 0, as IEEE division gives.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Sqrt))]
    public static (float Value, Func<float, float> Pullback) Sqrt(float x)
    {
        float y = MathF.Sqrt(x);
        float d = 0.5f / y;
        return (y, dy => dy * d);
    }

    /// <summary>d ∛x = dx / (3 ∛x²); +∞ at x = 0.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Cbrt))]
    public static (float Value, Func<float, float> Pullback) Cbrt(float x)
    {
        float y = MathF.Cbrt(x);
        float d = 1 / (3 * y * y);
        return (y, dy => dy * d);
    }

    /// <summary>
    /// z = x^y. ∂z/∂x = y·x^(y−1), and 0 when y = 0 (so Pow(0, 0) has derivative 0 in x).
    /// ∂z/∂y = z·ln(x) for x &gt; 0, 0 at x = 0, NaN for x &lt; 0 (ln x is NaN there): JAX's <c>lax.pow</c> rule, except
    /// that JAX gives NaN at x = 0, y &lt; 0 (where z = +∞).
    /// </summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Pow))]
    public static (float Value, Func<float, (float, float)> Pullback) Pow(float x, float y)
    {
        float z = MathF.Pow(x, y);
        return (z, dz => (y == 0 ? 0.0f : dz * y * MathF.Pow(x, y - 1),
                          x == 0 ? 0.0f : dz * z * MathF.Log(x)));
    }

    /// <summary>hypot(x, y) = √(x² + y²): d = (x dx + y dy) / hypot(x, y); 0 at the origin (as Abs′(0) = 0).</summary>
    [DerivativeOf(typeof(float), nameof(float.Hypot))]
    public static (float Value, Func<float, (float, float)> Pullback) Hypot(float x, float y)
    {
        float h = float.Hypot(x, y);
        float inv = h == 0 ? 0.0f : 1 / h;
        float dx = x * inv;
        float dy = y * inv;
        return (h, dz => (dz * dx, dz * dy));
    }

    // ----- Piecewise: absolute value, extrema, clamping, sign transfer -----

    /// <summary>d |x| = sign(x) dx, with Abs′(0) = 0.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Abs))]
    public static (float Value, Func<float, float> Pullback) Abs(float x)
    {
        float s = x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
        return (MathF.Abs(x), dy => dy * s);
    }

    /// <summary>The derivative flows to the larger input; on a tie (x == y) it is split evenly, as JAX.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Max))]
    public static (float Value, Func<float, (float, float)> Pullback) Max(float x, float y)
    {
        float w = x > y ? 1.0f : (x < y ? 0.0f : 0.5f);
        return (MathF.Max(x, y), dz => (dz * w, dz * (1 - w)));
    }

    /// <summary>The derivative flows to the smaller input; on a tie (x == y) it is split evenly, as JAX.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Min))]
    public static (float Value, Func<float, (float, float)> Pullback) Min(float x, float y)
    {
        float w = x < y ? 1.0f : (x > y ? 0.0f : 0.5f);
        return (MathF.Min(x, y), dz => (dz * w, dz * (1 - w)));
    }

    // System.Math's float overloads of Abs, Max and Min: the same rules as MathF's (names differ only to
    // keep C# overloads apart).

    /// <summary>d |x| = sign(x) dx, with Abs′(0) = 0 (<see cref="Math.Abs(float)"/>).</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Abs))]
    public static (float Value, Func<float, float> Pullback) MathAbs(float x)
    {
        float s = x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f);
        return (Math.Abs(x), dy => dy * s);
    }

    /// <summary>As <see cref="Max(float, float)"/>, for <see cref="Math.Max(float, float)"/>.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Max))]
    public static (float Value, Func<float, (float, float)> Pullback) MathMax(float x, float y)
    {
        float w = x > y ? 1.0f : (x < y ? 0.0f : 0.5f);
        return (Math.Max(x, y), dz => (dz * w, dz * (1 - w)));
    }

    /// <summary>As <see cref="Min(float, float)"/>, for <see cref="Math.Min(float, float)"/>.</summary>
    [DerivativeOf(typeof(Math), nameof(Math.Min))]
    public static (float Value, Func<float, (float, float)> Pullback) MathMin(float x, float y)
    {
        float w = x < y ? 1.0f : (x > y ? 0.0f : 0.5f);
        return (Math.Min(x, y), dz => (dz * w, dz * (1 - w)));
    }

    /// <summary>
    /// Clamp(value, min, max): the derivative flows to value when min &lt; value &lt; max, to min when value &lt; min,
    /// to max when value &gt; max. On a tie it is split evenly between value and the bound(s) it equals
    /// (½ each; ⅓ each when min == value == max).
    /// </summary>
    /// <remarks>MathF has no Clamp: this is the rule for <see cref="Math.Clamp(float, float, float)"/>.</remarks>
    [DerivativeOf(typeof(Math), nameof(Math.Clamp))]
    public static (float Value, Func<float, (float, float, float)> Pullback) Clamp(float value, float min, float max)
    {
        float wValue;
        float wMin;
        float wMax;
        if (value < min)
        {
            wValue = 0.0f; wMin = 1.0f; wMax = 0.0f;
        }
        else if (value > max)
        {
            wValue = 0.0f; wMin = 0.0f; wMax = 1.0f;
        }
        else if (value == min && value == max)
        {
            wValue = 1f / 3; wMin = 1f / 3; wMax = 1f / 3;
        }
        else if (value == min)
        {
            wValue = 0.5f; wMin = 0.5f; wMax = 0.0f;
        }
        else if (value == max)
        {
            wValue = 0.5f; wMin = 0.0f; wMax = 0.5f;
        }
        else
        {
            wValue = 1.0f; wMin = 0.0f; wMax = 0.0f;
        }
        return (Math.Clamp(value, min, max), dz => (dz * wValue, dz * wMin, dz * wMax));
    }

    /// <summary>
    /// CopySign(x, y) = |x| with y's sign: ∂/∂x = sign(x)·(±1 by y's sign bit), 0 at x = ±0 (as Abs′(0) = 0); ∂/∂y = 0.
    /// </summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.CopySign))]
    public static (float Value, Func<float, (float, float)> Pullback) CopySign(float x, float y)
    {
        float d = (x > 0 ? 1.0f : (x < 0 ? -1.0f : 0.0f)) * MathF.CopySign(1.0f, y);
        return (MathF.CopySign(x, y), dz => (dz * d, 0.0f));
    }

    /// <summary>FusedMultiplyAdd(x, y, z) = x·y + z: d = y dx + x dy + dz.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.FusedMultiplyAdd))]
    public static (float Value, Func<float, (float, float, float)> Pullback) FusedMultiplyAdd(float x, float y, float z)
    {
        return (MathF.FusedMultiplyAdd(x, y, z), dw => (dw * y, dw * x, dw));
    }

    // ----- Rounding: piecewise constant, zero derivative everywhere (also at the jumps) -----

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Floor))]
    public static (float Value, Func<float, float> Pullback) Floor(float x) => (MathF.Floor(x), dy => 0.0f);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Ceiling))]
    public static (float Value, Func<float, float> Pullback) Ceiling(float x) => (MathF.Ceiling(x), dy => 0.0f);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Round))]
    public static (float Value, Func<float, float> Pullback) Round(float x) => (MathF.Round(x), dy => 0.0f);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Truncate))]
    public static (float Value, Func<float, float> Pullback) Truncate(float x) => (MathF.Truncate(x), dy => 0.0f);
}
