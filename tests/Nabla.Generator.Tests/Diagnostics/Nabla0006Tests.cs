// NABLA0006: a [DerivativeOf] rule that cannot be used: no such original, parameters that differ,
// the wrong return shape, or a body that does not end in `return (value, lambda)`.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0006Tests
{
    private const string Original = """
            public static double Square(double x) => x * x;

        """;

    [Fact]
    public void NoSuchOriginal_IsReportedAtTheAttribute()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0006:DerivativeOf(typeof(Math), "NoSuchMethod")|}]
                public static (double Value, Func<double, double> Pullback) Rule(double x) => (x, dy => dy);
            """));
        Assert.Equal("Derivative rule 'C.Rule(double)' is invalid: 'System.Math' has no method named 'NoSuchMethod'", run.Message("NABLA0006"));
    }

    [Fact]
    public void RuleForAnInstanceMethodOrAProperty_SaysNotYet()
    {
        var run = Verify(Usings + """
            public partial class Spring
            {
                public double K = 2;
                public double Energy(double x) => 0.5 * K * x * x;
                public double Half => K / 2;

                [{|NABLA0006:DerivativeOf(typeof(Spring), nameof(Energy))|}]
                public static (double Value, Func<double, double> Pullback) EnergyRule(Spring s, double x) => (s.Energy(x), dy => dy * s.K * x);

                [{|NABLA0006:DerivativeOf(typeof(Spring), nameof(Half))|}]
                public static (double Value, Func<double, double> Pullback) HalfRule(double k) => (k / 2, dy => dy / 2);
            }
            """);
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage().Contains("'Spring.Energy' is an instance method, and rules for instance methods are not supported yet"));
        Assert.Contains(run.GeneratorDiagnostics, d => d.GetMessage().Contains("'Spring.Half' is a property, and rules for property getters are not supported yet"));
    }

    [Fact]
    public void RuleUsingAPrivateHelper_IsReportedAtTheAttribute()
    {
        // The split form lives in a class of its own (was CS0122 in generated code).
        var run = Verify(InClass(Original + """
                private static double Two() => 2;
                private const double Half = 0.5;

                [{|NABLA0006:DerivativeOf(typeof(C), nameof(Square))|}]
                public static (double Value, Func<double, double> Pullback) Rule(double x) => (x * x * Half * Two(), dy => Two() * x * dy);
            """));
        Assert.EndsWith("it uses 'C.Two', which is private or protected, and the rule's split form is generated in a class of its own: make it internal or public", run.Message("NABLA0006"));
    }

    [Fact]
    public void WrongParameterTypes_IsReportedAtTheAttribute()
    {
        var run = Verify(InClass(Original + """
                [{|NABLA0006:DerivativeOf(typeof(C), nameof(Square))|}]
                public static (double Value, Func<double, double> Pullback) Rule(float x) => (x * x, dy => 2 * x * dy);
            """));
        Assert.Contains("no overload of 'C.Square' has the parameter types (float)", run.Message("NABLA0006"));
    }

    [Fact]
    public void WrongReturnShape_IsReportedAtTheRuleName()
    {
        var run = Verify(InClass(Original + """
                [DerivativeOf(typeof(C), nameof(Square))]
                public static double {|NABLA0006:Rule|}(double x) => 2 * x;
            """));
        Assert.EndsWith("it must return (double Value, Func<...> Pullback)", run.Message("NABLA0006"));
    }

    [Fact]
    public void WrongPullbackType_IsReportedAtTheRuleName()
    {
        var run = Verify(InClass(Original + """
                [DerivativeOf(typeof(C), nameof(Square))]
                public static (double Value, Func<double, (double, double)> Pullback) {|NABLA0006:Rule|}(double x) => (x * x, dy => (dy, dy));
            """));
        Assert.Contains("its pullback must take the result's cotangent (double) and return the cotangent of (x)", run.Message("NABLA0006"));
    }

    [Fact]
    public void SecondElementNotALambda_IsReportedAtIt()
    {
        var run = Verify(InClass(Original + """
                internal static double Back(double dy) => dy;

                [DerivativeOf(typeof(C), nameof(Square))]
                public static (double Value, Func<double, double> Pullback) Rule(double x) => (x * x, {|NABLA0006:Back|});
            """));
        Assert.Contains("the second element must be a lambda written in the return statement", run.Message("NABLA0006"));
    }

    [Fact]
    public void ReturnNotATupleLiteral_IsAnInvalidRule()
    {
        // The body does not end in `return (value, lambda)`: that is an invalid rule (NABLA0006), not an
        // unsupported construct of differentiable code.
        var run = Verify(InClass(Original + """
                internal static (double, Func<double, double>) Make(double x) => (x * x, dy => 2 * x * dy);

                [DerivativeOf(typeof(C), nameof(Square))]
                public static (double Value, Func<double, double> Pullback) Rule(double x)
                {
                    return {|NABLA0006:Make(x)|};
                }
            """));
        Assert.Contains("'return (value, lambda);'", run.Message("NABLA0006"));
    }

    [Fact]
    public void TwoReturns_IsReportedAtTheRuleName()
    {
        var run = Verify(InClass(Original + """
                [DerivativeOf(typeof(C), nameof(Square))]
                public static (double Value, Func<double, double> Pullback) {|NABLA0006:Rule|}(double x)
                {
                    if (x > 0) return (x * x, dy => 2 * x * dy);
                    return (x * x, dy => 2 * x * dy);
                }
            """));
        Assert.EndsWith("it must have exactly one return statement, 'return (value, lambda);'", run.Message("NABLA0006"));
    }

    [Fact]
    public void InstanceRule_IsReportedAtTheRuleName()
    {
        Verify(Usings + """
            public partial class R
            {
                public static double Square(double x) => x * x;

                [DerivativeOf(typeof(R), nameof(Square))]
                public (double Value, Func<double, double> Pullback) {|NABLA0006:Rule|}(double x) => (x * x, dy => 2 * x * dy);
            }
            """);
    }

    [Fact]
    public void ValidRules_AreFine()
    {
        var run = Verify(InClass(Original + """
                [DerivativeOf(typeof(C), nameof(Square))]
                public static (double Value, Func<double, double> Pullback) Rule(double x)
                {
                    double d = 2 * x;
                    return (x * x, dy => d * dy);
                }

                public static double Mul(double x, double y) => x * y;

                [DerivativeOf(typeof(C), nameof(Mul), Mode = DerivativeMode.Forward)]
                public static (double Value, Func<double, double, double> Differential) MulRule(double x, double y) =>
                    (x * y, (dx, dy) => dx * y + x * dy);
            """));
        Assert.Empty(run.OutputDiagnostics);
    }
}
