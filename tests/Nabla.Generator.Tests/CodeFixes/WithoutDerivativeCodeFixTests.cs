// NABLA0016's code fix wraps the returned expression in Autodiff.WithoutDerivative(...), adding `using Nabla;`
// when Autodiff is not in scope; the fixed program compiles and the warning is gone.
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Nabla.CodeFixes;
using Xunit;

namespace Nabla.Generator.Tests.CodeFixes;

public class WithoutDerivativeCodeFixTests
{
    private static async Task AssertFixedAsync(string source, string expected, int index = 0)
    {
        var runner = new CodeFixRunner(source);
        var fixedSolution = await runner.ApplyAsync(new WithoutDerivativeCodeFix(), "NABLA0016", index);
        Assert.Equal(expected, await CodeFixRunner.TextAsync(fixedSolution, "Test0.cs"));
    }

    [Fact]
    public async Task ExpressionBody_IsWrapped_AndTheWarningIsGone()
    {
        const string source = """
            using System;
            using Nabla;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => 2.5 * Math.PI;
            }
            """;
        const string expected = """
            using System;
            using Nabla;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => Autodiff.WithoutDerivative(2.5 * Math.PI);
            }
            """;
        await AssertFixedAsync(source, expected);
        var run = await CodeFixRunner.GenerateAsync(new CodeFixRunner(expected).Solution);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(run.Generated.Keys, k => k.Contains("C.F.", System.StringComparison.Ordinal));
    }

    [Fact]
    public async Task EachReturn_IsItsOwnFix_KeepingCommentsAround()
    {
        const string source = """
            using Nabla;

            public static partial class C
            {
                [Differentiable]
                public static double Sign(double x)
                {
                    if (x > 0)
                        return 1; // positive
                    return /* otherwise */ -1;
                }
            }
            """;
        await AssertFixedAsync(source, source.Replace("return 1;", "return Autodiff.WithoutDerivative(1);"), index: 0);
        await AssertFixedAsync(source, source.Replace("return /* otherwise */ -1;", "return /* otherwise */ Autodiff.WithoutDerivative(-1);"), index: 1);
    }

    [Fact]
    public async Task WithoutUsingNabla_TheUsingIsAdded()
    {
        const string source = """
            using System;

            public static partial class C
            {
                [Nabla.Differentiable]
                public static double F(double x) => Math.E;
            }
            """;
        const string expected = """
            using System;
            using Nabla;

            public static partial class C
            {
                [Nabla.Differentiable]
                public static double F(double x) => Autodiff.WithoutDerivative(Math.E);
            }
            """;
        await AssertFixedAsync(source, expected);
        var run = await CodeFixRunner.GenerateAsync(new CodeFixRunner(expected).Solution);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task VoidMethod_GetsNoFix()
    {
        var runner = new CodeFixRunner("""
            using Nabla;

            public static partial class C
            {
                [Differentiable]
                public static void Fill(double[] a, double x) { a[0] = 1; }
            }
            """);
        Assert.Empty(await runner.ActionsAsync(new WithoutDerivativeCodeFix(), "NABLA0016"));
    }
}
