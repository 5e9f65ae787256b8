// NABLA0004: [Differentiable] on a method that cannot be differentiated, reported at the method's name
// with the reason.
using System.Linq;
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0004Tests
{
    [Fact]
    public void AsyncMethod()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static async Task<double> {|NABLA0004:F|}(double x) { await Task.Yield(); return x; }
            """));
        Assert.Equal("'C.F(double)' cannot be differentiated: an async method cannot be differentiated", run.Message("NABLA0004"));
    }

    [Fact]
    public void ConstructorChainingToAnother()
    {
        // Was a silent zero: the chained constructor's assignments were not differentiated.
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct P
            {
                public double A;
                [Differentiable] public P(double a, double b) { A = a * b; }
                [Differentiable] public {|NABLA0004:P|}(double a) : this(a, a) { }
            }
            """);
        Assert.EndsWith("it chains to another constructor (': this(…)'), which its derivatives do not run yet: assign the members in this constructor", run.Message("NABLA0004"));
    }

    [Fact]
    public void ConstructorOfAStructWithMemberInitializers()
    {
        // The constructor's derivatives would start the member at zero: reported instead of a wrong value.
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct S
            {
                public float X;
                public float C = 2f;
                public float D = MathF.Sqrt(2f);
                [Differentiable]
                public {|NABLA0004:S|}(float x) { X = x; }
            }
            """);
        Assert.EndsWith("its struct initializes the member 'D' where it is declared with an expression other than a number, which the constructor's derivatives do not run yet: assign it in the constructor instead", run.Message("NABLA0004"));
    }

    [Fact]
    public void VirtualMethodOfAGenericClass_AndNoErrorInCodeCallingIt()
    {
        // Calls would not dispatch to the overrides' derivatives (a silent wrong value before). A lambda calling it gets no
        // generated code (which would name members that do not exist): the one error stands alone.
        var run = Verify(Usings + """
            public partial class Super<T> where T : System.Numerics.IFloatingPointIeee754<T>
            {
                [Differentiable] public virtual T {|NABLA0004:F|}(T x) => T.CreateChecked(2) * x;
                // Not overridden: nothing to dispatch to.
                [Differentiable] public virtual T G(T x) => x * x;
            }
            public partial class Sub<T> : Super<T> where T : System.Numerics.IFloatingPointIeee754<T>
            {
                [Differentiable] public override T F(T x) => T.CreateChecked(3) * x;
            }
            public static class Use
            {
                public static float G(Super<float> c) => Autodiff.Gradient(x => c.F(x), 1f);
            }
            """);
        Assert.Contains("virtual methods of generic classes that are overridden are not supported yet", run.Message("NABLA0004"));
    }

    [Fact]
    public void Iterator()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static IEnumerable<double> {|NABLA0004:F|}(double x) { yield return x; }
            """));
        Assert.EndsWith("an iterator cannot be differentiated", run.Message("NABLA0004"));
    }

    [Theory]
    [InlineData("int", "0")]
    [InlineData("string", "\"\"")]
    [InlineData("bool", "false")]
    public void NonRealResult(string type, string value)
    {
        var run = Verify(InClass($$"""
                [Differentiable]
                public static {{type}} {|NABLA0004:F|}(double x) => {{value}};
            """));
        Assert.Contains($"its result type '{type}' is not differentiable: results are double, float", run.Message("NABLA0004"));
    }

    [Fact]
    public void GenericMethod()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double {|NABLA0004:F|}<T>(double x, T tag) => x * x;
            """));
        Assert.EndsWith("generic methods and methods of generic types are not supported yet, except a method generic over one T : IFloatingPointIeee754<T> (differentiated for double and float)", run.Message("NABLA0004"));
    }

    [Fact]
    public void MethodOfGenericType()
    {
        Verify(Usings + """
            public partial class Box<T>
            {
                [Differentiable]
                public double {|NABLA0004:F|}(double x) => x * x;
            }
            """);
    }

    [Fact]
    public void InterfaceMethodWithoutBody_NoDiagnostic()
    {
        // (Was NABLA0004 "it has no body": calls now dispatch to the implementations, as for an abstract method.)
        Verify(Usings + """
            public interface IShape
            {
                [Differentiable]
                double Area(double r);
            }
            public sealed partial class Disk : IShape { [Differentiable] public double Area(double r) => Math.PI * r * r; }
            public static partial class Use { [Differentiable] public static double Total(IShape s, double r) => 2 * s.Area(r); }
            """);
    }

    /// <summary>An abstract method of a class has no derivatives of its own: calls dispatch to its overrides.</summary>
    [Fact]
    public void AbstractMethodOfAClass_NoDiagnostic()
    {
        Verify(Usings + """
            public abstract partial class Shape
            {
                [Differentiable]
                public abstract double Area(double r);
            }
            """);
    }

    [Fact]
    public void ExternMethod()
    {
        var run = Verify(InClass("""
                [Differentiable, System.Runtime.InteropServices.DllImport("m")]
                public static extern double {|NABLA0004:cbrt|}(double x);
            """));
        Assert.EndsWith("it has no body to differentiate", run.Message("NABLA0004"));
    }

    [Fact]
    public void NoDifferentiableParameter()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double {|NABLA0004:F|}(int n, [NoDerivative] double k) => n * k;
            """));
        Assert.EndsWith("it has no differentiable parameter (double or float, not [NoDerivative])", run.Message("NABLA0004"));
    }

    [Fact]
    public void MembersThatAreNotOrdinaryMethods_AreReported_NotSilentlyIgnored()
    {
        // API.md lets properties, constructors, operators and local functions carry [Differentiable]. Getters,
        // constructors and arithmetic operators are supported on differentiable structs (S here is not one: its getter
        // has no input, its constructor would build a value Nabla does not lower, its + returns a value that is not
        // differentiable); local functions when not generic (they are inlined into their callers; this one is
        // generic). Each says so rather than generate nothing and say nothing.
        Verify(Usings + """
            public partial struct S
            {
                public double V;

                [Differentiable]
                public double {|NABLA0004:Squared|} => V * V;

                [Differentiable]
                public {|NABLA0004:S|}(double v) { V = v; }

                [Differentiable]
                public static S operator {|NABLA0004:+|}(S a, S b) => new S(a.V + b.V);

                public static double M(double x)
                {
                    [Differentiable]
                    static double {|NABLA0004:Local|}<T>(double y, T tag) => y * y;
                    return Local(x, 0);
                }
            }
            """);
    }

    [Fact]
    public void ConversionsAndComparisons_AreNotArithmeticOperators()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct V
            {
                public double X;

                [Differentiable]
                public static implicit operator {|NABLA0004:double|}(V v) => v.X;

                [Differentiable]
                public static bool operator {|NABLA0004:<|}(V a, V b) => a.X < b.X;

                public static bool operator >(V a, V b) => a.X > b.X;
            }
            """);
        Assert.All(run.GeneratorDiagnostics.Where(d => d.Id == "NABLA0004"),
            d => Assert.Contains("only the arithmetic operators (+, -, *, /, % and unary + and -) can be [Differentiable]", d.GetMessage()));
    }

    [Fact]
    public void NamedDerivativeOfAnUndifferentiableMethod_IsReportedAtTheAttribute()
    {
        Verify(InClass("""
                public static int Count(double x) => (int)x;

                [{|NABLA0004:GradientOf(nameof(Count))|}]
                public static partial double CountGradient(double x);
            """), allowCompilerErrors: true);
    }

    [Fact]
    public void GenericLocalFunction_StandsAlone()
    {
        // Was followed by NABLA0001 telling to mark [Differentiable] the function that already is.
        var run = Verify(Usings + """
            using System.Numerics;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    [Differentiable]
                    static T {|NABLA0004:Sq|}<T>(T t) where T : INumber<T> => t * t;
                    return Sq(x) + x;
                }
            }
            """);
        Assert.Single(run.GeneratorDiagnostics);
        Assert.Contains("a [Differentiable] local function must not be generic or async", run.Message("NABLA0004"));
    }
}
