// A hand-written gradient of ADBench's GMM objective (Gmm.Objective), as fast as plain C# makes it: the
// practical lower bound that Nabla's generated gradient is measured against.
//
// Per point i and component k, with xc = x_i − μ_k and Q_k lower triangular (diagonal exp(q_k), strictly
// lower part l_k by columns): main_ik = α_k + Σq_k − ½‖Q_k xc‖². The objective is
// Σ_i logsumexp_k(main_ik) − N·logsumexp(α) + Wishart prior + a constant. With the responsibilities
// w_ik = softmax_k(main_ik):
//   ∂/∂α_k   = Σ_i w_ik − N·softmax(α)_k
//   ∂/∂μ_k   = Q_kᵀQ_k Σ_i w_ik xc_ik
//   ∂/∂q_kj  = Σ_i w_ik − exp(q_kj)·M_k[j,j]                      + γ²exp(q_kj)² − m
//   ∂/∂l_kba = −M_k[a,b]   (row b > column a)                      + γ²l_kba
// where M_k = C_k Q_kᵀ and C_k = Σ_i w_ik xc_ik xc_ikᵀ. So the per-point work is the forward pass (Q xc)
// and one rank-one update of C_k; everything that involves Q_k a second time happens once per component,
// at the end. ADBench's manual derivative (src/cpp/modules/manual/gmm_d.cpp) instead forms Qᵀ(Q xc) and
// the outer product xc (Q xc)ᵀ for every point, which costs two more triangular products per (i, k).
//
// Points are processed in chunks, four to a Vector256 lane group (structure of arrays: one vector holds
// one coordinate of four points), so every triangular product is a broadcast-times-vector FMA with no
// tails in the dimension loop; exp and log run on vectors too.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Workloads;

public static class GmmManual
{
    private const int Lanes = 4;                    // doubles in a Vector256
    private const int ChunkVectors = 16;            // lane groups in a chunk
    private const int Chunk = Lanes * ChunkVectors; // points in a chunk
    private const int Block = 4;                    // lane groups a kernel keeps in registers at once

    /// <summary>Per-thread buffers, reused while D and K stay the same.</summary>
    private sealed class Scratch
    {
        public readonly int D, K;
        public readonly double[] Q;        // K × D(D+1)/2: Q_k row by row, row b = Q[b,0..b] (diagonal last)
        public readonly double[] SumQ;     // K
        public readonly double[] Weight;   // K: Σ_i w_ik
        public readonly double[] WeightedX; // K × D: Σ_i w_ik xc_ik
        public readonly double[] C;        // K × D(D+1)/2: C_k, lower triangle row by row (same layout as Q)
        public readonly double[] CFull;    // D × D: one C_k, both triangles
        public readonly double[] V;        // D
        public readonly Vector256<double>[] X;    // D × ChunkVectors: the chunk's points, coordinate-major
        public readonly Vector256<double>[] XC;   // D × ChunkVectors: the chunk centred on one component
        public readonly Vector256<double>[] Main; // K × ChunkVectors: main terms, then responsibilities

        public Scratch(int d, int k)
        {
            D = d; K = k;
            int icfSize = d * (d + 1) / 2;
            Q = new double[k * icfSize];
            SumQ = new double[k];
            Weight = new double[k];
            WeightedX = new double[k * d];
            C = new double[k * icfSize];
            CFull = new double[d * d];
            V = new double[d];
            X = new Vector256<double>[d * ChunkVectors];
            XC = new Vector256<double>[d * ChunkVectors];
            Main = new Vector256<double>[k * ChunkVectors];
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

        double[] alphas = g.Alphas, means = g.Means, icf = g.Icf;
        double gamma = g.Gamma;
        int m = g.M;

        // Q_k row by row, and Σ q_k.
        for (int ik = 0; ik < k; ik++)
        {
            int qo = ik * icfSize, io = ik * icfSize;
            double sumQ = 0;
            for (int b = 0; b < d; b++)
            {
                double q = icf[io + b];
                sumQ += q;
                s.Q[qo + Row(b) + b] = Math.Exp(q);
            }
            int li = io + d;
            for (int a = 0; a < d; a++)
                for (int b = a + 1; b < d; b++)
                    s.Q[qo + Row(b) + a] = icf[li++];
            s.SumQ[ik] = sumQ;
        }
        Array.Clear(s.Weight);
        Array.Clear(s.WeightedX);
        Array.Clear(s.C);

        // The data term, a chunk of points at a time: main terms for every component, responsibilities,
        // then each component's weighted sums.
        double sumLse = 0;
        for (int p0 = 0; p0 < n; p0 += Chunk)
        {
            int count = Math.Min(Chunk, n - p0);
            int vectors = (count + Lanes * Block - 1) / (Lanes * Block) * Block;
            LoadChunk(g.X, d, p0, count, s.X);
            for (int ik = 0; ik < k; ik++)
            {
                Center(s.X, means, ik * d, d, vectors, s.XC);
                MainTerms(s.XC, s.Q, ik * icfSize, d, vectors, alphas[ik] + s.SumQ[ik], s.Main, ik * ChunkVectors);
            }
            sumLse += Responsibilities(s.Main, k, vectors, count);
            for (int ik = 0; ik < k; ik++)
            {
                Center(s.X, means, ik * d, d, vectors, s.XC);
                Accumulate(s.XC, s.Main, ik * ChunkVectors, d, vectors, s.C, ik * icfSize, s.WeightedX, ik * d, ref s.Weight[ik]);
            }
        }

        // log-sum-exp of the alphas.
        double maxAlpha = alphas[0];
        for (int ik = 1; ik < k; ik++) maxAlpha = Math.Max(maxAlpha, alphas[ik]);
        double sumExpAlpha = 0;
        for (int ik = 0; ik < k; ik++) sumExpAlpha += Math.Exp(alphas[ik] - maxAlpha);
        double lseAlphas = Math.Log(sumExpAlpha) + maxAlpha;

        // Per component: the gradient from the weighted sums, and the Wishart prior.
        double gamma2 = gamma * gamma;
        double frobenius = 0, sumAllQ = 0;
        int meansAt = k, icfAt = k + k * d;
        double[] cFull = s.CFull, v = s.V;
        for (int ik = 0; ik < k; ik++)
        {
            int qo = ik * icfSize, io = ik * icfSize;
            double weight = s.Weight[ik];
            sumAllQ += s.SumQ[ik];
            gradient[ik] = weight - n * Math.Exp(alphas[ik] - lseAlphas);

            // ∂/∂μ_k = Qᵀ(Q Σ w xc).
            int wx = ik * d;
            for (int b = 0; b < d; b++)
            {
                int row = qo + Row(b);
                double acc = 0;
                for (int c = 0; c <= b; c++) acc += s.Q[row + c] * s.WeightedX[wx + c];
                v[b] = acc;
            }
            for (int a = 0; a < d; a++)
            {
                double acc = 0;
                for (int b = a; b < d; b++) acc += s.Q[qo + Row(b) + a] * v[b];
                gradient[meansAt + ik * d + a] = acc;
            }

            // C_k, both triangles.
            for (int b = 0; b < d; b++)
            {
                int row = qo + Row(b);
                for (int a = 0; a <= b; a++)
                {
                    double c = s.C[row + a];
                    cFull[b * d + a] = c;
                    cFull[a * d + b] = c;
                }
            }

            // M_k[a,b] = Σ_{c ≤ b} C[a,c] Q[b,c] for a ≤ b: the diagonal feeds q, the rest feeds l.
            int gi = icfAt + ik * icfSize;
            for (int j = 0; j < d; j++)
            {
                double qd = s.Q[qo + Row(j) + j];
                double mjj = Dot(cFull, j * d, s.Q, qo + Row(j), j + 1);
                gradient[gi + j] = weight - qd * mjj + gamma2 * qd * qd - m;
                frobenius += qd * qd;
            }
            int li = d;
            for (int a = 0; a < d; a++)
            {
                for (int b = a + 1; b < d; b++)
                {
                    double l = icf[io + li];
                    gradient[gi + li] = -Dot(cFull, a * d, s.Q, qo + Row(b), b + 1) + gamma2 * l;
                    frobenius += l * l;
                    li++;
                }
            }
        }

        int np = d + m + 1;
        double wishartConstant = np * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - Gmm.LogGammaDistribution(0.5 * np, d);
        double prior = 0.5 * gamma2 * frobenius - m * sumAllQ - k * wishartConstant;
        double constant = -n * d * 0.5 * Math.Log(2 * Gmm.Pi);
        return constant + sumLse - n * lseAlphas + prior;
    }

    /// <summary>Offset of row b in a lower triangle stored row by row (diagonal included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Row(int b) => b * (b + 1) / 2;

    private static double Dot(double[] x, int xOffset, double[] y, int yOffset, int length)
    {
        var xs = x.AsSpan(xOffset, length);
        var ys = y.AsSpan(yOffset, length);
        int i = 0;
        double result = 0;
        if (length >= Lanes)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= length - Lanes; i += Lanes)
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(xs.Slice(i, Lanes)), Vector256.Create(ys.Slice(i, Lanes)), acc);
            result = Vector256.Sum(acc);
        }
        for (; i < length; i++) result += xs[i] * ys[i];
        return result;
    }

    /// <summary>Points p0 .. p0+count−1, transposed into lane groups; lanes past the last point hold zeros.</summary>
    private static void LoadChunk(double[] x, int d, int p0, int count, Vector256<double>[] chunk)
    {
        Span<double> lane = stackalloc double[Lanes];
        for (int v = 0; v < ChunkVectors; v++)
        {
            int first = v * Lanes;
            for (int a = 0; a < d; a++)
            {
                for (int l = 0; l < Lanes; l++)
                    lane[l] = first + l < count ? x[(p0 + first + l) * d + a] : 0;
                chunk[a * ChunkVectors + v] = Vector256.Create<double>(lane);
            }
        }
    }

    /// <summary>xc = x − μ_k for every lane group of the chunk.</summary>
    private static void Center(Vector256<double>[] x, double[] means, int meanOffset, int d, int vectors, Vector256<double>[] xc)
    {
        for (int a = 0; a < d; a++)
        {
            var mu = Vector256.Create(means[meanOffset + a]);
            var src = x.AsSpan(a * ChunkVectors, vectors);
            var dst = xc.AsSpan(a * ChunkVectors, vectors);
            for (int v = 0; v < src.Length; v++) dst[v] = src[v] - mu;
        }
    }

    /// <summary>main = α_k + Σq_k − ½‖Q_k xc‖² for every lane group: rows of Q two at a time, four lane groups at a time.</summary>
    private static void MainTerms(Vector256<double>[] xcArray, double[] qArray, int qOffset, int d, int vectors, double alphaPlusSumQ,
        Vector256<double>[] mainArray, int mainOffset)
    {
        ref Vector256<double> xc = ref MemoryMarshal.GetArrayDataReference(xcArray);
        ref double q = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(qArray), qOffset);
        ref Vector256<double> main = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mainArray), mainOffset);
        var half = Vector256.Create(0.5);
        var offset = Vector256.Create(alphaPlusSumQ);
        for (int v = 0; v < vectors; v += Block)
        {
            var s0 = Vector256<double>.Zero; var s1 = Vector256<double>.Zero;
            var s2 = Vector256<double>.Zero; var s3 = Vector256<double>.Zero;
            int b = 0;
            for (; b + 1 < d; b += 2)
            {
                ref double r0 = ref Unsafe.Add(ref q, Row(b));
                ref double r1 = ref Unsafe.Add(ref r0, b + 1);
                var a00 = Vector256<double>.Zero; var a01 = Vector256<double>.Zero;
                var a02 = Vector256<double>.Zero; var a03 = Vector256<double>.Zero;
                var a10 = Vector256<double>.Zero; var a11 = Vector256<double>.Zero;
                var a12 = Vector256<double>.Zero; var a13 = Vector256<double>.Zero;
                for (int a = 0; a <= b; a++)
                {
                    ref Vector256<double> x = ref Unsafe.Add(ref xc, a * ChunkVectors + v);
                    var x0 = x; var x1 = Unsafe.Add(ref x, 1); var x2 = Unsafe.Add(ref x, 2); var x3 = Unsafe.Add(ref x, 3);
                    var l0 = Vector256.Create(Unsafe.Add(ref r0, a));
                    var l1 = Vector256.Create(Unsafe.Add(ref r1, a));
                    a00 = Vector256.FusedMultiplyAdd(l0, x0, a00); a01 = Vector256.FusedMultiplyAdd(l0, x1, a01);
                    a02 = Vector256.FusedMultiplyAdd(l0, x2, a02); a03 = Vector256.FusedMultiplyAdd(l0, x3, a03);
                    a10 = Vector256.FusedMultiplyAdd(l1, x0, a10); a11 = Vector256.FusedMultiplyAdd(l1, x1, a11);
                    a12 = Vector256.FusedMultiplyAdd(l1, x2, a12); a13 = Vector256.FusedMultiplyAdd(l1, x3, a13);
                }
                {
                    ref Vector256<double> x = ref Unsafe.Add(ref xc, (b + 1) * ChunkVectors + v);
                    var l1 = Vector256.Create(Unsafe.Add(ref r1, b + 1));
                    a10 = Vector256.FusedMultiplyAdd(l1, x, a10); a11 = Vector256.FusedMultiplyAdd(l1, Unsafe.Add(ref x, 1), a11);
                    a12 = Vector256.FusedMultiplyAdd(l1, Unsafe.Add(ref x, 2), a12); a13 = Vector256.FusedMultiplyAdd(l1, Unsafe.Add(ref x, 3), a13);
                }
                s0 = Vector256.FusedMultiplyAdd(a00, a00, s0); s1 = Vector256.FusedMultiplyAdd(a01, a01, s1);
                s2 = Vector256.FusedMultiplyAdd(a02, a02, s2); s3 = Vector256.FusedMultiplyAdd(a03, a03, s3);
                s0 = Vector256.FusedMultiplyAdd(a10, a10, s0); s1 = Vector256.FusedMultiplyAdd(a11, a11, s1);
                s2 = Vector256.FusedMultiplyAdd(a12, a12, s2); s3 = Vector256.FusedMultiplyAdd(a13, a13, s3);
            }
            if (b < d)
            {
                ref double r0 = ref Unsafe.Add(ref q, Row(b));
                var a00 = Vector256<double>.Zero; var a01 = Vector256<double>.Zero;
                var a02 = Vector256<double>.Zero; var a03 = Vector256<double>.Zero;
                for (int a = 0; a <= b; a++)
                {
                    ref Vector256<double> x = ref Unsafe.Add(ref xc, a * ChunkVectors + v);
                    var l0 = Vector256.Create(Unsafe.Add(ref r0, a));
                    a00 = Vector256.FusedMultiplyAdd(l0, x, a00); a01 = Vector256.FusedMultiplyAdd(l0, Unsafe.Add(ref x, 1), a01);
                    a02 = Vector256.FusedMultiplyAdd(l0, Unsafe.Add(ref x, 2), a02); a03 = Vector256.FusedMultiplyAdd(l0, Unsafe.Add(ref x, 3), a03);
                }
                s0 = Vector256.FusedMultiplyAdd(a00, a00, s0); s1 = Vector256.FusedMultiplyAdd(a01, a01, s1);
                s2 = Vector256.FusedMultiplyAdd(a02, a02, s2); s3 = Vector256.FusedMultiplyAdd(a03, a03, s3);
            }
            Unsafe.Add(ref main, v) = offset - half * s0;
            Unsafe.Add(ref main, v + 1) = offset - half * s1;
            Unsafe.Add(ref main, v + 2) = offset - half * s2;
            Unsafe.Add(ref main, v + 3) = offset - half * s3;
        }
    }

    /// <summary>
    /// Replaces each point's main terms by its responsibilities softmax_k(main) (zero in the lanes past the
    /// last point) and returns Σ over the chunk's points of logsumexp_k(main).
    /// </summary>
    private static double Responsibilities(Vector256<double>[] main, int k, int vectors, int count)
    {
        var sumLse = Vector256<double>.Zero;
        var laneIndex = Vector256.Create(0.0, 1.0, 2.0, 3.0);
        for (int v = 0; v < vectors; v++)
        {
            var mx = main[v];
            for (int ik = 1; ik < k; ik++) mx = Vector256.Max(mx, main[ik * ChunkVectors + v]);
            var sum = Vector256<double>.Zero;
            for (int ik = 0; ik < k; ik++)
            {
                ref var e = ref main[ik * ChunkVectors + v];
                e = Vector256.Exp(e - mx);
                sum += e;
            }
            var inside = Vector256.LessThan(laneIndex + Vector256.Create((double)(v * Lanes)), Vector256.Create((double)count));
            var scale = Vector256.ConditionalSelect(inside, Vector256<double>.One / sum, Vector256<double>.Zero);
            for (int ik = 0; ik < k; ik++) main[ik * ChunkVectors + v] *= scale;
            sumLse += Vector256.ConditionalSelect(inside, Vector256.Log(sum) + mx, Vector256<double>.Zero);
        }
        return Vector256.Sum(sumLse);
    }

    /// <summary>
    /// For one component: C += Σ_i w_i xc_i xc_iᵀ (lower triangle, row by row), Σ w xc and Σ w over the chunk.
    /// Rows of C two at a time, columns four at a time, each entry a dot product over the chunk's lanes.
    /// </summary>
    private static void Accumulate(Vector256<double>[] xcArray, Vector256<double>[] wArray, int wOffset, int d, int vectors,
        double[] cArray, int cOffset, double[] weightedX, int wxOffset, ref double weight)
    {
        ref Vector256<double> xc = ref MemoryMarshal.GetArrayDataReference(xcArray);
        ref Vector256<double> w = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(wArray), wOffset);
        ref double c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cArray), cOffset);

        // Σ w and Σ w xc.
        var sumW = Vector256<double>.Zero;
        for (int v = 0; v < vectors; v++) sumW += Unsafe.Add(ref w, v);
        weight += Vector256.Sum(sumW);
        for (int a = 0; a < d; a++)
        {
            var acc = Vector256<double>.Zero;
            ref Vector256<double> row = ref Unsafe.Add(ref xc, a * ChunkVectors);
            for (int v = 0; v < vectors; v++) acc = Vector256.FusedMultiplyAdd(Unsafe.Add(ref w, v), Unsafe.Add(ref row, v), acc);
            weightedX[wxOffset + a] += Vector256.Sum(acc);
        }

        int rb = 0;
        for (; rb + 1 < d; rb += 2)
        {
            ref double c0 = ref Unsafe.Add(ref c, Row(rb));
            ref double c1 = ref Unsafe.Add(ref c0, rb + 1);
            ref Vector256<double> y0 = ref Unsafe.Add(ref xc, rb * ChunkVectors);
            ref Vector256<double> y1 = ref Unsafe.Add(ref y0, ChunkVectors);
            int a = 0;
            for (; a + 3 <= rb; a += 4)
            {
                ref Vector256<double> x = ref Unsafe.Add(ref xc, a * ChunkVectors);
                var c00 = Vector256<double>.Zero; var c01 = Vector256<double>.Zero; var c02 = Vector256<double>.Zero; var c03 = Vector256<double>.Zero;
                var c10 = Vector256<double>.Zero; var c11 = Vector256<double>.Zero; var c12 = Vector256<double>.Zero; var c13 = Vector256<double>.Zero;
                for (int v = 0; v < vectors; v++)
                {
                    var wv = Unsafe.Add(ref w, v);
                    var u0 = wv * Unsafe.Add(ref y0, v);
                    var u1 = wv * Unsafe.Add(ref y1, v);
                    var x0 = Unsafe.Add(ref x, v);
                    var x1 = Unsafe.Add(ref x, ChunkVectors + v);
                    var x2 = Unsafe.Add(ref x, 2 * ChunkVectors + v);
                    var x3 = Unsafe.Add(ref x, 3 * ChunkVectors + v);
                    c00 = Vector256.FusedMultiplyAdd(u0, x0, c00); c01 = Vector256.FusedMultiplyAdd(u0, x1, c01);
                    c02 = Vector256.FusedMultiplyAdd(u0, x2, c02); c03 = Vector256.FusedMultiplyAdd(u0, x3, c03);
                    c10 = Vector256.FusedMultiplyAdd(u1, x0, c10); c11 = Vector256.FusedMultiplyAdd(u1, x1, c11);
                    c12 = Vector256.FusedMultiplyAdd(u1, x2, c12); c13 = Vector256.FusedMultiplyAdd(u1, x3, c13);
                }
                Unsafe.Add(ref c0, a) += Vector256.Sum(c00); Unsafe.Add(ref c0, a + 1) += Vector256.Sum(c01);
                Unsafe.Add(ref c0, a + 2) += Vector256.Sum(c02); Unsafe.Add(ref c0, a + 3) += Vector256.Sum(c03);
                Unsafe.Add(ref c1, a) += Vector256.Sum(c10); Unsafe.Add(ref c1, a + 1) += Vector256.Sum(c11);
                Unsafe.Add(ref c1, a + 2) += Vector256.Sum(c12); Unsafe.Add(ref c1, a + 3) += Vector256.Sum(c13);
            }
            for (; a <= rb + 1; a++)
            {
                ref Vector256<double> x = ref Unsafe.Add(ref xc, a * ChunkVectors);
                var c0a = Vector256<double>.Zero; var c1a = Vector256<double>.Zero;
                for (int v = 0; v < vectors; v++)
                {
                    var wx = Unsafe.Add(ref w, v) * Unsafe.Add(ref x, v);
                    c0a = Vector256.FusedMultiplyAdd(wx, Unsafe.Add(ref y0, v), c0a);
                    c1a = Vector256.FusedMultiplyAdd(wx, Unsafe.Add(ref y1, v), c1a);
                }
                if (a <= rb) Unsafe.Add(ref c0, a) += Vector256.Sum(c0a);
                Unsafe.Add(ref c1, a) += Vector256.Sum(c1a);
            }
        }
        if (rb < d)
        {
            ref double c0 = ref Unsafe.Add(ref c, Row(rb));
            ref Vector256<double> y0 = ref Unsafe.Add(ref xc, rb * ChunkVectors);
            for (int a = 0; a <= rb; a++)
            {
                ref Vector256<double> x = ref Unsafe.Add(ref xc, a * ChunkVectors);
                var acc = Vector256<double>.Zero;
                for (int v = 0; v < vectors; v++)
                    acc = Vector256.FusedMultiplyAdd(Unsafe.Add(ref w, v) * Unsafe.Add(ref x, v), Unsafe.Add(ref y0, v), acc);
                Unsafe.Add(ref c0, a) += Vector256.Sum(acc);
            }
        }
    }
}
