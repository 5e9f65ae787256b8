using System;
using Nabla;

namespace Nabla.Tests;

public static partial class Smoke
{
    [Differentiable]
    public static double Cubed(double x) => x * x * x;

    [Differentiable]
    public static double Branchy(double x, double y)
    {
        double z = x * y;
        if (x > 0 && y > 0)
            z += Math.Sin(x);
        else
            return z * z;
        return x > 1 ? z / y : -z;
    }

    [Differentiable]
    public static double CallsCubed(double x, int n) => Cubed(x) * n + Math.Exp(x);
}
