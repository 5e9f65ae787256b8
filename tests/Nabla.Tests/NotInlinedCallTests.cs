// Calls that are not inlined (methods of a plain class: their split derivatives are called): array results, arrays
// written by the callee, ref parameters and tuple results, alone and in a loop, each checked reverse against forward
// mode and against central differences. The differential tester's callees are small and always inlined; a zero
// gradient through a call returning an array went unseen until porting Swift's tests.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.NotInlined;

public partial class Stepper
{
    public double Rate = 0.3;

    [Differentiable]
    public double[] Step(double[] s, double h) => new[] { s[0] + h * Math.Sin(s[1]), s[1] * (1 - Rate * h) + s[0] * s[0] * h };

    [Differentiable]
    public void Accumulate(double[] into, double v) { into[0] += v * v; into[1] += Math.Exp(-v); }

    [Differentiable]
    public void Damp(ref double v, double h) { v *= Math.Exp(-Rate * h); }

    [Differentiable]
    public (double A, double B) Split(double x) => (x * x, Math.Cos(x));
}

public static partial class NotInlinedCode
{
    [Differentiable]
    public static double Simulate(Stepper stepper, double[] s0, double h)
    {
        var s = s0;
        for (int k = 0; k < 4; k++) s = stepper.Step(s, h);
        var acc = new double[2];
        stepper.Accumulate(acc, s[0]);
        double v = s[1];
        stepper.Damp(ref v, h);
        var (a, b) = stepper.Split(v);
        return acc[0] + acc[1] * a + b;
    }
}

public class NotInlinedCallTests
{
    private static readonly Stepper s_stepper = new();

    [Theory]
    [InlineData(0.4, -0.3, 0.1)]
    [InlineData(-1.1, 0.8, 0.25)]
    public void ReverseForwardAndFiniteDifferencesAgree(double a, double b, double h)
    {
        var stepper = s_stepper;
        double F(double[] s, double hh) => NotInlinedCode.Simulate(stepper, s, hh);
        var s0 = new[] { a, b };
        var (ds, dh) = Gradient((double[] s, double hh) => NotInlinedCode.Simulate(stepper, s, hh), s0, h);
        const double e = 1e-6;
        for (int i = 0; i < 2; i++)
        {
            var plus = (double[])s0.Clone(); plus[i] += e;
            var minus = (double[])s0.Clone(); minus[i] -= e;
            Assert.Equal((F(plus, h) - F(minus, h)) / (2 * e), ds[i], 6);
        }
        Assert.Equal((F(s0, h + e) - F(s0, h - e)) / (2 * e), dh, 6);
        // Forward mode along (1, 0, 0) and along h.
        var (_, along0) = Jvp((double[] s, double hh) => NotInlinedCode.Simulate(stepper, s, hh), s0, h, new[] { 1.0, 0.0 }, 0.0);
        var (_, alongH) = Jvp((double[] s, double hh) => NotInlinedCode.Simulate(stepper, s, hh), s0, h, new[] { 0.0, 0.0 }, 1.0);
        Assert.Equal(ds[0], along0, 10);
        Assert.Equal(dh, alongH, 10);
    }
}
