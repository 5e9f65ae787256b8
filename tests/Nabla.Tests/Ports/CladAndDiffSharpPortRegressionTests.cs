// What the ports of Clad's and DiffSharp's test suites found (session 20), each against closed forms and the other mode.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

[Differentiable]
public partial struct CladUserType
{
    public double[] Data;
    public double K;

    [Differentiable]
    public double M(double i) => Data[0] * i * i + K * Data[1] * i;
}

[Differentiable]
public partial class CladUserClass
{
    public double[] W = Array.Empty<double>();

    [Differentiable]
    public double M(double i) => W[0] * i * i;
}

public static partial class CladIndexers
{
    /// <summary>Clad FunctionCalls fn8: a string's character decides the branch (was NABLA0002 "this indexer").</summary>
    [Differentiable]
    public static double ByFirstLetter(double x, string s) => s[0] == 'a' ? x * x : 1;

    [Differentiable]
    public static double Weighted(double x, System.Collections.Generic.List<int> weights)
    {
        double r = 0;
        for (int i = 0; i < weights.Count; i++) r += weights[i] * x * x;
        return r;
    }
}

/// <summary>A differentiable struct with a parameterless constructor and one taking data (Clad EarlyReturns).</summary>
[Differentiable]
public partial struct CladSeeded
{
    public double A;
    public double B;

    public CladSeeded()
    {
        A = 1.0;
        B = 0.0;
    }

    public CladSeeded(int n)
    {
        A = n;
        B = 2 * n;
    }
}

public static partial class CladConstructors
{
    [Differentiable]
    public static double Overwritten(double x, double y)
    {
        var s = new CladSeeded();
        s.A = x * y;
        s.B = x + y;
        return s.A * s.B;
    }

    [Differentiable]
    public static double FromCount(double x)
    {
        var s = new CladSeeded(3);
        return s.A * x + s.B * x * x;
    }

    [Differentiable]
    public static double Initialized(double x)
    {
        var s = new CladSeeded { B = x };
        return s.A * s.B * x;
    }
}

/// <summary>Clad FunctionCalls fn22: a [Differentiable] method that a rule with Wrt = "y" names.</summary>
public static partial class CladRuleWins
{
    [Differentiable]
    public static double Product(double x, double y) => x * y;

    [Differentiable]
    public static double Uses(double y) => Product(3, y) * y;
}

public static class CladRuleWinsRules
{
    [DerivativeOf(typeof(CladRuleWins), nameof(CladRuleWins.Product), Wrt = "y")]
    public static (double Value, Func<double, double> Pullback) Product(double x, double y) => (x * y, d => d * x);
}

public static partial class DiffSharpCurves
{
    [Differentiable]
    public static double[] Curve(double x) => new[] { Math.Sin(x), Math.Exp(x), Math.Cos(x) * x };
}

public static partial class CladRefElements
{
    [Differentiable]
    public static void Twice(ref double d) => d = 2 * d;

    [Differentiable]
    public static void Split(double x, out double half, out double square)
    {
        half = x / 2;
        square = x * x;
    }

    /// <summary>Array elements passed by ref and out (was NABLA0002 "assigning to ArrayElementReference").</summary>
    [Differentiable]
    public static double ByElement(double[] a)
    {
        double r = 0;
        var parts = new double[2];
        for (int i = 0; i < a.Length; i++)
        {
            Twice(ref a[i]);
            Split(a[i], out parts[0], out parts[1]);
            r += a[i] + parts[0] * parts[1];
        }
        return r;
    }
}

public static partial class DiffSharpNestedHessian
{
    [Differentiable]
    public static double F(double[] x) => x[0] * x[0] * x[1] + Math.Sin(x[1]) * x[0];

    [Differentiable]
    public static double Cube(double x) => x * x * x;
}

/// <summary>Clad's functor tests: [Differentiable] instance methods of types that are not differentiable themselves.</summary>
public partial class CladExpression
{
    public double X = 3;

    [Differentiable]
    public double Call(double i, double j) => X * i * j;

    [Differentiable]
    public double Square(double i) => X * i * i;

    public (double, double) GradientOfCall(double i, double j) => Gradient(Call, i, j);   // bound to 'this'
}

public partial struct CladExpressionStruct
{
    public double X;

    [Differentiable]
    public double Call(double i, double j) => X * i * j;
}

public class CladAndDiffSharpPortRegressionTests
{
    [Fact]
    public void MethodGroupsOfInstanceMethodsWithADataReceiver()
    {
        // Was NotDifferentiableException at run time (instance methods are not registered).
        var e = new CladExpression();
        Assert.Equal((27.0, 21.0), Gradient(e.Call, 7.0, 9.0));
        Assert.Equal(42.0, Derivative(e.Square, 7.0));
        Assert.Equal(42.0, Gradient(e.Square, 7.0));
        Assert.Equal((7.0 * 7 * 3, 42.0), ValueWithGradient(e.Square, 7.0));
        Assert.Equal((27.0, 21.0), e.GradientOfCall(7.0, 9.0));
        e.X = 1;   // the receiver is read at each call
        Assert.Equal((9.0, 7.0), Gradient(e.Call, 7.0, 9.0));
        var s = new CladExpressionStruct { X = 3 };
        Assert.Equal((27.0, 21.0), Gradient(s.Call, 7.0, 9.0));
        Assert.Equal(27.0, Jvp(s.Call, 7.0, 9.0, 1.0, 0.0).Tangent);
    }

    [Fact]
    public void JvpInsideADifferentiatedLambda()
    {
        // DiffSharp's nested Hessian-vector product by reverse over forward (was NABLA0013 "Jvp inside a differentiated lambda").
        var x = new[] { 1.5, 2.0 };
        var v = new[] { 1.0, -1.0 };
        double[,] h = { { 2 * x[1], 2 * x[0] + Math.Cos(x[1]) }, { 2 * x[0] + Math.Cos(x[1]), -Math.Sin(x[1]) * x[0] } };
        double[] expected = { h[0, 0] * v[0] + h[0, 1] * v[1], h[1, 0] * v[0] + h[1, 1] * v[1] };
        var byVjp = Vjp(p => Jvp(DiffSharpNestedHessian.F, p, v).Tangent, x, 1.0);
        var byGradient = Gradient(p => Jvp(DiffSharpNestedHessian.F, p, v).Tangent, x);
        var byHvp = HessianVectorProduct(DiffSharpNestedHessian.F, x, v);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(expected[i], byVjp[i], 12);
            Assert.Equal(expected[i], byGradient[i], 12);
            Assert.Equal(expected[i], byHvp[i], 12);
        }
        Assert.Equal(6 * 3.0 * 2.0, Derivative(t => Jvp(DiffSharpNestedHessian.Cube, t, 2.0).Tangent, 3.0), 12);
        Assert.Equal(1.5 * Math.Exp(0.5), Derivative(t => Jvp(u => u * Math.Exp(u), t, 1.0).Value, 0.5), 12);
        Assert.Equal(Math.Exp(0.5) * (2 + 0.5), Derivative(t => Jvp(u => u * Math.Exp(u), t, 1.0).Tangent, 0.5), 12);
    }

    [Fact]
    public void ArrayElementsPassedByRefAndOut()
    {
        // a[i] → b = 2a[i]; r += b + (b/2)·b² = 2a + 4a³ per element.
        var a = new[] { 1.0, -2.0, 0.5 };
        var g = Gradient(CladRefElements.ByElement, (double[])a.Clone());   // the function doubles its input's elements
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(2 + 12 * a[i] * a[i], g[i], 12);
            var direction = new double[a.Length];
            direction[i] = 1;
            Assert.Equal(g[i], Jvp(CladRefElements.ByElement, (double[])a.Clone(), direction).Tangent, 12);
        }
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.4)]
    public void NestedDerivativesOfAVectorFunction(double x)
    {
        // DiffSharp's diff2/diffn of fscalarvect3 (was NABLA0013 inside the outer lambda).
        var second = Autodiff.Derivative(t => Autodiff.Derivative(DiffSharpCurves.Curve, t), x);
        Assert.Equal(-Math.Sin(x), second[0], 12);
        Assert.Equal(Math.Exp(x), second[1], 12);
        Assert.Equal(-2 * Math.Sin(x) - x * Math.Cos(x), second[2], 12);
        var third = Autodiff.Derivative(t => Autodiff.Derivative(u => Autodiff.Derivative(DiffSharpCurves.Curve, u), t), x);
        Assert.Equal(-Math.Cos(x), third[0], 12);
        Assert.Equal(Math.Exp(x), third[1], 12);
        Assert.Equal(-3 * Math.Cos(x) + x * Math.Sin(x), third[2], 12);
        var byLambda = Autodiff.Derivative(t => Autodiff.Derivative(u => new[] { u * u * u, Math.Log(u * u + 1) }, t), x);
        Assert.Equal(6 * x, byLambda[0], 12);
        Assert.Equal(2 * (1 - x * x) / ((x * x + 1) * (x * x + 1)), byLambda[1], 12);
    }

    [Fact]
    public void ConstructorsOfDataAlone()
    {
        // Was NABLA0002 ("mark the constructor [Differentiable]"), and NABLA0004 when marked: it has no differentiable parameter.
        Assert.Equal((8.0, 5.0), Gradient(CladConstructors.Overwritten, 1.0, 2.0));
        Assert.Equal(3 + 12 * 2.0, Derivative(CladConstructors.FromCount, 2.0));
        Assert.Equal(3 + 12 * 2.0, Gradient(CladConstructors.FromCount, 2.0));
        Assert.Equal(12.0, Hessian(CladConstructors.FromCount, 2.0));
        Assert.Equal(6.0, Gradient(CladConstructors.Initialized, 3.0));
    }

    [Fact]
    public void RuleWithASmallerWrtThanTheMethodItNames()
    {
        // The method's own derivatives follow the rule's Wrt (was NABLA0008 without a location).
        Assert.Equal(3.0, Gradient(y => CladRuleWins.Product(3, y), 5.0));
        Assert.Equal(3.0, Derivative(y => CladRuleWins.Product(3, y), 5.0));
        Assert.Equal(2 * 3 * 5.0, Gradient(CladRuleWins.Uses, 5.0));
    }

    [Fact]
    public void IndexersReadingData()
    {
        Assert.Equal(6.0, Gradient(x => CladIndexers.ByFirstLetter(x, "aa"), 3.0));
        Assert.Equal(0.0, Gradient(x => CladIndexers.ByFirstLetter(x, "ba"), 3.0));
        Assert.Equal(2.0, Hessian(x => CladIndexers.ByFirstLetter(x, "ab"), 3.0));
        var weights = new System.Collections.Generic.List<int> { 1, 2 };
        Assert.Equal(18.0, Gradient(x => CladIndexers.Weighted(x, weights), 3.0));
        Assert.Equal(18.0, Derivative(x => CladIndexers.Weighted(x, weights), 3.0));
    }

    [Theory]
    [InlineData(3.0)]
    [InlineData(-1.25)]
    public void CapturedStructWithAnArrayMember(double i)
    {
        // The captured receiver is data; its zero tangent was default(Tangent), whose array is null: NullReferenceException
        // in the callee's forward mode (Clad UserDefinedTypes fn5).
        var s = new CladUserType { Data = new[] { 5.0, 2.0 }, K = 3 };
        double expected = 2 * 5.0 * i + 3 * 2.0;
        Assert.Equal(expected, Gradient(x => s.M(x), i), 12);
        Assert.Equal(expected, Derivative(x => s.M(x), i), 12);
        Assert.Equal(expected, Vjp(x => s.M(x), i, 1.0), 12);
        var c = new CladUserClass { W = new[] { 4.0 } };
        Assert.Equal(8 * i, Gradient(x => c.M(x), i), 12);
        Assert.Equal(8 * i, Derivative(x => c.M(x), i), 12);
    }
}
