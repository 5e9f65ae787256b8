// Rules on the hot path must not allocate (ARCHITECTURE.md, "Rules"): the generated derivatives of functions that use
// several Math rules, a user's closure-form rule, a retroactive rule from another assembly and calls of other
// differentiable methods allocate nothing per call once the code is warm.
using System;
using Nabla.Tests.Library;
using Xunit;
using A = Nabla.Tests.AllocationFunctions;

namespace Nabla.Tests;

public static partial class AllocationFunctions
{
    [Differentiable]
    public static double ManyRules(double x, double y)
    {
        double r = Math.Sin(x) * Math.Exp(y) + Math.Sqrt(x * x + y * y) + Math.Atan2(y, x);
        r += Math.Max(x, y) * Math.Pow(Math.Abs(x) + 1, 1.5) + Math.Tanh(x - y) + Math.Log(1 + y * y);
        if (r > 0)
            r = Math.Clamp(r, 0.0, 10.0) + double.Hypot(x, r);
        return r;
    }

    [Differentiable]
    public static double UserAndRetroactiveRules(double x) =>
        Opaque.Cube(x) + Opaque.LogCosh(x) + Plain.SmoothStep(x) + Plain.MulSquare(x, x) + Calls.Softplus(x);

    [Differentiable]
    public static float ManyRulesF(float x) => MathF.Sin(x) * MathF.Exp(x) + MathF.Sqrt(x * x + 1) + MathF.Max(x, 0.5f);
}

// Not run in parallel with other tests: the per-thread counter is exact, but keep the measurement undisturbed.
[Collection(nameof(AllocationTests))]
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationTests
{
    const int Calls = 1000;

    static long Measure(Action body)
    {
        for (int i = 0; i < 200; i++)
            body();   // warm-up: JIT tiers, static initializers
        return SteadyState.BytesPerBatch(() =>
        {
            for (int i = 0; i < Calls; i++)
                body();
        });
    }

    static double sink;

    [Fact]
    public void ValueWithGradientOfMathRulesDoesNotAllocate()
    {
        long bytes = Measure(() =>
        {
            var (v, (gx, gy)) = A.ManyRules_ValueWithGradient(0.7, 1.3);
            sink += v + gx + gy;
        });
        Assert.Equal(0, bytes);
        Assert.True(double.IsFinite(sink));
    }

    [Fact]
    public void JvpAndPrimalPullbackOfMathRulesDoNotAllocate()
    {
        long bytes = Measure(() =>
        {
            sink += A.ManyRules_Jvp(0.7, 1.3, 1.0, 0.0).Tangent;
            double v = A.ManyRules_Primal(-0.4, 0.9, out A.ManyRules_Residuals r);
            var (gx, gy) = A.ManyRules_Pullback(in r, 1.0);
            sink += v + gx + gy;
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void UserAndRetroactiveRulesDoNotAllocate()
    {
        long bytes = Measure(() =>
        {
            sink += A.UserAndRetroactiveRules_ValueWithGradient(0.4).Gradient;
            sink += A.UserAndRetroactiveRules_Jvp(0.4, 1.0).Tangent;
        });
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void FloatRulesDoNotAllocate()
    {
        long bytes = Measure(() => sink += A.ManyRulesF_ValueWithGradient(0.3f).Gradient);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void TheMeasurementSeesAnAllocation()
    {
        // The same measurement on ValueWithPullback, which returns a closure: it must count bytes, or the zeros above
        // would prove nothing.
        long bytes = Measure(() => sink += A.ManyRules_ValueWithPullback(0.7, 1.3).Pullback(1.0).Item1);
        Assert.True(bytes >= Calls * 24, $"{bytes} bytes for {Calls} closures");
    }

    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(-0.4, 0.9)]
    [InlineData(-1.5, -2.0)]
    public void ManyRulesIsRightToo(double x, double y) =>
        Assert.True(GradCheck.Check(A.ManyRules, x, y).Passed, GradCheck.Check(A.ManyRules, x, y).Message);
}
