// ADBench GMM: a second hand-written gradient, in the objective's own algebra — per point and component, as
// ADBench's manual C++ derivative is organised (its "Manual" column, 1.81× the objective at 1k d10). GmmManual.cs is
// faster than the objective itself (another algebra and SIMD); this one is the comparison an AD tool can be held to:
// the same loops as the objective, each derivative term written out.
//
// Per point x and component k, with xc = x − μ_k and Q_k = diag(exp q_k) + L_k (L strictly lower, by columns):
//   main_k = α_k + Σ q_k − ½‖Q_k xc‖²
//   ∂main_k/∂μ_k = Q_kᵀ (Q_k xc),  ∂main_k/∂q_ki = 1 − exp(q_ki) xc_i (Q_k xc)_i,  ∂main_k/∂L_k[j,i] = −xc_i (Q_k xc)_j
// and the point's log-sum-exp over k weighs each component's terms by its softmax weight. ADBench stores every term
// per component and adds them once the weights are known; this keeps only xc and Q·xc per component (2D numbers
// instead of D(D+3)/2) and forms the terms in the weighted pass.
using System;

namespace Nabla.Workloads;

public static class GmmManualPerPoint
{
    /// <summary>Per-thread buffers, reused while D and K stay the same.</summary>
    private sealed class Scratch
    {
        public readonly int D, K;
        public readonly double[] QDiag;        // K × D: exp q
        public readonly double[] SumQ;         // K
        public readonly double[] Centred;      // K × D: xc per component
        public readonly double[] QCentred;     // K × D: Q·xc per component
        public readonly double[] Main;         // K: main terms, then softmax weights
        public readonly double[] AlphaWeight;  // K

        public Scratch(int d, int k)
        {
            D = d; K = k;
            QDiag = new double[k * d];
            SumQ = new double[k];
            Centred = new double[k * d];
            QCentred = new double[k * d];
            Main = new double[k];
            AlphaWeight = new double[k];
        }
    }

    [ThreadStatic] private static Scratch? t_scratch;

    /// <summary>
    /// The objective of <paramref name="g"/>, and its gradient written into <paramref name="gradient"/> in
    /// ADBench's order [d alphas (K), d means (K·D), d icf (K·D(D+1)/2)].
    /// </summary>
    public static double ObjectiveAndGradient(GmmInput g, double[] gradient)
    {
        int d = g.D, k = g.K, n = g.N, icfSize = d * (d + 1) / 2;
        if (gradient.Length < g.ParameterCount)
            throw new ArgumentException($"The gradient needs {g.ParameterCount} entries.", nameof(gradient));
        var s = t_scratch;
        if (s == null || s.D != d || s.K != k) t_scratch = s = new Scratch(d, k);
        double[] alphas = g.Alphas, means = g.Means, icf = g.Icf, x = g.X;
        double[] qdiag = s.QDiag, sumQ = s.SumQ, xc = s.Centred, qxc = s.QCentred, main = s.Main;

        for (int ik = 0; ik < k; ik++)
        {
            double sum = 0;
            for (int i = 0; i < d; i++)
            {
                double q = icf[ik * icfSize + i];
                sum += q;
                qdiag[ik * d + i] = Math.Exp(q);
            }
            sumQ[ik] = sum;
        }
        Array.Clear(gradient, 0, g.ParameterCount);
        int meansAt = k, icfAt = k + k * d;

        double slse = 0;
        for (int ix = 0; ix < n; ix++)
        {
            int xAt = ix * d;
            for (int ik = 0; ik < k; ik++)
            {
                int qAt = ik * d, lAt = ik * icfSize + d;
                for (int i = 0; i < d; i++) xc[qAt + i] = x[xAt + i] - means[qAt + i];
                // Q·xc: the diagonal, then the strictly lower part column by column.
                for (int i = 0; i < d; i++) qxc[qAt + i] = qdiag[qAt + i] * xc[qAt + i];
                int l = lAt;
                for (int i = 0; i < d; i++)
                {
                    double xi = xc[qAt + i];
                    for (int j = i + 1; j < d; j++) qxc[qAt + j] += icf[l++] * xi;
                }
                double norm = 0;
                for (int i = 0; i < d; i++) norm += qxc[qAt + i] * qxc[qAt + i];
                main[ik] = alphas[ik] + sumQ[ik] - 0.5 * norm;
            }
            slse += LogSumExpWeights(k, main);
            // main now holds the softmax weights: each component's terms, weighted.
            for (int ik = 0; ik < k; ik++)
            {
                double w = main[ik];
                gradient[ik] += w;
                int qAt = ik * d, icfOffset = icfAt + ik * icfSize, l = ik * icfSize + d, lower = icfOffset + d;
                for (int i = 0; i < d; i++)
                {
                    double wq = w * qxc[qAt + i], xi = xc[qAt + i], e = qdiag[qAt + i];
                    gradient[icfOffset + i] += w - e * xi * wq;
                    // (Qᵀ·w·Q·xc)_i: the diagonal and column i of the lower part; that column's −w·xc_i·(Q·xc)_j.
                    double t = e * wq, wxi = w * xi;
                    for (int j = i + 1; j < d; j++)
                    {
                        double qj = qxc[qAt + j];
                        t += icf[l++] * (w * qj);
                        gradient[lower++] -= wxi * qj;
                    }
                    gradient[meansAt + qAt + i] += t;
                }
            }
        }

        // −n·logsumexp(α), and the Wishart prior: ½γ²(Σ exp(q)² + Σ L²) − m Σ q per component.
        var alphaWeight = s.AlphaWeight;
        Array.Copy(alphas, alphaWeight, k);
        double lseAlphas = LogSumExpWeights(k, alphaWeight);
        double gamma2 = g.Gamma * g.Gamma;
        for (int ik = 0; ik < k; ik++)
        {
            gradient[ik] -= n * alphaWeight[ik];
            int icfOffset = icfAt + ik * icfSize;
            for (int i = 0; i < d; i++)
            {
                double e = qdiag[ik * d + i];
                gradient[icfOffset + i] += gamma2 * e * e - g.M;
            }
            for (int i = d; i < icfSize; i++) gradient[icfOffset + i] += gamma2 * icf[ik * icfSize + i];
        }

        double constant = -n * d * 0.5 * Math.Log(2 * Gmm.Pi);
        double error = constant + slse - n * lseAlphas;
        return error + Gmm.LogWishartPrior(d, k, g.Gamma, g.M, sumQ, qdiag, icf);
    }

    /// <summary>log Σ exp(v) (shifted by the maximum), and v overwritten by the softmax weights exp(v_i − lse).</summary>
    private static double LogSumExpWeights(int n, double[] v)
    {
        double max = v[0];
        for (int i = 1; i < n; i++)
            if (max < v[i]) max = v[i];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double e = Math.Exp(v[i] - max);
            v[i] = e;
            sum += e;
        }
        double inverse = 1 / sum;
        for (int i = 0; i < n; i++) v[i] *= inverse;
        return Math.Log(sum) + max;
    }
}
