// Incremental caching: after an edit that does not touch a [Differentiable] method, the pipeline's
// tracked steps report Cached or Unchanged for it, so the IDE does not rewrite its derivatives.
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
    private GeneratorRunResult RunTwice(Func<CSharpCompilation, CSharpCompilation> edit)
    {
        var compilation = Harness.Harness.Compile(Methods, Other);
        GeneratorDriver driver = Harness.Harness.CreateDriver(trackSteps: true);
        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.Empty(first.Diagnostics);
        foreach (var step in Steps)
            Assert.True(first.TrackedSteps.ContainsKey(step), $"step '{step}' is not tracked; tracked: {string.Join(", ", first.TrackedSteps.Keys)}");

        driver = driver.RunGenerators(edit(compilation));
        var second = driver.GetRunResult().Results.Single();
        Assert.Null(second.Exception);
        foreach (var (name, runs) in second.TrackedSteps.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            _output.WriteLine($"{name}: {string.Join(", ", runs.SelectMany(r => r.Outputs).Select(o => o.Reason))}");
        return second;
    }

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
    /// Issue 6 asks more than Cached-or-Unchanged: an unrelated edit should not rerun lowering at all.
    /// Unchanged means the transform ran again (lowering, transforms, emission) and produced equal text:
    /// the pipeline lowers inside ForAttributeWithMetadataName's transform, which Roslyn reruns on every
    /// new compilation, so today every edit re-lowers every [Differentiable] method.
    /// </summary>
    [Fact(Skip = "issue 6 (open): lowering reruns on every compilation; a memo keyed by the method and what it references is planned")]
    [Trait("Category", "KnownGeneratorBug")]
    public void UnrelatedEditInAnotherFile_DoesNotRerunTheTransform()
    {
        var run = RunTwice(c => Replace(c, 1, Other + "\npublic class Added { }\n"));
        var reasons = Reasons(run, "DifferentiableMethods").ToList();
        Assert.All(reasons, r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }
}
