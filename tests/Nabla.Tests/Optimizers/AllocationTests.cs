// "Optimizer steps allocate nothing" (issue 4 §5): steady-state steps of SGD, momentum and Adam on a fixed-shape struct
// model (19 float parameters) and on double[] and float[] parameters, and whole L-BFGS runs after the first, measured
// with the per-thread allocation counter.
using System;
using System.Numerics;
using Nabla.Workloads;
using Xunit;

namespace Nabla.Tests.Optimizers;

[Collection(nameof(OptimizerAllocationTests))]
[CollectionDefinition(nameof(OptimizerAllocationTests), DisableParallelization = true)]
public class OptimizerAllocationTests
{
    static long Measure(Action body, int warmUp = 200, int calls = 1000)
    {
        for (int i = 0; i < warmUp; i++)
            body();   // first use sizes the state; JIT tiers
        return SteadyState.BytesPerBatch(() =>
        {
            for (int i = 0; i < calls; i++)
                body();
        });
    }

    static TinyMlp.Tangent SomeGradient()
    {
        var g = new TinyMlp.Tangent
        {
            W0 = new Vector4(0.1f, -0.2f, 0.3f, -0.4f), W1 = new Vector4(0.5f), W2 = new Vector4(-0.25f),
            B = new Vector3(0.01f, 0.02f, 0.03f), V = new Vector3(-1, 1, 0.5f), C = 0.125f,
        };
        return g;
    }

    public static TheoryData<string> Optimizers => new() { "sgd", "momentum", "nesterov", "adam" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void AStepOnAFixedShapeStructModelAllocatesNothing(string name)
    {
        IOptimizer<TinyMlp, TinyMlp.Tangent> optimizer = name switch
        {
            "sgd" => new Sgd<TinyMlp, TinyMlp.Tangent>(1e-3),
            "momentum" => new Momentum<TinyMlp, TinyMlp.Tangent>(1e-3),
            "nesterov" => new Momentum<TinyMlp, TinyMlp.Tangent>(1e-3, nesterov: true),
            _ => new Adam<TinyMlp, TinyMlp.Tangent>(1e-3),
        };
        var model = new TinyMlp();
        var gradient = SomeGradient();
        long bytes = Measure(() => optimizer.Update(ref model, gradient));
        Assert.Equal(0, bytes);
        Assert.NotEqual(0f, model.C);   // the steps happened
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void AStepOnDoubleAndFloatArraysAllocatesNothing(string name)
    {
        FirstOrderOptimizer Make() => name switch
        {
            "sgd" => new Sgd(1e-3),
            "momentum" => new Momentum(1e-3),
            "nesterov" => new Momentum(1e-3, nesterov: true),
            _ => new Adam(1e-3, weightDecay: 1e-2),
        };
        var x = new double[1000];
        var g = new double[1000];
        var xf = new float[1000];
        var gf = new float[1000];
        for (int i = 0; i < g.Length; i++)
            gf[i] = (float)(g[i] = Math.Sin(i));
        var optimizer = Make();
        var optimizerF = Make();
        Assert.Equal(0, Measure(() => optimizer.Update(x, g)));
        Assert.Equal(0, Measure(() => optimizerF.Update(xf, gf)));
        Assert.NotEqual(0, x[1]);
        Assert.NotEqual(0, xf[1]);
    }

    [Fact]
    public void AnLbfgsRunAfterTheFirstAllocatesNothingForArraysAndStructModels()
    {
        // A function that allocates nothing itself (its gradient array is reused), so what is measured is the minimizer's.
        var gradient = new double[2];
        Func<double[], (double, double[])> f = x =>
        {
            (double v, gradient[0], gradient[1]) = Problems.Rosenbrock2(x[0], x[1]);
            return (v, gradient);
        };
        var lbfgs = new Lbfgs(gradientTolerance: 1e-10);
        var point = new double[2];
        int iterations = 0;
        long bytes = Measure(() =>
        {
            point[0] = -1.2;
            point[1] = 1;
            iterations = lbfgs.Minimize(f, point).Iterations;
        }, warmUp: 20, calls: 50);
        Assert.Equal(0, bytes);
        Assert.True(iterations > 10);

        Func<Vec2, (double, Vec2.Tangent)> fm = p =>
        {
            var (v, dx, dy) = Problems.Rosenbrock2(p.X, p.Y);
            return (v, new Vec2.Tangent(dx, dy));
        };
        bytes = Measure(() =>
        {
            var model = new Vec2(-1.2, 1);
            iterations = lbfgs.Minimize(fm, ref model).Iterations;
        }, warmUp: 20, calls: 50);
        Assert.Equal(0, bytes);
        Assert.True(iterations > 10);
    }
}
