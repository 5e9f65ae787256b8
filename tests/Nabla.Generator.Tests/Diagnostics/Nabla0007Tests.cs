// NABLA0007: Wrt names a parameter that is unknown or cannot carry a derivative.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0007Tests
{
    [Fact]
    public void UnknownName_OnDifferentiable()
    {
        var run = Verify(InClass("""
                [{|NABLA0007:Differentiable(Wrt = "z")|}]
                public static double F(double x, double y) => x * y;
            """));
        Assert.Equal("'z' in Wrt is not a differentiable parameter of 'F' (differentiable parameters: x, y)", run.Message("NABLA0007"));
    }

    [Fact]
    public void NoDerivativeParameter_OnANamedGradient()
    {
        // Was accepted, giving the derivative with respect to the parameter marked as data.
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, [NoDerivative] double y) => x * y;

                [{|NABLA0007:GradientOf(nameof(F), Wrt = "y")|}]
                public static partial double G(double x, double y);
            """));
        Assert.Equal("'y' in Wrt is not a differentiable parameter of 'F' (differentiable parameters: x)", run.Message("NABLA0007"));
    }

    [Fact]
    public void UnknownName_OnANamedHessian_IsNamedInTheMessage()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, double y) => x * y * y;

                [{|NABLA0015:HessianOf(nameof(F), Wrt = "x, zz")|}]
                public static partial double[,] H(double x, double y);
            """));
        Assert.Contains("'zz' in Wrt is not a differentiable parameter of 'F'", run.Message("NABLA0015"));
    }

    [Fact]
    public void NonRealParameter_OnDifferentiable()
    {
        var run = Verify(InClass("""
                [{|NABLA0007:Differentiable(Wrt = "x, n")|}]
                public static double F(double x, int n) => x * n;
            """));
        Assert.Equal("'n' in Wrt is not a differentiable parameter of 'F' (differentiable parameters: x)", run.Message("NABLA0007"));
    }

    [Fact]
    public void UnknownName_OnNamedDerivative()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, double y) => x * y;

                [{|NABLA0007:GradientOf(nameof(F), Wrt = "q")|}]
                public static partial double G(double x, double y);
            """));
        Assert.StartsWith("'q' in Wrt is not a differentiable parameter of 'F'", run.Message("NABLA0007"));
    }

    [Fact]
    public void ValidWrt_IsFine()
    {
        Verify(InClass("""
                [Differentiable(Wrt = "y")]
                public static double F(double x, double y, int n) => x * y * n;
            """));
    }
}
