// Inline lambdas passed to the differential operators (issue 5 §1): expression and block bodies, captured
// locals, parameters, fields and `this`, static lambdas, lambdas calling [Differentiable] methods; every
// derivative checked against a closed form or the method-group form, and captures read at each call.
using System;
using System.Linq;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Lambdas;

public static partial class LambdaModels
{
    [Differentiable]
    public static double Energy(double[] q, [NoDerivative] double[] k)
    {
        double e = 0;
        for (int i = 1; i < q.Length; i++)
        {
            double d = q[i] - q[i - 1];
            e += d > 0 ? k[i] * d * d : 0.5 * k[i] * d * d;
        }
        return e;
    }

    [Differentiable]
    public static double Square(double x) => x * x;

    /// <summary>Read by lambdas in a type that is not partial: generated code reaches it because it is internal.</summary>
    internal static double Offset = 0.25;
}

public class LambdaTests
{
    static void Close(double expected, double actual, double tolerance = 1e-12) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void ExpressionLambda_NoCaptures()
    {
        Close(12.0, Gradient(x => x * x * x, 2.0));
        var (v, g) = ValueWithGradient(x => Math.Sin(x) * x, 0.7);
        Close(Math.Sin(0.7) * 0.7, v);
        Close(Math.Cos(0.7) * 0.7 + Math.Sin(0.7), g);
        Close(1 - Math.Tanh(0.5) * Math.Tanh(0.5), Derivative(x => Math.Tanh(x), 0.5));
    }

    [Fact]
    public void StaticLambda_AndFloat()
    {
        Close(6.0, Gradient(static x => 3 * x * x, 1.0));
        Assert.Equal(2f * 1.5f, Gradient((float x) => x * x, 1.5f));
    }

    [Fact]
    public void CapturedLocal_IsReadAtEachCall()
    {
        double k = 2;
        for (int i = 0; i < 3; i++)
        {
            Close(k * Math.Cos(1.0), Gradient(x => k * Math.Sin(x), 1.0));
            k += 1.5;
        }
        // A capture changed after the delegate exists is still read when the operator runs.
        double scale = 1;
        Func<double, double> f = null!;
        double Run() => Gradient(x => scale * x * x, 3.0);
        Close(6.0, Run());
        scale = 10;
        Close(60.0, Run());
        _ = f;
    }

    [Fact]
    public void CapturedParameterAndArray_CallingADifferentiableMethod()
    {
        double[] q0 = { 0.1, 0.5, 0.2, 0.9 };
        double[] k = { 0, 1, 2, 3 };
        AssertEnergy(q0, k);
    }

    static void AssertEnergy(double[] q0, double[] k)
    {
        var (e, dq) = ValueWithGradient(q => LambdaModels.Energy(q, k), q0);
        var (e2, dq2) = LambdaModels.Energy_ValueWithGradient(q0, k);
        Close(e2, e);
        Assert.Equal(dq2, dq);
    }

    [Fact]
    public void TwoInputs_TupleOfCotangents()
    {
        double c = 3;
        var (dx, dy) = Gradient((x, y) => x * y + c * Math.Exp(x), 1.0, 2.0);
        Close(2 + 3 * Math.E, dx);
        Close(1.0, dy);
        var (v, (gx, gy)) = ValueWithGradient((x, y) => x / y, 3.0, 2.0);
        Close(1.5, v);
        Close(0.5, gx);
        Close(-0.75, gy);
    }

    [Fact]
    public void BlockBody_WithLoopAndBranch()
    {
        int n = 5;
        double g = Gradient(x =>
        {
            double acc = 0;
            for (int i = 1; i <= n; i++)
            {
                if (i % 2 == 0) acc += x * i;
                else acc -= x * x;
            }
            return acc;
        }, 1.5);
        // acc = x(2+4) − 3x² → 6 − 6x
        Close(6 - 6 * 1.5, g);
    }

    [Fact]
    public void ForwardModeOperators()
    {
        double a = 2;
        var (v, t) = Jvp(x => a * x * x, 3.0, 0.5);
        Close(18, v);
        Close(2 * a * 3 * 0.5, t);
        var (v2, differential) = ValueWithDifferential((x, y) => x * y * a, 2.0, 5.0);
        Close(20, v2);
        Close(a * (5 * 1 + 2 * 0.1), differential(1, 0.1));
        var (v3, t3) = Jvp((x, y) => x * Math.Sin(y), 2.0, 0.3, 1.0, 2.0);
        Close(2 * Math.Sin(0.3), v3);
        Close(Math.Sin(0.3) + 2 * Math.Cos(0.3) * 2.0, t3);
    }

    [Fact]
    public void ReverseModeOperators()
    {
        double a = -1.5;
        var (v, pullback) = ValueWithPullback(x => a * x * x * x, 2.0);
        Close(-12, v);
        Close(3 * a * 4 * 2.0, pullback(2.0));
        Close(3 * a * 4 * 0.5, pullback(0.5));
        Close(2 * 0.5 * 2.0, Vjp(x => x * x, 0.5, 2.0));
        var (dx, dy) = Vjp((x, y) => x * y, 2.0, 3.0, 1.0);
        Close(3, dx);
        Close(2, dy);
    }

    [Fact]
    public void VectorFunctions_JacobiansAgree()
    {
        double w = 0.5;
        Func<double[], double[]> unused = null!;
        double[] x0 = { 0.3, -1.2, 2.0 };
        var forward = JacobianForward(x => new[] { x[0] * x[1] * w, Math.Sin(x[2]) + x[0], x[1] * x[1] }, x0);
        var reverse = JacobianReverse(x => new[] { x[0] * x[1] * w, Math.Sin(x[2]) + x[0], x[1] * x[1] }, x0);
        double[,] expected =
        {
            { x0[1] * w, x0[0] * w, 0 },
            { 1, 0, Math.Cos(x0[2]) },
            { 0, 2 * x0[1], 0 },
        };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                Close(expected[i, j], forward[i, j]);
                Close(expected[i, j], reverse[i, j]);
            }
        var (value, tangent) = Jvp(x => new[] { x[0] * x[1] * w, x[2] }, x0, new[] { 1.0, 0, 0 });
        Close(x0[0] * x0[1] * w, value[0]);
        Close(x0[1] * w, tangent[0]);
        var cot = Vjp(x => new[] { x[0] * x[1], x[2] * x[2] }, x0, new[] { 1.0, 1.0 });
        Assert.Equal(new[] { x0[1], x0[0], 2 * x0[2] }, cot);
        _ = unused;
    }

    [Fact]
    public void ConstantLocals_AreNotInTheClosure()
    {
        const double scale = 2.5;
        const float half = 0.5f;
        double k = 3;
        Close(2 * scale * 1.5, Gradient(x => scale * x * x, 1.5));
        Close(scale * k, Gradient(x => scale * k * x, 0.1));
        Assert.Equal(half, Gradient((float x) => half * x, 2f));
    }

    [Fact]
    public void CapturesFromNestedScopes()
    {
        double outer = 2;
        for (int i = 1; i <= 2; i++)
        {
            double inner = i;
            Close(2 * outer * inner * 1.5, Gradient(x => outer * inner * x * x, 1.5));
        }
    }

    [Fact]
    public void StaticField_FromATypeThatIsNotPartial()
    {
        Close(2 * (1.0 + LambdaModels.Offset), Gradient(x => (x + LambdaModels.Offset) * (x + LambdaModels.Offset), 1.0));
    }

    [Fact]
    public void MethodGroup_IsBoundDirectly()
    {
        Close(8.0, Gradient(LambdaModels.Square, 4.0));
        Close(8.0, Derivative(LambdaModels.Square, 4.0));
        var (v, g) = ValueWithGradient(LambdaModels.Square, 3.0);
        Close(9, v);
        Close(6, g);
    }

    [Fact]
    public void InstanceMembersThroughThis()
    {
        var model = new ScaledModel(3.0);
        Close(2 * 3.0 * 2.0 + 1, model.Slope(2.0));
        model.Scale = -1;
        Close(2 * -1.0 * 2.0 + 1, model.Slope(2.0));
    }

    [Fact]
    public void GradCheck_OnInlineLambdas()
    {
        double k = 1.5;
        var scalar = GradCheck.Check(x => k * Math.Sin(x) * x, 0.8);
        Assert.True(scalar.Passed, scalar.ToString());
        var two = GradCheck.Check((x, y) => Math.Exp(x * y) / (1 + y * y) * k, 0.3, -0.4);
        Assert.True(two.Passed, two.ToString());
        double[] weights = { 1, 2, 3 };
        var array = GradCheck.Check(v => LambdaModels.Energy(v, weights) + k * v[0] * v[0], new[] { 0.1, 0.5, 0.2 });
        Assert.True(array.Passed, array.ToString());
        GradCheck.Assert(x => Math.Tanh(k * x), 0.25);
        // Captures are read when the check runs.
        k = -2;
        Assert.True(GradCheck.Check(x => k * x * x * x, 1.1).Passed);
    }

    /// <summary>A lambda that captures only 'this' reads it from the delegate's target, whatever the object's runtime type.</summary>
    [Fact]
    public void ThisOnlyCapture_OnAnInstanceOfADerivedType()
    {
        ScaledModel model = new DerivedScaledModel(2.0, extra: 100);
        Close(2 * 2.0 * 3.0 + 1, model.Slope(3.0));
        model.Scale = 0.5;
        Close(2 * 0.5 * 3.0 + 1, model.Slope(3.0));
        Close(2 * 0.5 * 3.0 + 1, new ScaledModel(0.5).Slope(3.0));
    }

    /// <summary>Captured locals of every kind (a double, a tuple struct, an array, 'this' beside them) are read at each call.</summary>
    [Fact]
    public void CapturedLocalsOfEveryKind_AreReadAtEachCall()
    {
        var model = new ScaledModel(3.0);
        (double A, double B) pair = (2, 5);
        double[] weights = { 1, 4 };
        double k = 0.5;
        for (int round = 0; round < 3; round++)
        {
            double g = model.SlopeWith(pair, weights, k, 1.5);
            Close(model.Scale * 2 * 1.5 + pair.A + 2 * pair.B * 1.5 + weights[1] * 3 * 1.5 * 1.5 + k, g);
            pair = (pair.A + 1, -pair.B);
            weights[1] *= 2;
            k -= 1;
            model.Scale += 0.25;
        }
    }

    /// <summary>After the first call resolves where the captured variable lives, calls read it without allocating.</summary>
    [Fact]
    public void CapturedLocal_RepeatedCallsDoNotAllocate()
    {
        double k = 1.25;
        double sum = 0;
        // The closure and its delegate are made once (C# caches the delegate in the closure).
        long allocated = SteadyState.BytesPerBatch(() =>
        {
            sum = 0;
            for (int i = 0; i < 1000; i++)
                sum += Gradient(t => k * t * t * t, 0.001 * i);
        });
        Assert.Equal(0, allocated);
        Close(Enumerable.Range(0, 1000).Sum(i => 3 * 1.25 * (0.001 * i) * (0.001 * i)), sum, 1e-10);
    }

    /// <summary>
    /// The interceptors read a lambda's closure with <c>Captures.TargetOf</c> (a field load where the runtime has the
    /// field): it must be <see cref="Delegate.Target"/> for every delegate C# makes from a lambda or method group.
    /// </summary>
    [Fact]
    public void TargetOf_IsTheDelegatesTarget()
    {
        double k = 2;
        var model = new ScaledModel(3);
        Func<double, double> closure = t => k * t, noCapture = t => t * t, overThis = model.Slope;
        Func<double, double> staticMethod = Math.Sin, staticLambda = static t => t + 1;
        foreach (var f in new[] { closure, noCapture, overThis, staticMethod, staticLambda })
            Assert.Same(f.Target, Nabla.CompilerServices.Captures.TargetOf(f));
        Assert.Same(model, Nabla.CompilerServices.Captures.TargetOf(overThis));
        Assert.Null(Nabla.CompilerServices.Captures.TargetOf(staticMethod));
    }

    [Fact]
    public void NonCapturingLambda_DoesNotAllocate()
    {
        static double Run() => Gradient(x => x * x * x + Math.Sin(x), 0.3) + ValueWithGradient((x, y) => x * y, 1.0, 2.0).Gradient.Item1;
        double sum = 0;
        long allocated = SteadyState.BytesPerBatch(() =>
        {
            for (int i = 0; i < 1000; i++) sum += Run();
        });
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }
}

public partial class ScaledModel
{
    public double Scale;
    private readonly double _bias = 1;

    public ScaledModel(double scale) => Scale = scale;

    public double Slope(double at) => Gradient(x => Scale * x * x + _bias * x, at);

    /// <summary>Captures 'this' and three locals of different types: the closure holds them all as fields.</summary>
    public double SlopeWith((double A, double B) pair, double[] weights, double k, double at)
    {
        var local = pair;
        return Gradient(x => Scale * x * x + local.A * x + local.B * x * x + weights[1] * x * x * x + k * x, at);
    }
}

public partial class DerivedScaledModel : ScaledModel
{
    public double Extra;

    public DerivedScaledModel(double scale, double extra) : base(scale) => Extra = extra;
}

/// <summary>Not partial: generated code cannot reach its private members, so the constants a lambda reads are written as values.</summary>
public class LambdaReadingPrivateConstantsTests
{
    private const double Theta = 0.6;
    private const float Half = 0.5f;
    private const int Terms = 3;

    [Fact]
    public void PrivateConstantsOfANonPartialClass()
    {
        Assert.Equal(Math.Cos(Theta) + 2 * 2.0 * Half, Autodiff.Derivative(r => r * Math.Cos(Theta) + Half * r * r, 2.0), 14);
        Assert.Equal(Terms * 0.5f * 0.5f, Autodiff.Derivative(t => Terms * t * t * t / 3, 0.5f), 6);
        // Inside a nested derivative too: d/dx [x · d/dy (Theta·y²)] = 2·Theta·y at y = x, then d/dx (2 Theta x²) = 4 Theta x.
        Assert.Equal(4 * Theta * 1.5, Autodiff.Derivative(x => x * Autodiff.Derivative(y => Theta * y * y, x), 1.5), 12);
    }
}
