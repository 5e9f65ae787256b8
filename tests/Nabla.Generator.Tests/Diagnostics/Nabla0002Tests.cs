// NABLA0002: a construct the generator does not handle yet is an error at that construct (never a
// crash, never a silently wrong derivative).
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0002Tests
{
    [Fact]
    public void ForeachOverANonArrayCollection_IsReportedAtTheCollection()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, List<double> weights)
                {
                    double y = x;
                    foreach (double w in {|NABLA0002:weights|})
                        y = y * w;
                    return y;
                }
            """));
        Assert.StartsWith("foreach over this collection is not supported in [Differentiable] code yet", run.Message("NABLA0002"));
    }

    [Fact]
    public void ConstructorThatComputes_IsReportedAtTheCreation()
    {
        // A constructor that only copies parameters into members needs no attribute; one that computes does.
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct Polar
            {
                public double R, Theta;
                public Polar(double x, double y) { R = Math.Sqrt(x * x + y * y); Theta = Math.Atan2(y, x); }
            }

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => {|NABLA0002:new Polar(x, 1)|}.R;
            }
            """);
        Assert.StartsWith("a call of a constructor of the differentiable struct Polar is not supported in [Differentiable] code yet; mark the constructor [Differentiable]", run.Message("NABLA0002"));
    }

    [Fact]
    public void IndexerRead_IsReportedAtTheElementAccess()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, List<double> a) => x * {|NABLA0002:a[0]|};
            """));
        Assert.StartsWith("this indexer is not supported", run.Message("NABLA0002"));
        Assert.Contains("[Differentiable] indexers (mark its getter)", run.Message("NABLA0002"));
    }

    [Fact]
    public void LocalFunctionAssigningACapturedVariable_IsReportedAtTheAssignment()
    {
        // A local function is inlined with the values it captures read at the call: it may read them, not write them.
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    double total = 0;
                    void Add(double y) => {|NABLA0002:total|} += y;
                    Add(x * x);
                    return total;
                }
            """));
        Assert.Contains("a local function that assigns the captured variable 'total'", run.Message("NABLA0002"));
    }

    [Fact]
    public void RecursiveLocalFunction_IsReportedAtTheRecursiveCall()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    double Power(double y, int n) => n == 0 ? 1 : y * {|NABLA0002:Power(y, n - 1)|};
                    return Power(x, 3);
                }
            """));
        Assert.Contains("a recursive local function", run.Message("NABLA0002"));
    }

    [Theory]
    [InlineData("System.Array.Copy(x, y, (long)x.Length)", "'System.Array.Copy' on an array that carries derivatives")]
    [InlineData("System.Array.Reverse(x)", "'System.Array.Reverse' on an array that carries derivatives")]
    [InlineData("System.Array.Sort(x)", "'System.Array.Sort' on an array that carries derivatives")]
    public void ArrayWritersWithoutDerivative_AreReported(string statement, string message)
    {
        // What they write would carry no derivative: the gradient would be a silent zero. (Fill, Clear, Copy with int
        // lengths and CopyTo are loops of element stores: ArrayWriterTests.)
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double[] x)
                {
                    var y = new double[x.Length];
                    {|NABLA0002:STATEMENT|};
                    return y[0] * y[0];
                }
            """.Replace("STATEMENT", statement)));
        Assert.Contains(message, run.Message("NABLA0002"));
        Assert.Contains("write the loop", run.Message("NABLA0002"));
    }

    /// <summary>
    /// A [Differentiable] caller of a method rejected for a construct in its body: the callee's error alone. The caller
    /// gets no derivatives (they would call the callee's, which do not exist: CS0117 in generated code before).
    /// </summary>
    [Fact]
    public void CallerOfARejectedMethod_OnlyTheRootError()
    {
        Verify(InClass("""
                [Differentiable] public static double F(double x) { double y = x; foreach (var w in {|NABLA0002:new List<double> { 2.0 }|}) y *= w; return y; }
                [Differentiable] public static double G(double x) => F(x) * x;
                [Differentiable] public static double H(double x) => G(x) + 1;
                public static double M(double at) => Autodiff.Gradient(G, at) + Autodiff.Derivative(H, at);
            """));
    }

    [Fact]
    public void StaticDifferentiableLocalFunction_IsInlined_NoDiagnostic()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    [Differentiable]
                    static double Square(double y) => y * y;
                    return Square(x) + 1;
                }
            """));
    }

    [Fact]
    public void TryCatch_IsReportedAtTheTryStatement()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    double y = x;
                    {|NABLA0002:try
                    {
                        y = x * x;
                    }
                    catch (Exception)
                    {
                        y = 0;
                    }|}
                    return y;
                }
            """));
        Assert.StartsWith("try/catch/finally", run.Message("NABLA0002"));
    }

    [Fact]
    public void UnsupportedPatternInASwitchExpression_IsReportedAtThePattern()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, object o) => x * (o switch
                {
                    {|NABLA0002:double d|} => d,
                    _ => 1.0,
                });
            """));
        Assert.StartsWith("this pattern is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void InterpolatedString_IsData_NotReported()
    {
        // A message built from active values is data: its holes are formatted, and the derivative goes on without it.
        Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    if (x < 0) throw new ArgumentException($"negative: {x,8:F2}");
                    return x * x;
                }
            """));
    }

    [Fact]
    public void FieldWrite_IsReportedAtTheWrittenField()
    {
        var run = Verify(InClass("""
                static double last;

                [Differentiable]
                public static double F(double x)
                {
                    {|NABLA0002:last|} = x;
                    return x * x;
                }
            """));
        Assert.StartsWith("writing a static field or property is not supported", run.Message("NABLA0002"));
        Assert.Contains("return the value, or write it into an array parameter", run.Message("NABLA0002"));
    }

    [Fact]
    public void UsingDeclaration_IsReportedAtTheDeclaration()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    {|NABLA0002:using var stream = new System.IO.MemoryStream();|}
                    return x * stream.Length;
                }
            """));
    }

    [Fact]
    public void DynamicOperation_IsReportedRatherThanSilentlyDroppingTheDerivative()
    {
        // x * k with a dynamic k is a dynamic operation: its derivative is lost (the JVP's tangent is 0),
        // and the generated registration does not compile (CS8821).
        Verify(InClass("""
                [Differentiable]
                public static double F(double x, dynamic k) => {|NABLA0002:x * k|};
            """));
    }

    [Fact]
    public void ArrayPassedByRef_IsReportedAtTheParameter()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, ref double[] {|NABLA0002:a|}) => x * a[0];
            """));
        Assert.StartsWith("an array passed by ref or out is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void OnlyTheFirstUnsupportedConstructOfAMethod_IsReported_AndOtherMethodsStillGenerate()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, List<double> a) => {|NABLA0002:a[0]|} * a[1] * x;

                [Differentiable]
                public static double G(double x) => x * x;
            """));
        Assert.Contains(run.Generated.Keys, k => k.Contains(".G.Nabla.g.cs"));
        Assert.DoesNotContain(run.Generated.Keys, k => k.Contains(".F.Nabla.g.cs"));
    }

    [Fact]
    public void RefArgumentToAParameterLeftOutOfTheCalleesWrt()
    {
        // The callee's forward mode has no tangent for the new value (it read as zero); a callee called inline is fine.
        var run = Verify(Usings + """
            public partial struct S
            {
                [Differentiable(Wrt = "x")]
                public void M(float x, ref float y) { y = y * x; }
            }
            public static partial class Use
            {
                [Differentiable]
                public static float G(S s, float x) { float y = 3f; {|NABLA0002:s.M(x, ref y)|}; return y; }
            }
            """);
        Assert.Contains("passing a variable by ref to 'y', which S.M's Wrt leaves out,", run.Message("NABLA0002"));
    }

    [Fact]
    public void DerivativeTakenInsideADifferentiableMethod_SaysToNestWithLambdas()
    {
        // (Was: "a function passed to 'Nabla.Autodiff.Gradient', which cannot be inlined here", about a function that could.)
        var run = Verify(InClass("""
                [Differentiable] public static double HS(double v) => v * v * v;
                [Differentiable] public static double GS(double v) => {|NABLA0002:Autodiff.Gradient(HS, v)|};
                public static double Second(double x) => Autodiff.Derivative(v => Autodiff.Gradient(HS, v), x);
            """));
        Assert.Equal("a derivative taken with Autodiff.Gradient is not supported in [Differentiable] code yet: nest derivatives with lambdas where they are taken instead, as in Autodiff.Derivative(x => Autodiff.Gradient(F, x), x0) or Autodiff.JacobianForward(v => Autodiff.Gradient(F, v), v0), or use Autodiff.Hessian.", run.Message("NABLA0002"));
    }

    [Fact]
    public void DataObjectInitializerNeedingControlFlow_Compiles()
    {
        // (Was NABLA0002 at the member: the creation now moves after the branches, as one initializer.)
        Verify(InClass("""
                public struct Options { public int Steps; public double Scale; }

                [Differentiable]
                public static double F(double x, int n)
                {
                    var o = new Options { Steps = n > 2 ? 3 : 1, Scale = 2 };
                    return o.Scale * x * o.Steps;
                }
            """));
    }

    [Fact]
    public void ArrayWithDerivativesLentAsAWorkspace_IsReportedAtTheCall()
    {
        // The callee writes differentiated values into its [NoDerivative] workspace; lent an array with derivatives, the
        // array would have two tangents (the workspace's, starting at zero, and the caller's).
        var run = Verify(InClass("""
                [Differentiable]
                public static double Cubic(double x, [NoDerivative] double[] work)
                {
                    work[0] = x * x;
                    work[1] = work[0] * x;
                    return work[1] + work[0];
                }

                [Differentiable]
                public static double Fresh(double x) => Cubic(x, new double[2]);

                [Differentiable]
                public static double Lent(double[] v) => {|NABLA0002:Cubic(v[0], v)|} + v[1];
            """));
        Assert.StartsWith("passing an array with derivatives to 'work', a [NoDerivative] parameter of C.Cubic that it writes differentiated values into, is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void ErrorTwoCallsDown_StandsAlone()
    {
        // Lambdas calling a method whose callee is rejected had C# errors in their generated code (the method's
        // derivatives, which they called, are never written).
        var run = Verify(InClass("""
                [Differentiable]
                static double Edge(double[] u)
                {
                    double s = 0;
                    {|NABLA0002:try { s = u[0] * u[0]; } finally { s += 1; }|}
                    return s;
                }

                [Differentiable]
                public static double Caller(double[] a) => Edge(a) + a[1];

                public static double[] G(double[] x) => Autodiff.Gradient(a => 2 * Caller(a), x);
                public static double D() => Autodiff.Derivative(k => Caller(new[] { k, 2.0 }), 1.0);
            """));
        Assert.Single(run.GeneratorDiagnostics);
    }
}
