// The ordinary functions the tour differentiates, and their named gradients written by the generator.
using System;
using Nabla;

namespace Nabla.Samples;

public static partial class Functions
{
    /// <summary>The seed's first example: x³.</summary>
    [Differentiable]
    public static double Cubed(double x) => x * x * x;

    /// <summary>p(x) = 3x⁴ − 2x³ + x² − 5x + 7, written out as a reader would.</summary>
    [Differentiable]
    public static double Polynomial(double x) => 3 * x * x * x * x - 2 * x * x * x + x * x - 5 * x + 7;

    /// <summary>The logistic function σ(x) = 1 / (1 + e^−x).</summary>
    [Differentiable]
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// The Huber loss with δ = 1: quadratic near zero, linear beyond, written with branches and an
    /// early return. Nabla differentiates the branch that runs.
    /// </summary>
    [Differentiable]
    public static double Huber(double x)
    {
        const double delta = 1.0;
        if (x >= -delta && x <= delta)
            return 0.5 * x * x;
        double magnitude = x;
        if (x < 0)
            magnitude = -x;
        return delta * (magnitude - 0.5 * delta);
    }

    /// <summary>Rosenbrock's banana function, the classic optimization test: (1 − x)² + 100 (y − x²)².</summary>
    [Differentiable]
    public static double Rosenbrock(double x, double y)
    {
        double a = 1 - x;
        double b = y - x * x;
        return a * a + 100 * b * b;
    }

    /// <summary>Range of a projectile launched at speed v (m/s) and angle θ (rad) on flat ground: v² sin 2θ / g.</summary>
    [Differentiable]
    public static double ProjectileRange(double v, double theta)
    {
        const double g = 9.81;
        return v * v * Math.Sin(2 * theta) / g;
    }

    /// <summary>A composition of Math rules: e^(sin x) · ln(1 + x²) + √x + atan(x / 2).</summary>
    [Differentiable]
    public static double MathMix(double x) => Math.Exp(Math.Sin(x)) * Math.Log(1 + x * x) + Math.Sqrt(x) + Math.Atan(x / 2);

    [GradientOf(nameof(Cubed))]
    public static partial double CubedGradient(double x);

    [GradientOf(nameof(Polynomial))]
    public static partial double PolynomialGradient(double x);

    [GradientOf(nameof(Sigmoid))]
    public static partial double SigmoidGradient(double x);

    [GradientOf(nameof(Huber))]
    public static partial double HuberGradient(double x);

    [GradientOf(nameof(Rosenbrock))]
    public static partial (double, double) RosenbrockGradient(double x, double y);

    [GradientOf(nameof(ProjectileRange))]
    public static partial (double, double) ProjectileRangeGradient(double v, double theta);

    [GradientOf(nameof(MathMix))]
    public static partial double MathMixGradient(double x);

    /// <summary>
    /// A point at radius r and angle θ, shifted by (1, 0), its squared distance from the origin: written with a vector
    /// struct's operators and a local helper, r² + 2r·cos θ + 1.
    /// </summary>
    [Differentiable]
    public static double ShiftedRadius(double r, double theta)
    {
        [Differentiable]
        static double Square(double t) => t * t;

        var p = r * new Planar(Math.Cos(theta), Math.Sin(theta));
        var q = p + new Planar(1, 0);
        return Square(q.X) + Square(q.Y);
    }

    [GradientOf(nameof(ShiftedRadius))]
    public static partial (double, double) ShiftedRadiusGradient(double r, double theta);

    /// <summary>Simpson's rule for ∫ f over [a, b] with n (even) panels: a method taking a function.</summary>
    [Differentiable]
    public static double Simpson([Differentiable] Func<double, double> f, double a, double b, int n)
    {
        double h = (b - a) / n;
        double s = f(a) + f(b);
        for (int i = 1; i < n; i++)
            s += (i % 2 == 1 ? 4 : 2) * f(a + i * h);
        return s * h / 3;
    }

    /// <summary>∫₀¹ k·t³ + sin k·t dt = k/4 + sin k / 2 (Simpson's rule is exact on cubics), differentiated by k through the lambda.</summary>
    [Differentiable]
    public static double CubicArea(double k) => Simpson(t => k * t * t * t + Math.Sin(k) * t, 0, 1, 8);

    [GradientOf(nameof(CubicArea))]
    public static partial double CubicAreaGradient(double k);

    /// <summary>
    /// A damped oscillator x″ = −k·x − c·x′ from x = 1 at rest, stepped with semi-implicit Euler; the squared distance of
    /// its trajectory to an observed one. Differentiated with respect to the parameters p = (k, c).
    /// </summary>
    [Differentiable]
    public static double OscillatorMisfit(double[] p, [NoDerivative] double[] observed, double dt)
    {
        double k = p[0], c = p[1];
        double x = 1, v = 0, misfit = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double a = -k * x - c * v;
            v += a * dt;
            x += v * dt;
            double d = x - observed[i];
            misfit += d * d;
        }
        return misfit;
    }

    /// <summary>The trajectory <see cref="OscillatorMisfit"/> compares with (the "observation").</summary>
    public static double[] Oscillate(double k, double c, int steps, double dt)
    {
        var trajectory = new double[steps];
        double x = 1, v = 0;
        for (int i = 0; i < steps; i++)
        {
            double a = -k * x - c * v;
            v += a * dt;
            x += v * dt;
            trajectory[i] = x;
        }
        return trajectory;
    }
}

/// <summary>A point in the plane with the operators a reader writes: differentiable like any other code.</summary>
[Differentiable]
public partial struct Planar
{
    public double X, Y;

    [Differentiable]
    public Planar(double x, double y) { X = x; Y = y; }

    [Differentiable]
    public static Planar operator +(Planar a, Planar b) => new(a.X + b.X, a.Y + b.Y);

    [Differentiable]
    public static Planar operator *(double s, Planar a) => new(s * a.X, s * a.Y);
}

/// <summary>A yield curve from a pricing library: a data object Nabla does not differentiate.</summary>
public sealed class FlatCurve
{
    public double Rate;
    public double Discount(double t) => Math.Exp(-Rate * t);
}

/// <summary>
/// A [DerivativeOf] rule for the curve's instance method (the receiver first): pricing code calling
/// curve.Discount(t) is differentiated through it.
/// </summary>
public static class CurveRules
{
    [DerivativeOf(typeof(FlatCurve), nameof(FlatCurve.Discount))]
    public static (double Value, Func<double, double> Pullback) Discount(FlatCurve curve, double t)
    {
        double v = curve.Discount(t);
        double slope = -curve.Rate * v;
        return (v, dy => dy * slope);
    }
}

public static partial class Functions
{
    /// <summary>A coupon bond's price: 5 a year for n years and 100 at maturity, discounted on the curve.</summary>
    [Differentiable]
    public static double BondPrice(FlatCurve curve, double maturity)
    {
        double price = 100 * curve.Discount(maturity);
        for (int year = 1; year <= (int)maturity; year++)
            price += 5 * curve.Discount(year);
        return price;
    }
}

/// <summary>A potential energy, implemented by classes; calls through it dispatch to the implementation.</summary>
public interface IPotential
{
    [Differentiable]
    double Energy(double x);
}

/// <summary>A quartic well, k x⁴.</summary>
public sealed partial class QuarticWell : IPotential
{
    public double Stiffness;

    [Differentiable]
    public double Energy(double x) => Stiffness * x * x * x * x;
}

