// Well-known names, symbol helpers and the naming conventions of generated members, shared by the
// pipeline (which writes them) and lowering (which calls them, also across assemblies).
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;
using Nabla.Generator.IR;
using TypeKind = Nabla.Generator.IR.TypeKind;

namespace Nabla.Generator;

internal static class Symbols
{
    public const string DifferentiableAttribute = "Nabla.DifferentiableAttribute";
    public const string NoDerivativeAttribute = "Nabla.NoDerivativeAttribute";
    public const string DerivativeOfAttribute = "Nabla.DerivativeOfAttribute";
    public const string GradientOfAttribute = "Nabla.GradientOfAttribute";
    public const string ValueWithGradientOfAttribute = "Nabla.ValueWithGradientOfAttribute";
    public const string JvpOfAttribute = "Nabla.JvpOfAttribute";
    public const string HessianOfAttribute = "Nabla.HessianOfAttribute";
    public const string DerivativeRulesAttribute = "Nabla.CompilerServices.DerivativeRulesAttribute";
    public const string AutodiffClass = "Nabla.Autodiff";
    public const string RuleNamespace = "Nabla.Generated.Rules";

    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    public static bool HasAttribute(ISymbol symbol, string fullName) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == fullName);

    public static AttributeData? GetAttribute(ISymbol symbol, string fullName) =>
        symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == fullName);

    public static string? NamedString(AttributeData a, string name) =>
        a.NamedArguments.FirstOrDefault(kv => kv.Key == name).Value.Value as string;

    /// <summary>
    /// A member of a C# 14 extension block (extension(double x) { ... }): its containing type is the block, which has no
    /// name (this compiler API predates extension blocks; anonymous types, the other unnamed types, declare no methods).
    /// </summary>
    public static bool IsExtensionBlockMember(IMethodSymbol method) =>
        method.ContainingType is { Name.Length: 0, ContainingType: { IsStatic: true } } && !method.ContainingType.IsAnonymousType;

    public static bool IsDifferentiable(IMethodSymbol m) =>
        HasAttribute(m.OriginalDefinition, DifferentiableAttribute) ||
        (m.MethodKind == MethodKind.PropertyGet && m.AssociatedSymbol is IPropertySymbol p && HasAttribute(p.OriginalDefinition, DifferentiableAttribute)) ||
        IsDifferentiableSetter(m);

    /// <summary>
    /// The setter of a [Differentiable] computed property of a differentiable struct (one with a body: an auto-property
    /// is a member like a field): differentiated as a void method changing 'this'.
    /// </summary>
    public static bool IsDifferentiableSetter(IMethodSymbol m) =>
        m.MethodKind == MethodKind.PropertySet && !m.IsStatic && !m.IsInitOnly && m.ContainingType.IsValueType && m.AssociatedSymbol is IPropertySymbol { IsIndexer: false } p &&
        (HasAttribute(p.OriginalDefinition, DifferentiableAttribute) || HasAttribute(m.OriginalDefinition, DifferentiableAttribute)) &&
        m.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is AccessorDeclarationSyntax { Body: not null } or AccessorDeclarationSyntax { ExpressionBody: not null });

    public static string TypeName(ITypeSymbol t) =>
        t is INamedTypeSymbol { IsTupleType: true } tuple ? TupleName(tuple)
        : s_substitution != null && MentionsSubstituted(t) ? IrTypeOf(t).Name : t.ToDisplayString(TypeFormat);

    /// <summary>A tuple type's name from its elements' (closed over a substituted T too); a one-element tuple, which C#
    /// cannot write in parentheses, as <c>System.ValueTuple&lt;T&gt;</c>.</summary>
    private static string TupleName(INamedTypeSymbol tuple)
    {
        var elements = tuple.TupleElements;
        if (elements.Length == 1) return "global::System.ValueTuple<" + TypeName(elements[0].Type) + ">";
        if (elements.Length > 7 || !(s_substitution != null && MentionsSubstituted(tuple))) return tuple.ToDisplayString(TypeFormat);
        return "(" + string.Join(", ", elements.Select(e => TypeName(e.Type) + (e.IsExplicitlyNamedTupleElement ? " " + Identifier(e.Name) : ""))) + ")";
    }

    /// <summary>
    /// While a generic-math method is lowered for one instantiation, its type parameter T stands for double or float
    /// (one source, derivatives for both: the gradient carrier is a parameter).
    /// </summary>
    [System.ThreadStatic] private static Dictionary<ITypeParameterSymbol, IrType>? s_substitution;
    /// <summary>The real type's symbol, to close generic types over it (Pair&lt;T&gt; is Pair&lt;double&gt; for T = double).</summary>
    [System.ThreadStatic] private static Dictionary<ITypeParameterSymbol, ITypeSymbol>? s_substitutionSymbols;

    public static System.IDisposable Substitute(ITypeParameterSymbol parameter, IrType real, ITypeSymbol? realSymbol = null)
    {
        var previous = (s_substitution, s_substitutionSymbols);
        s_substitution = new Dictionary<ITypeParameterSymbol, IrType>(SymbolEqualityComparer.Default) { [parameter] = real };
        s_substitutionSymbols = realSymbol is null ? null : new Dictionary<ITypeParameterSymbol, ITypeSymbol>(SymbolEqualityComparer.Default) { [parameter] = realSymbol };
        return new Restore(previous);
    }

    private sealed class Restore : System.IDisposable
    {
        private readonly (Dictionary<ITypeParameterSymbol, IrType>?, Dictionary<ITypeParameterSymbol, ITypeSymbol>?) _previous;
        public Restore((Dictionary<ITypeParameterSymbol, IrType>?, Dictionary<ITypeParameterSymbol, ITypeSymbol>?) previous) => _previous = previous;
        public void Dispose() => (s_substitution, s_substitutionSymbols) = _previous;
    }

    /// <summary>A generic type closed over the substituted real type (Pair&lt;T&gt; → Pair&lt;double&gt;), or the type itself.</summary>
    public static ITypeSymbol Closed(ITypeSymbol type)
    {
        if (s_substitutionSymbols is null) return type;
        switch (type)
        {
            case ITypeParameterSymbol p when s_substitutionSymbols.TryGetValue(p, out var real):
                return real;
            case INamedTypeSymbol { IsGenericType: true, IsTupleType: false } named when named.TypeArguments.Any(a => !SymbolEqualityComparer.Default.Equals(Closed(a), a)):
                var args = named.TypeArguments.Select(Closed).ToArray();
                return named.ContainingType is { } outer && outer.IsGenericType ? type : named.OriginalDefinition.Construct(args);
            default:
                return type;
        }
    }

    /// <summary>A generic method called from generic-math code, closed over the substituted real type
    /// (Sq&lt;T&gt; called from UseSq&lt;T&gt; is Sq&lt;double&gt; while UseSq is lowered for double), or the method itself.</summary>
    public static IMethodSymbol Closed(IMethodSymbol method)
    {
        if (s_substitutionSymbols is null || !method.IsGenericMethod) return method;
        var args = method.TypeArguments.Select(Closed).ToArray();
        return args.Select((a, k) => SymbolEqualityComparer.Default.Equals(a, method.TypeArguments[k])).All(same => same)
            ? method : method.ConstructedFrom.Construct(args);
    }

    private static bool MentionsSubstituted(ITypeSymbol t) => t switch
    {
        ITypeParameterSymbol p => s_substitution!.ContainsKey(p),
        IArrayTypeSymbol a => MentionsSubstituted(a.ElementType),
        INamedTypeSymbol span when IsSpanType(span, out _) => MentionsSubstituted(span.TypeArguments[0]),
        INamedTypeSymbol { IsTupleType: true } tuple => tuple.TupleElements.Any(e => MentionsSubstituted(e.Type)),
        _ => false,
    };

    /// <summary>
    /// The one type parameter that generic math makes differentiable, T : IFloatingPointIeee754&lt;T&gt;: a generic method's,
    /// or, for a method that is not generic itself, its generic type's (a method of Pair&lt;T&gt;).
    /// </summary>
    public static ITypeParameterSymbol? IeeeTypeParameter(IMethodSymbol method)
    {
        if (method.IsGenericMethod)
            return method.TypeParameters.Length == 1 && !method.ContainingType.IsGenericType &&
                   Pipeline.TangentShapes.IsIeeeFloat(method.OriginalDefinition.TypeParameters[0]) ? method.OriginalDefinition.TypeParameters[0] : null;
        return TypeIeeeParameter(method);
    }

    /// <summary>A method of a generic type over one T : IFloatingPointIeee754&lt;T&gt; (not nested in another generic type).</summary>
    private static ITypeParameterSymbol? TypeIeeeParameter(IMethodSymbol method) =>
        method.ContainingType?.OriginalDefinition is { IsGenericType: true, TypeParameters.Length: 1 } type && type.ContainingType?.IsGenericType != true &&
        Pipeline.TangentShapes.IsIeeeFloat(type.TypeParameters[0]) ? type.TypeParameters[0] : null;

    /// <summary>The suffix of a generic-math instantiation's residual type (F_Residuals_double), empty for other methods.</summary>
    public static string InstantiationSuffix(IMethodSymbol method) =>
        method.IsGenericMethod && IeeeTypeParameter(method) != null
            ? "_" + (method.TypeArguments[0].SpecialType == SpecialType.System_Single ? "float" : "double")
            : !method.IsGenericMethod && TypeIeeeParameter(method) != null && method.ContainingType.TypeArguments[0] is { } argument
            ? "_" + (argument.SpecialType == SpecialType.System_Single ? "float" : argument.SpecialType == SpecialType.System_Double ? "double" : SubstitutedName(argument)) : "";

    /// <summary>The open type's T inside its own generated code: the instantiation being written.</summary>
    private static string SubstitutedName(ITypeSymbol argument) =>
        argument is ITypeParameterSymbol p && s_substitution != null && s_substitution.TryGetValue(p, out var real) ? real.Name : "double";

    public static IrType IrTypeOf(ITypeSymbol? t)
    {
        if (t is null) return new IrType("object", TypeKind.Other);
        if (t is ITypeParameterSymbol parameter && s_substitution != null && s_substitution.TryGetValue(parameter, out var substituted))
            return substituted;
        if (s_substitutionSymbols != null && t is INamedTypeSymbol { IsGenericType: true } && !SymbolEqualityComparer.Default.Equals(Closed(t), t))
            return IrTypeOf(Closed(t));
        switch (t.SpecialType)
        {
            case SpecialType.System_Double: return IR.IrType.Double;
            case SpecialType.System_Single: return IR.IrType.Single;
            case SpecialType.System_Boolean: return IR.IrType.Bool;
            case SpecialType.System_Void: return IR.IrType.Void;
            case SpecialType.System_Int32: return IR.IrType.Int32;
            case SpecialType.System_SByte: case SpecialType.System_Byte: case SpecialType.System_Int16:
            case SpecialType.System_UInt16: case SpecialType.System_UInt32: case SpecialType.System_Int64:
            case SpecialType.System_UInt64: case SpecialType.System_Char:
                return new IrType(TypeName(t), TypeKind.Integer);
        }
        if (t is IArrayTypeSymbol array)
            return IR.IrType.ArrayOf(IrTypeOf(array.ElementType), array.Rank);
        if (IsSpanType(t, out bool readOnly))
            return IR.IrType.SpanOf(IrTypeOf(((INamedTypeSymbol)t).TypeArguments[0]), readOnly);
        if (t is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            var elements = tuple.TupleElements.Select(e => IrTypeOf(e.Type)).ToList();
            var names = tuple.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : null).ToList();
            // A value tuple of reals, vectors, differentiable structs and data is lowered member by member (Item1, Item2, ...);
            // its tangent is the tuple of its elements' tangents (data elements dropped).
            if (elements.Count is >= 2 and <= 7 && elements.All(e => e.Kind is TypeKind.Double or TypeKind.Single or TypeKind.Integer or TypeKind.Bool ||
                    e is { IsStruct: true, IsReference: false } || e is { IsArray: true, IsSpan: false, Rank: 1, Element.IsReal: true } || (e.Kind == TypeKind.Other && Pipeline.TangentShapes.IsData(tuple.TupleElements[elements.IndexOf(e)].Type))))
            {
                var fields = elements.Select((e, k) => new StructField("Item" + (k + 1), e, e.IsDifferentiable)).ToList();
                var tangentFields = fields.Where(f => f.Differentiable).Select(f => new StructField(f.Name, f.Type.Tangent, true)).ToList();
                // A tuple with one differentiable element (and data beside it) has a one-element tuple as its tangent.
                IrType? tangent = tangentFields.Count switch
                {
                    0 => null,
                    1 => IR.IrType.Struct("global::System.ValueTuple<" + tangentFields[0].Type.Name + ">",
                        new List<StructField> { new("Item1", tangentFields[0].Type, true) }, StructConstruction.Tuple, null),
                    _ => IR.IrType.Struct("(" + string.Join(", ", tangentFields.Select(f => f.Type.Name)) + ")",
                        tangentFields.Select((f, k) => new StructField("Item" + (k + 1), f.Type, true)).ToList(), StructConstruction.Tuple, null),
                };
                return IR.IrType.Struct(TypeName(t), fields, StructConstruction.Tuple, tangent);
            }
            return IR.IrType.Tuple(elements, names);
        }
        if (t is INamedTypeSymbol named && StructTypeOf(named) is { } structType)
            return structType;
        return new IrType(TypeName(t), TypeKind.Other);
    }

    /// <summary><c>System.Span&lt;T&gt;</c> or <c>System.ReadOnlySpan&lt;T&gt;</c> (<paramref name="readOnly"/> for the latter).</summary>
    public static bool IsSpanType(ITypeSymbol? t, out bool readOnly)
    {
        readOnly = false;
        if (t is not INamedTypeSymbol { IsRefLikeType: true, TypeArguments.Length: 1 } named) return false;
        switch (named.OriginalDefinition.ToDisplayString())
        {
            case "System.Span<T>":
                return true;
            case "System.ReadOnlySpan<T>":
                readOnly = true;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A span of double or float (or of a generic-math T): a span that carries derivatives.</summary>
    private static bool IsRealSpan(ITypeSymbol? t) =>
        IsSpanType(t, out _) && ((INamedTypeSymbol)t!).TypeArguments[0] is { SpecialType: SpecialType.System_Double or SpecialType.System_Single } or ITypeParameterSymbol;

    private sealed class FlagBox
    {
        public FlagBox(bool value) => Value = value;
        public bool Value { get; }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, FlagBox> s_refLikeResiduals = new();
    [System.ThreadStatic] private static HashSet<IMethodSymbol>? s_refLikeInProgress;
    [System.ThreadStatic] private static bool s_refLikeCycle;

    /// <summary>
    /// Whether the residuals of <paramref name="method"/>'s reverse mode are a <c>ref struct</c> (and so cannot be captured
    /// by a closure, put on a tape, boxed or registered): it takes a span (or another ref struct), or its body makes or
    /// passes spans of reals, or it calls a [Differentiable] method whose residuals are. The method's own pass and its
    /// callers compute it the same way; for a method in another assembly, its residual type's metadata says.
    /// </summary>
    public static bool HasRefLikeResiduals(IMethodSymbol method, Compilation compilation)
    {
        method = method.OriginalDefinition;
        if (s_refLikeResiduals.TryGetValue(method, out var known)) return known.Value;
        s_refLikeInProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (!s_refLikeInProgress.Add(method))
        {
            // A cycle of calls: the answer comes from the rest of the cycle.
            s_refLikeCycle = true;
            return false;
        }
        bool outermost = s_refLikeInProgress.Count == 1;
        if (outermost) s_refLikeCycle = false;
        bool result;
        try { result = ComputeRefLikeResiduals(method, compilation); }
        finally { s_refLikeInProgress.Remove(method); }
        // An answer that leaned on a method still being computed is only final for the method that started it.
        if (!s_refLikeCycle || outermost) s_refLikeResiduals.GetValue(method, _ => new FlagBox(result));
        return result;
    }

    private static bool ComputeRefLikeResiduals(IMethodSymbol method, Compilation compilation)
    {
        if (method.Parameters.Any(p => p.Type.IsRefLikeType)) return true;
        if (method.DeclaringSyntaxReferences.IsEmpty)
        {
            // In another assembly: its generated residual type says.
            string stem = DerivativeStem(method) + "_Residuals";
            return method.ContainingType.GetTypeMembers().Any(t => t.IsRefLikeType && (t.Name == stem || t.Name.StartsWith(stem + "_", System.StringComparison.Ordinal)));
        }
        var rules = Rules.RuleIndex.For(compilation);
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (!compilation.ContainsSyntaxTree(reference.SyntaxTree)) continue;
            // The body's operations (bound once, shared with the key and the lowering), not a lookup per syntax node.
            var model = Pipeline.SemanticModels.Of(compilation, reference.SyntaxTree);
            if (model.GetOperation(reference.GetSyntax()) is not { } body) continue;
            foreach (var op in body.DescendantsAndSelf())
            {
                if (IsRealSpan(op.Type) || op is IVariableDeclaratorOperation declarator && IsRealSpan(declarator.Symbol.Type)) return true;
                var target = op switch
                {
                    IInvocationOperation i => i.TargetMethod,
                    IObjectCreationOperation o => o.Constructor,
                    IMethodReferenceOperation r => r.Method,
                    IPropertyReferenceOperation { Property.GetMethod: { } getter } => getter,
                    _ => null,
                };
                if (target != null && !SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, method) && IsDifferentiable(target) &&
                    rules.Find(target) is null && HasRefLikeResiduals(target, compilation))
                    return true;
            }
        }
        return false;
    }

    /// <summary>A member that holds part of a struct's value: an instance field or an auto-property.</summary>
    /// <remarks><paramref name="Accessible"/>: code can read it as a member (not a fixed-size buffer or a ref field);
    /// <paramref name="Visible"/>: code outside the type can name it (otherwise generated code reads it through the
    /// type's synthesized <c>NablaGet_</c> accessor).</remarks>
    internal sealed record StateMember(ISymbol Symbol, string Name, ITypeSymbol Type, bool NoDerivative, bool Accessible, bool Visible);

    /// <summary>
    /// Whether Move can change the type's init-only auto-properties (a positional record's): through an UnsafeAccessor to
    /// the backing field, which .NET 8 has, on a type that is not generic.
    /// </summary>
    public static bool CanMoveInitOnly(INamedTypeSymbol type) =>
        !type.IsGenericType && type.ContainingType?.IsGenericType != true &&
        s_unsafeAccessor.GetValue(type.ContainingAssembly, assembly => new System.Runtime.CompilerServices.StrongBox<bool>(
            assembly.Modules.SelectMany(m => m.ReferencedAssemblySymbols)
                .Any(a => a.GetTypeByMetadataName("System.Runtime.CompilerServices.UnsafeAccessorAttribute") != null))).Value;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IAssemblySymbol, System.Runtime.CompilerServices.StrongBox<bool>> s_unsafeAccessor = new();

    /// <summary>The instance fields and auto-properties of a type, in declaration order: its value.</summary>
    public static List<StateMember> StateMembers(INamedTypeSymbol type)
    {
        var result = new List<StateMember>();
        var backing = type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.IsImplicitlyDeclared && f.AssociatedSymbol is IPropertySymbol)
            .ToDictionary(f => (IPropertySymbol)f.AssociatedSymbol!, f => f, SymbolEqualityComparer.Default);
        static bool Visible(ISymbol s) => s.DeclaredAccessibility is Microsoft.CodeAnalysis.Accessibility.Public
            or Microsoft.CodeAnalysis.Accessibility.Internal or Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal;
        foreach (var member in type.GetMembers())
        {
            switch (member)
            {
                // A readonly field, a get-only or an init-only property is a constant: Move cannot change it, so the
                // synthesized Tangent leaves it out (NABLA0011), and so do derivatives.
                case IFieldSymbol f when !f.IsStatic && !f.IsConst && !f.IsImplicitlyDeclared:
                    result.Add(new StateMember(f, f.Name, f.Type, HasNoDerivative(f) || f.IsReadOnly, !f.IsFixedSizeBuffer && f.RefKind == RefKind.None, Visible(f)));
                    break;
                case IPropertySymbol p when !p.IsStatic && backing.TryGetValue(p, out var field):
                    result.Add(new StateMember(p, p.Name, p.Type, HasNoDerivative(p) || HasAttribute(field, NoDerivativeAttribute) ||
                        (p.SetMethod is { IsInitOnly: true } ? !CanMoveInitOnly(type) : field.IsReadOnly || p.SetMethod is null) || HasAccessorBodies(p),
                        p.GetMethod != null, Visible(p) && p.GetMethod is { } g && Visible(g)));
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// A property with a backing field whose accessors have bodies (C# 14's <c>field</c> keyword: <c>set =&gt; field = 2 * value;</c>):
    /// not a member like a field, since reading or writing it runs code (NABLA0012 says so; it is a constant meanwhile).
    /// </summary>
    public static bool HasAccessorBodies(IPropertySymbol p) =>
        p.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax declaration &&
            (declaration.ExpressionBody != null || declaration.AccessorList?.Accessors.Any(a => a.Body != null || a.ExpressionBody != null) == true));

    /// <summary>[NoDerivative] on a member, or, for a positional record property, on its parameter.</summary>
    public static bool HasNoDerivative(ISymbol member)
    {
        if (HasAttribute(member, NoDerivativeAttribute)) return true;
        foreach (var reference in member.DeclaringSyntaxReferences)
            if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.ParameterSyntax parameter &&
                parameter.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "NoDerivative" or "NoDerivativeAttribute" or "Nabla.NoDerivative" or "global::Nabla.NoDerivative"))
                return true;
        return false;
    }

    private static readonly string[] VectorComponents = { "X", "Y", "Z", "W" };

    /// <summary>
    /// Structs lowered member by member: System.Numerics.Vector2/3/4, and [Differentiable] structs whose
    /// members are all visible (public or internal) and are reals, data, or such structs. Null for others.
    /// </summary>
    [System.ThreadStatic] private static HashSet<INamedTypeSymbol>? s_building;

    /// <summary>Lowered struct types, per symbol object (symbols belong to one compilation: no leak across compilations).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<INamedTypeSymbol, StructTypeBox> s_structTypes = new();

    private sealed class StructTypeBox
    {
        public StructTypeBox(IrType? type) => Type = type;
        public IrType? Type { get; }
    }

    public static IrType? StructTypeOf(INamedTypeSymbol type)
    {
        if (s_structTypes.TryGetValue(type, out var cached)) return cached.Type;
        var computed = ComputeStructTypeOf(type);
        // A class met again while it is being built (a type that holds itself) is not cached as null.
        if (s_building is null || s_building.Count == 0) s_structTypes.GetValue(type, _ => new StructTypeBox(computed));
        return computed;
    }

    private static IrType? ComputeStructTypeOf(INamedTypeSymbol type)
    {
        if (type.TypeKind is not (Microsoft.CodeAnalysis.TypeKind.Class or Microsoft.CodeAnalysis.TypeKind.Struct) || type.IsTupleType) return null;
        // A type that holds itself (a class directly or not, a struct through an array: Node[] Children) is met again
        // while it is built; never recurse on it.
        s_building ??= new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        if (!s_building.Add(type)) return null;
        try { return type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Class ? ClassTypeOf(type) : ValueTypeOf(type); }
        finally { s_building.Remove(type); }
    }

    private static IrType? ValueTypeOf(INamedTypeSymbol type)
    {
        string name = type.OriginalDefinition.ToDisplayString();
        if (name is "System.Numerics.Quaternion")
            return IR.IrType.Struct(TypeName(type), VectorComponents.Select(c => new StructField(c, IR.IrType.Single, true)).ToList(), StructConstruction.Positional, null);
        if (name is "System.Numerics.Vector2" or "System.Numerics.Vector3" or "System.Numerics.Vector4")
        {
            int n = name[name.Length - 1] - '0';
            var fields = VectorComponents.Take(n).Select(c => new StructField(c, IR.IrType.Single, true)).ToList();
            return IR.IrType.Struct(TypeName(type), fields, StructConstruction.Positional, null);
        }
        // The Tangent of a differentiable struct (code written against it, such as a rule's pullback): that struct's tangent.
        if (type.Name == "Tangent" && type.ContainingType is { TypeKind: Microsoft.CodeAnalysis.TypeKind.Struct } owner &&
            HasAttribute(owner.OriginalDefinition, DifferentiableAttribute) && StructTypeOf(owner) is { IsReference: false } ownerType && !ownerType.Tangent.Equals(ownerType))
            return ownerType.Tangent;
        // A generic differentiable struct is lowered at its closed instantiations (Pair<double>), whose members' types are known.
        if (!HasAttribute(type.OriginalDefinition, DifferentiableAttribute) || IsOpenGeneric(type) || type.IsRefLikeType) return null;
        // A primary constructor's parameters captured by a plain struct are hidden state.
        if (type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.StructDeclarationSyntax { ParameterList: not null })) return null;
        var members = StateMembers(type);
        var primal = new List<StructField>();
        var tangent = new List<StructField>();
        foreach (var m in members)
        {
            if (!m.Accessible || !m.Visible && !NameableInAssembly(m.Type) || m.Type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Error) return null;
            // A member that is neither differentiable nor data has NABLA0010: the type is not lowered member by member.
            if (!m.NoDerivative && Pipeline.TangentShapes.Of(m.Type) is null && !Pipeline.TangentShapes.IsData(m.Type)) return null;
            var ir = IrTypeOf(m.Type);
            bool differentiable = !m.NoDerivative && ir.IsDifferentiable;
            // Tuples inside a struct are not lowered member by member (yet); arrays are leaves, shared by reference.
            if (differentiable && ir.Kind is not (TypeKind.Double or TypeKind.Single or TypeKind.Struct) && !(ir.IsArray && ir.Scalar != null)) return null;
            primal.Add(new StructField(Identifier(m.Name), ir, differentiable, Hidden: !m.Visible));
            if (differentiable) tangent.Add(new StructField(Identifier(m.Name), ir.Tangent, true));
        }
        var tangentType = IR.IrType.Struct(TypeName(type) + ".Tangent", tangent, StructConstruction.Initializer, null);
        return IR.IrType.Struct(TypeName(type), primal, StructConstruction.Factory, tangentType);
    }

    /// <summary>A generic type not closed over concrete types (Pair&lt;T&gt; itself, or inside a generic type).</summary>
    private static bool IsOpenGeneric(INamedTypeSymbol type)
    {
        for (var t = type; t != null; t = t.ContainingType)
            if (t.TypeArguments.Any(a => a is ITypeParameterSymbol || a is INamedTypeSymbol n && IsOpenGeneric(n))) return true;
        return false;
    }

    /// <summary>
    /// A [Differentiable] class: the visible members of it and of its [Differentiable] base classes (base first, as in its
    /// Tangent). Members code cannot see are left out: a class's value is never rebuilt from its members.
    /// </summary>
    private static IrType? ClassTypeOf(INamedTypeSymbol type)
    {
        if (!HasAttribute(type.OriginalDefinition, DifferentiableAttribute) || IsOpenGeneric(type) || type.IsStatic) return null;
        var chain = new List<INamedTypeSymbol>();
        for (var t = type; t != null && HasAttribute(t.OriginalDefinition, DifferentiableAttribute); t = t.BaseType) chain.Insert(0, t);
        var primal = new List<StructField>();
        var tangent = new List<StructField>();
        foreach (var m in chain.SelectMany(StateMembers))
        {
            if (!m.Accessible || !m.Visible && !NameableInAssembly(m.Type) || m.Type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Error) continue;
            if (!m.NoDerivative && Pipeline.TangentShapes.Of(m.Type) is null && !Pipeline.TangentShapes.IsData(m.Type)) return null;
            var ir = IrTypeOf(m.Type);
            bool differentiable = !m.NoDerivative && ir.IsDifferentiable;
            if (differentiable && ir.Kind is not (TypeKind.Double or TypeKind.Single or TypeKind.Struct) && !(ir.IsArray && ir.Scalar != null)) return null;
            if (primal.Any(f => f.Name == Identifier(m.Name))) return null;
            primal.Add(new StructField(Identifier(m.Name), ir, differentiable, Hidden: !m.Visible));
            if (differentiable) tangent.Add(new StructField(Identifier(m.Name), ir.Tangent, true));
        }
        // One name for Layer and Layer? (nullable annotations do not change the type).
        string name = TypeName(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated));
        var tangentType = IR.IrType.Struct(name + ".Tangent", tangent, StructConstruction.Initializer, null);
        return IR.IrType.Struct(name, primal, StructConstruction.Factory, tangentType, isReference: true);
    }

    /// <summary>A C# identifier made from any text.</summary>
    public static string Sanitize(string text)
    {
        var sb = new StringBuilder();
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c) || c == '_') sb.Append(c);
            else if (c == '[') sb.Append("Array");
            else if (c == '.' || c == ',' || c == '<' || c == '(') sb.Append('_');
        }
        return sb.ToString();
    }

    /// <summary>Escapes a C# keyword used as an identifier.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.VarKeyword
            ? "@" + name : name;

    /// <summary>
    /// The stem of generated member names for a [Differentiable] method: its name, plus its parameter
    /// types when several [Differentiable] overloads share the name. Computed the same way by the
    /// assembly that declares the method and by any assembly that calls it.
    /// </summary>
    public static string DerivativeStem(IMethodSymbol method)
    {
        method = method.OriginalDefinition;
        // A constructor's derivatives are New_Jvp, New_ValueWithGradient, ...; a property getter's take the property's name.
        string name = method.MethodKind switch
        {
            MethodKind.Constructor => "New",
            // An indexer's derivatives take its metadata name (Item, or its [IndexerName]).
            MethodKind.PropertyGet when method.AssociatedSymbol is IPropertySymbol p => p.IsIndexer ? p.MetadataName : p.Name,
            _ => method.Name,
        };
        bool indexer = method.AssociatedSymbol is IPropertySymbol { IsIndexer: true };
        if (method.MethodKind == MethodKind.PropertyGet && !indexer) return name;
        // Overloads (indexers too: this[int] and this[int, int] are both Item) are told apart by their parameter types.
        int overloads = indexer
            ? method.ContainingType.GetMembers().OfType<IPropertySymbol>().Count(p => p.IsIndexer && p.MetadataName == name && p.GetMethod is { } g && IsDifferentiable(g))
            : method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Count(IsDifferentiable);
        if (overloads <= 1) return name;
        return name + "_" + string.Join("_", method.Parameters.Select(p => Sanitize(p.Type.ToDisplayString())));
    }

    /// <summary>The C# token of a user-defined arithmetic operator (<c>op_Addition</c> → <c>+</c>), or null for others (conversions, comparisons, true/false).</summary>
    public static string? OperatorToken(IMethodSymbol method) => method.MethodKind != MethodKind.UserDefinedOperator ? null : method.Name switch
    {
        "op_Addition" or "op_UnaryPlus" => "+",
        "op_Subtraction" or "op_UnaryNegation" => "-",
        "op_Multiply" => "*",
        "op_Division" => "/",
        "op_Modulus" => "%",
        _ => null,
    };

    /// <summary>Generated derivatives are static members: of static methods, of methods with a differentiable 'this', of constructors.</summary>
    public static bool DerivativesAreStatic(IMethodSymbol method) =>
        method.IsStatic || HasDifferentiableSelf(method) || method.MethodKind == MethodKind.Constructor;

    /// <summary>A constructor of a struct lowered member by member: differentiated as a static function returning the value.</summary>
    public static bool IsDifferentiableConstructor(IMethodSymbol method) =>
        method.MethodKind == MethodKind.Constructor && !method.IsStatic && IrTypeOf(method.ContainingType) is { IsStruct: true, IsReference: false };

    /// <summary>The metadata name of the class holding a rule's split (allocation-free) form.</summary>
    public static string RuleSplitMetadataName(IMethodSymbol rule) => RuleNamespace + "." + RuleSplitClassName(rule);

    public static string RuleSplitClassName(IMethodSymbol rule) =>
        Sanitize(rule.ContainingType.ToDisplayString()) + "__" + rule.Name +
        (rule.Parameters.Length == 0 ? "" : "__" + string.Join("_", rule.Parameters.Select(p => Sanitize(p.Type.ToDisplayString()))));

    /// <summary>Parameters that carry a tangent by default: real-typed and not [NoDerivative].</summary>
    public static bool IsDifferentiableParameter(IParameterSymbol p) =>
        IsDifferentiableType(p.Type) && p.RefKind != RefKind.Out && !HasAttribute(p, NoDerivativeAttribute) &&
        (p.RefKind is RefKind.None or RefKind.In || IrTypeOf(p.Type).IsReal);

    /// <summary>Types that carry a tangent: double, float, and arrays (also jagged and multi-dimensional) of them.</summary>
    /// <summary>What messages say of a result type that <see cref="IsDifferentiableType"/> rejects.</summary>
    public const string NotADifferentiableResult = "is not differentiable: results are double, float, Vector2/3/4, [Differentiable] types, arrays of them, and tuples of these (not of classes, jagged or 2-D arrays)";

    public static bool IsDifferentiableType(ITypeSymbol t)
    {
        var ir = IrTypeOf(t);
        return ir.IsReal || (ir.IsArray && ir.Scalar != null) || (ir.IsStruct && ir.IsDifferentiable) ||
               // One-dimensional arrays of structs lowered member by member, without array members of their own.
               (ir.IsArray && !ir.IsSpan && ir.Rank == 1 && ir.Element is { IsStruct: true, IsReference: false, HasArrayLeaves: false, IsDifferentiable: true });
    }

    /// <summary>
    /// The differentiation inputs of a [Differentiable] method: its Wrt list if it has one, else every
    /// differentiable parameter. Errors (unknown names) are reported by the pipeline.
    /// </summary>
    public static List<int> DefaultWrt(IMethodSymbol method)
    {
        var attr = GetAttribute(method.OriginalDefinition, DifferentiableAttribute);
        string? wrt = attr is null ? null : NamedString(attr, "Wrt");
        return ParseWrt(method, wrt, out _);
    }

    /// <summary>
    /// An instance method of a struct lowered member by member: 'this' is a differentiation input. Its derivatives are
    /// static members whose first parameter is the receiver (the convention of rules for instance methods).
    /// </summary>
    /// <summary>
    /// A void instance method of a differentiable struct may change 'this': it is differentiated as a function from
    /// 'this' (and its parameters) to the new 'this', which callers store back into the receiver.
    /// </summary>
    public static bool ReturnsNewSelf(IMethodSymbol method) =>
        method.ReturnsVoid && method.MethodKind is MethodKind.Ordinary or MethodKind.PropertySet && HasDifferentiableSelf(method) &&
        !IrTypeOf(method.ContainingType).IsReference && !method.IsReadOnly;

    public static bool HasDifferentiableSelf(IMethodSymbol method) =>
        !method.IsStatic && method.MethodKind is MethodKind.Ordinary or MethodKind.PropertyGet or MethodKind.PropertySet &&
        IrTypeOf(method.ContainingType) is { IsStruct: true, IsDifferentiable: true };

    /// <summary>The inputs of the derivatives: with a differentiable receiver, it comes first (index 0) and the parameters after.</summary>
    public static List<int> WithSelf(IMethodSymbol method, List<int> wrt, bool includeSelf = true) =>
        HasDifferentiableSelf(method) ? (includeSelf ? new[] { 0 } : new int[0]).Concat(wrt.Select(k => k + 1)).ToList() : wrt;

    public static List<int> ParseWrt(IMethodSymbol method, string? wrt, out string? unknown)
    {
        unknown = null;
        var result = new List<int>();
        if (string.IsNullOrWhiteSpace(wrt))
        {
            for (int i = 0; i < method.Parameters.Length; i++)
                if (IsDifferentiableParameter(method.Parameters[i])) result.Add(i);
            return result;
        }
        foreach (var raw in wrt!.Split(','))
        {
            string name = raw.Trim();
            int index = method.Parameters.ToList().FindIndex(p => p.Name == name);
            // A [NoDerivative] parameter is data: a Wrt cannot name it.
            if (index < 0 || HasAttribute(method.Parameters[index], NoDerivativeAttribute) ||
                !IsDifferentiableParameter(method.Parameters[index]) && !(IsDifferentiableType(method.Parameters[index].Type) && method.Parameters[index].RefKind != RefKind.Out))
            {
                unknown = name;
                continue;
            }
            if (!result.Contains(index)) result.Add(index);
        }
        result.Sort();
        return result;
    }

    /// <summary>A type code anywhere in its assembly can name (no private or protected type in it): the type of a hidden
    /// member's accessor (TangentSynthesizer), which is internal.</summary>
    public static bool NameableInAssembly(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => NameableInAssembly(array.ElementType),
        INamedTypeSymbol named => AccessRank(named) >= 2 && named.TypeArguments.All(NameableInAssembly),
        _ => false,
    };

    /// <summary>How widely a member is visible, its containing types included: 3 public, 2 internal, 1 less.</summary>
    public static int AccessRank(ISymbol symbol)
    {
        int rank = 3;
        for (ISymbol? s = symbol; s != null && s is not INamespaceSymbol; s = s.ContainingType)
            rank = System.Math.Min(rank, s.DeclaredAccessibility switch
            {
                Microsoft.CodeAnalysis.Accessibility.Public => 3,
                Microsoft.CodeAnalysis.Accessibility.Internal or Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => 2,
                _ => 1,
            });
        return rank;
    }

    public static string Accessibility(Accessibility a) => a switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
