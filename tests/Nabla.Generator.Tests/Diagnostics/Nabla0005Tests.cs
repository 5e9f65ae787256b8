// NABLA0005: a named derivative ([GradientOf], [ValueWithGradientOf], [JvpOf]) that does not match its
// original, reported at the attribute. The partial method then has no implementation, so the compiler
// adds CS8795; the tests allow that.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0005Tests
{
    private const string Original = """
            [Differentiable]
            public static double F(double x, double y) => x * y;

        """;

    [Fact]
    public void MissingMethod()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:GradientOf("Missing")|}]
                public static partial (double, double) G(double x, double y);
            """), allowCompilerErrors: true);
        Assert.Equal("'C' has no method named 'Missing' for [GradientOf] on 'G'", run.Message("NABLA0005"));
    }

    [Theory]
    [InlineData("GradientOf")]
    [InlineData("HessianOf")]
    public void FunctionWithAnArrayResult(string attribute)
    {
        // Was NABLA0999 (a NullReferenceException): a gradient is of a scalar function.
        var run = Verify(InClass("""
                [Differentiable]
                public static double[] F(double x) => new[] { x, x * x };

                [{|NABLA0005:ATTRIBUTE(nameof(F))|}]
                public static partial double G(double x);
            """.Replace("ATTRIBUTE", attribute)), allowCompilerErrors: true);
        Assert.StartsWith($"[{attribute}] needs a function with a double or float result, and 'F' returns 'double[]'", run.Message("NABLA0005"));
    }

    [Fact]
    public void WrongParameterTypes()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:ValueWithGradientOf(nameof(F))|}]
                public static partial (double, (double, double)) G(float x, double y);
            """), allowCompilerErrors: true);
        Assert.Equal("'G' must have the same parameter types as 'F'", run.Message("NABLA0005"));
    }

    [Fact]
    public void WrongReturnType()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:GradientOf(nameof(F))|}]
                public static partial double G(double x, double y);
            """), allowCompilerErrors: true);
        Assert.Equal("'G' must return (double, double) (tuple element names may differ), not double", run.Message("NABLA0005"));
    }

    [Fact]
    public void JvpWithoutOneTangentPerInput()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:JvpOf(nameof(F))|}]
                public static partial (double Value, double Tangent) G(double x, double y, double dx);
            """), allowCompilerErrors: true);
        Assert.StartsWith("'G' must have one tangent parameter per differentiation input of 'F' (x, y)", run.Message("NABLA0005"));
    }

    [Fact]
    public void OnAMethodWithABody()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:GradientOf(nameof(F))|}]
                public static (double, double) G(double x, double y) => (y, x);
            """));
        Assert.StartsWith("[GradientOf] goes on a partial method declaration without a body", run.Message("NABLA0005"));
    }

    [Fact]
    public void MatchingDeclarations_AreFine()
    {
        var run = Verify(InClass(Original + """
                [GradientOf(nameof(F))]
                public static partial (double, double) G(double x, double y);

                [ValueWithGradientOf(nameof(F), Wrt = "y")]
                public static partial (double Value, double Gradient) VG(double x, double y);

                [JvpOf(nameof(F))]
                public static partial (double Value, double Tangent) J(double x, double y, double dx, double dy);
            """));
        Assert.Empty(run.OutputDiagnostics);
    }
}
