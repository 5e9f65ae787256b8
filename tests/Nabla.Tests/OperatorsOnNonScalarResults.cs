// The forward and pullback operators of API.md §3 (Derivative, Jvp, ValueWithDifferential, ValueWithPullback, Vjp) on
// functions whose result is not a scalar: a vector, a tuple, an array; one to three inputs; method groups, lambdas
// (capturing too) and delegate variables (the registry). Checked against closed-form Jacobians and by duality,
// ⟨ct, J·dx⟩ = ⟨Jᵀ·ct, dx⟩, which ties the forward operators to the reverse ones.
using System;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static partial class NonScalarResults
{
    /// <summary>A space curve: (t, t², sin t).</summary>
    [Differentiable]
    public static Vector3 Curve(float t) => new Vector3(t, t * t, MathF.Sin(t));

    /// <summary>Polar to Cartesian: (r cos θ, r sin θ).</summary>
    [Differentiable]
    public static (double X, double Y) Polar(double r, double theta) => (r * Math.Cos(theta), r * Math.Sin(theta));

    /// <summary>Spherical to Cartesian.</summary>
    [Differentiable]
    public static (double, double, double) Spherical(double r, double theta, double phi) =>
        (r * Math.Sin(theta) * Math.Cos(phi), r * Math.Sin(theta) * Math.Sin(phi), r * Math.Cos(theta));

    /// <summary>Powers of x: (x, x², x³).</summary>
    [Differentiable]
    public static double[] Powers(double x) => new[] { x, x * x, x * x * x };

    [Differentiable]
    public static Vector3 Cross(Vector3 a, Vector3 b) => Vector3.Cross(a, b);

    /// <summary>a + s·b, elementwise, squared: (aᵢ + s bᵢ)².</summary>
    [Differentiable]
    public static double[] AddScaledSquared(double[] a, double[] b, double s)
    {
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double v = a[i] + s * b[i];
            r[i] = v * v;
        }
        return r;
    }
}

public class OperatorsOnNonScalarResultsTests
{
    const double R = 1.7, Theta = 0.6, Phi = -1.1;

    static void Close(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    static void Close(Vector3 expected, Vector3 actual)
    {
        Close(expected.X, actual.X, 1e-6); Close(expected.Y, actual.Y, 1e-6); Close(expected.Z, actual.Z, 1e-6);
    }

    [Fact]
    public void DerivativeOfAVectorATupleAndAnArray()
    {
        Close(new Vector3(1, 2 * 1.5f, MathF.Cos(1.5f)), Derivative(NonScalarResults.Curve, 1.5f));
        var polar = Derivative(r => NonScalarResults.Polar(r, Theta), R);
        Close(Math.Cos(Theta), polar.X); Close(Math.Sin(Theta), polar.Y);
        var powers = Derivative(NonScalarResults.Powers, 1.3);
        Assert.Equal(3, powers.Length);
        Close(1, powers[0]); Close(2 * 1.3, powers[1]); Close(3 * 1.3 * 1.3, powers[2]);
        var planar = Derivative(t => new Vector2(t * t, MathF.Exp(t)), 0.5f);
        Close(1, planar.X, 1e-6); Close(MathF.Exp(0.5f), planar.Y, 1e-6);
    }

    [Fact]
    public void JvpAndPullbackOfATupleOfTwoInputs()
    {
        // J = [[cos θ, −r sin θ], [sin θ, r cos θ]]
        double c = Math.Cos(Theta), s = Math.Sin(Theta);
        var (value, tangent) = Jvp(NonScalarResults.Polar, R, Theta, 0.3, -2.0);
        Close(R * c, value.X); Close(R * s, value.Y);
        Close(c * 0.3 - R * s * -2.0, tangent.X); Close(s * 0.3 + R * c * -2.0, tangent.Y);

        var (v, differential) = ValueWithDifferential(NonScalarResults.Polar, R, Theta);
        Assert.Equal(value, v);
        Assert.Equal(tangent, differential(0.3, -2.0));

        var (pv, pullback) = ValueWithPullback(NonScalarResults.Polar, R, Theta);
        Assert.Equal(value, pv);
        var (dr, dtheta) = pullback((1.0, 0.0));
        Close(c, dr); Close(-R * s, dtheta);
        (dr, dtheta) = Vjp(NonScalarResults.Polar, R, Theta, (0.0, 1.0));
        Close(s, dr); Close(R * c, dtheta);
    }

    [Fact]
    public void ThreeInputsByDuality()
    {
        var (_, jv) = Jvp(NonScalarResults.Spherical, R, Theta, Phi, 0.2, -0.7, 1.3);
        var (dr, dt, dp) = Vjp(NonScalarResults.Spherical, R, Theta, Phi, (0.5, -1.5, 2.5));
        Close(0.5 * jv.Item1 - 1.5 * jv.Item2 + 2.5 * jv.Item3, 0.2 * dr - 0.7 * dt + 1.3 * dp);
        // ∂z/∂θ = −r sin θ: the third row's pullback.
        var (_, dTheta, dPhi) = Vjp(NonScalarResults.Spherical, R, Theta, Phi, (0.0, 0.0, 1.0));
        Close(-R * Math.Sin(Theta), dTheta); Close(0, dPhi);
    }

    [Fact]
    public void VectorsByDualityAndClosedForm()
    {
        var a = new Vector3(0.3f, -1.2f, 2.0f);
        var b = new Vector3(1.1f, 0.4f, -0.6f);
        var da = new Vector3(0.5f, 0.25f, -1f);
        var db = new Vector3(-0.75f, 2f, 0.1f);
        var ct = new Vector3(1.5f, -0.5f, 0.8f);
        // d(a × b) = da × b + a × db; the pullback of ct is (b × ct, ct × a).
        var (value, tangent) = Jvp(NonScalarResults.Cross, a, b, da, db);
        Close(Vector3.Cross(a, b), value);
        Close(Vector3.Cross(da, b) + Vector3.Cross(a, db), tangent);
        var (ga, gb) = Vjp(NonScalarResults.Cross, a, b, ct);
        Close(Vector3.Cross(b, ct), ga);
        Close(Vector3.Cross(ct, a), gb);
        Close(Vector3.Dot(ct, tangent), Vector3.Dot(ga, da) + Vector3.Dot(gb, db), 1e-5);
    }

    [Fact]
    public void ArraysOfSeveralInputsByDualityAndClosedForm()
    {
        double[] a = { 0.5, -1.0, 2.0 }, b = { 1.5, 0.25, -0.5 }, da = { 1, -2, 0.5 }, db = { 0.1, 0.2, 0.3 }, ct = { 2, -1, 0.5 };
        double s = 0.8, ds = -1.25;
        var (value, tangent) = Jvp(NonScalarResults.AddScaledSquared, a, b, s, da, db, ds);
        var (ga, gb, gs) = Vjp(NonScalarResults.AddScaledSquared, a, b, s, ct);
        double forward = 0, reverse = gs * ds, expectedGs = 0;
        for (int i = 0; i < 3; i++)
        {
            double v = a[i] + s * b[i];
            Close(v * v, value[i]);
            Close(2 * v * (da[i] + s * db[i] + ds * b[i]), tangent[i]);
            Close(2 * v * ct[i], ga[i]);
            Close(2 * v * s * ct[i], gb[i]);
            expectedGs += 2 * v * b[i] * ct[i];
            forward += ct[i] * tangent[i];
            reverse += ga[i] * da[i] + gb[i] * db[i];
        }
        Close(expectedGs, gs);
        Close(forward, reverse);
    }

    [Fact]
    public void LambdasCapturingDataWithTupleResults()
    {
        double k = 3;
        (double, double) Expected(double r) => (k * Math.Cos(Theta), Math.Sin(Theta));
        var d = Derivative(r => (k * r * Math.Cos(Theta), r * Math.Sin(Theta)), R);
        Close(Expected(R).Item1, d.Item1); Close(Expected(R).Item2, d.Item2);
        k = -2;   // read at each call
        d = Derivative(r => (k * r * Math.Cos(Theta), r * Math.Sin(Theta)), R);
        Close(-2 * Math.Cos(Theta), d.Item1);
        var (dr, dtheta) = Vjp((r, t) => (k * r * Math.Cos(t), r * Math.Sin(t)), R, Theta, (1.0, 1.0));
        Close(k * Math.Cos(Theta) + Math.Sin(Theta), dr);
        Close(-k * R * Math.Sin(Theta) + R * Math.Cos(Theta), dtheta);
    }

    [Fact]
    public void DelegateVariablesGoThroughTheRegistry()
    {
        Func<float, Vector3> curve = NonScalarResults.Curve;
        Close(new Vector3(1, 2 * 0.7f, MathF.Cos(0.7f)), Derivative(curve, 0.7f));
        Func<double, double, (double X, double Y)> polar = NonScalarResults.Polar;
        var (_, tangent) = Jvp(polar, R, Theta, 1.0, 0.0);
        Close(Math.Cos(Theta), tangent.X);
        var (dr, dtheta) = Vjp(polar, R, Theta, (0.0, 1.0));
        Close(Math.Sin(Theta), dr); Close(R * Math.Cos(Theta), dtheta);
        Func<double, double[]> powers = NonScalarResults.Powers;
        Close(3 * 4.0, Derivative(powers, 2.0)[2]);
    }
}
