// Lowers one method of a test source through the generator's internal API (MethodProcessor.Lower), for
// tests of the IR and of activity analysis.
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.IR;
using Nabla.Generator.Pipeline;
using Xunit;

namespace Nabla.Generator.Tests.Harness;

internal static class TestLowering
{
    /// <summary>Lowers <c>C.{method}</c> of <paramref name="members"/> (wrapped in <c>partial class C</c>).</summary>
    public static LoweredMethod Lower(string members, string method = "F", string? wrt = null)
    {
        var compilation = Harness.Compile(DiagnosticVerifier.InClass(members));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var symbol = compilation.GetTypeByMetadataName("C")!.GetMembers(method).OfType<IMethodSymbol>().Single();
        var diagnostics = new List<DiagnosticInfo>();
        var lowered = MethodProcessor.Lower(symbol, compilation, wrt, null, diagnostics, CancellationToken.None);
        Assert.True(lowered != null && diagnostics.Count == 0,
            "lowering failed: " + string.Join("; ", diagnostics.Select(d => d.Id + " " + string.Join(", ", d.Args))));
        return lowered!;
    }

    public static string PrintIr(this LoweredMethod m) => IrPrinter.Print(m.Function);

    public static string PrintActivity(this LoweredMethod m) => m.Activity.Print(m.Function);
}
