// Which generated members a compilation gets (issue 6: compiling them is most of what the generator adds to a
// build). By default (NablaDerivatives=Auto) a method's forms are written when something uses them: an operator
// call's interceptor, a method group that may reach the runtime registry, a call of a generated name (also by
// reflection), a caller's derivative; in a library, every form of the methods other assemblies can see.
using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Nabla.Generator.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Nabla.Generator.Tests.Pipeline;

public class GeneratedFormsTests
{
    private readonly ITestOutputHelper _output;

    public GeneratedFormsTests(ITestOutputHelper output) => _output = output;

    private const string Functions = """
        using System;
        using Nabla;

        public static partial class C
        {
            [Differentiable]
            public static double F(double x) => x * x * x + Math.Sin(x);

            [Differentiable]
            public static double G(double x, double y) => x * y + Math.Exp(x);

            [Differentiable]
            internal static double H(double x) => x * x;
        }
        """;

    private GeneratorRun Run(string uses, OutputKind kind = OutputKind.ConsoleApplication, string? derivatives = null, string extra = "")
    {
        var program = kind == OutputKind.ConsoleApplication ? "public static class Program { public static void Main() { } }\n" : "";
        var compilation = Harness.Harness.Compile(Functions, "using System;\nusing Nabla;\n" + extra + program + uses)
            .WithOptions(Harness.Harness.CompilationOptions.WithOutputKind(kind));
        var run = Harness.Harness.Run(compilation, derivatives);
        _output.WriteLine(string.Join(", ", run.Generated.Keys.OrderBy(k => k, StringComparer.Ordinal)));
        Assert.False(run.Crashed, run.Describe());
        Assert.True(run.GeneratorDiagnostics.IsEmpty, run.Describe());
        Assert.True(run.OutputDiagnostics.IsEmpty, run.Describe());
        return run;
    }

    /// <summary>The generated members of C.<paramref name="method"/>, by name, or none when it has no file.</summary>
    private static string[] Members(GeneratorRun run, string method) =>
        run.Generated.TryGetValue("C." + method + ".Nabla.g.cs", out var text)
            ? new[] { "_Jvp(", "_Residuals", "_Primal(", "_Pullback(", "_ValueWithGradient(", "_ValueWithPullback(", "NablaRegister_" }
                .Where(m => text.Contains(m.StartsWith("_", StringComparison.Ordinal) ? method + m : m + method, StringComparison.Ordinal))
                .Select(m => m.TrimEnd('(')).ToArray()
            : Array.Empty<string>();

    private static readonly string[] Every = { "_Jvp", "_Residuals", "_Primal", "_Pullback", "_ValueWithGradient", "_ValueWithPullback", "NablaRegister_" };

    [Fact]
    public void Application_UnusedMethods_GetNoDerivatives()
    {
        var run = Run("");
        Assert.Empty(Members(run, "F"));
        Assert.Empty(Members(run, "G"));
        Assert.Empty(Members(run, "H"));
        Assert.False(run.Generated.ContainsKey("Nabla.Assembly.g.cs"));
    }

    /// <summary>An interceptor binds Gradient(C.F, x) to F_ValueWithGradient: that and what it calls, no registration.</summary>
    [Fact]
    public void MethodGroupBoundByAnInterceptor_GetsWhatTheInterceptorCalls_AndNoRegistration()
    {
        var run = Run("public static class Uses { public static double D() => Autodiff.Gradient(C.F, 2.0); }");
        // One scalar input: F_ValueWithGradient is forward mode, a wrapper of F_Jvp.
        Assert.Equal(new[] { "_Jvp", "_ValueWithGradient" }, Members(run, "F"));
        Assert.Empty(Members(run, "G"));
        using var assembly = new EmittedAssembly(run.Output);
        Assert.Equal(3 * 4 + Math.Cos(2), (double)assembly.Call("Uses", "D")!, 12);
    }

    /// <summary>
    /// Two scalar inputs: F_ValueWithGradient is vector forward mode (a tangent lane per input), a method of its own
    /// that needs neither residuals nor the split halves.
    /// </summary>
    [Fact]
    public void FewScalarInputs_ValueWithGradientIsVectorForwardMode_AndStandsAlone()
    {
        var run = Run("public static class Uses { public static (double, double) D() => Autodiff.Gradient(C.G, 2.0, 3.0); }");
        Assert.Equal(new[] { "_ValueWithGradient" }, Members(run, "G"));
        Assert.Contains("forward mode with one tangent per input", run.Source(".G.Nabla.g.cs"));
        using var assembly = new EmittedAssembly(run.Output);
        var (dx, dy) = ((double, double))assembly.Call("Uses", "D")!;
        Assert.Equal(3 + Math.Exp(2), dx, 12);
        Assert.Equal(2, dy, 12);
    }

    /// <summary>Past four scalar inputs, or with an array, F_ValueWithGradient is reverse mode.</summary>
    [Theory]
    [InlineData("public static double Five(double a, double b, double c, double d, double e) => a * b + c * d * e;", "Five", "2.0, 3.0, 4.0, 5.0, 6.0", 3.0)]
    [InlineData("public static double Arr(double a, double[] v) => a * v[0] * v[1];", "Arr", "2.0, new[] { 3.0, 4.0 }", 12.0)]
    public void ManyInputsOrArrays_ValueWithGradientIsReverseMode(string method, string name, string args, double first)
    {
        var run = Run($"public static class Uses {{ public static double D() => More.{name}_ValueWithGradient({args}).Gradient.Item1; }}",
            extra: "public static partial class More { [Differentiable] " + method + " }\n");
        string source = run.Source("More." + name + ".Nabla.g.cs");
        Assert.DoesNotContain("one tangent per input", source);
        Assert.Contains("Reverse mode of More." + name, source);
        using var assembly = new EmittedAssembly(run.Output);
        Assert.Equal(first, (double)assembly.Call("Uses", "D")!, 12);
    }

    /// <summary>A method group in a variable reaches the operator at run time, through the registry: registered.</summary>
    [Fact]
    public void MethodGroupInAVariable_IsRegistered_AndTheOperatorFindsIt()
    {
        var run = Run("public static class Uses { public static double D() { Func<double, double, double> g = C.G; return Autodiff.Gradient(g, 2.0, 3.0).Item2; } }");
        Assert.Equal(Every, Members(run, "G"));
        Assert.Contains("NablaRegister_G", run.Generated["Nabla.Assembly.g.cs"]);
        Assert.Empty(Members(run, "F"));
        using var assembly = new EmittedAssembly(run.Output);
        Assert.Equal(2.0, (double)assembly.Call("Uses", "D")!, 12);
    }

    [Fact]
    public void DirectCallOfAGeneratedMember_GetsThatForm()
    {
        var run = Run("public static class Uses { public static double D() => C.G_Jvp(2.0, 3.0, 1.0, 0.0).Tangent; }");
        Assert.Equal(new[] { "_Jvp" }, Members(run, "G"));
        using var assembly = new EmittedAssembly(run.Output);
        Assert.Equal(3 + Math.Exp(2), (double)assembly.Call("Uses", "D")!, 12);
    }

    [Fact]
    public void GeneratedNameInAString_Reflection_GetsThatForm()
    {
        var run = Run("public static class Uses { public static object? M() => typeof(C).GetMethod(\"H_Pullback\"); }");
        Assert.Equal(new[] { "_Residuals", "_Primal", "_Pullback" }, Members(run, "H"));
    }

    /// <summary>Derivatives that call a method that is not inlined (a struct's instance method) keep that method's halves.</summary>
    [Fact]
    public void CalleesOfAUsedDerivative_KeepTheFormsItCalls()
    {
        // A callee that is not inlined (recursive; small struct methods and static ones are inlined into their callers).
        const string types = """
            public static partial class D
            {
                [Differentiable]
                public static double Power(double x, int n) => n == 0 ? 1 : x * Power(x, n - 1);

                [Differentiable]
                public static double Loss(double x, double w) => Power(x, 3) * w;
            }

            public static class Uses { public static double U(double x) => D.Loss_ValueWithGradient(x, 3.0).Value; }
            """;
        var run = Run(types);
        string p = run.Generated.Single(kv => kv.Key.StartsWith("D.Power", StringComparison.Ordinal)).Value;
        Assert.Contains("Power_Primal(", p);
        Assert.Contains("Power_Pullback(", p);
        Assert.DoesNotContain("Power_ValueWithPullback(", p);
    }

    [Fact]
    public void Library_PublicMethodsGetEveryForm_InternalOnesWhatIsUsed()
    {
        var run = Run("", OutputKind.DynamicallyLinkedLibrary);
        Assert.Equal(Every, Members(run, "F"));
        Assert.Equal(Every, Members(run, "G"));
        Assert.Empty(Members(run, "H"));
    }

    [Fact]
    public void LibraryWithInternalsVisibleTo_InternalMethodsGetEveryForm()
    {
        var run = Run("", OutputKind.DynamicallyLinkedLibrary, extra: "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"Friend\")]\n");
        Assert.Equal(Every, Members(run, "H"));
    }

    [Fact]
    public void NablaDerivativesAll_WritesEveryForm_InAnApplication()
    {
        var run = Run("", derivatives: "All");
        Assert.Equal(Every, Members(run, "G"));
        Assert.Equal(Every, Members(run, "H"));
    }

    [Fact]
    public void NablaDerivativesUsed_WritesOnlyUsedForms_EvenInALibrary()
    {
        var run = Run("public static class Uses { public static double D() => C.G_Jvp(2.0, 3.0, 1.0, 0.0).Tangent; }", OutputKind.DynamicallyLinkedLibrary, "Used");
        Assert.Equal(new[] { "_Jvp" }, Members(run, "G"));
        Assert.Empty(Members(run, "F"));
    }

    /// <summary>
    /// A project that references an application (which wrote only the derivatives it used) and differentiates through
    /// one of its methods, or passes it to an operator, is told why the derivatives are missing and what to set (NABLA0020).
    /// </summary>
    [Fact]
    public void ReferencedApplicationWithoutTheForms_IsReportedWithTheProperty()
    {
        var app = Run("");
        using var image = new System.IO.MemoryStream();
        Assert.True(app.Output.Emit(image).Success);
        var reference = MetadataReference.CreateFromImage(image.ToArray());
        const string consumer = """
            using Nabla;

            public static partial class Consumer
            {
                [Differentiable]
                public static double Twice(double x) => 2 * C.G(x, 3.0);

                public static double D() => Autodiff.Derivative(C.F, 1.0);
            }
            """;
        var compilation = Harness.Harness.Compile(consumer).AddReferences(reference);
        var run = Harness.Harness.Run(compilation);
        Assert.False(run.Crashed, run.Describe());
        var reported = run.GeneratorDiagnostics.Where(d => d.Id == "NABLA0020").Select(d => Harness.Harness.TextOf(d, compilation)).OrderBy(t => t).ToArray();
        Assert.Equal(new[] { "C.F", "C.G(x, 3.0)" }, reported);
        Assert.Contains("NablaDerivatives", run.GeneratorDiagnostics.First(d => d.Id == "NABLA0020").GetMessage());

        // With NablaDerivatives=All in the application, the same consumer compiles.
        var full = Run("", derivatives: "All");
        using var fullImage = new System.IO.MemoryStream();
        Assert.True(full.Output.Emit(fullImage).Success);
        var fine = Harness.Harness.Run(Harness.Harness.Compile(consumer).AddReferences(MetadataReference.CreateFromImage(fullImage.ToArray())));
        Assert.True(fine.GeneratorDiagnostics.IsEmpty && fine.OutputDiagnostics.IsEmpty, fine.Describe());
    }
}
