// Array.Fill, Array.Clear, Array.Copy and a.CopyTo(b, i) on arrays that carry derivatives: differentiated as the loops of
// element stores they are (ArrayWriters in the generator). Checked against closed forms, central differences (GradCheck),
// forward against reverse, and second derivatives; overlapping copies within one array as Array.Copy defines them.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static partial class ArrayWriterFunctions
{
    [Differentiable]
    public static double Filled(double x)
    {
        var a = new double[3];
        Array.Fill(a, x * x);
        return a[0] + a[1] * a[2];   // x² + x⁴
    }

    /// <summary>(2·p0 + 26·p1)·p2, through copies (one overlapping), a partial fill, CopyTo and a partial clear.</summary>
    [Differentiable]
    public static double Shuffled(double[] p)
    {
        var a = new double[5];
        Array.Copy(p, a, 3);              // p0 p1 p2 0 0
        Array.Copy(a, 0, a, 1, 4);        // p0 p0 p1 p2 0   (overlapping: as if through a temporary)
        Array.Fill(a, p[1] * 2, 3, 2);    // p0 p0 p1 2p1 2p1
        var b = new double[6];
        a.CopyTo(b, 1);                   // 0 p0 p0 p1 2p1 2p1
        Array.Clear(b, 2, 1);             // 0 p0 0 p1 2p1 2p1
        double s = 0;
        for (int i = 0; i < b.Length; i++) s += b[i] * (i + 1);
        return s * p[2];
    }

    /// <summary>A copy to an earlier index within one array (runs forwards): p1 p2 p2 → Σ i·a[i].</summary>
    [Differentiable]
    public static double ShiftedLeft(double[] p)
    {
        var a = (double[])p.Clone();
        Array.Copy(a, 1, a, 0, a.Length - 1);
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (i + 1) * a[i] * a[i];
        return s;
    }

    /// <summary>Writes into its input: the overwritten elements no longer reach the result.</summary>
    [Differentiable]
    public static double ClearsItsInput(double[] p)
    {
        double before = p[0] * p[1];
        Array.Clear(p);
        Array.Fill(p, before, 1, 1);
        return p[0] + p[1] * p[1] + p[2];   // (p0·p1)²
    }

    /// <summary>A fill in a loop: the buffer is refilled each step from the running value.</summary>
    [Differentiable]
    public static float Recurrence(float x, int steps)
    {
        var buffer = new float[4];
        float v = x;
        for (int k = 0; k < steps; k++)
        {
            Array.Fill(buffer, v);
            buffer[k % 4] *= 2f;
            float s = 0f;
            for (int i = 0; i < buffer.Length; i++) s += buffer[i];
            v = 0.25f * MathF.Sin(s);
        }
        return v;
    }
}

public class ArrayWriterTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(-0.7)]
    public void FillOfAnActiveValue(double x)
    {
        Assert.Equal(2 * x + 4 * x * x * x, Derivative(ArrayWriterFunctions.Filled, x), 12);
        Assert.Equal(2 * x + 4 * x * x * x, Gradient(ArrayWriterFunctions.Filled, x), 12);
        Assert.Equal(2 + 12 * x * x, Hessian(ArrayWriterFunctions.Filled, x), 11);
    }

    [Fact]
    public void CopiesFillsAndClearsAgreeWithTheClosedForm()
    {
        var p = new[] { 1.0, 2.0, 3.0 };
        Assert.Equal((2 + 52) * 3.0, ArrayWriterFunctions.Shuffled(p));
        var g = Gradient(ArrayWriterFunctions.Shuffled, p);
        Assert.Equal(new[] { 2 * 3.0, 26 * 3.0, 2 + 52.0 }, g);
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, p);
        for (int j = 0; j < 3; j++)
        {
            var direction = new double[3];
            direction[j] = 1;
            Assert.Equal(g[j], Jvp(ArrayWriterFunctions.Shuffled, p, direction).Tangent, 12);
        }
        var h = Hessian(ArrayWriterFunctions.Shuffled, p);
        Assert.Equal(new double[,] { { 0, 0, 2 }, { 0, 0, 26 }, { 2, 26, 0 } }, h);
        GradCheck.Assert(ArrayWriterFunctions.Shuffled, new[] { 0.3, -1.2, 2.5 });
    }

    [Fact]
    public void OverlappingCopyToAnEarlierIndex()
    {
        var p = new[] { 1.5, -2.0, 0.5 };
        // a = p1 p2 p2: 1·p1² + 2·p2² + 3·p2² = p1² + 5·p2².
        Assert.Equal(p[1] * p[1] + 5 * p[2] * p[2], ArrayWriterFunctions.ShiftedLeft(p), 12);
        Assert.Equal(new[] { 0, 2 * p[1], 10 * p[2] }, Gradient(ArrayWriterFunctions.ShiftedLeft, p));
        GradCheck.Assert(ArrayWriterFunctions.ShiftedLeft, p);
    }

    [Fact]
    public void WritingIntoTheInputCutsWhatItOverwrote()
    {
        double p0 = 1.5, p1 = -0.5, p2 = 4.0;
        var g = Gradient(ArrayWriterFunctions.ClearsItsInput, new[] { p0, p1, p2 });
        Assert.Equal(new[] { 2 * p0 * p1 * p1, 2 * p0 * p0 * p1, 0 }, g);
        var t = Jvp(ArrayWriterFunctions.ClearsItsInput, new[] { p0, p1, p2 }, new[] { 1.0, 0, 0 }).Tangent;
        Assert.Equal(g[0], t, 12);
    }

    [Theory]
    [InlineData(0.4f, 3)]
    [InlineData(-1.1f, 7)]
    public void FillInALoopAgreesWithForwardModeAndDifferences(float x, int steps)
    {
        float reverse = Gradient(v => ArrayWriterFunctions.Recurrence(v, steps), x);
        float forward = Derivative(v => ArrayWriterFunctions.Recurrence(v, steps), x);
        Assert.Equal(forward, reverse, 5);
        double h = 1e-3;
        double numeric = (ArrayWriterFunctions.Recurrence((float)(x + h), steps) - ArrayWriterFunctions.Recurrence((float)(x - h), steps)) / (2 * h);
        Assert.True(Math.Abs(numeric - reverse) <= 2e-3 * Math.Max(1, Math.Abs(numeric)), $"numeric {numeric}, reverse {reverse}");
    }
}
