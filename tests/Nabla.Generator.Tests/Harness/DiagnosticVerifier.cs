// Runs the generator on marked-up source and compares the diagnostics it reported (id and exact span)
// with the {|ID:…|} markup.
using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Nabla.Generator.Tests.Harness;

internal static class DiagnosticVerifier
{
    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading.Tasks;\nusing Nabla;\n";

    /// <summary>Wraps members in <c>public static partial class C</c> with the usual usings.</summary>
    public static string InClass(string members) =>
        Usings + "\npublic static partial class C\n{\n" + members + "\n}\n";

    /// <summary>
    /// Runs the generator on <paramref name="markup"/> (file Test0.cs) and asserts that the generator
    /// reported exactly the marked diagnostics, at exactly the marked spans, and never threw.
    /// Unless <paramref name="allowCompilerErrors"/>, the program with the generated code added must
    /// compile without errors, so that a test cannot pass only because lowering went quiet on invalid code
    /// (tests whose named derivative is not generated allow the compiler's CS8795).
    /// </summary>
    public static GeneratorRun Verify(string markup, bool allowCompilerErrors = false, params string[] otherSources)
    {
        var (source, expected) = Markup.Parse(markup);
        var run = Harness.Run(new[] { source }.Concat(otherSources).ToArray());
        Assert.False(run.Crashed, "the generator failed:\n" + run.Describe());
        if (!allowCompilerErrors)
        {
            var errors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, "the test program does not compile:\n" + string.Join("\n", errors));
        }
        string Show(string id, string path, Microsoft.CodeAnalysis.Text.TextSpan span) =>
            $"{id} {path}[{span.Start}..{span.End}) '{(path == "Test0.cs" && span.End <= source.Length ? source.Substring(span.Start, span.Length) : "")}'";
        var want = expected.OrderBy(e => e.Span.Start).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Select(e => Show(e.Id, "Test0.cs", e.Span)).ToList();
        var got = run.GeneratorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal)
            .Select(d => Show(d.Id, Harness.PathOf(d), d.Location.SourceSpan)).ToList();
        Assert.True(want.SequenceEqual(got),
            "expected:\n  " + string.Join("\n  ", want) + "\nactual:\n  " + string.Join("\n  ", got) + "\nall:\n" + run.Describe());
        return run;
    }

    /// <summary>The messages of every diagnostic <paramref name="id"/> the generator reported.</summary>
    public static IReadOnlyList<string> Messages(this GeneratorRun run, string id) =>
        run.GeneratorDiagnostics.Where(d => d.Id == id).Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>The message of the only generator diagnostic with <paramref name="id"/>.</summary>
    public static string Message(this GeneratorRun run, string id) =>
        Assert.Single(run.GeneratorDiagnostics, d => d.Id == id).GetMessage(System.Globalization.CultureInfo.InvariantCulture);
}
