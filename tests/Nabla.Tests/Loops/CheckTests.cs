// The checker itself can fail: each comparison it makes rejects a derivative that is wrong in just that place.
using System;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace Nabla.Tests.Loops;

public class CheckTests
{
    private static readonly double[] X = { 0.5, -1.25, 2.0 };

    private static double F(double[] x) => x.Sum(v => v * v * v);

    private static double[] G(double[] x) => x.Select(v => 3 * v * v).ToArray();

    private static double[] Off(double[] g, double by) => g.Select((v, i) => i == 1 ? v + by : v).ToArray();

    private static (double, double) Jvp(double[] x, double[] dx) => (F(x), G(x).Zip(dx, (a, b) => a * b).Sum());

    private static void Run(
        Func<double[], (double, double[])>? fused = null,
        Func<double[], double, (double, double[])>? split = null,
        Func<double[], double[], (double, double)>? jvp = null,
        double[]? closed = null) =>
        Check.Gradient(F, fused ?? (x => (F(x), G(x))), split ?? ((x, s) => (F(x), G(x).Select(v => s * v).ToArray())), jvp ?? Jvp, X, closed ?? G(X));

    [Fact]
    public void AcceptsACorrectGradient() => Run();

    [Fact]
    public void RejectsAFusedGradientOffBy1e4() => Assert.ThrowsAny<XunitException>(() => Run(fused: x => (F(x), Off(G(x), 1e-4))));

    [Fact]
    public void RejectsAFusedValueThatDiffers() => Assert.ThrowsAny<XunitException>(() => Run(fused: x => (F(x) + 1e-15, G(x))));

    [Fact]
    public void RejectsAForwardModeOffBy1e10() =>
        Assert.ThrowsAny<XunitException>(() => Run(jvp: (x, dx) => { var (v, t) = Jvp(x, dx); return (v, t + 1e-10 * dx[1]); }));

    [Fact]
    public void RejectsASplitPullbackThatIgnoresItsSeed() =>
        Assert.ThrowsAny<XunitException>(() => Run(split: (x, s) => (F(x), G(x))));

    [Fact]
    public void RejectsAClosedFormOffBy1e10() => Assert.ThrowsAny<XunitException>(() => Run(closed: Off(G(X), 1e-10)));

    [Fact]
    public void JacobianCheckerRejectsAReverseRowOffBy1e10()
    {
        // f(x) = x ⊙ x: J = diag(2x).
        static double[] Sq(double[] x) => x.Select(v => v * v).ToArray();
        Func<double[], double[], (double[], double[])> jvp = (x, dx) => (Sq(x), x.Select((v, i) => 2 * v * dx[i]).ToArray());
        Func<double[], double[], (double[], double[])> vjp = (x, ct) => (Sq(x), x.Select((v, i) => 2 * v * ct[i]).ToArray());
        Check.Jacobian(Sq, jvp, vjp, vjp, X);
        Func<double[], double[], (double[], double[])> wrong = (x, ct) => (Sq(x), x.Select((v, i) => 2 * v * ct[i] + (i == 2 ? 1e-10 : 0)).ToArray());
        Assert.ThrowsAny<XunitException>(() => Check.Jacobian(Sq, jvp, vjp, wrong, X));
        Assert.ThrowsAny<XunitException>(() => Check.Jacobian(Sq, jvp, wrong, vjp, X));
    }

    [Fact]
    public void FloatCheckerRejectsAGradientOffBy1e3()
    {
        var x = Flat.F(X);
        static float Fs(float[] x) => x.Sum(v => v * v);
        Func<float[], (float, float[])> fused = x => (Fs(x), x.Select(v => 2 * v).ToArray());
        Func<float[], float, (float, float[])> split = (x, s) => (Fs(x), x.Select(v => 2 * v * s).ToArray());
        Func<float[], float[], (float, float)> jvp = (x, dx) => (Fs(x), x.Zip(dx, (a, b) => 2 * a * b).Sum());
        var reference = Flat.D(x).Select(v => 2 * v).ToArray();
        Check.GradientF(Fs, fused, split, jvp, x, reference);
        Assert.ThrowsAny<XunitException>(() => Check.GradientF(Fs, x => (Fs(x), x.Select((v, i) => 2 * v + (i == 0 ? 1e-3f : 0)).ToArray()), split, jvp, x, reference));
    }
}
