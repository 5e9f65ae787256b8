// Arrays as numerical code uses them: jagged double[][] and rectangular double[,] (matrix-vector and
// matrix-matrix products, a 2-D stencil), local arrays (new double[n], new double[n, m], new double[n][],
// initializers) written and read, += on elements, index arithmetic, Length and GetLength.
using System;
using System.Linq;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class ArrayForms
{
    /// <summary>vᵀ·A·v with A jagged.</summary>
    [Differentiable]
    public static double JaggedQuadraticForm(double[][] a, double[] v)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < a[i].Length; j++)
                s += v[i] * a[i][j] * v[j];
        return s;
    }

    /// <summary>The matrix product of two rectangular arrays, into a new one.</summary>
    [Differentiable]
    public static double[,] MatMul(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
        var c = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int l = 0; l < k; l++) s += a[i, l] * b[l, j];
                c[i, j] = s;
            }
        return c;
    }

    /// <summary>‖A·B‖²_F through a call to <see cref="MatMul"/>.</summary>
    [Differentiable]
    public static double ProductFrobenius(double[,] a, double[,] b)
    {
        var c = MatMul(a, b);
        double s = 0;
        for (int i = 0; i < c.GetLength(0); i++)
            for (int j = 0; j < c.GetLength(1); j++)
                s += c[i, j] * c[i, j];
        return s;
    }

    /// <summary>A·B for jagged matrices into a local jagged array built row by row, then Σ tanh(c_ij).</summary>
    [Differentiable]
    public static double JaggedMatMulTanh(double[][] a, double[][] b)
    {
        int n = a.Length, m = b[0].Length;
        var c = new double[n][];
        for (int i = 0; i < n; i++)
        {
            c[i] = new double[m];
            for (int l = 0; l < b.Length; l++)
                for (int j = 0; j < m; j++)
                    c[i][j] += a[i][l] * b[l][j];
        }
        double s = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                s += Math.Tanh(c[i][j]);
        return s;
    }

    /// <summary>The 5-point Laplacian's energy over the interior of a grid.</summary>
    [Differentiable]
    public static double LaplacianEnergy(double[,] u)
    {
        double e = 0;
        for (int i = 1; i < u.GetLength(0) - 1; i++)
            for (int j = 1; j < u.GetLength(1) - 1; j++)
            {
                double l = u[i + 1, j] + u[i - 1, j] + u[i, j + 1] + u[i, j - 1] - 4 * u[i, j];
                e += l * l;
            }
        return e;
    }

    /// <summary>One explicit step of a nonlinear heat equation on a grid into a new grid; the boundary is copied.</summary>
    [Differentiable]
    public static double[,] HeatStep(double[,] u)
    {
        int n = u.GetLength(0), m = u.GetLength(1);
        var next = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                if (i == 0 || j == 0 || i == n - 1 || j == m - 1)
                {
                    next[i, j] = u[i, j];
                    continue;
                }
                double lap = u[i + 1, j] + u[i - 1, j] + u[i, j + 1] + u[i, j - 1] - 4 * u[i, j];
                next[i, j] = u[i, j] + 0.1 * (1 + u[i, j] * u[i, j]) * lap;
            }
        return next;
    }

    /// <summary>Several steps of <see cref="HeatStep"/>, a local rebound to each call's result; then the weighted sum.</summary>
    [Differentiable]
    public static double HeatAfterSteps(double[,] u, int steps)
    {
        var g = u;
        for (int s = 0; s < steps; s++) g = HeatStep(g);
        double total = 0;
        for (int i = 0; i < g.GetLength(0); i++)
            for (int j = 0; j < g.GetLength(1); j++)
                total += g[i, j] * g[i, j] * (1 + i + 2 * j);
        return total;
    }

    /// <summary>A local array written in one loop and read backwards in another.</summary>
    [Differentiable]
    public static double ScratchReversed(double[] x)
    {
        int n = x.Length;
        var t = new double[n];
        for (int i = 0; i < n; i++) t[i] = x[i] * x[i];
        double s = 0;
        for (int i = 0; i < n; i++) s += t[n - 1 - i] * x[i];
        return s;
    }

    /// <summary>Array initializers: constant weights and a local built from active values.</summary>
    [Differentiable]
    public static double Initializers(double[] x)
    {
        var w = new double[] { 0.25, 0.5, 0.25 };
        var p = new[] { x[0], x[1] * x[2], Math.Sin(x[0]) };
        double s = 0;
        for (int i = 0; i + 2 < x.Length; i++)
            for (int k = 0; k < 3; k++)
                s += w[k] * x[i + k] * p[k];
        return s;
    }

    /// <summary>Index arithmetic: wrap-around neighbours and interleaved pairs.</summary>
    [Differentiable]
    public static double IndexArithmetic(double[] x)
    {
        int n = x.Length;
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            double d = x[(i + 1) % n] - x[i];
            s += d * d;
        }
        for (int i = 0; 2 * i + 1 < n; i++) s += x[2 * i] * x[2 * i + 1];
        return s;
    }

    /// <summary>Column variances of a rectangular array: GetLength, a local array of means, two passes.</summary>
    [Differentiable]
    public static double ColumnVariances(double[,] a)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        var mean = new double[cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                mean[j] += a[i, j] / rows;
        double s = 0;
        for (int j = 0; j < cols; j++)
        {
            double v = 0;
            for (int i = 0; i < rows; i++) v += (a[i, j] - mean[j]) * (a[i, j] - mean[j]);
            s += (j + 1) * v / (rows - 1);
        }
        return s;
    }

    /// <summary>+= into a local array at computed indices (buckets), then a product over the buckets.</summary>
    [Differentiable]
    public static double Buckets(double[] x, int k)
    {
        var acc = new double[k];
        for (int i = 0; i < x.Length; i++) acc[i % k] += x[i] * x[i];
        double p = 1;
        for (int j = 0; j < acc.Length; j++) p *= 1 + acc[j];
        return p;
    }

    /// <summary>A local twice as long as the input, written at 2i and 2i+1, read in overlapping pairs.</summary>
    [Differentiable]
    public static double Interleave(double[] x)
    {
        var y = new double[x.Length * 2];
        for (int i = 0; i < x.Length; i++)
        {
            y[2 * i] = x[i];
            y[2 * i + 1] = x[i] * x[i];
        }
        double s = 0;
        for (int j = 0; j + 1 < y.Length; j++) s += y[j] * y[j + 1];
        return s;
    }

    /// <summary>A local Gram matrix G = X·Xᵀ (double[,]) of jagged rows, then trace(G²).</summary>
    [Differentiable]
    public static double GramTraceSquared(double[][] x)
    {
        int n = x.Length;
        var g = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < x[i].Length; k++)
                    g[i, j] += x[i][k] * x[j][k];
        double t = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                t += g[i, j] * g[j, i];
        return t;
    }

    /// <summary>Writes into the rows of a jagged input, reading the previous row it already wrote.</summary>
    [Differentiable]
    public static double JaggedRowsInPlace(double[][] m)
    {
        for (int i = 1; i < m.Length; i++)
            for (int j = 0; j < m[i].Length && j < m[i - 1].Length; j++)
                m[i][j] += 0.5 * m[i - 1][j] * m[i - 1][j];
        double s = 0;
        for (int i = 0; i < m.Length; i++)
            for (int j = 0; j < m[i].Length; j++)
                s += m[i][j] * (j + 1);
        return s;
    }

    /// <summary>Double buffering: two local arrays swapped each step through a temporary (loop-carried array references).</summary>
    [Differentiable]
    public static double PingPong(double[] x, int steps)
    {
        int n = x.Length;
        var current = new double[n];
        var next = new double[n];
        for (int i = 0; i < n; i++) current[i] = x[i];
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < n; i++)
            {
                double left = i > 0 ? current[i - 1] : current[i];
                double right = i + 1 < n ? current[i + 1] : current[i];
                next[i] = 0.25 * left + 0.5 * current[i] + 0.25 * right + 0.1 * Math.Sin(current[i]);
            }
            var t = current;
            current = next;
            next = t;
        }
        double e = 0;
        for (int i = 0; i < n; i++) e += (i + 1) * current[i] * current[i];
        return e;
    }

    /// <summary>A scratch array allocated afresh in every iteration of a loop and read after being written.</summary>
    [Differentiable]
    public static double ScratchPerIteration(double[] x, int rounds)
    {
        double total = 0;
        for (int k = 0; k < rounds; k++)
        {
            var t = new double[x.Length];
            for (int i = 0; i < x.Length; i++) t[i] = Math.Sin(x[i] * (k + 1));
            double s = 0;
            for (int i = 0; i < t.Length; i++) s += t[i] * t[(i + 1) % t.Length];
            total += s;
        }
        return total;
    }

    /// <summary>A local naming a row of a jagged input: writes through the row change the matrix.</summary>
    [Differentiable]
    public static double RowAlias(double[][] m)
    {
        for (int i = 0; i < m.Length; i++)
        {
            var row = m[i];
            for (int j = 1; j < row.Length; j++) row[j] = row[j] * row[j - 1] + 0.5;
        }
        double s = 0;
        for (int i = 0; i < m.Length; i++)
            for (int j = 0; j < m[i].Length; j++) s += m[i][j];
        return s;
    }

    /// <summary>Compound assignments on elements: -=, *=, /=, ++, and a chained assignment.</summary>
    [Differentiable]
    public static double CompoundElementOps(double[] x)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i];
            y[i] -= 0.5 * x[(i + 1) % x.Length];
            y[i] *= x[i];
            y[i] /= 1 + x[i] * x[i];
            y[i]++;
        }
        double a, b;
        a = b = y[0] * y[1];
        double s = a + 2 * b;
        for (int i = 0; i < y.Length; i++) s += y[i] * y[i];
        return s;
    }

    /// <summary>A float rectangular array: Σ_ij a_ij·a_ji·(i+1) - Σ a_ij² over a square float[,].</summary>
    [Differentiable]
    public static float FloatMatrixForm(float[,] a)
    {
        float s = 0;
        int n = a.GetLength(0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                s += a[i, j] * a[j, i] * (i + 1) - a[i, j] * a[i, j];
        return s;
    }
}

public class ArrayFormTests
{
    private static readonly double[][] A =
    {
        new[] { 1.0, 2.0, -0.5 },
        new[] { 0.3, -1.0, 0.8 },
        new[] { -0.7, 0.4, 1.5 },
    };

    [Fact]
    public void QuadraticFormOverAJaggedMatrix()
    {
        var v = new[] { 0.5, -1.5, 2.0 };
        var shape = Flat.Shape(A);
        int n = shape.Sum();
        var closed = new double[n + 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                closed[3 * i + j] = v[i] * v[j];
                closed[n + i] += A[i][j] * v[j] + A[j][i] * v[j];
            }
        Check.Gradient(x => ArrayForms.JaggedQuadraticForm(Flat.Jagged(x, 0, shape), x[n..]),
            x => { var (f, (da, dv)) = ArrayForms.JaggedQuadraticForm_ValueWithGradient(Flat.Jagged(x, 0, shape), x[n..]); return (f, Flat.Concat(Flat.Of(da), dv)); },
            (x, s) =>
            {
                var da = Flat.Jagged(new double[n], 0, shape);
                var dv = new double[3];
                double f = ArrayForms.JaggedQuadraticForm_Primal(Flat.Jagged(x, 0, shape), x[n..], da, dv, out var r);
                ArrayForms.JaggedQuadraticForm_Pullback(in r, s);
                return (f, Flat.Concat(Flat.Of(da), dv));
            },
            (x, dx) => ArrayForms.JaggedQuadraticForm_Jvp(Flat.Jagged(x, 0, shape), x[n..], Flat.Jagged(dx, 0, shape), dx[n..]),
            Flat.Concat(Flat.Of(A), v), closed);
    }

    [Fact]
    public void MatrixMatrixProductIntoANewRectangularArray()
    {
        // A is 2×3, B is 3×2: the Jacobian of vec(A·B) with respect to (vec A, vec B).
        var a = new double[,] { { 1, 2, -0.5 }, { 0.3, -1, 0.8 } };
        var b = new double[,] { { 0.5, -1 }, { 1.5, 0.2 }, { -0.3, 0.9 } };
        var x0 = Flat.Concat(Flat.Of(a), Flat.Of(b));
        var closed = new double[4, 12];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                for (int l = 0; l < 3; l++)
                {
                    closed[2 * i + j, 3 * i + l] = b[l, j];
                    closed[2 * i + j, 6 + 2 * l + j] = a[i, l];
                }
        Check.Jacobian(x => Flat.Of(ArrayForms.MatMul(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2))),
            (x, dx) =>
            {
                var (v, t) = ArrayForms.MatMul_Jvp(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2), Flat.Matrix(dx, 0, 2, 3), Flat.Matrix(dx, 6, 3, 2));
                return (Flat.Of(v), Flat.Of(t));
            },
            (x, ct) =>
            {
                var (v, (da, db)) = ArrayForms.MatMul_Vjp(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2), Flat.Matrix(ct, 0, 2, 2));
                return (Flat.Of(v), Flat.Concat(Flat.Of(da), Flat.Of(db)));
            },
            (x, ct) =>
            {
                var da = new double[2, 3];
                var db = new double[3, 2];
                var v = ArrayForms.MatMul_Primal(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2), da, db, out var dResult, out var r);
                for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) dResult[i, j] += ct[2 * i + j];
                ArrayForms.MatMul_Pullback(in r);
                return (Flat.Of(v), Flat.Concat(Flat.Of(da), Flat.Of(db)));
            },
            x0, closed);
    }

    [Fact]
    public void FrobeniusNormOfAProductThroughACall()
    {
        var a = new double[,] { { 1, 2, -0.5 }, { 0.3, -1, 0.8 } };
        var b = new double[,] { { 0.5, -1 }, { 1.5, 0.2 }, { -0.3, 0.9 } };
        var c = ArrayForms.MatMul(a, b);
        var closed = new double[12];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                for (int l = 0; l < 3; l++)
                {
                    closed[3 * i + l] += 2 * c[i, j] * b[l, j];
                    closed[6 + 2 * l + j] += 2 * c[i, j] * a[i, l];
                }
        Check.Gradient(x => ArrayForms.ProductFrobenius(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2)),
            x => { var (f, (da, db)) = ArrayForms.ProductFrobenius_ValueWithGradient(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2)); return (f, Flat.Concat(Flat.Of(da), Flat.Of(db))); },
            (x, s) =>
            {
                var da = new double[2, 3];
                var db = new double[3, 2];
                double f = ArrayForms.ProductFrobenius_Primal(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2), da, db, out var r);
                ArrayForms.ProductFrobenius_Pullback(in r, s);
                return (f, Flat.Concat(Flat.Of(da), Flat.Of(db)));
            },
            (x, dx) => ArrayForms.ProductFrobenius_Jvp(Flat.Matrix(x, 0, 2, 3), Flat.Matrix(x, 6, 3, 2), Flat.Matrix(dx, 0, 2, 3), Flat.Matrix(dx, 6, 3, 2)),
            Flat.Concat(Flat.Of(a), Flat.Of(b)), closed);
    }

    [Fact]
    public void JaggedMatrixProductIntoALocalJaggedArray()
    {
        var a = new[] { new[] { 0.5, -0.2, 0.1 }, new[] { 0.3, 0.4, -0.6 } };
        var b = new[] { new[] { 0.2, -0.5 }, new[] { 0.7, 0.1 }, new[] { -0.3, 0.25 } };
        var sa = Flat.Shape(a);
        var sb = Flat.Shape(b);
        var closed = new double[12];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
            {
                double c = 0;
                for (int l = 0; l < 3; l++) c += a[i][l] * b[l][j];
                double t = 1 - Math.Tanh(c) * Math.Tanh(c);
                for (int l = 0; l < 3; l++)
                {
                    closed[3 * i + l] += t * b[l][j];
                    closed[6 + 2 * l + j] += t * a[i][l];
                }
            }
        Check.Gradient(x => ArrayForms.JaggedMatMulTanh(Flat.Jagged(x, 0, sa), Flat.Jagged(x, 6, sb)),
            x => { var (f, (da, db)) = ArrayForms.JaggedMatMulTanh_ValueWithGradient(Flat.Jagged(x, 0, sa), Flat.Jagged(x, 6, sb)); return (f, Flat.Concat(Flat.Of(da), Flat.Of(db))); },
            (x, s) =>
            {
                var da = Flat.Jagged(new double[6], 0, sa);
                var db = Flat.Jagged(new double[6], 0, sb);
                double f = ArrayForms.JaggedMatMulTanh_Primal(Flat.Jagged(x, 0, sa), Flat.Jagged(x, 6, sb), da, db, out var r);
                ArrayForms.JaggedMatMulTanh_Pullback(in r, s);
                return (f, Flat.Concat(Flat.Of(da), Flat.Of(db)));
            },
            (x, dx) => ArrayForms.JaggedMatMulTanh_Jvp(Flat.Jagged(x, 0, sa), Flat.Jagged(x, 6, sb), Flat.Jagged(dx, 0, sa), Flat.Jagged(dx, 6, sb)),
            Flat.Concat(Flat.Of(a), Flat.Of(b)), closed);
    }

    private static double[,] Grid(int n, int m) =>
        Flat.Matrix(Enumerable.Range(0, n * m).Select(k => Math.Sin(0.7 * k) + 0.1 * k).ToArray(), 0, n, m);

    [Fact]
    public void TwoDimensionalStencil()
    {
        var u = Grid(4, 5);
        var closed = new double[20];
        for (int i = 1; i < 3; i++)
            for (int j = 1; j < 4; j++)
            {
                double l = u[i + 1, j] + u[i - 1, j] + u[i, j + 1] + u[i, j - 1] - 4 * u[i, j];
                closed[(i + 1) * 5 + j] += 2 * l;
                closed[(i - 1) * 5 + j] += 2 * l;
                closed[i * 5 + j + 1] += 2 * l;
                closed[i * 5 + j - 1] += 2 * l;
                closed[i * 5 + j] -= 8 * l;
            }
        Check.Gradient(x => ArrayForms.LaplacianEnergy(Flat.Matrix(x, 0, 4, 5)),
            x => { var (f, g) = ArrayForms.LaplacianEnergy_ValueWithGradient(Flat.Matrix(x, 0, 4, 5)); return (f, Flat.Of(g)); },
            (x, s) => { var g = new double[4, 5]; double f = ArrayForms.LaplacianEnergy_Primal(Flat.Matrix(x, 0, 4, 5), g, out var r); ArrayForms.LaplacianEnergy_Pullback(in r, s); return (f, Flat.Of(g)); },
            (x, dx) => ArrayForms.LaplacianEnergy_Jvp(Flat.Matrix(x, 0, 4, 5), Flat.Matrix(dx, 0, 4, 5)),
            Flat.Of(u), closed, closedFormTolerance: 1e-12);
    }

    [Fact]
    public void TwoDimensionalStencilStepIsAVectorFunctionOfAGrid()
    {
        var u = Grid(4, 4);
        Check.Jacobian(x => Flat.Of(ArrayForms.HeatStep(Flat.Matrix(x, 0, 4, 4))),
            (x, dx) => { var (v, t) = ArrayForms.HeatStep_Jvp(Flat.Matrix(x, 0, 4, 4), Flat.Matrix(dx, 0, 4, 4)); return (Flat.Of(v), Flat.Of(t)); },
            (x, ct) => { var (v, g) = ArrayForms.HeatStep_Vjp(Flat.Matrix(x, 0, 4, 4), Flat.Matrix(ct, 0, 4, 4)); return (Flat.Of(v), Flat.Of(g)); },
            (x, ct) =>
            {
                var g = new double[4, 4];
                var v = ArrayForms.HeatStep_Primal(Flat.Matrix(x, 0, 4, 4), g, out var dResult, out var r);
                for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) dResult[i, j] += ct[4 * i + j];
                ArrayForms.HeatStep_Pullback(in r);
                return (Flat.Of(v), Flat.Of(g));
            },
            Flat.Of(u));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void RepeatedStencilStepsRebindingALocalArray(int steps)
    {
        var u = Grid(4, 5);
        Check.Gradient(x => ArrayForms.HeatAfterSteps(Flat.Matrix(x, 0, 4, 5), steps),
            x => { var (f, g) = ArrayForms.HeatAfterSteps_ValueWithGradient(Flat.Matrix(x, 0, 4, 5), steps); return (f, Flat.Of(g)); },
            (x, s) => { var g = new double[4, 5]; double f = ArrayForms.HeatAfterSteps_Primal(Flat.Matrix(x, 0, 4, 5), steps, g, out var r); ArrayForms.HeatAfterSteps_Pullback(in r, s); return (f, Flat.Of(g)); },
            (x, dx) => ArrayForms.HeatAfterSteps_Jvp(Flat.Matrix(x, 0, 4, 5), steps, Flat.Matrix(dx, 0, 4, 5)),
            Flat.Of(u), steps == 0 ? Flat.Of(u).Select((v, k) => 2 * v * (1 + k / 5 + 2 * (k % 5))).ToArray() : null);
    }

    [Fact]
    public void LocalArrayWrittenThenReadBackwards()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, 1.1 };
        int n = x.Length;
        var closed = x.Select((v, i) => x[n - 1 - i] * x[n - 1 - i] + 2 * v * x[n - 1 - i]).ToArray();
        Check.Gradient(ArrayForms.ScratchReversed, ArrayForms.ScratchReversed_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = ArrayForms.ScratchReversed_Primal(p, g, out var r); ArrayForms.ScratchReversed_Pullback(in r, s); return v; }, a),
            ArrayForms.ScratchReversed_Jvp, x, closed);
    }

    [Fact]
    public void ArrayInitializersOfConstantsAndOfActiveValues()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, 1.1 };
        Check.Gradient(ArrayForms.Initializers, ArrayForms.Initializers_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = ArrayForms.Initializers_Primal(p, g, out var r); ArrayForms.Initializers_Pullback(in r, s); return v; }, a),
            ArrayForms.Initializers_Jvp, x);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void WrapAroundAndInterleavedIndices(int n)
    {
        var x = Enumerable.Range(0, n).Select(i => Math.Cos(2.1 * i) + 0.3).ToArray();
        var closed = new double[n];
        for (int i = 0; i < n; i++)
        {
            double d = x[(i + 1) % n] - x[i];
            closed[(i + 1) % n] += 2 * d;
            closed[i] -= 2 * d;
        }
        for (int i = 0; 2 * i + 1 < n; i++)
        {
            closed[2 * i] += x[2 * i + 1];
            closed[2 * i + 1] += x[2 * i];
        }
        Check.Gradient(ArrayForms.IndexArithmetic, ArrayForms.IndexArithmetic_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = ArrayForms.IndexArithmetic_Primal(p, g, out var r); ArrayForms.IndexArithmetic_Pullback(in r, s); return v; }, a),
            ArrayForms.IndexArithmetic_Jvp, x, closed);
    }

    [Fact]
    public void ColumnVariancesWithGetLength()
    {
        var a = Grid(4, 3);
        var closed = new double[12];
        for (int j = 0; j < 3; j++)
        {
            double mean = 0;
            for (int i = 0; i < 4; i++) mean += a[i, j] / 4;
            for (int i = 0; i < 4; i++) closed[3 * i + j] = (j + 1) * 2 * (a[i, j] - mean) / 3;
        }
        Check.Gradient(x => ArrayForms.ColumnVariances(Flat.Matrix(x, 0, 4, 3)),
            x => { var (f, g) = ArrayForms.ColumnVariances_ValueWithGradient(Flat.Matrix(x, 0, 4, 3)); return (f, Flat.Of(g)); },
            (x, s) => { var g = new double[4, 3]; double f = ArrayForms.ColumnVariances_Primal(Flat.Matrix(x, 0, 4, 3), g, out var r); ArrayForms.ColumnVariances_Pullback(in r, s); return (f, Flat.Of(g)); },
            (x, dx) => ArrayForms.ColumnVariances_Jvp(Flat.Matrix(x, 0, 4, 3), Flat.Matrix(dx, 0, 4, 3)),
            Flat.Of(a), closed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void PlusEqualsIntoALocalArrayAtComputedIndices(int k)
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, 1.1, -0.4, 0.9 };
        var acc = new double[k];
        for (int i = 0; i < x.Length; i++) acc[i % k] += x[i] * x[i];
        double p = acc.Aggregate(1.0, (q, v) => q * (1 + v));
        var closed = x.Select((v, i) => p / (1 + acc[i % k]) * 2 * v).ToArray();
        Check.Gradient(v => ArrayForms.Buckets(v, k), v => ArrayForms.Buckets_ValueWithGradient(v, k),
            (a, s) => Check.Split((q, g) => { double v = ArrayForms.Buckets_Primal(q, k, g, out var r); ArrayForms.Buckets_Pullback(in r, s); return v; }, a),
            (v, dv) => ArrayForms.Buckets_Jvp(v, k, dv), x, closed);
    }

    [Fact]
    public void LocalArrayOfTwiceTheLength()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75 };
        // s = Σ_i x_i·x_i² + Σ_{i<n-1} x_i²·x_{i+1}
        var closed = x.Select((v, i) => 3 * v * v + (i + 1 < x.Length ? 2 * v * x[i + 1] : 0) + (i > 0 ? x[i - 1] * x[i - 1] : 0)).ToArray();
        Check.Gradient(ArrayForms.Interleave, ArrayForms.Interleave_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = ArrayForms.Interleave_Primal(p, g, out var r); ArrayForms.Interleave_Pullback(in r, s); return v; }, a),
            ArrayForms.Interleave_Jvp, x, closed);
    }

    [Fact]
    public void LocalRectangularArrayFromJaggedRows()
    {
        var x = new[] { new[] { 0.5, -0.2, 0.1 }, new[] { 0.3, 0.4, -0.6 }, new[] { -0.1, 0.8, 0.2 } };
        var shape = Flat.Shape(x);
        // trace((XXᵀ)²) = ‖XᵀX‖²_F; its gradient is 4·X·Xᵀ·X.
        var closed = new double[9];
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++)
                for (int j = 0; j < 3; j++)
                {
                    double gij = 0;
                    for (int l = 0; l < 3; l++) gij += x[i][l] * x[j][l];
                    closed[3 * i + k] += 4 * gij * x[j][k];
                }
        Check.Gradient(v => ArrayForms.GramTraceSquared(Flat.Jagged(v, 0, shape)),
            v => { var (f, g) = ArrayForms.GramTraceSquared_ValueWithGradient(Flat.Jagged(v, 0, shape)); return (f, Flat.Of(g)); },
            (v, s) => { var g = Flat.Jagged(new double[9], 0, shape); double f = ArrayForms.GramTraceSquared_Primal(Flat.Jagged(v, 0, shape), g, out var r); ArrayForms.GramTraceSquared_Pullback(in r, s); return (f, Flat.Of(g)); },
            (v, dv) => ArrayForms.GramTraceSquared_Jvp(Flat.Jagged(v, 0, shape), Flat.Jagged(dv, 0, shape)),
            Flat.Of(x), closed);
    }

    [Fact]
    public void WritesIntoTheRowsOfAJaggedInput()
    {
        var m = new[] { new[] { 0.5, -0.2, 0.1 }, new[] { 0.3, 0.4 }, new[] { -0.1, 0.8, 0.2, 1.0 } };
        var shape = Flat.Shape(m);
        Check.Gradient(v => ArrayForms.JaggedRowsInPlace(Flat.Jagged(v, 0, shape)),
            v => { var (f, g) = ArrayForms.JaggedRowsInPlace_ValueWithGradient(Flat.Jagged(v, 0, shape)); return (f, Flat.Of(g)); },
            (v, s) => { var g = Flat.Jagged(new double[v.Length], 0, shape); double f = ArrayForms.JaggedRowsInPlace_Primal(Flat.Jagged(v, 0, shape), g, out var r); ArrayForms.JaggedRowsInPlace_Pullback(in r, s); return (f, Flat.Of(g)); },
            (v, dv) => ArrayForms.JaggedRowsInPlace_Jvp(Flat.Jagged(v, 0, shape), Flat.Jagged(dv, 0, shape)),
            Flat.Of(m));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void DoubleBufferingSwapsTwoLocalArrays(int steps)
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75, -0.3 };
        // Forward mode by hand on the same steps.
        var closed = new double[5];
        for (int d = 0; d < 5; d++)
        {
            var v = (double[])x.Clone();
            var t = Check.Unit(5, d);
            for (int s = 0; s < steps; s++)
            {
                var nv = new double[5];
                var nt = new double[5];
                for (int i = 0; i < 5; i++)
                {
                    int l = i > 0 ? i - 1 : i, r = i + 1 < 5 ? i + 1 : i;
                    nv[i] = 0.25 * v[l] + 0.5 * v[i] + 0.25 * v[r] + 0.1 * Math.Sin(v[i]);
                    nt[i] = 0.25 * t[l] + 0.5 * t[i] + 0.25 * t[r] + 0.1 * Math.Cos(v[i]) * t[i];
                }
                v = nv;
                t = nt;
            }
            for (int i = 0; i < 5; i++) closed[d] += 2 * (i + 1) * v[i] * t[i];
        }
        Check.Gradient(v => ArrayForms.PingPong(v, steps), v => ArrayForms.PingPong_ValueWithGradient(v, steps),
            (a, s) => Check.Split((p, g) => { double v = ArrayForms.PingPong_Primal(p, steps, g, out var r); ArrayForms.PingPong_Pullback(in r, s); return v; }, a),
            (v, dv) => ArrayForms.PingPong_Jvp(v, steps, dv), x, closed);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ScratchArrayAllocatedInEveryIteration(int rounds)
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75 };
        int n = x.Length;
        var closed = new double[n];
        for (int k = 0; k < rounds; k++)
            for (int i = 0; i < n; i++)
            {
                // s_k = Σ_i sin(c x_i)·sin(c x_{i+1}), c = k + 1
                double c = k + 1;
                int next = (i + 1) % n, prev = (i + n - 1) % n;
                closed[i] += c * Math.Cos(c * x[i]) * (Math.Sin(c * x[next]) + Math.Sin(c * x[prev]));
            }
        Check.Gradient(v => ArrayForms.ScratchPerIteration(v, rounds), v => ArrayForms.ScratchPerIteration_ValueWithGradient(v, rounds),
            (a, s) => Check.Split((p, g) => { double v = ArrayForms.ScratchPerIteration_Primal(p, rounds, g, out var r); ArrayForms.ScratchPerIteration_Pullback(in r, s); return v; }, a),
            (v, dv) => ArrayForms.ScratchPerIteration_Jvp(v, rounds, dv), x, closed);
    }

    [Fact]
    public void LocalNamingARowOfAJaggedInput()
    {
        var m = new[] { new[] { 0.5, -0.2, 0.1 }, new[] { 0.3 }, new[] { -0.1, 0.8, 0.2, 1.0 } };
        var shape = Flat.Shape(m);
        Check.Gradient(v => ArrayForms.RowAlias(Flat.Jagged(v, 0, shape)),
            v => { var (f, g) = ArrayForms.RowAlias_ValueWithGradient(Flat.Jagged(v, 0, shape)); return (f, Flat.Of(g)); },
            (v, s) => { var g = Flat.Jagged(new double[v.Length], 0, shape); double f = ArrayForms.RowAlias_Primal(Flat.Jagged(v, 0, shape), g, out var r); ArrayForms.RowAlias_Pullback(in r, s); return (f, Flat.Of(g)); },
            (v, dv) => ArrayForms.RowAlias_Jvp(Flat.Jagged(v, 0, shape), Flat.Jagged(dv, 0, shape)),
            Flat.Of(m));
    }

    [Fact]
    public void CompoundAssignmentsOnElements()
    {
        var x = new[] { 0.5, -1.25, 2.0, 0.75 };
        Check.Gradient(ArrayForms.CompoundElementOps, ArrayForms.CompoundElementOps_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = ArrayForms.CompoundElementOps_Primal(p, g, out var r); ArrayForms.CompoundElementOps_Pullback(in r, s); return v; }, a),
            ArrayForms.CompoundElementOps_Jvp, x);
    }

    [Fact]
    public void FloatRectangularArray()
    {
        var a = new float[,] { { 0.5f, -1.25f, 2f }, { 0.75f, 1.1f, -0.4f }, { 0.9f, 0.3f, -0.6f } };
        var x = new double[9];
        var closed = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                x[3 * i + j] = a[i, j];
                closed[3 * i + j] = a[j, i] * (i + 1) + a[j, i] * (j + 1) - 2 * a[i, j];
            }
        static float[,] M(float[] f) { var m = new float[3, 3]; for (int k = 0; k < 9; k++) m[k / 3, k % 3] = f[k]; return m; }
        static float[] F(float[,] m) { var f = new float[9]; for (int k = 0; k < 9; k++) f[k] = m[k / 3, k % 3]; return f; }
        Check.GradientF(f => ArrayForms.FloatMatrixForm(M(f)),
            f => { var (v, g) = ArrayForms.FloatMatrixForm_ValueWithGradient(M(f)); return (v, F(g)); },
            (f, s) => { var g = new float[3, 3]; float v = ArrayForms.FloatMatrixForm_Primal(M(f), g, out var r); ArrayForms.FloatMatrixForm_Pullback(in r, s); return (v, F(g)); },
            (f, df) => ArrayForms.FloatMatrixForm_Jvp(M(f), M(df)),
            Flat.F(x), closed);
    }
}
