// Generic differentiable types (API.md §6: Pair<T>.Tangent): a [Differentiable] struct generic over
// T : IFloatingPointIeee754<T>, used at double and float in differentiable code.
using System;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.StructCode;

[Differentiable]
public partial struct Pair<T> where T : IFloatingPointIeee754<T>
{
    public T First;
    public T Second;

    [Differentiable]
    public T Product() => First * Second;

    [Differentiable]
    public T Dot(Pair<T> other) => First * other.First + Second * other.Second;
}

/// <summary>A generic class with an array member and a data member.</summary>
[Differentiable]
public partial class Poly<T> where T : IFloatingPointIeee754<T>
{
    public T[] Coefficients = Array.Empty<T>();
    [NoDerivative] public int Degree;

    /// <summary>A method of a generic class: Horner's rule, then a smooth squashing through T's own functions.</summary>
    [Differentiable]
    public T Eval(T x)
    {
        T y = T.Zero;
        for (int i = Degree; i >= 0; i--) y = y * x + Coefficients[i];
        return T.Tanh(y);
    }
}

public static partial class GenericTypeCode
{
    /// <summary>Methods of the generic type, called at Pair&lt;double&gt;.</summary>
    [Differentiable]
    public static double UsePair(Pair<double> p, double k) => p.Product() * k + p.Dot(p);

    /// <summary>Horner's rule over a generic class's array member.</summary>
    [Differentiable]
    public static double Eval(Poly<double> p, double x)
    {
        double y = 0;
        for (int i = p.Degree; i >= 0; i--) y = y * x + p.Coefficients[i];
        return y;
    }

    /// <summary>Pairs in an array, and a pair built in the code.</summary>
    [Differentiable]
    public static double Spread(Pair<double>[] ps, double w)
    {
        var acc = new Pair<double> { First = 0, Second = 0 };
        foreach (var p in ps)
        {
            acc.First += p.First * w;
            acc.Second += p.Second * p.Second;
        }
        return acc.First * acc.Second;
    }

    [Differentiable]
    public static double Product(Pair<double> p) => p.First * p.Second + Math.Sin(p.First);

    [Differentiable]
    public static float ProductF(Pair<float> p, float k) => p.First * p.Second * k;
}

public class GenericTypeTests
{
    [Fact]
    public void PairOfDouble_Gradient()
    {
        var p = new Pair<double> { First = 0.7, Second = -1.5 };
        var (value, g) = GenericTypeCode.Product_ValueWithGradient(p);
        Assert.Equal(0.7 * -1.5 + Math.Sin(0.7), value, 14);
        Assert.Equal(-1.5 + Math.Cos(0.7), g.First, 13);
        Assert.Equal(0.7, g.Second, 13);
        Pair<double>.Tangent t = Gradient(GenericTypeCode.Product, p);
        Assert.Equal(g.First, t.First, 14);
        var moved = p;
        moved.Move(g);
        Assert.Equal(0.7 + g.First, moved.First, 14);
    }

    [Fact]
    public void PairOfFloat_Gradient()
    {
        var p = new Pair<float> { First = 2f, Second = 3f };
        var (_, (g, dk)) = GenericTypeCode.ProductF_ValueWithGradient(p, 0.5f);
        Assert.Equal(1.5f, g.First, 5);
        Assert.Equal(1.0f, g.Second, 5);
        Assert.Equal(6f, dk, 5);
    }

    [Fact]
    public void GenericClass_WithAnArrayMember()
    {
        var p = new Poly<double> { Coefficients = new[] { 1.0, -2.0, 0.5 }, Degree = 2 };
        double x = 1.5;
        var (value, (dp, dx)) = GenericTypeCode.Eval_ValueWithGradient(p, x);
        Assert.Equal(1 - 2 * x + 0.5 * x * x, value, 13);
        Assert.Equal(-2 + x, dx, 13);
        Assert.Equal(new[] { 1.0, x, x * x }, dp.Coefficients);
    }

    [Fact]
    public void ArrayOfGenericStructs()
    {
        var ps = new[] { new Pair<double> { First = 1, Second = 2 }, new Pair<double> { First = -0.5, Second = 0.3 } };
        double w = 1.7;
        var (value, (dps, dw)) = GenericTypeCode.Spread_ValueWithGradient(ps, w);
        double a = (1 - 0.5) * w, b = 4 + 0.09;
        Assert.Equal(a * b, value, 13);
        Assert.Equal((1 - 0.5) * b, dw, 13);
        Assert.Equal(w * b, dps[0].First, 13);
        Assert.Equal(2 * 2 * a, dps[0].Second, 13);
        Assert.Equal(2 * 0.3 * a, dps[1].Second, 13);
    }

    [Fact]
    public void MethodsOfTheGenericType()
    {
        var p = new Pair<double> { First = 1.5, Second = -0.5 };
        var (value, g) = Pair<double>.Product_ValueWithGradient(p);
        Assert.Equal(-0.75, value, 14);
        Assert.Equal(-0.5, g.First, 14);
        Assert.Equal(1.5, g.Second, 14);
        var pf = new Pair<float> { First = 2f, Second = 4f };
        Assert.Equal(4f, Pair<float>.Product_ValueWithGradient(pf).Gradient.First, 5);
        double k = 3;
        var (v, (dp, dk)) = GenericTypeCode.UsePair_ValueWithGradient(p, k);
        Assert.Equal(-0.75 * k + 2.5, v, 13);
        Assert.Equal(-0.5 * k + 2 * 1.5, dp.First, 13);
        Assert.Equal(1.5 * k + 2 * -0.5, dp.Second, 13);
        Assert.Equal(-0.75, dk, 13);
    }

    [Fact]
    public void MethodOfAGenericClass_AtDoubleAndFloat()
    {
        var p = new Poly<double> { Coefficients = new[] { 0.5, -1.0, 0.25 }, Degree = 2 };
        double x = 0.8, y = 0.5 - x + 0.25 * x * x, s = 1 - Math.Tanh(y) * Math.Tanh(y);
        var (value, (dp, dx)) = Poly<double>.Eval_ValueWithGradient(p, x);
        Assert.Equal(Math.Tanh(y), value, 14);
        Assert.Equal(s * (-1 + 0.5 * x), dx, 13);
        Assert.Equal(s * x * x, dp.Coefficients[2], 13);
        var pf = new Poly<float> { Coefficients = new[] { 0.5f, -1.0f, 0.25f }, Degree = 2 };
        Assert.Equal((float)(s * (-1 + 0.5 * x)), Poly<float>.Eval_ValueWithGradient(pf, 0.8f).Gradient.Item2, 5);
    }
}
