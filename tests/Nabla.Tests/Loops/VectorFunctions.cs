// Vector-valued functions double[] → double[]: the Jacobian by forward mode (JVP per column), by reverse
// mode (VJP per row, fused and split), by Autodiff.JacobianForward and JacobianReverse, and by central
// differences all agree, and with a closed form where it is short.
using System;
using System.Linq;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class VectorFunctions
{
    [Differentiable]
    public static double[] LogSoftmax(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
            if (x[i] > m) m = x[i];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Exp(x[i] - m);
        double lse = m + Math.Log(s);
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i] - lse;
        return y;
    }

    /// <summary>Softmax with the max shift by comparison, exponentials in a local, and one reciprocal.</summary>
    [Differentiable]
    public static double[] Softmax(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
            if (x[i] > m) m = x[i];
        var e = new double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            e[i] = Math.Exp(x[i] - m);
            s += e[i];
        }
        double inverse = 1 / s;
        for (int i = 0; i < e.Length; i++) e[i] *= inverse;
        return e;
    }

    [Differentiable]
    public static double[] CumulativeSum(double[] x)
    {
        var y = new double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += x[i];
            y[i] = s;
        }
        return y;
    }

    /// <summary>Prefix sums in place, returning the input array itself.</summary>
    [Differentiable]
    public static double[] CumulativeSumInPlace(double[] x)
    {
        for (int i = 1; i < x.Length; i++) x[i] += x[i - 1];
        return x;
    }

    /// <summary>Cumulative products in place, returning the input array itself: a nonlinear in-place map.</summary>
    [Differentiable]
    public static double[] CumulativeProductInPlace(double[] x)
    {
        for (int i = 1; i < x.Length; i++) x[i] *= x[i - 1];
        return x;
    }

    /// <summary>The Lotka–Volterra right-hand side, written into an output array.</summary>
    [Differentiable]
    public static void LotkaVolterra(double[] s, double[] ds)
    {
        ds[0] = 1.1 * s[0] - 0.4 * s[0] * s[1];
        ds[1] = 0.1 * s[0] * s[1] - 0.4 * s[1];
    }

    /// <summary>One classical Runge–Kutta step of Lotka–Volterra with local stage arrays.</summary>
    [Differentiable]
    public static double[] Rk4Step(double[] s)
    {
        const double h = 0.1;
        int n = s.Length;
        var k1 = new double[n];
        var k2 = new double[n];
        var k3 = new double[n];
        var k4 = new double[n];
        var t = new double[n];
        LotkaVolterra(s, k1);
        for (int i = 0; i < n; i++) t[i] = s[i] + 0.5 * h * k1[i];
        LotkaVolterra(t, k2);
        for (int i = 0; i < n; i++) t[i] = s[i] + 0.5 * h * k2[i];
        LotkaVolterra(t, k3);
        for (int i = 0; i < n; i++) t[i] = s[i] + h * k3[i];
        LotkaVolterra(t, k4);
        var next = new double[n];
        for (int i = 0; i < n; i++) next[i] = s[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        return next;
    }

    /// <summary>Explicit Euler steps of a damped pendulum, the state updated in place in a local.</summary>
    [Differentiable]
    public static double[] PendulumEuler(double[] state)
    {
        var s = new double[2];
        s[0] = state[0];
        s[1] = state[1];
        for (int k = 0; k < 50; k++)
        {
            double theta = s[0], omega = s[1];
            s[0] = theta + 0.02 * omega;
            s[1] = omega - 0.02 * (9.81 * Math.Sin(theta) + 0.3 * omega);
        }
        return s;
    }

    [Differentiable]
    public static double[] Normalize(double[] x)
    {
        double n = 0;
        foreach (double v in x) n += v * v;
        n = Math.Sqrt(n);
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i] / n;
        return y;
    }

    /// <summary>A polynomial with coefficients c evaluated at five points by Horner's rule: linear in c.</summary>
    [Differentiable]
    public static double[] PolynomialValues(double[] c)
    {
        var y = new double[5];
        for (int j = 0; j < 5; j++)
        {
            double t = -1 + 0.5 * j;
            double p = 0;
            for (int k = c.Length - 1; k >= 0; k--) p = p * t + c[k];
            y[j] = p;
        }
        return y;
    }

    /// <summary>A valid convolution with [1, −2, 1] through tanh: an output shorter than the input.</summary>
    [Differentiable]
    public static double[] SecondDifferenceTanh(double[] x)
    {
        var y = new double[x.Length - 2];
        for (int i = 1; i + 1 < x.Length; i++) y[i - 1] = Math.Tanh(x[i - 1] - 2 * x[i] + x[i + 1]);
        return y;
    }

    /// <summary>A sorted copy by insertion sort on a local: the Jacobian is a permutation.</summary>
    [Differentiable]
    public static double[] SortedCopy(double[] x)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = x[i];
        for (int i = 1; i < y.Length; i++)
        {
            double key = y[i];
            int j = i - 1;
            while (j >= 0 && y[j] > key)
            {
                y[j + 1] = y[j];
                j--;
            }
            y[j + 1] = key;
        }
        return y;
    }

    /// <summary>Distances between all pairs of points in the plane (x0, y0, x1, y1, …): more outputs than inputs.</summary>
    [Differentiable]
    public static double[] PairwiseDistances(double[] points)
    {
        int n = points.Length / 2;
        var d = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double dx = points[2 * i] - points[2 * j];
                double dy = points[2 * i + 1] - points[2 * j + 1];
                d[k++] = Math.Sqrt(dx * dx + dy * dy);
            }
        return d;
    }

    /// <summary>A rectangular matrix times a vector: both differentiated.</summary>
    [Differentiable]
    public static double[] MatVec(double[,] a, double[] x)
    {
        var y = new double[a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                y[i] += a[i, j] * x[j];
        return y;
    }

    /// <summary>A jagged matrix times a vector, then an elementwise nonlinearity.</summary>
    [Differentiable]
    public static double[] JaggedMatVecSin(double[][] a, double[] x)
    {
        var y = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double s = 0;
            for (int j = 0; j < x.Length; j++) s += a[i][j] * x[j];
            y[i] = Math.Sin(s);
        }
        return y;
    }

    /// <summary>A rotation by a run-time shift with position weights.</summary>
    [Differentiable]
    public static double[] RotateWeighted(double[] x, int shift)
    {
        int n = x.Length;
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = x[(i + shift) % n] * (i + 1);
        return y;
    }

    [Differentiable]
    public static float[] SoftmaxF(float[] x)
    {
        float m = x[0];
        foreach (float v in x) m = Math.Max(m, v);
        var e = new float[x.Length];
        float s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            e[i] = MathF.Exp(x[i] - m);
            s += e[i];
        }
        for (int i = 0; i < x.Length; i++) e[i] /= s;
        return e;
    }
}

public class VectorFunctionLoopTests
{
    private static readonly double[] X = { 0.5, -1.25, 2.0, 0.75, -0.3 };

    /// <summary>Every form of a generated single-input vector function, and the runtime operators over it.</summary>
    private static double[,] CheckVector(Func<double[], double[]> f,
        Func<double[], double[], (double[] Value, double[] Tangent)> jvp,
        Func<double[], double[], (double[] Value, double[] Gradient)> vjp,
        Func<double[], double[], (double[] Value, double[] Gradient)> split,
        double[] x, double[,]? closed = null, double closedTolerance = 1e-12)
    {
        var j = Check.Jacobian(f, jvp, vjp, split, x, closed, closedFormTolerance: closedTolerance);
        Check.Operators(f, x, j);
        return j;
    }

    private static double[,] Matrix(int m, int n, Func<int, int, double> entry)
    {
        var a = new double[m, n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[i, j] = entry(i, j);
        return a;
    }

    [Fact]
    public void LogSoftmax()
    {
        double lse = Math.Log(X.Sum(Math.Exp));
        var p = X.Select(v => Math.Exp(v - lse)).ToArray();
        CheckVector(VectorFunctions.LogSoftmax, VectorFunctions.LogSoftmax_Jvp, VectorFunctions.LogSoftmax_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.LogSoftmax_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.LogSoftmax_Pullback(in r); return (y, dx); },
            X, Matrix(5, 5, (i, j) => (i == j ? 1 : 0) - p[j]), 1e-14);
    }

    [Fact]
    public void Softmax()
    {
        double lse = Math.Log(X.Sum(Math.Exp));
        var p = X.Select(v => Math.Exp(v - lse)).ToArray();
        CheckVector(VectorFunctions.Softmax, VectorFunctions.Softmax_Jvp, VectorFunctions.Softmax_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.Softmax_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.Softmax_Pullback(in r); return (y, dx); },
            X, Matrix(5, 5, (i, j) => p[i] * ((i == j ? 1 : 0) - p[j])), 1e-14);
    }

    [Fact]
    public void CumulativeSumIntoANewArray()
    {
        CheckVector(VectorFunctions.CumulativeSum, VectorFunctions.CumulativeSum_Jvp, VectorFunctions.CumulativeSum_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.CumulativeSum_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.CumulativeSum_Pullback(in r); return (y, dx); },
            X, Matrix(5, 5, (i, j) => j <= i ? 1 : 0), 0);
    }

    [Fact]
    public void CumulativeSumInPlaceReturningTheInput()
    {
        CheckVector(VectorFunctions.CumulativeSumInPlace, VectorFunctions.CumulativeSumInPlace_Jvp, VectorFunctions.CumulativeSumInPlace_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.CumulativeSumInPlace_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.CumulativeSumInPlace_Pullback(in r); return (y, dx); },
            X, Matrix(5, 5, (i, j) => j <= i ? 1 : 0), 0);
    }

    [Fact]
    public void CumulativeProductInPlaceReturningTheInput()
    {
        // y_i = Π_{k≤i} x_k: ∂y_i/∂x_j = y_i / x_j for j ≤ i.
        var y = new double[5];
        for (int i = 0; i < 5; i++) y[i] = (i > 0 ? y[i - 1] : 1) * X[i];
        CheckVector(VectorFunctions.CumulativeProductInPlace, VectorFunctions.CumulativeProductInPlace_Jvp, VectorFunctions.CumulativeProductInPlace_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var v = VectorFunctions.CumulativeProductInPlace_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.CumulativeProductInPlace_Pullback(in r); return (v, dx); },
            X, Matrix(5, 5, (i, j) => j <= i ? y[i] / X[j] : 0), 1e-14);
    }

    /// <summary>
    /// The dense Jacobian operators reuse per-thread scratch arrays (the copy of x a pass runs on, the unit
    /// cotangent or tangent) from one call to the next: repeated calls, alternating input lengths, on a function
    /// that overwrites its input and returns it, give the same Jacobians as the first calls and leave x as it was.
    /// </summary>
    [Fact]
    public void RepeatedJacobianOperatorCallsAgreeAndLeaveTheInputAlone()
    {
        var x = (double[])X.Clone();
        var x4 = new[] { 0.2, -1.0, 1.5, 0.3 };
        var firstReverse = Autodiff.JacobianReverse(VectorFunctions.CumulativeProductInPlace, x);
        var firstForward = Autodiff.JacobianForward(VectorFunctions.CumulativeProductInPlace, x);
        var softmaxReverse = Autodiff.JacobianReverse(VectorFunctions.Softmax, x4);
        var softmaxForward = Autodiff.JacobianForward(VectorFunctions.Softmax, x4);
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(firstReverse, Autodiff.JacobianReverse(VectorFunctions.CumulativeProductInPlace, x));
            Assert.Equal(softmaxReverse, Autodiff.JacobianReverse(VectorFunctions.Softmax, x4));
            Assert.Equal(firstForward, Autodiff.JacobianForward(VectorFunctions.CumulativeProductInPlace, x));
            Assert.Equal(softmaxForward, Autodiff.JacobianForward(VectorFunctions.Softmax, x4));
        }
        Assert.Equal(X, x);
        Assert.Equal(new[] { 0.2, -1.0, 1.5, 0.3 }, x4);
        // And they are the Jacobian: y_i = Π_{k≤i} x_k, ∂y_i/∂x_j = y_i / x_j for j ≤ i.
        var y = new double[5];
        for (int i = 0; i < 5; i++) y[i] = (i > 0 ? y[i - 1] : 1) * X[i];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                Assert.Equal(j <= i ? y[i] / X[j] : 0, firstReverse[i, j], 1e-14 * Math.Abs(y[i] / X[j]));
                Assert.Equal(j <= i ? y[i] / X[j] : 0, firstForward[i, j], 1e-14 * Math.Abs(y[i] / X[j]));
            }
    }

    [Fact]
    public void RungeKuttaStepOfAnOde()
    {
        var s = new[] { 2.0, 1.5 };
        CheckVector(VectorFunctions.Rk4Step, VectorFunctions.Rk4Step_Jvp, VectorFunctions.Rk4Step_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.Rk4Step_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.Rk4Step_Pullback(in r); return (y, dx); },
            s);
    }

    [Fact]
    public void EulerStepsOfAPendulum()
    {
        var s = new[] { 0.8, -0.2 };
        CheckVector(VectorFunctions.PendulumEuler, VectorFunctions.PendulumEuler_Jvp, VectorFunctions.PendulumEuler_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.PendulumEuler_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.PendulumEuler_Pullback(in r); return (y, dx); },
            s);
    }

    [Fact]
    public void Normalize()
    {
        double n = Math.Sqrt(X.Sum(v => v * v));
        CheckVector(VectorFunctions.Normalize, VectorFunctions.Normalize_Jvp, VectorFunctions.Normalize_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.Normalize_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.Normalize_Pullback(in r); return (y, dx); },
            X, Matrix(5, 5, (i, j) => ((i == j ? 1 : 0) - X[i] * X[j] / (n * n)) / n), 1e-14);
    }

    [Fact]
    public void PolynomialValuesAreLinearInTheCoefficients()
    {
        var c = new[] { 1.0, -2.0, 0.5, 3.0 };
        CheckVector(VectorFunctions.PolynomialValues, VectorFunctions.PolynomialValues_Jvp, VectorFunctions.PolynomialValues_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.PolynomialValues_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.PolynomialValues_Pullback(in r); return (y, dx); },
            c, Matrix(5, 4, (j, k) => Math.Pow(-1 + 0.5 * j, k)), 0);
    }

    [Fact]
    public void ConvolutionWithAShorterOutput()
    {
        var closed = Matrix(3, 5, (i, j) =>
        {
            double z = X[i] - 2 * X[i + 1] + X[i + 2];
            double t = 1 - Math.Tanh(z) * Math.Tanh(z);
            return j == i ? t : j == i + 1 ? -2 * t : j == i + 2 ? t : 0;
        });
        CheckVector(VectorFunctions.SecondDifferenceTanh, VectorFunctions.SecondDifferenceTanh_Jvp, VectorFunctions.SecondDifferenceTanh_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.SecondDifferenceTanh_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.SecondDifferenceTanh_Pullback(in r); return (y, dx); },
            X, closed, 1e-15);
    }

    [Fact]
    public void SortedCopyHasAPermutationJacobian()
    {
        var order = X.Select((v, i) => (v, i)).OrderBy(p => p.v).Select(p => p.i).ToArray();
        CheckVector(VectorFunctions.SortedCopy, VectorFunctions.SortedCopy_Jvp, VectorFunctions.SortedCopy_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.SortedCopy_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.SortedCopy_Pullback(in r); return (y, dx); },
            X, Matrix(5, 5, (i, j) => order[i] == j ? 1 : 0), 0);
    }

    [Fact]
    public void PairwiseDistancesHaveMoreOutputsThanInputs()
    {
        var pts = new[] { 0.0, 0.0, 1.0, 0.5, -0.5, 2.0, 1.5, -1.0 };
        var j = CheckVector(VectorFunctions.PairwiseDistances, VectorFunctions.PairwiseDistances_Jvp, VectorFunctions.PairwiseDistances_Vjp,
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.PairwiseDistances_Primal(x, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.PairwiseDistances_Pullback(in r); return (y, dx); },
            pts);
        Assert.Equal(6, j.GetLength(0));
        // d(|p0 - p1|)/d p1 is the unit vector from p0 to p1.
        double len = Math.Sqrt(1 + 0.25);
        Assert.Equal(1 / len, j[0, 2], 14);
        Assert.Equal(0.5 / len, j[0, 3], 14);
    }

    [Fact]
    public void MatrixTimesVectorOfTwoDifferentiatedInputs()
    {
        var a = new double[,] { { 1, 2, -0.5 }, { 0.3, -1, 0.8 } };
        var v = new[] { 0.5, -1.5, 2.0 };
        var closed = Matrix(2, 9, (i, k) => k < 6 ? (k / 3 == i ? v[k % 3] : 0) : a[i, k - 6]);
        Check.Jacobian(x => VectorFunctions.MatVec(Flat.Matrix(x, 0, 2, 3), x[6..]),
            (x, dx) => VectorFunctions.MatVec_Jvp(Flat.Matrix(x, 0, 2, 3), x[6..], Flat.Matrix(dx, 0, 2, 3), dx[6..]),
            (x, ct) => { var (y, (da, dv)) = VectorFunctions.MatVec_Vjp(Flat.Matrix(x, 0, 2, 3), x[6..], ct); return (y, Flat.Concat(Flat.Of(da), dv)); },
            (x, ct) =>
            {
                var da = new double[2, 3];
                var dv = new double[3];
                var y = VectorFunctions.MatVec_Primal(Flat.Matrix(x, 0, 2, 3), x[6..], da, dv, out var dy, out var r);
                ct.CopyTo(dy, 0);
                VectorFunctions.MatVec_Pullback(in r);
                return (y, Flat.Concat(Flat.Of(da), dv));
            },
            Flat.Concat(Flat.Of(a), v), closed, closedFormTolerance: 0);
    }

    [Fact]
    public void JaggedMatrixTimesVector()
    {
        var a = new[] { new[] { 1.0, 2.0, -0.5 }, new[] { 0.3, -1.0, 0.8 }, new[] { 0.1, 0.2, 0.3 }, new[] { -0.4, 0.0, 1.0 } };
        var v = new[] { 0.5, -0.5, 0.25 };
        var shape = Flat.Shape(a);
        var closed = Matrix(4, 15, (i, k) =>
        {
            double c = Math.Cos(a[i].Zip(v, (p, q) => p * q).Sum());
            return k < 12 ? (k / 3 == i ? c * v[k % 3] : 0) : c * a[i][k - 12];
        });
        Check.Jacobian(x => VectorFunctions.JaggedMatVecSin(Flat.Jagged(x, 0, shape), x[12..]),
            (x, dx) => VectorFunctions.JaggedMatVecSin_Jvp(Flat.Jagged(x, 0, shape), x[12..], Flat.Jagged(dx, 0, shape), dx[12..]),
            (x, ct) => { var (y, (da, dv)) = VectorFunctions.JaggedMatVecSin_Vjp(Flat.Jagged(x, 0, shape), x[12..], ct); return (y, Flat.Concat(Flat.Of(da), dv)); },
            (x, ct) =>
            {
                var da = Flat.Jagged(new double[12], 0, shape);
                var dv = new double[3];
                var y = VectorFunctions.JaggedMatVecSin_Primal(Flat.Jagged(x, 0, shape), x[12..], da, dv, out var dy, out var r);
                ct.CopyTo(dy, 0);
                VectorFunctions.JaggedMatVecSin_Pullback(in r);
                return (y, Flat.Concat(Flat.Of(da), dv));
            },
            Flat.Concat(Flat.Of(a), v), closed, closedFormTolerance: 1e-14);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void RotationByARunTimeShift(int shift)
    {
        Check.Jacobian(x => VectorFunctions.RotateWeighted(x, shift),
            (x, dx) => VectorFunctions.RotateWeighted_Jvp(x, shift, dx),
            (x, ct) => VectorFunctions.RotateWeighted_Vjp(x, shift, ct),
            (x, ct) => { var dx = new double[x.Length]; var y = VectorFunctions.RotateWeighted_Primal(x, shift, dx, out var dy, out var r); ct.CopyTo(dy, 0); VectorFunctions.RotateWeighted_Pullback(in r); return (y, dx); },
            X, Matrix(5, 5, (i, j) => j == (i + shift) % 5 ? i + 1 : 0), closedFormTolerance: 0);
    }

    [Fact]
    public void FloatSoftmaxJacobianForwardEqualsReverseEqualsTheDoubleClosedForm()
    {
        var x = Flat.F(X);
        var xd = Flat.D(x);
        double m = xd.Max();
        var e = xd.Select(v => Math.Exp(v - m)).ToArray();
        var s = e.Select(v => v / e.Sum()).ToArray();
        var forward = Autodiff.JacobianForward(VectorFunctions.SoftmaxF, (float[])x.Clone());
        var reverse = Autodiff.JacobianReverse(VectorFunctions.SoftmaxF, (float[])x.Clone());
        for (int i = 0; i < 5; i++)
        {
            var ct = new float[5];
            ct[i] = 1;
            var (_, row) = VectorFunctions.SoftmaxF_Vjp((float[])x.Clone(), ct);
            var dx = new float[5];
            var y = VectorFunctions.SoftmaxF_Primal((float[])x.Clone(), dx, out var dy, out var r);
            dy[i] = 1;
            VectorFunctions.SoftmaxF_Pullback(in r);
            for (int j = 0; j < 5; j++)
            {
                double closed = s[i] * ((i == j ? 1 : 0) - s[j]);
                Assert.True(Math.Abs(closed - forward[i, j]) < 1e-6, $"forward [{i},{j}]: {forward[i, j]} vs {closed}");
                Assert.True(Math.Abs(closed - reverse[i, j]) < 1e-6, $"reverse [{i},{j}]: {reverse[i, j]} vs {closed}");
                Assert.True(Math.Abs(closed - row[j]) < 1e-6, $"VJP [{i},{j}]: {row[j]} vs {closed}");
                Assert.True(Math.Abs(closed - dx[j]) < 1e-6, $"split [{i},{j}]: {dx[j]} vs {closed}");
                Assert.True(Math.Abs(forward[i, j] - reverse[i, j]) < 1e-7, $"forward vs reverse [{i},{j}]");
            }
        }
    }
}
