// NABLA0001's fix when the callee is a method of the same solution: mark it [Differentiable], and make
// its containing types partial (Nabla writes its derivatives beside it), adding `using Nabla;` if needed.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Nabla.CodeFixes;

[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MarkDifferentiableCodeFix)), Shared]
public sealed class MarkDifferentiableCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NABLA0001");

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        var invocation = root.FindNode(context.Span, getInnermostNodeForTie: true).AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
        if (invocation is null || model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is not IMethodSymbol callee) return;
        callee = callee.PartialImplementationPart ?? callee.OriginalDefinition;
        // Only a method whose source is in this solution, with a body, can be marked.
        var reference = callee.DeclaringSyntaxReferences.FirstOrDefault();
        if (reference is null || context.Document.Project.Solution.GetDocument(reference.SyntaxTree) is not { } calleeDocument) return;
        if (await reference.GetSyntaxAsync(context.CancellationToken).ConfigureAwait(false) is not MethodDeclarationSyntax { Body: not null } and not MethodDeclarationSyntax { ExpressionBody: not null })
            return;
        string title = $"Mark '{callee.Name}' [Differentiable]";
        foreach (var diagnostic in context.Diagnostics)
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => MarkAsync(calleeDocument, reference, ct), equivalenceKey: nameof(MarkDifferentiableCodeFix) + callee.Name),
                diagnostic);
    }

    private static async Task<Solution> MarkAsync(Document document, SyntaxReference reference, CancellationToken ct)
    {
        var method = (MethodDeclarationSyntax)await reference.GetSyntaxAsync(ct).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        bool inScope = model != null && NablaSyntax.InScope(model, method.SpanStart, "DifferentiableAttribute");
        var editor = await DocumentEditor.CreateAsync(document, ct).ConfigureAwait(false);
        var eol = NablaSyntax.EndOfLine(editor.OriginalRoot);
        editor.ReplaceNode(method, (node, _) => AddAttribute((MethodDeclarationSyntax)node, eol));
        foreach (var type in method.Ancestors().OfType<TypeDeclarationSyntax>())
            if (!type.Modifiers.Any(SyntaxKind.PartialKeyword))
                editor.ReplaceNode(type, (node, _) => AddPartial((TypeDeclarationSyntax)node));
        if (!inScope && editor.OriginalRoot is CompilationUnitSyntax)
            editor.ReplaceNode(editor.OriginalRoot, (node, _) => NablaSyntax.AddUsingNabla((CompilationUnitSyntax)node));
        return editor.GetChangedDocument().Project.Solution;
    }

    /// <summary>Puts <c>[Differentiable]</c> on its own line above the method (and above its other attributes), at its indentation.</summary>
    private static MethodDeclarationSyntax AddAttribute(MethodDeclarationSyntax method, SyntaxTrivia eol)
    {
        var leading = method.GetLeadingTrivia();
        // The whitespace right before the method's first token (after any doc comment) is its indentation.
        var indentation = leading.Reverse().TakeWhile(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse().ToList();
        var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(SyntaxFactory.IdentifierName("Differentiable"))))
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(new[] { eol }.Concat(indentation));
        var bare = method.WithLeadingTrivia(SyntaxFactory.TriviaList());
        return bare.WithAttributeLists(bare.AttributeLists.Insert(0, attribute));
    }

    /// <summary>Adds <c>partial</c> as the last modifier, right before <c>class</c>/<c>struct</c>/<c>record</c>, as C# requires.</summary>
    private static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax type)
    {
        if (type.Modifiers.Count == 0)
        {
            var keyword = type.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return type.ReplaceToken(keyword, keyword.WithLeadingTrivia(SyntaxFactory.TriviaList())).WithModifiers(SyntaxFactory.TokenList(partial));
        }
        return type.WithModifiers(type.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
    }
}
