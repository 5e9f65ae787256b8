// Rosenbrock's function in its chained form, for the second-order benchmarks: Nabla's gradient and
// Hessian-vector product of it, and the same derived by hand (closed forms, also used by --verify).
using Nabla;

namespace Nabla.Benchmarks;

public static partial class Kernels
{
    /// <summary>f(x) = Σ_{i &lt; n−1} 100 (x_{i+1} − x_i²)² + (1 − x_i)².</summary>
    [Differentiable]
    public static double Rosenbrock(double[] x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
        }
        return sum;
    }

    /// <summary>Nabla's value and gradient of <see cref="Rosenbrock"/> (reverse mode): the baseline of <c>SecondOrderBenchmarks</c>.</summary>
    [ValueWithGradientOf(nameof(Rosenbrock))]
    public static partial (double Value, double[] Gradient) RosenbrockValueWithGradient(double[] x);

    /// <summary>∇f by hand: ∂f/∂x_i = −400 x_i a_i − 2 b_i + 200 a_{i−1}, with a_i = x_{i+1} − x_i², b_i = 1 − x_i.</summary>
    public static double[] RosenbrockGradientByHand(double[] x)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            g[i] += -400 * x[i] * a - 2 * (1 - x[i]);
            g[i + 1] += 200 * a;
        }
        return g;
    }

    /// <summary>
    /// H(x)·v by hand, from the tridiagonal Hessian: H[i,i] += 1200 x_i² − 400 x_{i+1} + 2 and H[i+1,i+1] += 200
    /// for each i &lt; n−1, H[i,i+1] = H[i+1,i] = −400 x_i. One pass, no Hessian stored: the lower bound for an HVP.
    /// </summary>
    public static double[] RosenbrockHvpByHand(double[] x, double[] v)
    {
        var hv = new double[x.Length];
        for (int i = 0; i < x.Length - 1; i++)
        {
            double xi = x[i], vi = v[i], vj = v[i + 1];
            hv[i] += (1200 * xi * xi - 400 * x[i + 1] + 2) * vi - 400 * xi * vj;
            hv[i + 1] += 200 * vj - 400 * xi * vi;
        }
        return hv;
    }

    /// <summary>The dense Hessian in closed form (the same entries as <see cref="RosenbrockHvpByHand"/>, stored), for checking only.</summary>
    public static double[,] RosenbrockHessianClosedForm(double[] x)
    {
        int n = x.Length;
        var h = new double[n, n];
        for (int i = 0; i < n - 1; i++)
        {
            h[i, i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
            h[i + 1, i + 1] += 200;
            h[i, i + 1] = h[i + 1, i] = -400 * x[i];
        }
        return h;
    }
}
