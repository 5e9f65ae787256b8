// NABLA0003: derivatives are written beside the method, so every type around it must be partial.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0003Tests
{
    [Fact]
    public void NonPartialType_IsReportedAtTheMethodName()
    {
        var run = Verify(Usings + """
            public static class Physics
            {
                [Differentiable]
                public static double {|NABLA0003:Cubed|}(double x) => x * x * x;
            }
            """);
        Assert.Equal("'Physics' must be declared partial so that Nabla can write the derivatives of 'Cubed' beside it",
            run.Message("NABLA0003"));
    }

    [Fact]
    public void NonPartialOuterType_IsNamed()
    {
        var run = Verify(Usings + """
            namespace N
            {
                public class Outer
                {
                    public static partial class Inner
                    {
                        [Differentiable]
                        public static double {|NABLA0003:F|}(double x) => x * x;
                    }
                }
            }
            """);
        Assert.StartsWith("'Outer' must be declared partial", run.Message("NABLA0003"));
    }

    [Fact]
    public void NonPartialInnerType_IsNamed()
    {
        var run = Verify(Usings + """
            public partial class Outer
            {
                public class Inner
                {
                    [Differentiable]
                    public double {|NABLA0003:F|}(double x) => x * x;
                }
            }
            """);
        Assert.StartsWith("'Inner' must be declared partial", run.Message("NABLA0003"));
    }

    [Fact]
    public void PartialTypesAroundTheMethod_AreFine()
    {
        var run = Verify(Usings + """
            namespace N;
            public partial class Model
            {
                public partial struct Inner
                {
                    [Differentiable]
                    public static double F(double x) => x * x;
                }
            }
            """, false, "namespace N; public partial class Model { public int Count; }");
        Assert.Contains(run.Generated.Keys, k => k.Contains("Inner.F.Nabla.g.cs"));
    }

    [Fact]
    public void NamedDerivativeInNonPartialType_IsReportedAtTheDeclaration()
    {
        // The compiler reports CS0751 as well; the generator must not pile a crash on it.
        var run = Verify(Usings + """
            public static class Physics
            {
                [Differentiable]
                public static double {|NABLA0003:Cubed|}(double x) => x * x * x;

                [GradientOf(nameof(Cubed))]
                public static partial double {|NABLA0003:CubedGradient|}(double x);
            }
            """, allowCompilerErrors: true);
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage().Contains("derivatives of 'CubedGradient'"));
    }

    [Fact]
    public void DifferentiableTypeNotPartial_IsReportedAtItsName()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public struct {|NABLA0003:Particle|}
            {
                public double X;
            }
            """);
        Assert.Equal("'Particle' must be declared partial so that Nabla can write the derivatives of 'Particle' beside it", run.Message("NABLA0003"));
        Assert.Empty(run.Generated);
    }

    [Fact]
    public void DifferentiableTypeInNonPartialType_NamesTheOuterType()
    {
        var run = Verify(Usings + """
            public class Outer
            {
                [Differentiable]
                public partial record class {|NABLA0003:Inner|}
                {
                    public double X { get; set; }
                }
            }
            """);
        Assert.StartsWith("'Outer' must be declared partial", run.Message("NABLA0003"));
    }
}
