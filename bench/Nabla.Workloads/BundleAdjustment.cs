// ADBench's bundle adjustment, written the way its C++ reference (shared/ba.h) is: each observation's
// reprojection error (Rodrigues rotation, perspective division, radial distortion, focal length and
// principal point, times the observation's weight) and each weight's error 1 − w². The Jacobian is
// sparse: observation i depends only on camera obs[2i], point obs[2i+1] and weight i, so it is built
// block by block from the derivative of one observation's residual as a function of its 15 inputs.
using System;
using Nabla;

namespace Nabla.Workloads;

/// <summary>A BA instance as ADBench's reader builds it: one camera, point, weight and feature, replicated.</summary>
public sealed class BaInput
{
    public const int CameraParams = 11;
    public int N, M, P;
    public double[] Cams = Array.Empty<double>();   // 11N: rotation (3), centre (3), f, principal point (2), k1 k2
    public double[] X = Array.Empty<double>();      // 3M
    public double[] W = Array.Empty<double>();      // P
    public double[] Feats = Array.Empty<double>();  // 2P
    public int[] Obs = Array.Empty<int>();          // 2P: camera, point of observation i

    public int Rows => 3 * P;
    public int Columns => CameraParams * N + 3 * M + P;
    public int NonZeros => 31 * P;
}

/// <summary>The Jacobian in ADBench's CSR layout: rows 2i, 2i+1 hold observation i's 2×15 block, row 2P+i its weight error.</summary>
public sealed class BaJacobian
{
    public readonly int[] RowStart;   // Rows + 1
    public readonly int[] Cols;       // NonZeros
    public readonly double[] Values;  // NonZeros

    public BaJacobian(BaInput input)
    {
        RowStart = new int[input.Rows + 1];
        Cols = new int[input.NonZeros];
        Values = new double[input.NonZeros];
    }

    /// <summary>Writes the row pointers and the column indices (the values are left to the caller).</summary>
    public void FillStructure(BaInput input)
    {
        int p = input.P, cameraBase = 0, pointBase = BaInput.CameraParams * input.N, weightBase = pointBase + 3 * input.M;
        for (int i = 0; i < p; i++)
        {
            int cam = input.Obs[2 * i], pt = input.Obs[2 * i + 1];
            for (int r = 0; r < 2; r++)
            {
                int at = 30 * i + 15 * r;
                RowStart[2 * i + r] = at;
                for (int j = 0; j < 11; j++) Cols[at + j] = cameraBase + 11 * cam + j;
                for (int j = 0; j < 3; j++) Cols[at + 11 + j] = pointBase + 3 * pt + j;
                Cols[at + 14] = weightBase + i;
            }
        }
        for (int i = 0; i < p; i++)
        {
            RowStart[2 * p + i] = 30 * p + i;
            Cols[30 * p + i] = weightBase + i;
        }
        RowStart[3 * p] = 31 * p;
    }

    /// <summary>The entry (row, col), or 0 if it is not stored.</summary>
    public double this[int row, int col]
    {
        get
        {
            for (int k = RowStart[row]; k < RowStart[row + 1]; k++)
                if (Cols[k] == col) return Values[k];
            return 0;
        }
    }
}

public static partial class BundleAdjustment
{
    /// <summary>Rodrigues: rotates pt by the angle-axis vector r (ADBench's rodrigues_rotate_point).</summary>
    [Differentiable]
    public static void RotatePoint(double r0, double r1, double r2, double p0, double p1, double p2,
        out double q0, out double q1, out double q2)
    {
        double sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
        if (sqtheta != 0)
        {
            double theta = Math.Sqrt(sqtheta);
            double costheta = Math.Cos(theta);
            double sintheta = Math.Sin(theta);
            double thetaInverse = 1.0 / theta;
            double w0 = r0 * thetaInverse, w1 = r1 * thetaInverse, w2 = r2 * thetaInverse;
            double c0 = w1 * p2 - w2 * p1, c1 = w2 * p0 - w0 * p2, c2 = w0 * p1 - w1 * p0;
            double tmp = (w0 * p0 + w1 * p1 + w2 * p2) * (1.0 - costheta);
            q0 = p0 * costheta + c0 * sintheta + w0 * tmp;
            q1 = p1 * costheta + c1 * sintheta + w1 * tmp;
            q2 = p2 * costheta + c2 * sintheta + w2 * tmp;
        }
        else
        {
            q0 = p0 + (r1 * p2 - r2 * p1);
            q1 = p1 + (r2 * p0 - r0 * p2);
            q2 = p2 + (r0 * p1 - r1 * p0);
        }
    }

    /// <summary>
    /// Observation error: w·(project(cam, X) − feat) into err[e], err[e+1] (ADBench's computeReprojError with
    /// project, p_proj_distort and radial_distort). The camera is cam[c .. c+11), the point x[p .. p+3).
    /// </summary>
    [Differentiable]
    public static void ReprojectionError(double[] cam, int c, double[] x, int p, double w,
        [NoDerivative] double featX, [NoDerivative] double featY, double[] err, int e)
    {
        RotatePoint(cam[c], cam[c + 1], cam[c + 2], x[p] - cam[c + 3], x[p + 1] - cam[c + 4], x[p + 2] - cam[c + 5],
            out double xc0, out double xc1, out double xc2);
        double px = xc0 / xc2, py = xc1 / xc2;
        double rsq = px * px + py * py;
        double l = 1.0 + cam[c + 9] * rsq + cam[c + 10] * rsq * rsq;
        px = px * l;
        py = py * l;
        err[e] = w * (px * cam[c + 6] + cam[c + 7] - featX);
        err[e + 1] = w * (py * cam[c + 6] + cam[c + 8] - featY);
    }

    /// <summary>One observation's residual as a function of its 15 inputs [camera (11), point (3), weight].</summary>
    [Differentiable]
    public static double[] ObservationResidual(double[] v, [NoDerivative] double featX, [NoDerivative] double featY)
    {
        var err = new double[2];
        ReprojectionError(v, 0, v, 11, v[14], featX, featY, err, 0);
        return err;
    }

    /// <summary>ADBench's ba_objective: every reprojection error (2P) and weight error (P).</summary>
    public static void Objective(BaInput input, double[] reprojErr, double[] wErr)
    {
        int[] obs = input.Obs;
        double[] cams = input.Cams, x = input.X, w = input.W, feats = input.Feats;
        for (int i = 0; i < input.P; i++)
            ReprojectionError(cams, BaInput.CameraParams * obs[2 * i], x, 3 * obs[2 * i + 1], w[i],
                feats[2 * i], feats[2 * i + 1], reprojErr, 2 * i);
        for (int i = 0; i < input.P; i++)
            wErr[i] = 1 - w[i] * w[i];
    }

    /// <summary>
    /// The Jacobian by Nabla, as a user would first write it: per observation, pack its 15 inputs and
    /// ask <see cref="Autodiff.JacobianReverse{T}"/> for the dense 2×15 block of an inline lambda
    /// (one reverse pass per row); the weight errors' derivative −2w is written directly.
    /// </summary>
    public static void JacobianByOperator(BaInput input, BaJacobian jacobian)
    {
        jacobian.FillStructure(input);
        var v = new double[15];
        double[] values = jacobian.Values;
        for (int i = 0; i < input.P; i++)
        {
            Pack(input, i, v);
            double fx = input.Feats[2 * i], fy = input.Feats[2 * i + 1];
            var block = Autodiff.JacobianReverse(q => ObservationResidual(q, fx, fy), v);
            for (int r = 0; r < 2; r++)
                for (int j = 0; j < 15; j++)
                    values[30 * i + 15 * r + j] = block[r, j];
        }
        WeightErrorDerivatives(input, values);
    }

    /// <summary>
    /// The Jacobian by Nabla's split reverse mode on <see cref="ReprojectionError"/> itself, the cheapest
    /// form the generator offers today: per observation and row, <c>ReprojectionError_Primal</c> on the
    /// packed inputs (camera at 0, point at 11, both in one array, so their shadows are one array too),
    /// with the caller's shadows of the inputs and of the result, then <c>ReprojectionError_Pullback</c>,
    /// which adds the row's cotangent times the Jacobian into the input shadow and returns ∂/∂w. Nothing
    /// is allocated. The primal runs once per row: the generated API does not promise that a pullback
    /// can run twice on the same residuals (ValueWithPullback reruns the primal for a second call); for this
    /// loop-free function it can, which <see cref="JacobianByPrimalOncePullbackTwice"/> uses.
    /// </summary>
    public static void JacobianBySplitReverse(BaInput input, BaJacobian jacobian)
    {
        jacobian.FillStructure(input);
        var v = new double[15];
        var dv = new double[15];
        var err = new double[2];
        var dErr = new double[2];
        double[] values = jacobian.Values;
        for (int i = 0; i < input.P; i++)
        {
            Pack(input, i, v);
            double fx = input.Feats[2 * i], fy = input.Feats[2 * i + 1];
            for (int r = 0; r < 2; r++)
            {
                Array.Clear(dv);
                dErr[0] = 0;
                dErr[1] = 0;
                ReprojectionError_Primal(v, 0, v, 11, v[14], fx, fy, err, 0, dv, dv, dErr, out var residuals);
                dErr[r] = 1;
                double dw = ReprojectionError_Pullback(in residuals);
                Array.Copy(dv, 0, values, 30 * i + 15 * r, 14);
                values[30 * i + 15 * r + 14] = dw;
            }
        }
        WeightErrorDerivatives(input, values);
    }

    /// <summary>
    /// The Jacobian by Nabla's split reverse mode with one primal per observation: <c>ReprojectionError_Primal</c>
    /// once on the packed inputs, then <c>ReprojectionError_Pullback</c> once per row on the same residuals.
    /// This relies on <c>ReprojectionError</c> having no loop: its generated pullback keeps no tape, reads only
    /// the residual struct (passed by <c>in</c>, so it cannot change) and the caller's shadows, so it can run
    /// again once the shadows are reset: the input shadow cleared and the result shadow holding the next row's
    /// cotangent (the pullback has already set the previous row's entry back to 0, as a write's adjoint does).
    /// A function with loops pops its tapes in the pullback and must not be used this way (docs/semantics.md,
    /// "Tapes"); <c>tests/Nabla.Tests/BundleAdjustmentTests.cs</c> checks this form against the one-primal-per-row
    /// form and against forward mode, at every Rodrigues branch. Nothing is allocated.
    /// </summary>
    public static void JacobianByPrimalOncePullbackTwice(BaInput input, BaJacobian jacobian)
    {
        jacobian.FillStructure(input);
        var v = new double[15];
        var dv = new double[15];
        var err = new double[2];
        var dErr = new double[2];
        double[] values = jacobian.Values, cams = input.Cams, x = input.X, w = input.W, feats = input.Feats;
        int[] obs = input.Obs;
        for (int i = 0; i < input.P; i++)
        {
            cams.AsSpan(BaInput.CameraParams * obs[2 * i], 11).CopyTo(v);
            x.AsSpan(3 * obs[2 * i + 1], 3).CopyTo(v.AsSpan(11));
            v[14] = w[i];
            dv.AsSpan().Clear();
            dErr[0] = 0;
            dErr[1] = 0;
            ReprojectionError_Primal(v, 0, v, 11, v[14], feats[2 * i], feats[2 * i + 1], err, 0, dv, dv, dErr, out var residuals);
            int at = 30 * i;
            // Row 0: cotangent (1, 0). The pullback reads dErr[0], sets it back to 0, and adds into dv.
            dErr[0] = 1;
            double dw = ReprojectionError_Pullback(in residuals);
            dv.AsSpan(0, 14).CopyTo(values.AsSpan(at, 14));
            values[at + 14] = dw;
            // Row 1: cotangent (0, 1) on the same residuals, the input shadow cleared.
            dv.AsSpan().Clear();
            dErr[1] = 1;
            dw = ReprojectionError_Pullback(in residuals);
            dv.AsSpan(0, 14).CopyTo(values.AsSpan(at + 15, 14));
            values[at + 29] = dw;
        }
        WeightErrorDerivatives(input, values);
    }

    private static void Pack(BaInput input, int i, double[] v)
    {
        Array.Copy(input.Cams, BaInput.CameraParams * input.Obs[2 * i], v, 0, 11);
        Array.Copy(input.X, 3 * input.Obs[2 * i + 1], v, 11, 3);
        v[14] = input.W[i];
    }

    private static void WeightErrorDerivatives(BaInput input, double[] values)
    {
        for (int i = 0; i < input.P; i++)
            values[30 * input.P + i] = -2 * input.W[i];
    }

    /// <summary>Reads an ADBench BA file and replicates it as ADBench's reader does.</summary>
    public static BaInput Read(string path)
    {
        var v = SharedData.ReadValues(path);
        var input = new BaInput { N = (int)v[0], M = (int)v[1], P = (int)v[2] };
        int n = input.N, m = input.M, p = input.P;
        input.Cams = new double[BaInput.CameraParams * n];
        input.X = new double[3 * m];
        input.W = new double[p];
        input.Feats = new double[2 * p];
        input.Obs = new int[2 * p];
        for (int i = 0; i < n; i++) Array.Copy(v, 3, input.Cams, BaInput.CameraParams * i, BaInput.CameraParams);
        for (int i = 0; i < m; i++) Array.Copy(v, 14, input.X, 3 * i, 3);
        for (int i = 0; i < p; i++)
        {
            input.W[i] = v[17];
            input.Feats[2 * i] = v[18];
            input.Feats[2 * i + 1] = v[19];
            input.Obs[2 * i] = i % n;
            input.Obs[2 * i + 1] = i % m;
        }
        if (v.Length != 20)
            throw new FormatException($"{path}: expected 20 values, found {v.Length}");
        return input;
    }
}
