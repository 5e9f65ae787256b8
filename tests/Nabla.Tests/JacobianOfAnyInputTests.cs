// JacobianForward and JacobianReverse of functions whose input is not an array (a [Differentiable] struct or class, a
// scalar, a vector, a tuple, a matrix) or whose result is of a [Differentiable] type: against closed forms, each mode
// against the other, on lambdas, method groups and (for reals) a delegate variable. Rows follow the flat view of the
// result's tangent, columns the input's (ITangent.CopyTo order).
using System;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

[Differentiable]
public partial struct JacPoint
{
    public double A;
    public double B;
}

[Differentiable]
public partial struct JacState
{
    public double U;
    public JacPoint Inner;
    public double[] W;
}

[Differentiable]
public partial class JacModel
{
    public double K;
    public double[] P = Array.Empty<double>();
}

public static partial class JacFunctions
{
    [Differentiable]
    public static double[] Polar(JacPoint p) => new[] { Math.Sqrt(p.A * p.A + p.B * p.B), Math.Atan2(p.B, p.A) };

    [Differentiable]
    public static JacPoint Rotate(JacPoint p, double angle) =>
        new JacPoint { A = Math.Cos(angle) * p.A - Math.Sin(angle) * p.B, B = Math.Sin(angle) * p.A + Math.Cos(angle) * p.B };

    [Differentiable]
    public static double[] Curve(double t) => new[] { t * t, Math.Sin(t), Math.Exp(-t) };
}

public class JacobianOfAnyInputTests
{
    static void Close(double expected, double actual, double tolerance = 1e-14) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    static void Equal(double[,] expected, double[,] actual, double tolerance = 1e-14)
    {
        Assert.Equal(expected.GetLength(0), actual.GetLength(0));
        Assert.Equal(expected.GetLength(1), actual.GetLength(1));
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
                Close(expected[i, j], actual[i, j], tolerance);
    }

    [Theory]
    [InlineData(3.0, 4.0)]
    [InlineData(-1.5, 0.25)]
    public void StructToArray(double a, double b)
    {
        var p = new JacPoint { A = a, B = b };
        double r = Math.Sqrt(a * a + b * b);
        var expected = new[,] { { a / r, b / r }, { -b / (r * r), a / (r * r) } };
        Equal(expected, JacobianForward(JacFunctions.Polar, p));
        Equal(expected, JacobianReverse(JacFunctions.Polar, p));
        Equal(expected, JacobianForward(q => JacFunctions.Polar(q), p));
        Equal(expected, JacobianReverse(q => JacFunctions.Polar(q), p));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(-2.1)]
    public void StructToStructIsTheRotationMatrix(double angle)
    {
        var p = new JacPoint { A = 2, B = -3 };
        double c = Math.Cos(angle), s = Math.Sin(angle);
        var expected = new[,] { { c, -s }, { s, c } };
        Equal(expected, JacobianForward(q => JacFunctions.Rotate(q, angle), p));   // angle captured: data
        Equal(expected, JacobianReverse(q => JacFunctions.Rotate(q, angle), p));
    }

    [Fact]
    public void NestedStructWithAnArrayMember()
    {
        var t = new JacState { U = 1.5, Inner = new JacPoint { A = 2, B = 3 }, W = new[] { 1.0, 2.0 } };
        // Columns: U, Inner.A, Inner.B, W[0], W[1].
        var expected = new[,]
        {
            { 1.0, 0, 0, 1.5, 0 },          // U·W[0]
            { 0, 2.0, 0, 0, 2.0 },          // Inner.A·W[1]
            { 0, 0, 2 * 3.0, 0, 0 },        // Inner.B²
        };
        Equal(expected, JacobianForward(q => (q.U * q.W[0], q.Inner.A * q.W[1], q.Inner.B * q.Inner.B), t));
        Equal(expected, JacobianReverse(q => (q.U * q.W[0], q.Inner.A * q.W[1], q.Inner.B * q.Inner.B), t));
        Assert.Equal(new[] { 1.0, 2.0 }, t.W);   // the input is not changed
    }

    [Fact]
    public void ClassInput()
    {
        var m = new JacModel { K = 2, P = new[] { 1.0, 3.0 } };
        var expected = new[,] { { 1.0, 2, 0 }, { 2 * 2 * 3.0, 0, 4 } };   // K·P[0], K²·P[1] over K, P[0], P[1]
        Equal(expected, JacobianForward(q => new[] { q.K * q.P[0], q.K * q.K * q.P[1] }, m));
        Equal(expected, JacobianReverse(q => new[] { q.K * q.P[0], q.K * q.K * q.P[1] }, m));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void ScalarInputIsOneColumn(double t)
    {
        var expected = new[,] { { 2 * t }, { Math.Cos(t) }, { -Math.Exp(-t) } };
        Equal(expected, JacobianForward(JacFunctions.Curve, t));
        Equal(expected, JacobianReverse(JacFunctions.Curve, t));
        Equal(expected, JacobianForward(x => JacFunctions.Curve(x), t));
        Func<double, double[]> curve = JacFunctions.Curve;   // found in the registry at run time
        Equal(expected, JacobianForward(curve, t));
        Equal(expected, JacobianReverse(curve, t));
    }

    [Fact]
    public void ScalarToStruct()
    {
        double x = 0.3;
        var expected = new[,] { { 2 * x }, { Math.Cos(x) } };
        Equal(expected, JacobianForward(u => new JacPoint { A = u * u, B = Math.Sin(u) }, x));
        Equal(expected, JacobianReverse(u => new JacPoint { A = u * u, B = Math.Sin(u) }, x));
    }

    [Fact]
    public void ArrayToStructInBothModes()
    {
        var a = new[] { 2.0, 3.0, -1.0 };
        var expected = new[,] { { 3.0, 2, 0 }, { 0, 0, -2.0 } };   // A = a0·a1, B = a2²
        Equal(expected, JacobianForward(v => new JacPoint { A = v[0] * v[1], B = v[2] * v[2] }, a));
        Equal(expected, JacobianReverse(v => new JacPoint { A = v[0] * v[1], B = v[2] * v[2] }, a));
        float[] f = { 2f, 3f };
        float[,] single = JacobianReverse(v => new Vector2(v[0] * v[1], v[0]), f);
        Assert.Equal(new float[,] { { 3f, 2f }, { 1f, 0f } }, single);
    }

    [Fact]
    public void VectorTupleAndMatrixInputs()
    {
        var v = new Vector3(1, 2, 3);
        var expectedV = new[,] { { 2.0, 1, 0 }, { 0, 0, 1 } };
        Equal(expectedV, JacobianForward(u => new[] { (double)(u.X * u.Y), u.Z }, v));
        Equal(expectedV, JacobianReverse(u => new[] { (double)(u.X * u.Y), u.Z }, v));

        var expectedT = new[,] { { 5.0, 2.0 } };
        Equal(expectedT, JacobianForward(p => p.Item1 * p.Item2, (2.0, 5.0)));
        Equal(expectedT, JacobianReverse(p => p.Item1 * p.Item2, (2.0, 5.0)));

        // A matrix is flattened row by row: columns m[0,0], m[0,1], m[1,0], m[1,1].
        var m = new double[,] { { 1, 2 }, { 3, 4 } };
        var expectedM = new[,] { { 4.0, 0, 0, 1 }, { 0, 3.0, 2, 0 } };
        Equal(expectedM, JacobianForward(a => new[] { a[0, 0] * a[1, 1], a[0, 1] * a[1, 0] }, m));
        Equal(expectedM, JacobianReverse(a => new[] { a[0, 0] * a[1, 1], a[0, 1] * a[1, 0] }, m));
    }

    [Fact]
    public void ForwardEqualsReverseOnAStructModel()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 20; trial++)
        {
            var t = new JacState
            {
                U = rng.NextDouble() * 2 - 1,
                Inner = new JacPoint { A = rng.NextDouble() + 0.5, B = rng.NextDouble() - 0.5 },
                W = new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() },
            };
            var forward = JacobianForward(q => new[]
            {
                Math.Tanh(q.U * q.W[0] + q.Inner.A),
                q.W[1] * Math.Log(q.Inner.A) - q.Inner.B * q.W[2],
                Math.Sin(q.U) * Math.Cos(q.W[2] * q.Inner.B),
            }, t);
            var reverse = JacobianReverse(q => new[]
            {
                Math.Tanh(q.U * q.W[0] + q.Inner.A),
                q.W[1] * Math.Log(q.Inner.A) - q.Inner.B * q.W[2],
                Math.Sin(q.U) * Math.Cos(q.W[2] * q.Inner.B),
            }, t);
            Assert.Equal(3, forward.GetLength(0));
            Assert.Equal(6, forward.GetLength(1));
            Equal(forward, reverse, 1e-13);
            // Against central differences over the flat view (U, Inner.A, Inner.B, W[0..2]).
            double[] flat = { t.U, t.Inner.A, t.Inner.B, t.W[0], t.W[1], t.W[2] };
            for (int j = 0; j < flat.Length; j++)
            {
                double h = 1e-6;
                var plus = (double[])flat.Clone(); plus[j] += h;
                var minus = (double[])flat.Clone(); minus[j] -= h;
                double[] fp = Model(plus), fm = Model(minus);
                for (int i = 0; i < 3; i++) Close((fp[i] - fm[i]) / (2 * h), forward[i, j], 1e-7);
            }
        }

        static double[] Model(double[] v) => new[]
        {
            Math.Tanh(v[0] * v[3] + v[1]),
            v[4] * Math.Log(v[1]) - v[2] * v[5],
            Math.Sin(v[0]) * Math.Cos(v[5] * v[2]),
        };
    }
}
