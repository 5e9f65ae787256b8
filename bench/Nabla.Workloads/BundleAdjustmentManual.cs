// A hand-written Jacobian of ADBench's bundle adjustment (BundleAdjustment.ReprojectionError): the
// practical lower bound for Nabla's. Per observation the 2×15 block is a chain of small Jacobians:
//   e = w·(f·d(p) + x0 − feat),  d = p·L(|p|²),  p = (q0/q2, q1/q2),  q = R(r)·(X − C)
// A = ∂e/∂q (2×3) = w·f · ∂d/∂p (2×2) · ∂p/∂q (2×3), with ∂d/∂p = L·I + 2(k1 + 2k2|p|²)·p pᵀ. For each row a
// of A: ∂e/∂X = aᵀR = −∂e/∂C, and ∂e/∂r by differentiating a·q through θ = |r| and ŵ = r/θ:
//   a·q = cosθ (a·d) + sinθ ŵ·(d×a) + (1 − cosθ)(a·ŵ)(ŵ·d)
//   g_θ = −sinθ (a·d) + cosθ ŵ·(d×a) + sinθ (a·ŵ)(ŵ·d)
//   g_ŵ = sinθ (d×a) + (1 − cosθ)((ŵ·d) a + (a·ŵ) d)
//   ∂e/∂r = (g_ŵ − ŵ(ŵ·g_ŵ))/θ + g_θ ŵ
// and at θ = 0 (q = d + r×d): ∂e/∂r = d×a, aᵀR = a + a×r. The rest is read off directly.
using System;

namespace Nabla.Workloads;

public static class BundleAdjustmentManual
{
    /// <summary>The full sparse Jacobian, written into <paramref name="jacobian"/>.</summary>
    public static void Jacobian(BaInput input, BaJacobian jacobian)
    {
        jacobian.FillStructure(input);
        double[] values = jacobian.Values;
        for (int i = 0; i < input.P; i++)
            Block(input.Cams, BaInput.CameraParams * input.Obs[2 * i], input.X, 3 * input.Obs[2 * i + 1], input.W[i],
                input.Feats[2 * i], input.Feats[2 * i + 1], values, 30 * i);
        for (int i = 0; i < input.P; i++)
            values[30 * input.P + i] = -2 * input.W[i];
    }

    /// <summary>Observation's 2×15 block, row-major, into values[at .. at+30).</summary>
    public static void Block(double[] cam, int c, double[] x, int p, double w, double featX, double featY, double[] values, int at)
    {
        double r0 = cam[c], r1 = cam[c + 1], r2 = cam[c + 2];
        double d0 = x[p] - cam[c + 3], d1 = x[p + 1] - cam[c + 4], d2 = x[p + 2] - cam[c + 5];
        double f = cam[c + 6], k1 = cam[c + 9], k2 = cam[c + 10];

        // q = R d, and what the derivative with respect to r needs.
        double sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
        bool rotates = sqtheta != 0;
        double theta = 0, ct = 1, st = 0, w0 = 0, w1 = 0, w2 = 0, wd = 0, q0, q1, q2;
        if (rotates)
        {
            theta = Math.Sqrt(sqtheta);
            ct = Math.Cos(theta);
            st = Math.Sin(theta);
            double it = 1.0 / theta;
            w0 = r0 * it; w1 = r1 * it; w2 = r2 * it;
            wd = w0 * d0 + w1 * d1 + w2 * d2;
            double tmp = wd * (1.0 - ct);
            q0 = d0 * ct + (w1 * d2 - w2 * d1) * st + w0 * tmp;
            q1 = d1 * ct + (w2 * d0 - w0 * d2) * st + w1 * tmp;
            q2 = d2 * ct + (w0 * d1 - w1 * d0) * st + w2 * tmp;
        }
        else
        {
            q0 = d0 + (r1 * d2 - r2 * d1);
            q1 = d1 + (r2 * d0 - r0 * d2);
            q2 = d2 + (r0 * d1 - r1 * d0);
        }

        double iq2 = 1.0 / q2;
        double px = q0 * iq2, py = q1 * iq2;
        double rsq = px * px + py * py;
        double l = 1.0 + k1 * rsq + k2 * rsq * rsq;
        double dx = px * l, dy = py * l;

        // ∂d/∂p = l·I + s·p pᵀ with s = 2(k1 + 2 k2 rsq); A = w f ∂d/∂p ∂p/∂q.
        double s = 2 * (k1 + 2 * k2 * rsq), wf = w * f;
        double m00 = wf * (l + s * px * px), m01 = wf * s * px * py, m11 = wf * (l + s * py * py);
        // ∂p/∂q = [[1/q2, 0, −px/q2], [0, 1/q2, −py/q2]].
        Row(values, at, m00 * iq2, m01 * iq2, -(m00 * px + m01 * py) * iq2);
        Row(values, at + 15, m01 * iq2, m11 * iq2, -(m01 * px + m11 * py) * iq2);

        // The entries read off directly: f, principal point, k1, k2, w.
        values[at + 6] = w * dx; values[at + 15 + 6] = w * dy;
        values[at + 7] = w; values[at + 8] = 0;
        values[at + 15 + 7] = 0; values[at + 15 + 8] = w;
        values[at + 9] = wf * px * rsq; values[at + 15 + 9] = wf * py * rsq;
        values[at + 10] = wf * px * rsq * rsq; values[at + 15 + 10] = wf * py * rsq * rsq;
        values[at + 14] = dx * f + cam[c + 7] - featX;
        values[at + 15 + 14] = dy * f + cam[c + 8] - featY;

        // One row a = ∂e_row/∂q: writes ∂/∂r (cols 0–2), ∂/∂C (3–5) and ∂/∂X (11–13).
        void Row(double[] v, int o, double a0, double a1, double a2)
        {
            // d × a
            double x0 = d1 * a2 - d2 * a1, x1 = d2 * a0 - d0 * a2, x2 = d0 * a1 - d1 * a0;
            double g0, g1, g2, e0, e1, e2;
            if (rotates)
            {
                double ad = a0 * d0 + a1 * d1 + a2 * d2, aw = a0 * w0 + a1 * w1 + a2 * w2;
                double wx = w0 * x0 + w1 * x1 + w2 * x2;
                double gTheta = -st * ad + ct * wx + st * aw * wd;
                double oc = 1.0 - ct;
                double h0 = st * x0 + oc * (wd * a0 + aw * d0);
                double h1 = st * x1 + oc * (wd * a1 + aw * d1);
                double h2 = st * x2 + oc * (wd * a2 + aw * d2);
                double wh = w0 * h0 + w1 * h1 + w2 * h2, it = 1.0 / theta;
                g0 = (h0 - w0 * wh) * it + gTheta * w0;
                g1 = (h1 - w1 * wh) * it + gTheta * w1;
                g2 = (h2 - w2 * wh) * it + gTheta * w2;
                // aᵀR = cosθ a + sinθ (a × ŵ) + (1 − cosθ)(a·ŵ) ŵ
                e0 = ct * a0 + st * (a1 * w2 - a2 * w1) + oc * aw * w0;
                e1 = ct * a1 + st * (a2 * w0 - a0 * w2) + oc * aw * w1;
                e2 = ct * a2 + st * (a0 * w1 - a1 * w0) + oc * aw * w2;
            }
            else
            {
                g0 = x0; g1 = x1; g2 = x2;
                e0 = a0 + (a1 * r2 - a2 * r1);
                e1 = a1 + (a2 * r0 - a0 * r2);
                e2 = a2 + (a0 * r1 - a1 * r0);
            }
            v[o] = g0; v[o + 1] = g1; v[o + 2] = g2;
            v[o + 3] = -e0; v[o + 4] = -e1; v[o + 5] = -e2;
            v[o + 11] = e0; v[o + 12] = e1; v[o + 13] = e2;
        }
    }
}
