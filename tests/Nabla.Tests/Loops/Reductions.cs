// Reductions as users write them: sums, maxima (with the derivative at a tie stated in the test name),
// products, dot products, the seed's max-shifted logsumexp, norms, variances (two-pass and Welford),
// compensated sums, an argmin, a logistic loss; and float versions of several.
using System;
using System.Linq;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class Reductions
{
    [Differentiable]
    public static double SumForeach(double[] x)
    {
        double s = 0;
        foreach (double v in x) s += v;
        return s;
    }

    /// <summary>Max by a strict comparison: on a tie the first maximal element stays the maximum.</summary>
    [Differentiable]
    public static double MaxFirst(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
            if (x[i] > m) m = x[i];
        return m;
    }

    /// <summary>Max by a non-strict comparison: on a tie the last maximal element becomes the maximum.</summary>
    [Differentiable]
    public static double MaxLast(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++)
            if (x[i] >= m) m = x[i];
        return m;
    }

    /// <summary>Max by Math.Max: each tied Math.Max gives half to each side.</summary>
    [Differentiable]
    public static double MaxByMathMax(double[] x)
    {
        double m = x[0];
        for (int i = 1; i < x.Length; i++) m = Math.Max(m, x[i]);
        return m;
    }

    [Differentiable]
    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>The seed's stable logsumexp with foreach, Math.Max from −∞.</summary>
    [Differentiable]
    public static double LogSumExpForeach(double[] x)
    {
        double m = double.NegativeInfinity;
        foreach (double v in x) m = Math.Max(m, v);
        double s = 0;
        foreach (double v in x) s += Math.Exp(v - m);
        return m + Math.Log(s);
    }

    /// <summary>Σ over the rows of a jagged array of each row's max-shifted logsumexp.</summary>
    [Differentiable]
    public static double RowLogSumExp(double[][] m)
    {
        double total = 0;
        for (int i = 0; i < m.Length; i++)
        {
            double max = m[i][0];
            for (int j = 1; j < m[i].Length; j++)
                if (m[i][j] > max) max = m[i][j];
            double s = 0;
            for (int j = 0; j < m[i].Length; j++) s += Math.Exp(m[i][j] - max);
            total += max + Math.Log(s);
        }
        return total;
    }

    [Differentiable]
    public static double L2Norm(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i] * x[i];
        return Math.Sqrt(s);
    }

    /// <summary>Sample variance, two passes.</summary>
    [Differentiable]
    public static double Variance(double[] x)
    {
        double mean = 0;
        foreach (double v in x) mean += v;
        mean /= x.Length;
        double s = 0;
        foreach (double v in x) s += (v - mean) * (v - mean);
        return s / (x.Length - 1);
    }

    /// <summary>Sample variance by Welford's one-pass update: three loop-carried locals.</summary>
    [Differentiable]
    public static double VarianceWelford(double[] x)
    {
        double mean = 0, m2 = 0;
        int n = 0;
        for (int i = 0; i < x.Length; i++)
        {
            n++;
            double delta = x[i] - mean;
            mean += delta / n;
            m2 += delta * (x[i] - mean);
        }
        return m2 / (n - 1);
    }

    [Differentiable]
    public static double Product(double[] x)
    {
        double p = 1;
        for (int i = 0; i < x.Length; i++) p *= x[i];
        return p;
    }

    /// <summary>Kahan's compensated sum of sin x_i: the compensation has (numerically) zero derivative.</summary>
    [Differentiable]
    public static double KahanSumOfSines(double[] x)
    {
        double sum = 0, c = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double y = Math.Sin(x[i]) - c;
            double t = sum + y;
            c = (t - sum) - y;
            sum = t;
        }
        return sum;
    }

    /// <summary>An index carried through the loop as data: the value at the argmin.</summary>
    [Differentiable]
    public static double AtArgMin(double[] x)
    {
        int k = 0;
        for (int i = 1; i < x.Length; i++)
            if (x[i] < x[k]) k = i;
        return x[k] * x[k] + Math.Exp(x[k]);
    }

    [Differentiable]
    public static double MeanAbsoluteDeviation(double[] x)
    {
        double mean = 0;
        for (int i = 0; i < x.Length; i++) mean += x[i];
        mean /= x.Length;
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Abs(x[i] - mean);
        return s / x.Length;
    }

    /// <summary>Logistic regression's loss over data rows with an L2 penalty; the data is not differentiated.</summary>
    [Differentiable]
    public static double LogisticLoss(double[] w, [NoDerivative] double[][] data, [NoDerivative] double[] labels)
    {
        double loss = 0;
        for (int i = 0; i < data.Length; i++)
        {
            double z = 0;
            for (int j = 0; j < w.Length; j++) z += w[j] * data[i][j];
            loss += Math.Log(1 + Math.Exp(-labels[i] * z));
        }
        double penalty = 0;
        foreach (double v in w) penalty += v * v;
        return loss + 0.05 * penalty;
    }

    [Differentiable]
    public static double GeometricMean(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Log(x[i]);
        return Math.Exp(s / x.Length);
    }

    // float versions

    [Differentiable]
    public static float SumOfSquaresF(float[] x)
    {
        float s = 0;
        foreach (float v in x) s += v * v;
        return s;
    }

    [Differentiable]
    public static float DotF(float[] a, float[] b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    [Differentiable]
    public static float LogSumExpF(float[] x)
    {
        float m = x[0];
        for (int i = 1; i < x.Length; i++)
            if (x[i] > m) m = x[i];
        float s = 0;
        for (int i = 0; i < x.Length; i++) s += MathF.Exp(x[i] - m);
        return m + MathF.Log(s);
    }

    [Differentiable]
    public static float L2NormF(float[] x)
    {
        float s = 0;
        foreach (float v in x) s += v * v;
        return MathF.Sqrt(s);
    }

    [Differentiable]
    public static float VarianceF(float[] x)
    {
        float mean = 0;
        for (int i = 0; i < x.Length; i++) mean += x[i];
        mean /= x.Length;
        float s = 0;
        for (int i = 0; i < x.Length; i++) s += (x[i] - mean) * (x[i] - mean);
        return s / (x.Length - 1);
    }

    /// <summary>float inputs accumulated in double, the result converted back to float.</summary>
    [Differentiable]
    public static float SumOfCubesInDoubleF(float[] x)
    {
        double s = 0;
        foreach (float v in x) s += (double)v * v * v;
        return (float)s;
    }

    [Differentiable]
    public static float MaxByMathMaxF(float[] x)
    {
        float m = x[0];
        for (int i = 1; i < x.Length; i++) m = Math.Max(m, x[i]);
        return m;
    }
}

public class ReductionTests
{
    private static (float, float[]) SplitF(Func<float[], float[], float> primalAndPullback, float[] x)
    {
        var g = new float[x.Length];
        float v = primalAndPullback(x, g);
        return (v, g);
    }

    private static readonly double[] X = { 0.5, -1.25, 2.0, 0.75, -0.3, 1.1 };

    [Fact]
    public void SumOverForeach()
    {
        Check.Gradient(Reductions.SumForeach, Reductions.SumForeach_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.SumForeach_Primal(p, g, out var r); Reductions.SumForeach_Pullback(in r, s); return v; }, a),
            Reductions.SumForeach_Jvp, X, X.Select(_ => 1.0).ToArray());
    }

    private static void CheckMax(Func<double[], double> f, Func<double[], (double, double[])> fused,
        Func<double[], double[], double, double> primalPullback, Func<double[], double[], (double, double)> jvp, double[] x, double[] closed, bool finiteDifferencesApply)
    {
        if (finiteDifferencesApply)
        {
            Check.Gradient(f, fused, (a, s) => Check.Split((p, g) => primalPullback(p, g, s), a), jvp, x, closed);
            return;
        }
        // At a tie the function has a kink and central differences mean nothing: the modes must still agree
        // with each other and with the stated convention.
        var (value, gradient) = fused(Check.Copy(x));
        Assert.Equal(f(Check.Copy(x)), value);
        LoopTests.Close(closed, gradient, 0, "reverse vs the tie convention");
        LoopTests.Close(closed, LoopTests.ForwardGradient(jvp, x), 0, "forward vs the tie convention");
        var (_, split) = Check.Split((p, g) => primalPullback(p, g, 1), Check.Copy(x));
        LoopTests.Close(closed, split, 0, "split vs the tie convention");
    }

    private static readonly double[] Tied = { 1.0, 3.0, 2.0, 3.0, 3.0 };

    [Fact]
    public void MaxByStrictComparison_NoTie()
    {
        CheckMax(Reductions.MaxFirst, Reductions.MaxFirst_ValueWithGradient,
            (p, g, s) => { double v = Reductions.MaxFirst_Primal(p, g, out var r); Reductions.MaxFirst_Pullback(in r, s); return v; },
            Reductions.MaxFirst_Jvp, X, new[] { 0, 0, 1.0, 0, 0, 0 }, finiteDifferencesApply: true);
    }

    [Fact]
    public void MaxByStrictComparison_AtATieTheDerivativeGoesWhollyToTheFirstMaximum()
    {
        CheckMax(Reductions.MaxFirst, Reductions.MaxFirst_ValueWithGradient,
            (p, g, s) => { double v = Reductions.MaxFirst_Primal(p, g, out var r); Reductions.MaxFirst_Pullback(in r, s); return v; },
            Reductions.MaxFirst_Jvp, Tied, new[] { 0, 1.0, 0, 0, 0 }, finiteDifferencesApply: false);
    }

    [Fact]
    public void MaxByNonStrictComparison_AtATieTheDerivativeGoesWhollyToTheLastMaximum()
    {
        CheckMax(Reductions.MaxLast, Reductions.MaxLast_ValueWithGradient,
            (p, g, s) => { double v = Reductions.MaxLast_Primal(p, g, out var r); Reductions.MaxLast_Pullback(in r, s); return v; },
            Reductions.MaxLast_Jvp, Tied, new[] { 0, 0, 0, 0, 1.0 }, finiteDifferencesApply: false);
        CheckMax(Reductions.MaxLast, Reductions.MaxLast_ValueWithGradient,
            (p, g, s) => { double v = Reductions.MaxLast_Primal(p, g, out var r); Reductions.MaxLast_Pullback(in r, s); return v; },
            Reductions.MaxLast_Jvp, X, new[] { 0, 0, 1.0, 0, 0, 0 }, finiteDifferencesApply: true);
    }

    [Fact]
    public void MaxByMathMax_AtATieEachMathMaxSplitsHalfAndHalf()
    {
        // m = Max(Max(Max(Max(1, 3), 2), 3), 3): the last Max ties (½ to x4, ½ inward), the one before ties
        // (½·½ to x3, ½·½ to x1's branch): x1 ¼, x3 ¼, x4 ½.
        CheckMax(Reductions.MaxByMathMax, Reductions.MaxByMathMax_ValueWithGradient,
            (p, g, s) => { double v = Reductions.MaxByMathMax_Primal(p, g, out var r); Reductions.MaxByMathMax_Pullback(in r, s); return v; },
            Reductions.MaxByMathMax_Jvp, Tied, new[] { 0, 0.25, 0, 0.25, 0.5 }, finiteDifferencesApply: false);
        CheckMax(Reductions.MaxByMathMax, Reductions.MaxByMathMax_ValueWithGradient,
            (p, g, s) => { double v = Reductions.MaxByMathMax_Primal(p, g, out var r); Reductions.MaxByMathMax_Pullback(in r, s); return v; },
            Reductions.MaxByMathMax_Jvp, X, new[] { 0, 0, 1.0, 0, 0, 0 }, finiteDifferencesApply: true);
    }

    [Fact]
    public void DotProductOfTwoArrays()
    {
        var a = X;
        var b = new[] { 0.3, 0.7, -0.4, 1.5, 2.0, -0.1 };
        Check.Gradient(v => Reductions.Dot(v[..6], v[6..]),
            v => { var (f, (da, db)) = Reductions.Dot_ValueWithGradient(v[..6], v[6..]); return (f, Flat.Concat(da, db)); },
            (v, s) => { var da = new double[6]; var db = new double[6]; double f = Reductions.Dot_Primal(v[..6], v[6..], da, db, out var r); Reductions.Dot_Pullback(in r, s); return (f, Flat.Concat(da, db)); },
            (v, dv) => Reductions.Dot_Jvp(v[..6], v[6..], dv[..6], dv[6..]), Flat.Concat(a, b), Flat.Concat(b, a));
    }

    [Fact]
    public void DotProductOfAnArrayWithItself()
    {
        // The same array for both parameters: the gradient of Σ x_i² is 2x, in the one shared shadow.
        var x = Check.Copy(X);
        var (value, (da, db)) = Reductions.Dot_ValueWithGradient(x, x);
        Assert.Equal(X.Sum(v => v * v), value, 13);
        Assert.Same(da, db);
        LoopTests.Close(X.Select(v => 2 * v).ToArray(), da, 1e-15, "gradient");
    }

    private static double[] Softmax(double[] x)
    {
        double m = x.Max();
        var e = x.Select(v => Math.Exp(v - m)).ToArray();
        double s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    [Fact]
    public void LogSumExpOverForeachWithMathMaxFromNegativeInfinity()
    {
        Check.Gradient(Reductions.LogSumExpForeach, Reductions.LogSumExpForeach_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.LogSumExpForeach_Primal(p, g, out var r); Reductions.LogSumExpForeach_Pullback(in r, s); return v; }, a),
            Reductions.LogSumExpForeach_Jvp, X, Softmax(X), closedFormTolerance: 1e-14);
    }

    [Fact]
    public void LogSumExp_WithATiedMaximum_TheGradientIsStillTheSoftmax()
    {
        // The max shift cancels: however a tie splits the max's derivative, Σ softmax = 1 takes it back.
        var x = new[] { 2.0, -1.0, 2.0, 0.5 };
        var (_, g) = Reductions.LogSumExpForeach_ValueWithGradient(Check.Copy(x));
        LoopTests.Close(Softmax(x), g, 1e-15, "reverse");
        LoopTests.Close(Softmax(x), LoopTests.ForwardGradient(Reductions.LogSumExpForeach_Jvp, x), 1e-15, "forward");
        LoopTests.Close(Softmax(x), LoopTests.FiniteGradient(Reductions.LogSumExpForeach, x), 1e-7, "finite differences");
    }

    [Fact]
    public void LogSumExpOfLargeValuesDoesNotOverflow()
    {
        var x = new[] { 1000.0, 999.0, 998.5 };
        var (value, g) = Reductions.LogSumExpForeach_ValueWithGradient(Check.Copy(x));
        Assert.True(double.IsFinite(value));
        LoopTests.Close(Softmax(x), g, 1e-15, "softmax at large inputs");
    }

    [Fact]
    public void LogSumExpOfEachRowOfAJaggedArray()
    {
        var m = new[] { new[] { 0.5, -1.0, 2.0 }, new[] { 3.0 }, new[] { -0.2, 0.1, 0.4, -2.0 } };
        var shape = Flat.Shape(m);
        Check.Gradient(v => Reductions.RowLogSumExp(Flat.Jagged(v, 0, shape)),
            v => { var (f, g) = Reductions.RowLogSumExp_ValueWithGradient(Flat.Jagged(v, 0, shape)); return (f, Flat.Of(g)); },
            (v, s) => { var g = Flat.Jagged(new double[v.Length], 0, shape); double f = Reductions.RowLogSumExp_Primal(Flat.Jagged(v, 0, shape), g, out var r); Reductions.RowLogSumExp_Pullback(in r, s); return (f, Flat.Of(g)); },
            (v, dv) => Reductions.RowLogSumExp_Jvp(Flat.Jagged(v, 0, shape), Flat.Jagged(dv, 0, shape)),
            Flat.Of(m), Flat.Of(m.Select(Softmax).ToArray()), closedFormTolerance: 1e-14);
    }

    [Fact]
    public void L2Norm()
    {
        double n = Math.Sqrt(X.Sum(v => v * v));
        Check.Gradient(Reductions.L2Norm, Reductions.L2Norm_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.L2Norm_Primal(p, g, out var r); Reductions.L2Norm_Pullback(in r, s); return v; }, a),
            Reductions.L2Norm_Jvp, X, X.Select(v => v / n).ToArray());
    }

    private static double[] VarianceGradient(double[] x) => x.Select(v => 2 * (v - x.Average()) / (x.Length - 1)).ToArray();

    [Fact]
    public void VarianceInTwoPasses()
    {
        Check.Gradient(Reductions.Variance, Reductions.Variance_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.Variance_Primal(p, g, out var r); Reductions.Variance_Pullback(in r, s); return v; }, a),
            Reductions.Variance_Jvp, X, VarianceGradient(X), closedFormTolerance: 1e-14);
    }

    [Fact]
    public void VarianceByWelfordsOnePassUpdate()
    {
        Assert.Equal(Reductions.Variance(Check.Copy(X)), Reductions.VarianceWelford(Check.Copy(X)), 13);
        Check.Gradient(Reductions.VarianceWelford, Reductions.VarianceWelford_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.VarianceWelford_Primal(p, g, out var r); Reductions.VarianceWelford_Pullback(in r, s); return v; }, a),
            Reductions.VarianceWelford_Jvp, X, VarianceGradient(X), closedFormTolerance: 1e-13);
    }

    [Fact]
    public void ProductOfElements()
    {
        double p = X.Aggregate(1.0, (a, b) => a * b);
        Check.Gradient(Reductions.Product, Reductions.Product_ValueWithGradient,
            (a, s) => Check.Split((q, g) => { double v = Reductions.Product_Primal(q, g, out var r); Reductions.Product_Pullback(in r, s); return v; }, a),
            Reductions.Product_Jvp, X, X.Select(v => p / v).ToArray(), closedFormTolerance: 1e-14);
    }

    [Fact]
    public void ProductWithAZeroElement()
    {
        var x = new[] { 0.5, 0.0, 2.0, -1.5 };
        var (value, g) = Reductions.Product_ValueWithGradient(Check.Copy(x));
        Assert.Equal(0.0, value);
        LoopTests.Close(new[] { 0, 0.5 * 2 * -1.5, 0, 0 }, g, 0, "only the zero's own derivative survives");
    }

    [Fact]
    public void CompensatedSumOfSines()
    {
        Check.Gradient(Reductions.KahanSumOfSines, Reductions.KahanSumOfSines_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.KahanSumOfSines_Primal(p, g, out var r); Reductions.KahanSumOfSines_Pullback(in r, s); return v; }, a),
            Reductions.KahanSumOfSines_Jvp, X, X.Select(Math.Cos).ToArray(), closedFormTolerance: 1e-14);
    }

    [Fact]
    public void ValueAtTheArgMinOfAnIndexCarriedAsData()
    {
        int k = Array.IndexOf(X, X.Min());
        var closed = X.Select((v, i) => i == k ? 2 * v + Math.Exp(v) : 0).ToArray();
        Check.Gradient(Reductions.AtArgMin, Reductions.AtArgMin_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.AtArgMin_Primal(p, g, out var r); Reductions.AtArgMin_Pullback(in r, s); return v; }, a),
            Reductions.AtArgMin_Jvp, X, closed);
    }

    [Fact]
    public void MeanAbsoluteDeviation()
    {
        double mean = X.Average();
        int n = X.Length;
        double signs = X.Sum(v => Math.Sign(v - mean));
        var closed = X.Select(v => (Math.Sign(v - mean) - signs / n) / n).ToArray();
        Check.Gradient(Reductions.MeanAbsoluteDeviation, Reductions.MeanAbsoluteDeviation_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.MeanAbsoluteDeviation_Primal(p, g, out var r); Reductions.MeanAbsoluteDeviation_Pullback(in r, s); return v; }, a),
            Reductions.MeanAbsoluteDeviation_Jvp, X, closed, closedFormTolerance: 1e-14);
    }

    [Fact]
    public void LogisticLossOverDataRows()
    {
        var data = new[] { new[] { 1.0, 0.5, -0.2 }, new[] { 0.3, -1.0, 0.8 }, new[] { -0.7, 0.4, 1.5 }, new[] { 2.0, 0.1, 0.0 } };
        var labels = new[] { 1.0, -1.0, 1.0, -1.0 };
        var w = new[] { 0.4, -0.3, 0.9 };
        var closed = w.Select(v => 0.1 * v).ToArray();
        for (int i = 0; i < data.Length; i++)
        {
            double z = w.Zip(data[i], (a, b) => a * b).Sum();
            double sigma = 1 / (1 + Math.Exp(labels[i] * z));
            for (int j = 0; j < 3; j++) closed[j] -= labels[i] * data[i][j] * sigma;
        }
        Check.Gradient(v => Reductions.LogisticLoss(v, data, labels), v => Reductions.LogisticLoss_ValueWithGradient(v, data, labels),
            (a, s) => Check.Split((p, g) => { double v = Reductions.LogisticLoss_Primal(p, data, labels, g, out var r); Reductions.LogisticLoss_Pullback(in r, s); return v; }, a),
            (v, dv) => Reductions.LogisticLoss_Jvp(v, data, labels, dv), w, closed, closedFormTolerance: 1e-14);
    }

    [Fact]
    public void GeometricMean()
    {
        var x = new[] { 0.5, 1.25, 2.0, 0.75 };
        double gm = Math.Exp(x.Sum(Math.Log) / x.Length);
        Check.Gradient(Reductions.GeometricMean, Reductions.GeometricMean_ValueWithGradient,
            (a, s) => Check.Split((p, g) => { double v = Reductions.GeometricMean_Primal(p, g, out var r); Reductions.GeometricMean_Pullback(in r, s); return v; }, a),
            Reductions.GeometricMean_Jvp, x, x.Select(v => gm / (x.Length * v)).ToArray(), closedFormTolerance: 1e-14);
    }

    private static readonly float[] XF = Flat.F(X);
    private static readonly double[] XD = Flat.D(XF); // the float inputs, exactly, as doubles

    [Fact]
    public void FloatSumOfSquaresOverForeach()
    {
        Check.GradientF(Reductions.SumOfSquaresF, Reductions.SumOfSquaresF_ValueWithGradient,
            (a, s) => SplitF((p, g) => { float v = Reductions.SumOfSquaresF_Primal(p, g, out var r); Reductions.SumOfSquaresF_Pullback(in r, s); return v; }, a),
            Reductions.SumOfSquaresF_Jvp, XF, XD.Select(v => 2 * v).ToArray());
    }

    [Fact]
    public void FloatDotProduct()
    {
        var b = Flat.F(0.3, 0.7, -0.4, 1.5, 2.0, -0.1);
        var x = XF.Concat(b).ToArray();
        Check.GradientF(v => Reductions.DotF(v[..6], v[6..]),
            v => { var (f, (da, db)) = Reductions.DotF_ValueWithGradient(v[..6], v[6..]); return (f, da.Concat(db).ToArray()); },
            (v, s) => { var da = new float[6]; var db = new float[6]; float f = Reductions.DotF_Primal(v[..6], v[6..], da, db, out var r); Reductions.DotF_Pullback(in r, s); return (f, da.Concat(db).ToArray()); },
            (v, dv) => Reductions.DotF_Jvp(v[..6], v[6..], dv[..6], dv[6..]), x, Flat.Concat(Flat.D(b), XD));
    }

    [Fact]
    public void FloatLogSumExp()
    {
        Check.GradientF(Reductions.LogSumExpF, Reductions.LogSumExpF_ValueWithGradient,
            (a, s) => SplitF((p, g) => { float v = Reductions.LogSumExpF_Primal(p, g, out var r); Reductions.LogSumExpF_Pullback(in r, s); return v; }, a),
            Reductions.LogSumExpF_Jvp, XF, Softmax(XD));
    }

    [Fact]
    public void FloatL2Norm()
    {
        double n = Math.Sqrt(XD.Sum(v => v * v));
        Check.GradientF(Reductions.L2NormF, Reductions.L2NormF_ValueWithGradient,
            (a, s) => SplitF((p, g) => { float v = Reductions.L2NormF_Primal(p, g, out var r); Reductions.L2NormF_Pullback(in r, s); return v; }, a),
            Reductions.L2NormF_Jvp, XF, XD.Select(v => v / n).ToArray());
    }

    [Fact]
    public void FloatVariance()
    {
        Check.GradientF(Reductions.VarianceF, Reductions.VarianceF_ValueWithGradient,
            (a, s) => SplitF((p, g) => { float v = Reductions.VarianceF_Primal(p, g, out var r); Reductions.VarianceF_Pullback(in r, s); return v; }, a),
            Reductions.VarianceF_Jvp, XF, VarianceGradient(XD));
    }

    [Fact]
    public void FloatInputsAccumulatedInDouble()
    {
        Check.GradientF(Reductions.SumOfCubesInDoubleF, Reductions.SumOfCubesInDoubleF_ValueWithGradient,
            (a, s) => SplitF((p, g) => { float v = Reductions.SumOfCubesInDoubleF_Primal(p, g, out var r); Reductions.SumOfCubesInDoubleF_Pullback(in r, s); return v; }, a),
            Reductions.SumOfCubesInDoubleF_Jvp, XF, XD.Select(v => 3 * v * v).ToArray());
    }

    [Fact]
    public void FloatMaxByMathMax_AtATieEachMathMaxSplitsHalfAndHalf()
    {
        var tied = Flat.F(Tied);
        var (value, g) = Reductions.MaxByMathMaxF_ValueWithGradient((float[])tied.Clone());
        Assert.Equal(3f, value);
        LoopTests.Close(new[] { 0, 0.25, 0, 0.25, 0.5 }, Flat.D(g), 0, "reverse");
        var forward = Enumerable.Range(0, 5).Select(i => (double)Reductions.MaxByMathMaxF_Jvp((float[])tied.Clone(), Flat.F(Check.Unit(5, i))).Tangent).ToArray();
        LoopTests.Close(new[] { 0, 0.25, 0, 0.25, 0.5 }, forward, 0, "forward");
        Check.GradientF(Reductions.MaxByMathMaxF, Reductions.MaxByMathMaxF_ValueWithGradient,
            (a, s) => SplitF((p, q) => { float v = Reductions.MaxByMathMaxF_Primal(p, q, out var r); Reductions.MaxByMathMaxF_Pullback(in r, s); return v; }, a),
            Reductions.MaxByMathMaxF_Jvp, XF, new[] { 0, 0, 1.0, 0, 0, 0 });
    }
}
