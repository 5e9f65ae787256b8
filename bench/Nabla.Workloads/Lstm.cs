// ADBench's LSTM objective, written the way its C++ reference (shared/lstm.h) is: flat arrays with
// offsets, a model step per layer that writes the state in place, a prediction, logsumexp (plus 2, as
// ADBench's does) and the log-likelihood of the next character, summed over the sequence.
using System;
using Nabla;

namespace Nabla.Workloads;

/// <summary>An LSTM instance: L layers, C characters, hidden size B, parameters and data as ADBench lays them out.</summary>
public sealed class LstmInput
{
    public int L, C, B;
    public double[] MainParams = Array.Empty<double>();   // 2L·4B: per layer, weights [forget|ingate|outgate|change] then biases
    public double[] ExtraParams = Array.Empty<double>();  // 3B: in_weight, out_weight, out_bias
    public double[] State = Array.Empty<double>();        // 2L·B: per layer, hidden then cell
    public double[] Sequence = Array.Empty<double>();     // C·B

    /// <summary>Parameter count: the length of the gradient [d main_params, d extra_params].</summary>
    public int ParameterCount => MainParams.Length + ExtraParams.Length;
}

public static partial class Lstm
{
    /// <summary>
    /// The loss. <paramref name="state"/> is the initial state: ADBench's objective overwrites its state
    /// argument (and its runners copy it before every call); here the copy is made inside, so the state
    /// that depends on the parameters is a local and the caller's array is data.
    /// </summary>
    [Differentiable]
    public static double Objective(int l, int c, int b, double[] mainParams, double[] extraParams,
        [NoDerivative] double[] state, [NoDerivative] double[] sequence)
    {
        var s = new double[2 * l * b];
        for (int i = 0; i < 2 * l * b; i++)
            s[i] = state[i];
        var ypred = new double[b];
        var ynorm = new double[b];
        var gates = new double[4 * b];

        double total = 0;
        int count = 0;
        int input = 0;
        for (int t = 0; t <= (c - 1) * b - 1; t += b)
        {
            Predict(l, b, mainParams, extraParams, s, sequence, input, ypred, gates);
            double lse = LogSumExp(b, ypred);
            for (int i = 0; i < b; i++)
                ynorm[i] = ypred[i] - lse;
            for (int i = 0; i < b; i++)
                total += sequence[t + b + i] * ynorm[i];
            count += b;
            input = t + b;
        }
        return -total / count;
    }

    /// <summary>log(Σ exp(x) + 2): ADBench's (sic) logsumexp.</summary>
    [Differentiable]
    public static double LogSumExp(int n, double[] x)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
            sum += Math.Exp(x[i]);
        sum += 2;
        return Math.Log(sum);
    }

    [Differentiable]
    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// One layer's step: weights at w[weight..], biases at w[bias..]; hidden at s[hidden..], cell at
    /// s[cell..] (both updated in place); the input at input[inputOffset..] (which may be s itself).
    /// </summary>
    [Differentiable]
    public static void Model(int hsize, double[] w, int weight, int bias, double[] s, int hidden, int cell,
        double[] input, int inputOffset, double[] gates)
    {
        for (int i = 0; i < hsize; i++)
        {
            gates[i] = Sigmoid(input[inputOffset + i] * w[weight + i] + w[bias + i]);
            gates[hsize + i] = Sigmoid(s[hidden + i] * w[weight + hsize + i] + w[bias + hsize + i]);
            gates[2 * hsize + i] = Sigmoid(input[inputOffset + i] * w[weight + 2 * hsize + i] + w[bias + 2 * hsize + i]);
            gates[3 * hsize + i] = Math.Tanh(s[hidden + i] * w[weight + 3 * hsize + i] + w[bias + 3 * hsize + i]);
        }
        for (int i = 0; i < hsize; i++)
            s[cell + i] = s[cell + i] * gates[i] + gates[hsize + i] * gates[3 * hsize + i];
        for (int i = 0; i < hsize; i++)
            s[hidden + i] = gates[2 * hsize + i] * Math.Tanh(s[cell + i]);
    }

    /// <summary>Runs every layer on the character at x[xOffset..] and writes the prediction into x2.</summary>
    [Differentiable]
    public static void Predict(int l, int b, double[] w, double[] w2, double[] s,
        [NoDerivative] double[] x, int xOffset, double[] x2, double[] gates)
    {
        for (int i = 0; i < b; i++)
            x2[i] = x[xOffset + i] * w2[i];

        // The first layer reads x2; every later one reads the hidden state the layer before just wrote.
        Model(b, w, 0, 4 * b, s, 0, b, x2, 0, gates);
        for (int i = 2 * b; i <= 2 * l * b - 1; i += 2 * b)
            Model(b, w, i * 4, (i + b) * 4, s, i, i + b, s, i - 2 * b, gates);

        int last = 2 * (l - 1) * b;
        for (int i = 0; i < b; i++)
            x2[i] = s[last + i] * w2[b + i] + w2[2 * b + i];
    }

    /// <summary>Reads an ADBench LSTM file (lstm_l{L}_c{C}.txt).</summary>
    public static LstmInput Read(string path)
    {
        var values = SharedData.ReadValues(path);
        var input = new LstmInput { L = (int)values[0], C = (int)values[1], B = (int)values[2] };
        int l = input.L, c = input.C, b = input.B, t = 3;
        double[] Take(int count)
        {
            var result = new double[count];
            Array.Copy(values, t, result, 0, count);
            t += count;
            return result;
        }
        input.MainParams = Take(2 * l * 4 * b);
        input.ExtraParams = Take(3 * b);
        input.State = Take(2 * l * b);
        input.Sequence = Take(c * b);
        if (t != values.Length)
            throw new FormatException($"{path}: {values.Length - t} values after the sequence");
        return input;
    }

    /// <summary>The objective of an instance.</summary>
    public static double Objective(LstmInput g) =>
        Objective(g.L, g.C, g.B, g.MainParams, g.ExtraParams, g.State, g.Sequence);

    /// <summary>Nabla's value and gradient of an instance, the gradient written into the caller's arrays.</summary>
    public static double ValueWithGradient(LstmInput g, double[] dMain, double[] dExtra) =>
        Objective_ValueWithGradient(g.L, g.C, g.B, g.MainParams, g.ExtraParams, g.State, g.Sequence, dMain, dExtra);

    /// <summary>Nabla's gradient of an instance, in ADBench's order [d main_params, d extra_params].</summary>
    public static double[] Gradient(LstmInput g)
    {
        var dMain = new double[g.MainParams.Length];
        var dExtra = new double[g.ExtraParams.Length];
        ValueWithGradient(g, dMain, dExtra);
        var result = new double[g.ParameterCount];
        dMain.CopyTo(result, 0);
        dExtra.CopyTo(result, dMain.Length);
        return result;
    }
}
