// Functions as values in [Differentiable] code (API.md §6, delegate parameters): what cannot be differentiated is an
// error at the function that was passed, the delegate that was called, or the lambda, never a silent zero.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class FunctionParameterDiagnosticsTests
{
    private const string Apply = """
            [Differentiable]
            public static double Apply([Differentiable] Func<double, double> f, double x) => f(x) * x;
        """;

    [Fact]
    public void MethodGroupWithoutDerivative_NABLA0001AtTheMethodGroup()
    {
        var run = Verify(InClass(Apply + """
                public static double Plain(double t) => t * t;

                [Differentiable]
                public static double F(double x) => Apply({|NABLA0001:Plain|}, x);
            """));
        Assert.Contains("'C.Plain'", run.Message("NABLA0001"));
    }

    [Fact]
    public void LambdaCallingAMethodWithoutDerivative_NABLA0001InTheLambda()
    {
        var run = Verify(InClass(Apply + """
                public static double Plain(double t) => t * t;

                [Differentiable]
                public static double F(double x, double k) => Apply(t => {|NABLA0001:Plain(k * t)|}, x);
            """));
        Assert.Contains("'C.Plain'", run.Message("NABLA0001"));
    }

    [Fact]
    public void DelegateFromAField_NABLA0002AtTheArgument()
    {
        var run = Verify(InClass(Apply + """
                static readonly Func<double, double> s_f = Math.Sin;

                [Differentiable]
                public static double F(double x) => Apply({|NABLA0002:s_f|}, x);
            """));
        Assert.StartsWith("a call of a delegate whose function is not known here is not supported", run.Message("NABLA0002"));
        Assert.Contains("pass a lambda or a method group directly", run.Message("NABLA0002"));
    }

    [Fact]
    public void DelegateFromAField_InACallee_ReportedOnce()
    {
        Verify(InClass(Apply + """
                static readonly Func<double, double> s_f = Math.Sin;

                [Differentiable] public static double F(double x) => Apply({|NABLA0002:s_f|}, x);
                [Differentiable] public static double G(double x) => F(x) * x;
                [Differentiable] public static double H(double x) => G(x) + 1;
                public static double M(double at) => Autodiff.Gradient(G, at) + Autodiff.Derivative(H, at);
            """));
    }

    [Fact]
    public void InstanceMethodTakingAFunction_NABLA0004()
    {
        var run = Verify("""
            using System;
            using Nabla;
            public partial class Solver
            {
                [Differentiable]
                public double {|NABLA0004:Apply|}([Differentiable] Func<double, double> f, double x) => f(x);
            }
            """);
        Assert.Contains("make it static", run.Message("NABLA0004"));
    }

    [Fact]
    public void LambdaAssigningACapturedVariable_NABLA0002AtTheAssignment()
    {
        var run = Verify(InClass(Apply + """
                [Differentiable]
                public static double F(double x)
                {
                    double calls = 0;
                    return Apply(t => { {|NABLA0002:calls|} += 1; return t * t; }, x) + calls;
                }
            """));
        Assert.StartsWith("a lambda that assigns the captured variable 'calls'", run.Message("NABLA0002"));
    }

    [Fact]
    public void LambdaInAVariable_CapturingAReassignedLocal_NABLA0002AtTheLambda()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    double k = 2;
                    Func<double, double> g = {|NABLA0002:t => k * t|};
                    k = 3;
                    return g(x);
                }
            """));
        Assert.StartsWith("a lambda kept in a variable that captures 'k', which is assigned again", run.Message("NABLA0002"));
    }

    [Fact]
    public void LambdaInAVariable_NotCalled_IsNoError()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    Func<double, double> g = y => y * x;
                    return x * x;
                }
            """));
    }

    [Fact]
    public void RecursiveMethodTakingAFunction_NABLA0002AtTheFunction()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double Iterate([Differentiable] Func<double, double> f, double x, int n) => n == 0 ? x : Iterate(f, f(x), n - 1);

                [Differentiable]
                public static double F(double x) => Iterate({|NABLA0002:Math.Sin|}, x, 3);
            """));
        Assert.StartsWith("a function passed to 'C.Iterate', which cannot be inlined here", run.Message("NABLA0002"));
    }

    private const string Solver = """
            public static double Newton([Differentiable] Func<double, double> f, double x)
            {
                for (int i = 0; i < 20; i++) { var (v, d) = Autodiff.Jvp(f, x, 1.0); x -= v / d; }
                return x;
            }
        """;

    [Fact]
    public void LambdaToAPlainMethod_IsCompiledAndRegistered_NoDiagnostic()
    {
        Verify(InClass(Solver + """
                public static double Root(double a) => Newton(x => x * x - a, 1.0);
            """));
    }

    [Fact]
    public void LambdaToAPlainMethod_CallingAMethodWithoutDerivative_NABLA0001InTheLambda()
    {
        var run = Verify(InClass(Solver + """
                public static double Plain(double t) => t * t;
                public static double Root(double a) => Newton(x => {|NABLA0001:Plain(x)|} - a, 1.0);
            """));
        Assert.Contains("'C.Plain'", run.Message("NABLA0001"));
    }

    [Fact]
    public void LambdaToAPlainMethod_DelegateOfIntegers_NABLA0013()
    {
        var run = Verify(InClass("""
                public static int Apply([Differentiable] Func<int, int> f) => f(2);
                public static int Run() => Apply({|NABLA0013:n => n * n|});
            """));
        Assert.StartsWith("The lambda passed to C.Apply cannot be differentiated: 'f' is a System.Func<int, int>", run.Message("NABLA0013"));
    }
    [Fact]
    public void TwoLambdasToAPlainMethod_TheSecondIsNABLA0013()
    {
        // One interceptor registers one lambda; the second would throw NotDifferentiableException at run time.
        var run = Verify(InClass("""
                public static double Both([Differentiable] Func<double, double> f, [Differentiable] Func<double, double> g, double x) =>
                    Autodiff.Derivative(f, x) + Autodiff.Derivative(g, x);
                public static double Run(double a) => Both(x => x * a, {|NABLA0013:x => x * x|}, 1.0);
            """));
        Assert.Contains("only one lambda per call of a method taking [Differentiable] functions is registered (here the one for 'f')", run.Message("NABLA0013"));
    }
}
