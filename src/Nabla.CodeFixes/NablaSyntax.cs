// Shared helpers for Nabla's code fixes: is a Nabla type in scope at a position, and adding `using Nabla;`.
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Nabla.CodeFixes;

internal static class NablaSyntax
{
    /// <summary>Whether the simple name <paramref name="name"/> binds to <c>Nabla.{name}</c> at <paramref name="position"/>.</summary>
    public static bool InScope(SemanticModel model, int position, string name) =>
        model.LookupNamespacesAndTypes(position, null, name)
            .OfType<INamedTypeSymbol>()
            .Any(t => t.ContainingNamespace is { Name: "Nabla", ContainingNamespace.IsGlobalNamespace: true });

    /// <summary>The file's line ending: its first end of line, or "\n".</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root) =>
        root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is var eol && eol.IsKind(SyntaxKind.EndOfLineTrivia)
            ? eol : SyntaxFactory.EndOfLine("\n");

    /// <summary>Adds <c>using Nabla;</c> after the file's other usings.</summary>
    public static CompilationUnitSyntax AddUsingNabla(CompilationUnitSyntax unit)
    {
        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.IdentifierName("Nabla"))
            .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
            .WithTrailingTrivia(EndOfLine(unit));
        return unit.WithUsings(unit.Usings.Add(directive));
    }
}
