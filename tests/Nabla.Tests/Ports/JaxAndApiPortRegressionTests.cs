// Regressions found by porting JAX's autodiff tests (api_test, lax_autodiff_test, custom_api_test) and by programs
// written from API.md alone (session 19). Each checks against a closed form or the other mode.
using System;
using System.Linq;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

[Differentiable]
public partial struct PortBody
{
    public double X, V;
    [Differentiable] public double Energy() => X * V;
    [Differentiable] public double Scaled(double s) => s * X * X + V;
}

[Differentiable]
public partial class PortHolder
{
    public PortBody In;
}

/// <summary>A record class: its positional property is init-only, a constant left out of the Tangent (NABLA0011).</summary>
#pragma warning disable NABLA0011
[Differentiable]
public partial record class PortRecord(double A)
{
    public double W { get; set; }
}

[Differentiable]
public partial struct PortFixed
{
    public readonly double Scale;
    public double X;
    public PortFixed(double scale, double x) { Scale = scale; X = x; }
}
#pragma warning restore NABLA0011

public static class PortLibrary
{
    public static double Twice(double x) => 2 * x;
    public static double Square(double x) => x * x;
}

public static class PortLibraryRules
{
    /// <summary>A rule whose body and closure call a delegate (JAX's custom_vjp tests call functions in their rules).</summary>
    [DerivativeOf(typeof(PortLibrary), nameof(PortLibrary.Twice))]
    public static (double Value, Func<double, double> Pullback) Twice(double x)
    {
        Func<double, double> scale = v => 2 * v;
        return (scale(x), g => scale(g));
    }

    /// <summary>A method group as a delegate in a rule's body.</summary>
    [DerivativeOf(typeof(PortLibrary), nameof(PortLibrary.Square))]
    public static (double Value, Func<double, double> Pullback) Square(double x)
    {
        Func<double, double> twice = PortLibrary.Twice;
        return (PortLibrary.Square(x), g => twice(x) * g);
    }
}

public static partial class PortFunctions
{
    [Differentiable] public static double EnergyOf(PortBody p) => p.X * p.V;

    /// <summary>An array element passed straight to an inlined function, and a method called on one.</summary>
    [Differentiable] public static double OfElement(PortBody[] ps) => EnergyOf(ps[0]) + ps[1].Energy() + ps[1].Scaled(3);

    /// <summary>A method called on a struct member of a class.</summary>
    [Differentiable] public static double OfMember(PortHolder h) => h.In.Energy();

    [Differentiable] public static double Delegates(double x) => PortLibrary.Square(x) + PortLibrary.Twice(x);

    [Differentiable] public static double OfRecord(PortRecord r) => r.W * r.W * r.A;

    [Differentiable] public static double OfFixed(PortFixed f) => f.Scale * f.X * f.X;

    [Differentiable] public static double OfBody(PortBody v) => v.X * v.X + v.V;

    [Differentiable]
    public static T Softplus<T>(T x) where T : System.Numerics.IFloatingPointIeee754<T> => T.Log(T.One + T.Exp(x));

    /// <summary>LINQ reductions of an active array (Zygote's gradcheck "sum", logsumexp with x.Max()).</summary>
    [Differentiable] public static double Reductions(double[] v) => v[0] + v.Sum() + v.Average() * v.Max() - v.Min();

    [Differentiable] public static float ReductionsF(float[] v) => v.Sum() * v[0] + v.Max();

    [Differentiable]
    public static double LogSumExp(double[] x)
    {
        double m = x.Max();
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += Math.Exp(x[i] - m);
        return m + Math.Log(s);
    }

    /// <summary>A copy and a sum, through second derivatives (JAX testScanGrad at order 2 copies its carry).</summary>
    [Differentiable]
    public static double CopyAndSum(double[] x0)
    {
        var x = (double[])x0.Clone();
        return x[0] * x[0] * x[1] + x.Sum() * x.Sum();
    }

    /// <summary>Mutual recursion (each one's residuals would hold the other's: was CS0523 in generated code).</summary>
    [Differentiable] public static double EvenPower(double x, int n) => n == 0 ? 1 : x * OddPower(x, n - 1);
    [Differentiable] public static double OddPower(double x, int n) => n == 0 ? x : x * EvenPower(x, n - 1);

    /// <summary>A LINQ copy of an active array (was a silent zero).</summary>
    [Differentiable] public static double CopyWithToArray(double[] a) { var b = a.ToArray(); b[0] *= 3; return b[0] * b[1]; }

    /// <summary>A bump with 'with' (was a copy aliased to its source: the value and the derivative were wrong).</summary>
    [Differentiable] public static double Bumped(PortBody m) { var up = m with { X = m.X + 1 }; return up.X * m.X + up.V; }

    [Differentiable] public static float WithVector(System.Numerics.Vector3 v) { var w = v with { X = 2 * v.X }; return w.X + v.X; }

    /// <summary>A minibatch-like loss: a local array written twice per pass, the same weight read in every pass.</summary>
    [Differentiable]
    public static double TwiceWritten(double[] w)
    {
        double total = 0;
        var t = new double[2];
        for (int n = 0; n < 2; n++)
        {
            for (int k = 0; k < 2; k++) t[k] = w[k];
            for (int k = 0; k < 2; k++) t[k] += w[k];
            total += t[0] * t[1] + w[0] * w[0];
        }
        return total;
    }

    [Differentiable] public static double FromTheEnd(double[] x) { var y = new double[3]; y[^1] = x[0] * x[1]; y[^2] += x[^1]; return y[^1] * y[1] + x[^3]; }

    [JvpOf(nameof(OfBody))]
    public static partial (double Value, double Tangent) OfBodyJvp(PortBody v, PortBody.Tangent dv);
}

public class JaxAndApiPortRegressionTests
{
    [Fact]
    public void StructArrayElementsPassedToInlinedMethods_GetTheirAdjoints()
    {
        // Was a zero gradient: the element's member adjoints were read before the inlined callee's block made them.
        var ps = new[] { new PortBody { X = 1, V = 2 }, new PortBody { X = 3, V = 5 } };
        var (value, g) = PortFunctions.OfElement_ValueWithGradient(ps);
        Assert.Equal(2 + 15 + 27 + 5, value);
        Assert.Equal(2, g[0].X);
        Assert.Equal(1, g[0].V);
        Assert.Equal(5 + 6 * 3, g[1].X);
        Assert.Equal(3 + 1, g[1].V);
        var (_, t) = PortFunctions.OfElement_Jvp(ps, new[] { new PortBody.Tangent { X = 1 }, new PortBody.Tangent { V = 1 } });
        Assert.Equal(g[0].X + g[1].V, t);
    }

    [Fact]
    public void StructMemberOfAClass_GetsItsAdjoint()
    {
        var h = new PortHolder { In = new PortBody { X = 3, V = 2 } };
        var g = Gradient(PortFunctions.OfMember, h);
        Assert.Equal(2, g.In.X);
        Assert.Equal(3, g.In.V);
    }

    [Fact]
    public void InitOnlyAndReadonlyMembers_AreConstants()
    {
        // Was CS0117 in generated code: derivatives wrote the Tangent member the synthesized Tangent leaves out.
        var g = Gradient(PortFunctions.OfRecord, new PortRecord(2) { W = 3 });
        Assert.Equal(12, g.W);
        var f = new PortFixed(5, 1.5);
        Assert.Equal(15, Gradient(PortFunctions.OfFixed, f).X);
    }

    [Fact]
    public void JvpOfAStructFunction_TakesItsTangent()
    {
        var (value, tangent) = PortFunctions.OfBodyJvp(new PortBody { X = 2, V = 3 }, new PortBody.Tangent { X = 1, V = 1 });
        Assert.Equal(7, value);
        Assert.Equal(5, tangent);
    }

    [Fact]
    public void GenericMathMethodGroup_IsBound()
    {
        // Was NotDifferentiableException: a method group written Softplus<double> was not seen as one.
        double sigmoid = 1 / (1 + Math.Exp(-0.3));
        Assert.Equal(sigmoid, Gradient(PortFunctions.Softplus<double>, 0.3), 14);
        Assert.Equal((float)sigmoid, Derivative(PortFunctions.Softplus<float>, 0.3f), 6);
    }

    [Fact]
    public void LinqReductionsOfArrays_HaveTheirDerivatives()
    {
        // Was a silent zero: a.Sum() took the array as an IEnumerable. Max's tie (3, 3) splits evenly.
        var x = new[] { 1.0, 2.0, 3.0, 3.0 };
        var g = Gradient(PortFunctions.Reductions, x);
        double mean = x.Average(), max = 3;
        Assert.Equal(new[] { 1 + 1 + max / 4 - 1, 1 + max / 4, 1 + max / 4 + mean / 2, 1 + max / 4 + mean / 2 }, g);
        var (_, t) = Jvp(PortFunctions.Reductions, new[] { 1.0, 2.0, 3.0, 3.5 }, new[] { 0.0, 0.0, 0.0, 1.0 });
        Assert.Equal(1 + 0.25 * 3.5 + (1 + 2 + 3 + 3.5) / 4, t, 12);
        var gf = Gradient(PortFunctions.ReductionsF, new[] { 1f, 2f });
        Assert.Equal(new[] { 3f + 1f, 1f + 1f }, gf);
        var y = new[] { 0.1, 0.5, -0.3 };
        var softmax = y.Select(v => Math.Exp(v - PortFunctions.LogSumExp(y))).ToArray();
        var gl = Gradient(PortFunctions.LogSumExp, y);
        for (int i = 0; i < y.Length; i++) Assert.Equal(softmax[i], gl[i], 14);
    }

    [Fact]
    public void CopiesAndSums_HaveSecondDerivatives()
    {
        // x0²x1 + (x0 + x1)²: H = [[2x1 + 2, 2x0 + 2], [2x0 + 2, 2]].
        var h = Hessian(PortFunctions.CopyAndSum, new[] { 1.5, 2.0 });
        Assert.Equal(6, h[0, 0], 12);
        Assert.Equal(5, h[0, 1], 12);
        Assert.Equal(5, h[1, 0], 12);
        Assert.Equal(2, h[1, 1], 12);
    }

    [Fact]
    public void MutuallyRecursiveMethods_HaveTheirDerivatives()
    {
        // EvenPower(x, 5) = x · OddPower(x, 4) = … = x⁵ · OddPower(x, 0) = x⁶, through six alternating calls.
        var (value, pullback) = ValueWithPullback(x => PortFunctions.EvenPower(x, 5), 1.5);
        Assert.Equal(Math.Pow(1.5, 6), value, 12);
        Assert.Equal(6 * Math.Pow(1.5, 5), pullback(1.0), 12);
        var (_, pb) = PortFunctions.OddPower_ValueWithPullback(1.5, 4);
        Assert.Equal(5 * Math.Pow(1.5, 4), pb(1.0), 12);
    }

    [Fact]
    public void ToArrayCopy_CarriesTheDerivative()
    {
        var g = Gradient(PortFunctions.CopyWithToArray, new[] { 1.0, 2.0 });
        Assert.Equal(new[] { 6.0, 3.0 }, g);
    }

    [Fact]
    public void WithExpressions_CopyTheirSource()
    {
        var m = new PortBody { X = 100, V = 0.5 };
        var (value, g) = ValueWithGradient(PortFunctions.Bumped, m);
        Assert.Equal(PortFunctions.Bumped(m), value);
        Assert.Equal(201, g.X);
        Assert.Equal(1, g.V);
        Assert.Equal(3f, Gradient(PortFunctions.WithVector, new System.Numerics.Vector3(1, 0, 0)).X);
    }

    [Fact]
    public void JacobianOfAGradient_ThroughLoopsOverLocalArrays()
    {
        // L = Σₙ (2w₀)(2w₁) + w₀² over two passes = 8 w₀w₁ + 2w₀²: H = [[4, 8], [8, 0]]. Was all zeros (the first
        // derivative's loops were outlined into methods without derivatives) or NABLA0001 naming Speculative.Load.
        var w = new[] { 0.2, 0.3 };
        var h = Hessian(PortFunctions.TwiceWritten, w);
        foreach (var j in new[] { JacobianForward(p => Gradient(PortFunctions.TwiceWritten, p), w), JacobianReverse(p => Gradient(PortFunctions.TwiceWritten, p), w) })
            for (int r = 0; r < 2; r++)
                for (int c = 0; c < 2; c++)
                {
                    Assert.Equal(h[r, c], j[r, c], 12);
                    Assert.Equal(new[,] { { 4.0, 8.0 }, { 8.0, 0.0 } }[r, c], j[r, c], 12);
                }
    }

    [Fact]
    public void IndicesFromTheEndOfArrays()
    {
        // y = [0, x₂, x₀x₁]: y[^1]·y[1] + x₀ = x₀x₁x₂ + x₀.
        var g = Gradient(PortFunctions.FromTheEnd, new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(new[] { 2 * 3 + 1.0, 1 * 3.0, 1 * 2.0 }, g);
    }

    [Fact]
    public void LambdaCallingALambdaItCaptures()
    {
        // Issue 5: lambdas calling other lambdas. A self-contained lambda in a local assigned once is written again
        // inside the differentiated lambda and inlined there (was NABLA0013 "calls a function it captures").
        Func<double, double> square = t => t * t;
        Func<double, double> softplus = t => Math.Log(1 + Math.Exp(t));
        double k = 3;
        Assert.Equal(12, Derivative(x => square(x) * x, 2.0), 14);
        double y = softplus(0.5);
        Assert.Equal(2 * y / (1 + Math.Exp(-0.5)) * k, Gradient(x => { var s = softplus(x); return square(s) * k; }, 0.5), 14);
    }

    [Fact]
    public void ZeroTangent_OfEveryDifferentiableShape()
    {
        Assert.Equal(System.Numerics.Vector3.Zero, ZeroTangent(new System.Numerics.Vector3(1, 2, 3)));
        var body = ZeroTangent(new PortBody { X = 1, V = 2 });
        Assert.Equal(new PortBody.Tangent(), body);
        var matrix = ZeroTangent(new double[2, 3]);
        Assert.Equal(2, matrix.GetLength(0));
        Assert.Equal(3, matrix.GetLength(1));
        var jagged = ZeroTangent(new[] { new double[2], new double[5] });
        Assert.Equal(5, jagged[1].Length);
        var (a, b) = ZeroTangent((1.5, new[] { 1.0, 2.0 }));
        Assert.Equal(0, a);
        Assert.Equal(new double[2], b);
    }

    [Fact]
    public void RulesCallingDelegates_Compile_AndAreUsed()
    {
        // x² + 2x: 2x + 2.
        Assert.Equal(2 * 1.5 + 2, Derivative(PortFunctions.Delegates, 1.5), 14);
        Assert.Equal(2.0, Gradient(PortLibrary.Twice, 4.0));
    }

    [Fact]
    public void NestedDerivativeOfPowWithAConstantNegativeBase_IsFinite()
    {
        // JAX testOpGrad, pow at order 2: d²/dx² x³ = 6x at x = −1.2 (∂/∂y of x^y is NaN there, times a zero tangent).
        Assert.Equal(-7.2, Derivative(z => Derivative(t => Math.Pow(t, 3), z), -1.2), 12);
        Assert.Equal(-7.2, Gradient(z => Derivative(t => Math.Pow(t, 3), z), -1.2), 12);
        Assert.Equal(-7.2f, Derivative(z => Derivative(t => MathF.Pow(t, 3), z), -1.2f), 4);
    }

    [Fact]
    public void PowHessianAtZeroExponent_IsSymmetric()
    {
        // JAX testPowSecondDerivative: at (4, 0), ∂²/∂x∂y x^y = x^(y−1)(1 + y ln x) = 1/4.
        var h = Hessian(v => Math.Pow(v[0], v[1]), new[] { 4.0, 0.0 });
        Assert.Equal(0, h[0, 0]);
        Assert.Equal(0.25, h[0, 1], 14);
        Assert.Equal(0.25, h[1, 0], 14);
        Assert.Equal(Math.Log(4) * Math.Log(4), h[1, 1], 12);
        var j = JacobianForward(v => Gradient(u => Math.Pow(u[0], u[1]), v), new[] { 4.0, 0.0 });
        Assert.Equal(0.25, j[0, 1], 14);
        Assert.Equal(0.25, j[1, 0], 14);
        // Pow(0, 0) keeps its zero derivatives.
        Assert.Equal((0.0, 0.0), Gradient((double p, double q) => Math.Pow(p, q), 0.0, 0.0));
    }

    [Fact]
    public void StopGradientInsideANestedDerivative_CutsTheOuterOneToo()
    {
        // JAX testStopGradient: grad(grad(sin x · cos(stop x))) = −sin x · cos x, as Nabla's Hessian gives.
        double x = 3.14;
        double expected = -Math.Sin(x) * Math.Cos(x);
        Assert.Equal(expected, Derivative(z => Derivative(v => Math.Sin(v) * Math.Cos(WithoutDerivative(v)), z), x), 14);
        Assert.Equal(expected, Hessian(v => Math.Sin(v[0]) * Math.Cos(WithoutDerivative(v[0])), new[] { x })[0, 0], 14);
    }

    [Fact]
    public void HessianOfRemainder()
    {
        // JAX testRemainder at order 2: x % y is piecewise linear, its Hessian zero (was NABLA0013 naming Math.Truncate).
        var h = Hessian(v => v[0] % v[1] * v[0], new[] { 5.3, 1.7 });
        // d/dx (x % y)·x = (x % y) + x; second derivatives: ∂²/∂x² = 2, ∂²/∂x∂y = −trunc(x/y) = −3, ∂²/∂y² = 0.
        Assert.Equal(2, h[0, 0], 12);
        Assert.Equal(-3, h[0, 1], 12);
        Assert.Equal(-3, h[1, 0], 12);
        Assert.Equal(0, h[1, 1], 12);
    }
}

public static partial class PrivateHessians
{
    [Differentiable] private static double Product(double[] v) => v[0] * v[0] * v[1];

    /// <summary>A private method group's Hessian, written beside it for the call site (was NotDifferentiableException).</summary>
    public static double[,] Of(double[] x) => Hessian(Product, x);
}

public class PrivateHessianTests
{
    [Fact]
    public void PrivateMethodGroupHessian()
    {
        var h = PrivateHessians.Of(new[] { 2.0, 3.0 });
        Assert.Equal(new[,] { { 6.0, 4.0 }, { 4.0, 0.0 } }, h);
    }
}
