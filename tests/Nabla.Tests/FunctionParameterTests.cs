// [Differentiable] delegate parameters (API.md §6): a method taking a function, called in differentiable code with a
// lambda or a method group, is differentiated with that function (inlined where it is called), including derivatives
// with respect to values the lambda captures; checked against closed forms, finite differences and forward vs reverse.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static partial class FunctionParameterCode
{
    [Differentiable]
    public static double ApplyTwice([Differentiable] Func<double, double> f, double x) => f(f(x));

    [Differentiable]
    public static double Square(double t) => t * t;

    /// <summary>The midpoint rule for ∫ f over [a, b] with n panels: a loop calling the function.</summary>
    [Differentiable]
    public static double Integrate([Differentiable] Func<double, double> f, double a, double b, int n)
    {
        double h = (b - a) / n;
        double s = 0;
        for (int i = 0; i < n; i++)
            s += f(a + (i + 0.5) * h);
        return s * h;
    }

    /// <summary>A function of two inputs applied along an array, with a branch around the call.</summary>
    [Differentiable]
    public static double FoldPositive([Differentiable] Func<double, double, double> combine, double[] xs, double start)
    {
        double acc = start;
        foreach (var x in xs)
            if (x > 0) acc = combine(acc, x);
        return acc;
    }

    /// <summary>A method passing its function on to another.</summary>
    [Differentiable]
    public static double IntegrateTwice([Differentiable] Func<double, double> f, double x) => Integrate(f, 0, x, 8) + ApplyTwice(f, x);

    // Callers, each a plain [Differentiable] method whose derivatives tests read by name.

    [Differentiable]
    public static double SinTwice(double x) => ApplyTwice(Math.Sin, x);

    [Differentiable]
    public static double SquareTwice(double x) => ApplyTwice(Square, x);

    /// <summary>∫₀¹ sin(k t) dt: the lambda captures the input k.</summary>
    [Differentiable]
    public static double SinIntegral(double k) => Integrate(t => Math.Sin(k * t), 0, 1, 200);

    /// <summary>A block-bodied lambda capturing two inputs, one of them also an integration bound.</summary>
    [Differentiable]
    public static double Weighted(double w, double b) => Integrate(t =>
    {
        double e = Math.Exp(-w * t);
        return e * t;
    }, 0, b, 64);

    [Differentiable]
    public static double SoftSum(double[] xs, double temperature) =>
        FoldPositive((acc, x) => acc + Math.Log(1 + Math.Exp(x / temperature)) * temperature, xs, 0.0);

    [Differentiable]
    public static double Chained(double k) => IntegrateTwice(t => k * t * t, k);

    [Differentiable]
    public static float ApplyF([Differentiable] Func<float, float> f, float x) => f(x) + x;

    /// <summary>Lambdas made in a loop, each capturing that iteration's weight: Σ wᵢ·tanh(wᵢ x).</summary>
    [Differentiable]
    public static double LoopOfLambdas(double[] w, double x)
    {
        double s = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double wi = w[i];
            s += ApplyTwice(t => wi * Math.Tanh(t), x) - ApplyTwice(Math.Tanh, x) * 0;
        }
        return s;
    }

    [Differentiable]
    public static double ReduceArray([Differentiable] Func<double[], double> f, double[] v) => f(v) * 2;

    /// <summary>A lambda over an array, and a static local function as a method group.</summary>
    [Differentiable]
    public static double ArrayAndLocal(double[] v)
    {
        [Differentiable]
        static double Cube(double t) => t * t * t;

        return ReduceArray(a => a[0] * a[1] + Math.Exp(a[2]), v) + ApplyTwice(Cube, v[0]);
    }

    [Differentiable]
    public static float FloatCaller(float x, float c) => ApplyF(t => MathF.Sin(c * t), x);

    /// <summary>A lambda in a local assigned once, then called directly.</summary>
    [Differentiable]
    public static double LocalLambda(double x, double c)
    {
        Func<double, double> g = t => c * t * t;
        return g(x) + g(2 * x);
    }
}

public class FunctionParameterTests
{
    private static double Fd(Func<double, double> f, double x, double h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

    [Theory]
    [InlineData(0.3)]
    [InlineData(-1.4)]
    public void MethodGroups_MatchTheChainRule(double x)
    {
        var (value, gradient) = FunctionParameterCode.SinTwice_ValueWithGradient(x);
        Assert.Equal(Math.Sin(Math.Sin(x)), value, 14);
        Assert.Equal(Math.Cos(Math.Sin(x)) * Math.Cos(x), gradient, 13);
        Assert.Equal(gradient, FunctionParameterCode.SinTwice_Jvp(x, 1).Tangent, 13);
        // (x²)² = x⁴
        Assert.Equal(4 * x * x * x, FunctionParameterCode.SquareTwice_ValueWithGradient(x).Gradient, 12);
        Assert.Equal(12 * x * x, Derivative(t => Derivative(FunctionParameterCode.SquareTwice, t), x), 10);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(2.5)]
    public void CapturedInput_IsDifferentiatedThroughTheLambda(double k)
    {
        // Midpoint sum of sin(k t): differentiate the sum itself (closed form of the discretization).
        int n = 200;
        double h = 1.0 / n, expected = 0;
        for (int i = 0; i < n; i++) { double t = (i + 0.5) * h; expected += t * Math.Cos(k * t) * h; }
        var (value, gradient) = FunctionParameterCode.SinIntegral_ValueWithGradient(k);
        Assert.Equal((1 - Math.Cos(k)) / k, value, 4);
        Assert.Equal(expected, gradient, 12);
        Assert.Equal(expected, FunctionParameterCode.SinIntegral_Jvp(k, 1).Tangent, 12);
        Assert.Equal(expected, Gradient(FunctionParameterCode.SinIntegral, k), 12);
    }

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(1.3, 2.2)]
    public void BlockLambda_TwoCapturedInputs(double w, double b)
    {
        var (_, (dw, db)) = FunctionParameterCode.Weighted_ValueWithGradient(w, b);
        Assert.Equal(Fd(v => FunctionParameterCode.Weighted(v, b), w), dw, 7);
        Assert.Equal(Fd(v => FunctionParameterCode.Weighted(w, v), b), db, 7);
        Assert.Equal(dw, FunctionParameterCode.Weighted_Jvp(w, b, 1, 0).Tangent, 12);
        Assert.Equal(db, FunctionParameterCode.Weighted_Jvp(w, b, 0, 1).Tangent, 12);
    }

    [Fact]
    public void TwoInputFunction_InALoopWithABranch()
    {
        double[] xs = { 0.4, -1.0, 1.7, 0.0, 2.2 };
        double temperature = 0.8;
        var (value, (dxs, dT)) = FunctionParameterCode.SoftSum_ValueWithGradient(xs, temperature);
        double expected = 0;
        foreach (var x in xs) if (x > 0) expected += Math.Log(1 + Math.Exp(x / temperature)) * temperature;
        Assert.Equal(expected, value, 13);
        for (int i = 0; i < xs.Length; i++)
        {
            double expectedDx = xs[i] > 0 ? 1 / (1 + Math.Exp(-xs[i] / temperature)) : 0;
            Assert.Equal(expectedDx, dxs[i], 12);
        }
        Assert.Equal(Fd(t => FunctionParameterCode.SoftSum(xs, t), temperature), dT, 7);
    }

    [Theory]
    [InlineData(0.6)]
    [InlineData(1.9)]
    public void FunctionPassedOn_ToAnotherMethod(double k)
    {
        var gradient = Gradient(FunctionParameterCode.Chained, k);
        Assert.Equal(Fd(FunctionParameterCode.Chained, k), gradient, 6);
        Assert.Equal(gradient, FunctionParameterCode.Chained_Jvp(k, 1).Tangent, 12);
    }

    [Fact]
    public void LambdasMadeInALoop_EachWithItsOwnCapture()
    {
        double[] w = { 0.5, -1.2, 2.0 };
        double x = 0.4;
        var (value, (dw, dx)) = FunctionParameterCode.LoopOfLambdas_ValueWithGradient(w, x);
        double expected = 0, expectedDx = 0;
        var expectedDw = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            // f(t) = w tanh t applied twice: w tanh(w tanh x)
            double inner = w[i] * Math.Tanh(x), sech2Inner = 1 - Math.Tanh(inner) * Math.Tanh(inner), sech2X = 1 - Math.Tanh(x) * Math.Tanh(x);
            expected += w[i] * Math.Tanh(inner);
            expectedDx += w[i] * sech2Inner * w[i] * sech2X;
            expectedDw[i] = Math.Tanh(inner) + w[i] * sech2Inner * Math.Tanh(x);
        }
        Assert.Equal(expected, value, 13);
        Assert.Equal(expectedDx, dx, 12);
        for (int i = 0; i < w.Length; i++) Assert.Equal(expectedDw[i], dw[i], 12);
    }

    [Fact]
    public void ArrayLambda_AndALocalFunctionAsMethodGroup()
    {
        double[] v = { 0.3, -0.8, 0.5 };
        var (value, g) = FunctionParameterCode.ArrayAndLocal_ValueWithGradient(v);
        Assert.Equal(2 * (v[0] * v[1] + Math.Exp(v[2])) + Math.Pow(v[0], 9), value, 13);
        Assert.Equal(2 * v[1] + 9 * Math.Pow(v[0], 8), g[0], 12);
        Assert.Equal(2 * v[0], g[1], 12);
        Assert.Equal(2 * Math.Exp(v[2]), g[2], 12);
    }

    [Fact]
    public void FloatFunctions()
    {
        float x = 0.7f, c = 1.3f;
        var (_, (dx, dc)) = FunctionParameterCode.FloatCaller_ValueWithGradient(x, c);
        Assert.Equal(c * MathF.Cos(c * x) + 1, dx, 5);
        Assert.Equal(x * MathF.Cos(c * x), dc, 5);
    }

    [Theory]
    [InlineData(0.5, 1.5)]
    [InlineData(-2.0, 0.3)]
    public void LambdaInALocal(double x, double c)
    {
        // c x² + 4 c x² = 5 c x²
        var (value, (dx, dc)) = FunctionParameterCode.LocalLambda_ValueWithGradient(x, c);
        Assert.Equal(5 * c * x * x, value, 13);
        Assert.Equal(10 * c * x, dx, 12);
        Assert.Equal(5 * x * x, dc, 12);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(-0.4)]
    public void InlineLambdaAtAnOperator_CallsAMethodTakingAFunction(double x)
    {
        double k = 1.7;
        // ApplyTwice(t => k t², x) = k (k x²)² = k³ x⁴
        Assert.Equal(4 * k * k * k * x * x * x, Gradient(v => FunctionParameterCode.ApplyTwice(t => k * t * t, v), x), 11);
        Assert.Equal(12 * k * k * k * x * x, Derivative(v => Derivative(u => FunctionParameterCode.ApplyTwice(t => k * t * t, u), v), x), 9);
        // Perturbations stay apart: d/dx [ApplyTwice(t => x + t, 1)] = d/dx (2x + 1) = 2.
        Assert.Equal(2.0, Derivative(v => FunctionParameterCode.ApplyTwice(t => v + t, 1.0), x), 13);
        Assert.Equal(24 * k * k * k * x * x, Hessian(v => FunctionParameterCode.ApplyTwice(t => k * t * t, v) * 2, x), 9);
    }
}

/// <summary>Methods that are not [Differentiable] but take a [Differentiable] function and differentiate it themselves.</summary>
public static class Solvers
{
    /// <summary>Newton's method: the derivative of the function it is given, by Autodiff.Derivative at run time.</summary>
    public static double Newton([Differentiable] Func<double, double> f, double x0, int steps = 30)
    {
        double x = x0;
        for (int i = 0; i < steps; i++)
        {
            var (value, slope) = Jvp(f, x, 1.0);
            x -= value / slope;
        }
        return x;
    }

    /// <summary>Gradient descent on a function of an array.</summary>
    public static double[] Descend([Differentiable] Func<double[], double> loss, double[] start, double rate, int steps)
    {
        var x = (double[])start.Clone();
        for (int s = 0; s < steps; s++)
        {
            var g = Gradient(loss, x);
            for (int i = 0; i < x.Length; i++) x[i] -= rate * g[i];
        }
        return x;
    }
}

/// <summary>[Differentiable] methods that also differentiate the function they are given (DiffSharp's nested minimizer).</summary>
public static partial class DifferentiableSolvers
{
    [Differentiable]
    public static double ValuePlusSlope([Differentiable] Func<double, double> f, double x)
    {
        var (value, slope) = ValueWithGradient(f, x);
        return value + slope;
    }

    [Differentiable]
    public static double Bowl(double y) => (y - 0.81) * (y - 0.81) * 100 + 0.01;
}

public sealed class Calibrator
{
    public double Target { get; init; }

    /// <summary>An instance method taking a function.</summary>
    public double Slope([Differentiable] Func<double, double> f, double at) => Derivative(f, at) - Target;
}

public class FunctionArgumentRegistrationTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(5.0)]
    public void LambdaPassedToASolver_HasItsDerivativesAtRunTime(double a)
    {
        // The lambda captures a: read at each call (a different root per a).
        Assert.Equal(Math.Sqrt(a), Solvers.Newton(x => x * x - a, 1.0), 12);
        Assert.Equal(Math.Cbrt(a), Solvers.Newton(x => { double c = x * x * x; return c - a; }, 1.0), 12);
    }

    [Fact]
    public void ArrayLambdaPassedToGradientDescent()
    {
        double[] center = { 1.0, -2.0, 0.5 };
        var x = Solvers.Descend(v =>
        {
            double s = 0;
            for (int i = 0; i < v.Length; i++) s += (v[i] - center[i]) * (v[i] - center[i]);
            return s;
        }, new double[3], 0.25, 60);
        for (int i = 0; i < 3; i++) Assert.Equal(center[i], x[i], 10);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(-0.3)]
    public void LambdaPassedToADifferentiableMethodThatDifferentiatesIt(double x)
    {
        // A [Differentiable] method called outside differentiable code runs its body, whose operator needs the lambda's
        // derivatives at run time (was NotDifferentiableException; the method group worked).
        double expected = DifferentiableSolvers.Bowl(x) + 200 * (x - 0.81);
        Assert.Equal(expected, DifferentiableSolvers.ValuePlusSlope(DifferentiableSolvers.Bowl, x), 12);
        Assert.Equal(expected, DifferentiableSolvers.ValuePlusSlope(y => (y - 0.81) * (y - 0.81) * 100 + 0.01, x), 12);
        double scale = 3;
        Assert.Equal(scale * expected, DifferentiableSolvers.ValuePlusSlope(y => scale * DifferentiableSolvers.Bowl(y), x), 12);
    }

    [Fact]
    public void MethodGroupAndInstanceMethod()
    {
        Assert.Equal(Math.PI, Solvers.Newton(Math.Sin, 3.0), 12);
        var c = new Calibrator { Target = 1.0 };
        Assert.Equal(3 * 4.0 - 1.0, c.Slope(t => t * t * t, 2.0), 12);
    }
}

public static class VectorSolvers
{
    /// <summary>The Jacobian of a vector function it is given, by reverse mode at run time.</summary>
    public static double[,] JacobianOf([Differentiable] Func<double[], double[]> f, double[] x) => JacobianReverse(f, x);
}

public class VectorFunctionArgumentTests
{
    [Fact]
    public void VectorLambda_ItsJacobian()
    {
        double k = 3.0;
        var j = VectorSolvers.JacobianOf(v => new[] { v[0] * v[1], k * Math.Sin(v[0]) }, new[] { 0.5, 2.0 });
        Assert.Equal(2.0, j[0, 0], 14);
        Assert.Equal(0.5, j[0, 1], 14);
        Assert.Equal(k * Math.Cos(0.5), j[1, 0], 14);
        Assert.Equal(0.0, j[1, 1], 14);
    }
}
