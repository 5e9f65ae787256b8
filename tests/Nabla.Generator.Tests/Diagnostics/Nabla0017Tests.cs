// NABLA0017 (warning): a varied real converted to an integer, decimal or string whose converted value still
// reaches the result: the result depends on the input there, but no derivative flows through the conversion.
// Reported at the conversion; comparisons, array indices, explicit rounding and WithoutDerivative are not.
using System.Linq;
using Microsoft.CodeAnalysis;
using Nabla.Generator.Tests.Harness;
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0017Tests
{
    [Fact]
    public void CastToInt_IsReportedAtTheCast_AndTheDerivativeThroughItIsZero()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    double y = default;
                    int n = {|NABLA0017:(int)x|};
                    return (float)x * n + y;
                }
            """));
        var d = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        string message = run.Message("NABLA0017");
        Assert.Contains("converted to 'int'", message);
        Assert.Contains("differentiation input of 'F'", message);
        Assert.Contains("Math.Floor", message);
        Assert.Contains("Autodiff.WithoutDerivative(...)", message);
        // Still generated: d/dx (x * (int)x) = (int)x, the part through the cast counted as zero.
        using var asm = new EmittedAssembly(run.Output);
        var vg = ((double Value, double Gradient))asm.Call("C", "F_ValueWithGradient", 2.5)!;
        Assert.Equal(5.0, vg.Value);
        Assert.Equal(2.0, vg.Gradient, 5);
    }

    [Fact]
    public void LongCastsStringsAndConvertCalls_AreReported()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x, double y)
                {
                    long k = {|NABLA0017:(long)(x * y)|};
                    double s = double.Parse({|NABLA0017:x.ToString()|});
                    int m = {|NABLA0017:Convert.ToInt32(y)|};
                    return k + s + m * x;
                }
            """));
    }

    [Fact]
    public void ValueFlowingThroughAVariableInALoop_IsReported()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x, int n)
                {
                    int acc = 0;
                    for (int i = 0; i < n; i++) acc += {|NABLA0017:(int)(x * i)|};
                    return acc * 0.5 + x;
                }
            """));
    }

    [Fact]
    public void ComparisonsIndicesRoundingAndCuts_AreNotReported()
    {
        Verify(InClass("""
                [Differentiable]
                public static double Branch(double x) => (int)x > 2 ? x * x : x;

                [Differentiable]
                public static double Lookup(double[] table, double x) => table[(int)x] * x;

                [Differentiable]
                public static double Interpolate(double[] a, double x)
                {
                    int i = (int)Math.Floor(x);
                    double t = x - i;
                    return a[i] * (1 - t) + a[i + 1] * t;
                }

                [Differentiable]
                public static double Cut(double x) => (int)Autodiff.WithoutDerivative(x) * x;

                [Differentiable]
                public static double Unused(double x) { int n = (int)x; Console.WriteLine(x.ToString()); return x * x; }

                [Differentiable]
                public static double Constant(double x, int n) => (double)n * x;

                [Differentiable]
                public static double Signs(double x) => x * Math.Sign(x) + x * double.Sign(x) + x * Math.ILogB(x) + x * double.ILogB(x);
            """));
    }

    [Fact]
    public void InlinedHelper_IsReportedOnceAtItsOwnCast()
    {
        // The helper is inlined into F; its cast is reported once, for the helper itself, not again for F.
        Verify(InClass("""
                [Differentiable]
                public static double H(double x) => {|NABLA0017:(int)x|} * 1.0 + x;

                [Differentiable]
                public static double F(double x) => H(x) * 2;
            """));
    }

    [Fact]
    public void ResultDependingOnlyThroughConversions_IsNABLA0017Only_NamingTheConversion()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x) => double.Parse({|NABLA0017:x.ToString()|}) + {|NABLA0017:Convert.ToInt32(x)|};
            """));
        var messages = run.GeneratorDiagnostics.Select(d => d.GetMessage()).ToList();
        Assert.Contains(messages, m => m.Contains("converted to 'string' by 'double.ToString'"));
        Assert.Contains(messages, m => m.Contains("converted to 'int' by 'System.Convert.ToInt32'"));
    }

    [Fact]
    public void CastInsideAnOperatorLambda_IsReported()
    {
        var run = Verify(InClass("""
                public static double G(double x0) => Autodiff.Gradient(x => {|NABLA0017:(int)x|} * x, x0);
            """));
        Assert.Contains("input of 'the lambda'", run.Message("NABLA0017"));
    }
}
