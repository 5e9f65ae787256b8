// What the third round of outside suites found (session 21: diagnostics round 3, PyTorch/HIPS autograd ports, BCL
// rules, realistic programs), each against closed forms.
using System;
using System.Linq;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

public static partial class Workspaces
{
    [Differentiable]
    public static double Cubic(double x, [NoDerivative] double[] work)
    {
        work[0] = x * x;
        work[1] = work[0] * x;
        return work[1] + work[0];
    }

    [Differentiable]
    public static double CallsWithFreshWorkspace(double x) => Cubic(x, new double[2]);
}

public sealed class ScratchSpace { public double[] Buffer = new double[3]; }

[Differentiable]
public partial struct ModelWithScratch
{
    public double W;
    [NoDerivative] public double[] Scratch;
}

[Differentiable]
public partial struct SimulationState { public double[] Position; public double[] Velocity; }

public static partial class MemberArrays
{
    static readonly double[] s_scratch = new double[4];

    [Differentiable]
    public static double ThroughAWorkspaceObject(double x, [NoDerivative] ScratchSpace ws)
    {
        ws.Buffer[0] = x * x;
        ws.Buffer[1] = ws.Buffer[0] * x;
        return ws.Buffer[1] + ws.Buffer[0];
    }

    [Differentiable]
    public static double ThroughAStaticScratch(double x)
    {
        s_scratch[0] = x * x;
        return s_scratch[0] + x;
    }

    [Differentiable]
    public static double ThroughANoDerivativeMember(double x, ModelWithScratch m)
    {
        m.Scratch[0] = x * x;
        return m.Scratch[0] + x * m.W;
    }

    [Differentiable]
    public static double ThroughAnObjectMadeHere(double x, bool first)
    {
        var ws = new ScratchSpace();
        if (first) ws.Buffer[0] = x * x;
        else ws.Buffer[1] = x;
        return ws.Buffer[0] + ws.Buffer[1];
    }

    /// <summary>Damped oscillators stepped in place: the state's arrays are updated by the loop.</summary>
    [Differentiable]
    public static double Simulate(SimulationState s, double k)
    {
        for (int step = 0; step < 20; step++)
            for (int i = 0; i < s.Position.Length; i++)
            {
                s.Velocity[i] += 0.05 * (-k * s.Position[i] - 0.3 * s.Velocity[i]);
                s.Position[i] += 0.05 * s.Velocity[i];
            }
        double energy = 0;
        for (int i = 0; i < s.Position.Length; i++) energy += s.Position[i] * s.Position[i];
        return energy;
    }

    public static SimulationState Start() => new() { Position = new[] { 1.0, 0.5 }, Velocity = new[] { 0.0, 0.2 } };
}

public static partial class InPlace
{
    /// <summary>a₀·a₁·a₂ as prefix products written into the input.</summary>
    [Differentiable]
    public static double Product(double[] a)
    {
        for (int i = 1; i < a.Length; i++) a[i] = a[i] * a[i - 1];
        return a[a.Length - 1];
    }
}

[Differentiable]
public partial class InputOnlyLayer
{
    public double W;

    [Differentiable(Wrt = "input")]
    public double Predict(double input) => W * input * input;
}

[Differentiable]
public partial struct InputOnlyCell
{
    public double W;

    [Differentiable(Wrt = "input")]
    public double Predict(double input) => W * input * input;
}

public static partial class InputOnly
{
    [Differentiable]
    public static double Loss([NoDerivative] InputOnlyLayer layer, double x) => layer.Predict(x) * 2;

    [Differentiable]
    public static double LossOfCell([NoDerivative] InputOnlyCell cell, double x) => cell.Predict(x) * 2;
}

public static partial class TupleInputs
{
    [Differentiable]
    public static double[] Adder(double[] a, double[] b) => new[] { 2 * a[0] + 3 * b[0], a[1] * b[1] };
}

public static partial class SpanEnds
{
    [Differentiable]
    static void Ends(ReadOnlySpan<double> u, Span<double> result)
    {
        result[0] = u[0] * u[0];
        result[^1] = u[^1] * u[^1];
    }

    [Differentiable]
    public static double Caller(double[] a)
    {
        var r = new double[a.Length];
        Ends(a, r);
        return r[0] + r[^1];
    }
}

public static partial class JaggedRows
{
    [Differentiable]
    public static double Swap(double[][] m)
    {
        var tmp = m[0]; m[0] = m[1]; m[1] = tmp;
        return 10 * m[0][0] + m[1][0] + m[0][1] * m[1][1];
    }

    [Differentiable]
    public static double NewRow(double[][] m) { m[1] = new[] { m[0][0] * m[1][1], 5.0 }; return m[1][0] * m[0][1] + m[1][1]; }

    /// <summary>The determinant by Gaussian elimination with row pivoting (rows swapped in place).</summary>
    [Differentiable]
    public static double Determinant(double[][] a)
    {
        int n = a.Length;
        double det = 1;
        for (int k = 0; k < n; k++)
        {
            int pivot = k;
            for (int i = k + 1; i < n; i++) if (Math.Abs(a[i][k]) > Math.Abs(a[pivot][k])) pivot = i;
            if (pivot != k) { var row = a[k]; a[k] = a[pivot]; a[pivot] = row; det = -det; }
            det *= a[k][k];
            for (int i = k + 1; i < n; i++)
            {
                double factor = a[i][k] / a[k][k];
                for (int j = k; j < n; j++) a[i][j] -= factor * a[k][j];
            }
        }
        return det;
    }
}

[Differentiable]
public partial struct NamedOfInstanceStruct
{
    public double A;

    [Differentiable]
    public double F(double x) => A * x * x;

    [ValueWithGradientOf(nameof(F))]
    public partial (double Value, (NamedOfInstanceStruct.Tangent, double) Gradient) FValueWithGradient(double x);

    [GradientOf(nameof(F), Wrt = "x")]
    public partial double FGradient(double x);
}

[Differentiable]
public partial class NamedOfInstanceClass
{
    public double A;

    [Differentiable]
    public double F(double x) => A * x * x;

    [ValueWithGradientOf(nameof(F))]
    public partial (double Value, (NamedOfInstanceClass.Tangent, double) Gradient) FValueWithGradient(double x);
}

public class OutsideSuitesRegressionTests3
{
    static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.4)]
    public void WorkspaceParameter_CarriesDerivativesWhenInlined(double x)
    {
        // x³ + x²: a [NoDerivative] array the callee writes differentiated values into (was 0 once inlined: the
        // workspace's derivative was cut with its initial contents).
        double expected = 3 * x * x + 2 * x;
        Close(expected, Derivative(Workspaces.CallsWithFreshWorkspace, x));
        Close(expected, Gradient(Workspaces.CallsWithFreshWorkspace, x));
        Close(expected, Gradient(t => Workspaces.Cubic(t, new double[2]), x));
        Close(expected, Derivative(t => Workspaces.Cubic(t, new double[2]), x));
        Close(6 * x + 2, Hessian(Workspaces.CallsWithFreshWorkspace, x));
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(-0.6)]
    public void ArraysReachedThroughMembersOfData_CarryWhatIsWrittenIntoThem(double x)
    {
        // Were 1 or 0 with no diagnostic (or a false NABLA0016): each read of ws.Buffer had its own (missing) tangent.
        var ws = new ScratchSpace();
        Close(3 * x * x + 2 * x, Derivative(t => MemberArrays.ThroughAWorkspaceObject(t, ws), x));
        Close(3 * x * x + 2 * x, Gradient(t => MemberArrays.ThroughAWorkspaceObject(t, ws), x));
        Close(2 * x + 1, Derivative(MemberArrays.ThroughAStaticScratch, x));
        Close(2 * x + 1, Gradient(MemberArrays.ThroughAStaticScratch, x));
        var model = new ModelWithScratch { W = 1.5, Scratch = new double[2] };
        Close(2 * x + 1.5, Derivative(t => MemberArrays.ThroughANoDerivativeMember(t, model), x));
        Close(2 * x + 1.5, Gradient(t => MemberArrays.ThroughANoDerivativeMember(t, model), x));
        // Reads in both branches of an object made in the method share one tangent made where the object is.
        Close(2 * x, Derivative(t => MemberArrays.ThroughAnObjectMadeHere(t, true), x));
        Close(1, Gradient(t => MemberArrays.ThroughAnObjectMadeHere(t, false), x));
    }

    [Fact]
    public void CapturedStateWhoseArraysTheLoopUpdates()
    {
        // d/dk of a simulation whose captured state is updated in place (was 0 in both modes), against central
        // differences on fresh states.
        double k = 2, h = 1e-6;
        double fd = (MemberArrays.Simulate(MemberArrays.Start(), k + h) - MemberArrays.Simulate(MemberArrays.Start(), k - h)) / (2 * h);
        var forwardState = MemberArrays.Start();
        double forward = Derivative(c => MemberArrays.Simulate(forwardState, c), k);
        var reverseState = MemberArrays.Start();
        double reverse = Gradient(c => MemberArrays.Simulate(reverseState, c), k);
        Assert.True(Math.Abs(forward - fd) < 1e-7, $"forward {forward} vs {fd}");
        Close(forward, reverse);
    }

    [Fact]
    public void SecondDerivativesOfAFunctionWritingItsInput()
    {
        // The Hessian's columns each started from the direction the previous column's forward mode had written into.
        var a = new[] { 2.0, 3.0, 5.0 };
        var expected = new double[,] { { 0, 5, 3 }, { 5, 0, 2 }, { 3, 2, 0 } };
        var h = Hessian(InPlace.Product, (double[])a.Clone());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Close(expected[i, j], h[i, j]);
        var v = new[] { 1.0, 0.0, 0.0 };
        var hv = HessianVectorProduct(InPlace.Product, (double[])a.Clone(), v);
        Close(5, hv[1]);
        Assert.Equal(new[] { 1.0, 0.0, 0.0 }, v);
        // Nested: the gradient's last component (a₀a₁) differentiated again, and the gradient as a function of a scalar.
        var row = Gradient(z => Gradient(InPlace.Product, z)[2], (double[])a.Clone());
        Close(3, row[0]);
        Close(2, row[1]);
        Close(0, row[2]);
        var column = Derivative(s => Gradient(InPlace.Product, new[] { s, 3, 5 }), 2.0);
        Close(0, column[0]);
        Close(5, column[1]);
        Close(3, column[2]);
    }

    [Fact]
    public void DifferentialOfAFunctionWritingItsInput_IsAtThePointAsItWas()
    {
        var a = new[] { 1.5, -0.7, 2.0, 0.9 };
        var (value, differential) = ValueWithDifferential(InPlace.Product, a);
        Close(1.5 * -0.7 * 2.0 * 0.9, value);
        var e0 = new[] { 1.0, 0, 0, 0 };
        Close(-0.7 * 2.0 * 0.9, differential(e0));
        Close(-0.7 * 2.0 * 0.9, differential(e0));
        Assert.Equal(new[] { 1.0, 0, 0, 0 }, e0);
        // Through the registry (a delegate the generator does not see at the call) too.
        Func<double[], double> f = InPlace.Product;
        var (_, late) = ValueWithDifferential(f, new[] { 1.5, -0.7, 2.0, 0.9 });
        Close(-0.7 * 2.0 * 0.9, late(new[] { 1.0, 0, 0, 0 }));
        Close(-0.7 * 2.0 * 0.9, late(new[] { 1.0, 0, 0, 0 }));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.7)]
    public void GenericMathTwinsOfMathMethods(double x)
    {
        // double.Cos as a method group threw NotDifferentiableException; float.Clamp was NABLA0001.
        Close(-Math.Sin(x), Derivative(double.Cos, x));
        Close(-Math.Sin(x), Gradient(double.Cos, x));
        Assert.True(MathF.Abs(MathF.Cos((float)x) - Derivative(float.Sin, (float)x)) <= 1e-6f);
        Assert.Equal(1f, Derivative(t => float.Clamp(t, 0f, 1f), 0.5f));
        Assert.Equal(0f, Derivative(t => float.Clamp(t, 0f, 1f), (float)x + 1f));
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.8)]
    public void InstanceMethodsWhoseWrtLeavesThisOut(double x)
    {
        // Called with a data receiver: the derivative is the input's only (a class's call site expected the receiver's too).
        var layer = new InputOnlyLayer { W = 3 };
        var cell = new InputOnlyCell { W = 3 };
        Close(12 * x, Gradient(t => InputOnly.Loss(layer, t), x));
        Close(12 * x, Derivative(t => InputOnly.Loss(layer, t), x));
        Close(12 * x, Gradient(t => InputOnly.LossOfCell(cell, t), x));
        Close(12 * x, Derivative(t => InputOnly.LossOfCell(cell, t), x));
    }

    [Fact]
    public void HessianOfAFunctionOfAVector()
    {
        // Was C# errors in the generated Hessian (it treated Vector3 as a [Differentiable] struct with a flat view).
        var v = new System.Numerics.Vector3(1, 2, 3);
        var h = Hessian((System.Numerics.Vector3 u) => u.Length(), v);
        double length = Math.Sqrt(14);
        double[] n = { 1 / length, 2 / length, 3 / length };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double expected = ((i == j ? 1 : 0) - n[i] * n[j]) / length;
                Assert.True(Math.Abs(expected - h[i, j]) < 1e-6, $"[{i},{j}] {h[i, j]} vs {expected}");
            }
        var h2 = Hessian((System.Numerics.Vector2 u) => u.X * u.X * u.Y, new System.Numerics.Vector2(1, 2));
        Assert.Equal(new double[,] { { 4, 2 }, { 2, 0 } }, h2);
    }

    [Fact]
    public void LambdaOfANamedTuple()
    {
        // The lambda's tuple element names (t.X) were dropped in its generated copy: NABLA0013.
        var x = new[] { 1.0, 2.0 };
        var y = new[] { 3.0, 4.0 };
        var forward = JacobianForward(((double[] X, double[] Y) t) => TupleInputs.Adder(t.X, t.Y), (x, y));
        var reverse = JacobianReverse(((double[] X, double[] Y) t) => TupleInputs.Adder(t.X, t.Y), (x, y));
        var expected = new double[,] { { 2, 0, 3, 0 }, { 0, 4, 0, 2 } };
        Assert.Equal(expected, forward);
        Assert.Equal(expected, reverse);
    }

    [Fact]
    public void TangentsOfTheWrongLength_AreArgumentErrors()
    {
        // Were an IndexOutOfRangeException from generated code, or a longer direction silently cut.
        var x = new[] { 0.1, 0.2, 0.3, 0.4 };
        Assert.Throws<ArgumentException>(() => Jvp(a => new[] { 3 * a[0], 3 * a[1] }, x, new[] { 1.0, 1.0 }));
        Assert.Throws<ArgumentException>(() => HessianVectorProduct(a => Math.Exp(a[0]) + Math.Exp(a[3]), x, new[] { 1.0, 1, 1, 1, 1 }));
        Assert.Throws<ArgumentException>(() => HessianVectorProduct(a => Math.Exp(a[0]) + Math.Exp(a[3]), x, new[] { 1.0, 1, 1 }));
        var hv = HessianVectorProduct(a => Math.Exp(a[0]) + Math.Exp(a[3]), x, new[] { 1.0, 1, 1, 1 });
        Close(Math.Exp(0.1), hv[0]);
        Close(Math.Exp(0.4), hv[3]);
    }

    [Fact]
    public void SpanElementWrittenFromTheEnd()
    {
        // result[^1] = ... on a span was NABLA0002 ("assigning to ImplicitIndexerReference").
        Assert.Equal(new[] { 2.0, 0, 0, 8 }, Gradient(SpanEnds.Caller, new[] { 1.0, 2, 3, 4 }));
        Close(8, Derivative(t => SpanEnds.Caller(new[] { 1.0, 2, 3, t }), 4.0));
    }

    [Fact]
    public void SecondDerivativesThroughRulesWithDataParameters()
    {
        // Rules with an int or enum beside the real input had no partials (NABLA0013 for any second derivative).
        Close(2, Hessian(x => Math.Round(x, 2) + x * x, 1.234));
        Close(2, Hessian(x => Math.Round(x, MidpointRounding.AwayFromZero) + x * x, 1.234));
        Close(2 * 8, Hessian(x => Math.ScaleB(x, 3) * x, 1.5));
        Close(-1.0 / 144, Hessian(x => double.RootN(x, 3), 8.0));
        Close(-1.0 / 144, Derivative(x => Derivative(y => double.RootN(y, 3), x), 8.0));
        Assert.True(MathF.Abs(16f - Hessian(x => MathF.ScaleB(x, 3) * x, 1.5f)) < 1e-5f);
    }

    [Fact]
    public void StateMadeByACallInsideTheLambda()
    {
        // A state a plain method makes, stepped in place: was NABLA0002 without a location ("reading the array member
        // of a value that is not a parameter"); its arrays now have derivatives of their own.
        double k = 2, h = 1e-6;
        double fd = (MemberArrays.Simulate(MemberArrays.Start(), k + h) - MemberArrays.Simulate(MemberArrays.Start(), k - h)) / (2 * h);
        Assert.True(Math.Abs(Derivative(c => MemberArrays.Simulate(MemberArrays.Start(), c), k) - fd) < 1e-7);
        Assert.True(Math.Abs(Gradient(c => MemberArrays.Simulate(MemberArrays.Start(), c), k) - fd) < 1e-7);
    }

    static double[][] Matrix() => new[] { new[] { 1.0, 2 }, new[] { 3.0, 4 } };

    [Fact]
    public void JaggedRowsSwappedOrReplaced_GradientIsOfTheInputsRows()
    {
        // The gradient's rows followed the rows' final places (row pivoting gave a permuted gradient; a replaced row lost
        // its derivative), in every reverse-mode form.
        var expected = new[] { new[] { 1.0, 4 }, new[] { 10.0, 2 } };
        Assert.Equal(expected, Gradient(JaggedRows.Swap, Matrix()));
        Assert.Equal(expected, ValueWithGradient(JaggedRows.Swap, Matrix()).Gradient);
        Assert.Equal(expected, ValueWithPullback(JaggedRows.Swap, Matrix()).Pullback(1.0));
        Assert.Equal(new[] { new[] { 8.0, 4 }, new[] { 0.0, 2 } }, Gradient(JaggedRows.NewRow, Matrix()));
        // The determinant's gradient is its cofactor matrix (det · A⁻ᵀ), against central differences.
        var a = new[] { new[] { 1.0, 3, -2 }, new[] { 4.0, 0.5, 1 }, new[] { -1.0, 2, 5 } };
        var g = Gradient(JaggedRows.Determinant, a.Select(r => (double[])r.Clone()).ToArray());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                var plus = a.Select(r => (double[])r.Clone()).ToArray(); plus[i][j] += 1e-6;
                var minus = a.Select(r => (double[])r.Clone()).ToArray(); minus[i][j] -= 1e-6;
                double fd = (JaggedRows.Determinant(plus) - JaggedRows.Determinant(minus)) / 2e-6;
                Assert.True(Math.Abs(fd - g[i][j]) < 1e-6, $"[{i}][{j}] {g[i][j]} vs {fd}");
            }
    }

    [Fact]
    public void NamedDerivativesOfInstanceMethods()
    {
        // Were C# errors in generated code (CS0759): the derivative was written with the receiver as a parameter.
        var s = new NamedOfInstanceStruct { A = 2 };
        var (value, (dSelf, dx)) = s.FValueWithGradient(1.5);
        Close(4.5, value);
        Close(2.25, dSelf.A);
        Close(6, dx);
        Close(6, s.FGradient(1.5));
        var c = new NamedOfInstanceClass { A = 2 };
        var (cv, (cSelf, cdx)) = c.FValueWithGradient(1.5);
        Close(4.5, cv);
        Close(2.25, cSelf.A);
        Close(6, cdx);
    }
}
