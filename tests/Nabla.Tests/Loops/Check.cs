// One checker for every generated form of a function, whatever its signature: the test flattens the
// function's inputs into one vector x and gives adapters that rebuild fresh typed inputs from x (so a
// function that writes into its inputs never sees a previous call's writes).
using System;
using System.Linq;
using Xunit;

namespace Nabla.Tests.Loops;

internal static class Check
{
    /// <summary>Reverse against central differences: the step is 1e-6·max(1, |x_i|), so the error is ~1e-10·|f|.</summary>
    public const double FiniteDifferenceTolerance = 1e-6;

    /// <summary>Forward against reverse, split against fused: the same derivative summed in another order.</summary>
    public const double ModeTolerance = 1e-12;

    /// <summary>
    /// Checks a scalar-valued function of the flat vector <paramref name="x"/> in every form: the fused gradient
    /// against central differences (and a closed form when given), forward mode along each unit vector against it,
    /// and the split primal/pullback against it with seeds 1 and -2.5. Values must equal the original's exactly.
    /// </summary>
    /// <param name="split">(x, seed) ↦ the primal's value and the cotangents the pullback gives for that seed.</param>
    public static double[] Gradient(
        Func<double[], double> f,
        Func<double[], (double Value, double[] Gradient)> fused,
        Func<double[], double, (double Value, double[] Gradient)> split,
        Func<double[], double[], (double Value, double Tangent)> jvp,
        double[] x,
        double[]? closedForm = null,
        double fdTolerance = FiniteDifferenceTolerance,
        double modeTolerance = ModeTolerance,
        double closedFormTolerance = 1e-12,
        double h = 1e-6)
    {
        double value = f(Copy(x));
        var (fusedValue, gradient) = fused(Copy(x));
        Assert.Equal(value, fusedValue);
        Assert.Equal(x.Length, gradient.Length);
        Assert.All(gradient, g => Assert.True(double.IsFinite(g), "gradient has a non-finite component"));
        LoopTests.Close(LoopTests.FiniteGradient(f, x, h), gradient, fdTolerance, "reverse vs finite differences");

        var forward = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var dx = new double[x.Length];
            dx[i] = 1;
            var (v, t) = jvp(Copy(x), dx);
            Assert.Equal(value, v);
            forward[i] = t;
        }
        LoopTests.Close(gradient, forward, modeTolerance, "forward vs reverse");
        // One JVP along a dense direction: all tangents at once must give the directional derivative g·d.
        var d = Direction(x.Length);
        double dense = jvp(Copy(x), Copy(d)).Tangent;
        double gd = gradient.Zip(d, (a, b) => a * b).Sum();
        Assert.True(Math.Abs(dense - gd) <= modeTolerance * 10 * (1 + gradient.Sum(Math.Abs)), $"JVP along a dense direction: {dense:R} vs g·d = {gd:R}");

        var (splitValue, splitGradient) = split(Copy(x), 1.0);
        Assert.Equal(value, splitValue);
        LoopTests.Close(gradient, splitGradient, modeTolerance, "split vs fused reverse");
        var (_, scaled) = split(Copy(x), -2.5);
        LoopTests.Close(gradient.Select(g => -2.5 * g).ToArray(), scaled, modeTolerance, "split pullback seeded with -2.5");
        if (closedForm != null) LoopTests.Close(closedForm, gradient, closedFormTolerance, "reverse vs closed form");
        return gradient;
    }

    /// <summary>
    /// Checks a vector-valued function of the flat vector <paramref name="x"/>: the Jacobian by forward mode
    /// (column by column), by the fused VJP and by the split primal/pullback (row by row) against each other,
    /// against central differences and against a closed form when given.
    /// </summary>
    /// <param name="vjp">(x, cotangent) ↦ value and cotangentᵀ·J.</param>
    /// <param name="split">(x, cotangent) ↦ value and cotangentᵀ·J through the primal and the pullback.</param>
    public static double[,] Jacobian(
        Func<double[], double[]> f,
        Func<double[], double[], (double[] Value, double[] Tangent)> jvp,
        Func<double[], double[], (double[] Value, double[] Gradient)> vjp,
        Func<double[], double[], (double[] Value, double[] Gradient)> split,
        double[] x,
        double[,]? closedForm = null,
        double fdTolerance = FiniteDifferenceTolerance,
        double modeTolerance = ModeTolerance,
        double closedFormTolerance = 1e-12)
    {
        var value = f(Copy(x));
        int m = value.Length, n = x.Length;
        var fd = FiniteJacobian(f, x);
        var forward = new double[m, n];
        for (int j = 0; j < n; j++)
        {
            var dx = new double[n];
            dx[j] = 1;
            var (v, column) = jvp(Copy(x), dx);
            LoopTests.Close(value, v, 0, "JVP value");
            Assert.Equal(m, column.Length);
            for (int i = 0; i < m; i++) forward[i, j] = column[i];
        }
        for (int i = 0; i < m; i++)
        {
            var ct = new double[m];
            ct[i] = 1;
            var (v, row) = vjp(Copy(x), Copy(ct));
            LoopTests.Close(value, v, 0, "VJP value");
            Assert.Equal(n, row.Length);
            LoopTests.Close(Row(forward, i), row, modeTolerance, $"forward vs reverse, row {i}");
            LoopTests.Close(Row(fd, i), row, fdTolerance, $"reverse vs finite differences, row {i}");
            var (sv, splitRow) = split(Copy(x), Copy(ct));
            LoopTests.Close(value, sv, 0, "split primal value");
            LoopTests.Close(row, splitRow, modeTolerance, $"split vs fused reverse, row {i}");
            if (closedForm != null) LoopTests.Close(Row(closedForm, i), row, closedFormTolerance, $"reverse vs closed form, row {i}");
        }
        // A dense cotangent: the VJP is linear in it.
        var c = Direction(m);
        var (_, dense) = vjp(Copy(x), Copy(c));
        var expected = new double[n];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) expected[j] += c[i] * forward[i, j];
        LoopTests.Close(expected, dense, modeTolerance * 10, "VJP with a dense cotangent vs cᵀ·J");
        return forward;
    }

    /// <summary>The runtime operators over a method group agree with the Jacobian the generated methods give.</summary>
    public static void Operators(Func<double[], double[]> f, double[] x, double[,] jacobian, double tolerance = ModeTolerance)
    {
        var forward = Autodiff.JacobianForward(f, Copy(x));
        var reverse = Autodiff.JacobianReverse(f, Copy(x));
        int m = jacobian.GetLength(0), n = jacobian.GetLength(1);
        Assert.Equal(m, forward.GetLength(0));
        Assert.Equal(n, forward.GetLength(1));
        Assert.Equal(m, reverse.GetLength(0));
        Assert.Equal(n, reverse.GetLength(1));
        for (int i = 0; i < m; i++)
        {
            LoopTests.Close(Row(jacobian, i), Row(forward, i), tolerance, $"JacobianForward row {i}");
            LoopTests.Close(Row(jacobian, i), Row(reverse, i), tolerance, $"JacobianReverse row {i}");
        }
        var c = Direction(m);
        var vjp = Autodiff.Vjp(f, Copy(x), Copy(c));
        var expected = new double[n];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) expected[j] += c[i] * jacobian[i, j];
        LoopTests.Close(expected, vjp, tolerance * 10, "Autodiff.Vjp");
        var d = Direction(n);
        var (_, jv) = Autodiff.Jvp(f, Copy(x), Copy(d));
        var expectedJv = new double[m];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) expectedJv[i] += jacobian[i, j] * d[j];
        LoopTests.Close(expectedJv, jv, tolerance * 10, "Autodiff.Jvp");
    }

    /// <summary>Central differences of a vector function, column by column; f gets fresh copies.</summary>
    public static double[,] FiniteJacobian(Func<double[], double[]> f, double[] x, double h = 1e-6)
    {
        int m = f(Copy(x)).Length, n = x.Length;
        var jacobian = new double[m, n];
        for (int j = 0; j < n; j++)
        {
            var plus = Copy(x);
            var minus = Copy(x);
            double step = h * Math.Max(1, Math.Abs(x[j]));
            plus[j] += step;
            minus[j] -= step;
            var fp = f(plus);
            var fm = f(minus);
            for (int i = 0; i < m; i++) jacobian[i, j] = (fp[i] - fm[i]) / (2 * step);
        }
        return jacobian;
    }

    /// <summary>
    /// The float version of <see cref="Gradient"/>. Float finite differences are coarse (step 1e-2·max(1, |x_i|):
    /// truncation ~2e-5·|f'''|, rounding ~6e-6·|f|), so they are checked to 2e-3; the gradient is also checked
    /// against <paramref name="reference"/>, the double gradient of the same function, to float precision.
    /// </summary>
    public static float[] GradientF(
        Func<float[], float> f,
        Func<float[], (float Value, float[] Gradient)> fused,
        Func<float[], float, (float Value, float[] Gradient)> split,
        Func<float[], float[], (float Value, float Tangent)> jvp,
        float[] x,
        double[] reference,
        double fdTolerance = 2e-3,
        double referenceTolerance = 2e-5,
        double modeTolerance = 2e-6)
    {
        float value = f(CopyF(x));
        var (fusedValue, gradient) = fused(CopyF(x));
        Assert.Equal(value, fusedValue);
        var fd = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var plus = CopyF(x);
            var minus = CopyF(x);
            float step = 1e-2f * Math.Max(1f, Math.Abs(x[i]));
            plus[i] += step;
            minus[i] -= step;
            fd[i] = ((double)f(plus) - f(minus)) / ((double)plus[i] - minus[i]);
        }
        var g = gradient.Select(v => (double)v).ToArray();
        LoopTests.Close(fd, g, fdTolerance, "float reverse vs float finite differences");
        LoopTests.Close(reference, g, referenceTolerance, "float reverse vs the double gradient");
        var forward = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var dx = new float[x.Length];
            dx[i] = 1;
            var (v, t) = jvp(CopyF(x), dx);
            Assert.Equal(value, v);
            forward[i] = t;
        }
        LoopTests.Close(g, forward, modeTolerance, "float forward vs reverse");
        var (splitValue, splitGradient) = split(CopyF(x), 1f);
        Assert.Equal(value, splitValue);
        LoopTests.Close(g, splitGradient.Select(v => (double)v).ToArray(), modeTolerance, "float split vs fused");
        return gradient;
    }

    /// <summary>A split primal + pullback that writes the gradient into the array it is given: (value, that gradient).</summary>
    public static (double, double[]) Split(Func<double[], double[], double> primalAndPullback, double[] x)
    {
        var g = new double[x.Length];
        double v = primalAndPullback(x, g);
        return (v, g);
    }

    public static double[] Copy(double[] x) => (double[])x.Clone();
    public static float[] CopyF(float[] x) => (float[])x.Clone();

    public static double[] Row(double[,] m, int i) => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray();

    /// <summary>A fixed dense direction with no special structure.</summary>
    public static double[] Direction(int n) => Enumerable.Range(0, n).Select(i => Math.Sin(1.7 * i + 0.3) + 0.25).ToArray();

    /// <summary>A unit cotangent/tangent of length n.</summary>
    public static double[] Unit(int n, int i)
    {
        var e = new double[n];
        e[i] = 1;
        return e;
    }
}

/// <summary>Flattening typed inputs (several arrays, matrices, jagged arrays, scalars) into one vector and back.</summary>
internal static class Flat
{
    public static double[] Concat(params double[][] parts) => parts.SelectMany(p => p).ToArray();

    public static double[] Slice(double[] x, int start, int length) => x.AsSpan(start, length).ToArray();

    public static double[,] Matrix(double[] x, int start, int rows, int cols)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i, j] = x[start + i * cols + j];
        return m;
    }

    public static double[] Of(double[,] m)
    {
        var x = new double[m.Length];
        int k = 0;
        for (int i = 0; i < m.GetLength(0); i++) for (int j = 0; j < m.GetLength(1); j++) x[k++] = m[i, j];
        return x;
    }

    public static double[][] Jagged(double[] x, int start, int[] rowLengths)
    {
        var m = new double[rowLengths.Length][];
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = x.AsSpan(start, rowLengths[i]).ToArray();
            start += rowLengths[i];
        }
        return m;
    }

    public static double[] Of(double[][] m) => m.SelectMany(r => r).ToArray();

    public static int[] Shape(double[][] m) => m.Select(r => r.Length).ToArray();

    public static float[] F(params double[] x) => x.Select(v => (float)v).ToArray();

    public static double[] D(float[] x) => x.Select(v => (double)v).ToArray();
}
