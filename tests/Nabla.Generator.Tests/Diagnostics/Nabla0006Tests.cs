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
        Assert.Equal("Derivative rule 'C.Rule(double)' is invalid: 'System.Math' has no method, property, indexer (\"Item\"), constructor (\".ctor\") or operator (\"op_Addition\") named 'NoSuchMethod'", run.Message("NABLA0006"));
    }

    [Fact]
    public void RulesForInstanceMethodsPropertiesIndexersAndConstructors_AreFine()
    {
        // API.md §6: the receiver first (or the instance form), "Item" for an indexer, ".ctor" for a constructor.
        var run = Verify(Usings + """
            public sealed class Spring
            {
                public double K = 2;
                public double Energy(double x) => 0.5 * K * x * x;
                public double Force(double x) => -K * x;

                [DerivativeOf(typeof(Spring), nameof(Force))]
                public (double Value, Func<double, double> Pullback) ForceRule(double x) => (Force(x), dy => -K * dy);
            }

            [Differentiable]
            public partial struct P2
            {
                public double A, B;
                public P2(double a, double b) { A = a; B = b; }
                public double Prod => A * B;
                public double this[int i] => i == 0 ? A : B;
            }

            public static class Rules
            {
                [DerivativeOf(typeof(Spring), nameof(Spring.Energy))]
                public static (double Value, Func<double, double> Pullback) Energy(Spring s, double x) => (s.Energy(x), dy => dy * s.K * x);

                [DerivativeOf(typeof(P2), nameof(P2.Prod))]
                public static (double Value, Func<double, P2.Tangent> Pullback) Prod(P2 p) => (p.Prod, dy => new P2.Tangent { A = dy * p.B, B = dy * p.A });

                [DerivativeOf(typeof(P2), "Item")]
                public static (double Value, Func<double, P2.Tangent> Pullback) Item(P2 p, int i) => (p[i], dy => i == 0 ? new P2.Tangent { A = dy } : new P2.Tangent { B = dy });

                [DerivativeOf(typeof(P2), ".ctor", Mode = DerivativeMode.Forward)]
                public static (P2 Value, Func<double, double, P2.Tangent> Differential) New(double a, double b) => (new P2(a, b), (da, db) => new P2.Tangent { A = da, B = db });
            }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void RuleForAMethodWithARefParameter_SaysNotYet()
    {
        // Was NABLA0999 in the code calling it.
        var run = Verify(InClass("""
                public static double Accumulate(ref double acc, double x) { acc += x * x; return acc; }

                [DerivativeOf(typeof(C), nameof(Accumulate))]
                public static (double Value, Func<double, (double, double)> Pullback) {|NABLA0006:AccumulateRule|}(ref double acc, double x)
                {
                    double v = Accumulate(ref acc, x);
                    return (v, dy => (dy, 2 * x * dy));
                }
            """));
        Assert.EndsWith("'C.Accumulate(ref double, double)' takes 'acc' by ref, and rules for methods with ref or out parameters are not supported yet: mark the method [Differentiable] (its body is then differentiated), or give the rule to a method that returns the new value", run.Message("NABLA0006"));
    }

    [Fact]
    public void RuleWithAnErrorInItsBody_StandsAlone()
    {
        // Code calling the rule's original is not generated (was CS0234: the split class the rule could not get).
        var run = Verify(InClass("""
                public static int Calls;
                public static double Sq(double x) => x * x;

                [DerivativeOf(typeof(C), nameof(Sq))]
                public static (double Value, Func<double, double> Pullback) SqRule(double x)
                {
                    {|NABLA0002:Calls|}++;
                    return (x * x, dy => 2 * x * dy);
                }

                [Differentiable] public static double G(double x) => Sq(x) + x;
                public static double H(double x) => Autodiff.Gradient(y => Sq(y) * 2, x);
            """));
        Assert.Single(run.GeneratorDiagnostics);
    }

    [Fact]
    public void RuleForADifferentiableMethod_SaysItReplacesTheBody()
    {
        // NABLA0022 (info): the rule, not the body, gives the method's derivatives.
        var run = Verify(InClass("""
                [Differentiable] public static double Snap(double x) => Math.Round(x);

                [{|NABLA0022:DerivativeOf(typeof(C), nameof(Snap))|}]
                public static (double Value, Func<double, double> Pullback) SnapRule(double x) => (Math.Round(x), dy => dy);
            """));
        Assert.Equal("The rule 'C.SnapRule(double)' gives the derivatives of 'C.Snap(double)', which is [Differentiable]: its derivatives and those of the code calling it come from the rule, not from its body", run.Message("NABLA0022"));
    }

    [Fact]
    public void RuleForAPropertyWithNoDifferentiableInput_SaysSo()
    {
        var run = Verify(Usings + """
            public sealed class Spring
            {
                public double K = 2;
                public double Half => K / 2;

                [DerivativeOf(typeof(Spring), nameof(Half))]
                public static (double Value, Func<double, double> Pullback) {|NABLA0006:HalfRule|}(Spring s) => (s.K / 2, dy => dy / 2);
            }
            """);
        Assert.EndsWith("the original has no differentiable input (double, float, Vector2/3/4 or a [Differentiable] struct) to differentiate", run.Message("NABLA0006"));
    }

    [Fact]
    public void RuleForAnInstanceMethodWithoutTheReceiver_ShowsTheShape()
    {
        var run = Verify(Usings + """
            public sealed class Spring
            {
                public double K = 2;
                public double Energy(double x) => 0.5 * K * x * x;

                [{|NABLA0006:DerivativeOf(typeof(Spring), nameof(Energy))|}]
                public static (double Value, Func<double, double> Pullback) EnergyRule(double x) => (x, dy => dy);
            }
            """);
        Assert.EndsWith("no overload of 'Spring.Energy' has the parameter types (double); the rule's parameters must equal the original's, after the receiver for an instance member: (Spring self, double)", run.Message("NABLA0006"));
    }

    [Fact]
    public void PullbackReturningTheWrongReceiverTangent_NamesTheTangent()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct P2 { public double A, B; public double Sum() => A + B; }

            public static class Rules
            {
                [DerivativeOf(typeof(P2), nameof(P2.Sum))]
                public static (double Value, Func<double, double> Pullback) {|NABLA0006:Sum|}(P2 p) => (p.Sum(), dy => dy);
            }
            """);
        Assert.EndsWith("its pullback must take the result's cotangent (double) and return the cotangent of (this) (P2.Tangent)", run.Message("NABLA0006"));
    }

    [Fact]
    public void RuleForAMemberOfADifferentiableClass_SaysNotYet()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial class Model { public double W; public double Apply(double x) => W * x; }

            public static class Rules
            {
                [DerivativeOf(typeof(Model), nameof(Model.Apply))]
                public static (double Value, Func<double, double> Pullback) {|NABLA0006:Apply|}(Model m, double x) => (m.Apply(x), dy => dy * m.W);
            }
            """);
        Assert.StartsWith("Derivative rule 'Rules.Apply(Model, double)' is invalid: its receiver is not a double, float, one-dimensional array of them, Vector2/3/4 or [Differentiable] struct", run.Message("NABLA0006"));
    }

    [Fact]
    public void RulesOverArrays_AreFine()
    {
        // Verify asserts that no diagnostic is reported and that the generated code compiles.
        Verify(Usings + """
            public static class Lin
            {
                public static double Dot(double[] a, double[] b) { double s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * b[i]; return s; }
                public static float[] Square(float[] a) { var r = new float[a.Length]; for (int i = 0; i < a.Length; i++) r[i] = a[i] * a[i]; return r; }
            }

            public static class Rules
            {
                [DerivativeOf(typeof(Lin), nameof(Lin.Dot))]
                public static (double Value, Func<double, (double[], double[])> Pullback) Dot(double[] a, double[] b) =>
                    (Lin.Dot(a, b), g => (Array.ConvertAll(b, v => g * v), Array.ConvertAll(a, v => g * v)));

                [DerivativeOf(typeof(Lin), nameof(Lin.Square), Mode = DerivativeMode.Forward)]
                public static (float[] Value, Func<float[], float[]> Differential) Square(float[] a)
                {
                    var y = Lin.Square(a);
                    return (y, da => { var t = new float[a.Length]; for (int i = 0; i < a.Length; i++) t[i] = 2 * a[i] * da[i]; return t; });
                }
            }
            """);
    }

    [Fact]
    public void RuleTakingADerivativeOfALambda_SaysWhy()
    {
        // The rule's body is compiled again in its split form, where no interceptor binds the lambda's derivatives.
        var run = Verify(InClass(Original + """
                [DerivativeOf(typeof(C), nameof(Square))]
                public static (double Value, Func<double, double> Pullback) Rule(double x)
                {
                    var (v, pb) = {|NABLA0006:Autodiff.ValueWithPullback(t => t * t, x)|};
                    return (v, g => pb(g));
                }
            """));
        Assert.EndsWith("it calls Autodiff.ValueWithPullback on a lambda, whose derivatives are bound where it is written, and the rule's body is compiled again in its split form: pass a [Differentiable] method (a method group), or write the derivative out", run.Message("NABLA0006"));
    }

    [Fact]
    public void RuleMixingArraysAndAStruct_NamesTheStruct()
    {
        var run = Verify(Usings + """
            using System.Numerics;

            public static class Lin { public static double Along(double[] a, Vector2 v) => a[0] * v.X + a[1] * v.Y; }

            public static class Rules
            {
                [DerivativeOf(typeof(Lin), nameof(Lin.Along))]
                public static (double Value, Func<double, (double[], Vector2)> Pullback) {|NABLA0006:Along|}(double[] a, Vector2 v) =>
                    (Lin.Along(a, v), g => (new[] { g * v.X, g * v.Y }, new Vector2((float)(g * a[0]), (float)(g * a[1]))));
            }
            """);
        Assert.EndsWith("it mixes arrays with 'System.Numerics.Vector2': a rule over arrays takes and returns double, float and one-dimensional arrays of them (make the struct's members parameters, or write the function as a [Differentiable] method)", run.Message("NABLA0006"));
    }

    [Fact]
    public void RuleOverAJaggedArray_SaysWhatRulesTake()
    {
        var run = Verify(Usings + """
            public static class Lin { public static double First(double[][] a) => a[0][0]; }

            public static class Rules
            {
                [DerivativeOf(typeof(Lin), nameof(Lin.First))]
                public static (double Value, Func<double, double[][]> Pullback) {|NABLA0006:First|}(double[][] a) => (Lin.First(a), g => a);
            }
            """);
        Assert.Contains("'a' is not a double, float, one-dimensional array of them, Vector2/3/4 or [Differentiable] struct of reals", run.Message("NABLA0006"));
    }

    [Fact]
    public void RuleUsingAPrivateHelper_IsReportedAtTheRule()
    {
        // The split form lives in a class of its own (was CS0122 in generated code).
        var run = Verify(InClass(Original + """
                private static double Two() => 2;
                private const double Half = 0.5;

                [DerivativeOf(typeof(C), nameof(Square))]
                public static (double Value, Func<double, double> Pullback) {|NABLA0006:Rule|}(double x) => (x * x * Half * Two(), dy => Two() * x * dy);
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
    public void InstanceRuleForAStaticMethod_IsReportedAtTheRule()
    {
        var run = Verify(Usings + """
            public partial class R
            {
                public static double Square(double x) => x * x;

                [DerivativeOf(typeof(R), nameof(Square))]
                public (double Value, Func<double, double> Pullback) {|NABLA0006:Rule|}(double x) => (x * x, dy => 2 * x * dy);
            }
            """);
        Assert.EndsWith("'R.Square' is static, and so must its rule be", run.Message("NABLA0006"));
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
