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
        var inputs = Inputs(original);
        InputTypes = inputs.Select(i => i.Type).ToList();
        InputNames = inputs.Select(i => i.Name).ToList();
    }

    public IMethodSymbol Rule { get; }
    /// <summary>The method, property getter, indexer getter or constructor the rule differentiates.</summary>
    public IMethodSymbol Original { get; }
    public bool IsForward { get; }
    /// <summary>Indices of the rule's inputs (<see cref="InputTypes"/>: the receiver first, for an instance member) it differentiates.</summary>
    public List<int> Wrt { get; }
    public string SplitClass => "global::" + Symbols.RuleSplitMetadataName(Rule);

    /// <summary>An instance method, property or indexer: the rule takes the receiver as its first parameter.</summary>
    public bool HasReceiver => HasReceiverInput(Original);

    /// <summary>What the original produces: its return type, or a constructor's type.</summary>
    public ITypeSymbol ResultType => ResultOf(Original);

    /// <summary>The rule's inputs in order: the receiver (for an instance member), then the original's parameters.</summary>
    public IReadOnlyList<ITypeSymbol> InputTypes { get; }

    /// <summary>The names of the rule's inputs in messages: 'this' for the receiver, else the original's parameter names.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>
    /// A differentiated input or the result is an array: the split form passes array tangents by value (the pullback
    /// returns fresh cotangent arrays, an array result's cotangent goes in), and has both a pullback and a differential.
    /// </summary>
    public bool HasArrays => Wrt.Any(k => Symbols.IrTypeOf(InputTypes[k]).IsArray) || Symbols.IrTypeOf(ResultType).IsArray;

    internal static bool HasReceiverInput(IMethodSymbol original) => !original.IsStatic && original.MethodKind != MethodKind.Constructor;

    internal static ITypeSymbol ResultOf(IMethodSymbol original) =>
        original.MethodKind == MethodKind.Constructor ? original.ContainingType : original.ReturnType;

    internal static List<(string Name, ITypeSymbol Type)> Inputs(IMethodSymbol original) =>
        (HasReceiverInput(original) ? new[] { ("this", (ITypeSymbol)original.ContainingType) } : new (string, ITypeSymbol)[0])
            .Concat(original.Parameters.Select(p => (p.Name, p.Type))).ToList();
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
        foreach (var rule in _rules.Values.ToList())
            if (GenericMathEquivalent(rule.Original, compilation) is { } equivalent && !_rules.ContainsKey(equivalent))
                _rules[equivalent] = rule;
    }

    /// <summary>The generic-math static of System.Double (System.Single) with the signature of a System.Math (MathF) method, or null.</summary>
    public static IMethodSymbol? GenericMathEquivalent(IMethodSymbol mathMethod, Compilation compilation)
    {
        // Math's float overloads (Math.Clamp(float, float, float)) are float's (float.Clamp).
        var scalarType = mathMethod.ReturnType.SpecialType;
        if (mathMethod.ContainingType.ToDisplayString() is not ("System.Math" or "System.MathF") ||
            scalarType is not (SpecialType.System_Double or SpecialType.System_Single))
            return null;
        return compilation.GetSpecialType(scalarType).GetMembers(mathMethod.Name).OfType<IMethodSymbol>().FirstOrDefault(m =>
            m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && m.Parameters.Length == mathMethod.Parameters.Length &&
            SymbolEqualityComparer.Default.Equals(m.ReturnType, mathMethod.ReturnType) &&
            m.Parameters.Zip(mathMethod.Parameters, (a, b) => SymbolEqualityComparer.Default.Equals(a.Type, b.Type) && a.RefKind == b.RefKind).All(same => same));
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
        !method.ContainingType.IsGenericType && (Symbols.IrTypeOf(method.ContainingType) is { IsReference: false } ||
            // A differentiable class of plain values, not part of a hierarchy: its receiver inlines as a struct's does.
            Symbols.IrTypeOf(method.ContainingType) is { IsReference: true, HasArrayLeaves: false } && !method.IsVirtual && !method.IsAbstract &&
            !method.IsOverride && method.ContainingType.BaseType is { SpecialType: SpecialType.System_Object });

    /// <summary>
    /// An instance method of a class that is data (not differentiable): its receiver is a value read at the call, so its
    /// body inlines with 'this' standing for the receiver, which second derivatives through it need. (A virtual call with
    /// overrides is inlined only once dispatched: each branch calls one override on a receiver of its class.)
    /// </summary>
    internal static bool InlinableDataReceiverMethod(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Ordinary && !method.IsStatic && !Symbols.HasDifferentiableSelf(method) &&
        method.ContainingType is { TypeKind: Microsoft.CodeAnalysis.TypeKind.Class, IsGenericType: false } owner && !Symbols.IsDifferentiableType(owner) &&
        !method.IsAbstract;

    /// <summary>Resolves a rule method to its original, or says why it cannot be.</summary>
    public static RuleInfo? Resolve(IMethodSymbol rule, AttributeData attr, out string? error, Compilation? compilation = null) =>
        Resolve(rule, attr, out error, out _, compilation);

    /// <summary>Resolves a rule method to its original, or says why it cannot be; <paramref name="aboutTheRule"/> when the original was found and the rule itself is wrong.</summary>
    public static RuleInfo? Resolve(IMethodSymbol rule, AttributeData attr, out string? error, out bool aboutTheRule, Compilation? compilation = null)
    {
        aboutTheRule = false;
        error = null;
        if (attr.ConstructorArguments.Length != 2 ||
            attr.ConstructorArguments[0].Value is not INamedTypeSymbol type ||
            attr.ConstructorArguments[1].Value is not string name)
        {
            error = "the attribute needs a type and a method name";
            return null;
        }
        var candidates = Originals(type, name);
        if (candidates.Count == 0)
        {
            error = type.GetMembers(name).OfType<IPropertySymbol>().Any()
                ? $"the property '{type.ToDisplayString()}.{name}' has no getter"
                : $"'{type.ToDisplayString()}' has no method, property, indexer (\"Item\"), constructor (\".ctor\") or operator (\"op_Addition\") named '{name}'";
            return null;
        }
        // The rule's parameters are the original's, after the receiver for an instance member.
        // Or, for an instance member, an instance method of the same type with the original's parameters ('this' is the receiver).
        var original = rule.IsStatic
            ? candidates.FirstOrDefault(c => SameTypes(RuleInfo.Inputs(c).Select(i => i.Type), rule.Parameters.Select(p => p.Type)))
            : SymbolEqualityComparer.Default.Equals(rule.ContainingType, type)
                ? candidates.FirstOrDefault(c => RuleInfo.HasReceiverInput(c) && SameTypes(c.Parameters.Select(p => p.Type), rule.Parameters.Select(p => p.Type)))
                : null;
        if (original is null && !rule.IsStatic)
        {
            aboutTheRule = candidates.All(c => c.IsStatic);
            error = candidates.All(c => c.IsStatic)
                ? $"'{type.ToDisplayString()}.{name}' is static, and so must its rule be"
                : SymbolEqualityComparer.Default.Equals(rule.ContainingType, type)
                ? $"an instance method is a rule for an instance member of its own type with the same parameters, and '{type.ToDisplayString()}.{name}' has none with the parameter types ({string.Join(", ", rule.Parameters.Select(p => p.Type.ToDisplayString()))})"
                : $"a rule declared as an instance method must be a member of '{type.ToDisplayString()}', the type of the member it differentiates: make it static, with the receiver as its first parameter";
            return null;
        }
        if (original is null)
        {
            string Shape(IMethodSymbol c) => "(" + string.Join(", ", RuleInfo.Inputs(c).Select(i => i.Type.ToDisplayString() + (i.Name == "this" ? " self" : ""))) + ")";
            error = $"no overload of '{type.ToDisplayString()}.{name}' has the parameter types ({string.Join(", ", rule.Parameters.Select(p => p.Type.ToDisplayString()))}); " +
                    "the rule's parameters must equal the original's" + (candidates.Any(RuleInfo.HasReceiverInput) ? ", after the receiver for an instance member" : "") +
                    ": " + string.Join(" or ", candidates.Select(Shape).Distinct().Take(3));
            return null;
        }
        // From here the original is found: what is wrong is the rule (reported at it, not at the attribute).
        aboutTheRule = true;
        if (original.Parameters.FirstOrDefault(p => p.RefKind is RefKind.Ref or RefKind.Out) is { } byRef)
        {
            error = $"'{original.ToDisplayString()}' takes '{byRef.Name}' by {(byRef.RefKind == RefKind.Ref ? "ref" : "out")}, and rules for methods " +
                    "with ref or out parameters are not supported yet: mark the method [Differentiable] (its body is then differentiated), " +
                    "or give the rule to a method that returns the new value";
            return null;
        }
        bool forward = attr.NamedArguments.Any(kv => kv.Key == "Mode" && kv.Value.Value is int mode && mode == 1);
        string? wrt = Symbols.NamedString(attr, "Wrt");
        var inputs = RuleInfo.Inputs(original);
        var indices = new List<int>();
        if (string.IsNullOrWhiteSpace(wrt))
        {
            // Every differentiable parameter, and a differentiable receiver.
            int shift = inputs.Count - original.Parameters.Length;
            if (shift == 1 && Symbols.IsDifferentiableType(inputs[0].Type)) indices.Add(0);
            indices.AddRange(original.Parameters.Where(Symbols.IsDifferentiableParameter).Select(p => p.Ordinal + shift));
        }
        else
        {
            foreach (var raw in wrt!.Split(','))
            {
                string n = raw.Trim();
                int k = inputs.FindIndex(i => i.Name == n);
                // The receiver may also be named as the rule's first parameter is.
                if (k < 0 && RuleInfo.HasReceiverInput(original) && rule.IsStatic && rule.Parameters.Length > 0 && rule.Parameters[0].Name == n) k = 0;
                int parameter = k - (inputs.Count - original.Parameters.Length);
                if (k < 0 || !Symbols.IsDifferentiableType(inputs[k].Type) || parameter >= 0 && original.Parameters[parameter].RefKind == RefKind.Out)
                {
                    error = $"'{n}' in Wrt is not a differentiable parameter of '{original.ToDisplayString()}'";
                    return null;
                }
                if (!indices.Contains(k)) indices.Add(k);
            }
            indices.Sort();
        }
        if (indices.Count == 0)
        {
            error = "the original has no differentiable input (double, float, Vector2/3/4 or a [Differentiable] struct) to differentiate";
            return null;
        }
        int bad = indices.FindIndex(k => !IsRuleInput(inputs[k].Type));
        if (bad >= 0 || !IsRuleInput(RuleInfo.ResultOf(original)))
        {
            var what = bad < 0 ? "its result" : inputs[indices[bad]].Name == "this" ? "its receiver" : $"'{inputs[indices[bad]].Name}'";
            error = $"{what} is not a double, float, one-dimensional array of them, Vector2/3/4 or [Differentiable] struct of reals: rules differentiate those; " +
                    "write a function of jagged arrays, tuples or classes as a [Differentiable] method instead";
            return null;
        }
        var differentiated = indices.Select(k => inputs[k].Type).Append(RuleInfo.ResultOf(original)).ToList();
        if (differentiated.Any(t => Symbols.IrTypeOf(t).IsArray) && differentiated.FirstOrDefault(t => Symbols.IrTypeOf(t) is { IsReal: false, IsArray: false }) is { } mixed)
        {
            error = $"it mixes arrays with '{mixed.ToDisplayString()}': a rule over arrays takes and returns double, float and one-dimensional arrays of them " +
                    "(make the struct's members parameters, or write the function as a [Differentiable] method)";
            return null;
        }
        if (compilation != null && HiddenMemberUse(rule, compilation) is { } hidden)
        {
            error = $"it uses '{hidden.ContainingType?.Name}.{hidden.Name}', which is private or protected, and the rule's split form is generated in a class of its own: make it internal or public";
            return null;
        }
        return new RuleInfo(rule, original, forward, indices);
    }

    /// <summary>The members a rule may name: methods, a property's getter, indexers ("Item") and constructors (".ctor").</summary>
    private static List<IMethodSymbol> Originals(INamedTypeSymbol type, string name)
    {
        if (name == ".ctor") return type.InstanceConstructors.Where(c => c.Parameters.Length > 0).ToList();
        var found = new List<IMethodSymbol>();
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && method.Name == name) found.Add(method);
            // A user-defined operator by its metadata name (nameof cannot name it): "op_Division".
            else if (member is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator } op && op.MetadataName == name) found.Add(op);
            else if (member is IPropertySymbol { GetMethod: { } getter } property && (property.IsIndexer ? name == "Item" || name == property.MetadataName : property.Name == name))
                found.Add(getter);
        }
        return found;
    }

    private static bool SameTypes(IEnumerable<ITypeSymbol> a, IEnumerable<ITypeSymbol> b)
    {
        var left = a.ToList();
        var right = b.ToList();
        return left.Count == right.Count && left.Zip(right, (x, y) => SymbolEqualityComparer.Default.Equals(x, y)).All(same => same);
    }

    /// <summary>
    /// A type a rule differentiates: a real scalar, a one-dimensional array of them, or a struct of reals lowered member
    /// by member (Vector2/3/4, a [Differentiable] struct without array members), whose tangent the pullback returns and
    /// the differential takes.
    /// </summary>
    internal static bool IsRuleInput(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { IsTupleType: true }) return false;
        var ir = Symbols.IrTypeOf(type);
        return ir.IsReal || ir is { IsArray: true, IsSpan: false, Rank: 1 } && ir.Element.IsReal ||
               ir is { IsStruct: true, IsReference: false, HasArrayLeaves: false, IsDifferentiable: true };
    }

    /// <summary>A private or protected member the rule's body uses: its split form, in a class of its own, could not reach it.</summary>
    private static ISymbol? HiddenMemberUse(IMethodSymbol rule, Compilation compilation)
    {
        if (rule.DeclaringSyntaxReferences.IsEmpty || !SymbolEqualityComparer.Default.Equals(rule.ContainingAssembly, compilation.Assembly)) return null;
        var syntax = rule.DeclaringSyntaxReferences[0].GetSyntax();
        if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree)) return null;
        if (compilation.GetSemanticModel(syntax.SyntaxTree).GetOperation(syntax) is not { } body) return null;
        return MembersUsed(body, constructors: false).FirstOrDefault(member => Symbols.AccessRank(member) < 2);
    }

    /// <summary>
    /// The members a body names (methods called or referenced, fields other than constants, properties and, when asked,
    /// constructors), for what generated code elsewhere could not reach: not local functions and lambdas.
    /// </summary>
    internal static IEnumerable<ISymbol> MembersUsed(Microsoft.CodeAnalysis.IOperation body, bool constructors)
    {
        foreach (var used in Microsoft.CodeAnalysis.Operations.OperationExtensions.DescendantsAndSelf(body))
        {
            ISymbol? member = used switch
            {
                Microsoft.CodeAnalysis.Operations.IInvocationOperation call => call.TargetMethod,
                Microsoft.CodeAnalysis.Operations.IFieldReferenceOperation { Field.IsConst: false } field => field.Field,
                Microsoft.CodeAnalysis.Operations.IPropertyReferenceOperation property => property.Property,
                Microsoft.CodeAnalysis.Operations.IMethodReferenceOperation method => method.Method,
                Microsoft.CodeAnalysis.Operations.IObjectCreationOperation { Constructor: { } constructor } when constructors => constructor,
                _ => null,
            };
            if (member is null || member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction }) continue;
            yield return member;
        }
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

    /// <summary>Whether a [DerivativeOf] rule names <paramref name="method"/> (a getter, an indexer or a constructor too).</summary>
    public bool HasRule(IMethodSymbol method) => _rules.Find(method) != null;

    /// <summary>The suffix of the inline id of a generic-math method called at double or float ("|double"), or null.</summary>
    public static string? GenericMathInstantiation(IMethodSymbol method) =>
        method.IsGenericMethod && Symbols.IeeeTypeParameter(method) != null && method.TypeArguments.Length == 1
            ? method.TypeArguments[0].SpecialType switch { SpecialType.System_Double => "|double", SpecialType.System_Single => "|float", _ => null }
            : null;

    /// <summary>Splits an inline id into the declaration id and the generic-math instantiation (null when not generic).</summary>
    public static (string Id, SpecialType? Instantiation) SplitInlineId(string inlineId)
    {
        int bar = inlineId.LastIndexOf('|');
        if (bar < 0) return (inlineId, null);
        var at = inlineId.Substring(bar + 1) switch { "double" => SpecialType.System_Double, "float" => SpecialType.System_Single, _ => (SpecialType?)null };
        return at is null ? (inlineId, null) : (inlineId.Substring(0, bar), at);
    }

    public static bool IsStopGradient(IMethodSymbol m) =>
        m.Name == "WithoutDerivative" && m.ContainingType?.ToDisplayString() == Symbols.AutodiffClass;

    public Callee Resolve(IMethodSymbol method)
    {
        string display = method.ContainingType.ToDisplayString() + "." + (Symbols.OperatorToken(method) is { } op ? "operator " + op
            : method.MethodKind == MethodKind.PropertyGet && method.AssociatedSymbol is IPropertySymbol { IsIndexer: false } getterOf ? getterOf.Name
            : method.MethodKind == MethodKind.PropertyGet ? "this[]"
            : method.MethodKind == MethodKind.Constructor ? method.ContainingType.Name
            : method.Name);
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
        var rule = _rules.Find(method);
        var derivative = DerivativeOf(method, rule);
        (string, string)? missing = null;
        if (derivative != null && Missing(method, derivative) is { } member)
        {
            missing = (method.ContainingAssembly.Name, member);
            derivative = null;
        }
        string? inlineId = null;
        // Static methods, operators and constructors of differentiable structs (lowered as static functions returning the value).
        if (derivative?.JvpMethod != null && (method.IsStatic || Symbols.IsDifferentiableConstructor(method) ||
                RuleIndex.InlinableInstanceMethod(method) || RuleIndex.InlinableDataReceiverMethod(method) && rule is null) &&
            (!method.IsGenericMethod || GenericMathInstantiation(method) != null) &&
            SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly) && !method.DeclaringSyntaxReferences.IsEmpty)
            // (A generic-math method at double or float is lowered for that instantiation: its id says which.)
            inlineId = method.OriginalDefinition.GetDocumentationCommentId() + (method.IsGenericMethod ? GenericMathInstantiation(method) : "");
        // A static [Differentiable] local function has no derivative members (generated code cannot reach it): it is
        // inlined into the [Differentiable] code that calls it, found again by where it is declared.
        if (method.MethodKind == MethodKind.LocalFunction && Symbols.IsDifferentiable(method) && method.IsStatic && !method.IsGenericMethod &&
            method.Locations.FirstOrDefault() is { SourceTree: { } tree } where)
            inlineId = LocalFunctionId(tree.FilePath, where.SourceSpan.Start);
        // A rule for an instance member takes the receiver first, differentiable or not (Wrt says whether it is an input).
        bool viaRule = derivative != null && rule != null && derivative.PrimalMethod == rule.SplitClass + ".Primal";
        bool self = derivative != null && (viaRule ? rule!.HasReceiver : Symbols.HasDifferentiableSelf(method));
        int shift = self ? 1 : 0;
        return new Callee(expression, display, method.IsStatic || method.MethodKind == MethodKind.Constructor, derivative, InlineId: inlineId,
            CalleeWrt: derivative?.Wrt ?? (method.MethodKind == MethodKind.LocalFunction && inlineId != null ? Symbols.DefaultWrt(method) : null),
            IsPropertyGet: method.MethodKind == MethodKind.PropertyGet, IsOperator: method.MethodKind == MethodKind.UserDefinedOperator,
            IsIndexer: method.AssociatedSymbol is IPropertySymbol { IsIndexer: true },
            ParameterNames: (self ? new[] { "this" } : new string[0]).Concat(method.Parameters.Select(p => p.Name)).ToList(),
            NoDerivativeParameters: method.Parameters.Where(p => Symbols.HasAttribute(p, Symbols.NoDerivativeAttribute)).Select(p => p.Ordinal + shift).ToList(),
            AccessRank: Symbols.AccessRank(method), ReceiverAsArgument: self, ReturnsNewSelf: self && !viaRule && Symbols.ReturnsNewSelf(method),
            MissingDerivatives: missing, Overrides: VirtualOverrides(method), IsAbstractMethod: IsDispatched(method) && method.IsAbstract,
            // (A method taking a function is lowered where it is called, with the function: not on its own.)
            // (A generic or async [Differentiable] local function has NABLA0004 of its own.)
            Rejected: IsRejected(method) || method.MethodKind == MethodKind.LocalFunction && Symbols.IsDifferentiable(method.OriginalDefinition) && (method.IsGenericMethod || method.IsAsync) ||
                      derivative != null && rule is null &&
                      !method.Parameters.Any(p => p.Type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Delegate) && LoweringFails(method, _compilation),
            IsLinear: method.Parameters.Length == 1 && method.ContainingType.ContainingNamespace?.ToDisplayString() == "Nabla.CompilerServices" &&
                      (method.ContainingType.Name == "ArrayCopies" || method.ContainingType.Name == "Reductions" && method.Name is "Sum" or "Average"));
    }

    private static readonly ConditionalWeakTable<IMethodSymbol, object> s_rejected = new();

    /// <summary>A [Differentiable] method of this compilation that MethodProcessor.Check rejects (its error is reported there).</summary>
    private bool IsRejected(IMethodSymbol method) => IsRejected(method, _compilation);

    public static bool IsRejected(IMethodSymbol method, Compilation compilation)
    {
        // A rule of this compilation whose split form cannot be written (its error is reported at the rule).
        if (RuleIndex.For(compilation).Find(method) is { } rule)
            return RuleRejected(rule, compilation);
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

    private static readonly ConditionalWeakTable<IMethodSymbol, object> s_loweringFails = new();
    [ThreadStatic] private static HashSet<IMethodSymbol>? s_lowering;

    /// <summary>
    /// A [Differentiable] method of this compilation that is called, not inlined, and whose body cannot be lowered
    /// (a try block, a static field write: its own error says so): its derivative members are never written, so
    /// code calling them is not generated either.
    /// </summary>
    public static bool LoweringFails(IMethodSymbol method, Compilation compilation)
    {
        var original = method.OriginalDefinition;
        // (Generic methods and methods of generic types are lowered at their instantiations, not as declared; a method
        // taking a function, where it is called.)
        if (!Symbols.IsDifferentiable(original) || original.Parameters.Any(p => p.Type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Delegate) || original.DeclaringSyntaxReferences.IsEmpty || original.IsGenericMethod || original.ContainingType.IsGenericType ||
            original.MethodKind == MethodKind.LocalFunction || original.IsAbstract ||
            !SymbolEqualityComparer.Default.Equals(original.ContainingAssembly, compilation.Assembly))
            return false;
        if (s_loweringFails.TryGetValue(original, out var known)) return (bool)known;
        // Methods that call each other: one being lowered counts as usable.
        s_lowering ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (!s_lowering.Add(original)) return false;
        try
        {
            var errors = new List<DiagnosticInfo>();
            // (Null without an error of its own: it calls a rejected method, whose error stands alone.)
            bool fails = Pipeline.MethodProcessor.Lower(original, compilation, null, null, errors, default) is null;
            return (bool)s_loweringFails.GetValue(original, _ => fails);
        }
        catch (Exception)
        {
            return false;
        }
        finally
        {
            s_lowering.Remove(original);
        }
    }

    private static readonly ConditionalWeakTable<IMethodSymbol, object> s_rulesRejected = new();

    private static bool RuleRejected(RuleInfo rule, Compilation compilation)
    {
        if (!SymbolEqualityComparer.Default.Equals(rule.Rule.ContainingAssembly, compilation.Assembly) || rule.Rule.DeclaringSyntaxReferences.IsEmpty ||
            Symbols.GetAttribute(rule.Rule, Symbols.DerivativeOfAttribute) is not { } attribute)
            return false;
        if (s_rulesRejected.TryGetValue(rule.Rule, out var known)) return (bool)known;
        // A rule's body calls its original (Math.Sqrt in Sqrt's rule): while it is checked, it counts as usable.
        s_checking ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (!s_checking.Add(rule.Rule)) return false;
        try
        {
            var tree = rule.Rule.DeclaringSyntaxReferences[0].SyntaxTree;
            var file = Pipeline.RuleProcessor.Process(rule.Rule, attribute, Pipeline.SemanticModels.Of(compilation, tree), default, checkOnly: true);
            bool rejected = file.Diagnostics.Any(d => d.IsError);
            return (bool)s_rulesRejected.GetValue(rule.Rule, _ => rejected);
        }
        finally
        {
            s_checking.Remove(rule.Rule);
        }
    }

    [ThreadStatic] private static HashSet<IMethodSymbol>? s_checking;

    /// <summary>
    /// A virtual, abstract or override instance method of a class: its calls dispatch by type to the overrides
    /// (Transforms/VirtualDispatch). For a differentiable class, the receiver's tangent crosses the cast to the
    /// override's class member by member (the subclass's own members start at zero).
    /// </summary>
    private bool IsDispatched(IMethodSymbol method) =>
        !method.IsStatic && (method.IsVirtual || method.IsOverride || method.IsAbstract) && !method.IsSealed &&
        method.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet && method.ContainingType is { IsGenericType: false } owner &&
        (owner.TypeKind == Microsoft.CodeAnalysis.TypeKind.Class || owner.TypeKind == Microsoft.CodeAnalysis.TypeKind.Interface && method.IsAbstract && DispatchedInterfaceMethod(method));

    /// <summary>
    /// An interface method of this compilation that is [Differentiable] or has a [Differentiable] implementation here: its
    /// calls dispatch to the implementations. (Other interfaces' calls, IComparable.CompareTo say, run as data.)
    /// </summary>
    private bool DispatchedInterfaceMethod(IMethodSymbol method) =>
        !method.DeclaringSyntaxReferences.IsEmpty && SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, _compilation.Assembly) &&
        (Symbols.IsDifferentiable(method) || SourceClasses(_compilation).Any(type =>
            type.FindImplementationForInterfaceMember(method.OriginalDefinition) is IMethodSymbol i && Symbols.IsDifferentiable(i)));

    private IReadOnlyList<(IrType Type, Callee Callee)>? VirtualOverrides(IMethodSymbol method)
    {
        if (!IsDispatched(method)) return null;
        var original = method.OriginalDefinition;
        static int Depth(ITypeSymbol t) { int d = 0; for (var b = t.BaseType; b != null; b = b.BaseType) d++; return d; }
        if (original.ContainingType.TypeKind == Microsoft.CodeAnalysis.TypeKind.Interface)
            // An interface method: the classes of this compilation implementing it, each with the member it declares
            // for it (a subclass inheriting it is caught by its base's test), most derived first.
            return SourceClasses(_compilation)
                .Select(c => (Class: c, Implementation: c.FindImplementationForInterfaceMember(original) as IMethodSymbol))
                .Where(p => p.Implementation is { IsAbstract: false } i && SymbolEqualityComparer.Default.Equals(i.ContainingType, p.Class))
                .OrderByDescending(p => Depth(p.Class))
                .Select(p => (Symbols.IrTypeOf(p.Class), Resolve(p.Implementation!) with { Overrides = null, IsAbstractMethod = false }))
                .ToList();
        return SourceOverrides(_compilation)
            .Where(m => Overrides(m, original))
            .OrderByDescending(m => Depth(m.ContainingType))
            .Select(m => (Symbols.IrTypeOf(m.ContainingType), Resolve(m) with { Overrides = null, IsAbstractMethod = false }))
            .ToList();
    }

    private static readonly ConditionalWeakTable<Compilation, List<INamedTypeSymbol>> s_classes = new();

    /// <summary>Every class declared in the compilation's source, nested ones too (found once per compilation).</summary>
    private static List<INamedTypeSymbol> AllSourceClasses(Compilation compilation) => s_classes.GetValue(compilation, c =>
    {
        var found = new List<INamedTypeSymbol>();
        void Visit(INamespaceOrTypeSymbol container)
        {
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns) Visit(ns);
                else if (member is INamedTypeSymbol type)
                {
                    if (type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Class) found.Add(type);
                    Visit(type);
                }
            }
        }
        Visit(c.Assembly.GlobalNamespace);
        return found;
    });

    /// <summary>The non-generic, non-static classes of the compilation's source: those an interface call may dispatch to.</summary>
    private static IEnumerable<INamedTypeSymbol> SourceClasses(Compilation compilation) =>
        AllSourceClasses(compilation).Where(type => !type.IsGenericType && !type.IsStatic && !type.IsImplicitlyDeclared);

    internal static bool Overrides(IMethodSymbol candidate, IMethodSymbol method)
    {
        for (var m = candidate.OverriddenMethod; m != null; m = m.OverriddenMethod)
            if (SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, method)) return true;
        return false;
    }

    private static readonly ConditionalWeakTable<Compilation, List<IMethodSymbol>> s_overrides = new();

    /// <summary>Every override declared in the compilation's source (found once per compilation).</summary>
    private static List<IMethodSymbol> SourceOverrides(Compilation compilation) => s_overrides.GetValue(compilation, c =>
        AllSourceClasses(c).SelectMany(type => type.GetMembers().OfType<IMethodSymbol>()
            .Where(m => m.IsOverride && m.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet)).ToList());

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

    /// <summary>
    /// Whether the rule's body calls a method that returns a real and has no derivative (a helper neither [Differentiable]
    /// nor named by a rule): its partials, written from that body, could not be differentiated, so the rule has none.
    /// </summary>
    private bool CallsWithoutDerivative(IMethodSymbol rule)
    {
        foreach (var reference in rule.DeclaringSyntaxReferences)
        {
            var body = reference.GetSyntax();
            if (!_compilation.ContainsSyntaxTree(body.SyntaxTree)) continue;
            var model = _compilation.GetSemanticModel(body.SyntaxTree);
            foreach (var call in body.DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>())
            {
                if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol callee || !Symbols.IrTypeOf(callee.ReturnType).IsReal) continue;
                if (CalleeResolver.IsStopGradient(callee) || Symbols.IsDifferentiable(callee) || _rules.Find(callee) != null) continue;
                if (callee.MethodKind is MethodKind.DelegateInvoke or MethodKind.LocalFunction || callee.ContainingType?.ToDisplayString() == Symbols.AutodiffClass) continue;
                return true;
            }
        }
        return false;
    }

    /// <summary>The rule's differentiable partials (second order), when its split class has them.</summary>
    private IReadOnlyList<Callee>? Partials(RuleInfo rule, string split)
    {
        bool available = SymbolEqualityComparer.Default.Equals(rule.Rule.ContainingAssembly, _compilation.Assembly)
            ? Pipeline.RulePartials.Source(rule.Rule, rule, default) != null && !CallsWithoutDerivative(rule.Rule)
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

    private CalleeDerivative? DerivativeOf(IMethodSymbol method, RuleInfo? rule)
    {
        if (rule != null)
        {
            // A rule's split form lives in the rule's assembly; in this compilation the generator writes it.
            bool available = SymbolEqualityComparer.Default.Equals(rule.Rule.ContainingAssembly, _compilation.Assembly) ||
                             rule.Rule.ContainingAssembly.GetTypeByMetadataName(Symbols.RuleSplitMetadataName(rule.Rule)) != null;
            if (available)
            {
                string split = rule.SplitClass;
                var partials = Partials(rule, split);
                // A rule over arrays has both halves (RuleProcessor writes the one the rule does not give).
                return rule.HasArrays
                    ? new CalleeDerivative(split + ".Primal", split + ".Pullback", null, split + ".Differential", split + ".Residuals", rule.Wrt, partials, ArraysByValue: true)
                    : rule.IsForward
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
            // 'this' is an input unless a Wrt list leaves it out (as MethodProcessor lowers the method).
            string? wrtText = Symbols.GetAttribute(original, Symbols.DifferentiableAttribute) is { } attribute ? Symbols.NamedString(attribute, "Wrt") : null;
            wrt = Symbols.WithSelf(method, wrt, includeSelf: wrtText is null || wrtText.Split(',').Any(w => w.Trim() == "this"));
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
