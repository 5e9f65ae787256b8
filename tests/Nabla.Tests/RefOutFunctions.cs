// ref, out and in parameters (Swift's inout): a ref parameter is an input and an output.
using System;
using Nabla;

namespace Nabla.Tests;

public static partial class RefOutFunctions
{
    /// <summary>x ← x·y + sin x; returns x·y.</summary>
    [Differentiable]
    public static double Update(ref double x, double y)
    {
        double product = x * y;
        x = product + Math.Sin(x);
        return product;
    }

    /// <summary>Splits a value into square and cube through out parameters; returns their sum.</summary>
    [Differentiable]
    public static double Powers(double x, out double square, out double cube)
    {
        square = x * x;
        cube = square * x;
        return square + cube;
    }

    [Differentiable]
    public static double InParameter(in double x, double y) => x * x * y;

    /// <summary>Calls the ref and out methods: their writes flow on.</summary>
    [Differentiable]
    public static double Caller(double a, double b)
    {
        double s = a;
        double p = Update(ref s, b);
        Powers(s, out var sq, out var cu);
        return p * sq + cu;
    }

    /// <summary>A loop that updates a ref accumulator.</summary>
    [Differentiable]
    public static void Accumulate(ref double total, double[] x)
    {
        for (int i = 0; i < x.Length; i++) total += x[i] * x[i];
    }

    [Differentiable]
    public static double CallsAccumulate(double[] x, double start)
    {
        double t = start;
        Accumulate(ref t, x);
        return t * t;
    }
}
