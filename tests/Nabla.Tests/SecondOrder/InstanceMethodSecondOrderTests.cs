// Second derivatives through instance methods of a differentiable struct: they are inlined like static methods (the
// receiver is their first input), so nested derivatives and Hessians go through them. Closed forms.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.SecondOrder;

[Differentiable]
public partial struct Cubic
{
    public double A, B;

    /// <summary>A x³ + B x.</summary>
    [Differentiable]
    public double Eval(double x) => A * x * x * x + B * x;

    /// <summary>sin(A x) + B: a rule inside the method.</summary>
    [Differentiable]
    public double Wave(double x) => Math.Sin(A * x) + B;
}

public class InstanceMethodSecondOrderTests
{
    static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.4)]
    public void NestedDerivativesAndHessiansThroughAStructMethod(double x)
    {
        var c = new Cubic { A = 2, B = 1 };
        Close(6 * c.A * x, Derivative(t => Derivative(y => c.Eval(y), t), x));
        Close(6 * c.A * x, Hessian(y => c.Eval(y), x));
        Close(6 * c.A, Derivative(t => Derivative(u => Derivative(y => c.Eval(y), u), t), x));
        Close(-c.A * c.A * Math.Sin(c.A * x), Hessian(y => c.Wave(y), x));
    }

    [Fact]
    public void HessianWithRespectToTheStruct_ThroughItsMethod()
    {
        // f(A, B) = (A x³ + B x)·A at x = 1.5: ∂²f/∂A² = 2x³, ∂²f/∂A∂B = x, ∂²f/∂B² = 0.
        var c = new Cubic { A = 2, B = 1 };
        const double x = 1.5;
        var h = Hessian((Cubic q) => q.Eval(x) * q.A, c);
        Close(2 * x * x * x, h[0, 0]);
        Close(x, h[0, 1]);
        Close(x, h[1, 0]);
        Close(0, h[1, 1]);
    }
}
