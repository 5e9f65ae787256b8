// A hand-written gradient of ADBench's LSTM objective (Lstm.Objective): the practical lower bound that
// Nabla's generated gradient is measured against. An adjoint written by hand, not a different algorithm.
//
// Forward, per step t (T = C − 1 steps) and layer j, with input x (layer 0: x2 = seq_t ∘ w_in; layer
// j > 0: the new hidden state of layer j − 1), hidden h and cell c:
//   f = σ(x∘Wf + bf), i = σ(h∘Wi + bi), o = σ(x∘Wo + bo), g = tanh(h∘Wc + bc)
//   c' = c∘f + i∘g,  h' = o∘tanh(c')
// then y = h'_{L−1}∘w_out + b_out, lse = log(Σ exp y + 2), loss = −(1/(T·B)) Σ_t Σ_k gold_k (y_k − lse).
// The forward pass keeps, per step and layer, x, h, c, f, i, o, g and tanh(c') (8B doubles) and, per step,
// y; the reverse pass walks the steps backwards carrying dh and dc of every layer:
//   dy_k = −(1/(T·B)) (gold_k − (Σ gold) exp(y_k)/(Σ exp y + 2))
//   dc' += dh'∘o∘(1 − tanh²c'),  do = dh'∘tanh c',  df = dc'∘c, di = dc'∘g, dg = dc'∘i, dc = dc'∘f
//   dzf = df∘f(1−f), dzi = di∘i(1−i), dzo = do∘o(1−o), dzg = dg∘(1−g²)
//   dWf += dzf∘x, dWo += dzo∘x, dWi += dzi∘h, dWc += dzg∘h (biases: the dz themselves)
//   dx = dzf∘Wf + dzo∘Wo (to layer j − 1's dh', or to w_in),  dh = dzi∘Wi + dzg∘Wc (to step t − 1).
// The tape (8·L·B + B doubles per step) is cached per thread and reused while the sizes stay the same.
using System;

namespace Nabla.Workloads;

public static class LstmManual
{
    private sealed class Scratch
    {
        public readonly int L, C, B;
        public readonly double[] Tape;   // (C − 1) × (L × 8B + B)
        public readonly double[] S;      // 2LB: the running state
        public readonly double[] X2;     // B
        public readonly double[] DH;     // LB: dh carried to the previous step
        public readonly double[] DC;     // LB: dc carried to the previous step
        public readonly double[] DX;     // B: dx flowing down to the layer below

        public Scratch(int l, int c, int b)
        {
            L = l; C = c; B = b;
            Tape = new double[(c - 1) * (l * 8 * b + b)];
            S = new double[2 * l * b];
            X2 = new double[b];
            DH = new double[l * b];
            DC = new double[l * b];
            DX = new double[b];
        }
    }

    [ThreadStatic] private static Scratch? _scratch;

    /// <summary>The objective, with its gradient written into dMain (8LB) and dExtra (3B).</summary>
    public static double ObjectiveAndGradient(LstmInput input, double[] dMain, double[] dExtra)
    {
        int l = input.L, c = input.C, b = input.B;
        var scratch = _scratch;
        if (scratch == null || scratch.L != l || scratch.C != c || scratch.B != b)
            _scratch = scratch = new Scratch(l, c, b);
        double[] w = input.MainParams, w2 = input.ExtraParams, seq = input.Sequence;
        double[] tape = scratch.Tape, s = scratch.S, x2 = scratch.X2;
        int steps = c - 1, layerStride = 8 * b, stepStride = l * layerStride + b;
        Array.Copy(input.State, s, 2 * l * b);

        // Forward.
        double total = 0;
        for (int t = 0; t < steps; t++)
        {
            int step = t * stepStride;
            for (int k = 0; k < b; k++)
                x2[k] = seq[t * b + k] * w2[k];
            for (int j = 0; j < l; j++)
            {
                int rec = step + j * layerStride;
                int weight = 8 * b * j, bias = weight + 4 * b, hidden = 2 * b * j, cell = hidden + b;
                for (int k = 0; k < b; k++)
                {
                    double x = j == 0 ? x2[k] : s[hidden - 2 * b + k];
                    double h = s[hidden + k], cPrev = s[cell + k];
                    double f = 1 / (1 + Math.Exp(-(x * w[weight + k] + w[bias + k])));
                    double ig = 1 / (1 + Math.Exp(-(h * w[weight + b + k] + w[bias + b + k])));
                    double o = 1 / (1 + Math.Exp(-(x * w[weight + 2 * b + k] + w[bias + 2 * b + k])));
                    double g = Math.Tanh(h * w[weight + 3 * b + k] + w[bias + 3 * b + k]);
                    double cNew = cPrev * f + ig * g;
                    double tc = Math.Tanh(cNew);
                    tape[rec + k] = x;
                    tape[rec + b + k] = h;
                    tape[rec + 2 * b + k] = cPrev;
                    tape[rec + 3 * b + k] = f;
                    tape[rec + 4 * b + k] = ig;
                    tape[rec + 5 * b + k] = o;
                    tape[rec + 6 * b + k] = g;
                    tape[rec + 7 * b + k] = tc;
                    s[cell + k] = cNew;
                    s[hidden + k] = o * tc;
                }
            }
            int yAt = step + l * layerStride, lastHidden = 2 * b * (l - 1);
            double sum = 0;
            for (int k = 0; k < b; k++)
            {
                double y = s[lastHidden + k] * w2[b + k] + w2[2 * b + k];
                tape[yAt + k] = y;
                sum += Math.Exp(y);
            }
            double lse = Math.Log(sum + 2);
            for (int k = 0; k < b; k++)
                total += seq[(t + 1) * b + k] * (tape[yAt + k] - lse);
        }
        double loss = -total / (steps * b);

        // Reverse.
        Array.Clear(dMain);
        Array.Clear(dExtra);
        double[] dh = scratch.DH, dc = scratch.DC, dx = scratch.DX;
        Array.Clear(dh);
        Array.Clear(dc);
        double dTotal = -1.0 / (steps * b);
        for (int t = steps - 1; t >= 0; t--)
        {
            int step = t * stepStride;
            int yAt = step + l * layerStride;
            double sum = 0, goldSum = 0;
            for (int k = 0; k < b; k++)
            {
                sum += Math.Exp(tape[yAt + k]);
                goldSum += seq[(t + 1) * b + k];
            }
            sum += 2;
            // dy into dx (the cotangent of the last layer's new hidden state, before dh from step t + 1).
            int lastRec = step + (l - 1) * layerStride;
            for (int k = 0; k < b; k++)
            {
                double dy = dTotal * (seq[(t + 1) * b + k] - goldSum * Math.Exp(tape[yAt + k]) / sum);
                dExtra[2 * b + k] += dy;
                dExtra[b + k] += dy * tape[lastRec + 5 * b + k] * tape[lastRec + 7 * b + k];
                dx[k] = dy * w2[b + k];
            }
            for (int j = l - 1; j >= 0; j--)
            {
                int rec = step + j * layerStride;
                int weight = 8 * b * j, bias = weight + 4 * b, carried = b * j;
                for (int k = 0; k < b; k++)
                {
                    double x = tape[rec + k], h = tape[rec + b + k], cPrev = tape[rec + 2 * b + k];
                    double f = tape[rec + 3 * b + k], ig = tape[rec + 4 * b + k], o = tape[rec + 5 * b + k];
                    double g = tape[rec + 6 * b + k], tc = tape[rec + 7 * b + k];
                    double dhNew = dx[k] + dh[carried + k];
                    double dcNew = dc[carried + k] + dhNew * o * (1 - tc * tc);
                    double dzo = dhNew * tc * o * (1 - o);
                    double dzf = dcNew * cPrev * f * (1 - f);
                    double dzi = dcNew * g * ig * (1 - ig);
                    double dzg = dcNew * ig * (1 - g * g);
                    dc[carried + k] = dcNew * f;
                    dMain[weight + k] += dzf * x;
                    dMain[bias + k] += dzf;
                    dMain[weight + b + k] += dzi * h;
                    dMain[bias + b + k] += dzi;
                    dMain[weight + 2 * b + k] += dzo * x;
                    dMain[bias + 2 * b + k] += dzo;
                    dMain[weight + 3 * b + k] += dzg * h;
                    dMain[bias + 3 * b + k] += dzg;
                    dh[carried + k] = dzi * w[weight + b + k] + dzg * w[weight + 3 * b + k];
                    dx[k] = dzf * w[weight + k] + dzo * w[weight + 2 * b + k];
                }
            }
            // Layer 0's input was x2 = seq_t ∘ w_in.
            for (int k = 0; k < b; k++)
                dExtra[k] += dx[k] * seq[t * b + k];
        }
        return loss;
    }
}
