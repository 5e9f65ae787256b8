// NABLA0005: a named derivative ([GradientOf], [ValueWithGradientOf], [JvpOf], [HessianOf]) that does not match its
// original, reported at the attribute. The partial method is then implemented by one that throws, so the NABLA error
// is the only one (no CS8795 for a missing implementation).
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
            """));
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
            """.Replace("ATTRIBUTE", attribute)));
        Assert.StartsWith($"[{attribute}] needs a function with a double or float result, and 'F' returns 'double[]'", run.Message("NABLA0005"));
    }

    [Fact]
    public void WrongParameterTypes()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:ValueWithGradientOf(nameof(F))|}]
                public static partial (double, (double, double)) G(float x, double y);
            """));
        Assert.Equal("'G' must have the same parameter types as 'F'", run.Message("NABLA0005"));
    }

    [Fact]
    public void WrongReturnType()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:GradientOf(nameof(F))|}]
                public static partial double G(double x, double y);
            """));
        Assert.Equal("'G' must return (double, double) (tuple element names may differ), not double", run.Message("NABLA0005"));
    }

    [Fact]
    public void JvpWithoutOneTangentPerInput()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0005:JvpOf(nameof(F))|}]
                public static partial (double Value, double Tangent) G(double x, double y, double dx);
            """));
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

    [Theory]
    [InlineData("double[] H(double[] q)", "double[,]")]
    [InlineData("double H(double x, double y)", "double[,]")]
    [InlineData("double[,] H(double x)", "double")]
    public void HessianWithTheWrongResultType(string declaration, string expected)
    {
        // Was CS0029 inside the generated body: a Hessian's type follows the inputs.
        string original = declaration.Contains("q)") ? "public static double F(double[] q) => q[0] * q[0] * q[1];"
            : declaration.Contains("y)") ? "public static double F(double x, double y) => x * x * y;" : "public static double F(double x) => x * x * x;";
        var run = Verify(InClass($$"""
                [Differentiable]
                {{original}}

                [{|NABLA0005:HessianOf(nameof(F))|}]
                public static partial {{declaration}};
            """));
        Assert.StartsWith($"'H' must return {expected}, the Hessian of 'F'", run.Message("NABLA0005"));
    }
}
