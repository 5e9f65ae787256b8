// Loops, arrays and mutation: functions written as numerical code is written.
using System;
using Nabla;

namespace Nabla.Tests;

public static partial class LoopFunctions
{
    [Differentiable]
    public static double Sum(double[] x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += x[i];
        return s;
    }

    [Differentiable]
    public static double SumOfSquaresForeach(double[] x)
    {
        double s = 0;
        foreach (var v in x) s += v * v;
        return s;
    }

    // The seed's branch-in-loop example.
    [Differentiable]
    public static double BranchInLoop(double[] x)
    {
        double y = 0;
        for (int i = 0; i < x.Length; i++)
            y = x[i] > 0 ? y + x[i] * x[i] : y - x[i];
        return y;
    }

    [Differentiable]
    public static double PowerLoop(double x, int n)
    {
        double p = 1;
        for (int i = 0; i < n; i++) p *= x;
        return p;
    }

    [Differentiable]
    public static double InPlacePrefixProduct(double[] a)
    {
        for (int i = 1; i < a.Length; i++) a[i] = a[i] * a[i - 1];
        return a[a.Length - 1];
    }

    [Differentiable]
    public static double LogSumExp(double[] x)
    {
        double max = x[0];
        for (int i = 1; i < x.Length; i++) if (x[i] > max) max = x[i];
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Exp(x[i] - max);
        return Math.Log(s) + max;
    }

    [Differentiable]
    public static double FixedPoint(double a)
    {
        // x = cos(a x) iterated until it settles: the trip count depends on the input.
        double x = 1;
        double previous;
        int iterations = 0;
        do
        {
            previous = x;
            x = Math.Cos(a * x);
            iterations++;
        } while (Math.Abs(x - previous) > 1e-14 && iterations < 1000);
        return x;
    }

    [Differentiable]
    public static double[] Softmax(double[] x)
    {
        double m = x[0];
        foreach (var v in x) m = Math.Max(m, v);
        var e = new double[x.Length];
        double s = 0;
        for (int i = 0; i < x.Length; i++) { e[i] = Math.Exp(x[i] - m); s += e[i]; }
        for (int i = 0; i < x.Length; i++) e[i] /= s;
        return e;
    }

    [Differentiable]
    public static double NestedBreak(double[][] m)
    {
        double total = 0;
        for (int i = 0; i < m.Length; i++)
        {
            for (int j = 0; j < m[i].Length; j++)
            {
                if (m[i][j] < 0) break;
                total += m[i][j] * (j + 1);
            }
        }
        return total;
    }

    [Differentiable]
    public static double Matrix2D(double[,] a, double[] v)
    {
        double s = 0;
        for (int i = 0; i < a.GetLength(0); i++)
        {
            double row = 0;
            for (int j = 0; j < a.GetLength(1); j++) row += a[i, j] * v[j];
            s += row * row;
        }
        return s;
    }

    [Differentiable]
    public static double AliasSeed(double[] x)
    {
        var y = x;
        y[0] = y[0] * 2;
        return Sum(y);
    }
}

/// <summary>C-style helpers that write into output arrays at offsets, as ADBench's C++ does.</summary>
public static partial class ArrayHelpers
{
    [Differentiable]
    public static void Subtract(int d, double[] x, int xOffset, double[] y, int yOffset, double[] result)
    {
        for (int i = 0; i < d; i++) result[i] = x[xOffset + i] - y[yOffset + i];
    }

    [Differentiable]
    public static double SquaredNorm(int d, double[] x, int offset)
    {
        double s = 0;
        for (int i = 0; i < d; i++) s += x[offset + i] * x[offset + i];
        return s;
    }

    [Differentiable]
    public static double DistanceSquared(double[] points, double[] center, double[] scratch)
    {
        int d = center.Length;
        double total = 0;
        for (int p = 0; p < points.Length / d; p++)
        {
            Subtract(d, points, p * d, center, 0, scratch);
            total += SquaredNorm(d, scratch, 0);
        }
        return total;
    }
}

public static partial class InfiniteLoopForms
{
    /// <summary>while (true) left by a return: halves x until it is below 1.</summary>
    [Differentiable]
    public static double HalveBelowOne(double x)
    {
        while (true)
        {
            if (x < 1) return x;
            x = x * 0.5;
        }
    }
}
