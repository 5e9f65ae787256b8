// The incremental generator: finds [Differentiable] methods, named derivative declarations and
// [DerivativeOf] rules, runs the compiler pass on each, and writes the module initializer that
// registers derivatives for the runtime operators.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.Pipeline;

namespace Nabla.Generator;

[Generator(LanguageNames.CSharp)]
public sealed class NablaGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Each stage's transform may read symbols and semantic models but returns only equatable
        // records (text, diagnostics as data), so unchanged methods stay cached in the IDE.
        // Methods in two steps: Roslyn reruns the first for every method on every compilation, so it only binds the
        // method and computes a key of what lowering would read (MethodKey.cs); the second, lowering, runs when the
        // key changed: an edit inside one method lowers that method and the methods that call it, no other.
        var keys = context.SyntaxProvider.ForAttributeWithMetadataName(
                Symbols.DifferentiableAttribute,
                static (node, _) => node is not ParameterSyntax && !IsTypeDeclaration(node),
                static (ctx, ct) =>
                {
                    var model = ctx.SemanticModel;
                    switch (ctx.TargetSymbol)
                    {
                        case IMethodSymbol method:
                            return MethodFingerprint.Key(method, ctx.TargetNode, model.Compilation, c => MethodProcessor.Process(method, model, c), ct);
                        // A property's getter (an instance property of a differentiable struct or class, or a static one).
                        case IPropertySymbol { GetMethod: { } getter } property:
                            return MethodFingerprint.Key(getter, ctx.TargetNode, model.Compilation, c => WithSetter(MethodProcessor.Process(getter, model, c), property, model, c), ct);
                        default:
                            var symbol = ctx.TargetSymbol;
                            var line = ctx.TargetNode.GetLocation().GetLineSpan();
                            string id = symbol.ToDisplayString() + "@" + ctx.TargetNode.SyntaxTree.FilePath;
                            return new MethodKey(id, ctx.TargetNode.ToFullString(), new MethodAnchor(id, ctx.TargetNode.SyntaxTree.FilePath, ctx.TargetNode.SpanStart,
                                line.StartLinePosition.Line), _ => MethodProcessor.NotYetDifferentiable(symbol));
                    }
                })
            .WithTrackingName("DifferentiableMethodKeys");
        var methods = keys.Select(static (key, _) => key.TakeInput())
            .WithTrackingName("DifferentiableMethodInputs")
            .Select(static (input, ct) => input.Lower(ct))
            .WithTrackingName("DifferentiableMethods");

        // [Differentiable] structs, classes and records: a synthesized Tangent, Move and ZeroTangent.
        // The transform reads the type's members and returns generated text and diagnostics only.
        var types = context.SyntaxProvider.ForAttributeWithMetadataName(
                Symbols.DifferentiableAttribute,
                static (node, _) => IsTypeDeclaration(node),
                static (ctx, ct) => TangentSynthesizer.Process((INamedTypeSymbol)ctx.TargetSymbol, ctx.TargetNode, ctx.SemanticModel.Compilation, ct))
            .WithTrackingName("DifferentiableTypes");

        var named = NamedFunctions(context, Symbols.GradientOfAttribute, NamedDerivativeKind.Gradient)
            .Collect()
            .Combine(NamedFunctions(context, Symbols.ValueWithGradientOfAttribute, NamedDerivativeKind.ValueWithGradient).Collect())
            .Combine(NamedFunctions(context, Symbols.JvpOfAttribute, NamedDerivativeKind.Jvp).Collect())
            .Combine(NamedFunctions(context, Symbols.HessianOfAttribute, NamedDerivativeKind.Hessian).Collect())
            .Select(static (x, _) => x.Left.Left.Left.AddRange(x.Left.Left.Right).AddRange(x.Left.Right).AddRange(x.Right))
            .WithTrackingName("NamedDerivatives");

        var rules = context.SyntaxProvider.ForAttributeWithMetadataName(
                Symbols.DerivativeOfAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => RuleProcessor.Process((IMethodSymbol)ctx.TargetSymbol, ctx.Attributes[0], ctx.SemanticModel, ct))
            .WithTrackingName("Rules");

        // Operator call sites: inline lambdas and method groups bound to generated code by interceptors.
        var sites = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => OperatorSiteProcessor.IsCandidate(node),
                static (ctx, ct) => OperatorSiteProcessor.Process(ctx, ct))
            .WithTrackingName("OperatorSites");

        // Which forms of the methods' derivatives to write: those something uses (Forms.cs). The lowering above
        // does not depend on it, so a change of what is used only puts the files together again.
        var settings = context.CompilationProvider.Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (x, _) => FormSettings.From(x.Right.GlobalOptions.TryGetValue(FormSettings.Property, out var mode) ? mode : null, x.Left));
        var sourceReferences = context.CompilationProvider.Select(static (c, ct) => SourceReferences.Of(c, ct))
            .WithTrackingName("SourceReferences");
        var formSets = methods.Select(static (f, _) => new EquatableArray<FormSet>(Forms.SetsOf(new[] { f }).ToArray())).Collect()
            .Combine(sites.Select(static (fs, _) => new EquatableArray<FormSet>(Forms.SetsOf(fs).ToArray())).Collect());
        var textReferences = sites.Select(static (fs, _) => new EquatableArray<string>(Forms.TextReferences(fs).Distinct().ToArray())).Collect()
            .Combine(named.Select(static (fs, _) => new EquatableArray<string>(Forms.TextReferences(fs).Distinct().ToArray())))
            .Combine(types.Select(static (f, _) => new EquatableArray<string>(Forms.TextReferences(new[] { f }).ToArray())).Collect());
        var boundMethodGroups = sites.Select(static (fs, _) => new EquatableArray<string>(Forms.BoundMethodGroups(fs).ToArray())).Collect();
        var needed = formSets.Combine(textReferences).Combine(sourceReferences).Combine(boundMethodGroups).Combine(settings)
            .Select(static (x, _) =>
            {
                var ((((sets, texts), source), bound), options) = x;
                var all = sets.Left.Concat(sets.Right).SelectMany(a => a).ToList();
                var references = texts.Left.Left.SelectMany(a => a).Concat(texts.Left.Right).Concat(texts.Right.SelectMany(a => a));
                return new NeededForms(Forms.Needed(all, references, source, bound.SelectMany(b => b), options));
            })
            .WithTrackingName("NeededForms");
        var assembled = methods.Combine(needed).Select(static (x, _) => Forms.Assemble(x.Left, x.Right.Set));
        context.RegisterSourceOutput(assembled, static (spc, file) => Output(spc, file));
        context.RegisterSourceOutput(sites.Combine(needed), static (spc, input) =>
        {
            foreach (var file in input.Left)
                if (file.RequiredMembers.All(input.Right.Set.Contains))
                    Output(spc, Forms.Assemble(file, input.Right.Set));
        });
        context.RegisterSourceOutput(types, static (spc, file) => Output(spc, file));
        context.RegisterSourceOutput(rules, static (spc, file) => Output(spc, file));
        // Partials of the rules' partials (third order and up through a rule), built for all rules at once (RuleChains.cs).
        var ruleChains = context.CompilationProvider.Select(static (c, ct) => new EquatableArray<GeneratedFile>(RuleChains.For(c, ct).Files))
            .WithTrackingName("RuleChains");
        context.RegisterSourceOutput(ruleChains, static (spc, files) =>
        {
            foreach (var file in files) Output(spc, file);
        });
        context.RegisterSourceOutput(named, static (spc, files) =>
        {
            foreach (var file in files) Output(spc, file);
        });

        // Diagnostics are reported apart from the sources, located in the compilation's own syntax trees, so
        // that #pragma warning disable and per-file .editorconfig severities apply to them (a path-only location
        // is outside every tree: the compiler would not see the pragmas around it). The processors' outputs
        // stay symbol- and tree-free; only this last step, which reruns with every compilation and does no
        // more than map paths to trees, sees the compilation.
        // A method's diagnostics are where it was when it was lowered; an edit above it moves them (MethodKey.cs).
        var methodDiagnostics = methods.Select(static (f, _) => (f.Anchor, Diagnostics: DiagnosticsOf(new[] { f }))).Collect()
            .Combine(keys.Select(static (k, _) => k.Anchor).Collect())
            .Select(static (x, _) => Relocate(x.Left, x.Right));
        var diagnostics = methodDiagnostics
            .Combine(sites.Select(static (fs, _) => DiagnosticsOf(fs)).Collect())
            .Combine(types.Select(static (f, _) => DiagnosticsOf(new[] { f })).Collect())
            .Combine(rules.Select(static (f, _) => DiagnosticsOf(new[] { f })).Collect())
            .Combine(named.Select(static (fs, _) => DiagnosticsOf(fs)))
            .Select(static (x, _) => x.Left.Left.Left.Left.AddRange(x.Left.Left.Left.Right).AddRange(x.Left.Left.Right).AddRange(x.Left.Right).Add(x.Right));
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (spc, input) => Report(spc, input.Left, input.Right));

        var assemblyName = context.CompilationProvider.Select(static (c, _) => c.AssemblyName ?? "Assembly");
        var registrations = assembled.Select(static (f, _) => f.Registration).Where(static r => r != null).Collect();
        var ruleTypes = rules.Select(static (f, _) => f.RulesType).Where(static t => t != null).Collect();
        var ruleRegistrations = rules.Select(static (f, _) => f.RuleRegistration).Where(static t => t != null).Collect();
        context.RegisterSourceOutput(registrations.Combine(ruleTypes).Combine(ruleRegistrations).Combine(assemblyName),
            static (spc, input) => WriteAssemblyFile(spc, input.Left.Left.Left!, input.Left.Left.Right!, input.Left.Right!, input.Right));
    }

    /// <summary>A [Differentiable] computed property's setter is differentiated beside its getter, in the same output.</summary>
    private static GeneratedFile WithSetter(GeneratedFile getter, IPropertySymbol property, SemanticModel model, System.Threading.CancellationToken ct)
    {
        if (property.SetMethod is not { } setter || !Symbols.IsDifferentiableSetter(setter)) return getter;
        var set = MethodProcessor.Process(setter, model, ct);
        if (getter.HintName is null)
            return getter with { Diagnostics = new EquatableArray<DiagnosticInfo>(getter.Diagnostics.Concat(set.Diagnostics).ToArray()) };
        return getter with
        {
            Diagnostics = new EquatableArray<DiagnosticInfo>(getter.Diagnostics.Concat(set.Diagnostics).ToArray()),
            Extras = new EquatableArray<GeneratedFile>(getter.Extras.Concat(new[] { set with { Diagnostics = default } }).ToArray()),
        };
    }

    /// <summary>A class, struct or record declaration (what a differentiable type can be).</summary>
    private static bool IsTypeDeclaration(SyntaxNode node) =>
        node is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax;

    private static IncrementalValuesProvider<GeneratedFile> NamedFunctions(IncrementalGeneratorInitializationContext context, string attribute, NamedDerivativeKind kind) =>
        context.SyntaxProvider.ForAttributeWithMetadataName(
            attribute,
            static (node, _) => node is MethodDeclarationSyntax,
            (ctx, ct) => NamedDerivativeProcessor.Process((IMethodSymbol)ctx.TargetSymbol, ctx.Attributes[0], kind, ctx.SemanticModel, ct));

    private static void Output(SourceProductionContext spc, GeneratedFile file)
    {
        if (file.HintName != null && file.Source != null)
        {
            try
            {
                spc.AddSource(file.HintName, file.Source);
            }
            catch (ArgumentException e)
            {
                // Two generated files of one name (a bug of Nabla's naming): reported, never thrown into the compiler,
                // which would drop every other generated file with it.
                spc.ReportDiagnostic(Diagnostic.Create(Descriptors.GeneratorFailure, Location.None, file.HintName, "ArgumentException: " + e.Message));
            }
        }
        foreach (var extra in file.Extras) Output(spc, extra);
    }

    /// <summary>The diagnostics of some generated files and of their extra files.</summary>
    private static EquatableArray<DiagnosticInfo> DiagnosticsOf(IEnumerable<GeneratedFile> files)
    {
        var all = new List<DiagnosticInfo>();
        void Add(GeneratedFile f)
        {
            all.AddRange(f.Diagnostics);
            foreach (var extra in f.Extras) Add(extra);
        }
        foreach (var f in files) Add(f);
        return new EquatableArray<DiagnosticInfo>(all.ToArray());
    }

    /// <summary>Each method's diagnostics moved by as much as the method moved since it was lowered.</summary>
    private static ImmutableArray<EquatableArray<DiagnosticInfo>> Relocate(
        ImmutableArray<(MethodAnchor? Anchor, EquatableArray<DiagnosticInfo> Diagnostics)> lowered, ImmutableArray<MethodAnchor> current)
    {
        var now = new Dictionary<string, MethodAnchor>(StringComparer.Ordinal);
        foreach (var a in current) now[a.Id] = a;
        return lowered.Select(l =>
        {
            if (l.Anchor is not { } then || !now.TryGetValue(then.Id, out var at) || at.Start == then.Start && at.Line == then.Line)
                return l.Diagnostics;
            int delta = at.Start - then.Start, lines = at.Line - then.Line;
            return new EquatableArray<DiagnosticInfo>(l.Diagnostics.Select(d =>
            {
                if (d.FilePath == then.FilePath && d.Start >= then.Start)
                    d = d with { Start = d.Start + delta, Line = d.Line + lines, EndLine = d.EndLine + lines };
                if (d.AlsoPath == then.FilePath && d.AlsoStart >= then.Start)
                    d = d with { AlsoStart = d.AlsoStart + delta };
                return d;
            }).ToArray());
        }).ToImmutableArray();
    }

    private static void Report(SourceProductionContext spc, ImmutableArray<EquatableArray<DiagnosticInfo>> diagnostics, Compilation compilation)
    {
        Dictionary<string, SyntaxTree>? trees = null;
        // One error at one place once: code inlined into several [Differentiable] callers is checked in each.
        var reported = new HashSet<(string, string, int, int)>();
        foreach (var group in diagnostics)
            foreach (var d in group)
            {
                if (d.FilePath.Length > 0 && !reported.Add((d.Id, d.FilePath, d.Start, d.Length))) continue;
                trees ??= compilation.SyntaxTrees.GroupBy(t => t.FilePath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                spc.ReportDiagnostic(d.ToDiagnostic(trees.TryGetValue(d.FilePath, out var tree) ? tree : null,
                    d.AlsoPath != null && trees.TryGetValue(d.AlsoPath, out var also) ? also : null));
            }
    }

    private static void WriteAssemblyFile(SourceProductionContext spc, ImmutableArray<RegistrationInfo?> registrations,
        ImmutableArray<string?> ruleTypes, ImmutableArray<string?> ruleRegistrations, string assemblyName)
    {
        if (registrations.IsEmpty && ruleTypes.IsEmpty) return;
        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        w.Line("#pragma warning disable CA2255 // the module initializer only fills Nabla's derivative registry");
        foreach (var type in ruleTypes.Distinct().OrderBy(t => t, System.StringComparer.Ordinal))
            w.Line($"[assembly: global::Nabla.CompilerServices.DerivativeRules(typeof({type}))]");
        w.Open("namespace Nabla.Generated");
        w.Line("/// <summary>Registers this assembly's generated derivatives when the module loads.</summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open("internal static class NablaModuleInitializer_" + Symbols.Sanitize(assemblyName));
        w.Line("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        w.Open("internal static void RegisterDerivatives()");
        foreach (var r in registrations.OrderBy(r => r!.Owner + "." + r.Stem, System.StringComparer.Ordinal))
            w.Line($"{r!.Owner}.NablaRegister_{r.Stem}();");
        foreach (var rule in ruleRegistrations.OrderBy(r => r, System.StringComparer.Ordinal))
            w.Line($"{rule}.NablaRegister();");
        w.Close();
        w.Close();
        w.Close();
        spc.AddSource("Nabla.Assembly.g.cs", w.ToString());
    }
}
