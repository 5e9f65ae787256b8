// F_ValueWithGradient(inputs..., gradient buffers) for functions of arrays is the one-pass reverse mode itself, and
// the form returning new arrays makes them and calls it. Checked here against the split halves (Primal, Pullback:
// generated apart from it) and central differences: buffers that hold garbage are overwritten, 2-D, jagged and
// float buffers, two inputs that are one array, and no allocation per call.
using System;
using System.Linq;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class BufferFunctions
{
    /// <summary>Loops, an in-place update of an input, a Tanh: a gradient that needs the tape.</summary>
    [Differentiable]
    public static double Smooth(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = Math.Tanh(a[i] * b[i % b.Length]);
            for (int j = 0; j < b.Length; j++) s += a[i] * b[j] * (i + j + 1);
        }
        return s;
    }
}

public class GradientIntoBuffersTests
{
    private static readonly double[] A = { 0.3, -0.8, 1.1, 0.45 };
    private static readonly double[] B = { 0.7, -0.2, 0.9 };

    private static (double Value, double[] Da, double[] Db) Split(double[] a, double[] b)
    {
        var (da, db) = (new double[a.Length], new double[b.Length]);
        double value = BufferFunctions.Smooth_Primal(a, b, da, db, out var residuals);
        BufferFunctions.Smooth_Pullback(in residuals, 1.0);
        return (value, da, db);
    }

    [Fact]
    public void BuffersThatHoldGarbageGetTheGradientOfTheSplitHalvesAndOfFiniteDifferences()
    {
        var (da, db) = (Enumerable.Repeat(double.NaN, A.Length).ToArray(), Enumerable.Repeat(1e300, B.Length).ToArray());
        double value = BufferFunctions.Smooth_ValueWithGradient((double[])A.Clone(), (double[])B.Clone(), da, db);
        var expected = Split((double[])A.Clone(), (double[])B.Clone());
        Assert.Equal(expected.Value, value);
        LoopTests.Close(expected.Da, da, Check.ModeTolerance, "buffer a vs split");
        LoopTests.Close(expected.Db, db, Check.ModeTolerance, "buffer b vs split");
        double F(double[] v) => BufferFunctions.Smooth(v[..A.Length], v[A.Length..]);
        LoopTests.Close(LoopTests.FiniteGradient(F, A.Concat(B).ToArray(), 1e-6), da.Concat(db).ToArray(), Check.FiniteDifferenceTolerance, "buffers vs finite differences");

        // The form returning new arrays gives the same.
        var (value2, (na, nb)) = BufferFunctions.Smooth_ValueWithGradient((double[])A.Clone(), (double[])B.Clone());
        Assert.Equal(value, value2);
        Assert.Equal(da, na);
        Assert.Equal(db, nb);
    }

    [Fact]
    public void TwoInputsThatAreOneArrayShareOneGradientThatOfTheFunctionOfTheArray()
    {
        // Smooth(v, v): every write to a[i] is a write to b too; the gradient is that of g(v) = Smooth(v, v).
        var v = new[] { 0.3, -0.8, 1.1 };
        var shared = (double[])v.Clone();
        var (value, (ga, gb)) = BufferFunctions.Smooth_ValueWithGradient(shared, shared);
        Assert.Same(ga, gb);
        double G(double[] x) { var copy = (double[])x.Clone(); return BufferFunctions.Smooth(copy, copy); }
        Assert.Equal(G(v), value);
        LoopTests.Close(LoopTests.FiniteGradient(G, v, 1e-6), ga, Check.FiniteDifferenceTolerance, "aliased inputs vs finite differences");
    }

    [Fact]
    public void TwoInputsThatAreOneArrayNeedOneBuffer()
    {
        var v = new[] { 0.3, -0.8, 1.1 };
        var shared = (double[])v.Clone();
        var error = Assert.Throws<ArgumentException>(() => BufferFunctions.Smooth_ValueWithGradient(shared, shared, new double[3], new double[3]));
        Assert.Contains("pass the same buffer for gradient_b and gradient_a", error.Message);
        // One buffer for both: the gradient of the array, as the form returning new arrays gives it.
        var (buffer, once, again) = (new double[3], (double[])v.Clone(), (double[])v.Clone());
        double value = BufferFunctions.Smooth_ValueWithGradient(once, once, buffer, buffer);
        var (expectedValue, (expected, _)) = BufferFunctions.Smooth_ValueWithGradient(again, again);
        Assert.Equal(expectedValue, value);
        Assert.Equal(expected, buffer);
    }

    [Fact]
    public void ABufferOfAnotherShapeIsRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => BufferFunctions.Smooth_ValueWithGradient((double[])A.Clone(), (double[])B.Clone(), new double[A.Length], new double[B.Length - 1]));
        Assert.Equal("gradient_b", error.ParamName);
        Assert.Contains("its length, 3, not 2", error.Message);
        Assert.Throws<ArgumentException>(() => ArrayForms.ProductFrobenius_ValueWithGradient(new double[2, 3], new double[3, 2], new double[3, 2], new double[3, 2]));
        var rowError = Assert.Throws<ArgumentException>(() => ArrayForms.JaggedMatMulTanh_ValueWithGradient(
            new[] { new double[2], new double[2] }, new[] { new double[3], new double[3] },
            new[] { new double[2], new double[1] }, new[] { new double[3], new double[3] }));
        Assert.Contains("'a[1]'", rowError.Message);
    }

    [Fact]
    public void MatrixJaggedAndFloatBuffers()
    {
        var a = new double[,] { { 0.2, -0.5, 0.8 }, { 1.1, 0.3, -0.4 } };
        var b = new double[,] { { 0.6, -0.1 }, { 0.2, 0.9 }, { -0.7, 0.4 } };
        var (ga, gb) = (new double[2, 3], new double[3, 2]);
        ga[1, 1] = double.NaN;
        double value = ArrayForms.ProductFrobenius_ValueWithGradient(a, b, ga, gb);
        var (sa, sb) = (new double[2, 3], new double[3, 2]);
        double splitValue = ArrayForms.ProductFrobenius_Primal(a, b, sa, sb, out var r);
        ArrayForms.ProductFrobenius_Pullback(in r, 1.0);
        Assert.Equal(splitValue, value);
        LoopTests.Close(Flat.Of(sa), Flat.Of(ga), Check.ModeTolerance, "2-D buffer a vs split");
        LoopTests.Close(Flat.Of(sb), Flat.Of(gb), Check.ModeTolerance, "2-D buffer b vs split");

        var ja = new[] { new[] { 0.2, -0.5 }, new[] { 1.1, 0.3 } };
        var jb = new[] { new[] { 0.6, -0.1, 0.4 }, new[] { 0.2, 0.9, -0.3 } };
        var (gja, gjb) = (new[] { new double[2], new double[2] }, new[] { new double[3], new double[3] });
        gja[0][1] = 5;
        double jvalue = ArrayForms.JaggedMatMulTanh_ValueWithGradient(ja, jb, gja, gjb);
        var (tvalue, (tja, tjb)) = ArrayForms.JaggedMatMulTanh_ValueWithGradient(ja, jb);
        var (sja, sjb) = (new[] { new double[2], new double[2] }, new[] { new double[3], new double[3] });
        double sjvalue = ArrayForms.JaggedMatMulTanh_Primal(ja, jb, sja, sjb, out var jr);
        ArrayForms.JaggedMatMulTanh_Pullback(in jr, 1.0);
        Assert.Equal(sjvalue, jvalue);
        Assert.Equal(tvalue, jvalue);
        LoopTests.Close(Flat.Of(sja).Concat(Flat.Of(sjb)).ToArray(), Flat.Of(gja).Concat(Flat.Of(gjb)).ToArray(), Check.ModeTolerance, "jagged buffers vs split");
        LoopTests.Close(Flat.Of(tja).Concat(Flat.Of(tjb)).ToArray(), Flat.Of(gja).Concat(Flat.Of(gjb)).ToArray(), 0, "jagged buffers vs new arrays");

        var fa = new float[,] { { 0.5f, -0.25f }, { 1.5f, 0.75f } };
        var gf = new float[2, 2];
        gf[0, 0] = float.NaN;
        float fvalue = ArrayForms.FloatMatrixForm_ValueWithGradient(fa, gf);
        var sf = new float[2, 2];
        float sfvalue = ArrayForms.FloatMatrixForm_Primal(fa, sf, out var fr);
        ArrayForms.FloatMatrixForm_Pullback(in fr, 1f);
        Assert.Equal(sfvalue, fvalue);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(sf[i, j], gf[i, j], 5);
    }

    [Fact]
    public void NoAllocationPerCallIntoTheCallersBuffers()
    {
        var (a, b) = ((double[])A.Clone(), (double[])B.Clone());
        var (da, db) = (new double[A.Length], new double[B.Length]);
        for (int warm = 0; warm < 5; warm++) { A.CopyTo(a, 0); BufferFunctions.Smooth_ValueWithGradient(a, b, da, db); }
        Assert.Equal(0, SteadyState.BytesPerBatch(() =>
        {
            for (int k = 0; k < 200; k++) { A.CopyTo(a, 0); BufferFunctions.Smooth_ValueWithGradient(a, b, da, db); }
        }));
    }
}
