// The partial derivatives of a scalar rule as ordinary [Differentiable] methods, so that first-order
// derivative code that uses the rule can itself be differentiated (second order). For a rule
//     (double Value, Func<double, double> Pullback) Tanh(double x) { double y = Math.Tanh(x); return (y, dy => dy * (1 - y * y)); }
// it writes, in the rule's split class,
//     [Differentiable] public static double Partial0(double x) { double y = Math.Tanh(x); double dy = 1d; return dy * (1 - y * y); }
// and differentiates it with the same pipeline as any method (its calls go through first-order rules).
// Swift asks the same of derivative functions used at higher order: they must be differentiable.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nabla.Generator.Rules;

namespace Nabla.Generator.Pipeline;

internal static class RulePartials
{
    public static string Name(int k) => "Partial" + k;

    /// <summary>
    /// The C# file declaring <c>Partial{k}</c> for each differentiated input of a rule whose inputs and result
    /// are real scalars and whose closure has the simple shape the rewrite needs; null otherwise (the rule
    /// then has first-order derivatives only).
    /// </summary>
    public static string? Source(IMethodSymbol rule, RuleInfo info, CancellationToken ct)
    {
        var original = info.Original;
        // (Data beside the reals, as Round's digits or ScaleB's exponent, is passed on to the partials as it is.)
        if (!rule.IsStatic || info.HasReceiver || !Symbols.IrTypeOf(original.ReturnType).IsReal || original.Parameters.Length != rule.Parameters.Length ||
            rule.Parameters.Any(p => p.RefKind != RefKind.None ||
                !(Symbols.IrTypeOf(p.Type).IsReal || !info.Wrt.Contains(p.Ordinal) && TangentShapes.IsData(p.Type))))
            return null;
        if (rule.DeclaringSyntaxReferences.IsEmpty || rule.DeclaringSyntaxReferences[0].GetSyntax(ct) is not MethodDeclarationSyntax decl)
            return null;

        // The single final `return (value, lambda);` and the statements before it.
        IReadOnlyList<StatementSyntax> before;
        TupleExpressionSyntax? tuple;
        if (decl.ExpressionBody != null)
        {
            before = new List<StatementSyntax>();
            tuple = decl.ExpressionBody.Expression as TupleExpressionSyntax;
        }
        else if (decl.Body is { Statements.Count: > 0 } body && body.Statements.Last() is ReturnStatementSyntax ret)
        {
            before = body.Statements.Take(body.Statements.Count - 1).ToList();
            tuple = ret.Expression as TupleExpressionSyntax;
            // Any other return would skip the rewritten tail.
            if (before.Any(s => s.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax).OfType<ReturnStatementSyntax>().Any()))
                return null;
        }
        else return null;
        if (tuple is not { Arguments.Count: 2 } || tuple.Arguments[1].Expression is not LambdaExpressionSyntax lambda)
            return null;
        var lambdaParameters = lambda switch
        {
            SimpleLambdaExpressionSyntax s => new List<string> { s.Parameter.Identifier.Text },
            ParenthesizedLambdaExpressionSyntax p => p.ParameterList.Parameters.Select(x => x.Identifier.Text).ToList(),
            _ => null,
        };
        if (lambdaParameters is null) return null;
        ExpressionSyntax? result = lambda.ExpressionBody ??
            (lambda.Block is { Statements.Count: 1 } b && b.Statements[0] is ReturnStatementSyntax { Expression: { } e } ? e : null);
        if (result is null) return null;

        // Names the rewrite declares must not collide with the rule's own.
        var taken = new HashSet<string>(rule.Parameters.Select(p => p.Name));
        foreach (var s in before)
            foreach (var n in s.DescendantNodesAndSelf())
                if (n is VariableDeclaratorSyntax v) taken.Add(v.Identifier.Text);
                else if (n is SingleVariableDesignationSyntax d) taken.Add(d.Identifier.Text);
        if (lambdaParameters.Any(taken.Contains)) return null;

        var wrt = info.Wrt;
        string resultType = Symbols.TypeName(original.ReturnType);
        string One(ITypeSymbol t) => Symbols.IrTypeOf(t).Kind == IR.TypeKind.Single ? "1f" : "1d";
        string Zero(ITypeSymbol t) => Symbols.IrTypeOf(t).Kind == IR.TypeKind.Single ? "0f" : "0d";
        var members = new StringBuilder();
        for (int k = 0; k < wrt.Count; k++)
        {
            var seeds = new List<string>();
            string returned;
            if (info.IsForward)
            {
                if (lambdaParameters.Count != wrt.Count) return null;
                for (int j = 0; j < wrt.Count; j++)
                {
                    var t = original.Parameters[wrt[j]].Type;
                    seeds.Add($"{Symbols.TypeName(t)} {lambdaParameters[j]} = {(j == k ? One(t) : Zero(t))};");
                }
                returned = result.ToString();
            }
            else
            {
                if (lambdaParameters.Count != 1) return null;
                seeds.Add($"{resultType} {lambdaParameters[0]} = {One(original.ReturnType)};");
                if (wrt.Count == 1) returned = result.ToString();
                else if (result is TupleExpressionSyntax cotangents && cotangents.Arguments.Count == wrt.Count) returned = cotangents.Arguments[k].Expression.ToString();
                else return null;
            }
            var parameters = rule.Parameters.Select((p, j) =>
                (wrt.Contains(j) || !Symbols.IrTypeOf(p.Type).IsReal ? "" : "[global::Nabla.NoDerivative] ") + Symbols.TypeName(p.Type) + " " + Symbols.Identifier(p.Name));
            members.Append("    /// <summary>∂").Append(original.Name).Append("/∂").Append(original.Parameters[wrt[k]].Name)
                .Append(", from the rule's ").Append(info.IsForward ? "differential" : "pullback").Append(", differentiable itself.</summary>\n");
            members.Append("    [global::Nabla.Differentiable]\n");
            var partialType = info.IsForward ? original.ReturnType : original.Parameters[wrt[k]].Type;
            members.Append("    public static ").Append(Symbols.TypeName(partialType))
                .Append(' ').Append(Name(k)).Append('(').Append(string.Join(", ", parameters)).Append(")\n    {\n");
            foreach (var s in before) members.Append("        ").Append(s.ToString()).Append('\n');
            foreach (var s in seeds) members.Append("        ").Append(s).Append('\n');
            members.Append("        return ").Append(returned).Append(";\n    }\n");
        }

        var text = new StringBuilder();
        text.Append(TypeDeclarations.FileHeader);
        SynthesizedSource.AppendFileUsings(text, decl, ct);
        text.Append("using static ").Append(Symbols.TypeName(rule.ContainingType)).Append(";\n");
        text.Append("namespace ").Append(Symbols.RuleNamespace).Append("\n{\n");
        SynthesizedSource.AppendNamespaceUsings(text, decl);
        // Names the rule finds through its own namespace.
        var ruleNamespace = rule.ContainingNamespace;
        for (var n = ruleNamespace; n != null && !n.IsGlobalNamespace; n = n.ContainingNamespace)
            text.Append("using ").Append(n.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).Append(";\n");
        text.Append("public static partial class ").Append(Symbols.RuleSplitClassName(rule)).Append("\n{\n");
        text.Append(members);
        text.Append("}\n}\n");
        return text.ToString();
    }
}

internal static class RulePartialsCompiler
{
    /// <summary>
    /// The partials' declarations and their generated derivatives, or nothing when the rule does not have
    /// the shape or its partials cannot be differentiated (the rule then stays first-order).
    /// </summary>
    public static GeneratedFile[] Files(IMethodSymbol rule, RuleInfo info, Compilation compilation, CancellationToken ct)
    {
        string? source = RulePartials.Source(rule, info, ct);
        if (source is null) return Array.Empty<GeneratedFile>();
        var (tree, model, error) = SynthesizedSource.Bind(compilation, source, rule.DeclaringSyntaxReferences[0].SyntaxTree,
            "Nabla.RulePartials." + Symbols.RuleSplitClassName(rule) + ".cs", ct);
        if (error != null)
            return Array.Empty<GeneratedFile>();
        var files = new List<GeneratedFile> { new(Symbols.RuleNamespace + "." + Symbols.RuleSplitClassName(rule) + ".Partials.g.cs", source, default) };
        foreach (var declaration in tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>())
        {
            if (model.GetDeclaredSymbol(declaration, ct) is not IMethodSymbol partial) return Array.Empty<GeneratedFile>();
            var file = MethodProcessor.Process(partial, model, ct);
            // A partial may be a constant (the rule of a linear function): its zero-derivative warning is no
            // concern of the user's, whose rule this is, so only errors make the rule stay first-order.
            if (!file.HasCode || file.Diagnostics.Any(d => d.IsError)) return Array.Empty<GeneratedFile>();
            // Every form: other assemblies' second derivatives call them (the partials are found by name, not used here).
            files.Add(file with { Registration = null, Diagnostics = default, Source = file.Forms?.All ?? file.Source, Forms = null });
        }
        return files.ToArray();
    }
}
