// NABLA0001's code fix for a callee whose source is in the solution: [Differentiable] on the callee (its own
// line, at its indentation, below its doc comment), `partial` on its containing types, `using Nabla;` if needed.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Nabla.CodeFixes;
using Xunit;

namespace Nabla.Generator.Tests.CodeFixes;

public class MarkDifferentiableCodeFixTests
{
    private const string Caller = """
        using System;
        using Nabla;

        public static partial class C
        {
            [Differentiable]
            public static double F(double x) => Lib.Helpers.Twice(x) + 1;
        }
        """;

    [Fact]
    public async Task CalleeInTheSameFile_IsMarked()
    {
        const string source = """
            using Nabla;

            public static partial class C
            {
                static double Helper(double x) => x * 2;

                [Differentiable]
                public static double F(double x) => Helper(x) + 1;
            }
            """;
        var runner = new CodeFixRunner(source);
        var action = Assert.Single(await runner.ActionsAsync(new MarkDifferentiableCodeFix(), "NABLA0001"));
        Assert.Equal("Mark 'Helper' [Differentiable]", action.Title);
        var fixedSolution = await runner.ApplyAsync(new MarkDifferentiableCodeFix(), "NABLA0001");
        Assert.Equal(source.Replace("    static double Helper", "    [Differentiable]\n    static double Helper"),
            await CodeFixRunner.TextAsync(fixedSolution, "Test0.cs"));
        var run = await CodeFixRunner.GenerateAsync(fixedSolution);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task CalleeInAnotherFile_InANonPartialType_IsMarked_TheTypeMadePartial_AndNablaImported()
    {
        const string library = """
            namespace Lib
            {
                public static class Helpers
                {
                    /// <summary>Doubles.</summary>
                    [System.Diagnostics.Contracts.Pure]
                    public static double Twice(double x) => 2 * x;
                }
            }
            """;
        const string expected = """
            using Nabla;
            namespace Lib
            {
                public static partial class Helpers
                {
                    /// <summary>Doubles.</summary>
                    [Differentiable]
                    [System.Diagnostics.Contracts.Pure]
                    public static double Twice(double x) => 2 * x;
                }
            }
            """;
        var runner = new CodeFixRunner(Caller, library);
        var fixedSolution = await runner.ApplyAsync(new MarkDifferentiableCodeFix(), "NABLA0001");
        Assert.Equal(expected, await CodeFixRunner.TextAsync(fixedSolution, "Test1.cs"));
        Assert.Equal(Caller, await CodeFixRunner.TextAsync(fixedSolution, "Test0.cs"));
        var run = await CodeFixRunner.GenerateAsync(fixedSolution);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task NestedTypesWithoutModifiers_AllBecomePartial()
    {
        const string library = """
            using Nabla;

            namespace Lib;

            class Outer
            {
                internal class Helpers
                {
                    internal static double Twice(double x) => 2 * x;
                }
            }
            """;
        const string caller = """
            using Nabla;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => Lib.Outer.Helpers.Twice(x) + 1;
            }
            """;
        const string expected = """
            using Nabla;

            namespace Lib;

            partial class Outer
            {
                internal partial class Helpers
                {
                    [Differentiable]
                    internal static double Twice(double x) => 2 * x;
                }
            }
            """;
        var runner = new CodeFixRunner(caller, library);
        var fixedSolution = await runner.ApplyAsync(new MarkDifferentiableCodeFix(), "NABLA0001");
        Assert.Equal(expected, await CodeFixRunner.TextAsync(fixedSolution, "Test1.cs"));
        var run = await CodeFixRunner.GenerateAsync(fixedSolution);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task CalleeWithoutSource_GetsNoFix()
    {
        var runner = new CodeFixRunner("""
            using System;
            using Nabla;

            public static partial class C
            {
                [Differentiable]
                public static double F(double x) => double.Ieee754Remainder(x * x, 3.0);
            }
            """);
        Assert.Empty(await runner.ActionsAsync(new MarkDifferentiableCodeFix(), "NABLA0001"));
    }
}
