// Spans in differentiated code: what C# or Nabla cannot do with them is a diagnostic at an exact span (NABLA0002,
// NABLA0004, NABLA0013, NABLA0015), never generated code that does not compile; and what works compiles.
using System.Linq;
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class SpanDiagnosticsTests
{
    [Fact]
    public void SpanParametersAndLocals_Compile()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x)
                {
                    double s = 0;
                    foreach (double v in x) s += v * v;
                    return s;
                }

                [Differentiable]
                public static double Scratch(double[] x, int n)
                {
                    Span<double> t = stackalloc double[] { x[0], 2 * x[1] };
                    ReadOnlySpan<double> tail = x.AsSpan(n);
                    ReadOnlySpan<double> none = new ReadOnlySpan<double>();
                    return Sum(t) + Sum(tail[1..]) + tail[^1] + Sum(new Span<double>(x, 0, 1)) + none.Length;
                }
            """));
        var source = run.Source("C.Scratch");
        Assert.Contains("public ref struct Scratch_Residuals", source);
        // No closure over the residuals, and no registration (which would need one).
        Assert.DoesNotContain("Scratch_ValueWithPullback", source);
        Assert.DoesNotContain("NablaRegister_Scratch", source);
        Assert.Contains("public static (double Value, double[] Gradient) Sum_ValueWithGradient(global::System.ReadOnlySpan<double> x)", run.Source("C.Sum"));
    }

    [Fact]
    public void SpanCode_CompilesAsCSharp12()
    {
        // The package supports net8.0 (C# 12): no ref struct generic arguments, spans from arrays by implicit conversion.
        var parse = new Microsoft.CodeAnalysis.CSharp.CSharpParseOptions(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12)
            .WithFeatures(new[] { new System.Collections.Generic.KeyValuePair<string, string>("InterceptorsNamespaces", "Nabla.Generated") });
        var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(InClass("""
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x, Span<double> y)
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++) { y[i] *= x[i]; s += y[i] * x[i]; }
                    return s;
                }

                [Differentiable]
                public static double Slices(double[] x)
                {
                    Span<double> t = stackalloc double[x.Length];
                    for (int i = 0; i < t.Length; i++) t[i] = Math.Sin(x[i]);
                    return Sum(x.AsSpan(1), t.Slice(1)) + Sum(x, t);
                }
            """), parse, "Test0.cs");
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("T", new[] { tree }, Harness.Harness.References, Harness.Harness.CompilationOptions);
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(new[] { Microsoft.CodeAnalysis.GeneratorExtensions.AsSourceGenerator(new NablaGenerator()) }, parseOptions: parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.Equal(3, output.SyntaxTrees.Count());
    }

    [Fact]
    public void SpanResult()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static ReadOnlySpan<double> {|NABLA0004:F|}(double[] x) => x;
            """));
        Assert.EndsWith("it returns a span (a view that cannot travel in a (Value, Tangent) tuple): write the result into a Span parameter, or return an array", run.Message("NABLA0004"));
    }

    [Fact]
    public void SpanPassedByRef()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(ref Span<double> {|NABLA0002:x|}, double k) => x[0] * k;
            """));
        Assert.StartsWith("a span passed by ref or out is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void SpanOfVectorsAsAnInput()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static float F(ReadOnlySpan<System.Numerics.Vector3> {|NABLA0002:v|}, float k) => v[0].X * k;
            """));
        Assert.StartsWith("a span of System.Numerics.Vector3 as a differentiation input is not supported in [Differentiable] code yet (not yet: spans of double and float are supported)", run.Message("NABLA0002"));
    }

    [Fact]
    public void MethodWithoutDerivativeWritingASpan()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(Span<double> x, double k)
                {
                    {|NABLA0002:x.Fill(k)|};
                    return x[0] * x[1];
                }
            """));
        Assert.StartsWith("'System.Span<double>.Fill' on a span that carries derivatives is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void SpanThatChangesInALoop()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(ReadOnlySpan<double> x)
                {
                    double s = 0;
                    while (x.Length > 0)
                    {
                        {|NABLA0002:s += x[0] * x[0];|}
                        x = x.Slice(1);
                    }
                    return s;
                }
            """));
        Assert.StartsWith("a span that changes from one iteration of a loop to the next is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void CallInALoopToAMethodTakingSpansThatIsNotInlined()
    {
        // A method reading a private member of another type is not inlined: its split form is called, and its residuals hold spans.
        var run = Verify(Usings + """
            public static partial class Kernels
            {
                private static double s_scale = 2;

                [Differentiable]
                public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
                {
                    double s = 0;
                    for (int i = 0; i < a.Length; i++) s += a[i] * b[i] * s_scale;
                    return s;
                }
            }
            public static partial class C
            {
                [Differentiable]
                public static double F(double[] x)
                {
                    double s = 0;
                    for (int i = 0; i + 2 <= x.Length; i++) s += {|NABLA0002:Kernels.Dot(x.AsSpan(i, 2), x.AsSpan(0, 2))|};
                    return s;
                }
            }
            """);
        Assert.StartsWith("this call inside a loop is not supported in [Differentiable] code yet (the callee's derivatives hold spans", run.Message("NABLA0002"));
    }

    [Fact]
    public void RecursionOverASpan()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(ReadOnlySpan<double> x) => x.Length == 0 ? 0 : x[0] * x[0] + {|NABLA0002:F(x.Slice(1))|};
            """));
        Assert.StartsWith("a recursive call in a method whose derivatives hold spans is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void AsSpanWithARange()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double[] x) => Sum({|NABLA0002:x.AsSpan(1..3)|});

                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x) => x[0] + x[1];
            """));
        Assert.StartsWith("this AsSpan (with an Index or a Range) is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void PullbackOfALambdaThatUsesSpans()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x) => x[0] * x[1];

                public static double[] G(double[] x0) => Autodiff.Vjp({|NABLA0013:x => Sum(x) * 2|}, x0, 1.0);
            """));
        Assert.Contains("it uses spans, so its reverse mode keeps them in residuals that are a ref struct, which no pullback closure can hold (Autodiff.Vjp needs one)", run.Message("NABLA0013"));
    }

    [Fact]
    public void PullbackOfAMethodGroupThatUsesSpans()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x) => x[0] * x[1];

                [Differentiable]
                public static double Twice(double[] x) => 2 * Sum(x);

                public static double[] G(double[] x0) => Autodiff.ValueWithPullback({|NABLA0013:Twice|}, x0).Pullback(1.0);
            """));
        Assert.Contains("Twice uses spans", run.Message("NABLA0013"));
    }

    [Fact]
    public void GradientOfALambdaThatUsesSpans_IsBound()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x) => x[0] * x[1];

                public static double[] G(double[] x0) => Autodiff.Gradient(x => Sum(x.AsSpan(1)) * 2, x0);
            """));
        Assert.Contains(run.Generated.Keys, k => k.StartsWith("Nabla.Interceptors.", System.StringComparison.Ordinal));
    }

    [Fact]
    public void HessianOfALambdaThatUsesSpans_Compiles()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x) => x[0] * x[1] * x[1];

                public static double[,] H(double[] x0) => Autodiff.Hessian(x => Sum(x.AsSpan(1)), x0);
            """));
        Assert.Contains(run.Generated.Keys, k => k.EndsWith(".Hessian.g.cs", System.StringComparison.Ordinal));
    }

    [Fact]
    public void LambdaCapturingASpan()
    {
        // C# itself rejects the capture (CS8175); the generator says why it cannot differentiate the lambda, and writes nothing.
        var run = Verify(InClass("""
                public static double G(double[] x0)
                {
                    ReadOnlySpan<double> data = x0;
                    return Autodiff.Gradient(x => x * {|NABLA0013:data|}[0], 1.0);
                }
            """), allowCompilerErrors: true);
        Assert.Contains("it captures 'data', a System.ReadOnlySpan<double>, and C# does not let a lambda capture a span", run.Message("NABLA0013"));
        Assert.DoesNotContain(run.Generated.Keys, k => k.StartsWith("Nabla.Interceptors.", System.StringComparison.Ordinal));
    }

    [Fact]
    public void HessianOfAMethodTakingASpan()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double Sum(ReadOnlySpan<double> x) => x[0] * x[1];

                [{|NABLA0015:HessianOf(nameof(Sum))|}]
                public static partial double[,] SumHessian(ReadOnlySpan<double> x);
            """), allowCompilerErrors: true);
        Assert.EndsWith("it takes a span (not yet): take an array", run.Message("NABLA0015"));
    }
}
