// The one checker of the end-to-end suite: a differentiable function seen through every form the generator writes
// (F_Jvp, F_ValueWithGradient, F_Primal + F_Pullback, F_ValueWithPullback), checked three ways at a point:
// (1) against a closed-form derivative written by hand, (2) against central finite differences of the original
// method, (3) forward mode (F_Jvp along each unit direction and along a mixed direction) against reverse mode.
using System;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using Xunit.Sdk;

namespace Nabla.Tests;

public enum Precision { Double, Single }

/// <summary>
/// A differentiable function on the vector of its differentiation inputs, in every generated form. Data arguments
/// (int, bool, [NoDerivative], inputs outside Wrt) are fixed by the closures that build it.
/// </summary>
public sealed class Differentiated
{
    public required string Name { get; init; }
    public required int Arity { get; init; }
    public required Precision Precision { get; init; }
    /// <summary>The original method.</summary>
    public required Func<double[], double> Primal { get; init; }
    /// <summary>F_Jvp at x along dx.</summary>
    public required Func<double[], double[], (double Value, double Tangent)> Jvp { get; init; }
    /// <summary>F_ValueWithGradient.</summary>
    public required Func<double[], (double Value, double[] Gradient)> ValueWithGradient { get; init; }
    /// <summary>F_Primal, then F_Pullback on its residuals (callable several times).</summary>
    public required Func<double[], (double Value, Func<double, double[]> Pullback)> PrimalPullback { get; init; }
    /// <summary>F_ValueWithPullback.</summary>
    public required Func<double[], (double Value, Func<double, double[]> Pullback)> ValueWithPullback { get; init; }
}

// Shapes of the generated augmented primal and pullback (the residual type differs per function).
public delegate double Primal1<R>(double x, out R residuals);
public delegate double Primal2<R>(double x, double y, out R residuals);
public delegate double Primal3<R>(double x, double y, double z, out R residuals);
public delegate double Primal4<R>(double x, double y, double z, double w, out R residuals);
public delegate double Pullback1<R>(in R residuals, double dResult);
public delegate (double, double) Pullback2<R>(in R residuals, double dResult);
public delegate (double, double, double) Pullback3<R>(in R residuals, double dResult);
public delegate (double, double, double, double) Pullback4<R>(in R residuals, double dResult);
public delegate float PrimalF1<R>(float x, out R residuals);
public delegate float PrimalF2<R>(float x, float y, out R residuals);
public delegate float PrimalF3<R>(float x, float y, float z, out R residuals);
public delegate float PullbackF1<R>(in R residuals, float dResult);
public delegate (float, float) PullbackF2<R>(in R residuals, float dResult);
public delegate (float, float, float) PullbackF3<R>(in R residuals, float dResult);

/// <summary>Builds a <see cref="Differentiated"/> from the generated members of one function (method groups or lambdas).</summary>
public static class Fn
{
    public static Differentiated Of<R>(
        Func<double, double> f,
        Func<double, double, (double Value, double Tangent)> jvp,
        Func<double, (double Value, double Gradient)> valueWithGradient,
        Primal1<R> primal, Pullback1<R> pullback,
        Func<double, (double Value, Func<double, double> Pullback)> valueWithPullback,
        [CallerArgumentExpression(nameof(f))] string name = "") => new()
    {
        Name = name, Arity = 1, Precision = Precision.Double,
        Primal = x => f(x[0]),
        Jvp = (x, d) => jvp(x[0], d[0]),
        ValueWithGradient = x => { var (v, g) = valueWithGradient(x[0]); return (v, [g]); },
        PrimalPullback = x => { double v = primal(x[0], out R r); return (v, s => [pullback(in r, s)]); },
        ValueWithPullback = x => { var (v, pb) = valueWithPullback(x[0]); return (v, s => [pb(s)]); },
    };

    public static Differentiated Of<R>(
        Func<double, double, double> f,
        Func<double, double, double, double, (double Value, double Tangent)> jvp,
        Func<double, double, (double Value, (double, double) Gradient)> valueWithGradient,
        Primal2<R> primal, Pullback2<R> pullback,
        Func<double, double, (double Value, Func<double, (double, double)> Pullback)> valueWithPullback,
        [CallerArgumentExpression(nameof(f))] string name = "") => new()
    {
        Name = name, Arity = 2, Precision = Precision.Double,
        Primal = x => f(x[0], x[1]),
        Jvp = (x, d) => jvp(x[0], x[1], d[0], d[1]),
        ValueWithGradient = x => { var (v, g) = valueWithGradient(x[0], x[1]); return (v, [g.Item1, g.Item2]); },
        PrimalPullback = x =>
        {
            double v = primal(x[0], x[1], out R r);
            return (v, s => { var g = pullback(in r, s); return [g.Item1, g.Item2]; });
        },
        ValueWithPullback = x =>
        {
            var (v, pb) = valueWithPullback(x[0], x[1]);
            return (v, s => { var g = pb(s); return [g.Item1, g.Item2]; });
        },
    };

    public static Differentiated Of<R>(
        Func<double, double, double, double> f,
        Func<double, double, double, double, double, double, (double Value, double Tangent)> jvp,
        Func<double, double, double, (double Value, (double, double, double) Gradient)> valueWithGradient,
        Primal3<R> primal, Pullback3<R> pullback,
        Func<double, double, double, (double Value, Func<double, (double, double, double)> Pullback)> valueWithPullback,
        [CallerArgumentExpression(nameof(f))] string name = "") => new()
    {
        Name = name, Arity = 3, Precision = Precision.Double,
        Primal = x => f(x[0], x[1], x[2]),
        Jvp = (x, d) => jvp(x[0], x[1], x[2], d[0], d[1], d[2]),
        ValueWithGradient = x =>
        {
            var (v, g) = valueWithGradient(x[0], x[1], x[2]);
            return (v, [g.Item1, g.Item2, g.Item3]);
        },
        PrimalPullback = x =>
        {
            double v = primal(x[0], x[1], x[2], out R r);
            return (v, s => { var g = pullback(in r, s); return [g.Item1, g.Item2, g.Item3]; });
        },
        ValueWithPullback = x =>
        {
            var (v, pb) = valueWithPullback(x[0], x[1], x[2]);
            return (v, s => { var g = pb(s); return [g.Item1, g.Item2, g.Item3]; });
        },
    };

    public static Differentiated Of<R>(
        Func<double, double, double, double, double> f,
        Func<double, double, double, double, double, double, double, double, (double Value, double Tangent)> jvp,
        Func<double, double, double, double, (double Value, (double, double, double, double) Gradient)> valueWithGradient,
        Primal4<R> primal, Pullback4<R> pullback,
        Func<double, double, double, double, (double Value, Func<double, (double, double, double, double)> Pullback)> valueWithPullback,
        [CallerArgumentExpression(nameof(f))] string name = "") => new()
    {
        Name = name, Arity = 4, Precision = Precision.Double,
        Primal = x => f(x[0], x[1], x[2], x[3]),
        Jvp = (x, d) => jvp(x[0], x[1], x[2], x[3], d[0], d[1], d[2], d[3]),
        ValueWithGradient = x =>
        {
            var (v, g) = valueWithGradient(x[0], x[1], x[2], x[3]);
            return (v, [g.Item1, g.Item2, g.Item3, g.Item4]);
        },
        PrimalPullback = x =>
        {
            double v = primal(x[0], x[1], x[2], x[3], out R r);
            return (v, s => { var g = pullback(in r, s); return [g.Item1, g.Item2, g.Item3, g.Item4]; });
        },
        ValueWithPullback = x =>
        {
            var (v, pb) = valueWithPullback(x[0], x[1], x[2], x[3]);
            return (v, s => { var g = pb(s); return [g.Item1, g.Item2, g.Item3, g.Item4]; });
        },
    };

    // float functions: inputs are rounded to float (test points are chosen float-representable), results widened.

    public static Differentiated Of<R>(
        Func<float, float> f,
        Func<float, float, (float Value, float Tangent)> jvp,
        Func<float, (float Value, float Gradient)> valueWithGradient,
        PrimalF1<R> primal, PullbackF1<R> pullback,
        Func<float, (float Value, Func<float, float> Pullback)> valueWithPullback,
        [CallerArgumentExpression(nameof(f))] string name = "") => new()
    {
        Name = name, Arity = 1, Precision = Precision.Single,
        Primal = x => f((float)x[0]),
        Jvp = (x, d) => jvp((float)x[0], (float)d[0]),
        ValueWithGradient = x => { var (v, g) = valueWithGradient((float)x[0]); return (v, [g]); },
        PrimalPullback = x => { float v = primal((float)x[0], out R r); return (v, s => [pullback(in r, (float)s)]); },
        ValueWithPullback = x => { var (v, pb) = valueWithPullback((float)x[0]); return (v, s => [pb((float)s)]); },
    };

    public static Differentiated Of<R>(
        Func<float, float, float> f,
        Func<float, float, float, float, (float Value, float Tangent)> jvp,
        Func<float, float, (float Value, (float, float) Gradient)> valueWithGradient,
        PrimalF2<R> primal, PullbackF2<R> pullback,
        Func<float, float, (float Value, Func<float, (float, float)> Pullback)> valueWithPullback,
        [CallerArgumentExpression(nameof(f))] string name = "") => new()
    {
        Name = name, Arity = 2, Precision = Precision.Single,
        Primal = x => f((float)x[0], (float)x[1]),
        Jvp = (x, d) => jvp((float)x[0], (float)x[1], (float)d[0], (float)d[1]),
        ValueWithGradient = x => { var (v, g) = valueWithGradient((float)x[0], (float)x[1]); return (v, [g.Item1, g.Item2]); },
        PrimalPullback = x =>
        {
            float v = primal((float)x[0], (float)x[1], out R r);
            return (v, s => { var g = pullback(in r, (float)s); return [g.Item1, g.Item2]; });
        },
        ValueWithPullback = x =>
        {
            var (v, pb) = valueWithPullback((float)x[0], (float)x[1]);
            return (v, s => { var g = pb((float)s); return [g.Item1, g.Item2]; });
        },
    };

    public static Differentiated Of<R>(
        Func<float, float, float, float> f,
        Func<float, float, float, float, float, float, (float Value, float Tangent)> jvp,
        Func<float, float, float, (float Value, (float, float, float) Gradient)> valueWithGradient,
        PrimalF3<R> primal, PullbackF3<R> pullback,
        Func<float, float, float, (float Value, Func<float, (float, float, float)> Pullback)> valueWithPullback,
        [CallerArgumentExpression(nameof(f))] string name = "") => new()
    {
        Name = name, Arity = 3, Precision = Precision.Single,
        Primal = x => f((float)x[0], (float)x[1], (float)x[2]),
        Jvp = (x, d) => jvp((float)x[0], (float)x[1], (float)x[2], (float)d[0], (float)d[1], (float)d[2]),
        ValueWithGradient = x =>
        {
            var (v, g) = valueWithGradient((float)x[0], (float)x[1], (float)x[2]);
            return (v, [g.Item1, g.Item2, g.Item3]);
        },
        PrimalPullback = x =>
        {
            float v = primal((float)x[0], (float)x[1], (float)x[2], out R r);
            return (v, s => { var g = pullback(in r, (float)s); return [g.Item1, g.Item2, g.Item3]; });
        },
        ValueWithPullback = x =>
        {
            var (v, pb) = valueWithPullback((float)x[0], (float)x[1], (float)x[2]);
            return (v, s => { var g = pb((float)s); return [g.Item1, g.Item2, g.Item3]; });
        },
    };
}

/// <summary>The checks. Each throws an xunit assertion failure naming the function, the point, the form and the component.</summary>
public static class Check
{
    /// <summary>Tolerances of one precision; see the comments on <see cref="DoubleTol"/> and <see cref="SingleTol"/>.</summary>
    public sealed record Tolerances(
        double ClosedRel, double ClosedAbs,
        double FdStep, double FdRel, double FdRoundoffUlps, double Epsilon,
        double ModesRel, double ModesAbs);

    /// <summary>
    /// double. Closed form: a derivative computed by the chain rule and one written by hand differ only by rounding
    /// of a few dozen operations, far below 1e-8 relative; 1e-12 absolute covers exact zeros and sums whose terms
    /// cancel (the rounding of terms of size ~1e3 is ~1e-13). Finite differences: central, step
    /// h = 1e-6·max(1, |xᵢ|); the truncation error h²·f‴/6 is ~1e-12, so 1e-6·max(1, |g|) is a wide but honest
    /// bound, plus the rounding of f itself (up to 16 ulps of |f|, divided by 2h). Forward vs reverse: the same
    /// products summed in another order; 1e-10 relative, 1e-13 absolute.
    /// </summary>
    public static readonly Tolerances DoubleTol = new(
        ClosedRel: 1e-8, ClosedAbs: 1e-12,
        FdStep: 1e-6, FdRel: 1e-6, FdRoundoffUlps: 16, Epsilon: 2.220446049250313e-16,
        ModesRel: 1e-10, ModesAbs: 1e-13);

    /// <summary>
    /// float (machine epsilon 1.2e-7, half an ulp 6e-8). The function, its rules and its derivative are all evaluated
    /// in float, each operation rounding by up to half an ulp, so a derivative through ~10 operations carries a
    /// relative error of some tens of ulps (more where terms cancel): 2e-5 relative (~170 ulps) against a closed form
    /// computed in double, 1e-6 absolute. Finite differences in float need a larger step, h = 1e-3·max(1, |xᵢ|)
    /// (rounded to float, dividing by the step actually taken, as GradCheck does): truncation h²·f‴/6 ~ 2e-7,
    /// rounding of f up to 16 ulps of |f| divided by 2h (~5e-4·|f|), so 1e-3·max(1, |g|) plus that rounding term.
    /// Forward vs reverse in float: 1e-5 relative, 1e-6 absolute.
    /// </summary>
    public static readonly Tolerances SingleTol = new(
        ClosedRel: 2e-5, ClosedAbs: 1e-6,
        FdStep: 1e-3, FdRel: 1e-3, FdRoundoffUlps: 16, Epsilon: 1.1920929e-7,
        ModesRel: 1e-5, ModesAbs: 1e-6);

    /// <summary>A seed of the pullback other than 1: the cotangent must scale linearly.</summary>
    private const double Seed = -2.5;

    /// <summary>A direction with every component non-zero, different in each: JVP along it must be ∇f·v.</summary>
    private static readonly double[] Direction = [0.75, -1.25, 0.5, 2.0];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Gradient(Differentiated fn, double x, double expected, double? value = null, bool finiteDifferences = true)
        => Gradient(fn, [x], [expected], value, finiteDifferences);

    /// <summary>
    /// Every check at <paramref name="x"/>: the value of every form equals the original's (bit for bit: the
    /// generated primal performs the same IEEE operations); every form's derivative equals the closed form
    /// <paramref name="expected"/>; the reverse-mode gradient equals central finite differences (unless
    /// <paramref name="finiteDifferences"/> is false, at a kink where they are meaningless); forward mode equals
    /// reverse mode in each unit direction and along a mixed direction; the pullback is linear in its seed and can be
    /// called twice on the same residuals.
    /// </summary>
    public static void Gradient(Differentiated fn, double[] x, double[] expected, double? value = null, bool finiteDifferences = true)
    {
        int n = fn.Arity;
        if (x.Length != n || expected.Length != n)
            throw new ArgumentException($"{fn.Name}: arity {n}, got {x.Length} inputs and {expected.Length} expected components.");
        Tolerances tol = fn.Precision == Precision.Double ? DoubleTol : SingleTol;
        string at = string.Create(Inv, $"{fn.Name} at ({string.Join(", ", x.Select(v => v.ToString("R", Inv)))})");

        double f0 = fn.Primal(x);
        if (value is double v0)
            Near(f0, v0, tol.ClosedRel, tol.ClosedAbs, at, "value of the original vs closed form", -1);

        // Every generated form.
        var (vg, g) = fn.ValueWithGradient(x);
        SameValue(f0, vg, at, "ValueWithGradient");
        Length(g, n, at, "ValueWithGradient");

        var (vp, pullback) = fn.PrimalPullback(x);
        SameValue(f0, vp, at, "Primal");
        double[] gPullback = pullback(1.0);
        double[] gPullbackAgain = pullback(1.0);
        double[] gSeeded = pullback(Seed);
        Length(gPullback, n, at, "Pullback");

        var (vw, pullback2) = fn.ValueWithPullback(x);
        SameValue(f0, vw, at, "ValueWithPullback");
        double[] gValueWithPullback = pullback2(1.0);
        Length(gValueWithPullback, n, at, "ValueWithPullback");

        double[] forward = new double[n];
        for (int i = 0; i < n; i++)
        {
            double[] e = new double[n];
            e[i] = 1;
            var (vj, t) = fn.Jvp(x, e);
            SameValue(f0, vj, at, $"Jvp along e{i}");
            forward[i] = t;
        }

        // (1) Closed form, for every form.
        for (int i = 0; i < n; i++)
        {
            Near(g[i], expected[i], tol.ClosedRel, tol.ClosedAbs, at, "ValueWithGradient vs closed form", i);
            Near(gPullback[i], expected[i], tol.ClosedRel, tol.ClosedAbs, at, "Primal+Pullback vs closed form", i);
            Near(gValueWithPullback[i], expected[i], tol.ClosedRel, tol.ClosedAbs, at, "ValueWithPullback vs closed form", i);
            Near(forward[i], expected[i], tol.ClosedRel, tol.ClosedAbs, at, "Jvp vs closed form", i);
        }

        // (2) Central finite differences of the original method, against reverse mode (and so, by (3), forward mode).
        if (finiteDifferences)
        {
            for (int i = 0; i < n; i++)
            {
                double[] p = (double[])x.Clone();
                double h = tol.FdStep * Math.Max(1.0, Math.Abs(x[i]));
                double plus = x[i] + h, minus = x[i] - h;
                if (fn.Precision == Precision.Single)
                {
                    plus = (float)plus;
                    minus = (float)minus;
                }
                p[i] = plus;
                double fPlus = fn.Primal(p);
                p[i] = minus;
                double fMinus = fn.Primal(p);
                double numeric = (fPlus - fMinus) / (plus - minus);
                double roundoff = tol.FdRoundoffUlps * tol.Epsilon * Math.Max(Math.Abs(fPlus), Math.Abs(fMinus)) / (plus - minus);
                double bound = tol.FdRel * Math.Max(1.0, Math.Abs(numeric)) + roundoff;
                if (!(Math.Abs(g[i] - numeric) <= bound))
                    Fail(at, "ValueWithGradient vs central difference", i, g[i], numeric, bound);
            }
        }

        // (3) Forward vs reverse: unit directions, a mixed direction, the pullback's linearity and purity.
        for (int i = 0; i < n; i++)
        {
            Near(forward[i], g[i], tol.ModesRel, tol.ModesAbs, at, "Jvp (forward) vs ValueWithGradient (reverse)", i);
            Near(gPullback[i], g[i], tol.ModesRel, tol.ModesAbs, at, "Primal+Pullback vs ValueWithGradient", i);
            Near(gValueWithPullback[i], g[i], tol.ModesRel, tol.ModesAbs, at, "ValueWithPullback vs ValueWithGradient", i);
            if (BitConverter.DoubleToInt64Bits(gPullbackAgain[i]) != BitConverter.DoubleToInt64Bits(gPullback[i]))
                Fail(at, "Pullback called twice on the same residuals", i, gPullbackAgain[i], gPullback[i], 0);
            Near(gSeeded[i], Seed * g[i], tol.ModesRel, tol.ModesAbs, at, $"Pullback({Seed}) vs {Seed}·gradient", i);
        }
        double[] dir = Direction.Take(n).ToArray();
        double dot = 0, scale = 0;
        for (int i = 0; i < n; i++)
        {
            dot += g[i] * dir[i];
            scale += Math.Abs(g[i] * dir[i]);
        }
        var (vd, along) = fn.Jvp(x, dir);
        SameValue(f0, vd, at, "Jvp along a mixed direction");
        double mixedBound = tol.ModesAbs + tol.ModesRel * scale;
        if (!(along == dot || Math.Abs(along - dot) <= mixedBound))
            Fail(at, $"Jvp along ({string.Join(", ", dir)}) vs gradient·direction", -1, along, dot, mixedBound);
    }

    /// <summary>The central difference of <paramref name="f"/> in component <paramref name="i"/> at <paramref name="x"/>, with the double step and bound of <see cref="DoubleTol"/>.</summary>
    public static void FiniteDifference(Func<double[], double> f, double[] x, int i, double actual, string at)
    {
        double[] p = (double[])x.Clone();
        double h = DoubleTol.FdStep * Math.Max(1.0, Math.Abs(x[i]));
        p[i] = x[i] + h;
        double fPlus = f(p);
        p[i] = x[i] - h;
        double fMinus = f(p);
        double step = (x[i] + h) - (x[i] - h);
        double numeric = (fPlus - fMinus) / step;
        double bound = DoubleTol.FdRel * Math.Max(1.0, Math.Abs(numeric))
            + DoubleTol.FdRoundoffUlps * DoubleTol.Epsilon * Math.Max(Math.Abs(fPlus), Math.Abs(fMinus)) / step;
        if (!(Math.Abs(actual - numeric) <= bound))
            Fail(at, "central difference", i, actual, numeric, bound);
    }

    /// <summary>Forward vs reverse with the double tolerance of <see cref="DoubleTol"/>.</summary>
    public static void Modes(double forward, double reverse, string at)
        => Near(forward, reverse, DoubleTol.ModesRel, DoubleTol.ModesAbs, at, "forward vs reverse", -1);

    /// <summary>|actual − expected| ≤ abs + rel·|expected|; NaN never passes, equal infinities do.</summary>
    public static void Near(double actual, double expected, double rel, double abs, string at, string what, int component)
    {
        if (actual == expected)
            return;
        double bound = abs + rel * Math.Abs(expected);
        if (!(Math.Abs(actual - expected) <= bound))
            Fail(at, what, component, actual, expected, bound);
    }

    /// <summary>Asserts <paramref name="actual"/> within 1e-8 relative (1e-12 absolute) of <paramref name="expected"/>.</summary>
    public static void Close(double expected, double actual, string what = "")
        => Near(actual, expected, DoubleTol.ClosedRel, DoubleTol.ClosedAbs, what, "closed form", -1);

    /// <summary>As <see cref="Close(double, double, string)"/> with float tolerances.</summary>
    public static void CloseF(double expected, double actual, string what = "")
        => Near(actual, expected, SingleTol.ClosedRel, SingleTol.ClosedAbs, what, "closed form", -1);

    private static void SameValue(double original, double actual, string at, string form)
    {
        if (BitConverter.DoubleToInt64Bits(original) != BitConverter.DoubleToInt64Bits(actual) && !(double.IsNaN(original) && double.IsNaN(actual)))
            throw new XunitException(string.Create(Inv,
                $"{at}: the value returned by {form} is {actual:R}, the original method returns {original:R}."));
    }

    private static void Length(double[] g, int n, string at, string form)
    {
        if (g.Length != n)
            throw new XunitException($"{at}: {form} returned {g.Length} components, expected {n}.");
    }

    private static void Fail(string at, string what, int component, double actual, double expected, double bound) =>
        throw new XunitException(string.Create(Inv,
            $"{at}: {what}{(component >= 0 ? $", component {component}" : "")}: got {actual:R}, expected {expected:R} (|difference| {Math.Abs(actual - expected):R} > tolerance {bound:R})."));
}
