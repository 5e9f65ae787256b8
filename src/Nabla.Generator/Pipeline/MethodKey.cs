// What lowering one [Differentiable] method depends on, as an equatable key, so that the incremental pipeline
// lowers a method again only when something it reads changed (issue 6: "an edit inside one method regenerates
// only that method"). Roslyn runs ForAttributeWithMetadataName's transform for every method on every new
// compilation, since any edit may change what a method's code means; that transform only computes this key
// (binding the method's body, no lowering). The key's fingerprint covers the method's declaration, the shapes
// of the types it uses, the signatures, attributes and rules of the methods it calls, and, for the
// [Differentiable] methods of this compilation it calls (which it may inline), their own fingerprints; a
// change in a callee therefore changes its callers' keys. Lowering is a step after it, which Roslyn skips when
// the key equals the previous one. Where the method is in its file is kept apart (an edit above it moves it):
// its diagnostics are moved by the report step instead (NablaGenerator.Report).
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Rules;

namespace Nabla.Generator.Pipeline;

/// <summary>Where a method's declaration starts (file, offset, line): what its diagnostics are relative to.</summary>
internal sealed record MethodAnchor(string Id, string FilePath, int Start, int Line);

/// <summary>
/// The output of the cheap step: the method's identity, its fingerprint and its anchor, equatable; and, apart from
/// equality, how to lower it in the compilation the key was made in (given to the lowering step once, then dropped,
/// so that a cached key does not keep an old compilation alive).
/// </summary>
internal sealed class MethodKey : IEquatable<MethodKey>
{
    private Func<CancellationToken, GeneratedFile>? _lower;

    public MethodKey(string id, string fingerprint, MethodAnchor anchor, Func<CancellationToken, GeneratedFile> lower)
    {
        Id = id;
        Fingerprint = fingerprint;
        Anchor = anchor;
        _lower = lower;
    }

    public string Id { get; }
    public string Fingerprint { get; }
    public MethodAnchor Anchor { get; }

    /// <summary>The input of the lowering step; this key lets go of the compilation.</summary>
    public MethodInput TakeInput() => new(Id, Fingerprint, Anchor, Interlocked.Exchange(ref _lower, null));

    public bool Equals(MethodKey? other) => other is not null && Id == other.Id && Fingerprint == other.Fingerprint && Anchor.Equals(other.Anchor);
    public override bool Equals(object? obj) => Equals(obj as MethodKey);
    public override int GetHashCode() => (Id, Fingerprint, Anchor).GetHashCode();
}

/// <summary>What lowering a method reads, equal when the fingerprint is (its position in the file is not part of it).</summary>
internal sealed class MethodInput : IEquatable<MethodInput>
{
    private Func<CancellationToken, GeneratedFile>? _lower;

    public MethodInput(string id, string fingerprint, MethodAnchor anchor, Func<CancellationToken, GeneratedFile>? lower)
    {
        Id = id;
        Fingerprint = fingerprint;
        Anchor = anchor;
        _lower = lower;
    }

    public string Id { get; }
    public string Fingerprint { get; }
    /// <summary>Where the method was when this input was made: the lowered diagnostics' positions are relative to it.</summary>
    public MethodAnchor Anchor { get; }

    /// <summary>Lowers, differentiates and emits the method (once; the compilation is let go afterwards).</summary>
    public GeneratedFile Lower(CancellationToken ct)
    {
        var lower = Interlocked.Exchange(ref _lower, null);
        if (lower is null)
        {
            // Roslyn reuses the previous output of an equal input; it would only ask again if it had lost that output.
            var d = new DiagnosticInfo(Descriptors.GeneratorFailure.Id, Anchor.FilePath, Anchor.Start, 0, Anchor.Line, 0, Anchor.Line, 0,
                new EquatableArray<string>(new[] { Id, "the incremental pipeline asked for a method's derivatives again without its compilation; rebuild" }));
            return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[] { d }), Anchor: Anchor);
        }
        return lower(ct) with { Anchor = Anchor };
    }

    public bool Equals(MethodInput? other) => other is not null && Id == other.Id && Fingerprint == other.Fingerprint;
    public override bool Equals(object? obj) => Equals(obj as MethodInput);
    public override int GetHashCode() => (Id, Fingerprint).GetHashCode();
}

/// <summary>
/// One semantic model per tree and compilation, shared by the key, lowering, inlining and the residual-type check: a
/// model keeps what it bound, so a method's body is bound once per compilation, not once per use. Without nullable
/// analysis: Nabla reads types and operations, never flow states, and the analysis was a fifth of the generator's time.
/// </summary>
internal static class SemanticModels
{
    private static readonly ConditionalWeakTable<Compilation, ConcurrentDictionary<SyntaxTree, SemanticModel>> s_models = new();

    public static SemanticModel Of(Compilation compilation, SyntaxTree tree) =>
        s_models.GetValue(compilation, _ => new ConcurrentDictionary<SyntaxTree, SemanticModel>())
            .GetOrAdd(tree, t => Create(compilation, t));

    private static SemanticModel Create(Compilation compilation, SyntaxTree tree)
    {
        try { return WithoutNullableAnalysis(compilation, tree); }
        // The option is marked experimental (dotnet/roslyn#70609): a compiler without it gets a model with the analysis.
        catch (Exception e) when (e is MissingMemberException or TypeLoadException) { return compilation.GetSemanticModel(tree); }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SemanticModel WithoutNullableAnalysis(Compilation compilation, SyntaxTree tree)
    {
#pragma warning disable RSEXPERIMENTAL001
        return compilation.GetSemanticModel(tree, SemanticModelOptions.DisableNullableAnalysis);
#pragma warning restore RSEXPERIMENTAL001
    }
}

internal static class MethodFingerprint
{
    private sealed class Cache
    {
        public readonly ConcurrentDictionary<ISymbol, string> Methods = new(SymbolEqualityComparer.Default);
        public readonly ConcurrentDictionary<ISymbol, string> Types = new(SymbolEqualityComparer.Default);
    }

    private static readonly ConditionalWeakTable<Compilation, Cache> s_caches = new();

    private static readonly SymbolDisplayFormat Format = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMemberOptions(SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType |
                           SymbolDisplayMemberOptions.IncludeRef | SymbolDisplayMemberOptions.IncludeContainingType |
                           SymbolDisplayMemberOptions.IncludeModifiers | SymbolDisplayMemberOptions.IncludeAccessibility)
        .WithParameterOptions(SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName |
                              SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeDefaultValue)
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>The key of the [Differentiable] method (or property getter) <paramref name="method"/>, lowered by <paramref name="lower"/>.</summary>
    public static MethodKey Key(IMethodSymbol method, SyntaxNode target, Compilation compilation, Func<CancellationToken, GeneratedFile> lower, CancellationToken ct)
    {
        var location = target.GetLocation().GetLineSpan();
        string id = (method.OriginalDefinition.GetDocumentationCommentId() ?? method.ToDisplayString(Format)) + "@" + target.SyntaxTree.FilePath;
        var anchor = new MethodAnchor(id, target.SyntaxTree.FilePath, target.SpanStart, location.StartLinePosition.Line);
        string fingerprint;
        try
        {
            fingerprint = Of(method, compilation, ct);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception)
        {
            // Whatever went wrong, lowering reports it; a key equal to no other makes sure it runs.
            fingerprint = Guid.NewGuid().ToString();
        }
        return new MethodKey(id, fingerprint, anchor, lower);
    }

    /// <summary>A hash of everything lowering <paramref name="method"/> reads.</summary>
    public static string Of(IMethodSymbol method, Compilation compilation, CancellationToken ct) =>
        Method(method, compilation, s_caches.GetValue(compilation, _ => new Cache()), new HashSet<ISymbol>(SymbolEqualityComparer.Default), ct, out _);

    private static string Method(IMethodSymbol method, Compilation compilation, Cache cache, HashSet<ISymbol> visiting, CancellationToken ct, out bool cut)
    {
        method = method.PartialImplementationPart ?? method.OriginalDefinition;
        cut = false;
        if (cache.Methods.TryGetValue(method, out var known)) return known;
        if (!visiting.Add(method))
        {
            // Recursion: the signature stands for the method here; results that depend on where the cycle was cut are not cached.
            cut = true;
            return "recursive " + Describe(method, compilation);
        }
        bool anyCut = false;
        var sb = new StringBuilder();
        sb.Append(Describe(method, compilation)).Append('\n');
        var declarations = method.DeclaringSyntaxReferences.ToList();
        if (method.AssociatedSymbol is IPropertySymbol property)
            declarations.AddRange(property.DeclaringSyntaxReferences);
        foreach (var reference in declarations)
        {
            var tree = reference.SyntaxTree;
            var options = (CSharpParseOptions)tree.Options;
            sb.Append(tree.FilePath).Append(' ').Append(options.LanguageVersion).Append(' ')
              .Append(string.Join(",", options.PreprocessorSymbolNames)).Append('\n')
              .Append(reference.GetSyntax(ct).ToFullString()).Append('\n');
        }
        for (var t = method.ContainingType; t != null; t = t.ContainingType)
            sb.Append("in ").Append(Type(t, compilation, cache, ct)).Append('\n');
        foreach (var p in method.Parameters) Uses(p.Type, sb, compilation, cache, ct);
        Uses(method.ReturnType, sb, compilation, cache, ct);

        // What the body uses, as bound: the lowering sees these symbols.
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var model = SemanticModels.Of(compilation, reference.SyntaxTree);
            if (model.GetOperation(reference.GetSyntax(ct), ct) is not { } body) continue;
            foreach (var op in body.DescendantsAndSelf())
            {
                ct.ThrowIfCancellationRequested();
                if (op.Type is { } type) Uses(type, sb, compilation, cache, ct, seen);
                switch (op)
                {
                    case IInvocationOperation i: Calls(i.TargetMethod); break;
                    case IObjectCreationOperation { Constructor: { } c }: Calls(c); break;
                    case IMethodReferenceOperation r: Calls(r.Method); break;
                    case IPropertyReferenceOperation p:
                        if (seen.Add(p.Property)) sb.Append("property ").Append(p.Property.ToDisplayString(Format)).Append(Attributes(p.Property)).Append('\n');
                        if (p.Property.GetMethod is { } getter) Calls(getter);
                        break;
                    case IFieldReferenceOperation f:
                        if (seen.Add(f.Field))
                        {
                            sb.Append("field ").Append(f.Field.ToDisplayString(Format)).Append(Attributes(f.Field));
                            if (f.Field.HasConstantValue) sb.Append(" = ").Append(f.Field.ConstantValue ?? "null");
                            sb.Append('\n');
                            Uses(f.Field.ContainingType, sb, compilation, cache, ct, seen);
                        }
                        break;
                    case IBinaryOperation { OperatorMethod: { } m }: Calls(m); break;
                    case IUnaryOperation { OperatorMethod: { } m }: Calls(m); break;
                    case IConversionOperation { OperatorMethod: { } m }: Calls(m); break;
                    case ICompoundAssignmentOperation { OperatorMethod: { } m }: Calls(m); break;
                    case IIncrementOrDecrementOperation { OperatorMethod: { } m }: Calls(m); break;
                    case ILocalReferenceOperation l: Uses(l.Local.Type, sb, compilation, cache, ct, seen); break;
                }
            }
        }
        visiting.Remove(method);
        string hash = Hash(sb.ToString());
        cut = anyCut;
        if (!anyCut) cache.Methods[method] = hash;
        return hash;

        void Calls(IMethodSymbol callee)
        {
            if (!seen.Add(callee)) return;
            sb.Append("calls ").Append(Describe(callee, compilation)).Append('\n');
            foreach (var p in callee.Parameters) Uses(p.Type, sb, compilation, cache, ct, seen);
            Uses(callee.ReturnType, sb, compilation, cache, ct, seen);
            // A [Differentiable] method of this compilation may be inlined: its body, and what it reads, count.
            var definition = callee.OriginalDefinition;
            if (!definition.DeclaringSyntaxReferences.IsEmpty && Symbols.IsDifferentiable(definition) &&
                SymbolEqualityComparer.Default.Equals(definition.ContainingAssembly, compilation.Assembly))
            {
                sb.Append("  body ").Append(Method(definition, compilation, cache, visiting, ct, out bool inner)).Append('\n');
                anyCut |= inner;
            }
        }
    }

    /// <summary>A method's signature, accessibility, Nabla attributes, derivative names and rule.</summary>
    private static string Describe(IMethodSymbol method, Compilation compilation)
    {
        var sb = new StringBuilder(method.ToDisplayString(Format));
        sb.Append(' ').Append(method.MethodKind).Append(method.IsStatic ? " static" : "").Append(method.IsVirtual || method.IsOverride || method.IsAbstract ? " virtual" : "")
          .Append(" rank").Append(Symbols.AccessRank(method));
        var definition = method.OriginalDefinition;
        sb.Append(Attributes(definition));
        if (definition.AssociatedSymbol is { } associated) sb.Append(Attributes(associated));
        foreach (var p in definition.Parameters) sb.Append(Attributes(p));
        if (Symbols.IsDifferentiable(method)) sb.Append(" stem ").Append(Symbols.DerivativeStem(definition));
        if (RuleIndex.For(compilation).Find(method) is { } rule)
        {
            sb.Append(" rule ").Append(rule.Rule.ToDisplayString(Format)).Append(rule.IsForward ? " forward" : "").Append(" wrt ")
              .Append(string.Join(",", rule.Wrt)).Append(Attributes(rule.Rule));
            // Its split form and partials: generated here from the rule's source, or found in its assembly's metadata.
            if (SymbolEqualityComparer.Default.Equals(rule.Rule.ContainingAssembly, compilation.Assembly))
                foreach (var r in rule.Rule.DeclaringSyntaxReferences) sb.Append(' ').Append(Hash(r.GetSyntax().ToFullString()));
            else
                sb.Append(' ').Append(rule.Rule.ContainingAssembly.GetTypeByMetadataName(Symbols.RuleSplitMetadataName(rule.Rule))?
                    .GetMembers().Length.ToString() ?? "no split");
        }
        return sb.ToString();
    }

    private static string Attributes(ISymbol symbol)
    {
        var sb = new StringBuilder();
        foreach (var a in symbol.GetAttributes())
        {
            if (a.AttributeClass is not { } c || c.ContainingNamespace?.ToDisplayString() is not { } ns || !ns.StartsWith("Nabla", StringComparison.Ordinal)) continue;
            sb.Append(" [").Append(c.ToDisplayString()).Append('(')
              .Append(string.Join(", ", a.ConstructorArguments.Select(x => x.ToCSharpString())
                  .Concat(a.NamedArguments.Select(kv => kv.Key + " = " + kv.Value.ToCSharpString())))).Append(")]");
        }
        return sb.ToString();
    }

    private static void Uses(ITypeSymbol type, StringBuilder sb, Compilation compilation, Cache cache, CancellationToken ct, HashSet<ISymbol>? seen = null)
    {
        if (seen != null && !seen.Add(type)) return;
        sb.Append("type ").Append(Type(type, compilation, cache, ct)).Append('\n');
    }

    private static string Type(ITypeSymbol type, Compilation compilation, Cache cache, CancellationToken ct) =>
        Type(type, compilation, cache, new HashSet<ISymbol>(SymbolEqualityComparer.Default), ct, out _);

    /// <summary>What lowering reads of a type: its name and kind, and for a type of this compilation its fields and properties, base and attributes.</summary>
    private static string Type(ITypeSymbol type, Compilation compilation, Cache cache, HashSet<ISymbol> visiting, CancellationToken ct, out bool cut)
    {
        cut = false;
        if (cache.Types.TryGetValue(type, out var known)) return known;
        // A type that refers to itself (a class with a field of its type): its name stands for it inside; such
        // results depend on where the cycle was cut and are not cached.
        if (!visiting.Add(type))
        {
            cut = true;
            return type.ToDisplayString(Format);
        }
        bool inner = false;
        string Of(ITypeSymbol t)
        {
            string s = Type(t, compilation, cache, visiting, ct, out bool c);
            inner |= c;
            return s;
        }
        var sb = new StringBuilder(type.ToDisplayString(Format));
        sb.Append(' ').Append(type.TypeKind).Append(type.IsRecord ? " record" : "").Append(type.IsRefLikeType ? " ref" : "")
          .Append(type.IsStatic ? " static" : "").Append(" rank").Append(Symbols.AccessRank(type)).Append(Attributes(type));
        switch (type)
        {
            case IArrayTypeSymbol array:
                sb.Append(" of ").Append(Of(array.ElementType));
                break;
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments.Where(a => !SymbolEqualityComparer.Default.Equals(a, named)))
                    sb.Append(" <").Append(Of(argument)).Append('>');
                if (named.IsTupleType)
                    foreach (var e in named.TupleElements) sb.Append(' ').Append(e.Name).Append(':').Append(Of(e.Type));
                var definition = named.OriginalDefinition;
                if (definition.DeclaringSyntaxReferences.IsEmpty) break;
                // Partial declarations (the generated code extends the type), file-local, members with their attributes.
                foreach (var r in definition.DeclaringSyntaxReferences)
                    if (r.GetSyntax(ct) is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax d)
                        sb.Append(" decl ").Append(r.SyntaxTree.FilePath).Append(' ').Append(string.Join(" ", d.Modifiers.Select(m => m.Text)))
                          .Append(' ').Append(d.TypeParameterList?.ToString() ?? "");
                if (named.BaseType is { SpecialType: not SpecialType.System_Object and not SpecialType.System_ValueType } baseType)
                    sb.Append(" base ").Append(Of(baseType));
                sb.Append(" interfaces ").Append(string.Join(",", named.Interfaces.Select(i => i.ToDisplayString(Format))));
                foreach (var member in definition.GetMembers())
                {
                    switch (member)
                    {
                        case IFieldSymbol f when !f.IsImplicitlyDeclared:
                            sb.Append(" field ").Append(f.ToDisplayString(Format)).Append(Attributes(f));
                            if (f.HasConstantValue) sb.Append(" = ").Append(f.ConstantValue ?? "null");
                            sb.Append(' ').Append(Of(f.Type));
                            break;
                        case IPropertySymbol p:
                            sb.Append(" property ").Append(p.ToDisplayString(Format)).Append(Attributes(p))
                              .Append(p.GetMethod is null ? "" : " get").Append(p.SetMethod is null ? "" : " set")
                              .Append(p.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax>()
                                  .Any(d => d.AccessorList?.Accessors.All(a => a.Body is null && a.ExpressionBody is null) == true) ? " auto" : "")
                              .Append(' ').Append(Of(p.Type));
                            break;
                        case IMethodSymbol { MethodKind: MethodKind.Constructor } c when !c.IsImplicitlyDeclared:
                            sb.Append(" ctor ").Append(c.ToDisplayString(Format)).Append(Attributes(c));
                            break;
                    }
                }
                break;
        }
        visiting.Remove(type);
        string result = Hash(sb.ToString());
        cut = inner;
        if (!inner) cache.Types[type] = result;
        return result;
    }

    private static string Hash(string text)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes) sb.Append(b.ToString("x2"));
        return sb.ToString();
    }
}
