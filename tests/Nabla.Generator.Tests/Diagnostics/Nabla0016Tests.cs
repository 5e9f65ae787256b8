// NABLA0016 (warning): nothing a [Differentiable] method returns or writes depends on a differentiation
// input, so its derivative is always zero. Reported at every returned expression (at the name of a void
// method); silenced by Autodiff.WithoutDerivative(...) around the returned value. Derivatives are still generated.
using System.Linq;
using Microsoft.CodeAnalysis;
using Nabla.Generator.Tests.Harness;
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0016Tests
{
    [Fact]
    public void ConstantResult_IsReportedAtTheReturnedExpression_AndStillDifferentiatedToZero()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x) => {|NABLA0016:2.5 * Math.PI|};
            """));
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        string message = run.Message("NABLA0016");
        Assert.Contains("'F' does not depend on any differentiation input (x)", message);
        Assert.Contains("always zero", message);
        Assert.Contains("Autodiff.WithoutDerivative(...)", message);
        // A warning: the derivatives are generated, and they are zero.
        using var asm = new EmittedAssembly(run.Output);
        var vg = ((double Value, double Gradient))asm.Call("C", "F_ValueWithGradient", 3.0)!;
        Assert.Equal(2.5 * System.Math.PI, vg.Value);
        Assert.Equal(0.0, vg.Gradient);
    }

    [Fact]
    public void EveryReturnedExpression_IsReported_WhenNoneDependsOnAnInput()
    {
        // A comparison only picks the branch: each branch returns a constant, so the derivative is zero everywhere.
        Verify(InClass("""
                [Differentiable]
                public static double Sign(double x, double y)
                {
                    if (x > y)
                        return {|NABLA0016:1|};
                    double k = 3;
                    return {|NABLA0016:-k|};
                }
            """));
    }

    [Fact]
    public void ResultDependingOnlyOnAParameterOutsideWrt_IsReported()
    {
        var run = Verify(InClass("""
                [Differentiable(Wrt = "x")]
                public static double F(double x, double y) => {|NABLA0016:y * y|};
            """));
        Assert.Contains("differentiation input (x)", run.Message("NABLA0016"));
    }

    [Fact]
    public void VoidMethodWritingNoVariedValue_IsReportedAtItsName()
    {
        Verify(InClass("""
                [Differentiable]
                public static void {|NABLA0016:Fill|}(double[] a, double x)
                {
                    for (int i = 0; i < a.Length; i++) a[i] = i;
                }
            """));
    }

    [Fact]
    public void ResultWrappedInWithoutDerivative_IsNotReported()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x) => Autodiff.WithoutDerivative(x * x);

                [Differentiable]
                public static double G(double x)
                {
                    if (x > 0) return (Autodiff.WithoutDerivative(1.0));
                    return Autodiff.WithoutDerivative(-1.0);
                }
            """));
    }

    [Fact]
    public void ResultsThatDependOnAnInput_AreNotReported()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x) { if (x > 0) return 1; return x * x; }

                [Differentiable]
                public static double Floor(double x) => Math.Floor(x);   // a rule says its derivative is zero: intended

                [Differentiable]
                public static void Scale(double[] a, double x) { for (int i = 0; i < a.Length; i++) a[i] = a[i] * x; }

                [Differentiable]
                public static double Identity(double[] a) => a[0];

                [Differentiable]
                public static void Out(double x, out double y) { y = 2 * x; }
            """));
    }

    [Fact]
    public void DocExamples_AreReportedWhereTheDocsSay()
    {
        Verify(InClass("""
                [Differentiable]
                public static double Step(double x) => {|NABLA0016:x > 0 ? 1 : 0|};

                [Differentiable(Wrt = "x")]
                public static double Area(double x, double r) => {|NABLA0016:Math.PI * r * r|};
            """));
    }

    [Fact]
    public void IsLocatedInTheSyntaxTree_SoThatPragmasApply()
    {
        // The generator's diagnostics are located in the compilation's syntax tree, so that the compiler's filter
        // sees pragmas around them (a path-only location is in no tree). The generator still reports both; csc
        // drops the one under the pragma: ConsumerBuildTests builds a pragma'd constant method with the real SDK.
        var run = Harness.Harness.Run(InClass("""
                [Differentiable]
            #pragma warning disable NABLA0016
                public static double Quiet(double x) => 1;
            #pragma warning restore NABLA0016

                [Differentiable]
                public static double Loud(double x) => 2;
            """));
        Assert.Equal(2, run.GeneratorDiagnostics.Count(d => d.Id == "NABLA0016"));
        Assert.All(run.GeneratorDiagnostics, d => Assert.Same(run.Input.SyntaxTrees[0], d.Location.SourceTree));
    }

    [Fact]
    public void ConstantLambda_IsReportedInsideIt_AndStillIntercepted()
    {
        var run = Verify(InClass("""
                public static double G(double x0) => Autodiff.Gradient(x => {|NABLA0016:1.5|}, x0);
            """));
        Assert.Contains("The result of 'the lambda' does not depend", run.Message("NABLA0016"));
        // A warning does not cost the lambda its interceptor: the gradient is computed, and it is zero.
        Assert.Contains(run.Generated.Keys, k => k.StartsWith("Nabla.Interceptors.", System.StringComparison.Ordinal));
        using var asm = new EmittedAssembly(run.Output);
        Assert.Equal(0.0, (double)asm.Call("C", "G", 2.0)!);
    }
}
