// NABLA0001: a call on the active path to a method with neither [Differentiable] nor a rule is an
// error at the invocation, naming the callee and the fixes; inactive calls are not errors.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0001Tests
{
    [Fact]
    public void UnmarkedHelper_IsReportedAtTheInvocation_NamingCalleeAndFixes()
    {
        var run = Verify(InClass("""
                static double Helper(double x) => x * 2;

                [Differentiable]
                public static double F(double x) => {|NABLA0001:Helper(x)|} + 1;
            """));
        string message = run.Message("NABLA0001");
        Assert.Contains("'C.Helper' has no derivative", message);
        Assert.Contains("differentiation input of 'F'", message);
        Assert.Contains("mark 'C.Helper' [Differentiable]", message);
        Assert.Contains("[DerivativeOf]", message);
        Assert.Contains("Autodiff.WithoutDerivative", message);
    }

    [Fact]
    public void UnmarkedOperator_IsReportedAtTheOperation_AsAnOperator()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct V
            {
                public double X, Y;
                [Differentiable] public static V operator +(V a, V b) => new V { X = a.X + b.X, Y = a.Y + b.Y };
                public static V operator /(V a, double s) => new V { X = a.X / s, Y = a.Y / s };
            }

            public static partial class C
            {
                [Differentiable]
                public static double F(V v) { var h = {|NABLA0001:(v + v) / 2.0|}; return h.X * h.Y; }
            }
            """);
        Assert.Contains("'V.operator /' has no derivative", run.Message("NABLA0001"));
        Assert.Contains("mark 'V.operator /' [Differentiable]", run.Message("NABLA0001"));
    }

    /// <summary>
    /// A rejected method passed to operators (as a method group, through a forwarding lambda): its error alone, no C#
    /// error from interceptors calling derivatives that were not generated (Verify compiles the program with them).
    /// </summary>
    [Fact]
    public void RejectedMethodPassedToOperators_ItsErrorAlone()
    {
        Verify(InClass("""
                static double Helper(double x) => x * 2;
                [Differentiable] public static double F(double x) => {|NABLA0001:Helper(x)|} + 1;
                public static double M(double at) =>
                    Autodiff.Gradient(F, at) + Autodiff.Gradient(t => F(t), at) + Autodiff.Derivative(F, at) + Autodiff.ValueWithGradient(F, at).Value;
            """));
    }

    [Fact]
    public void Note_PointsAtTheDifferentiableThatAsked()
    {
        var run = Verify(InClass("""
                static double Helper(double x) => x * 2;

                [Differentiable]
                public static double F(double x) => {|NABLA0001:Helper(x)|} + 1;
            """));
        var d = System.Linq.Enumerable.Single(run.DriverDiagnostics, x => x.Id == "NABLA0001");
        var also = Assert.Single(d.AdditionalLocations);
        Assert.Equal("Differentiable", also.SourceTree!.ToString().Substring(also.SourceSpan.Start, also.SourceSpan.Length));
    }

    [Fact]
    public void BclMethodWithoutRule_IsReportedAtTheInvocation()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    double y = x * x;
                    return Math.Sin(y) + {|NABLA0001:double.Ieee754Remainder(y, 3.0)|};
                }
            """));
        Assert.Contains("'double.Ieee754Remainder'", run.Message("NABLA0001"));
    }

    [Fact]
    public void EveryActiveCall_IsReported()
    {
        Verify(InClass("""
                static double Helper(double x) => x * 2;
                static double Other(double x, double y) => x - y;

                [Differentiable]
                public static double F(double x, double y)
                {
                    double a = {|NABLA0001:Helper(x)|};
                    if (y > 0)
                        a += {|NABLA0001:Other(a, y)|};
                    return a;
                }
            """));
    }

    [Fact]
    public void CallWhoseArgumentsAreConstants_IsNotAnError()
    {
        Verify(InClass("""
                static double Helper(double x) => x * 2;

                [Differentiable]
                public static double F(double x) => Helper(2.0) * x;
            """));
    }

    [Fact]
    public void CallOnNoDerivativeParameterOrDataOnly_IsNotAnError()
    {
        Verify(InClass("""
                static double Helper(double x) => x * 2;

                [Differentiable]
                public static double F(double x, [NoDerivative] double k, int n) => Helper(k) * x + Helper(n);
            """));
    }

    [Fact]
    public void CallWrappedInWithoutDerivative_IsNotAnError()
    {
        Verify(InClass("""
                static double Helper(double x) => x * 2;

                [Differentiable]
                public static double F(double x) => Autodiff.WithoutDerivative(Helper(x)) * x;
            """));
    }

    [Fact]
    public void CallWhoseResultDoesNotReachTheResult_IsNotAnError()
    {
        Verify(InClass("""
                static double Helper(double x) => x * 2;

                [Differentiable]
                public static double F(double x)
                {
                    double unused = Helper(x);
                    if (Helper(x) > 0)   // a comparison: only the branch taken matters
                        return x * x;
                    return -x;
                }
            """));
    }

    [Fact]
    public void CallsToDifferentiableMethodsAndRules_AreNotErrors()
    {
        Verify(InClass("""
                [Differentiable]
                public static double Square(double x) => x * x;

                public static double Twice(double x) => 2 * x;

                [DerivativeOf(typeof(C), nameof(Twice))]
                public static (double Value, Func<double, double> Pullback) TwiceRule(double x) => (2 * x, dy => 2 * dy);

                [Differentiable]
                public static double F(double x) => Square(x) + Twice(x) + Math.Exp(x) + Math.Sin(x);
            """));
    }

    [Fact]
    public void CallWritingADifferentiatedValueIntoARefArgument_IsReported()
    {
        // The callee has no derivative, but what it writes into 'a' depends on x: was a silent zero (NABLA0016).
        var run = Verify(InClass("""
                public static double Accumulate(ref double acc, double x) { acc += x * x; return acc; }

                [Differentiable]
                public static double F(double x) { double a = 1; {|NABLA0001:Accumulate(ref a, x)|}; return a * 2; }
            """));
        Assert.StartsWith("'C.Accumulate' has no derivative, but its result depends on a differentiation input of 'F'", run.Message("NABLA0001"));
    }
}
