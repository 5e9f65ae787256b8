// Finds the derivative of a callee: a [DerivativeOf] rule (in this compilation or in a referenced
// assembly that lists its rule types) or a [Differentiable] method's generated members.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.IR;

namespace Nabla.Generator.Rules;

/// <summary>One [DerivativeOf] rule, resolved to the original method it differentiates.</summary>
internal sealed class RuleInfo
{
    public RuleInfo(IMethodSymbol rule, IMethodSymbol original, bool forward, List<int> wrt)
    {
        Rule = rule;
        Original = original;
        IsForward = forward;
        Wrt = wrt;
    }

    public IMethodSymbol Rule { get; }
    public IMethodSymbol Original { get; }
    public bool IsForward { get; }
    /// <summary>Indices of the original's parameters the rule differentiates.</summary>
    public List<int> Wrt { get; }
    public string SplitClass => "global::" + Symbols.RuleSplitMetadataName(Rule);
}

/// <summary>All rules visible to one compilation, indexed by original method. Cached per compilation.</summary>
internal sealed class RuleIndex
{
    private static readonly ConditionalWeakTable<Compilation, RuleIndex> s_cache = new();
    private readonly Dictionary<IMethodSymbol, RuleInfo> _rules = new(SymbolEqualityComparer.Default);

    public static RuleIndex For(Compilation compilation) => s_cache.GetValue(compilation, c => new RuleIndex(c));

    private readonly Compilation _source;

    private RuleIndex(Compilation compilation)
    {
        _source = compilation;
        // Rules of this compilation first: they win over referenced ones for the same original.
        foreach (var type in AllTypes(compilation.Assembly.GlobalNamespace))
            AddRulesOf(type);
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols)
        {
            foreach (var attr in assembly.GetAttributes())
            {
                if (attr.AttributeClass?.ToDisplayString() != Symbols.DerivativeRulesAttribute) continue;
                if (attr.ConstructorArguments.Length == 1 && attr.ConstructorArguments[0].Value is INamedTypeSymbol t)
                    AddRulesOf(t);
            }
        }
        AddGenericMathEquivalents(compilation);
    }

    /// <summary>
    /// <c>double.Sin(x)</c> is <c>Math.Sin(x)</c> and <c>float.Sin(x)</c> is <c>MathF.Sin(x)</c> (the generic-math statics of
    /// System.Double and System.Single): they share the rule of the Math method, unless a rule names them itself.
    /// </summary>
    private void AddGenericMathEquivalents(Compilation compilation)
    {
        foreach (var (mathName, scalarType) in new[] { ("System.Math", SpecialType.System_Double), ("System.MathF", SpecialType.System_Single) })
        {
            var scalar = compilation.GetSpecialType(scalarType);
            foreach (var rule in _rules.Values.Where(r => r.Original.ContainingType.ToDisplayString() == mathName).ToList())
            {
                var equivalent = scalar.GetMembers(rule.Original.Name).OfType<IMethodSymbol>().FirstOrDefault(m =>
                    m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && m.Parameters.Length == rule.Original.Parameters.Length &&
                    SymbolEqualityComparer.Default.Equals(m.ReturnType, rule.Original.ReturnType) &&
                    m.Parameters.Zip(rule.Original.Parameters, (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type) && a.RefKind == b.RefKind).All(same => same));
                if (equivalent != null && !_rules.ContainsKey(equivalent))
                    _rules[equivalent] = rule;
            }
        }
    }

    public RuleInfo? Find(IMethodSymbol original) =>
        _rules.TryGetValue(original.OriginalDefinition, out var r) ? r : null;

    public IEnumerable<RuleInfo> All => _rules.Values;

    /// <summary>The rule whose split class is named <paramref name="splitClass"/> (Symbols.RuleSplitClassName), or null.</summary>
    public RuleInfo? BySplitClass(string splitClass)
    {
        if (_bySplit is null)
        {
            var map = new Dictionary<string, RuleInfo>(System.StringComparer.Ordinal);
            foreach (var r in _rules.Values) map[Symbols.RuleSplitClassName(r.Rule)] = r;
            _bySplit = map;
        }
        return _bySplit.TryGetValue(splitClass, out var rule) ? rule : null;
    }

    private Dictionary<string, RuleInfo>? _bySplit;

    private void AddRulesOf(INamedTypeSymbol type)
    {
        foreach (var m in type.GetMembers().OfType<IMethodSymbol>())
        {
            var attr = Symbols.GetAttribute(m, Symbols.DerivativeOfAttribute);
            if (attr is null) continue;
            var info = Resolve(m, attr, out _, _source);
            if (info != null && !_rules.ContainsKey(info.Original))
                _rules[info.Original] = info;
        }
    }

    /// <summary>
    /// An instance method of a differentiable struct of plain values (not a class, no array members, not generic): its
    /// receiver is its first input, so it inlines like a static method, which second derivatives through it need.
    /// </summary>
    internal static bool InlinableInstanceMethod(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Ordinary && Symbols.HasDifferentiableSelf(method) && !Symbols.ReturnsNewSelf(method) &&
        !method.ContainingType.IsGenericType && Symbols.IrTypeOf(method.ContainingType) is { IsReference: false, HasArrayLeaves: false };

    /// <summary>Resolves a rule method to its original, or says why it cannot be.</summary>
    public static RuleInfo? Resolve(IMethodSymbol rule, AttributeData attr, out string? error, Compilation? compilation = null)
    {
        error = null;
        if (attr.ConstructorArguments.Length != 2 ||
            attr.ConstructorArguments[0].Value is not INamedTypeSymbol type ||
            attr.ConstructorArguments[1].Value is not string name)
        {
            error = "the attribute needs a type and a method name";
            return null;
        }
        var candidates = type.GetMembers(name).OfType<IMethodSymbol>().ToList();
        if (candidates.Count == 0 && type.GetMembers(name).Any(m => m is IPropertySymbol))
        {
            error = $"'{type.ToDisplayString()}.{name}' is a property, and rules for property getters are not supported yet: " +
                    "mark the property [Differentiable] (its getter is then differentiated)";
            return null;
        }
        if (candidates.Count == 0)
        {
            error = $"'{type.ToDisplayString()}' has no method named '{name}'";
            return null;
        }
        var original = candidates.FirstOrDefault(c => c.IsStatic && c.Parameters.Length == rule.Parameters.Length &&
            c.Parameters.Zip(rule.Parameters, (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type)).All(x => x));
        if (original is null && candidates.Any(c => !c.IsStatic && c.MethodKind == MethodKind.Ordinary))
        {
            error = $"'{type.ToDisplayString()}.{name}' is an instance method, and rules for instance methods are not supported yet: " +
                    "mark the method [Differentiable] (its body is then differentiated), or write the computation as a static method and give that the rule";
            return null;
        }
        if (original is null)
        {
            error = $"no overload of '{type.ToDisplayString()}.{name}' has the parameter types ({string.Join(", ", rule.Parameters.Select(p => p.Type.ToDisplayString()))}); the rule's parameters must equal the original's";
            return null;
        }
        bool forward = attr.NamedArguments.Any(kv => kv.Key == "Mode" && kv.Value.Value is int mode && mode == 1);
        string? wrt = Symbols.NamedString(attr, "Wrt");
        var indices = Symbols.ParseWrt(original, wrt, out var unknown);
        if (unknown != null)
        {
            error = $"'{unknown}' in Wrt is not a real-valued parameter of '{original.ToDisplayString()}'";
            return null;
        }
        if (indices.Count == 0)
        {
            error = "the original has no real-valued (double or float) parameter to differentiate";
            return null;
        }
        if (indices.Any(k => !Symbols.IrTypeOf(original.Parameters[k].Type).IsReal) || !Symbols.IrTypeOf(original.ReturnType).IsReal)
        {
            error = "rules are for functions of double and float scalars; write an array function as a [Differentiable] method instead";
            return null;
        }
        if (compilation != null && HiddenMemberUse(rule, compilation) is { } hidden)
        {
            error = $"it uses '{hidden.ContainingType?.Name}.{hidden.Name}', which is private or protected, and the rule's split form is generated in a class of its own: make it internal or public";
            return null;
        }
        return new RuleInfo(rule, original, forward, indices);
    }

    /// <summary>A private or protected member the rule's body uses: its split form, in a class of its own, could not reach it.</summary>
    private static ISymbol? HiddenMemberUse(IMethodSymbol rule, Compilation compilation)
    {
        if (rule.DeclaringSyntaxReferences.IsEmpty || !SymbolEqualityComparer.Default.Equals(rule.ContainingAssembly, compilation.Assembly)) return null;
        var syntax = rule.DeclaringSyntaxReferences[0].GetSyntax();
        if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree)) return null;
        if (compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax) is not { } body) return null;
        foreach (var used in Microsoft.CodeAnalysis.Operations.OperationExtensions.Descendants(body))
        {
            ISymbol? member = used switch
            {
                Microsoft.CodeAnalysis.Operations.IInvocationOperation call => call.TargetMethod,
                Microsoft.CodeAnalysis.Operations.IFieldReferenceOperation { Field.IsConst: false } field => field.Field,
                Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation property => property.Property,
                Microsoft.CodeAnalysis.Operations.IMethodReferenceOperation method => method.Method,
                _ => null,
            };
            if (member is null || member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction }) continue;
            if (Symbols.AccessRank(member) < 2) return member;
        }
        return null;
    }

    /// <summary>Every type declared in the container, nested types too.</summary>
    internal static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol ns)
                foreach (var t in AllTypes(ns)) yield return t;
            else if (member is INamedTypeSymbol type)
            {
                yield return type;
                foreach (var t in AllTypes(type)) yield return t;
            }
        }
    }
}

/// <summary>Turns a called method into the IR's <see cref="Callee"/>, with how to differentiate it.</summary>
internal sealed class CalleeResolver
{
    private readonly Compilation _compilation;
    private readonly RuleIndex _rules;

    public CalleeResolver(Compilation compilation)
    {
        _compilation = compilation;
        _rules = RuleIndex.For(compilation);
    }

    public Compilation Compilation => _compilation;

    public static bool IsStopGradient(IMethodSymbol m) =>
        m.Name == "WithoutDerivative" && m.ContainingType?.ToDisplayString() == Symbols.AutodiffClass;

    public Callee Resolve(IMethodSymbol method)
    {
        string display = method.ContainingType.ToDisplayString() + "." + (Symbols.OperatorToken(method) is { } op ? "operator " + op : method.Name);
        string expression = method.MethodKind == MethodKind.Constructor ? "new " + Symbols.TypeName(method.ContainingType)
            : method.MethodKind == MethodKind.UserDefinedOperator && Symbols.OperatorToken(method) is { } token ? token
            : method.MethodKind == MethodKind.PropertyGet && method.AssociatedSymbol is IPropertySymbol property
                ? (method.IsStatic ? Symbols.TypeName(method.ContainingType) + "." : "") + Symbols.Identifier(property.Name)
            : method.IsStatic
            ? Symbols.TypeName(method.ContainingType) + "." + Symbols.Identifier(method.Name)
            // A method changing its struct receiver is called as Owner.Stem_NewSelf(receiver, args).
            : Symbols.ReturnsNewSelf(method) && Symbols.IsDifferentiable(method) ? Symbols.TypeName(method.ContainingType) + "." + Symbols.DerivativeStem(method)
            : Symbols.Identifier(method.Name);
        if (AsChain(method) is { } chain)
            display = chain.Rule.Original.ContainingType.Name + "." + chain.Rule.Original.Name + " (partial " + string.Join(", ", chain.Path) + ")";
        if (method.IsGenericMethod)
            expression += "<" + string.Join(", ", method.TypeArguments.Select(Symbols.TypeName)) + ">";
        if (IsStopGradient(method))
            return new Callee(expression, display, method.IsStatic, null, IsStopGradient: true);
        var derivative = DerivativeOf(method);
        (string, string)? missing = null;
        if (derivative != null && Missing(method, derivative) is { } member)
        {
            missing = (method.ContainingAssembly.Name, member);
            derivative = null;
        }
        string? inlineId = null;
        // Static methods, operators and constructors of differentiable structs (lowered as static functions returning the value).
        if (derivative?.JvpMethod != null && (method.IsStatic || Symbols.IsDifferentiableConstructor(method) ||
                RuleIndex.InlinableInstanceMethod(method)) && !method.IsGenericMethod &&
            SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly) && !method.DeclaringSyntaxReferences.IsEmpty)
            inlineId = method.OriginalDefinition.GetDocumentationCommentId();
        // A static [Differentiable] local function has no derivative members (generated code cannot reach it): it is
        // inlined into the [Differentiable] code that calls it, found again by where it is declared.
        if (method.MethodKind == MethodKind.LocalFunction && Symbols.IsDifferentiable(method) && method.IsStatic && !method.IsGenericMethod &&
            method.Locations.FirstOrDefault() is { SourceTree: { } tree } where)
            inlineId = LocalFunctionId(tree.FilePath, where.SourceSpan.Start);
        bool self = derivative != null && Symbols.HasDifferentiableSelf(method);
        int shift = self ? 1 : 0;
        return new Callee(expression, display, method.IsStatic || method.MethodKind == MethodKind.Constructor, derivative, InlineId: inlineId,
            CalleeWrt: derivative?.Wrt ?? (method.MethodKind == MethodKind.LocalFunction && inlineId != null ? Symbols.DefaultWrt(method) : null),
            IsPropertyGet: method.MethodKind == MethodKind.PropertyGet, IsOperator: method.MethodKind == MethodKind.UserDefinedOperator,
            IsIndexer: method.AssociatedSymbol is IPropertySymbol { IsIndexer: true },
            ParameterNames: (self ? new[] { "this" } : new string[0]).Concat(method.Parameters.Select(p => p.Name)).ToList(),
            NoDerivativeParameters: method.Parameters.Where(p => Symbols.HasAttribute(p, Symbols.NoDerivativeAttribute)).Select(p => p.Ordinal + shift).ToList(),
            AccessRank: Symbols.AccessRank(method), ReceiverAsArgument: self, ReturnsNewSelf: self && Symbols.ReturnsNewSelf(method),
            MissingDerivatives: missing, Overrides: VirtualOverrides(method), IsAbstractMethod: IsDispatched(method) && method.IsAbstract,
            Rejected: IsRejected(method));
    }

    private static readonly ConditionalWeakTable<IMethodSymbol, object> s_rejected = new();

    /// <summary>A [Differentiable] method of this compilation that MethodProcessor.Check rejects (its error is reported there).</summary>
    private bool IsRejected(IMethodSymbol method) => IsRejected(method, _compilation);

    public static bool IsRejected(IMethodSymbol method, Compilation compilation)
    {
        // Checked as called (Dot<double>, not Dot<T>, whose T is not a differentiable type until substituted).
        var original = method;
        if (!Symbols.IsDifferentiable(original) || original.DeclaringSyntaxReferences.IsEmpty || original.MethodKind == MethodKind.LocalFunction ||
            !SymbolEqualityComparer.Default.Equals(original.ContainingAssembly, compilation.Assembly))
            return false;
        // An abstract method is not checked in error (calls dispatch to its overrides): only a reported error rejects.
        return (bool)s_rejected.GetValue(original, m =>
        {
            var errors = new List<DiagnosticInfo>();
            return !Pipeline.MethodProcessor.Check(m, null, errors) && errors.Any(e => e.IsError);
        });
    }

    /// <summary>
    /// A virtual, abstract or override instance method of a class: its calls dispatch by type to the overrides
    /// (Transforms/VirtualDispatch). For a differentiable class, the receiver's tangent crosses the cast to the
    /// override's class member by member (the subclass's own members start at zero).
    /// </summary>
    private static bool IsDispatched(IMethodSymbol method) =>
        !method.IsStatic && (method.IsVirtual || method.IsOverride || method.IsAbstract) && !method.IsSealed &&
        method.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet && method.ContainingType is { TypeKind: Microsoft.CodeAnalysis.TypeKind.Class, IsGenericType: false };

    private IReadOnlyList<(IrType Type, Callee Callee)>? VirtualOverrides(IMethodSymbol method)
    {
        if (!IsDispatched(method)) return null;
        var original = method.OriginalDefinition;
        static int Depth(ITypeSymbol t) { int d = 0; for (var b = t.BaseType; b != null; b = b.BaseType) d++; return d; }
        return SourceOverrides(_compilation)
            .Where(m => Overrides(m, original))
            .OrderByDescending(m => Depth(m.ContainingType))
            .Select(m => (Symbols.IrTypeOf(m.ContainingType), Resolve(m) with { Overrides = null, IsAbstractMethod = false }))
            .ToList();
    }

    internal static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
    {
        for (var m = candidate.OverriddenMethod; m != null; m = m.OverriddenMethod)
            if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, method)) return true;
        return false;
    }

    private static readonly ConditionalWeakTable<Compilation, List<IMethodSymbol>> s_overrides = new();

    /// <summary>Every override declared in the compilation's source (found once per compilation).</summary>
    private static List<IMethodSymbol> SourceOverrides(Compilation compilation) => s_overrides.GetValue(compilation, c =>
    {
        var found = new List<IMethodSymbol>();
        void Visit(INamespaceOrTypeSymbol container)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns) Visit(ns);
                else if (member is INamedTypeSymbol type)
                {
                    if (type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Class)
                        found.AddRange(type.GetMembers().OfType<IMethodSymbol>().Where(m => m.IsOverride && m.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet));
                    Visit(type);
                }
            }
        }
        Visit(c.Assembly.GlobalNamespace);
        return found;
    });

    /// <summary>The inline id of a local function: its file and the position of its name.</summary>
    public static string LocalFunctionId(string path, int position) => "L:" + position.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + path;

    /// <summary>The local function an inline id of <see cref="LocalFunctionId"/> names, or null.</summary>
    public static IMethodSymbol? FindLocalFunction(string id, Compilation compilation, System.Threading.CancellationToken ct)
    {
        if (!id.StartsWith("L:", StringComparison.Ordinal)) return null;
        int colon = id.IndexOf(':', 2);
        if (colon < 0 || !int.TryParse(id.Substring(2, colon - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int position)) return null;
        string path = id.Substring(colon + 1);
        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == path);
        if (tree?.GetRoot(ct).FindToken(position).Parent is not Microsoft.CodeAnalysis.CSharp.Syntax.LocalFunctionStatementSyntax declaration) return null;
        return Pipeline.SemanticModels.Of(compilation, tree).GetDeclaredSymbol(declaration, ct) as IMethodSymbol;
    }

    /// <summary>
    /// For a [Differentiable] method of another assembly: the first generated member its derivatives call that its
    /// assembly does not have (an application compiled with NablaDerivatives=Auto writes only what it uses), or null.
    /// </summary>
    private string? Missing(IMethodSymbol method, CalleeDerivative derivative)
    {
        if (SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly) ||
            !Symbols.IsDifferentiable(method) || RuleIndex.For(_compilation).Find(method) != null)
            return null;
        string stem = Symbols.DerivativeStem(method.OriginalDefinition);
        foreach (var suffix in new[] { "_Primal", "_Pullback", "_Jvp" })
            if (method.ContainingType.GetMembers(stem + suffix).IsEmpty)
                return stem + suffix;
        return null;
    }

    /// <summary>The rule's differentiable partials (second order), when its split class has them.</summary>
    private IReadOnlyList<Callee>? Partials(RuleInfo rule, string split)
    {
        bool available = SymbolEqualityComparer.Default.Equals(rule.Rule.ContainingAssembly, _compilation.Assembly)
            ? Pipeline.RulePartials.Source(rule.Rule, rule, default) != null
            : rule.Rule.ContainingAssembly.GetTypeByMetadataName(Symbols.RuleSplitMetadataName(rule.Rule))?.GetMembers(Pipeline.RulePartials.Name(0)).Length > 0;
        return available ? Chain(rule, split, new int[0]) : null;
    }

    /// <summary>
    /// The partials of the rule's chain <paramref name="path"/> (empty: of the rule itself; (0): of Partial0): the callees
    /// <c>{chain}_Partial{k}</c>, each with its own partials, so that forward mode written with them can be differentiated
    /// again (third order and up). Null when they were not generated, or the chain is as long as Nabla makes them.
    /// </summary>
    private IReadOnlyList<Callee>? Chain(RuleInfo rule, string split, IReadOnlyList<int> path)
    {
        if (path.Count >= Pipeline.RuleChains.MaxLength) return null;
        if (path.Count > 0 && rule.Wrt.Select((_, k) => path.Concat(new[] { k })).Any(chain => !ChainAvailable(rule, Pipeline.RuleChains.Name(chain)))) return null;
        var names = rule.Rule.Parameters.Select(p => p.Name).ToList();
        var data = Enumerable.Range(0, names.Count).Where(k => !rule.Wrt.Contains(k)).ToList();
        return rule.Wrt.Select((_, k) =>
        {
            var chain = path.Concat(new[] { k }).OrderBy(i => i).ToList();
            string stem = split + "." + Pipeline.RuleChains.Name(chain);
            var derivative = new CalleeDerivative(stem + "_Primal", stem + "_Pullback", stem + "_Jvp", null, stem + "_Residuals", rule.Wrt,
                Chain(rule, split, chain), PartialsBeyondBound: chain.Count >= Pipeline.RuleChains.MaxLength);
            return new Callee(stem, rule.Original.ContainingType.Name + "." + rule.Original.Name + " (partial " + string.Join(", ", chain) + ")", true, derivative,
                CalleeWrt: rule.Wrt, ParameterNames: names, NoDerivativeParameters: data);
        }).ToList();
    }

    /// <summary>Whether the rule's chain <paramref name="member"/> (Partial0_Partial1, ...) exists: generated here, or in the rule's assembly.</summary>
    private bool ChainAvailable(RuleInfo rule, string member) =>
        SymbolEqualityComparer.Default.Equals(rule.Rule.ContainingAssembly, _compilation.Assembly)
            ? Pipeline.RuleChains.For(_compilation, default).Has(Symbols.RuleSplitClassName(rule.Rule), member)
            : rule.Rule.ContainingAssembly.GetTypeByMetadataName(Symbols.RuleSplitMetadataName(rule.Rule))?.GetMembers(member).Length > 0;

    /// <summary>For a rule's partial (Partial0, Partial0_Partial1, ... in its split class): its rule and its chain.</summary>
    private (RuleInfo Rule, int[] Path)? AsChain(IMethodSymbol method)
    {
        if (method.ContainingType is not { } type || type.ContainingNamespace?.ToDisplayString() != Symbols.RuleNamespace) return null;
        int length = Pipeline.RuleChains.Length(method.Name);
        if (length == 0 || _rules.BySplitClass(type.Name) is not { } rule) return null;
        return (rule, method.Name.Split('_').Select(p => int.Parse(p.Substring("Partial".Length), System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    private CalleeDerivative? DerivativeOf(IMethodSymbol method)
    {
        var rule = _rules.Find(method);
        if (rule != null)
        {
            // A rule's split form lives in the rule's assembly; in this compilation the generator writes it.
            bool available = SymbolEqualityComparer.Default.Equals(rule.Rule.ContainingAssembly, _compilation.Assembly) ||
                             rule.Rule.ContainingAssembly.GetTypeByMetadataName(Symbols.RuleSplitMetadataName(rule.Rule)) != null;
            if (available)
            {
                string split = rule.SplitClass;
                var partials = Partials(rule, split);
                return rule.IsForward
                    ? new CalleeDerivative(split + ".Primal", null, null, split + ".Differential", split + ".Residuals", rule.Wrt, partials)
                    : new CalleeDerivative(split + ".Primal", split + ".Pullback", null, null, split + ".Residuals", rule.Wrt, partials);
            }
        }
        // Generic math: a method generic over T, or a method of a generic type over T (Pair<double>.Dot), at double or float.
        bool genericMath = Symbols.IeeeTypeParameter(method) != null &&
                           (method.IsGenericMethod ? method.TypeArguments[0] : method.ContainingType.TypeArguments[0]).SpecialType is SpecialType.System_Double or SpecialType.System_Single;
        if (Symbols.IsDifferentiable(method) && (!method.IsGenericMethod || genericMath) &&
            (method.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet || Symbols.IsDifferentiableSetter(method) || Symbols.IsDifferentiableConstructor(method) ||
             method.MethodKind == MethodKind.UserDefinedOperator && Symbols.OperatorToken(method) != null))
        {
            var original = method.OriginalDefinition;
            string owner = Symbols.TypeName(method.ContainingType);
            string stem = Symbols.DerivativeStem(original);
            bool self = Symbols.HasDifferentiableSelf(method);
            string prefix = Symbols.DerivativesAreStatic(method) ? owner + "." : "";
            var wrt = Symbols.DefaultWrt(genericMath ? method : original);
            if (wrt.Count == 0 && !self || !(method.ReturnsVoid || Symbols.IsDifferentiableType(method.ReturnType))) return null;
            wrt = Symbols.WithSelf(method, wrt);
            // A rule's partial: its own partials, when they were generated (derivatives of third order and up through the rule).
            var chain = AsChain(method);
            // A generic-math method's derivatives are overloads per instantiation; only the residual types are named apart.
            return new CalleeDerivative(prefix + stem + "_Primal", owner + "." + stem + "_Pullback", prefix + stem + "_Jvp",
                null, owner + "." + stem + "_Residuals" + Symbols.InstantiationSuffix(method), wrt,
                chain is { } c ? Chain(c.Rule, c.Rule.SplitClass, c.Path) : null,
                RefLikeResiduals: Symbols.HasRefLikeResiduals(method, _compilation),
                PartialsBeyondBound: chain is { } b && b.Path.Length >= Pipeline.RuleChains.MaxLength);
        }
        return null;
    }
}
