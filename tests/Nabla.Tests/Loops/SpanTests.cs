// Span<T> and ReadOnlySpan<T> in differentiated code (issue 3 §2): parameters, foreach, slices of arrays and spans,
// spans written in place, spans passed between [Differentiable] methods (inlined, across assemblies, generic math),
// stackalloc scratch. Each derivative is checked against central finite differences and forward mode against
// reverse mode (the fused ValueWithGradient and the split _Primal/_Pullback with caller-owned shadows).
using System;
using System.Linq;
using System.Numerics;
using Nabla;
using Nabla.Tests.Library;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class SpanFunctions
{
    /// <summary>Σ k·sin(xₖ)·xₖ (k = 1, 2, ...), by foreach over a ReadOnlySpan.</summary>
    [Differentiable]
    public static double SineWeighted(ReadOnlySpan<double> x)
    {
        double s = 0;
        int k = 1;
        foreach (double v in x)
        {
            s += k * Math.Sin(v) * v;
            k++;
        }
        return s;
    }

    /// <summary>A Span written in place, each element from the value it overwrites and the previous one; then Σ xᵢ².</summary>
    [Differentiable]
    public static double SquashInPlace(Span<double> x, double a)
    {
        for (int i = 1; i < x.Length; i++) x[i] = Math.Tanh(a * x[i]) + x[i - 1] * x[i];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * x[i];
        return s;
    }

    /// <summary>A Span&lt;float&gt; scaled in place, then Σ exp(xᵢ/10)·xᵢ.</summary>
    [Differentiable]
    public static float FloatSpan(Span<float> x, float k)
    {
        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = x[i] * k;
            s += MathF.Exp(0.1f * x[i]) * x[i];
        }
        return s;
    }

    /// <summary>Views of a span: Slice(start, length), a range, an index from the end, Slice(start) passed on.</summary>
    [Differentiable]
    public static double SlicesOfSpan(ReadOnlySpan<double> x)
    {
        ReadOnlySpan<double> middle = x.Slice(1, x.Length - 2);
        ReadOnlySpan<double> head = x[..2];
        double s = x[^1] * head[0] + head[1];
        foreach (double v in middle) s += v * v * v;
        return s + SineWeighted(x.Slice(2));
    }

    /// <summary>Multiplies a span by k in place (small: inlined into its callers).</summary>
    [Differentiable]
    public static void ScaleInPlace(Span<double> x, double k)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= k;
    }

    /// <summary>A slice of an array passed to a helper that writes into it, then the whole array to one that reads it.</summary>
    [Differentiable]
    public static double PassesSpans(double[] x, double k)
    {
        ScaleInPlace(x.AsSpan(1, 2), k);
        return SineWeighted(x) + x[1] * x[2];
    }

    /// <summary>Spans passed to [Differentiable] methods of another assembly (not inlined: their split forms are called).</summary>
    [Differentiable]
    public static double CallsLibrary(double[] x, double p)
    {
        Span<double> tail = x.AsSpan(1);
        LibSpans.SineInPlace(tail, p);
        return LibSpans.WeightedSquares(x, p) + LibSpans.WeightedSquares(tail, 1.0);
    }

    /// <summary>No span in sight, but the callee (in another assembly) keeps spans in its residuals: so does this method.</summary>
    [Differentiable]
    public static double CallsTailSquares(double[] x) => LibSpans.TailSquares(x) * x[0];

    /// <summary>A span, a scalar and an array: k·Σ wᵢ·exp(k·xᵢ).</summary>
    [Differentiable]
    public static double Mixed(ReadOnlySpan<double> x, double k, double[] w)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += w[i] * Math.Exp(k * x[i]);
        return s * k;
    }

    /// <summary>A loop with a branch over a span.</summary>
    [Differentiable]
    public static double Branchy(ReadOnlySpan<double> x, double k)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] > 0) s += k * x[i] * x[i];
            else s -= Math.Exp(x[i] * k);
        }
        return s;
    }

    /// <summary>stackalloc'd scratch: tᵢ = xᵢ², then Σ tᵢ·tᵢ₋₁ + sin tᵢ.</summary>
    [Differentiable]
    public static double Scratch(ReadOnlySpan<double> x)
    {
        Span<double> t = stackalloc double[x.Length];
        for (int i = 0; i < x.Length; i++) t[i] = x[i] * x[i];
        double s = 0;
        for (int i = 1; i < t.Length; i++) s += t[i] * t[i - 1] + Math.Sin(t[i]);
        return s;
    }

    /// <summary>A dot product over spans, generic over T (differentiated for double and float; not inlined).</summary>
    [Differentiable]
    public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Two overlapping views of one array passed to the generic method.</summary>
    [Differentiable]
    public static double OverlappingDot(double[] x) => Dot<double>(x.AsSpan(0, 3), x.AsSpan(1, 3)) * x[0];
    /// <summary>Views of a span parameter passed to a method that is not inlined: its residuals go into ours.</summary>
    [Differentiable]
    public static double ShiftedDot(ReadOnlySpan<double> x) => Dot<double>(x.Slice(0, x.Length - 1), x.Slice(1)) + x[0];

    /// <summary>x₀·x₁² (small: inlined, also into second derivatives).</summary>
    [Differentiable]
    public static double Cubic(ReadOnlySpan<double> x) => x[0] * x[1] * x[1];

    /// <summary>A helper called on a new slice in each iteration (inlined: reverse mode makes each slice's shadow again).</summary>
    [Differentiable]
    public static double SlidingWindows(double[] x)
    {
        double s = 0;
        for (int i = 0; i + 2 <= x.Length; i++) s += SineWeighted(x.AsSpan(i, 2)) * x[i];
        return s;
    }

    /// <summary>A span chosen by a branch: its shadow is chosen the same way.</summary>
    [Differentiable]
    public static double ChosenSpan(double[] x, double k)
    {
        ReadOnlySpan<double> half = k > 0 ? x.AsSpan(0, x.Length / 2) : x.AsSpan(x.Length / 2);
        double s = 0;
        foreach (double v in half) s += v * v * k;
        return s;
    }

    /// <summary>An <c>in</c> span parameter.</summary>
    [Differentiable]
    public static double InSpan(in ReadOnlySpan<double> x, double k) => x[0] * x[1] * k;

    /// <summary>Spans as data: a [NoDerivative] span of reals and a span of indices; one scalar input.</summary>
    [Differentiable]
    public static double Fit(double k, [NoDerivative] ReadOnlySpan<double> data, ReadOnlySpan<int> picks)
    {
        double s = 0;
        foreach (int p in picks) s += Math.Exp(-k * data[p]) * data[p];
        ReadOnlySpan<char> name = "fit".AsSpan();
        return s * name.Length;
    }

    /// <summary>A caller's workspace span, [NoDerivative]: it holds intermediate values, derivatives flow through it.</summary>
    [Differentiable]
    public static double Workspace(ReadOnlySpan<double> x, [NoDerivative] Span<double> work)
    {
        for (int i = 0; i < x.Length; i++) work[i] = x[i] * x[i];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += work[i] * x[i];
        return s;
    }

    /// <summary>The same with arrays.</summary>
    [Differentiable]
    public static double WorkspaceArray(double[] x, [NoDerivative] double[] work)
    {
        for (int i = 0; i < x.Length; i++) work[i] = x[i] * x[i];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += work[i] * x[i];
        return s;
    }

    [GradientOf(nameof(SineWeighted))]
    public static partial double[] SineWeightedGradient(ReadOnlySpan<double> x);

    [JvpOf(nameof(SineWeighted))]
    public static partial (double Value, double Tangent) SineWeightedJvp(ReadOnlySpan<double> x, ReadOnlySpan<double> dx);
}

public class SpanTests
{
    private static readonly double[] X = { 0.5, -1.25, 2.0, 0.75, -0.3 };

    /// <summary>
    /// Checks a function of one array-like input: finite differences, the fused gradient, forward mode along each unit
    /// vector, and the split form writing into a caller's buffer. Each call gets a fresh copy (the function may write it).
    /// </summary>
    private static void CheckOneInput(Func<double[], double> f, Func<double[], (double Value, double[] Gradient)> fused,
        Func<double[], double[], (double Value, double Tangent)> jvp, Func<double[], double[], double> splitInto, double[] x)
    {
        var fd = LoopTests.FiniteGradient(f, x);
        var (value, gradient) = fused((double[])x.Clone());
        Assert.Equal(f((double[])x.Clone()), value, 12);
        LoopTests.Close(fd, gradient, 1e-6, "reverse vs finite differences");
        LoopTests.Close(gradient, LoopTests.ForwardGradient(jvp, x), 1e-12, "forward vs reverse");
        var buffer = Enumerable.Repeat(7.0, x.Length).ToArray(); // cleared by the call
        double splitValue = splitInto((double[])x.Clone(), buffer);
        Assert.Equal(value, splitValue, 12);
        LoopTests.Close(gradient, buffer, 1e-12, "split vs fused");
    }

    [Fact]
    public void ForeachOverAReadOnlySpan() =>
        CheckOneInput(v => SpanFunctions.SineWeighted(v), v => SpanFunctions.SineWeighted_ValueWithGradient(v),
            (v, dv) => SpanFunctions.SineWeighted_Jvp(v, dv), (v, g) => SpanFunctions.SineWeighted_ValueWithGradient(v, g), X);

    [Fact]
    public void SpanWrittenInPlace()
    {
        const double a = 0.8;
        CheckOneInput(v => SpanFunctions.SquashInPlace(v, a), v => SpanFunctions.SquashInPlace_ValueWithGradient(v, a) is var (value, (g, _)) ? (value, g) : default,
            (v, dv) => SpanFunctions.SquashInPlace_Jvp(v, a, dv, 0), (v, g) => { Array.Clear(g); double y = SpanFunctions.SquashInPlace_Primal(v, a, g, out var r); SpanFunctions.SquashInPlace_Pullback(in r, 1); return y; }, X);

        // The derivative with respect to the scalar, every way.
        double h = 1e-6;
        double fd = (SpanFunctions.SquashInPlace((double[])X.Clone(), a + h) - SpanFunctions.SquashInPlace((double[])X.Clone(), a - h)) / (2 * h);
        var (_, (_, da)) = SpanFunctions.SquashInPlace_ValueWithGradient((double[])X.Clone(), a);
        Assert.Equal(fd, da, 6);
        Assert.Equal(da, SpanFunctions.SquashInPlace_Jvp((double[])X.Clone(), a, new double[X.Length], 1).Tangent, 12);
        var shadow = new double[X.Length];
        var x = (double[])X.Clone();
        SpanFunctions.SquashInPlace_Primal(x, a, shadow, out var r);
        Assert.Equal(da, SpanFunctions.SquashInPlace_Pullback(in r, 1), 12);

        // The Span is written in place, as the original writes it; the JVP updates the tangent span in place too.
        var original = (double[])X.Clone();
        SpanFunctions.SquashInPlace(original, a);
        Assert.Equal(original, x);
        var tangent = new double[X.Length];
        tangent[0] = 1;
        var y = (double[])X.Clone();
        SpanFunctions.SquashInPlace_Jvp(y, a, tangent, 0);
        Assert.Equal(original, y);
        var step = (double[])X.Clone();
        step[0] += h;
        var stepped = (double[])step.Clone();
        SpanFunctions.SquashInPlace(stepped, a);
        var back = (double[])X.Clone();
        back[0] -= h;
        SpanFunctions.SquashInPlace(back, a);
        LoopTests.Close(stepped.Zip(back, (p, m) => (p - m) / (2 * h)).ToArray(), tangent, 1e-6, "tangent of the final values");
    }

    [Fact]
    public void SpanOfFloat()
    {
        float[] x = { 0.5f, -1.25f, 2f, 0.75f };
        const float k = 1.5f;
        var (value, (gx, gk)) = SpanFunctions.FloatSpan_ValueWithGradient((float[])x.Clone(), k);
        Assert.Equal(SpanFunctions.FloatSpan((float[])x.Clone(), k), value, 5);
        // Finite differences in double precision of the same function.
        static double F(double[] v, double k)
        {
            double s = 0;
            for (int i = 0; i < v.Length; i++) s += Math.Exp(0.1 * v[i] * k) * v[i] * k;
            return s;
        }
        var fd = LoopTests.FiniteGradient(v => F(v, k), x.Select(v => (double)v).ToArray());
        LoopTests.Close(fd, gx.Select(v => (double)v).ToArray(), 1e-5, "float reverse vs finite differences");
        double fdk = (F(x.Select(v => (double)v).ToArray(), k + 1e-6) - F(x.Select(v => (double)v).ToArray(), k - 1e-6)) / 2e-6;
        Assert.Equal(fdk, gk, 3);
        for (int i = 0; i < x.Length; i++)
        {
            var dx = new float[x.Length];
            dx[i] = 1;
            Assert.Equal(gx[i], SpanFunctions.FloatSpan_Jvp((float[])x.Clone(), k, dx, 0).Tangent, 4);
        }
        var shadow = new float[x.Length];
        SpanFunctions.FloatSpan_Primal((float[])x.Clone(), k, shadow, out var r);
        float splitK = SpanFunctions.FloatSpan_Pullback(in r, 1f);
        Assert.Equal(gk, splitK, 5);
        LoopTests.Close(gx.Select(v => (double)v).ToArray(), shadow.Select(v => (double)v).ToArray(), 1e-6, "float split vs fused");
    }

    [Fact]
    public void SlicesOfASpan() =>
        CheckOneInput(v => SpanFunctions.SlicesOfSpan(v), v => SpanFunctions.SlicesOfSpan_ValueWithGradient(v),
            (v, dv) => SpanFunctions.SlicesOfSpan_Jvp(v, dv), (v, g) => SpanFunctions.SlicesOfSpan_ValueWithGradient(v, g), X);

    [Fact]
    public void SpanPassedBetweenDifferentiableMethods()
    {
        const double k = 1.7;
        CheckOneInput(v => SpanFunctions.PassesSpans(v, k), v => SpanFunctions.PassesSpans_ValueWithGradient(v, k) is var (value, (g, _)) ? (value, g) : default,
            (v, dv) => SpanFunctions.PassesSpans_Jvp(v, k, dv, 0), (v, g) => { Array.Clear(g); double y = SpanFunctions.PassesSpans_Primal(v, k, g, out var r); SpanFunctions.PassesSpans_Pullback(in r, 1); return y; }, X);
        double h = 1e-6;
        double fd = (SpanFunctions.PassesSpans((double[])X.Clone(), k + h) - SpanFunctions.PassesSpans((double[])X.Clone(), k - h)) / (2 * h);
        var (_, (_, dk)) = SpanFunctions.PassesSpans_ValueWithGradient((double[])X.Clone(), k);
        Assert.Equal(fd, dk, 6);
        Assert.Equal(dk, SpanFunctions.PassesSpans_Jvp((double[])X.Clone(), k, new double[X.Length], 1).Tangent, 12);
    }

    [Fact]
    public void SpansPassedToAnotherAssembly()
    {
        const double p = 0.6;
        CheckOneInput(v => SpanFunctions.CallsLibrary(v, p), v => SpanFunctions.CallsLibrary_ValueWithGradient(v, p) is var (value, (g, _)) ? (value, g) : default,
            (v, dv) => SpanFunctions.CallsLibrary_Jvp(v, p, dv, 0), (v, g) => { Array.Clear(g); double y = SpanFunctions.CallsLibrary_Primal(v, p, g, out var r); SpanFunctions.CallsLibrary_Pullback(in r, 1); return y; }, X);
        double h = 1e-6;
        double fd = (SpanFunctions.CallsLibrary((double[])X.Clone(), p + h) - SpanFunctions.CallsLibrary((double[])X.Clone(), p - h)) / (2 * h);
        var (_, (_, dp)) = SpanFunctions.CallsLibrary_ValueWithGradient((double[])X.Clone(), p);
        Assert.Equal(fd, dp, 6);
        Assert.Equal(dp, SpanFunctions.CallsLibrary_Jvp((double[])X.Clone(), p, new double[X.Length], 1).Tangent, 12);

        // The library's own split form, called directly: its shadow is a span of the caller's gradient array.
        var gradient = new double[X.Length];
        LibSpans.WeightedSquares_Primal(X.AsSpan(1, 3), p, gradient.AsSpan(1, 3), out var r);
        double dpLib = LibSpans.WeightedSquares_Pullback(in r, 1);
        Assert.Equal(new[] { 0, 2 * X[1] + p, 4 * X[2] + p, 6 * X[3] + p, 0 }, gradient);
        Assert.Equal(X[1] + X[2] + X[3], dpLib, 14);
    }

    [Fact]
    public void ResidualsHoldingSpansFoundThroughMetadata() =>
        CheckOneInput(v => SpanFunctions.CallsTailSquares(v), v => SpanFunctions.CallsTailSquares_ValueWithGradient(v),
            (v, dv) => SpanFunctions.CallsTailSquares_Jvp(v, dv), (v, g) => SpanFunctions.CallsTailSquares_ValueWithGradient(v, g), X);

    [Fact]
    public void ViewsOfASpanParameterPassedToASplitCallee() =>
        CheckOneInput(v => SpanFunctions.ShiftedDot(v), v => SpanFunctions.ShiftedDot_ValueWithGradient(v),
            (v, dv) => SpanFunctions.ShiftedDot_Jvp(v, dv), (v, g) => SpanFunctions.ShiftedDot_ValueWithGradient(v, g), X);

    [Fact]
    public void HessianOfALambdaOverASlice()
    {
        double[] x = { 9, 0.5, -1.5 };
        var h = Autodiff.Hessian(v => SpanFunctions.Cubic(v.AsSpan(1)), x);
        // f = x₁·x₂²: ∂²f/∂x₁∂x₂ = 2x₂, ∂²f/∂x₂² = 2x₁; nothing depends on x₀.
        double[,] expected = { { 0, 0, 0 }, { 0, 0, 2 * x[2] }, { 0, 2 * x[2], 2 * x[1] } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(expected[i, j], h[i, j], 12);
    }

    [Fact]
    public void SpanScalarAndArray()
    {
        const double k = 0.7;
        double[] w = { 1.5, -0.5, 2.0, 1.0, 0.25 };
        var (value, (gx, gk, gw)) = SpanFunctions.Mixed_ValueWithGradient(X, k, w);
        Assert.Equal(SpanFunctions.Mixed(X, k, w), value, 12);
        LoopTests.Close(LoopTests.FiniteGradient(v => SpanFunctions.Mixed(v, k, w), X), gx, 1e-6, "dx");
        LoopTests.Close(LoopTests.FiniteGradient(v => SpanFunctions.Mixed(X, k, v), w), gw, 1e-6, "dw");
        double h = 1e-6;
        Assert.Equal((SpanFunctions.Mixed(X, k + h, w) - SpanFunctions.Mixed(X, k - h, w)) / (2 * h), gk, 6);
        // Forward mode along each input direction.
        for (int i = 0; i < X.Length; i++)
        {
            var dx = new double[X.Length];
            dx[i] = 1;
            Assert.Equal(gx[i], SpanFunctions.Mixed_Jvp(X, k, w, dx, 0, new double[w.Length]).Tangent, 12);
            var dw = new double[w.Length];
            dw[i] = 1;
            Assert.Equal(gw[i], SpanFunctions.Mixed_Jvp(X, k, w, new double[X.Length], 0, dw).Tangent, 12);
        }
        Assert.Equal(gk, SpanFunctions.Mixed_Jvp(X, k, w, new double[X.Length], 1, new double[w.Length]).Tangent, 12);
        // Split: shadows for the span and the array, the scalar's cotangent returned.
        var sx = new double[X.Length];
        var sw = new double[w.Length];
        SpanFunctions.Mixed_Primal(X, k, w, sx, sw, out var r);
        Assert.Equal(gk, SpanFunctions.Mixed_Pullback(in r, 1), 12);
        LoopTests.Close(gx, sx, 1e-12, "split dx");
        LoopTests.Close(gw, sw, 1e-12, "split dw");
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(-0.4)]
    public void LoopWithABranchOverASpan(double k)
    {
        CheckOneInput(v => SpanFunctions.Branchy(v, k), v => SpanFunctions.Branchy_ValueWithGradient(v, k) is var (value, (g, _)) ? (value, g) : default,
            (v, dv) => SpanFunctions.Branchy_Jvp(v, k, dv, 0), (v, g) => { Array.Clear(g); double y = SpanFunctions.Branchy_Primal(v, k, g, out var r); SpanFunctions.Branchy_Pullback(in r, 1); return y; }, X);
        double h = 1e-6;
        var (_, (_, dk)) = SpanFunctions.Branchy_ValueWithGradient(X, k);
        Assert.Equal((SpanFunctions.Branchy(X, k + h) - SpanFunctions.Branchy(X, k - h)) / (2 * h), dk, 6);
        Assert.Equal(dk, SpanFunctions.Branchy_Jvp(X, k, new double[X.Length], 1).Tangent, 12);
    }

    [Fact]
    public void StackallocScratch() =>
        CheckOneInput(v => SpanFunctions.Scratch(v), v => SpanFunctions.Scratch_ValueWithGradient(v),
            (v, dv) => SpanFunctions.Scratch_Jvp(v, dv), (v, g) => SpanFunctions.Scratch_ValueWithGradient(v, g), X);

    [Fact]
    public void SlicesInALoop() =>
        CheckOneInput(v => SpanFunctions.SlidingWindows(v), v => SpanFunctions.SlidingWindows_ValueWithGradient(v),
            (v, dv) => SpanFunctions.SlidingWindows_Jvp(v, dv), (v, g) => SpanFunctions.SlidingWindows_ValueWithGradient(v, g), X);

    [Theory]
    [InlineData(0.6)]
    [InlineData(-0.6)]
    public void SpanChosenByABranch(double k)
    {
        CheckOneInput(v => SpanFunctions.ChosenSpan(v, k), v => SpanFunctions.ChosenSpan_ValueWithGradient(v, k) is var (value, (g, _)) ? (value, g) : default,
            (v, dv) => SpanFunctions.ChosenSpan_Jvp(v, k, dv, 0),
            (v, g) => { Array.Clear(g); double y = SpanFunctions.ChosenSpan_Primal(v, k, g, out var r); SpanFunctions.ChosenSpan_Pullback(in r, 1); return y; }, X);
    }

    [Fact]
    public void InSpanParameter()
    {
        var x = new[] { 1.5, -2.0 };
        var (value, (gx, gk)) = SpanFunctions.InSpan_ValueWithGradient(x, 3.0);
        Assert.Equal(-9.0, value);
        Assert.Equal(new[] { -6.0, 4.5 }, gx);
        Assert.Equal(-3.0, gk);
        Assert.Equal(-6.0, SpanFunctions.InSpan_Jvp(x, 3.0, new[] { 1.0, 0 }, 0).Tangent);
    }

    [Fact]
    public void SpansAsData()
    {
        double[] data = { 0.5, 1.5, -0.25 };
        int[] picks = { 2, 0, 2 };
        const double k = 0.8;
        var (value, dk) = SpanFunctions.Fit_ValueWithGradient(k, data, picks);
        Assert.Equal(SpanFunctions.Fit(k, data, picks), value);
        double expected = 3 * picks.Sum(p => -data[p] * Math.Exp(-k * data[p]) * data[p]);
        Assert.Equal(expected, dk, 12);
        SpanFunctions.Fit_Primal(k, data, picks, out var r);
        Assert.Equal(dk, SpanFunctions.Fit_Pullback(in r, 1), 12);
    }

    [Fact]
    public void WorkspaceSpan()
    {
        var work = new double[X.Length];
        var (_, g) = SpanFunctions.Workspace_ValueWithGradient(X, work);
        LoopTests.Close(X.Select(v => 3 * v * v).ToArray(), g, 1e-12, "through a workspace span");
        var (_, ga) = SpanFunctions.WorkspaceArray_ValueWithGradient(X, work);
        LoopTests.Close(X.Select(v => 3 * v * v).ToArray(), ga, 1e-12, "through a workspace array");
        var shadow = new double[X.Length];
        SpanFunctions.Workspace_Primal(X, work, shadow, out var r);
        SpanFunctions.Workspace_Pullback(in r, 1);
        LoopTests.Close(g, shadow, 1e-12, "split");
        Assert.Equal(g[1], SpanFunctions.Workspace_Jvp(X, work, new[] { 0, 1.0, 0, 0, 0 }).Tangent, 12);
    }

    [Fact]
    public void NamedDerivativesOfASpanFunction()
    {
        var (_, gradient) = SpanFunctions.SineWeighted_ValueWithGradient(X);
        Assert.Equal(gradient, SpanFunctions.SineWeightedGradient(X));
        var dx = new[] { 1.0, 0, 0, 0, 0.5 };
        Assert.Equal(SpanFunctions.SineWeighted_Jvp(X, dx), SpanFunctions.SineWeightedJvp(X, dx));
    }

    [Fact]
    public void GradientOfALambdaCallingSpanCode()
    {
        // The operator binds the lambda at compile time; its fused gradient comes back as an array.
        var g = Autodiff.Gradient(v => SpanFunctions.SineWeighted(v.AsSpan(1)) * 2, X);
        var fd = LoopTests.FiniteGradient(v => SpanFunctions.SineWeighted(v.AsSpan(1)) * 2, X);
        LoopTests.Close(fd, g, 1e-6, "lambda gradient vs finite differences");
        Assert.Equal(0, g[0]);
    }

    [Fact]
    public void GenericMathOverOverlappingSpans()
    {
        CheckOneInput(v => SpanFunctions.OverlappingDot(v), v => SpanFunctions.OverlappingDot_ValueWithGradient(v),
            (v, dv) => SpanFunctions.OverlappingDot_Jvp(v, dv), (v, g) => SpanFunctions.OverlappingDot_ValueWithGradient(v, g), X);
        // The float instantiation: ∂(a·b)/∂a = b.
        float[] a = { 1, 2, 3 }, b = { 4, -5, 6 };
        var (value, (da, db)) = SpanFunctions.Dot_ValueWithGradient(a, b);
        Assert.Equal(12f, value);
        Assert.Equal(b, da);
        Assert.Equal(a, db);
    }
}
