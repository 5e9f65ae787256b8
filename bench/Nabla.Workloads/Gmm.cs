// ADBench's Gaussian mixture model objective, written the way its C++ reference (shared/gmm.h) is:
// flat arrays with offsets, helper functions that write into scratch arrays, loops, logsumexp.
using System;
using Nabla;

namespace Nabla.Workloads;

/// <summary>A GMM instance: D dimensions, K components, N points, parameters and data as ADBench lays them out.</summary>
public sealed class GmmInput
{
    public int D, K, N;
    public double[] Alphas = Array.Empty<double>();   // K
    public double[] Means = Array.Empty<double>();    // K·D
    public double[] Icf = Array.Empty<double>();      // K·D(D+1)/2: log-diagonal, then the lower triangle by columns
    public double[] X = Array.Empty<double>();        // N·D
    public double Gamma;
    public int M;

    /// <summary>Parameter count: the length of the gradient [d alphas, d means, d icf].</summary>
    public int ParameterCount => K + K * D + K * D * (D + 1) / 2;
}

public static partial class Gmm
{
    /// <summary>ADBench's value of π (shared/defs.h), kept so the objective matches its reference digits.</summary>
    public const double Pi = 3.14159265359;

    [Differentiable]
    public static double Objective(int d, int k, int n, double[] alphas, double[] means, double[] icf,
        [NoDerivative] double[] x, [NoDerivative] double wishartGamma, int wishartM)
    {
        double constant = -n * d * 0.5 * Math.Log(2 * Pi);
        int icfSize = d * (d + 1) / 2;
        var qdiags = new double[d * k];
        var sumQs = new double[k];
        var xcentered = new double[d];
        var qxcentered = new double[d];
        var mainTerm = new double[k];

        PreprocessQs(d, k, icf, sumQs, qdiags);

        double slse = 0;
        for (int ix = 0; ix < n; ix++)
        {
            for (int ik = 0; ik < k; ik++)
            {
                Subtract(d, x, ix * d, means, ik * d, xcentered);
                QTimesX(d, qdiags, ik * d, icf, ik * icfSize + d, xcentered, qxcentered);
                mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * SquaredNorm(d, qxcentered, 0);
            }
            slse += LogSumExp(k, mainTerm, 0);
        }
        double lseAlphas = LogSumExp(k, alphas, 0);
        double error = constant + slse - n * lseAlphas;
        return error + LogWishartPrior(d, k, wishartGamma, wishartM, sumQs, qdiags, icf);
    }

    [Differentiable]
    public static void PreprocessQs(int d, int k, double[] icf, double[] sumQs, double[] qdiags)
    {
        int icfSize = d * (d + 1) / 2;
        for (int ik = 0; ik < k; ik++)
        {
            sumQs[ik] = 0;
            for (int id = 0; id < d; id++)
            {
                double q = icf[ik * icfSize + id];
                sumQs[ik] += q;
                qdiags[ik * d + id] = Math.Exp(q);
            }
        }
    }

    [Differentiable]
    public static void Subtract(int d, [NoDerivative] double[] x, int xOffset, double[] y, int yOffset, double[] result)
    {
        for (int id = 0; id < d; id++)
            result[id] = x[xOffset + id] - y[yOffset + id];
    }

    /// <summary>out = Q·x, Q lower triangular with diagonal qdiag and strictly lower part ltri (by columns).</summary>
    [Differentiable]
    public static void QTimesX(int d, double[] qdiag, int qdiagOffset, double[] ltri, int ltriOffset, double[] x, double[] result)
    {
        for (int id = 0; id < d; id++)
            result[id] = qdiag[qdiagOffset + id] * x[id];
        int lparamsIndex = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                result[j] += ltri[ltriOffset + lparamsIndex] * x[i];
                lparamsIndex++;
            }
        }
    }

    [Differentiable]
    public static double SquaredNorm(int n, double[] x, int offset)
    {
        double result = 0;
        for (int i = 0; i < n; i++)
            result += x[offset + i] * x[offset + i];
        return result;
    }

    [Differentiable]
    public static double ArrayMax(int n, double[] x, int offset)
    {
        double m = x[offset];
        for (int i = 1; i < n; i++)
            if (m < x[offset + i]) m = x[offset + i];
        return m;
    }

    /// <summary>Numerically stable log Σ exp: shift by the maximum first.</summary>
    [Differentiable]
    public static double LogSumExp(int n, double[] x, int offset)
    {
        double mx = ArrayMax(n, x, offset);
        double semx = 0;
        for (int i = 0; i < n; i++)
            semx += Math.Exp(x[offset + i] - mx);
        return Math.Log(semx) + mx;
    }

    [Differentiable]
    public static double LogWishartPrior(int p, int k, double gamma, int m, double[] sumQs, double[] qdiags, double[] icf)
    {
        int n = p + m + 1;
        int icfSize = p * (p + 1) / 2;
        double c = n * p * (Math.Log(gamma) - 0.5 * Math.Log(2)) - LogGammaDistribution(0.5 * n, p);
        double result = 0;
        for (int ik = 0; ik < k; ik++)
        {
            double frobenius = SquaredNorm(p, qdiags, ik * p) + SquaredNorm(icfSize - p, icf, ik * icfSize + p);
            result += 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
        }
        return result - k * c;
    }

    /// <summary>log Γ_p(a), the multivariate log-gamma: data only (it depends on sizes, not parameters).</summary>
    public static double LogGammaDistribution(double a, int p)
    {
        double result = 0.25 * p * (p - 1) * Math.Log(Math.PI);
        for (int j = 1; j <= p; j++)
            result += LogGamma(a + 0.5 * (1 - j));
        return result;
    }

    /// <summary>log Γ(x) for x &gt; 0 (Lanczos, g = 7, n = 9), accurate to about 1e-15 relative.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        ReadOnlySpan<double> g = stackalloc double[]
        {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7,
        };
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < 9; i++) sum += g[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>Reads an ADBench GMM file (gmm_d{D}_K{K}.txt).</summary>
    public static GmmInput Read(string path)
    {
        var tokens = System.IO.File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int t = 0;
        double Next() => double.Parse(tokens[t++], System.Globalization.CultureInfo.InvariantCulture);
        var input = new GmmInput { D = (int)Next(), K = (int)Next(), N = (int)Next() };
        int d = input.D, k = input.K, n = input.N, icfSize = d * (d + 1) / 2;
        input.Alphas = new double[k];
        input.Means = new double[k * d];
        input.Icf = new double[k * icfSize];
        input.X = new double[n * d];
        for (int i = 0; i < k; i++) input.Alphas[i] = Next();
        for (int i = 0; i < k * d; i++) input.Means[i] = Next();
        for (int i = 0; i < k * icfSize; i++) input.Icf[i] = Next();
        for (int i = 0; i < n * d; i++) input.X[i] = Next();
        input.Gamma = Next();
        input.M = (int)Next();
        return input;
    }

    /// <summary>The objective of an instance.</summary>
    public static double Objective(GmmInput g) =>
        Objective(g.D, g.K, g.N, g.Alphas, g.Means, g.Icf, g.X, g.Gamma, g.M);

    /// <summary>Nabla's gradient of an instance, in ADBench's order [d alphas, d means, d icf].</summary>
    public static double[] Gradient(GmmInput g)
    {
        var (_, (dAlphas, dMeans, dIcf)) = Objective_ValueWithGradient(g.D, g.K, g.N, g.Alphas, g.Means, g.Icf, g.X, g.Gamma, g.M);
        var result = new double[g.ParameterCount];
        dAlphas.CopyTo(result, 0);
        dMeans.CopyTo(result, dAlphas.Length);
        dIcf.CopyTo(result, dAlphas.Length + dMeans.Length);
        return result;
    }
}
