// The Hessian of a function of a differentiable struct (issue 5: "Hessians of … a struct model"): over the flat
// view of the struct's tangent, by reverse over forward mode as for arrays. Checked against central differences of
// the generated gradient, against a closed form, and for symmetry; the Hessian-vector product against H·v.
using System;
using System.Linq;
using Nabla.Tests.StructCode;
using Xunit;

namespace Nabla.Tests.SecondOrder;

public static partial class StructSecondOrder
{
    /// <summary>A damped oscillator's least-squares fit: x(t) = e^{−c t} cos(√k t), against observations, through a loop.</summary>
    [Differentiable]
    public static double OscillatorFit(Params p, [NoDerivative] double[] t, [NoDerivative] double[] observed)
    {
        double loss = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double x = Math.Exp(-p.Damping * t[i]) * Math.Cos(Math.Sqrt(p.Stiffness) * t[i]);
            double r = x - observed[i];
            loss += r > 0 ? r * r : 2 * r * r;
        }
        return loss + 0.01 * p.Stiffness * p.Damping;
    }

    [HessianOf(nameof(OscillatorFit))]
    public static partial double[,] OscillatorFitHessian(Params p, double[] t, double[] observed);

    /// <summary>A quadratic form in a struct's members, with a known Hessian.</summary>
    [Differentiable]
    public static double Quadratic(State s) => 3 * s.Position * s.Position + 2 * s.Position * s.Velocity + 5 * s.Velocity * s.Velocity + Math.Sin(s.Position);

    [HessianOf(nameof(Quadratic))]
    public static partial double[,] QuadraticHessian(State s);
}

public class StructHessianTests
{
    private static readonly double[] T = Enumerable.Range(0, 12).Select(i => 0.25 * i).ToArray();
    private static readonly double[] Observed = T.Select(t => Math.Exp(-0.3 * t) * Math.Cos(1.7 * t) + 0.05 * Math.Sin(7 * t)).ToArray();

    private static double[] Gradient(double k, double c)
    {
        var (_, g) = StructSecondOrder.OscillatorFit_ValueWithGradient(new Params(k, c), T, Observed);
        return new[] { g.Stiffness, g.Damping };
    }

    [Theory]
    [InlineData(2.5, 0.4)]
    [InlineData(1.2, 0.1)]
    public void StructModelHessian_MatchesDifferencesOfTheGradient(double k, double c)
    {
        var h = StructSecondOrder.OscillatorFitHessian(new Params(k, c), T, Observed);
        Assert.Equal(2, h.GetLength(0));
        Assert.Equal(2, h.GetLength(1));
        Assert.True(Math.Abs(h[0, 1] - h[1, 0]) <= 1e-10 * Math.Max(1, Math.Abs(h[0, 1])), $"not symmetric: {h[0, 1]:R} vs {h[1, 0]:R}");
        double[] x = { k, c };
        for (int j = 0; j < 2; j++)
        {
            double step = 1e-5 * Math.Max(1, Math.Abs(x[j]));
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[j] += step;
            minus[j] -= step;
            var gp = Gradient(plus[0], plus[1]);
            var gm = Gradient(minus[0], minus[1]);
            for (int i = 0; i < 2; i++)
            {
                double expected = (gp[i] - gm[i]) / (2 * step);
                Assert.True(Math.Abs(expected - h[i, j]) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"H[{i},{j}]: differences {expected:R}, Hessian {h[i, j]:R}");
            }
        }
        // The Hessian-vector product along (0.3, −1.2) is H·v.
        var hv = StructSecondOrder.Nabla_OscillatorFitHessian_HessianVectorProduct(new Params(k, c), T, Observed, new Params.Tangent { Stiffness = 0.3, Damping = -1.2 });
        Assert.True(Math.Abs(h[0, 0] * 0.3 - h[0, 1] * 1.2 - hv.Stiffness) <= 1e-12 * Math.Max(1, Math.Abs(hv.Stiffness)));
        Assert.True(Math.Abs(h[1, 0] * 0.3 - h[1, 1] * 1.2 - hv.Damping) <= 1e-12 * Math.Max(1, Math.Abs(hv.Damping)));
    }

    [Theory]
    [InlineData(2.5, 0.4)]
    [InlineData(1.2, 0.1)]
    public void HessianOperatorOnAStructLambda_IsTheNamedHessian(double k, double c)
    {
        // The operator on a lambda capturing the data gives what [HessianOf] gives (checked against differences above).
        var p = new Params(k, c);
        var t = T;
        var observed = Observed;
        var h = Autodiff.Hessian(q => StructSecondOrder.OscillatorFit(q, t, observed), p);
        var expected = StructSecondOrder.OscillatorFitHessian(p, T, Observed);
        Assert.Equal(2, h.GetLength(0));
        Assert.Equal(2, h.GetLength(1));
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(expected[i, j], h[i, j], 12);
        var v = new Params.Tangent { Stiffness = 0.3, Damping = -1.2 };
        Params.Tangent hv = Autodiff.HessianVectorProduct(q => StructSecondOrder.OscillatorFit(q, t, observed), p, v);
        Assert.True(Math.Abs(h[0, 0] * 0.3 - h[0, 1] * 1.2 - hv.Stiffness) <= 1e-12 * Math.Max(1, Math.Abs(hv.Stiffness)));
        Assert.True(Math.Abs(h[1, 0] * 0.3 - h[1, 1] * 1.2 - hv.Damping) <= 1e-12 * Math.Max(1, Math.Abs(hv.Damping)));
    }

    [Fact]
    public void HessianOperatorOnAStructMethodGroup_MatchesTheClosedForm()
    {
        var s = new State { Position = 0.7, Velocity = -1.3 };
        var h = Autodiff.Hessian(StructSecondOrder.Quadratic, s);
        Assert.Equal(6 - Math.Sin(0.7), h[0, 0], 14);
        Assert.Equal(2, h[0, 1], 14);
        Assert.Equal(2, h[1, 0], 14);
        Assert.Equal(10, h[1, 1], 14);
        var hv = Autodiff.HessianVectorProduct(StructSecondOrder.Quadratic, s, new State.Tangent { Position = 1, Velocity = 2 });
        Assert.Equal(6 - Math.Sin(0.7) + 4, hv.Position, 13);
        Assert.Equal(2 + 20, hv.Velocity, 13);
    }

    [Fact]
    public void HessianOperatorOnAStruct_ReadsTheCapturedValueAtEachCall()
    {
        // f(s) = a·(x² + x·v) with a captured: H = a·[[2, 1], [1, 0]].
        double a = 1.5;
        var s = new State { Position = 0.2, Velocity = 0.9 };
        Func<double[,]> hessian = () => Autodiff.Hessian(q => a * (q.Position * q.Position + q.Position * q.Velocity), s);
        var first = hessian();
        a = -4;
        var second = hessian();
        Assert.Equal(3, first[0, 0], 14);
        Assert.Equal(1.5, first[0, 1], 14);
        Assert.Equal(0, first[1, 1], 14);
        Assert.Equal(-8, second[0, 0], 14);
        Assert.Equal(-4, second[1, 0], 14);
    }

    [Fact]
    public void ScalarAndArrayHessiansStillBindTheirOwnOverloads()
    {
        // The struct overloads rank below these: a scalar gives a scalar, an array a matrix.
        double h = Autodiff.Hessian(x => x * x * x, 2.0);
        Assert.Equal(12, h, 14);
        double[,] m = Autodiff.Hessian(x => x[0] * x[0] * x[1], new[] { 1.5, 2.0 });
        Assert.Equal(4, m[0, 0], 14);
        Assert.Equal(3, m[0, 1], 14);
        double hv = Autodiff.HessianVectorProduct(x => x * x * x, 2.0, 0.5);
        Assert.Equal(6, hv, 14);
    }

    [Fact]
    public void StructQuadratic_MatchesTheClosedForm()
    {
        var s = new State { Position = 0.7, Velocity = -1.3 };
        var h = StructSecondOrder.QuadraticHessian(s);
        Assert.Equal(6 - Math.Sin(0.7), h[0, 0], 14);
        Assert.Equal(2, h[0, 1], 14);
        Assert.Equal(2, h[1, 0], 14);
        Assert.Equal(10, h[1, 1], 14);
    }
}
