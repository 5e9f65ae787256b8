// Incremental caching: after an edit that does not touch a [Differentiable] method, the pipeline's
// tracked steps report Cached or Unchanged for it, so the IDE does not rewrite its derivatives; lowering
// (the DifferentiableMethods step) runs again only for the methods whose code, or whose callees' code,
// changed; and what an incremental run writes is what a fresh run writes.
using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Nabla.Generator.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Nabla.Generator.Tests.Pipeline;

public class IncrementalTests
{
    private readonly ITestOutputHelper _output;

    public IncrementalTests(ITestOutputHelper output) => _output = output;

    private const string Methods = """
        using System;
        using Nabla;

        public static partial class Physics
        {
            [Differentiable]
            public static double Cubed(double x) => x * x * x;

            [Differentiable]
            public static double Energy(double x, double k) => 0.5 * k * x * x + Math.Sin(x);

            [GradientOf(nameof(Energy))]
            public static partial (double, double) EnergyGradient(double x, double k);

            public static double Twice(double x) => 2 * x;

            [DerivativeOf(typeof(Physics), nameof(Twice))]
            public static (double Value, Func<double, double> Pullback) TwiceRule(double x) => (2 * x, dy => 2 * dy);
        }

        [Differentiable]
        public partial struct Body
        {
            public double X;
            public double[] Velocities;
        }
        """;

    private const string Other = """
        public static class Unrelated
        {
            public static int Count(int n) => n + 1;
        }
        """;

    private static readonly string[] Steps = { "DifferentiableMethods", "NamedDerivatives", "Rules", "DifferentiableTypes" };

    /// <summary>Runs the generator, applies <paramref name="edit"/>, runs it again; returns the second run.</summary>
    private GeneratorRunResult RunTwice(Func<CSharpCompilation, CSharpCompilation> edit) => RunTwice(edit, Methods, Other);

    /// <summary>
    /// Runs the generator on <paramref name="sources"/>, applies <paramref name="edit"/>, runs it again, checks that the
    /// second run wrote what a fresh run on the edited sources writes, and returns the second run.
    /// </summary>
    private GeneratorRunResult RunTwice(Func<CSharpCompilation, CSharpCompilation> edit, params string[] sources)
    {
        var compilation = Harness.Harness.Compile(sources);
        GeneratorDriver driver = Harness.Harness.CreateDriver(trackSteps: true);
        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        if (sources.Length == 2 && sources[0] == Methods)
        {
            Assert.Empty(first.Diagnostics);
            foreach (var step in Steps)
                Assert.True(first.TrackedSteps.ContainsKey(step), $"step '{step}' is not tracked; tracked: {string.Join(", ", first.TrackedSteps.Keys)}");
        }

        var edited = edit(compilation);
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();
        Assert.Null(second.Exception);
        foreach (var (name, runs) in second.TrackedSteps.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            _output.WriteLine($"{name}: {string.Join(", ", runs.SelectMany(r => r.Outputs).Select(o => o.Reason))}");
        AssertSameAsFreshRun(second, edited);
        return second;
    }

    /// <summary>A cache that is wrong writes something else than a run from scratch: the same files, texts and diagnostics.</summary>
    private static void AssertSameAsFreshRun(GeneratorRunResult incremental, CSharpCompilation compilation)
    {
        var fresh = Harness.Harness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
        static string Sources(GeneratorRunResult r) => string.Join("\n", r.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal)
            .Select(s => "=== " + s.HintName + "\n" + s.SourceText));
        static string Diagnostics(GeneratorRunResult r) => string.Join("\n", r.Diagnostics
            .Select(d => d.Id + " " + d.Location.GetLineSpan() + " " + d.GetMessage()).OrderBy(d => d, StringComparer.Ordinal));
        Assert.Equal(Sources(fresh), Sources(incremental));
        Assert.Equal(Diagnostics(fresh), Diagnostics(incremental));
    }

    private static string GeneratedText(GeneratorRunResult run, string hintFragment) =>
        Assert.Single(run.GeneratedSources, s => s.HintName.Contains(hintFragment, StringComparison.Ordinal)).SourceText.ToString();

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult run, string step) =>
        run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static void AssertNotRegenerated(GeneratorRunResult run, string step)
    {
        var reasons = Reasons(run, step).ToList();
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
            $"step '{step}' after an unrelated edit: {string.Join(", ", reasons)}"));
    }

    private static CSharpCompilation Replace(CSharpCompilation compilation, int index, string text)
    {
        var old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, Harness.Harness.Parse(text, old.FilePath));
    }

    [Fact]
    public void NewClassInAnotherFile_LeavesEveryStepCachedOrUnchanged()
    {
        var run = RunTwice(c => Replace(c, 1, Other + "\npublic class Added { public double Value => 42; }\n"));
        foreach (var step in Steps) AssertNotRegenerated(run, step);
    }

    [Fact]
    public void NewFile_LeavesEveryStepCachedOrUnchanged()
    {
        var run = RunTwice(c => c.AddSyntaxTrees(Harness.Harness.Parse("public class Added2 { }", "Test2.cs")));
        foreach (var step in Steps) AssertNotRegenerated(run, step);
    }

    [Fact]
    public void CommentInTheMethodsFile_LeavesEveryStepCachedOrUnchanged()
    {
        var run = RunTwice(c => Replace(c, 0, "// a comment at the top\n" + Methods + "\n// and one at the end\n"));
        foreach (var step in Steps) AssertNotRegenerated(run, step);
    }

    [Fact]
    public void EditInsideOneMethod_RegeneratesThatMethodOnly()
    {
        var run = RunTwice(c => Replace(c, 0, Methods.Replace("=> x * x * x;", "=> x * x * x * x;")));
        var reasons = Reasons(run, "DifferentiableMethods").ToList();
        // Cubed changed; Energy did not.
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void EditInsideADifferentiableType_RegeneratesIt()
    {
        var run = RunTwice(c => Replace(c, 0, Methods.Replace("public double X;", "public double X, Y;")));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Reasons(run, "DifferentiableTypes")));
    }

    /// <summary>
    /// Issue 6 asks more than Cached-or-Unchanged: an unrelated edit must not rerun lowering at all. Roslyn reruns
    /// ForAttributeWithMetadataName's transform on every new compilation; that transform only computes a key of what
    /// lowering reads (DifferentiableMethodKeys, Unchanged here), and lowering (DifferentiableMethods), a step after
    /// it, is skipped: Cached, not Unchanged (which would mean it ran again and wrote the same text).
    /// </summary>
    [Fact]
    public void UnrelatedEditInAnotherFile_DoesNotRerunTheTransform()
    {
        var run = RunTwice(c => Replace(c, 1, Other + "\npublic class Added { }\n"));
        var reasons = Reasons(run, "DifferentiableMethods").ToList();
        Assert.Equal(2, reasons.Count);
        Assert.All(reasons, r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(Reasons(run, "DifferentiableMethodKeys"), r => Assert.Equal(IncrementalStepRunReason.Unchanged, r));
    }

    [Fact]
    public void EditInsideOneMethod_LowersThatMethodOnly()
    {
        // Cubed changes; Energy, below it in the same file, moves by one token but is not lowered again.
        var run = RunTwice(c => Replace(c, 0, Methods.Replace("=> x * x * x;", "=> x * x * x * x;")));
        var reasons = Reasons(run, "DifferentiableMethods").ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Cached));
    }

    private const string Caller = """
        using System;
        using Nabla;

        public static partial class Model
        {
            [Differentiable]
            public static double Loss(double x, double y) => Helpers.Square(x - y) + Math.Sin(x);

            [Differentiable]
            public static double Unrelated(double x) => x * x;
        }
        """;

    private const string Callee = """
        using Nabla;

        public static partial class Helpers
        {
            [Differentiable]
            public static double Square(double d) => d * d;
        }
        """;

    /// <summary>
    /// Loss inlines Square, in another file: a change of Square's body changes Loss's derivatives, so both are
    /// lowered again; Unrelated is not. Without Square in Loss's key the fresh-run comparison fails.
    /// </summary>
    [Fact]
    public void EditInACallee_RegeneratesItsCallers()
    {
        string before = null!;
        var run = RunTwice(c =>
        {
            before = GeneratedText(Harness.Harness.CreateDriver().RunGenerators(c).GetRunResult().Results.Single(), "Model.Loss.");
            return Replace(c, 1, Callee.Replace("=> d * d;", "=> 3 * d * d;"));
        }, Caller, Callee);
        var reasons = Reasons(run, "DifferentiableMethods").ToList();
        Assert.Equal(2, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Cached));
        Assert.NotEqual(before, GeneratedText(run, "Model.Loss."));
    }

    [Fact]
    public void EditOfADifferentiableStructAMethodUses_RegeneratesTheMethod()
    {
        const string code = """
            using Nabla;

            public static partial class Uses
            {
                [Differentiable]
                public static double Norm(Point p) => p.X * p.X;

                [Differentiable]
                public static double Other(double x) => x;
            }
            """;
        const string point = """
            using Nabla;

            [Differentiable]
            public partial struct Point
            {
                public double X;
            }
            """;
        var run = RunTwice(c => Replace(c, 1, point.Replace("public double X;", "public double X;\n    public double Y;")), code, point);
        var reasons = Reasons(run, "DifferentiableMethods").ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Cached));
    }

    [Fact]
    public void RuleAddedInAnotherFile_RegeneratesTheMethodsThatCallItsOriginal()
    {
        const string code = """
            using System;
            using Nabla;

            public static class Plain
            {
                public static double Soft(double x) => Math.Log(1 + Math.Exp(x));
            }

            public static partial class Uses
            {
                [Differentiable]
                public static double CallsSoft(double x) => Plain.Soft(x) * 2;

                [Differentiable]
                public static double Other(double x) => x * 2;
            }
            """;
        const string rule = """
            using System;
            using Nabla;

            public static class SoftRules
            {
                [DerivativeOf(typeof(Plain), nameof(Plain.Soft))]
                public static (double Value, Func<double, double> Pullback) Soft(double x)
                {
                    double s = 1 / (1 + Math.Exp(-x));
                    return (Plain.Soft(x), dy => dy * s);
                }
            }
            """;
        // Before the rule, CallsSoft has no derivative (NABLA0001); after it, it has one.
        var run = RunTwice(c => c.AddSyntaxTrees(Harness.Harness.Parse(rule, "Test2.cs")), code);
        var reasons = Reasons(run, "DifferentiableMethods").ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Cached));
    }

    /// <summary>
    /// Lines added above a method move its diagnostics, which the report step does without lowering it again
    /// (the fresh-run comparison checks the new positions).
    /// </summary>
    [Fact]
    public void LinesAddedAboveAMethod_MoveItsDiagnosticsWithoutLoweringIt()
    {
        const string code = """
            using Nabla;

            public static partial class Warned
            {
                [Differentiable]
                public static double Constant(double x) => 1.0;
            }
            """;
        var compilation = Harness.Harness.Compile(code);
        var first = Harness.Harness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.Equal("NABLA0016", Assert.Single(first.Diagnostics).Id);
        var run = RunTwice(c => Replace(c, 0, "// one\n// two\n" + code), code);
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(Reasons(run, "DifferentiableMethods")));
        var moved = Assert.Single(run.Diagnostics);
        Assert.Equal(Assert.Single(first.Diagnostics).Location.GetLineSpan().StartLinePosition.Line + 2, moved.Location.GetLineSpan().StartLinePosition.Line);
    }
}
