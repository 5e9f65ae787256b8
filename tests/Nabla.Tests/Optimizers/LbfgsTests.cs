// L-BFGS: Rosenbrock (closed-form and Nabla-generated gradients) to 1e-8 in a few dozen iterations, a coupled quadratic
// with a known minimum, struct and class models updated in place, and each stopping reason.
using System;
using Xunit;

namespace Nabla.Tests.Optimizers;

public class LbfgsTests
{
    static (double Value, double[] Gradient) Rosenbrock2(double[] x)
    {
        var (f, dx, dy) = Problems.Rosenbrock2(x[0], x[1]);
        return (f, new[] { dx, dy });
    }

    [Fact]
    public void RosenbrockFromTheClassicStartConvergesTo1e8InAFewDozenIterations()
    {
        var x = new[] { -1.2, 1.0 };
        var result = new Lbfgs(gradientTolerance: 1e-10).Minimize(Rosenbrock2, x);

        Assert.True(result.Converged, result.ToString());
        Assert.Equal(LbfgsStopReason.GradientTolerance, result.Reason);
        Assert.Same(x, result.Point);
        Assert.True(Math.Abs(x[0] - 1) <= 1e-8 && Math.Abs(x[1] - 1) <= 1e-8, $"({x[0]:R}, {x[1]:R})");
        Assert.True(result.Iterations <= 50, result.ToString());
        Assert.True(result.GradientNorm <= 1e-10);
        Assert.Equal(Rosenbrock2(x).Value, result.Value);
    }

    [Theory]
    [InlineData(2, 44)]
    [InlineData(10, 100)]
    [InlineData(30, 230)]
    public void GeneratedRosenbrockGradientDrivesLbfgsToTheMinimum(int n, int maxIterations)
    {
        // The chained Rosenbrock function from (−1.2, 1, −1.2, 1, …), with the gradient Nabla generated. The iteration
        // bounds are regression bounds, about 15% above the counts measured when this was written (38, 87, 200).
        var x = new double[n];
        for (int i = 0; i < n; i++)
            x[i] = i % 2 == 0 ? -1.2 : 1;
        var result = new Lbfgs(gradientTolerance: 1e-10).Minimize(Problems.RosenbrockWithGradient, x);

        Assert.True(result.Converged, result.ToString());
        for (int i = 0; i < n; i++)
            Assert.True(Math.Abs(x[i] - 1) <= 1e-8, $"n = {n}: x[{i}] = {x[i]:R}; {result}");
        Assert.True(result.Iterations <= maxIterations, result.ToString());
    }

    [Fact]
    public void ACoupledQuadraticIsSolvedToRoundoff()
    {
        // f(x) = ½ (x − c)ᵀ A (x − c) with A tridiagonal (2, −1) plus diag(0, 1, …): positive definite, minimum c.
        const int n = 8;
        var c = new double[n];
        for (int i = 0; i < n; i++)
            c[i] = Math.Sin(i + 1);
        (double, double[]) F(double[] x)
        {
            var e = new double[n];
            for (int i = 0; i < n; i++)
                e[i] = x[i] - c[i];
            var g = new double[n];
            double f = 0;
            for (int i = 0; i < n; i++)
            {
                g[i] = (2 + i) * e[i] - (i > 0 ? e[i - 1] : 0) - (i < n - 1 ? e[i + 1] : 0);
                f += 0.5 * e[i] * g[i];
            }
            return (f, g);
        }
        var x = new double[n];
        var result = new Lbfgs(gradientTolerance: 1e-12).Minimize(F, x);
        Assert.Equal(LbfgsStopReason.GradientTolerance, result.Reason);
        for (int i = 0; i < n; i++)
            Assert.True(Math.Abs(x[i] - c[i]) <= 1e-12, $"x[{i}] = {x[i]:R}, c = {c[i]:R}");
        Assert.True(result.Iterations <= 30, result.ToString());   // 25 measured: the unit step is accepted every time
    }

    [Fact]
    public void AStructModelIsMinimizedThroughRef()
    {
        var model = new Vec2(-1.2, 1);
        static (double, Vec2.Tangent) F(Vec2 p)
        {
            var (f, dx, dy) = Problems.Rosenbrock2(p.X, p.Y);
            return (f, new Vec2.Tangent(dx, dy));
        }
        var result = new Lbfgs(gradientTolerance: 1e-10).Minimize<Vec2, Vec2.Tangent>(F, ref model);

        Assert.True(result.Converged, result.ToString());
        Assert.True(Math.Abs(model.X - 1) <= 1e-8 && Math.Abs(model.Y - 1) <= 1e-8, $"({model.X:R}, {model.Y:R})");
        Assert.Equal(model, result.Point);

        // Same algorithm as on the array: the same number of iterations and evaluations.
        var arrayResult = new Lbfgs(gradientTolerance: 1e-10).Minimize(Rosenbrock2, new[] { -1.2, 1.0 });
        Assert.Equal(arrayResult.Iterations, result.Iterations);
        Assert.Equal(arrayResult.Evaluations, result.Evaluations);
    }

    [Fact]
    public void AClassModelIsMinimizedInPlace()
    {
        // f(w, b) = Σ (i + 1)(wᵢ − i)²/2 + (b + 1)²/2 + (w₀ − b)²/2: coupled, minimum where the gradient vanishes.
        var model = new Affine(new double[3], 5);
        Affine alias = model;
        static (double, Affine.Tangent) F(Affine m)
        {
            double f = 0;
            var gw = new double[3];
            for (int i = 0; i < 3; i++)
            {
                double e = m.W[i] - i;
                f += 0.5 * (i + 1) * e * e;
                gw[i] = (i + 1) * e;
            }
            double d = m.W[0] - m.B;
            f += 0.5 * (m.B + 1) * (m.B + 1) + 0.5 * d * d;
            gw[0] += d;
            return (f, new Affine.Tangent(gw, m.B + 1 - d));
        }
        var result = new Lbfgs(gradientTolerance: 1e-12).Minimize<Affine, Affine.Tangent>(F, ref model);

        Assert.True(result.Converged, result.ToString());
        Assert.Same(alias, model);
        // ∂/∂w₀: w₀ + (w₀ − b) = 0, ∂/∂b: b + 1 − (w₀ − b) = 0  ⇒  b = −2/3, w₀ = −1/3; w₁ = 1, w₂ = 2.
        Assert.Equal(-1.0 / 3, model.W[0], 11);
        Assert.Equal(1, model.W[1], 11);
        Assert.Equal(2, model.W[2], 11);
        Assert.Equal(-2.0 / 3, model.B, 11);
    }

    [Fact]
    public void StopsAtMaxIterationsWithoutClaimingConvergence()
    {
        var x = new[] { -1.2, 1.0 };
        var result = new Lbfgs(maxIterations: 3).Minimize(Rosenbrock2, x);
        Assert.Equal(LbfgsStopReason.MaxIterations, result.Reason);
        Assert.False(result.Converged);
        Assert.Equal(3, result.Iterations);
        Assert.True(result.Value < Rosenbrock2(new[] { -1.2, 1.0 }).Value);
        Assert.Equal(Rosenbrock2(x).Value, result.Value);
    }

    [Fact]
    public void StopsOnRelativeFunctionChange()
    {
        // A loose function tolerance ends a run on Rosenbrock + 1 (minimum value 1) early, converged by that test,
        // short of the gradient test.
        var x = new[] { -1.2, 1.0 };
        var result = new Lbfgs(gradientTolerance: 0, functionTolerance: 1e-3).Minimize(p =>
        {
            var (f, g) = Rosenbrock2(p);
            return (f + 1, g);
        }, x);
        Assert.Equal(LbfgsStopReason.FunctionTolerance, result.Reason);
        Assert.True(result.Converged);
        Assert.True(result.GradientNorm > 1e-8, result.ToString());
        Assert.True(result.Value > 1 && result.Iterations < 30, result.ToString());   // early: the full run needs 30+
    }

    [Fact]
    public void AStartAtTheMinimumTakesNoStep()
    {
        var x = new[] { 1.0, 1.0 };
        var result = new Lbfgs().Minimize(Rosenbrock2, x);
        Assert.Equal(LbfgsStopReason.GradientTolerance, result.Reason);
        Assert.Equal(0, result.Iterations);
        Assert.Equal(1, result.Evaluations);
    }

    [Fact]
    public void ANonFiniteStartAndAWrongGradientLengthAreReported()
    {
        var result = new Lbfgs().Minimize(x => (double.NaN, new double[1]), new[] { 0.0 });
        Assert.Equal(LbfgsStopReason.NonFiniteStart, result.Reason);
        Assert.False(result.Converged);
        Assert.Throws<ArgumentException>(() => new Lbfgs().Minimize(x => (0.0, new double[2]), new[] { 0.0 }));
    }

    [Fact]
    public void ARegionWhereTheFunctionOverflowsIsBacktrackedFrom()
    {
        // log(cosh 2000x)/2000 computed naively overflows to ∞ for |x| > 0.355. From x = 0.3 the first trial step
        // (length 1) lands at x = −0.7: an infinite value, which must count as too long a step.
        int infinite = 0;
        (double, double[]) F(double[] x)
        {
            double f = Math.Log(Math.Cosh(2000 * x[0])) / 2000;
            if (double.IsInfinity(f))
                infinite++;
            return (f, new[] { Math.Tanh(2000 * x[0]) });
        }
        var x = new[] { 0.3 };
        var result = new Lbfgs(gradientTolerance: 1e-10).Minimize(F, x);
        Assert.True(infinite > 0);
        Assert.True(result.Converged, result.ToString());
        Assert.True(Math.Abs(x[0]) <= 1e-10, $"{x[0]:R}");
    }
}
