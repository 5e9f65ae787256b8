// What the fourth round of outside suites found (session 22: API.md round 3 leftovers, and the suites of that session),
// each against closed forms.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

public static partial class GenericHosts
{
    public static double Twice<TAny>(double x) => Gradient(t => t * t, x);

    public static double Scaled<TData>(TData data, double x) where TData : IScaled
    {
        double scale = data.Scale;
        return Gradient(t => scale * t * t, x);
    }

    public static double NestedInALambda<T>(double x)
    {
        double k = 2;
        Func<double> f = () => Derivative(t => k * Math.Sin(t) * x, x);
        return f();
    }
}

public interface IScaled { double Scale { get; } }
public sealed class ScaledBy3 : IScaled { public double Scale => 3; }
public sealed class ScaledBy5 : IScaled { public double Scale => 5; }

/// <summary>A plain class (data) with [Differentiable] instance methods, as models are often written.</summary>
public partial class EnergyModel
{
    public double K;
    [Differentiable] public double Energy(double[] v) => K * (v[0] * v[0] * v[0] + v[1] * v[1] * v[1]) + v[0] * v[1];
    [Differentiable] public double Chain(double t) => K * Math.Sin(t) + Square(t) * K;
    [Differentiable] internal double Square(double t) => t * t;
}

public sealed partial class SealedCubic
{
    public double A;
    [Differentiable] public double F(double u) => A * u * u * u;
}

/// <summary>Instance methods writing into an array of their own object, then reading it back.</summary>
public partial class ScratchUser
{
    public double[] Buffer = new double[3];
    [Differentiable] public double Step(double x) { Buffer[0] = x * x; return Buffer[0] * x; }
    [Differentiable]
    public double SumOfSquares(double[] v)
    {
        double t = 0;
        for (int i = 0; i < v.Length; i++) { Buffer[i] = v[i] * v[i]; t += Buffer[i]; }
        return t;
    }
}

public static partial class ScratchCallers
{
    [Differentiable] public static double Twice(ScratchUser s, double x) => s.Step(x) + x;
}

public class OutsideSuitesRegressionTests4
{
    [Fact]
    public void LambdaInAGenericMethod_IsDifferentiated_ForEveryInstantiation()
    {
        // Was NABLA0013 "lambdas inside generic methods are not supported yet".
        Assert.Equal(4.0, GenericHosts.Twice<int>(2.0));
        Assert.Equal(6.0, GenericHosts.Twice<string>(3.0));
        Assert.Equal(12.0, GenericHosts.Scaled(new ScaledBy3(), 2.0));
        Assert.Equal(20.0, GenericHosts.Scaled(new ScaledBy5(), 2.0));
        Assert.Equal(2 * Math.Cos(1.5) * 1.5, GenericHosts.NestedInALambda<int>(1.5), 14);
    }

    [Fact]
    public void LambdaHeldInALocal_IsDifferentiated_WithItsCapturesReadAtEachCall()
    {
        // Was a NotDifferentiableException naming the compiler's closure method.
        Func<double, double> square = t => t * t;
        Assert.Equal(6.0, Gradient(square, 3.0));
        double a = 2;
        Func<double, double> cubic = t => a * t * t * t;
        Assert.Equal(6.0, Derivative(cubic, 1.0));
        a = 3;
        Assert.Equal(9.0, Derivative(cubic, 1.0));
        Func<double[], double> weightedNorm = v => { double s = 0; foreach (var e in v) s += a * e * e; return s; };
        Assert.Equal(new[] { 6.0, 12.0 }, Gradient(weightedNorm, new[] { 1.0, 2.0 }));
        var h = Hessian(weightedNorm, new[] { 1.0, 2.0 });
        Assert.Equal(new[,] { { 6.0, 0 }, { 0, 6.0 } }, h);
    }

    [Fact]
    public void SecondDerivatives_ThroughInstanceMethodsOfAPlainClass()
    {
        // Were NABLA0013 ("'EnergyModel.Energy' has no differentiable first derivative"): the body is now inlined with
        // 'this' standing for the receiver, read at each call.
        var model = new EnergyModel { K = 2.0 };
        var x = new[] { 1.0, 2.0 };
        var h = Hessian(v => model.Energy(v), x);
        Assert.Equal(new[,] { { 6 * 2.0 * 1.0, 1.0 }, { 1.0, 6 * 2.0 * 2.0 } }, h);
        model.K = 3;
        h = Hessian(v => model.Energy(v), x);
        Assert.Equal(new[,] { { 6 * 3.0 * 1.0, 1.0 }, { 1.0, 6 * 3.0 * 2.0 } }, h);
        Assert.Equal(new[] { 3 * 3.0 + 2.0, 3 * 3.0 * 4 + 1.0 }, Gradient(v => model.Energy(v), x));
        double t0 = 0.5;
        Assert.Equal(-3 * Math.Sin(t0) + 6, Derivative(t => Derivative(u => model.Chain(u), t), t0), 12);
        var cubic = new SealedCubic { A = 2 };
        Assert.Equal(12.0, Derivative(t => Derivative(u => cubic.F(u), t), 1.0));
    }

    [Fact]
    public void InstanceMethodWritingItsOwnArrayMember_HasTheDerivativeOfWhatItReadsBack()
    {
        // Were 2.25 (the write's derivative lost: each 'this' was another object to the analyses) and 0 with a false NABLA0016.
        var s = new ScratchUser();
        double x = 1.5;
        Assert.Equal(3 * x * x, Gradient(s.Step, x));
        Assert.Equal(3 * x * x, Derivative(s.Step, x));
        Assert.Equal(new[] { 2.0, 4.0, 6.0 }, Gradient(s.SumOfSquares, new[] { 1.0, 2.0, 3.0 }));
        Assert.Equal(new[] { 2.0, 4.0, 6.0 }, Gradient(v => s.SumOfSquares(v), new[] { 1.0, 2.0, 3.0 }));
        Assert.Equal(3 * x * x + 1, Gradient(t => ScratchCallers.Twice(s, t), x));
        Assert.Equal(6 * x, Derivative(t => Derivative(u => s.Step(u), t), x), 12);
    }

    [Fact]
    public void LambdaInALocalAssignedTwice_NamesTheLambdaInTheException()
    {
        Func<double, double> f = t => t;
        f = t => 3 * t;
        var e = Assert.Throws<NotDifferentiableException>(() => Gradient(f, 3.0));
        Assert.Equal("a lambda in " + typeof(OutsideSuitesRegressionTests4).FullName + ".LambdaInALocalAssignedTwice_NamesTheLambdaInTheException", e.MethodName);
        Assert.Contains("pass the lambda to the operator where it is written", e.Message);
    }
}

[Differentiable]
public partial struct Planar
{
    public double X, Y;
    public static Planar operator /(Planar a, double s) => new Planar { X = a.X / s, Y = a.Y / s };
    [Differentiable] public static double SumOver(Planar v, double s) { var w = v / s; return w.X + w.Y; }
}

public static class PlanarRules
{
    // A rule names an operator by its metadata name (was NABLA0006 "has no method ... named 'op_Division'").
    [DerivativeOf(typeof(Planar), "op_Division")]
    public static (Planar Value, Func<Planar.Tangent, (Planar.Tangent, double)> Pullback) Divide(Planar a, double s) =>
        (a / s, g => (new Planar.Tangent { X = g.X / s, Y = g.Y / s }, -(g.X * a.X + g.Y * a.Y) / (s * s)));
}

public class OperatorRuleTests
{
    [Fact]
    public void RuleForAUserDefinedOperator_GivesItsDerivative()
    {
        // (x + 2x) / 4: 3/4; (1 + 2) / s at s = 2: −3/4.
        Assert.Equal(0.75, Gradient((double x) => Planar.SumOver(new Planar { X = x, Y = 2 * x }, 4.0), 1.0), 14);
        Assert.Equal(-0.75, Derivative((double s) => Planar.SumOver(new Planar { X = 1, Y = 2 }, s), 2.0), 14);
    }
}

public static partial class GenericMathHelpers
{
    [Differentiable] public static T Square<T>(T a) where T : System.Numerics.IFloatingPointIeee754<T> => a * a;
    [Differentiable] public static T Poly<T>(T a) where T : System.Numerics.IFloatingPointIeee754<T> => a * a * a + Square(T.Sin(a));
    [Differentiable] public static double SquareTimes(double x) => Square(x) * x;

    [Differentiable]
    public static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    [Differentiable]
    public static double SlidingDots(double[] x)
    {
        double s = 0;
        for (int i = 0; i + 2 <= x.Length; i++) s += Dot<double>(x.AsSpan(i, 2), x.AsSpan(0, 2));
        return s;
    }
}

public class GenericMathInliningTests
{
    [Fact]
    public void SecondDerivativesThroughGenericMathMethodsCalledFromOtherCode()
    {
        // Were NABLA0013 ("'Square' has no differentiable first derivative"): the callee is inlined at its instantiation.
        Assert.Equal(2.0, Hessian(v => GenericMathHelpers.Square(v[0]) * v[1], new[] { 1.0, 2.0 })[0, 1]);
        double t = 1.5;
        // (t³ + sin²t)'' = 6t + 2cos²t − 2sin²t.
        Assert.Equal(6 * t + 2 * Math.Cos(t) * Math.Cos(t) - 2 * Math.Sin(t) * Math.Sin(t), Derivative(s => Derivative(u => GenericMathHelpers.Poly(u), s), t), 12);
        float tf = 1.5f;
        Assert.Equal(6 * tf + 2 * MathF.Cos(tf) * MathF.Cos(tf) - 2 * MathF.Sin(tf) * MathF.Sin(tf), Derivative(s => Derivative(u => GenericMathHelpers.Poly(u), s), tf), 4);
        var h = Hessian(v => GenericMathHelpers.Square(v[0]) * v[1] * v[1], new[] { 1f, 2f });
        Assert.Equal(new[,] { { 8f, 8f }, { 8f, 2f } }, h);
        Assert.Equal(3 * t * t, Gradient(GenericMathHelpers.SquareTimes, t), 14);
    }

    [Fact]
    public void GenericSpanKernelCalledInALoop_IsInlined()
    {
        // Σᵢ (xᵢx₀ + xᵢ₊₁x₁) over windows: was NABLA0002 (its split form's residuals hold spans).
        var x = new[] { 1.0, 2.0, 3.0, 4.0 };
        var g = Gradient(GenericMathHelpers.SlidingDots, x);
        double Value(double[] v) { double s = 0; for (int i = 0; i + 2 <= v.Length; i++) s += v[i] * v[0] + v[i + 1] * v[1]; return s; }
        for (int k = 0; k < x.Length; k++)
        {
            var up = (double[])x.Clone(); up[k] += 1e-6;
            var down = (double[])x.Clone(); down[k] -= 1e-6;
            Assert.Equal((Value(up) - Value(down)) / 2e-6, g[k], 6);
        }
    }
}

[Differentiable]
public partial class SineModel
{
    public double W, B;
    [Differentiable] public double Predict(double x) => W * Math.Sin(x) + B;
    [Differentiable] public double Energy(double[] v) => W * (v[0] * v[0] * v[0] + v[1] * v[1] * v[1]) + v[0] * v[1];

    [Differentiable]
    public double Loss(double[] xs, double[] ys)
    {
        double s = 0;
        for (int i = 0; i < xs.Length; i++) { double r = Predict(xs[i]) - ys[i]; s += r * r; }
        return s;
    }
}

public class DifferentiableClassSecondOrderTests
{
    [Fact]
    public void SecondDerivativesThroughMethodsOfADifferentiableClass()
    {
        // Were NABLA0013: a differentiable class of plain values, outside a hierarchy, inlines as a struct does.
        var m = new SineModel { W = 2.0, B = 0.5 };
        Assert.Equal(-2.0 * Math.Sin(0.7), Derivative(t => Derivative(x => m.Predict(x), t), 0.7), 14);
        Assert.Equal(new[,] { { 12.0, 1.0 }, { 1.0, 24.0 } }, Hessian(v => m.Energy(v), new[] { 1.0, 2.0 }));
        var xs = new[] { 0.1, 0.7, 1.3 };
        var ys = new[] { 0.3, 1.1, 3.0 };
        // ∂²L/∂xᵢ² = 2 (W² cos² xᵢ − rᵢ W sin xᵢ), and no coupling between points.
        var h = Hessian(p => m.Loss(p, ys), xs);
        for (int i = 0; i < 3; i++)
        {
            double r = m.Predict(xs[i]) - ys[i];
            Assert.Equal(2 * (4 * Math.Cos(xs[i]) * Math.Cos(xs[i]) - r * 2 * Math.Sin(xs[i])), h[i, i], 12);
            for (int j = 0; j < 3; j++) if (j != i) Assert.Equal(0.0, h[i, j]);
        }
        // First order with the object as the input still goes through its tangent: ∂L/∂B = 2 Σ rᵢ.
        var g = Gradient(model => model.Loss(xs, ys), m);
        double sum = 0;
        for (int i = 0; i < 3; i++) sum += m.Predict(xs[i]) - ys[i];
        Assert.Equal(2 * sum, g.B, 12);
    }
}

public interface IPotential { [Differentiable] double Energy(double x); }
public sealed partial class QuarticWell : IPotential { public double K; [Differentiable] public double Energy(double x) => K * x * x * x * x; }
public partial class HarmonicWell : IPotential { [Differentiable] public double Energy(double x) => x * x; }
public partial class StiffHarmonicWell : HarmonicWell { }
public interface IUnmarkedPotential { double Energy(double x); }
public sealed partial class CosineWell : IUnmarkedPotential { [Differentiable] public double Energy(double x) => Math.Cos(x); }
public struct StructWell : IPotential { public double Energy(double x) => x; }

public abstract partial class Activation { [Differentiable] public abstract double Apply(double x); }
public partial class TanhActivation : Activation { [Differentiable] public override double Apply(double x) => Math.Tanh(x); }
public partial class CubicActivation : TanhActivation { public double K = 3; [Differentiable] public override double Apply(double x) => K * x * x * x; }
public partial class InheritedCubic : CubicActivation { }

public interface INeverImplemented { [Differentiable] double Value(double x); }
public abstract partial class NeverOverridden { [Differentiable] public abstract double Value(double x); }

public static partial class Dispatching
{
    [Differentiable] public static double ThroughInterface(INeverImplemented c, double x) => c.Value(x) + x;
    [Differentiable] public static double ThroughAbstract(NeverOverridden c, double x) => c.Value(x) + x;
    [Differentiable] public static double Total(IPotential p, double x) => 2 * p.Energy(x);
    [Differentiable] public static double Layer(Activation a, double x) => a.Apply(x) * 2;
}

public class InterfaceAndVirtualDispatchTests
{
    [Fact]
    public void CallsThroughAnInterface_DispatchToTheImplementations()
    {
        // Were NABLA0001 (an interface method had no derivative; marking it [Differentiable] was NABLA0004).
        IPotential quartic = new QuarticWell { K = 2 }, harmonic = new HarmonicWell(), stiff = new StiffHarmonicWell();
        double x = 1.5;
        Assert.Equal(8 * x * x * x, Derivative(t => quartic.Energy(t), x), 12);
        Assert.Equal(8 * x * x * x, Gradient(t => quartic.Energy(t), x), 12);
        Assert.Equal(4 * 8 * x * x * x, Derivative(t => Dispatching.Total(quartic, t), x) * 2, 12);
        Assert.Equal(2 * 2 * x, Gradient(t => Dispatching.Total(stiff, t), x), 12);
        Assert.Equal(2 * 2 * x, Derivative(t => Dispatching.Total(harmonic, t), x), 12);
        IUnmarkedPotential cosine = new CosineWell();
        Assert.Equal(-Math.Sin(x), Derivative(t => cosine.Energy(t), x), 14);
        // Second order through the dispatch.
        Assert.Equal(24 * x * x, Derivative(s => Derivative(t => quartic.Energy(t), s), x), 12);
        Assert.Equal(2.0, Derivative(s => Derivative(t => harmonic.Energy(t), s), x), 12);
        // A struct's implementation is not dispatched to: the documented exception.
        IPotential boxed = new StructWell();
        Assert.Throws<NotDifferentiableException>(() => Derivative(t => boxed.Energy(t), x));
    }

    [Fact]
    public void MethodsWithNoOverrideOrImplementationHere_ThrowTheDocumentedException()
    {
        // Was NABLA0999 (a generator crash: the code after the call was unreachable).
        var e = Assert.Throws<NotDifferentiableException>(() => Derivative(x => Dispatching.ThroughAbstract(null!, x), 1.0));
        Assert.Contains("outside this compilation", e.Message);
        Assert.Throws<NotDifferentiableException>(() => Gradient(x => Dispatching.ThroughInterface(null!, x), 1.0));
    }

    [Fact]
    public void SecondDerivativesThroughVirtualCalls()
    {
        // Were NABLA0013: each dispatched branch calls one override, inlined there.
        Activation[] activations = { new TanhActivation(), new CubicActivation(), new InheritedCubic() };
        double x = 0.5, tanh = Math.Tanh(x);
        double[] expected = { -2 * tanh * (1 - tanh * tanh), 18 * x, 18 * x };
        for (int k = 0; k < activations.Length; k++)
        {
            var a = activations[k];
            Assert.Equal(expected[k], Derivative(s => Derivative(t => a.Apply(t), s), x), 12);
            Assert.Equal(2 * expected[k], Derivative(s => Derivative(t => Dispatching.Layer(a, t), s), x), 12);
            Assert.Equal(2 * expected[k], Hessian(v => Dispatching.Layer(a, v[0]), new[] { x })[0, 0], 12);
        }
    }
}

public interface IUnitActivation { [Differentiable] double Apply(double x); }
public sealed partial class TanhUnit : IUnitActivation { [Differentiable] public double Apply(double x) => Math.Tanh(x); }
public sealed partial class SoftPlusUnit : IUnitActivation
{
    public double Beta = 1;
    [Differentiable] public double Apply(double x) => GenericMathHelpers.SoftPlus(Beta * x) / Beta;
}

public static partial class GenericMathHelpers
{
    [Differentiable] public static T SoftPlus<T>(T x) where T : System.Numerics.IFloatingPointIeee754<T> => T.Log(T.One + T.Exp(x));
}

public sealed class LossWeights { public double Weight; }

/// <summary>A one-hidden-layer network written as plain C#: an interface for the activation, a class, generic math.</summary>
public partial class TinyNet
{
    public IUnitActivation Activation = new TanhUnit();
    public int Hidden = 3;
    public int ParameterCount => 3 * Hidden + 1;

    [Differentiable]
    public double Predict(double[] p, double x)
    {
        double y = p[3 * Hidden];
        for (int k = 0; k < Hidden; k++) y += p[2 * Hidden + k] * Activation.Apply(p[k] * x + p[Hidden + k]);
        return y;
    }

    [Differentiable]
    public double Loss(double[] p, double[] xs, double[] ys)
    {
        var weights = new LossWeights { Weight = Hidden > 2 ? 0.5 : 1.0 };
        double s = 0;
        for (int i = 0; i < xs.Length; i++) { double r = Predict(p, xs[i]) - ys[i]; s += r * r; }
        return weights.Weight * s;
    }
}

public class TinyNetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradientHessianAndHypergradient_AgreeWithCentralDifferences(bool softPlus)
    {
        var rng = new Random(1);
        var xs = new double[8];
        for (int i = 0; i < xs.Length; i++) xs[i] = rng.NextDouble() * 2 - 1;
        var ys = Array.ConvertAll(xs, x => Math.Sin(2 * x));
        var net = new TinyNet { Activation = softPlus ? new SoftPlusUnit { Beta = 2 } : new TanhUnit() };
        var w = new double[net.ParameterCount];
        for (int i = 0; i < w.Length; i++) w[i] = rng.NextDouble() - 0.5;
        var g = Gradient(p => net.Loss(p, xs, ys), w);
        var h = Hessian(p => net.Loss(p, xs, ys), w);
        const double e = 1e-6;
        for (int i = 0; i < w.Length; i++)
        {
            var up = (double[])w.Clone(); up[i] += e;
            var down = (double[])w.Clone(); down[i] -= e;
            Assert.Equal((net.Loss(up, xs, ys) - net.Loss(down, xs, ys)) / (2 * e), g[i], 7);
            var gUp = Gradient(p => net.Loss(p, xs, ys), up);
            var gDown = Gradient(p => net.Loss(p, xs, ys), down);
            for (int j = 0; j < w.Length; j++)
            {
                Assert.Equal((gUp[j] - gDown[j]) / (2 * e), h[i, j], 7);
                Assert.Equal(h[j, i], h[i, j], 10);
            }
        }
        // d/dlr of the loss after one gradient step (a derivative through a gradient taken inside the lambda).
        double AfterStep(double lr)
        {
            var grad = Gradient(p => net.Loss(p, xs, ys), w);
            var next = new double[w.Length];
            for (int i = 0; i < w.Length; i++) next[i] = w[i] - lr * grad[i];
            return net.Loss(next, xs, ys);
        }
        double hyper = Derivative(lr =>
        {
            var grad = Gradient(p => net.Loss(p, xs, ys), w);
            var next = new double[w.Length];
            for (int i = 0; i < w.Length; i++) next[i] = w[i] - lr * grad[i];
            return net.Loss(next, xs, ys);
        }, 0.1);
        Assert.Equal((AfterStep(0.1 + e) - AfterStep(0.1 - e)) / (2 * e), hyper, 7);
    }
}

[Differentiable] public partial struct LineModel { public double W, B; }
[Differentiable] public partial class LineModelClass { public double W, B; }

public static partial class SeveralInputFunctions
{
    [Differentiable] public static double Residual2(LineModel m, double x, double y) => (m.W * x + m.B - y) * (m.W * x + m.B - y);
}

public class SeveralInputsWithDifferentiableTypesTests
{
    [Fact]
    public void GradientsOfThreeAndFourInputs_OneOrMoreOfADifferentiableType()
    {
        // Were NABLA0013 ("differentiate with respect to one [Differentiable] value alone"). r = Wx + B − y = 1.5.
        var m = new LineModel { W = 2, B = 0.5 };
        var (gm, gx, gy) = Gradient((LineModel p, double x, double y) => (p.W * x + p.B - y) * (p.W * x + p.B - y), m, 1.5, 2.0);
        Assert.Equal((4.5, 3.0, 6.0, -3.0), (gm.W, gm.B, gx, gy));
        Assert.Equal(4.5, Gradient(SeveralInputFunctions.Residual2, m, 1.5, 2.0).Item1.W);
        // a W z₀ + B z₁ at (3, (2, 0.5), (1, 2)): 7; ∂a = W z₀, ∂W = a z₀, ∂B = z₁, ∂z = (a W, B).
        var (value, (ga, gModel, gz)) = ValueWithGradient((double a, LineModel p, double[] z) => a * p.W * z[0] + p.B * z[1], 3.0, m, new[] { 1.0, 2.0 });
        Assert.Equal((7.0, 2.0, 3.0, 2.0), (value, ga, gModel.W, gModel.B));
        Assert.Equal(new[] { 6.0, 0.5 }, gz);
        // Four inputs, two of them models (one a class): p.W q.B s + t.
        var (g1, g2, g3, g4) = Gradient((LineModel p, LineModelClass q, double s, double t) => p.W * q.B * s + t, m, new LineModelClass { W = 3, B = 4 }, 2.0, 1.0);
        Assert.Equal((8.0, 0.0, 0.0, 4.0, 8.0, 1.0), (g1.W, g1.B, g2.W, g2.B, g3, g4));
    }
}
