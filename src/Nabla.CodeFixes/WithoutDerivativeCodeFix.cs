// NABLA0016's fix: the result does not depend on a differentiation input, and that is intended, so the
// returned expression becomes Autodiff.WithoutDerivative(expression), which says so (and silences the warning).
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Nabla.CodeFixes;

[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(WithoutDerivativeCodeFix)), Shared]
public sealed class WithoutDerivativeCodeFix : CodeFixProvider
{
    public const string Title = "Wrap in Autodiff.WithoutDerivative(...)";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("NABLA0016");

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        // NABLA0016 on a method that returns nothing is at its name: there is no expression to wrap.
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not ExpressionSyntax expression || expression.Span != context.Span)
            return;
        foreach (var diagnostic in context.Diagnostics)
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => WrapAsync(context.Document, expression, ct), equivalenceKey: nameof(WithoutDerivativeCodeFix)),
                diagnostic);
    }

    private static async Task<Document> WrapAsync(Document document, ExpressionSyntax expression, CancellationToken ct)
    {
        var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
        bool inScope = model != null && NablaSyntax.InScope(model, expression.SpanStart, "Autodiff");
        var editor = await DocumentEditor.CreateAsync(document, ct).ConfigureAwait(false);
        editor.ReplaceNode(expression, (node, _) =>
        {
            var inner = (ExpressionSyntax)node;
            var call = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                    SyntaxFactory.IdentifierName("Autodiff"), SyntaxFactory.IdentifierName("WithoutDerivative")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(inner.WithoutTrivia()))));
            return call.WithTriviaFrom(inner);
        });
        if (!inScope && editor.OriginalRoot is CompilationUnitSyntax)
            editor.ReplaceNode(editor.OriginalRoot, (node, _) => NablaSyntax.AddUsingNabla((CompilationUnitSyntax)node));
        return editor.GetChangedDocument();
    }
}
