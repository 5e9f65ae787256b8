// Call sites of the differential operators (Autodiff.Gradient(f, x) and friends). An inline lambda
// becomes a synthesized [Differentiable] method (its captured variables are data parameters) that goes
// through the same compiler pass as any method; an interceptor then binds the call site to the
// generated derivative, reading the captured values from the closure at each call. A method group of a
// [Differentiable] method is bound the same way, so neither costs a registry lookup.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.Rules;

namespace Nabla.Generator.Pipeline;

internal static class OperatorSiteProcessor
{
    /// <summary>The operators an interceptor can bind, by name.</summary>
    private static readonly HashSet<string> Operators = new()
    {
        "Gradient", "ValueWithGradient", "Derivative", "Jvp", "ValueWithDifferential",
        "ValueWithPullback", "Vjp", "JacobianForward", "JacobianReverse", "Hessian", "HessianVectorProduct",
    };

    private static bool IsSecondOrder(string op) => op is "Hessian" or "HessianVectorProduct";

    /// <summary>Cheap syntactic filter: an invocation of an operator name whose first argument is a function.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: >= 2 } inv &&
        OperatorName(inv.Expression) is { } name && Operators.Contains(name) &&
        inv.ArgumentList.Arguments[0].Expression is AnonymousFunctionExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax;

    private static string? OperatorName(ExpressionSyntax e) => e switch
    {
        IdentifierNameSyntax id => id.Identifier.Text,
        GenericNameSyntax g => g.Identifier.Text,
        MemberAccessExpressionSyntax m => m.Name.Identifier.Text,
        _ => null,
    };

    public static EquatableArray<GeneratedFile> Process(GeneratorSyntaxContext ctx, CancellationToken ct)
    {
        var inv = (InvocationExpressionSyntax)ctx.Node;
        var model = ctx.SemanticModel;
        if (model.GetSymbolInfo(inv, ct).Symbol is not IMethodSymbol op || op.ContainingType?.ToDisplayString() != Symbols.AutodiffClass)
            return Empty;
        if (op.Parameters.Length < 2 || op.Parameters[0].Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke })
            return Empty;
        var fArg = inv.ArgumentList.Arguments[0].Expression;
        if (!InterceptorsEnabled(inv.SyntaxTree.Options))
        {
            // Without interceptors a method group still works through the registry; a lambda cannot.
            return fArg is AnonymousFunctionExpressionSyntax
                ? Fail(op.Name, fArg, "interceptors are not enabled for Nabla.Generated in this project; reference the Nabla package (its build props enable them) or add <InterceptorsNamespaces>$(InterceptorsNamespaces);Nabla.Generated</InterceptorsNamespaces> to the project")
                : Empty;
        }
        try
        {
            return fArg is AnonymousFunctionExpressionSyntax lambda
                ? ForLambda(inv, op, invoke, lambda, model, ct)
                : ForMethodGroup(inv, op, invoke, fArg, model, ct);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            var d = DiagnosticInfo.Create(Descriptors.GeneratorFailure, fArg.GetLocation(), "the function passed to Autodiff." + op.Name,
                e.GetType().Name + ": " + e.Message + " at " + MethodProcessor.FirstFrame(e));
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[] { d })));
        }
    }

    private static bool InterceptorsEnabled(ParseOptions options) =>
        options.Features.Where(f => f.Key is "InterceptorsNamespaces" or "InterceptorsPreviewNamespaces")
            .Any(f => f.Value.Split(';').Any(ns => ns.Trim() == "Nabla.Generated"));

    private static readonly EquatableArray<GeneratedFile> Empty = new(Array.Empty<GeneratedFile>());

    private static EquatableArray<GeneratedFile> Files(params GeneratedFile[] files) => new(files);

    private static EquatableArray<GeneratedFile> Fail(string op, SyntaxNode at, string why) =>
        Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
        {
            DiagnosticInfo.Create(Descriptors.LambdaNotDifferentiable, at.GetLocation(), op, why),
        })));

    // ---------------------------------------------------------------------------------------------
    // Method groups
    // ---------------------------------------------------------------------------------------------

    private static EquatableArray<GeneratedFile> ForMethodGroup(InvocationExpressionSyntax inv, IMethodSymbol op, IMethodSymbol invoke,
        ExpressionSyntax fArg, SemanticModel model, CancellationToken ct)
    {
        // Only a method group is bound here; a delegate variable keeps the registry lookup.
        var info = model.GetSymbolInfo(fArg, ct);
        var target = (info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) as IMethodSymbol;
        if (target is null || model.GetOperation(fArg, ct) is not IMethodReferenceOperation && model.GetOperation(fArg, ct)?.Parent is not IDelegateCreationOperation)
            return Empty;
        if (!Symbols.IsDifferentiable(target))
        {
            // A method of this compilation with neither [Differentiable] nor a rule can never work.
            bool inSource = !target.DeclaringSyntaxReferences.IsEmpty;
            if (inSource && RuleIndex.For(model.Compilation).Find(target) is null)
                return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, fArg.GetLocation(), target.ToDisplayString(), op.Name),
                })));
            return Empty;
        }
        // Direct binding needs the generated members to take exactly the delegate's inputs, all differentiated.
        if (!target.IsStatic || target.IsGenericMethod || target.ContainingType.IsGenericType || target.MethodKind != MethodKind.Ordinary ||
            !TypeDeclarations.IsReachableFromAssembly(target.ContainingType) ||
            target.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal) ||
            target.Parameters.Length != invoke.Parameters.Length || target.Parameters.Any(p => p.RefKind != RefKind.None || !Symbols.IsDifferentiableParameter(p)))
            return Empty;
        var attr = Symbols.GetAttribute(target, Symbols.DifferentiableAttribute);
        var wrtText = attr is null ? null : Symbols.NamedString(attr, "Wrt");
        if (Symbols.ParseWrt(target, wrtText, out var unknown).Count != target.Parameters.Length || unknown != null)
            return Empty;
        var location = model.GetInterceptableLocation(inv, ct);
        if (location is null) return Empty;
        string host = target.ContainingType.ToDisplayString(Symbols.TypeFormat);
        string primal = host + "." + Symbols.Identifier(target.Name);
        string stem = host + "." + Symbols.DerivativeStem(target);
        string id = SiteId(inv);
        var files = new List<GeneratedFile>();
        string secondOrderStem = stem;
        if (IsSecondOrder(op.Name))
        {
            // Second derivatives are written per call site, beside the method (its type is partial).
            if (target.DeclaringSyntaxReferences.IsEmpty || !SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, model.Compilation.Assembly))
                return Empty;
            string prefix = Symbols.DerivativeStem(target) + "_" + id;
            string? members = SecondOrder.Members(target, model.Compilation, prefix, "Site", out var why, out var hint, ct);
            if (members is null)
                return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(Descriptors.SecondOrderNotAvailable, fArg.GetLocation(), target.Name, why ?? "?"),
                })));
            files.Add(new GeneratedFile(hint, members, default));
            secondOrderStem = host + "." + prefix;
        }
        var interceptor = Interceptor(id, op, invoke, location.GetInterceptsLocationAttributeSyntax(), primal, stem, secondOrderStem, Array.Empty<Capture>(), "");
        if (interceptor is null) return Empty;
        files.Add(new GeneratedFile("Nabla.Interceptors." + id + ".g.cs", interceptor, default));
        return new EquatableArray<GeneratedFile>(files.ToArray());
    }

    // ---------------------------------------------------------------------------------------------
    // Lambdas
    // ---------------------------------------------------------------------------------------------

    private sealed record Capture(string Name, string ParameterName, string Type, bool Differentiable);

    /// <summary>A text edit of the lambda body: at original offset, remove Length characters, insert Text.</summary>
    private sealed record Edit(int Offset, int Length, string Text);

    private const string ThisParameter = "nabla_this";

    private static EquatableArray<GeneratedFile> ForLambda(InvocationExpressionSyntax inv, IMethodSymbol op, IMethodSymbol invoke,
        AnonymousFunctionExpressionSyntax lambda, SemanticModel model, CancellationToken ct)
    {
        if (model.GetSymbolInfo(lambda, ct).Symbol is not IMethodSymbol lambdaSymbol ||
            model.GetOperation(lambda, ct) is not IAnonymousFunctionOperation lambdaOp)
            return Empty;
        if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
            return Fail(op.Name, lambda, "an async lambda cannot be differentiated");
        if (lambdaSymbol.Parameters.Length != invoke.Parameters.Length)
            return Empty;
        foreach (var p in lambdaSymbol.Parameters)
        {
            if (p.RefKind != RefKind.None)
                return Fail(op.Name, lambda, $"its parameter '{p.Name}' is passed by reference; differential operators take inputs by value");
            if (!Symbols.IsDifferentiableType(p.Type))
                return Fail(op.Name, lambda, $"its parameter '{p.Name}' has type '{p.Type.ToDisplayString()}', which has no derivative; capture data in the lambda instead of passing it as an input");
        }
        if (!Symbols.IsDifferentiableType(lambdaSymbol.ReturnType))
            return Fail(op.Name, lambda, $"its result type '{lambdaSymbol.ReturnType.ToDisplayString()}' is not differentiable (double, float or an array of them)");

        // Captured variables become data parameters; `this` (explicit or implicit) becomes one too.
        var captures = new List<Capture>();
        var edits = new List<Edit>();
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        bool capturesThis = false;
        foreach (var o in lambdaOp.Body.DescendantsAndSelf())
        {
            switch (o)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } self:
                    if (self.Syntax is BaseExpressionSyntax)
                        return Fail(op.Name, self.Syntax, "it uses 'base'; call a [Differentiable] method instead");
                    capturesThis = true;
                    if (self.Syntax is ThisExpressionSyntax)
                        edits.Add(new Edit(self.Syntax.SpanStart, self.Syntax.Span.Length, ThisParameter));
                    else if (self.IsImplicit)
                        edits.Add(new Edit(self.Syntax.SpanStart, 0, ThisParameter + "."));
                    break;
                case ILocalReferenceOperation local when !Declared(local.Local, lambda):
                    if (IsWritten(local))
                        return Fail(op.Name, local.Syntax, $"it assigns the captured variable '{local.Local.Name}'; a differentiated lambda may read captured variables but not write them");
                    if (seen.Add(local.Local))
                        captures.Add(new Capture(local.Local.Name, Symbols.Identifier(local.Local.Name), local.Local.Type.ToDisplayString(Symbols.TypeFormat), Symbols.IsDifferentiableType(local.Local.Type)));
                    break;
                case IParameterReferenceOperation parameter when !Declared(parameter.Parameter, lambda):
                    if (IsWritten(parameter))
                        return Fail(op.Name, parameter.Syntax, $"it assigns the captured parameter '{parameter.Parameter.Name}'; a differentiated lambda may read captured variables but not write them");
                    if (parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor })
                        return Fail(op.Name, parameter.Syntax, $"it reads the primary constructor parameter '{parameter.Parameter.Name}'; copy it into a local first");
                    if (seen.Add(parameter.Parameter))
                        captures.Add(new Capture(parameter.Parameter.Name, Symbols.Identifier(parameter.Parameter.Name), parameter.Parameter.Type.ToDisplayString(Symbols.TypeFormat), Symbols.IsDifferentiableType(parameter.Parameter.Type)));
                    break;
            }
        }
        var containing = lambdaSymbol.ContainingType;
        if (containing is null) return Empty;
        if (capturesThis)
        {
            if (containing.IsValueType)
                return Fail(op.Name, lambda, "it reads members of a struct's 'this'; copy the values into locals first");
            captures.Add(new Capture("this", ThisParameter, containing.ToDisplayString(Symbols.TypeFormat), false));
        }
        foreach (var c in captures)
            if (c.Type.Contains("<anonymous type") || c.Type.Contains("AnonymousType"))
                return Fail(op.Name, lambda, $"it captures '{c.Name}' of an anonymous type");
        if (containing.IsGenericType || containing.ContainingType?.IsGenericType == true || lambdaSymbol.ContainingSymbol is IMethodSymbol { IsGenericMethod: true })
            return Fail(op.Name, lambda, "lambdas inside generic types or generic methods are not supported yet; move the computation into a [Differentiable] method");

        // The host of the synthesized method: the lambda's own type when it is partial (so private members stay
        // reachable), else a generated class in the same namespace that imports the type's static members.
        bool hostIsContaining = TypeDeclarations.FirstNonPartial(containing) is null && !containing.IsFileLocal &&
                                TypeDeclarations.IsReachableFromAssembly(containing) && !containing.IsImplicitlyDeclared;
        string id = SiteId(inv);
        string name = "Nabla_Lambda_" + id;

        var body = lambda.Body;
        string bodyText = ApplyEdits(body.ToString(), body.SpanStart, edits);
        var text = new StringBuilder();
        text.Append(TypeDeclarations.FileHeader);
        text.Append("// The inline lambda at ").Append(Path(inv)).Append(", as a method the Nabla compiler pass can differentiate.\n");
        foreach (var u in inv.SyntaxTree.GetCompilationUnitRoot(ct).Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None)))
            text.Append(u.ToString()).Append('\n');
        var ns = containing.ContainingNamespace;
        bool hasNamespace = ns != null && !ns.IsGlobalNamespace;
        if (hasNamespace) text.Append("namespace ").Append(ns!.ToDisplayString()).Append("\n{\n");
        foreach (var nsDecl in inv.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse())
            foreach (var u in nsDecl.Usings) text.Append(u.ToString()).Append('\n');
        var chain = TypeDeclarations.Chain(containing);
        if (hostIsContaining)
        {
            foreach (var t in chain)
                text.Append("partial ").Append(t.TypeKind == TypeKind.Struct ? (t.IsRecord ? "record struct" : "struct") : t.IsRecord ? "record" : "class")
                    .Append(' ').Append(Symbols.Identifier(t.Name)).Append(" {\n");
        }
        else
        {
            foreach (var t in chain.Where(t => TypeDeclarations.IsReachableFromAssembly(t) && !t.IsImplicitlyDeclared))
                text.Append("using static ").Append(t.ToDisplayString(Symbols.TypeFormat)).Append(";\n");
            text.Append("internal static partial class NablaLambdas_").Append(id).Append(" {\n");
        }
        text.Append("[global::Nabla.Differentiable]\n");
        string returnType = lambdaSymbol.ReturnType.ToDisplayString(Symbols.TypeFormat);
        var parameters = new List<string>();
        for (int k = 0; k < lambdaSymbol.Parameters.Length; k++)
        {
            var p = lambdaSymbol.Parameters[k];
            parameters.Add(p.Type.ToDisplayString(Symbols.TypeFormat) + " " + (p.IsDiscard || p.Name == "_" ? "nabla_discard" + k : Symbols.Identifier(p.Name)));
        }
        foreach (var c in captures)
            parameters.Add((c.Differentiable ? "[global::Nabla.NoDerivative] " : "") + c.Type + " " + c.ParameterName);
        text.Append("internal static ").Append(returnType).Append(' ').Append(name).Append('(').Append(string.Join(", ", parameters)).Append(")\n");
        int bodyStartInText;
        if (body is BlockSyntax)
        {
            bodyStartInText = text.Length;
            text.Append(bodyText).Append('\n');
        }
        else
        {
            text.Append("=> ");
            bodyStartInText = text.Length;
            text.Append(bodyText).Append(";\n");
        }
        foreach (var _ in hostIsContaining ? chain : new List<INamedTypeSymbol> { containing }) text.Append("}\n");
        if (hasNamespace) text.Append("}\n");

        // Bind the synthesized method in the user's compilation, as if the user had written it.
        string path = (inv.SyntaxTree.FilePath ?? "") + ".nabla-lambda-" + id + ".cs";
        var tree = CSharpSyntaxTree.ParseText(text.ToString(), (CSharpParseOptions)inv.SyntaxTree.Options, path, Encoding.UTF8, ct);
        var compilation = model.Compilation.AddSyntaxTrees(tree);
        var synthesizedModel = compilation.GetSemanticModel(tree);
        var error = synthesizedModel.GetDiagnostics(cancellationToken: ct).FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
        if (error != null)
            return Fail(op.Name, lambda, "generated code cannot compile it outside its method (" + error.GetMessage() + ")" +
                (hostIsContaining ? "" : "; make the containing type partial so that generated code can reach its private members"));
        var declaration = tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == name);
        if (synthesizedModel.GetDeclaredSymbol(declaration, ct) is not IMethodSymbol method) return Empty;

        var derivatives = MethodProcessor.Process(method, synthesizedModel, ct);
        var remapped = derivatives.Diagnostics.Select(d => d.FilePath == path ? Remap(d, inv.SyntaxTree, lambda, body.SpanStart, bodyStartInText, bodyText.Length, edits) : d).ToArray();
        // Every Nabla diagnostic is an error: the lambda then gets no interceptor.
        if (derivatives.Source is null || remapped.Length > 0)
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(remapped)));

        var location = model.GetInterceptableLocation(inv, ct);
        string host = method.ContainingType.ToDisplayString(Symbols.TypeFormat);
        string stem = host + "." + Symbols.DerivativeStem(method);
        string? interceptor = location is null ? null
            : Interceptor(id, op, invoke, location.GetInterceptsLocationAttributeSyntax(), host + "." + name, stem, stem, captures, op.Parameters[0].Name);
        string hostHint = hostIsContaining ? MethodProcessor.HintName(containing) : "NablaLambdas";
        var files = new List<GeneratedFile>
        {
            new(hostHint + "." + name + ".g.cs", text.ToString(), default),
            derivatives with { Diagnostics = new EquatableArray<DiagnosticInfo>(remapped), Registration = null },
        };
        if (IsSecondOrder(op.Name))
        {
            string? members = SecondOrder.Members(method, compilation, Symbols.DerivativeStem(method), "Lambda", out var why, out var hint, ct);
            if (members is null) return Fail(op.Name, lambda, "its second derivatives cannot be generated: " + why);
            files.Add(new GeneratedFile(hint, members, default));
        }
        if (interceptor != null) files.Add(new GeneratedFile("Nabla.Interceptors." + id + ".g.cs", interceptor, default));
        return new EquatableArray<GeneratedFile>(files.ToArray());
    }

    private static bool Declared(ISymbol symbol, AnonymousFunctionExpressionSyntax lambda) =>
        symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == lambda.SyntaxTree && lambda.Span.Contains(r.Span)) ||
        symbol.Locations.Any(l => l.SourceTree == lambda.SyntaxTree && lambda.Span.Contains(l.SourceSpan));

    private static bool IsWritten(IOperation reference) => reference.Parent switch
    {
        IAssignmentOperation a => a.Target == reference,
        IIncrementOrDecrementOperation => true,
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
        _ => false,
    };

    private static string ApplyEdits(string text, int start, List<Edit> edits)
    {
        var sb = new StringBuilder(text);
        foreach (var e in edits.OrderByDescending(e => e.Offset))
        {
            sb.Remove(e.Offset - start, e.Length);
            sb.Insert(e.Offset - start, e.Text);
        }
        return sb.ToString();
    }

    /// <summary>Moves a diagnostic from the synthesized method back to the lambda the user wrote.</summary>
    private static DiagnosticInfo Remap(DiagnosticInfo d, SyntaxTree original, AnonymousFunctionExpressionSyntax lambda,
        int bodyStart, int bodyStartInText, int bodyLength, List<Edit> edits)
    {
        TextSpan span;
        int relative = d.Start - bodyStartInText;
        if (relative >= 0 && relative + d.Length <= bodyLength)
        {
            int start = ToOriginal(relative, bodyStart, edits);
            int end = ToOriginal(relative + d.Length, bodyStart, edits);
            span = TextSpan.FromBounds(bodyStart + start, bodyStart + Math.Max(start, end));
        }
        else
        {
            span = lambda.Span;
        }
        var lines = original.GetLineSpan(span);
        return d with
        {
            FilePath = lines.Path ?? "",
            Start = span.Start,
            Length = span.Length,
            Line = lines.StartLinePosition.Line,
            Column = lines.StartLinePosition.Character,
            EndLine = lines.EndLinePosition.Line,
            EndColumn = lines.EndLinePosition.Character,
        };
    }

    /// <summary>An offset in the edited body text, as an offset in the original body.</summary>
    private static int ToOriginal(int edited, int bodyStart, List<Edit> edits)
    {
        int delta = 0;
        foreach (var e in edits.OrderBy(e => e.Offset))
        {
            int at = e.Offset - bodyStart + delta;
            if (edited < at) break;
            if (edited < at + e.Text.Length) return e.Offset - bodyStart;
            delta += e.Text.Length - e.Length;
        }
        return edited - delta;
    }

    private static string Path(SyntaxNode node)
    {
        var line = node.GetLocation().GetLineSpan();
        return System.IO.Path.GetFileName(line.Path) + ":" + (line.StartLinePosition.Line + 1);
    }

    /// <summary>A stable identifier for a call site: file, line and column.</summary>
    private static string SiteId(InvocationExpressionSyntax inv)
    {
        var line = inv.GetLocation().GetLineSpan();
        uint hash = 2166136261;
        foreach (char c in inv.SyntaxTree.FilePath ?? "") hash = (hash ^ c) * 16777619;
        return Symbols.Sanitize(System.IO.Path.GetFileNameWithoutExtension(line.Path ?? "")) + "_" +
               (line.StartLinePosition.Line + 1) + "_" + (line.StartLinePosition.Character + 1) + "_" + hash.ToString("x8");
    }

    // ---------------------------------------------------------------------------------------------
    // Interceptors
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The interceptor of one call site: same signature as the constructed operator, a body that calls the
    /// generated derivative (<paramref name="stem"/>_Jvp, _ValueWithGradient, _ValueWithPullback) directly.
    /// </summary>
    private static string? Interceptor(string id, IMethodSymbol op, IMethodSymbol invoke, string attribute, string primal, string stem,
        string secondOrderStem, IReadOnlyList<Capture> captures, string functionParameter)
    {
        int n = invoke.Parameters.Length;
        var ps = op.Parameters;
        string Param(int k) => Symbols.Identifier(ps[k].Name);
        var primals = Enumerable.Range(1, n).Select(Param).ToList();
        var capturedArgs = captures.Select((c, k) => "nablaCapture" + k).ToList();
        string Args(IEnumerable<string> extra) => string.Join(", ", primals.Concat(capturedArgs).Concat(extra));
        string? body;
        switch (op.Name)
        {
            case "Gradient" when ps.Length == n + 1:
                body = $"return {stem}_ValueWithGradient({Args(Array.Empty<string>())}).Gradient;";
                break;
            case "ValueWithGradient" when ps.Length == n + 1:
                body = $"return {stem}_ValueWithGradient({Args(Array.Empty<string>())});";
                break;
            case "Derivative" when n == 1 && ps.Length == 2 && ps[1].Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single:
                body = $"return {stem}_Jvp({Args(new[] { ps[1].Type.SpecialType == SpecialType.System_Double ? "1d" : "1f" })}).Tangent;";
                break;
            case "Jvp" when ps.Length == 2 * n + 1:
                body = $"return {stem}_Jvp({Args(Enumerable.Range(n + 1, n).Select(Param))});";
                break;
            case "ValueWithDifferential" when ps.Length == n + 1:
            {
                var tangents = Enumerable.Range(0, n).Select(k => "nablaTangent" + k).ToList();
                body = $"var nablaValue = {primal}({Args(Array.Empty<string>())});\n" +
                       $"return (nablaValue, ({string.Join(", ", tangents)}) => {stem}_Jvp({Args(tangents)}).Tangent);";
                break;
            }
            case "ValueWithPullback" when ps.Length == n + 1:
                body = $"return {stem}_ValueWithPullback({Args(Array.Empty<string>())});";
                break;
            case "Vjp" when ps.Length == n + 2:
                body = $"return {stem}_ValueWithPullback({Args(Array.Empty<string>())}).Pullback({Param(n + 1)});";
                break;
            case "JacobianForward" when n == 1 && ps.Length == 2:
                body = $"return global::Nabla.CompilerServices.Operators.JacobianForward((nablaX, nablaDx) => {stem}_Jvp({string.Join(", ", new[] { "nablaX" }.Concat(capturedArgs).Concat(new[] { "nablaDx" }))}), " +
                       $"nablaX => {primal}({string.Join(", ", new[] { "nablaX" }.Concat(capturedArgs))}), {Param(1)});";
                break;
            case "JacobianReverse" when n == 1 && ps.Length == 2:
                body = $"return global::Nabla.CompilerServices.Operators.JacobianReverse(nablaX => {stem}_ValueWithPullback({string.Join(", ", new[] { "nablaX" }.Concat(capturedArgs))}), {Param(1)});";
                break;
            case "Hessian" when n == 1 && ps.Length == 2:
                body = $"return {secondOrderStem}_Hessian({Args(Array.Empty<string>())});";
                break;
            case "HessianVectorProduct" when n == 1 && ps.Length == 3:
                body = $"return {secondOrderStem}_HessianVectorProduct({Args(new[] { Param(2) })});";
                break;
            default:
                body = null;
                break;
        }
        if (body is null) return null;

        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        w.Open("namespace System.Runtime.CompilerServices");
        w.Line("[global::System.AttributeUsage(global::System.AttributeTargets.Method, AllowMultiple = true)]");
        w.Open("file sealed class InterceptsLocationAttribute : global::System.Attribute");
        w.Line("public InterceptsLocationAttribute(int version, string data) { }");
        w.Close();
        w.Close();
        w.Open("namespace Nabla.Generated");
        w.Line("/// <summary>Binds one call of Autodiff." + op.Name + " to its generated derivative.</summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open("file static class NablaInterceptor_" + id);
        w.Line(attribute);
        string parameters = string.Join(", ", ps.Select(p => p.Type.ToDisplayString(Symbols.TypeFormat) + " " + Symbols.Identifier(p.Name)));
        w.Open($"public static {op.ReturnType.ToDisplayString(Symbols.TypeFormat)} {op.Name}({parameters})");
        if (captures.Count > 0)
        {
            string f = Symbols.Identifier(functionParameter);
            w.Line($"object nablaTarget = {f}.Target ?? throw new global::System.ArgumentException(\"The delegate has no closure to read captured variables from.\", \"{functionParameter}\");");
            w.Line("var nablaBinding = s_binding;");
            w.Line("if (nablaBinding is null || nablaBinding.ClosureType != nablaTarget.GetType()) s_binding = nablaBinding = new Binding(nablaTarget.GetType());");
            for (int k = 0; k < captures.Count; k++)
                w.Line($"{captures[k].Type} nablaCapture{k} = nablaBinding.Read{k}(nablaTarget);");
        }
        foreach (var line in body.Split('\n')) w.Line(line);
        w.Close();
        if (captures.Count > 0)
        {
            w.Line("private static Binding? s_binding;");
            w.Line("/// <summary>Readers of the captured variables, resolved once per closure type.</summary>");
            w.Open("private sealed class Binding");
            w.Line("public readonly global::System.Type ClosureType;");
            for (int k = 0; k < captures.Count; k++)
                w.Line($"public readonly global::System.Func<object, {captures[k].Type}> Read{k};");
            w.Open("public Binding(global::System.Type closureType)");
            w.Line("ClosureType = closureType;");
            for (int k = 0; k < captures.Count; k++)
                w.Line($"Read{k} = global::Nabla.CompilerServices.Captures.Reader<{captures[k].Type}>(closureType, \"{captures[k].Name}\");");
            w.Close();
            w.Close();
        }
        w.Close();
        w.Close();
        return w.ToString();
    }
}
