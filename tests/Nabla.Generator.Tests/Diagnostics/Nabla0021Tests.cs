// NABLA0021: derivatives nested deeper than a rule's partials are generated (RuleChains.MaxOrder, fourth order),
// reported at the outermost lambda; to the bound, nesting through a rule compiles without diagnostics.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0021Tests
{
    [Fact]
    public void FifthOrderThroughAMathRule_IsReportedAtTheOuterLambda()
    {
        var run = Verify(InClass("""
                public static double G() => Autodiff.Derivative({|NABLA0021:a => Autodiff.Derivative(x => Autodiff.Derivative(y => Autodiff.Derivative(z => Autodiff.Derivative(w => System.Math.Sin(w), z), y), x), a)|}, 1.0);
            """));
        Assert.StartsWith("The lambda passed to Autodiff.Derivative cannot be differentiated: ", run.Message("NABLA0021"));
        Assert.Contains("'Math.Sin (partial 0, 0, 0)' beyond order 4, the highest a rule's partial derivatives are generated for", run.Message("NABLA0021"));
    }

    [Fact]
    public void HessianOfAThirdDerivativeThroughARule_IsReportedAtTheLambda()
    {
        // A Hessian of a third derivative is fifth order.
        var run = Verify(InClass("""
                public static double[,] G(double[] v) => Autodiff.Hessian({|NABLA0021:u => Autodiff.Derivative(x => Autodiff.Derivative(y => Autodiff.Derivative(z => System.Math.Exp(z * u[1]), y), x), u[0])|}, v);
            """));
        Assert.Contains("beyond order 4", run.Message("NABLA0021"));
    }

    [Fact]
    public void FourthOrderThroughMathAndUserRules_HasNoDiagnostic()
    {
        Verify("""
            using System;
            using Nabla;

            public static class Opaque
            {
                public static double Bump(double x) => Math.Exp(-x * x);
            }

            public static class Rules
            {
                [DerivativeOf(typeof(Opaque), nameof(Opaque.Bump))]
                public static (double Value, Func<double, double> Pullback) Bump(double x)
                {
                    double y = Math.Exp(-x * x);
                    return (y, dy => dy * -2 * x * y);
                }
            }

            public static partial class C
            {
                public static double G() => Autodiff.Derivative(a => Autodiff.Derivative(x => Autodiff.Derivative(y => Autodiff.Derivative(z => System.Math.Atan2(z, 1 + z * z), y), x), a), 0.5);
                public static double H() => Autodiff.Derivative(a => Autodiff.Derivative(x => Autodiff.Derivative(y => Autodiff.Derivative(z => Opaque.Bump(z), y), x), a), 0.5);
            }
            """);
    }
}
