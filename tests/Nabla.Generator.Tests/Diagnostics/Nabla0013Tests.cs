// NABLA0013: an inline lambda passed to a differential operator that cannot be differentiated, reported at the
// lambda (or at the construct inside it); NABLA0014: a method group with no derivative.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0013Tests
{
    [Fact]
    public void LambdaAssigningACapturedVariable()
    {
        var run = Verify(InClass("""
                public static double G()
                {
                    int calls = 0;
                    return Autodiff.Gradient(x => { {|NABLA0013:calls|}++; return x * x; }, 1.0);
                }
            """));
        Assert.StartsWith("The lambda passed to Autodiff.Gradient cannot be differentiated: it assigns the captured variable 'calls'", run.Message("NABLA0013"));
    }

    [Fact]
    public void LambdaCallingACapturedFunction()
    {
        // Its derivatives would be known only at run time (was: no interceptor, no diagnostic, a run-time exception).
        var run = Verify(InClass("""
                public static float Grad([Differentiable] Func<float, float, float> loss) =>
                    Autodiff.Gradient({|NABLA0013:x => loss(x * x, 10f)|}, 1f);
            """));
        Assert.StartsWith("The lambda passed to Autodiff.Gradient cannot be differentiated: it calls a function it captures ('loss')", run.Message("NABLA0013"));
    }

    [Fact]
    public void LambdaWhoseDerivativesCannotBeGenerated_SaysSo()
    {
        // A constructor of a generic struct has no derivatives (yet): was no interceptor, no diagnostic, a run-time exception.
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct Tensor<T> where T : System.Numerics.IFloatingPointIeee754<T>
            {
                public T Value;
                [Differentiable] public Tensor(T v) { Value = v; }
            }
            public static class Use
            {
                public static float G() => Autodiff.Derivative({|NABLA0013:(float x) => new Tensor<float>(x).Value * 2f|}, 4f);
            }
            """);
        Assert.Contains("its derivatives could not be generated", run.Message("NABLA0013"));
    }

    [Fact]
    public void TupleWithADataElement()
    {
        // The operators type the tangent as the input itself; a tuple's tangent drops its data elements.
        var run = Verify(InClass("""
                public static (double, int) G() => Autodiff.Gradient({|NABLA0013:((double V, int N) p) => p.V * p.N|}, (3.0, 2));
            """));
        Assert.Contains("its input 1 is of type '(double", run.Message("NABLA0013"));
        Assert.Contains("whose tangent is of another type", run.Message("NABLA0013"));
    }

    [Theory]
    // (Gradient and ValueWithGradient of two to four inputs, some of a [Differentiable] type, have overloads typed by their
    // Tangents: ApiTwoInputTests, SeveralInputsWithDifferentiableTypesTests.)
    [InlineData("Autodiff.Vjp({|NABLA0013:(q, y, z) => F(q) * y * z|}, s, 2.0, 3.0, 1.0)", "input 1 is of type 'S'")]
    [InlineData("Autodiff.Jvp({|NABLA0013:(y, q) => F(q) * y|}, 2.0, s, 1.0, default(S))", "input 2 is of type 'S'")]
    [InlineData("Autodiff.Gradient({|NABLA0013:q => F(q[0]) + F(q[1])|}, new[] { s, s })", "input 1 is of type 'S[]'")]
    [InlineData("Autodiff.Gradient({|NABLA0013:q => F(q.Item1) * q.Item2|}, (s, 2.0))", "input 1 is of type '(S")]
    public void DifferentiableTypeAmongSeveralInputsOrInAnArrayOrTuple(string call, string which)
    {
        // The operators type these tangents as the inputs themselves; a [Differentiable] type's tangent is another type.
        var run = Verify(Usings + """

            [Differentiable]
            public partial struct S { public double A; }

            public static partial class C
            {
                [Differentiable]
                public static double F(S s) => s.A * s.A;

                public static object G(S s) => CALL;
            }
            """.Replace("CALL", call), allowCompilerErrors: true);
        Assert.Contains(which, run.Message("NABLA0013"));
        Assert.Contains("whose tangent is of another type", run.Message("NABLA0013"));
    }

    [Theory]
    [InlineData("Autodiff.Derivative({|NABLA0013:Make|}, 2.0)", "its result is of type 'S', whose tangent is a 'S.Tangent', and C# types the operator by that tangent only for a lambda: pass t => Make(t)")]
    [InlineData("Autodiff.Vjp({|NABLA0013:(x, y) => Make(x * y)|}, 2.0, 3.0, default(S))", "its result is of type 'S', whose tangent is of another type")]
    public void DifferentiableTypeAsTheResult(string call, string message)
    {
        // A lambda of one scalar returning S has operators typed by S.Tangent; a method group, or several inputs, do not.
        var run = Verify(Usings + """

            [Differentiable]
            public partial struct S { public double A; }

            public static partial class C
            {
                [Differentiable]
                public static S Make(double x) => new S { A = x * x };

                public static object G() => CALL;
            }
            """.Replace("CALL", call), allowCompilerErrors: true);
        Assert.Contains(message, run.Message("NABLA0013"));
    }

    [Fact]
    public void SecondOrderThroughARuleWithoutPartials_IsReportedAtTheOuterLambda()
    {
        // Nested derivatives go through a rule's partials (third and fourth order too, NABLA0021 beyond); a rule whose
        // pullback is a block has none, so its first derivative cannot be differentiated again.
        var run = Verify("""
            using System;
            using Nabla;

            public static class Opaque
            {
                public static double Cube(double x) => x * x * x;
            }

            public static class Rules
            {
                [DerivativeOf(typeof(Opaque), nameof(Opaque.Cube))]
                public static (double Value, Func<double, double> Pullback) Cube(double x)
                {
                    return (x * x * x, dy => { double d = 3 * x * x; return dy * d; });
                }
            }

            public static partial class C
            {
                public static double G() => Autodiff.Derivative({|NABLA0013:x => Autodiff.Derivative(y => Opaque.Cube(y), x)|}, 1.0);
            }
            """);
        Assert.Contains("cannot be differentiated again", run.Message("NABLA0013"));
        Assert.Contains("'Opaque.Cube' has no differentiable first derivative", run.Message("NABLA0013"));
    }

    [Fact]
    public void NestedDerivativeOfAMethodGroupWithoutDerivative_SaysWhy()
    {
        // A method group inside a derivative is differentiated as y => M(y): a method with no rule and no
        // [Differentiable] fails there, and the message carries the reason.
        var run = Verify(Usings + """

            public static class Plain
            {
                public static double Twice(double x) => 2 * x;
            }

            public static partial class C
            {
                public static double G() => Autodiff.Derivative({|NABLA0013:x => Autodiff.Derivative({|NABLA0014:Plain.Twice|}, x)|}, 1.0);
            }
            """);
        Assert.Contains("the function of a nested derivative cannot be differentiated", run.Message("NABLA0013"));
        Assert.Contains("'Plain.Twice'", run.Message("NABLA0013"));
    }

    [Fact]
    public void LambdaWithADataInput()
    {
        var run = Verify(InClass("""
                public static double G() => Autodiff.Gradient<int, double>({|NABLA0013:n => n * 2.0|}, 1);
            """), allowCompilerErrors: true);
        Assert.Contains("its parameter 'n' has type 'int'", run.Message("NABLA0013"));
    }

    [Fact]
    public void LambdaReadingAPrivateMemberOfATypeThatIsNotPartial()
    {
        var run = Verify(Usings + """
            public static class Host
            {
                private static double Scale = 2;
                public static double G() => Autodiff.Gradient({|NABLA0013:x => Scale * x|}, 1.0);
            }
            """);
        Assert.Contains("inaccessible due to its protection level", run.Message("NABLA0013"));
        Assert.Contains("make the containing type partial", run.Message("NABLA0013"));
    }

    [Fact]
    public void PrivateMemberOfAPartialType_IsReachable()
    {
        Verify(InClass("""
                private static double Scale = 2;
                public static double G() => Autodiff.Gradient(x => Scale * x * x, 1.0);
            """));
    }

    [Fact]
    public void CallWithoutDerivativeInsideTheLambda_IsReportedAtTheCall()
    {
        var run = Verify(InClass("""
                public static double Opaque(double x) => x;
                public static double G() => Autodiff.Gradient(x => {|NABLA0001:Opaque(x)|} * 2, 1.0);
            """));
        Assert.StartsWith("'C.Opaque' has no derivative", run.Message("NABLA0001"));
    }

    [Fact]
    public void InstanceMethodGroupOfADifferentiableClass_SaysToPassALambda()
    {
        // Its derivatives take the receiver as an input; was NotDifferentiableException at run time.
        var run = Verify(Usings + """
            [Differentiable]
            public partial class Model
            {
                public double K = 2;
                [Differentiable] public double Loss(double x) => K * x * x;
            }

            public static class Use
            {
                public static double G(Model m) => Autodiff.Derivative({|NABLA0014:m.Loss|}, 3.0);
            }
            """);
        Assert.EndsWith("pass a lambda capturing the receiver (x => m.Loss(x))", run.Message("NABLA0014"));
    }

    [Fact]
    public void HessianThroughARuleCallingAHelperWithoutDerivative_IsReported()
    {
        // The rule's partials are written from its body, which calls Pdf: without a derivative for Pdf they cannot be
        // differentiated (was C# errors in the generated code, CS0426 and CS0117).
        var run = Verify(Usings + """
            public static partial class N
            {
                public static double Cdf(double x) => 0.5 * (1 + System.Math.Tanh(x));
                public static double Pdf(double x) => 0.5 * (1 - System.Math.Tanh(x) * System.Math.Tanh(x));

                [DerivativeOf(typeof(N), nameof(Cdf))]
                public static (double Value, System.Func<double, double> Pullback) CdfRule(double x)
                {
                    double p = Pdf(x);
                    return (Cdf(x), dy => dy * p);
                }

                [Differentiable] public static double F(double x) => Cdf(x);
                public static double G() => Autodiff.Hessian({|NABLA0015:F|}, 0.5);
            }
            """);
        Assert.Contains("'N.Cdf' has no differentiable first derivative", run.Message("NABLA0015"));
        Assert.Contains("whose body calls a method with no derivative (mark that helper [Differentiable])", run.Message("NABLA0015"));
    }

    [Fact]
    public void HessianOfAMethodGroupWithARule_SaysToPassALambda()
    {
        // Was NotDifferentiableException at run time: a rule gives first derivatives only through the registry.
        var run = Verify(InClass("""
                public static double G() => Autodiff.Hessian({|NABLA0014:System.Math.Sin|}, 1.0);
            """));
        Assert.EndsWith("pass a => System.Math.Sin(a)", run.Message("NABLA0014"));
    }

    [Fact]
    public void MethodGroupWithoutDerivative()
    {
        var run = Verify(InClass("""
                public static double Twice(double x) => 2 * x;
                public static double G() => Autodiff.Gradient({|NABLA0014:Twice|}, 1.0);
            """));
        Assert.Equal("'C.Twice(double)' is passed to Autodiff.Gradient but has no generated derivative: mark it [Differentiable] (its type must be partial), or pass an inline lambda that calls differentiable code", run.Message("NABLA0014"));
    }

    /// <summary>
    /// A class deriving from a differentiable class implements IDifferentiable twice: C# binds the operator to the
    /// overload typed by the input, which no interceptor can match (it was CS9144 in generated code).
    /// </summary>
    [Fact]
    public void DerivedDifferentiableClass_AsAnOperatorInput()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial class BaseModel { public double W; }

            [Differentiable]
            public partial class Derived : BaseModel
            {
                public double Extra;
                [Differentiable] public double Total() => W * Extra;
            }

            public static class Use
            {
                public static double M(Derived d) => Autodiff.Gradient({|NABLA0013:(Derived x) => x.Total()|}, d).W;
            }
            """);
        Assert.Contains("a class deriving from the differentiable 'BaseModel'", run.Message("NABLA0013"));
    }

    [Fact]
    public void PrivateMethodGroupOfAStructFunction_IsReported_AndItsHessianIsBound()
    {
        // Was NotDifferentiableException at run time: no binding reaches a private method of a [Differentiable] type
        // for first derivatives; second derivatives are written beside it, internal, for the call site.
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct RPoint { public double A, B; }

            public static partial class C
            {
                [Differentiable] static double RecF(RPoint p) => p.A * p.A * p.B;
                [Differentiable] static double Sq(double[] v) => v[0] * v[0] * v[1];
                public static RPoint.Tangent G() => Autodiff.Gradient({|NABLA0014:RecF|}, new RPoint { A = 2, B = 3 });
                public static double[,] H() => Autodiff.Hessian(Sq, new[] { 2.0, 3.0 });
                public static double[] Fine() => Autodiff.Gradient(Sq, new[] { 2.0, 3.0 });
            }
            """);
        Assert.All(run.Messages("NABLA0014"), m => Assert.Contains("it is private, and the operator binds a method group to its derivatives from generated code outside its type: make it internal, or pass a lambda", m));
        Assert.Contains(run.Messages("NABLA0014"), m => m.EndsWith("(p => RecF(p))", System.StringComparison.Ordinal));
    }

    [Fact]
    public void ClassMethodWithAnErrorOfItsOwn_CalledFromALambda_StandsAlone()
    {
        // Was CS1061 in the lambda's generated code: the method's derivative members are never written.
        var run = Verify(Usings + """
            public partial class M
            {
                public double W = 1;
                [Differentiable] public double Loss(double x) { {|NABLA0002:try { return W * x * x; } catch { return 0; }|} }
            }

            public static partial class C
            {
                public static double G(M m) => Autodiff.Gradient(x => m.Loss(x), 3.0);
            }
            """);
        // (Only the method's own error: the lambda calling it gets no derivatives and no error of its own.)
        Assert.Single(run.GeneratorDiagnostics);
    }

    [Fact]
    public void MethodGroupBesideALambda_ForDifferentiableParameters_IsReported()
    {
        // Was an exception at run time: the lambda's registration returned before the method group was checked.
        var run = Verify(InClass("""
                public static double Twice(double x) => 2 * x;
                public static double Solve([Differentiable] Func<double, double> f, [Differentiable] Func<double, double> g, double x)
                    => Autodiff.Derivative(f, x) + Autodiff.Derivative(g, x);
                public static double Use() => Solve(t => t * t, {|NABLA0014:Twice|}, 3.0);
            """));
        Assert.StartsWith("'C.Twice(double)' is passed to the [Differentiable] parameter 'g' of C.Solve", run.Message("NABLA0014"));
    }

    [Fact]
    public void MethodGroupAlone_ForADifferentiableParameter_IsReported()
    {
        // API.md §6: the analyzer checks each call site of a [Differentiable] delegate parameter (was an exception at run time).
        var run = Verify(InClass("""
                public static double Twice(double x) => 2 * x;
                [Differentiable] public static double Cube(double x) => x * x * x;
                public static double Solve([Differentiable] Func<double, double> f, double x) => Autodiff.Derivative(f, x);
                public static double Use() => Solve({|NABLA0014:Twice|}, 3.0) + Solve(Cube, 3.0);
            """));
        Assert.StartsWith("'C.Twice(double)' is passed to the [Differentiable] parameter 'f' of C.Solve", run.Message("NABLA0014"));
    }

    [Fact]
    public void LocalFunctionMethodGroup_HasNoDerivativesOfItsOwn()
    {
        var run = Verify(InClass("""
                public static double G(double at)
                {
                    [Differentiable]
                    static double Square(double y) => y * y;
                    return Autodiff.Gradient({|NABLA0014:Square|}, at);
                }
            """));
        Assert.EndsWith("has no generated derivative: a local function has no derivatives of its own (generated code cannot name it); make it a [Differentiable] method of the type", run.Message("NABLA0014"));
    }

    [Fact]
    public void MethodGroupOfAnInstanceMethodWithARule_AsksForALambda()
    {
        // The run-time registry has only public static rules' methods: was a NotDifferentiableException at run time.
        var run = Verify(Usings + """
            public class Spline
            {
                public double A = 2;
                public double Eval(double t) => A * t * t;
            }
            public static partial class Rules
            {
                [DerivativeOf(typeof(Spline), nameof(Spline.Eval))]
                public static (double Value, Func<double, double> Pullback) SplineEval(Spline self, double t) => (self.Eval(t), dy => dy * 2 * self.A * t);
            }
            public static class Use
            {
                public static double G(Spline spl) => Autodiff.Gradient({|NABLA0014:spl.Eval|}, 1.5) + Autodiff.Gradient(t => spl.Eval(t), 1.5);
            }
            """);
        Assert.EndsWith("its derivative comes from a [DerivativeOf] rule, and a method group is bound to a rule only for a public static method (this one is an instance method): pass a lambda (t => spl.Eval(t))", run.Message("NABLA0014"));
    }

    [Fact]
    public void MethodGroupOfAPrivateNestedClass_NamesTheClass()
    {
        // Its derivatives are not registered (code outside cannot name the type): was a NotDifferentiableException at run time.
        var run = Verify(InClass("""
                private static partial class Hidden
                {
                    [Differentiable] public static double H(double x) => Math.Exp(x) * 2;
                }
                public static double ViaLambda(double x) => Autodiff.Gradient(t => Hidden.H(t), x);
                public static double ViaMethodGroup(double x) => Autodiff.Gradient({|NABLA0014:Hidden.H|}, x);
            """));
        Assert.EndsWith("its type 'Hidden' is private, and the operator binds a method group to its derivatives from generated code outside its type: make 'Hidden' internal, or pass a lambda (x => Hidden.H(x))", run.Message("NABLA0014"));
    }

    [Fact]
    public void LambdaInAGenericMethod_IsDifferentiated_UnlessItCapturesATypeParameterValue()
    {
        var run = Verify(Usings + """
            public interface IData { double Scale { get; } }
            public static partial class G
            {
                public static double Twice<TAny>(double x) => Autodiff.Gradient(t => t * t, x);
                public static double Copied<TD>(TD d, double x) where TD : IData { double s = d.Scale; return Autodiff.Gradient(t => s * t * t, x); }
                public static double Scaled<TD>(TD d, double x) where TD : IData => Autodiff.Gradient(t => {|NABLA0013:d|}.Scale * t * t, x);
            }
            """);
        Assert.Contains("it captures 'd' of type 'TD', a type parameter of the generic method around it", run.Message("NABLA0013"));
    }

    [Fact]
    public void CapturingLambdasAndMethodGroups_Compile()
    {
        Verify(InClass("""
                [Differentiable] public static double Sq(double x) => x * x;
                public static double G(double[] data, double k)
                {
                    double a = k + 1;
                    var (v, g) = Autodiff.ValueWithGradient(w => { double s = 0; for (int i = 0; i < data.Length; i++) s += a * w[i] * data[i]; return s; }, new double[data.Length]);
                    return v + g[0] + Autodiff.Derivative(Sq, 2.0) + Autodiff.Jvp((x, y) => Math.Sin(x) * y * a, 1.0, 2.0, 1.0, 0.0).Tangent;
                }
            """));
    }
}

public class InterceptorsDisabledTests
{
    [Fact]
    public void Lambda_WithoutInterceptorsEnabled_SaysHowToEnableThem()
    {
        var parse = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest);
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(InClass("""
                public static double G() => Autodiff.Gradient(x => x * x, 1.0);
            """), parse, "Test0.cs");
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("T", new[] { tree }, Harness.Harness.References, Harness.Harness.CompilationOptions);
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(new[] { Microsoft.CodeAnalysis.GeneratorExtensions.AsSourceGenerator(new NablaGenerator()) }, parseOptions: parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        var d = Assert.Single(diagnostics, x => x.Id == "NABLA0013");
        Assert.Contains("InterceptorsNamespaces", d.GetMessage());
    }
}
