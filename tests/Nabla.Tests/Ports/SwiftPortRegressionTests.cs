// Cases from porting differentiable Swift's validation tests (swiftlang/swift test/AutoDiff/validation-test:
// simple_math, control_flow, array, inout_parameters, class_differentiation) that Nabla got wrong or rejected,
// each checked against the closed form Swift's test expects.
using System;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

public static partial class SwiftPortCode
{
    // A tuple with one real element beside data (simple_math "Tuple", control_flow "tupleLet", TF-964).
    [Differentiable]
    public static double FirstOfPair(double x) { var t = (x, 1); return t.Item1; }

    [Differentiable]
    public static double TupleWithCount(double x) { (double V, int N) t = (x, 2); t.V *= x; return t.V * t.N / 3; }

    [Differentiable]
    public static double SquareOfTuple((double V, int N) p) => p.V * p.V * p.N;

    [Differentiable]
    public static double ThroughTupleArgument(double x) => SquareOfTuple((x, 2)) / 2;

    [GradientOf(nameof(SquareOfTuple))]
    public static partial ValueTuple<double> SquareOfTupleGradient((double V, int N) p);

    [Differentiable]
    public static (double, int) SquareAndCount(double x) => (x * x, 1);

    // Array literals as collection expressions (array.swift's [x, y]).
    [Differentiable]
    public static double ProductOfLiteral(double x, double y) { double[] v = [x, y, 1.0]; double[] none = []; return v[0] * v[1] * v[2] + none.Length; }

    [Differentiable]
    public static double[] LiteralResult(double x) => [x, x * x];

    // Generic math: tuples of T (stack overflow in the generator before), and generic methods calling generic methods.
    [Differentiable]
    public static T TupleOfT<T>(T x, T y) where T : IFloatingPointIeee754<T> { var t = (x, y); return t.Item1 * t.Item2; }

    [Differentiable]
    public static (T, T) PairOf<T>(T x, T y) where T : IFloatingPointIeee754<T> => (x, y);

    [Differentiable]
    public static T FirstOf<T>(T x, T y) where T : IFloatingPointIeee754<T> => PairOf(x, y).Item1;

    [Differentiable]
    public static T Square<T>(T x) where T : IFloatingPointIeee754<T> => x * x;

    [Differentiable]
    public static T SquarePlusOne<T>(T x) where T : IFloatingPointIeee754<T> => Square(x) + T.One;

    [Differentiable]
    public static T[] ArrayOf<T>(T x, T y) where T : IFloatingPointIeee754<T> => new[] { x, y };

    [Differentiable]
    public static float ProductOfArray(float x, float y) { var p = ArrayOf(x, y); return p[0] * p[1]; }

    [Differentiable]
    public static void Swap<T>(ref T x, ref T y) where T : IFloatingPointIeee754<T> { var z = x; x = y; y = z; }

    [Differentiable]
    public static T SecondAfterSwap<T>(T x, T y) where T : IFloatingPointIeee754<T> { var p1 = x; var p2 = y; Swap(ref p1, ref p2); return p2; }
}

/// <summary>A member initialized where it is declared, and a [Differentiable] constructor (simple_math StructConstantStoredProperty).</summary>
[Differentiable]
public partial struct WithConstant
{
    public float X;
    public float C = 2f;
    public float Negative = -0.5f;

    [Differentiable]
    public WithConstant(float x) { X = x; }
}

/// <summary>A plain class: its methods are called, not inlined, by differentiable code.</summary>
public partial class PairMaker
{
    public float Scale = 2f;

    [Differentiable]
    public float[] Make(float x, float y) => new[] { Scale * x, y * y };
}

/// <summary>A method returning a [NoDerivative] member (NABLA0016, and the generator crashed before).</summary>
[Differentiable]
public partial class Counter
{
    public float Rate;
    [NoDerivative] public float Count = 1;

    [Differentiable]
#pragma warning disable NABLA0016 // the zero derivative is the point
    public float CountValue() => Count;
#pragma warning restore NABLA0016
}

public static partial class FunctionTakers
{
    /// <summary>A plain method whose only parameter is a [Differentiable] function (Swift's grad(lossFunction)).</summary>
    public static double SlopeAt2([Differentiable] Func<double, double> f) => Derivative(f, 2.0);
}

public static partial class SwiftPortCode2
{
    [Differentiable]
    public static float ScaledByConstant(float x) { var s = new WithConstant(x); return s.C * s.X * 10f + s.Negative * x; }

    [Differentiable]
    public static float ProductThroughCall(PairMaker maker, float x, float y) { var p = maker.Make(x, y); return p[0] * p[1]; }
}

public class SwiftPortRegressionTests
{
    [Fact]
    public void ParenthesizedLambdasAndMethodGroups()
    {
        // (x => x * x * x) is the lambda: bound at operators and registered at methods taking [Differentiable] functions.
        Assert.Equal(12.0, FunctionTakers.SlopeAt2((x => x * x * x)), 12);
        Assert.Equal(6.0, Gradient((x => x * x), 3.0), 12);
        Assert.Equal(27.0, Derivative(((SwiftPortCode.Square<double>)), 13.5), 12);
    }

    [Fact]
    public void MemberInitializersRunInTheConstructorsDerivatives()
    {
        // C·x·10 - x/2 with C = 2 (the members started at zero before: a wrong value and derivative).
        Assert.Equal((3f * 20f - 1.5f, 19.5f), ValueWithGradient(SwiftPortCode2.ScaledByConstant, 3f));
        Assert.Equal(19.5f, Derivative(SwiftPortCode2.ScaledByConstant, 3f));
    }

    [Fact]
    public void ZeroDerivativeOfANoDerivativeMember()
    {
        Assert.Equal(0f, Gradient((Counter c) => c.CountValue(), new Counter()).Rate);
    }

    [Fact]
    public void PlainMethodWhoseOnlyParameterIsADifferentiableFunction()
    {
        Assert.Equal(12.0, FunctionTakers.SlopeAt2(x => x * x * x), 12);
    }

    [Fact]
    public void ReverseModeThroughACallReturningAnArray()
    {
        // (2x)(y²): the callee is called through its split derivatives (was a zero gradient).
        var maker = new PairMaker();
        var (dx, dy) = Gradient((float x, float y) => SwiftPortCode2.ProductThroughCall(maker, x, y), 3f, 4f);
        Assert.Equal(32f, dx, 5);
        Assert.Equal(48f, dy, 5);
        var along = Jvp((float x, float y) => SwiftPortCode2.ProductThroughCall(maker, x, y), 3f, 4f, 1f, 0.5f).Tangent;
        Assert.Equal(32f + 0.5f * 48f, along, 4);
    }

    [Fact]
    public void TupleWithOneRealElement_CarriesTheDerivative()
    {
        Assert.Equal(1, Gradient(SwiftPortCode.FirstOfPair, 3.0), 14);
        Assert.Equal(1, Derivative(SwiftPortCode.FirstOfPair, 3.0), 14);
        // 2x²/3
        Assert.Equal(4, Gradient(SwiftPortCode.TupleWithCount, 3.0), 13);
        Assert.Equal(4, SwiftPortCode.TupleWithCount_Jvp(3.0, 1).Tangent, 13);
        // x²·2/2
        Assert.Equal(6, Gradient(SwiftPortCode.ThroughTupleArgument, 3.0), 13);
        Assert.Equal(12, SwiftPortCode.SquareOfTupleGradient((3.0, 2)).Item1, 13);
        var ((value, count), tangent) = SwiftPortCode.SquareAndCount_Jvp(3.0, 1.0);
        Assert.Equal((9.0, 1), (value, count));
        Assert.Equal(6, tangent.Item1, 14);
    }

    [Fact]
    public void CollectionExpressions()
    {
        Assert.Equal((3.0, 2.0), Gradient(SwiftPortCode.ProductOfLiteral, 2.0, 3.0));
        Assert.Equal(new[] { 1.0, 4.0 }, Derivative(SwiftPortCode.LiteralResult, 2.0));
        Assert.Equal(1.0 + 2 * 2.0 * 3.0, Vjp(SwiftPortCode.LiteralResult, 2.0, new[] { 1.0, 3.0 }), 12);
    }

    [Fact]
    public void GenericMath_TuplesOfT_AndGenericCallees()
    {
        Assert.Equal(2f, Gradient((float x) => SwiftPortCode.TupleOfT(x, 2f), 3f), 6);
        Assert.Equal((1f, 0f), Gradient((float x, float y) => SwiftPortCode.FirstOf(x, y), 3f, 3f));
        Assert.Equal(6f, Derivative((float x) => SwiftPortCode.SquarePlusOne(x), 3f), 6);
        Assert.Equal(8.0, Gradient((double x) => SwiftPortCode.SquarePlusOne(x), 4.0), 14);
        // Reverse mode through a generic callee returning an array (was a zero cotangent).
        Assert.Equal((4f, 3f), Gradient(SwiftPortCode.ProductOfArray, 3f, 4f));
        // A generic callee with ref parameters (its derivative was dropped): the second after a swap is x.
        Assert.Equal(1f, Jvp((float x, float y) => SwiftPortCode.SecondAfterSwap(x, y), 1f, 1f, 1f, 2f).Tangent, 6);
        Assert.Equal((1f, 0f), Vjp((float x, float y) => SwiftPortCode.SecondAfterSwap(x, y), 1f, 2f, 1f));
    }
}
