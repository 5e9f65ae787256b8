// C# the generator writes and then compiles itself, as if the user had written it (an inline lambda as a
// method, a rule's partial derivatives): it sees the names the original code saw, and is bound in the user's
// compilation so that the ordinary pipeline can lower and differentiate it.
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Nabla.Generator.Pipeline;

internal static class SynthesizedSource
{
    /// <summary>The file-level <c>using</c> directives of <paramref name="node"/>'s file (global ones apply anyway).</summary>
    public static void AppendFileUsings(StringBuilder text, SyntaxNode node, CancellationToken ct)
    {
        foreach (var u in node.SyntaxTree.GetCompilationUnitRoot(ct).Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None)))
            text.Append(u.ToString()).Append('\n');
    }

    /// <summary>The <c>using</c> directives of the namespace declarations around <paramref name="node"/>, outermost first.</summary>
    public static void AppendNamespaceUsings(StringBuilder text, SyntaxNode node)
    {
        foreach (var ns in node.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse())
            foreach (var u in ns.Usings) text.Append(u.ToString()).Append('\n');
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, SyntaxTree?[]> s_stubs = new();

    /// <summary>The members derivative code calls in the generated parts of the compilation's [Differentiable] types
    /// (TangentSynthesizer.GeneratedMemberStubs), or null when there are none.</summary>
    private static SyntaxTree? GeneratedMemberStubs(Compilation compilation, SyntaxTree like, CancellationToken ct) =>
        s_stubs.GetValue(compilation, c =>
        {
            var text = TangentSynthesizer.GeneratedMemberStubs(c, ct);
            return new[] { text is null ? null : CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)like.Options, "Nabla.GeneratedMemberStubs.g.cs", Encoding.UTF8, ct) };
        })[0];

    /// <summary>Parses <paramref name="text"/> with the original file's options and adds it to <paramref name="compilation"/>.</summary>
    public static (SyntaxTree Tree, SemanticModel Model, Diagnostic? FirstError) Bind(Compilation compilation, string text, SyntaxTree like, string path, CancellationToken ct)
    {
        var tree = CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)like.Options, path, Encoding.UTF8, ct);
        // Derivative code written into the text (a nested derivative) reads private members and rebuilds structs through
        // what the types' generated parts declare; the generator's own compilation does not hold those parts: stubs here.
        if ((text.Contains("NablaGet_") || text.Contains("NablaConstruct(")) && GeneratedMemberStubs(compilation, like, ct) is { } stubs && !compilation.ContainsSyntaxTree(stubs))
            compilation = compilation.AddSyntaxTrees(stubs);
        var model = compilation.AddSyntaxTrees(tree).GetSemanticModel(tree);
        // A warning the project treats as an error (nullable ones, say) is not the synthesized code's fault.
        var error = model.GetDiagnostics(cancellationToken: ct).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError);
        return (tree, model, error);
    }
}
