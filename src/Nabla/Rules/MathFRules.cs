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
        return (y, dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d asin(x) = dx / √(1 − x²); +∞ at x = ±1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Asin))]
    public static (float Value, Func<float, float> Pullback) Asin(float x)
    {
        float d = 1 / MathF.Sqrt((1 - x) * (1 + x));
        return (MathF.Asin(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d acos(x) = −dx / √(1 − x²); −∞ at x = ±1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Acos))]
    public static (float Value, Func<float, float> Pullback) Acos(float x)
    {
        float d = -1 / MathF.Sqrt((1 - x) * (1 + x));
        return (MathF.Acos(x), dy => dy == 0 ? 0.0f : dy * d);
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
        return (MathF.Acosh(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d atanh(x) = dx / (1 − x²); +∞ at x = ±1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Atanh))]
    public static (float Value, Func<float, float> Pullback) Atanh(float x)
    {
        float d = 1 / ((1 - x) * (1 + x));
        return (MathF.Atanh(x), dy => dy == 0 ? 0.0f : dy * d);
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
        return (MathF.Log(x), dy => dy == 0 ? 0.0f : dy * d);
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
        return (v, dz => (dz == 0 ? 0.0f : dz * da, dz == 0 ? 0.0f : dz * db));
    }

    /// <summary>d log2(x) = dx / (x ln 2).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Log2))]
    public static (float Value, Func<float, float> Pullback) Log2(float x)
    {
        float d = 1 / (x * 0.6931472f); // ln 2
        return (MathF.Log2(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d log10(x) = dx / (x ln 10).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Log10))]
    public static (float Value, Func<float, float> Pullback) Log10(float x)
    {
        float d = 1 / (x * 2.3025851f); // ln 10
        return (MathF.Log10(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d √x = dx / (2 √x); +∞ at x = 0, as IEEE division gives.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Sqrt))]
    public static (float Value, Func<float, float> Pullback) Sqrt(float x)
    {
        float y = MathF.Sqrt(x);
        float d = 0.5f / y;
        return (y, dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d ∛x = dx / (3 ∛x²); +∞ at x = 0.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Cbrt))]
    public static (float Value, Func<float, float> Pullback) Cbrt(float x)
    {
        float y = MathF.Cbrt(x);
        float d = 1 / (3 * y * y);
        return (y, dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>
    /// z = x^y. ∂z/∂x = y·x^(y−1), which is 0 at y = 0, and 0 at x = y = 0 (so Pow(0, 0) has derivative 0 in x, not
    /// 0·∞); written so that its own derivative in y at y = 0 is x^(−1) (second derivatives, as JAX's).
    /// ∂z/∂y = z·ln(x) for x &gt; 0, 0 at x = 0, NaN for x &lt; 0 (ln x is NaN there): JAX's <c>lax.pow</c> rule, except
    /// that JAX gives NaN at x = 0, y &lt; 0 (where z = +∞).
    /// </summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Pow))]
    public static (float Value, Func<float, (float, float)> Pullback) Pow(float x, float y)
    {
        float z = MathF.Pow(x, y);
        return (z, dz => (x == 0 && y == 0 || dz == 0 ? 0.0f : dz * y * MathF.Pow(x, y - 1),
                          x == 0 || dz == 0 ? 0.0f : dz * z * MathF.Log(x)));
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

    // ----- More rounding, remainders and steps -----

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Round))]
    public static (float Value, Func<float, float> Pullback) Round(float x, int digits) => (MathF.Round(x, digits), dy => 0.0f);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Round))]
    public static (float Value, Func<float, float> Pullback) Round(float x, MidpointRounding mode) => (MathF.Round(x, mode), dy => 0.0f);

    /// <summary>Zero derivative.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.Round))]
    public static (float Value, Func<float, float> Pullback) Round(float x, int digits, MidpointRounding mode) => (MathF.Round(x, digits, mode), dy => 0.0f);

    /// <summary>IEEERemainder(x, y) = x − y·n with n = x/y rounded to even: d = dx − n dy (n is piecewise constant).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.IEEERemainder))]
    public static (float Value, Func<float, (float, float)> Pullback) IEEERemainder(float x, float y)
    {
        float n = MathF.Round(x / y);
        return (MathF.IEEERemainder(x, y), dz => (dz, -dz * n));
    }

    /// <summary>ScaleB(x, n) = x·2ⁿ: d = 2ⁿ dx.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.ScaleB))]
    public static (float Value, Func<float, float> Pullback) ScaleB(float x, int n)
    {
        float d = MathF.ScaleB(1.0f, n);
        return (MathF.ScaleB(x, n), dy => dy * d);
    }

    /// <summary>The next representable value: derivative 1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.BitIncrement))]
    public static (float Value, Func<float, float> Pullback) BitIncrement(float x) => (MathF.BitIncrement(x), dy => dy);

    /// <summary>The previous representable value: derivative 1.</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.BitDecrement))]
    public static (float Value, Func<float, float> Pullback) BitDecrement(float x) => (MathF.BitDecrement(x), dy => dy);

    /// <summary>An estimate of 1/x, differentiated as 1/x: d = −dx / x².</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.ReciprocalEstimate))]
    public static (float Value, Func<float, float> Pullback) ReciprocalEstimate(float x)
    {
        float d = -1 / (x * x);
        return (MathF.ReciprocalEstimate(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>An estimate of 1/√x, differentiated as 1/√x: d = −dx / (2 x √x).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.ReciprocalSqrtEstimate))]
    public static (float Value, Func<float, float> Pullback) ReciprocalSqrtEstimate(float x)
    {
        float d = -0.5f / (x * MathF.Sqrt(x));
        return (MathF.ReciprocalSqrtEstimate(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>The argument of larger magnitude takes the derivative; equal arguments split it evenly (as Max).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.MaxMagnitude))]
    public static (float Value, Func<float, (float, float)> Pullback) MaxMagnitude(float x, float y)
    {
        float z = MathF.MaxMagnitude(x, y);
        float wx = x == y ? 0.5f : (z == x ? 1.0f : 0.0f);
        float wy = 1 - wx;
        return (z, dz => (dz * wx, dz * wy));
    }

    /// <summary>The argument of smaller magnitude takes the derivative; equal arguments split it evenly (as Min).</summary>
    [DerivativeOf(typeof(MathF), nameof(MathF.MinMagnitude))]
    public static (float Value, Func<float, (float, float)> Pullback) MinMagnitude(float x, float y)
    {
        float z = MathF.MinMagnitude(x, y);
        float wx = x == y ? 0.5f : (z == x ? 1.0f : 0.0f);
        float wy = 1 - wx;
        return (z, dz => (dz * wx, dz * wy));
    }

    // ----- Generic-math functions of System.Single that System.Math does not have -----

    /// <summary>d 2ˣ = ln 2 · 2ˣ dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.Exp2))]
    public static (float Value, Func<float, float> Pullback) Exp2(float x)
    {
        float y = float.Exp2(x);
        float d = 0.6931472f * y;
        return (y, dy => dy * d);
    }

    /// <summary>d 10ˣ = ln 10 · 10ˣ dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.Exp10))]
    public static (float Value, Func<float, float> Pullback) Exp10(float x)
    {
        float y = float.Exp10(x);
        float d = 2.3025851f * y;
        return (y, dy => dy * d);
    }

    /// <summary>d (eˣ − 1) = eˣ dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.ExpM1))]
    public static (float Value, Func<float, float> Pullback) ExpM1(float x)
    {
        float d = MathF.Exp(x);
        return (float.ExpM1(x), dy => dy * d);
    }

    /// <summary>d (2ˣ − 1) = ln 2 · 2ˣ dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.Exp2M1))]
    public static (float Value, Func<float, float> Pullback) Exp2M1(float x)
    {
        float d = 0.6931472f * float.Exp2(x);
        return (float.Exp2M1(x), dy => dy * d);
    }

    /// <summary>d (10ˣ − 1) = ln 10 · 10ˣ dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.Exp10M1))]
    public static (float Value, Func<float, float> Pullback) Exp10M1(float x)
    {
        float d = 2.3025851f * float.Exp10(x);
        return (float.Exp10M1(x), dy => dy * d);
    }

    /// <summary>d ln(1 + x) = dx / (1 + x).</summary>
    [DerivativeOf(typeof(float), nameof(float.LogP1))]
    public static (float Value, Func<float, float> Pullback) LogP1(float x)
    {
        float d = 1 / (1 + x);
        return (float.LogP1(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d log₂(1 + x) = dx / ((1 + x) ln 2).</summary>
    [DerivativeOf(typeof(float), nameof(float.Log2P1))]
    public static (float Value, Func<float, float> Pullback) Log2P1(float x)
    {
        float d = 1 / ((1 + x) * 0.6931472f);
        return (float.Log2P1(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d log₁₀(1 + x) = dx / ((1 + x) ln 10).</summary>
    [DerivativeOf(typeof(float), nameof(float.Log10P1))]
    public static (float Value, Func<float, float> Pullback) Log10P1(float x)
    {
        float d = 1 / ((1 + x) * 2.3025851f);
        return (float.Log10P1(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d sin(πx) = π cos(πx) dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.SinPi))]
    public static (float Value, Func<float, float> Pullback) SinPi(float x)
    {
        float d = MathF.PI * float.CosPi(x);
        return (float.SinPi(x), dy => dy * d);
    }

    /// <summary>d cos(πx) = −π sin(πx) dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.CosPi))]
    public static (float Value, Func<float, float> Pullback) CosPi(float x)
    {
        float d = -MathF.PI * float.SinPi(x);
        return (float.CosPi(x), dy => dy * d);
    }

    /// <summary>d tan(πx) = π (1 + tan²(πx)) dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.TanPi))]
    public static (float Value, Func<float, float> Pullback) TanPi(float x)
    {
        float y = float.TanPi(x);
        float d = MathF.PI * (1 + y * y);
        return (y, dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d asin(x)/π = dx / (π √(1 − x²)).</summary>
    [DerivativeOf(typeof(float), nameof(float.AsinPi))]
    public static (float Value, Func<float, float> Pullback) AsinPi(float x)
    {
        float d = 1 / (MathF.PI * MathF.Sqrt((1 - x) * (1 + x)));
        return (float.AsinPi(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d acos(x)/π = −dx / (π √(1 − x²)).</summary>
    [DerivativeOf(typeof(float), nameof(float.AcosPi))]
    public static (float Value, Func<float, float> Pullback) AcosPi(float x)
    {
        float d = -1 / (MathF.PI * MathF.Sqrt((1 - x) * (1 + x)));
        return (float.AcosPi(x), dy => dy == 0 ? 0.0f : dy * d);
    }

    /// <summary>d atan(x)/π = dx / (π (1 + x²)).</summary>
    [DerivativeOf(typeof(float), nameof(float.AtanPi))]
    public static (float Value, Func<float, float> Pullback) AtanPi(float x)
    {
        float d = 1 / (MathF.PI * (1 + x * x));
        return (float.AtanPi(x), dy => dy * d);
    }

    /// <summary>atan2(y, x)/π: ∂y = x / (π (x² + y²)), ∂x = −y / (π (x² + y²)).</summary>
    [DerivativeOf(typeof(float), nameof(float.Atan2Pi))]
    public static (float Value, Func<float, (float, float)> Pullback) Atan2Pi(float y, float x)
    {
        float r2 = MathF.PI * (x * x + y * y);
        return (float.Atan2Pi(y, x), dz => (dz * x / r2, -dz * y / r2));
    }

    /// <summary>d x^(1/n) = x^(1/n) / (n x) dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.RootN))]
    public static (float Value, Func<float, float> Pullback) RootN(float x, int n)
    {
        float y = float.RootN(x, n);
        float d = y / (n * x);
        return (y, dz => dz == 0 ? 0.0f : dz * d);
    }

    /// <summary>d (x·π/180) = π/180 dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.DegreesToRadians))]
    public static (float Value, Func<float, float> Pullback) DegreesToRadians(float degrees) =>
        (float.DegreesToRadians(degrees), dy => dy * (MathF.PI / 180));

    /// <summary>d (x·180/π) = 180/π dx.</summary>
    [DerivativeOf(typeof(float), nameof(float.RadiansToDegrees))]
    public static (float Value, Func<float, float> Pullback) RadiansToDegrees(float radians) =>
        (float.RadiansToDegrees(radians), dy => dy * (180 / MathF.PI));

    /// <summary>Lerp(a, b, t) = a + (b − a)·t: ∂a = 1 − t, ∂b = t, ∂t = b − a.</summary>
    [DerivativeOf(typeof(float), nameof(float.Lerp))]
    public static (float Value, Func<float, (float, float, float)> Pullback) Lerp(float value1, float value2, float amount) =>
        (float.Lerp(value1, value2, amount), dz => (dz * (1 - amount), dz * amount, dz * (value2 - value1)));
}
