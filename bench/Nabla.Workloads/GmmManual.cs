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
// the outer product xc (Q xc)ᵀ for every point and adds it into the gradient, which costs two more
// triangular passes per (i, k).
//
// Points are processed in chunks, four to a Vector256 (structure of arrays: one vector holds one
// coordinate of four points), so every triangular product is a broadcast-times-vector FMA. Dimensions
// are padded to a multiple of four and the triangles stored in 4×4 blocks (zeros above the diagonal), so
// the kernels have no tails (this relies on Lanes = 4 = the block side); exp runs on vectors too.
// Scratch, cached per thread: two blocked triangles per component (Q_k and C_k) and a few chunk-sized
// buffers; a call allocates nothing once the scratch for its D and K exists.
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
    private const int Block = 4;                    // lane groups the forward kernel keeps in registers

    /// <summary>Per-thread buffers, reused while D and K stay the same.</summary>
    private sealed class Scratch
    {
        public readonly int D, K;
        public readonly int Padded;        // D rounded up to a multiple of 4
        public readonly int Triangle;      // entries of a blocked lower triangle of side Padded
        public readonly int[] RowStart;    // Padded: where row r starts in a blocked triangle
        public readonly double[] Q;        // K × Triangle: Q_k, blocked (row r holds columns 0 .. r|3, zeros past r)
        public readonly double[] C;        // K × Triangle: Σ w xc xcᵀ, same layout (entries past the diagonal are unused)
        public readonly double[] SumQ;     // K
        public readonly double[] Weight;   // K: Σ_i w_ik
        public readonly double[] WeightedX; // K × D: Σ_i w_ik xc_ik
        public readonly double[] CFull;    // Padded × Padded: one C_k, both triangles
        public readonly double[] V;        // D
        public readonly Vector256<double>[] X;    // Padded × ChunkVectors: the chunk's points, coordinate-major
        public readonly Vector256<double>[] XC;   // Padded × ChunkVectors: the chunk centred on one component
        public readonly Vector256<double>[] U;    // Padded × ChunkVectors: responsibility × XC
        public readonly Vector256<double>[] Main; // K × ChunkVectors: main terms, then responsibilities

        public Scratch(int d, int k)
        {
            D = d; K = k;
            Padded = (d + 3) & ~3;
            int groups = Padded / 4;
            Triangle = 8 * groups * (groups + 1);
            RowStart = new int[Padded];
            for (int r = 0; r < Padded; r++)
            {
                int g = r >> 2;
                RowStart[r] = 8 * g * (g + 1) + (r - 4 * g) * (4 * g + 4);
            }
            Q = new double[k * Triangle];
            C = new double[k * Triangle];
            SumQ = new double[k];
            Weight = new double[k];
            WeightedX = new double[k * d];
            CFull = new double[Padded * Padded];
            V = new double[d];
            X = new Vector256<double>[Padded * ChunkVectors];
            XC = new Vector256<double>[Padded * ChunkVectors];
            U = new Vector256<double>[Padded * ChunkVectors];
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
        int tri = s.Triangle, dp = s.Padded;
        int[] rowStart = s.RowStart;

        double[] alphas = g.Alphas, means = g.Means, icf = g.Icf;
        double gamma = g.Gamma;
        int m = g.M;

        // Q_k in blocks, and Σ q_k. Entries above the diagonal stay zero from allocation.
        for (int ik = 0; ik < k; ik++)
        {
            int qo = ik * tri, io = ik * icfSize;
            double sumQ = 0;
            for (int b = 0; b < d; b++)
            {
                double q = icf[io + b];
                sumQ += q;
                s.Q[qo + rowStart[b] + b] = Math.Exp(q);
            }
            int li = io + d;
            for (int a = 0; a < d; a++)
                for (int b = a + 1; b < d; b++)
                    s.Q[qo + rowStart[b] + a] = icf[li++];
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
                MainTerms(s.XC, s.Q, ik * tri, dp, rowStart, vectors, alphas[ik] + s.SumQ[ik], s.Main, ik * ChunkVectors);
            }
            sumLse += Responsibilities(s.Main, k, vectors, count);
            for (int ik = 0; ik < k; ik++)
            {
                CenterAndWeigh(s.X, means, ik * d, d, vectors, s.Main, ik * ChunkVectors, s.XC, s.U, s.WeightedX, ref s.Weight[ik]);
                Accumulate(s.XC, s.U, dp, rowStart, vectors, s.C, ik * tri);
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
        double[] cFull = s.CFull, v = s.V, qs = s.Q, cs = s.C;
        for (int ik = 0; ik < k; ik++)
        {
            int qo = ik * tri, io = ik * icfSize;
            double weight = s.Weight[ik];
            sumAllQ += s.SumQ[ik];
            gradient[ik] = weight - n * Math.Exp(alphas[ik] - lseAlphas);

            // ∂/∂μ_k = Qᵀ(Q Σ w xc), both products along the rows of Q.
            int wx = ik * d, dm = meansAt + ik * d;
            for (int b = 0; b < d; b++)
            {
                int row = qo + rowStart[b];
                double acc = 0;
                for (int c = 0; c <= b; c++) acc += qs[row + c] * s.WeightedX[wx + c];
                v[b] = acc;
            }
            Array.Clear(gradient, dm, d);
            for (int b = 0; b < d; b++)
            {
                int row = qo + rowStart[b];
                double vb = v[b];
                for (int a = 0; a <= b; a++) gradient[dm + a] += qs[row + a] * vb;
            }

            // C_k, both triangles (rows padded with zeros to a multiple of four).
            for (int b = 0; b < d; b++)
            {
                int row = qo + rowStart[b];
                for (int a = 0; a <= b; a++)
                {
                    double c = cs[row + a];
                    cFull[b * dp + a] = c;
                    cFull[a * dp + b] = c;
                }
            }

            // M_k = C_k Q_kᵀ (the lower triangle, M[a,b] for a ≤ b), written over C_k: M[b,b] feeds q_b and
            // M[a,b] (a < b) feeds l_ba, stored by columns.
            TimesQTransposed(cFull, dp, qs, qo, rowStart, cs);
            int gi = icfAt + ik * icfSize;
            for (int b = 0; b < d; b++)
            {
                double qd = qs[qo + rowStart[b] + b];
                gradient[gi + b] = weight - qd * cs[qo + rowStart[b] + b] + gamma2 * qd * qd - m;
                frobenius += qd * qd;
            }
            int li = d;
            for (int a = 0; a < d; a++)
            {
                for (int b = a + 1; b < d; b++, li++)
                {
                    double l = icf[io + li];
                    gradient[gi + li] = -cs[qo + rowStart[b] + a] + gamma2 * l;
                    frobenius += l * l;
                }
            }
        }

        int np = d + m + 1;
        double wishartConstant = np * d * (Math.Log(gamma) - 0.5 * Math.Log(2)) - Gmm.LogGammaDistribution(0.5 * np, d);
        double prior = 0.5 * gamma2 * frobenius - m * sumAllQ - k * wishartConstant;
        double constant = -n * d * 0.5 * Math.Log(2 * Gmm.Pi);
        return constant + sumLse - n * lseAlphas + prior;
    }

    /// <summary>
    /// M[a,b] = Σ_c C[a,c] Q[b,c] for the blocks with a ≤ b, written where Q[b,a] sits in the blocked layout:
    /// 4×4 blocks, each entry a dot product along a row of C and a row of Q.
    /// </summary>
    private static void TimesQTransposed(double[] cFull, int dp, double[] qArray, int qOffset, int[] rowStart, double[] mArray)
    {
        ref double cBase = ref MemoryMarshal.GetArrayDataReference(cFull);
        ref double q = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(qArray), qOffset);
        ref double mOut = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mArray), qOffset);
        for (int b = 0; b < dp; b += 4)
        {
            int length = b + 4;
            ref double q0 = ref Unsafe.Add(ref q, rowStart[b]);
            ref double q1 = ref Unsafe.Add(ref q0, length);
            ref double q2 = ref Unsafe.Add(ref q1, length);
            ref double q3 = ref Unsafe.Add(ref q2, length);
            for (int a = 0; a <= b; a += 4)
            {
                ref double c0 = ref Unsafe.Add(ref cBase, a * dp);
                ref double c1 = ref Unsafe.Add(ref c0, dp);
                ref double c2 = ref Unsafe.Add(ref c1, dp);
                ref double c3 = ref Unsafe.Add(ref c2, dp);
                var m00 = Vector256<double>.Zero; var m01 = Vector256<double>.Zero; var m02 = Vector256<double>.Zero; var m03 = Vector256<double>.Zero;
                var m10 = Vector256<double>.Zero; var m11 = Vector256<double>.Zero; var m12 = Vector256<double>.Zero; var m13 = Vector256<double>.Zero;
                var m20 = Vector256<double>.Zero; var m21 = Vector256<double>.Zero; var m22 = Vector256<double>.Zero; var m23 = Vector256<double>.Zero;
                var m30 = Vector256<double>.Zero; var m31 = Vector256<double>.Zero; var m32 = Vector256<double>.Zero; var m33 = Vector256<double>.Zero;
                for (int c = 0; c < length; c += Lanes)
                {
                    var x0 = Vector256.LoadUnsafe(ref c0, (nuint)c); var x1 = Vector256.LoadUnsafe(ref c1, (nuint)c);
                    var x2 = Vector256.LoadUnsafe(ref c2, (nuint)c); var x3 = Vector256.LoadUnsafe(ref c3, (nuint)c);
                    var y0 = Vector256.LoadUnsafe(ref q0, (nuint)c); var y1 = Vector256.LoadUnsafe(ref q1, (nuint)c);
                    var y2 = Vector256.LoadUnsafe(ref q2, (nuint)c); var y3 = Vector256.LoadUnsafe(ref q3, (nuint)c);
                    m00 = Vector256.FusedMultiplyAdd(x0, y0, m00); m01 = Vector256.FusedMultiplyAdd(x0, y1, m01);
                    m02 = Vector256.FusedMultiplyAdd(x0, y2, m02); m03 = Vector256.FusedMultiplyAdd(x0, y3, m03);
                    m10 = Vector256.FusedMultiplyAdd(x1, y0, m10); m11 = Vector256.FusedMultiplyAdd(x1, y1, m11);
                    m12 = Vector256.FusedMultiplyAdd(x1, y2, m12); m13 = Vector256.FusedMultiplyAdd(x1, y3, m13);
                    m20 = Vector256.FusedMultiplyAdd(x2, y0, m20); m21 = Vector256.FusedMultiplyAdd(x2, y1, m21);
                    m22 = Vector256.FusedMultiplyAdd(x2, y2, m22); m23 = Vector256.FusedMultiplyAdd(x2, y3, m23);
                    m30 = Vector256.FusedMultiplyAdd(x3, y0, m30); m31 = Vector256.FusedMultiplyAdd(x3, y1, m31);
                    m32 = Vector256.FusedMultiplyAdd(x3, y2, m32); m33 = Vector256.FusedMultiplyAdd(x3, y3, m33);
                }
                // M[a+i, b+j] goes to row b+j, column a+i.
                ref double o0 = ref Unsafe.Add(ref mOut, rowStart[b] + a);
                ref double o1 = ref Unsafe.Add(ref o0, length);
                ref double o2 = ref Unsafe.Add(ref o1, length);
                ref double o3 = ref Unsafe.Add(ref o2, length);
                o0 = Vector256.Sum(m00); Unsafe.Add(ref o0, 1) = Vector256.Sum(m10); Unsafe.Add(ref o0, 2) = Vector256.Sum(m20); Unsafe.Add(ref o0, 3) = Vector256.Sum(m30);
                o1 = Vector256.Sum(m01); Unsafe.Add(ref o1, 1) = Vector256.Sum(m11); Unsafe.Add(ref o1, 2) = Vector256.Sum(m21); Unsafe.Add(ref o1, 3) = Vector256.Sum(m31);
                o2 = Vector256.Sum(m02); Unsafe.Add(ref o2, 1) = Vector256.Sum(m12); Unsafe.Add(ref o2, 2) = Vector256.Sum(m22); Unsafe.Add(ref o2, 3) = Vector256.Sum(m32);
                o3 = Vector256.Sum(m03); Unsafe.Add(ref o3, 1) = Vector256.Sum(m13); Unsafe.Add(ref o3, 2) = Vector256.Sum(m23); Unsafe.Add(ref o3, 3) = Vector256.Sum(m33);
            }
        }
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

    /// <summary>xc = x − μ_k for every lane group of the chunk (rows past D stay zero).</summary>
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

    /// <summary>xc = x − μ_k and u = w·xc for the chunk; adds Σ w to <paramref name="weight"/> and Σ w xc to <paramref name="weightedX"/>.</summary>
    private static void CenterAndWeigh(Vector256<double>[] x, double[] means, int meanOffset, int d, int vectors,
        Vector256<double>[] main, int wOffset, Vector256<double>[] xc, Vector256<double>[] u, double[] weightedX, ref double weight)
    {
        var w = main.AsSpan(wOffset, vectors);
        var sumW = Vector256<double>.Zero;
        for (int v = 0; v < w.Length; v++) sumW += w[v];
        weight += Vector256.Sum(sumW);
        for (int a = 0; a < d; a++)
        {
            var mu = Vector256.Create(means[meanOffset + a]);
            var src = x.AsSpan(a * ChunkVectors, vectors);
            var dst = xc.AsSpan(a * ChunkVectors, vectors);
            var weighted = u.AsSpan(a * ChunkVectors, vectors);
            var acc = Vector256<double>.Zero;
            for (int v = 0; v < src.Length && v < w.Length; v++)
            {
                var c = src[v] - mu;
                dst[v] = c;
                var wc = w[v] * c;
                weighted[v] = wc;
                acc += wc;
            }
            weightedX[meanOffset + a] += Vector256.Sum(acc);
        }
    }

    /// <summary>
    /// main = α_k + Σq_k − ½‖Q_k xc‖² for every lane group: four rows of Q by four lane groups at a time.
    /// </summary>
    private static void MainTerms(Vector256<double>[] xcArray, double[] qArray, int qOffset, int dp, int[] rowStart, int vectors,
        double alphaPlusSumQ, Vector256<double>[] mainArray, int mainOffset)
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
            for (int b = 0; b < dp; b += 4)
            {
                int length = b + 4;
                ref double r0 = ref Unsafe.Add(ref q, rowStart[b]);
                ref double r1 = ref Unsafe.Add(ref r0, length);
                ref double r2 = ref Unsafe.Add(ref r1, length);
                ref double r3 = ref Unsafe.Add(ref r2, length);
                var a00 = Vector256<double>.Zero; var a01 = Vector256<double>.Zero; var a02 = Vector256<double>.Zero; var a03 = Vector256<double>.Zero;
                var a10 = Vector256<double>.Zero; var a11 = Vector256<double>.Zero; var a12 = Vector256<double>.Zero; var a13 = Vector256<double>.Zero;
                var a20 = Vector256<double>.Zero; var a21 = Vector256<double>.Zero; var a22 = Vector256<double>.Zero; var a23 = Vector256<double>.Zero;
                var a30 = Vector256<double>.Zero; var a31 = Vector256<double>.Zero; var a32 = Vector256<double>.Zero; var a33 = Vector256<double>.Zero;
                for (int a = 0; a < length; a++)
                {
                    ref Vector256<double> x = ref Unsafe.Add(ref xc, a * ChunkVectors + v);
                    var x0 = x; var x1 = Unsafe.Add(ref x, 1); var x2 = Unsafe.Add(ref x, 2); var x3 = Unsafe.Add(ref x, 3);
                    var l0 = Vector256.Create(Unsafe.Add(ref r0, a));
                    var l1 = Vector256.Create(Unsafe.Add(ref r1, a));
                    var l2 = Vector256.Create(Unsafe.Add(ref r2, a));
                    var l3 = Vector256.Create(Unsafe.Add(ref r3, a));
                    a00 = Vector256.FusedMultiplyAdd(l0, x0, a00); a01 = Vector256.FusedMultiplyAdd(l0, x1, a01);
                    a02 = Vector256.FusedMultiplyAdd(l0, x2, a02); a03 = Vector256.FusedMultiplyAdd(l0, x3, a03);
                    a10 = Vector256.FusedMultiplyAdd(l1, x0, a10); a11 = Vector256.FusedMultiplyAdd(l1, x1, a11);
                    a12 = Vector256.FusedMultiplyAdd(l1, x2, a12); a13 = Vector256.FusedMultiplyAdd(l1, x3, a13);
                    a20 = Vector256.FusedMultiplyAdd(l2, x0, a20); a21 = Vector256.FusedMultiplyAdd(l2, x1, a21);
                    a22 = Vector256.FusedMultiplyAdd(l2, x2, a22); a23 = Vector256.FusedMultiplyAdd(l2, x3, a23);
                    a30 = Vector256.FusedMultiplyAdd(l3, x0, a30); a31 = Vector256.FusedMultiplyAdd(l3, x1, a31);
                    a32 = Vector256.FusedMultiplyAdd(l3, x2, a32); a33 = Vector256.FusedMultiplyAdd(l3, x3, a33);
                }
                s0 = Vector256.FusedMultiplyAdd(a00, a00, s0); s1 = Vector256.FusedMultiplyAdd(a01, a01, s1);
                s2 = Vector256.FusedMultiplyAdd(a02, a02, s2); s3 = Vector256.FusedMultiplyAdd(a03, a03, s3);
                s0 = Vector256.FusedMultiplyAdd(a10, a10, s0); s1 = Vector256.FusedMultiplyAdd(a11, a11, s1);
                s2 = Vector256.FusedMultiplyAdd(a12, a12, s2); s3 = Vector256.FusedMultiplyAdd(a13, a13, s3);
                s0 = Vector256.FusedMultiplyAdd(a20, a20, s0); s1 = Vector256.FusedMultiplyAdd(a21, a21, s1);
                s2 = Vector256.FusedMultiplyAdd(a22, a22, s2); s3 = Vector256.FusedMultiplyAdd(a23, a23, s3);
                s0 = Vector256.FusedMultiplyAdd(a30, a30, s0); s1 = Vector256.FusedMultiplyAdd(a31, a31, s1);
                s2 = Vector256.FusedMultiplyAdd(a32, a32, s2); s3 = Vector256.FusedMultiplyAdd(a33, a33, s3);
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
                e = ExpNonPositive(e - mx);
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
    /// exp(x) for x ≤ 0, to about one ulp (0 below −708, where exp is subnormal). Vector256.Exp is no faster
    /// than four Math.Exp calls here, and much slower for the very negative arguments softmax produces.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpNonPositive(Vector256<double> x)
    {
        var clamped = Vector256.Max(x, Vector256.Create(-708.0));
        // n = round(x / ln 2) via the 1.5·2⁵² trick, which also leaves n in the low bits.
        var shifter = Vector256.Create(6755399441055744.0);
        var shifted = Vector256.FusedMultiplyAdd(clamped, Vector256.Create(1.4426950408889634), shifter);
        var n = shifted - shifter;
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-6.93147180369123816490e-01), clamped);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-1.90821492927058770002e-10), r);
        // exp(r) for |r| ≤ ln2/2: Taylor to degree 13 (truncation below 1e-17).
        var p = Vector256.Create(1.0 / 6227020800.0);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 479001600.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 39916800.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 3628800.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 362880.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 40320.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 5040.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 720.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 120.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 24.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 6.0));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        // 2ⁿ: n (−1022 ≤ n ≤ 0) plus the exponent bias, shifted into the exponent field.
        var scale = Vector256.ShiftLeft(shifted.AsUInt64() + Vector256.Create(1023UL), 52).AsDouble();
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-708.0)), Vector256<double>.Zero, p * scale);
    }

    /// <summary>
    /// For one component: C += Σ_i w_i xc_i xc_iᵀ over the chunk, in 4×4 blocks of the blocked lower
    /// triangle, each entry a dot product over the chunk's lanes (u = w·xc for the rows, xc for the columns).
    /// </summary>
    private static void Accumulate(Vector256<double>[] xcArray, Vector256<double>[] uArray, int dp, int[] rowStart, int vectors,
        double[] cArray, int cOffset)
    {
        ref Vector256<double> xcBase = ref MemoryMarshal.GetArrayDataReference(xcArray);
        ref Vector256<double> uBase = ref MemoryMarshal.GetArrayDataReference(uArray);
        ref double c = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(cArray), cOffset);
        for (int b = 0; b < dp; b += 4)
        {
            int length = b + 4;
            ref Vector256<double> u = ref Unsafe.Add(ref uBase, b * ChunkVectors);
            for (int a = 0; a <= b; a += 4)
            {
                ref Vector256<double> x = ref Unsafe.Add(ref xcBase, a * ChunkVectors);
                var c00 = Vector256<double>.Zero; var c01 = Vector256<double>.Zero; var c02 = Vector256<double>.Zero; var c03 = Vector256<double>.Zero;
                var c10 = Vector256<double>.Zero; var c11 = Vector256<double>.Zero; var c12 = Vector256<double>.Zero; var c13 = Vector256<double>.Zero;
                var c20 = Vector256<double>.Zero; var c21 = Vector256<double>.Zero; var c22 = Vector256<double>.Zero; var c23 = Vector256<double>.Zero;
                var c30 = Vector256<double>.Zero; var c31 = Vector256<double>.Zero; var c32 = Vector256<double>.Zero; var c33 = Vector256<double>.Zero;
                for (int v = 0; v < vectors; v++)
                {
                    var u0 = Unsafe.Add(ref u, v);
                    var u1 = Unsafe.Add(ref u, ChunkVectors + v);
                    var u2 = Unsafe.Add(ref u, 2 * ChunkVectors + v);
                    var u3 = Unsafe.Add(ref u, 3 * ChunkVectors + v);
                    var x0 = Unsafe.Add(ref x, v);
                    var x1 = Unsafe.Add(ref x, ChunkVectors + v);
                    var x2 = Unsafe.Add(ref x, 2 * ChunkVectors + v);
                    var x3 = Unsafe.Add(ref x, 3 * ChunkVectors + v);
                    c00 = Vector256.FusedMultiplyAdd(u0, x0, c00); c01 = Vector256.FusedMultiplyAdd(u0, x1, c01);
                    c02 = Vector256.FusedMultiplyAdd(u0, x2, c02); c03 = Vector256.FusedMultiplyAdd(u0, x3, c03);
                    c10 = Vector256.FusedMultiplyAdd(u1, x0, c10); c11 = Vector256.FusedMultiplyAdd(u1, x1, c11);
                    c12 = Vector256.FusedMultiplyAdd(u1, x2, c12); c13 = Vector256.FusedMultiplyAdd(u1, x3, c13);
                    c20 = Vector256.FusedMultiplyAdd(u2, x0, c20); c21 = Vector256.FusedMultiplyAdd(u2, x1, c21);
                    c22 = Vector256.FusedMultiplyAdd(u2, x2, c22); c23 = Vector256.FusedMultiplyAdd(u2, x3, c23);
                    c30 = Vector256.FusedMultiplyAdd(u3, x0, c30); c31 = Vector256.FusedMultiplyAdd(u3, x1, c31);
                    c32 = Vector256.FusedMultiplyAdd(u3, x2, c32); c33 = Vector256.FusedMultiplyAdd(u3, x3, c33);
                }
                ref double r0 = ref Unsafe.Add(ref c, rowStart[b] + a);
                ref double r1 = ref Unsafe.Add(ref r0, length);
                ref double r2 = ref Unsafe.Add(ref r1, length);
                ref double r3 = ref Unsafe.Add(ref r2, length);
                r0 += Vector256.Sum(c00); Unsafe.Add(ref r0, 1) += Vector256.Sum(c01); Unsafe.Add(ref r0, 2) += Vector256.Sum(c02); Unsafe.Add(ref r0, 3) += Vector256.Sum(c03);
                r1 += Vector256.Sum(c10); Unsafe.Add(ref r1, 1) += Vector256.Sum(c11); Unsafe.Add(ref r1, 2) += Vector256.Sum(c12); Unsafe.Add(ref r1, 3) += Vector256.Sum(c13);
                r2 += Vector256.Sum(c20); Unsafe.Add(ref r2, 1) += Vector256.Sum(c21); Unsafe.Add(ref r2, 2) += Vector256.Sum(c22); Unsafe.Add(ref r2, 3) += Vector256.Sum(c23);
                r3 += Vector256.Sum(c30); Unsafe.Add(ref r3, 1) += Vector256.Sum(c31); Unsafe.Add(ref r3, 2) += Vector256.Sum(c32); Unsafe.Add(ref r3, 3) += Vector256.Sum(c33);
            }
        }
    }
}
