// Operators for vector-valued functions double[] → double[] (and float): JVPs, VJPs and dense Jacobians.
using System;
using Nabla.CompilerServices;

namespace Nabla;

public static partial class Autodiff
{
    /// <summary>The value of a vector function and its Jacobian-vector product <c>J(x)·dx</c>, by forward mode.</summary>
    public static (double[] Value, double[] Tangent) Jvp([Differentiable] Func<double[], double[]> f, double[] x, double[] dx) =>
        JvpOf<Func<double[], double[], (double[] Value, double[] Tangent)>>(f)(x, dx);

    /// <inheritdoc cref="Jvp(Func{double[], double[]}, double[], double[])"/>
    public static (float[] Value, float[] Tangent) Jvp([Differentiable] Func<float[], float[]> f, float[] x, float[] dx) =>
        JvpOf<Func<float[], float[], (float[] Value, float[] Tangent)>>(f)(x, dx);

    /// <summary>The value of a vector function and its pullback <c>ct ↦ ctᵀ·J(x)</c>, by reverse mode.</summary>
    public static (double[] Value, Func<double[], double[]> Pullback) ValueWithPullback([Differentiable] Func<double[], double[]> f, double[] x) =>
        ValueWithPullbackOf<Func<double[], (double[] Value, Func<double[], double[]> Pullback)>>(f)(x);

    /// <inheritdoc cref="ValueWithPullback(Func{double[], double[]}, double[])"/>
    public static (float[] Value, Func<float[], float[]> Pullback) ValueWithPullback([Differentiable] Func<float[], float[]> f, float[] x) =>
        ValueWithPullbackOf<Func<float[], (float[] Value, Func<float[], float[]> Pullback)>>(f)(x);

    /// <summary>The vector-Jacobian product <c>ctᵀ·J(x)</c> of a vector function, by reverse mode.</summary>
    public static double[] Vjp([Differentiable] Func<double[], double[]> f, double[] x, double[] cotangent) =>
        ValueWithPullback(f, x).Pullback(cotangent);

    /// <inheritdoc cref="Vjp(Func{double[], double[]}, double[], double[])"/>
    public static float[] Vjp([Differentiable] Func<float[], float[]> f, float[] x, float[] cotangent) =>
        ValueWithPullback(f, x).Pullback(cotangent);

    /// <summary>
    /// The dense Jacobian <c>J[i, j] = ∂f_i/∂x_j</c>, one forward-mode pass per input (column by column):
    /// the cheaper way when there are fewer inputs than outputs.
    /// </summary>
    public static double[,] JacobianForward([Differentiable] Func<double[], double[]> f, double[] x)
    {
        var jvp = JvpOf<Func<double[], double[], (double[] Value, double[] Tangent)>>(f);
        double[,]? jacobian = null;
        var dx = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            Array.Clear(dx);
            dx[j] = 1;
            var (value, column) = jvp((double[])x.Clone(), dx);
            jacobian ??= new double[value.Length, x.Length];
            for (int i = 0; i < column.Length; i++) jacobian[i, j] = column[i];
        }
        return jacobian ?? new double[f((double[])x.Clone()).Length, 0];
    }

    /// <inheritdoc cref="JacobianForward(Func{double[], double[]}, double[])"/>
    public static float[,] JacobianForward([Differentiable] Func<float[], float[]> f, float[] x)
    {
        var jvp = JvpOf<Func<float[], float[], (float[] Value, float[] Tangent)>>(f);
        float[,]? jacobian = null;
        var dx = new float[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            Array.Clear(dx);
            dx[j] = 1;
            var (value, column) = jvp((float[])x.Clone(), dx);
            jacobian ??= new float[value.Length, x.Length];
            for (int i = 0; i < column.Length; i++) jacobian[i, j] = column[i];
        }
        return jacobian ?? new float[f((float[])x.Clone()).Length, 0];
    }

    /// <summary>
    /// The dense Jacobian <c>J[i, j] = ∂f_i/∂x_j</c>, one reverse-mode pass per output (row by row): the
    /// cheaper way when there are fewer outputs than inputs.
    /// </summary>
    public static double[,] JacobianReverse([Differentiable] Func<double[], double[]> f, double[] x)
    {
        var (value, pullback) = ValueWithPullback(f, (double[])x.Clone());
        var jacobian = new double[value.Length, x.Length];
        var ct = new double[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            Array.Clear(ct);
            ct[i] = 1;
            var row = pullback(ct);
            for (int j = 0; j < row.Length; j++) jacobian[i, j] = row[j];
        }
        return jacobian;
    }

    /// <inheritdoc cref="JacobianReverse(Func{double[], double[]}, double[])"/>
    public static float[,] JacobianReverse([Differentiable] Func<float[], float[]> f, float[] x)
    {
        var (value, pullback) = ValueWithPullback(f, (float[])x.Clone());
        var jacobian = new float[value.Length, x.Length];
        var ct = new float[value.Length];
        for (int i = 0; i < value.Length; i++)
        {
            Array.Clear(ct);
            ct[i] = 1;
            var row = pullback(ct);
            for (int j = 0; j < row.Length; j++) jacobian[i, j] = row[j];
        }
        return jacobian;
    }
}
