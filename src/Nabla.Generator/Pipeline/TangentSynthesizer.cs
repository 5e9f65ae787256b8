// Makes a [Differentiable] struct, class or record a differentiable type: checks its members, and
// writes its memberwise Tangent (an ITangent) and its Move and ZeroTangent (IDifferentiable).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;

namespace Nabla.Generator.Pipeline;

/// <summary>A member that has a tangent: its name, its shape, and whether it is a property (Move cannot take a ref to it).</summary>
/// <param name="BackingField">An init-only auto-property's backing field, which Move changes through an UnsafeAccessor; else null.</param>
/// <param name="TypeName">The member's type, for that accessor.</param>
internal sealed record TangentMember(string Name, TangentShape Shape, bool IsProperty, string? BackingField = null, string? TypeName = null);

internal static class TangentSynthesizer
{
    /// <summary>Names a tangent field cannot have: the Tangent struct's own members.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "Tangent", "Zero", "Count", "Dot", "CopyTo", "FromSpan", "Equals", "GetHashCode", "ToString", "GetType",
        "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>The whole synthesis for one [Differentiable] type; never throws (NABLA0999 instead).</summary>
    public static GeneratedFile Process(INamedTypeSymbol type, SyntaxNode declaration, Compilation compilation, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var location = type.Locations.FirstOrDefault();
        try
        {
            // The attribute on several partial declarations (CS0579) must not write the type twice.
            var first = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == Symbols.DifferentiableAttribute)?.ApplicationSyntaxReference;
            if (first != null && (first.SyntaxTree != declaration.SyntaxTree || !declaration.Span.Contains(first.Span)))
                return new GeneratedFile(null, null, default);
            if (!CheckType(type, location, diagnostics))
                return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
            if (!CheckGeneratedNames(type, diagnostics))
                return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
            var own = Members(type, compilation, diagnostics, ct);
            var baseType = DifferentiableBase(type);
            var inherited = baseType is null ? new List<TangentMember>() : BaseMembers(baseType, compilation, ct);
            // A member hiding a base class member of the same name would give the Tangent two fields of that name.
            var inheritedNames = new HashSet<string>(inherited.Select(m => m.Name), StringComparer.Ordinal);
            foreach (var clash in own.Where(m => inheritedNames.Contains(m.Name)).ToList())
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotDifferentiable,
                    type.GetMembers(clash.Name).FirstOrDefault()?.Locations.FirstOrDefault() ?? location, type.ToDisplayString(),
                    $"its member '{clash.Name}' hides a differentiable member of its base class, and the Tangent would have two members '{clash.Name}': rename it, or mark it [NoDerivative]"));
                own.Remove(clash);
            }
            string source = Emit(type, baseType, inherited, own, compilation);
            return new GeneratedFile(MethodProcessor.HintName(type) + ".DifferentiableType.g.cs", source,
                new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.GeneratorFailure, location, type.ToDisplayString(),
                e.GetType().Name + ": " + e.Message + " at " + MethodProcessor.FirstFrame(e)));
            return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }
    }

    /// <summary>Checks that the type can carry a Tangent and a Move at all; reports why not at its name.</summary>
    private static bool CheckType(INamedTypeSymbol type, Location? location, List<DiagnosticInfo> diagnostics)
    {
        var nonPartial = TypeDeclarations.FirstNonPartial(type);
        if (nonPartial != null)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotPartial, location, nonPartial.Name, type.Name));
            return false;
        }
        string? why =
            type.IsStatic ? "a static class has no values to move" :
            type.IsRefLikeType ? "a ref struct cannot be a type argument of IDifferentiable<TSelf, TTangent>" :
            type.TypeKind == TypeKind.Struct && type.IsReadOnly ? "Move changes the value's members in place, which a readonly struct forbids: remove 'readonly'" :
            type.Name == "Tangent" ? "the nested struct Tangent it gets cannot have the name of the type that contains it: rename the type" :
            type.IsFileLocal ? "its type is file-local ('file'), and generated code in another file cannot extend it: remove 'file'" :
            null;
        if (why is null) return true;
        diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotDifferentiable, location, type.ToDisplayString(), why));
        return false;
    }

    /// <summary>Members of the type itself whose names the generated Tangent, Move and ZeroTangent take.</summary>
    private static bool CheckGeneratedNames(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics)
    {
        bool ok = true;
        foreach (var member in type.GetMembers())
        {
            bool clash = member.Name switch
            {
                "Move" => member is not IMethodSymbol,
                "ZeroTangent" => member is not IMethodSymbol { Parameters.Length: > 0 },
                "Tangent" => member is not INamedTypeSymbol { TypeKind: TypeKind.Struct } nested ||
                             !nested.DeclaringSyntaxReferences.All(r => r.GetSyntax() is StructDeclarationSyntax d && d.Modifiers.Any(m => m.Text == "partial")),
                _ => false,
            };
            if (!clash || member.IsImplicitlyDeclared) continue;
            ok = false;
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotDifferentiable, member.Locations.FirstOrDefault(), type.ToDisplayString(),
                    $"its member '{member.Name}' takes a name Nabla generates (the nested struct Tangent and the methods Move and ZeroTangent; a 'partial struct Tangent' may add members): rename it"));
        }
        return ok;
    }

    /// <summary>The nearest base class marked [Differentiable], whose tangent members come first.</summary>
    private static INamedTypeSymbol? DifferentiableBase(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class) return null;
        for (var b = type.BaseType; b != null && b.SpecialType != SpecialType.System_Object; b = b.BaseType)
            if (TangentShapes.IsDifferentiableType(b)) return b;
        return null;
    }

    /// <summary>
    /// The tangent members of a base class: for one in this compilation, computed as for the type itself;
    /// for one in a referenced assembly, read back from its compiled Tangent's public fields.
    /// </summary>
    private static List<TangentMember> BaseMembers(INamedTypeSymbol baseType, Compilation compilation, CancellationToken ct)
    {
        if (baseType.DeclaringSyntaxReferences.IsEmpty)
        {
            var tangent = baseType.GetTypeMembers("Tangent").FirstOrDefault();
            return tangent is null ? new List<TangentMember>() : tangent.GetMembers().OfType<IFieldSymbol>()
                .Where(f => !f.IsStatic && f.DeclaredAccessibility == Accessibility.Public && !f.IsImplicitlyDeclared)
                .Select(f => TangentShapes.OfTangentType(f.Type) is { } s ? new TangentMember(f.Name, s, false) : null)
                .OfType<TangentMember>().ToList();
        }
        var quiet = new List<DiagnosticInfo>();
        var further = DifferentiableBase(baseType);
        var members = further is null ? new List<TangentMember>() : BaseMembers(further, compilation, ct);
        // As Process does for the type itself: a member hiding an inherited tangent member is left out.
        var names = new HashSet<string>(members.Select(m => m.Name), StringComparer.Ordinal);
        members.AddRange(Members(baseType, compilation, quiet, ct).Where(m => !names.Contains(m.Name)));
        return members;
    }

    /// <summary>
    /// The type's own tangent members in declaration order: instance fields and auto-properties of
    /// differentiable type, not [NoDerivative]. Data members are skipped silently; others are reported.
    /// </summary>
    private static List<TangentMember> Members(INamedTypeSymbol type, Compilation compilation, List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        var backing = type.GetMembers().OfType<IFieldSymbol>()
            .Where(f => f.IsImplicitlyDeclared && f.AssociatedSymbol is IPropertySymbol)
            .ToDictionary(f => (IPropertySymbol)f.AssociatedSymbol!, f => f, SymbolEqualityComparer.Default);
        var result = new List<TangentMember>();
        foreach (var member in type.GetMembers())
        {
            ct.ThrowIfCancellationRequested();
            ITypeSymbol memberType;
            bool writable, isProperty;
            IFieldSymbol? backingField = null;
            switch (member)
            {
                case IFieldSymbol f when !f.IsStatic && !f.IsConst && !f.IsImplicitlyDeclared && !f.IsFixedSizeBuffer:
                    memberType = f.Type;
                    writable = !f.IsReadOnly && f.RefKind == RefKind.None;
                    isProperty = false;
                    break;
                case IPropertySymbol p when !p.IsStatic && backing.TryGetValue(p, out var field):
                    backingField = field;
                    memberType = p.Type;
                    writable = !field.IsReadOnly && p.SetMethod is { IsInitOnly: false };
                    isProperty = true;
                    break;
                default:
                    continue;
            }
            // A member whose type does not resolve already has the compiler's error.
            if (HasNoDerivative(member, compilation) || (backingField != null && Symbols.HasAttribute(backingField, Symbols.NoDerivativeAttribute)) ||
                memberType.TypeKind == TypeKind.Error) continue;
            var where = member.Locations.FirstOrDefault();
            if (isProperty && Symbols.HasAccessorBodies((IPropertySymbol)member))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotDifferentiable, where, type.ToDisplayString(),
                    $"its property '{member.Name}' has accessor bodies over its 'field', which Nabla does not differentiate yet: " +
                    "declare an explicit field and a [Differentiable] property over it, or make it an auto-property"));
                continue;
            }
            var shape = TangentShapes.Of(memberType);
            if (shape is null)
            {
                if (!TangentShapes.IsData(memberType))
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.MemberNotDifferentiable, where, member.Name, type.Name, memberType.ToDisplayString()));
                continue;
            }
            string? viaAccessor = null;
            // An init-only auto-property (a positional record's): Move changes its backing field through an UnsafeAccessor.
            if (!writable && isProperty && backingField != null && ((IPropertySymbol)member).SetMethod is { IsInitOnly: true } && Symbols.CanMoveInitOnly(type))
            {
                viaAccessor = backingField.MetadataName;
                writable = true;
            }
            if (!writable)
            {
                string kind = isProperty ? (((IPropertySymbol)member).SetMethod is null ? "a get-only property" : "an init-only property") : "a readonly field";
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.MemberNotMovable, where, member.Name, type.Name, kind));
                continue;
            }
            if (Reserved.Contains(member.Name) || member.Name.StartsWith("Nabla", StringComparison.Ordinal))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotDifferentiable, where, type.ToDisplayString(),
                    $"its member '{member.Name}' would clash with a member of the synthesized Tangent of the same name: rename it, or mark it [NoDerivative]"));
                continue;
            }
            if (ContainsItself(memberType, type))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotDifferentiable, where, type.ToDisplayString(),
                    $"its member '{member.Name}' holds a '{type.Name}' directly (or through other differentiable types), so its Tangent would contain itself: hold an array of them, or mark it [NoDerivative]"));
                continue;
            }
            if (type.TypeKind == TypeKind.Struct && ArrayOfItself(memberType, type))
            {
                // (Code over the struct is lowered member by member, and its members' types cannot include itself yet.)
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotDifferentiable, where, type.ToDisplayString(),
                    $"its member '{member.Name}' holds an array of '{type.Name}' itself, which a differentiable struct cannot do yet: make '{type.Name}' a class (a class may hold arrays of itself), or mark the member [NoDerivative]"));
                continue;
            }
            result.Add(new TangentMember(member.Name, shape, isProperty, viaAccessor, viaAccessor is null ? null : Symbols.TypeName(memberType)));
        }
        return result;
    }

    /// <summary>[NoDerivative] on the member, or, for a positional record property, on its parameter.</summary>
    private static bool HasNoDerivative(ISymbol member, Compilation compilation)
    {
        if (Symbols.HasAttribute(member, Symbols.NoDerivativeAttribute)) return true;
        foreach (var reference in member.DeclaringSyntaxReferences)
            if (reference.GetSyntax() is ParameterSyntax parameter &&
                compilation.GetSemanticModel(parameter.SyntaxTree).GetDeclaredSymbol(parameter) is { } p &&
                Symbols.HasAttribute(p, Symbols.NoDerivativeAttribute))
                return true;
        return false;
    }

    /// <summary>
    /// True when the tangent of <paramref name="memberType"/> holds <paramref name="self"/>'s tangent inline (not
    /// through an array), directly or through other differentiable types of this compilation: the Tangent
    /// struct would contain itself.
    /// </summary>
    /// <summary>An array (of arrays) of <paramref name="self"/>.</summary>
    private static bool ArrayOfItself(ITypeSymbol memberType, INamedTypeSymbol self)
    {
        if (memberType is not IArrayTypeSymbol) return false;
        while (memberType is IArrayTypeSymbol array) memberType = array.ElementType;
        return SymbolEqualityComparer.Default.Equals(memberType.OriginalDefinition, self.OriginalDefinition);
    }

    private static bool ContainsItself(ITypeSymbol memberType, INamedTypeSymbol self, HashSet<ISymbol>? visited = null)
    {
        switch (memberType)
        {
            case INamedTypeSymbol { IsTupleType: true } t:
                return t.TupleElements.Any(e => ContainsItself(e.Type, self, visited));
            case INamedTypeSymbol n when TangentShapes.IsDifferentiableType(n):
                if (SymbolEqualityComparer.Default.Equals(n.OriginalDefinition, self.OriginalDefinition)) return true;
                // Types from metadata cannot refer back to this compilation's types.
                if (n.DeclaringSyntaxReferences.IsEmpty) return false;
                visited ??= new HashSet<ISymbol>(SymbolEqualityComparer.Default);
                if (!visited.Add(n.OriginalDefinition)) return false;
                for (var t = n; t != null; t = DifferentiableBase(t))
                    foreach (var f in t.GetMembers().OfType<IFieldSymbol>())
                        if (!f.IsStatic && !Symbols.HasAttribute(f, Symbols.NoDerivativeAttribute) &&
                            !(f.AssociatedSymbol is { } p && Symbols.HasAttribute(p, Symbols.NoDerivativeAttribute)) &&
                            ContainsItself(f.Type, self, visited))
                            return true;
                return false;
            default:
                return false;
        }
    }

    private static string Emit(INamedTypeSymbol type, INamedTypeSymbol? baseType, List<TangentMember> inherited, List<TangentMember> own, Compilation compilation)
    {
        var ops = new TangentOps();
        var all = inherited.Concat(own).ToList();
        string self = Symbols.TypeName(type);
        string hides = baseType is null ? "" : "new ";
        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        TypeDeclarations.Open(w, type, $" : global::Nabla.IDifferentiable<{self}, {self}.Tangent>");

        // The Tangent struct.
        w.Line($"/// <summary>");
        w.Line($"/// The tangent (and gradient) of <see cref=\"{Cref(type)}\"/>: one member per differentiable member,");
        w.Line($"/// in declaration order{(baseType is null ? "" : ", the base class's first")}. Its flat view lists their reals in that order.");
        w.Line($"/// </summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open($"public {hides}partial struct Tangent : global::Nabla.ITangent<Tangent>, global::System.IEquatable<Tangent>");
        foreach (var m in all)
        {
            w.Line($"/// <summary>The tangent of <c>{Escape(m.Name)}</c>.</summary>");
            w.Line($"public {m.Shape.Tangent} {Symbols.Identifier(m.Name)};");
        }
        if (all.Count > 0) w.Line();
        string F(string owner, TangentMember m) => owner + "." + Symbols.Identifier(m.Name);
        string Init(Func<TangentMember, string> value) =>
            all.Count == 0 ? "new Tangent()" : "new Tangent { " + string.Join(", ", all.Select(m => Symbols.Identifier(m.Name) + " = " + value(m))) + " }";

        w.Line("/// <summary>The zero tangent. Its array members are empty, which acts as zero of any length.</summary>");
        w.Line($"public static Tangent Zero => {Init(m => ops.Zero(m.Shape))};");
        w.Line();
        w.Line("/// <summary>Member-wise sum. An empty (or null) array member acts as zero of the other's length; other lengths must match.</summary>");
        w.Line($"public static Tangent operator +(Tangent left, Tangent right) => {Init(m => ops.Add(m.Shape, F("left", m), F("right", m)))};");
        w.Line();
        w.Line("/// <summary>Member-wise difference (empty arrays act as zero).</summary>");
        w.Line($"public static Tangent operator -(Tangent left, Tangent right) => {Init(m => ops.Subtract(m.Shape, F("left", m), F("right", m)))};");
        w.Line();
        w.Line($"public static Tangent operator -(Tangent value) => {Init(m => ops.Negate(m.Shape, F("value", m)))};");
        w.Line();
        w.Line("/// <summary>Scales every component (float members round the product to float).</summary>");
        w.Line($"public static Tangent operator *(double scale, Tangent value) => {Init(m => ops.Scale(m.Shape, "scale", F("value", m)))};");
        w.Line();
        w.Line("public static Tangent operator *(Tangent value, double scale) => scale * value;");
        w.Line();
        w.Line("/// <summary>The Euclidean inner product of the flat views, computed in double. An empty array member contributes 0.</summary>");
        w.Line($"public static double Dot(Tangent left, Tangent right) => {(all.Count == 0 ? "0d" : string.Join(" + ", all.Select(m => ops.Dot(m.Shape, F("left", m), F("right", m)))))};");
        w.Line();
        w.Line("/// <summary>How many reals the flat view has (an array contributes its current length).</summary>");
        int? fixedCount = all.All(m => m.Shape.FixedCount.HasValue) ? all.Sum(m => m.Shape.FixedCount!.Value) : null;
        w.Line($"public int Count => {(fixedCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Join(" + ", all.Select(m => ops.Count(m.Shape, F("this", m)))))};");
        foreach (bool single in new[] { false, true })
        {
            string real = single ? "float" : "double";
            w.Line();
            w.Line($"/// <summary>Writes the flat view{(single ? ", rounded to float," : "")} into <paramref name=\"destination\"/> (at least <see cref=\"Count\"/> long).</summary>");
            w.Open($"public void CopyTo(global::System.Span<{real}> destination)");
            w.Line("int count = this.Count;");
            w.Line("if (destination.Length < count) throw new global::System.ArgumentException($\"The destination has {destination.Length} elements; the tangent's flat view has {count}.\", nameof(destination));");
            w.Line("var d = destination;");
            w.Line("int o = 0;");
            foreach (var m in all) ops.CopyTo(w, m.Shape, F("this", m), single);
            w.Close();
            w.Line();
            w.Line("/// <summary>A tangent shaped like this one (same array lengths) whose flat view is the first <see cref=\"Count\"/> elements of <paramref name=\"source\"/>.</summary>");
            w.Open($"public Tangent FromSpan(global::System.ReadOnlySpan<{real}> source)");
            w.Line("int count = this.Count;");
            w.Line("if (source.Length < count) throw new global::System.ArgumentException($\"The source has {source.Length} elements; the tangent's flat view has {count}.\", nameof(source));");
            w.Line("var s = source;");
            w.Line("int o = 0;");
            w.Line($"return {Init(m => ops.Read(m.Shape, F("this", m), single))};");
            w.Close();
        }
        w.Line();
        w.Line("/// <summary>Member-wise equality; arrays compare by contents, and empty equals null.</summary>");
        w.Line($"public bool Equals(Tangent other) => {(all.Count == 0 ? "true" : string.Join(" && ", all.Select(m => ops.Equal(m.Shape, F("this", m), F("other", m)))))};");
        w.Line();
        w.Line("public override bool Equals(object? obj) => obj is Tangent other && Equals(other);");
        w.Line();
        w.Open("public override int GetHashCode()");
        w.Line("var h = new global::System.HashCode();");
        foreach (var m in all) ops.Hash(w, m.Shape, F("this", m), "h");
        w.Line("return h.ToHashCode();");
        w.Close();
        w.Line();
        w.Line("public static bool operator ==(Tangent left, Tangent right) => left.Equals(right);");
        w.Line();
        w.Line("public static bool operator !=(Tangent left, Tangent right) => !left.Equals(right);");
        w.Line();
        w.Line("/// <summary>The members, record style: <c>Tangent { X = 1, Y = [2, 3] }</c> (invariant culture).</summary>");
        w.Open("public override string ToString()");
        w.Line("var sb = new global::System.Text.StringBuilder(\"Tangent {\");");
        for (int k = 0; k < all.Count; k++)
        {
            w.Line($"sb.Append(\"{(k == 0 ? " " : ", ")}{Escape(all[k].Name)} = \");");
            ops.Format(w, all[k].Shape, F("this", all[k]));
        }
        w.Line("sb.Append(\" }\");");
        w.Line("return sb.ToString();");
        w.Close();

        // Move and ZeroTangent, written before the helpers so that they can request them.
        var primal = new SourceWriter();
        primal.Line();
        primal.Line("/// <summary>Moves this value along <paramref name=\"direction\"/>: every differentiable member <c>m += direction.m</c>, arrays element-wise in place.</summary>");
        primal.Open("public void Move(Tangent direction)");
        if (baseType != null)
            primal.Line($"base.Move(new {Symbols.TypeName(baseType)}.Tangent {{ {string.Join(", ", inherited.Select(m => Symbols.Identifier(m.Name) + " = " + F("direction", m)))} }});");
        foreach (var m in own)
        {
            if (m.BackingField != null)
            {
                // Through a reference to the backing field: moved in place, whatever its shape.
                string receiver = type.TypeKind == TypeKind.Struct ? "ref global::System.Runtime.CompilerServices.Unsafe.AsRef(in this)" : "this";
                ops.Move(primal, m.Shape, "NablaField_" + m.Name + "(" + receiver + ")", F("direction", m));
                continue;
            }
            // A property's struct value (a nested struct, a tuple) is moved in a copy written back;
            // reals, vectors, arrays and objects are moved through the property directly.
            if (m.IsProperty && m.Shape is TupleShape or NestedShape { PrimalIsClass: false })
            {
                primal.Line("{");
                primal.Indent++;
                primal.Line($"var nablaValue = {F("this", m)};");
                ops.Move(primal, m.Shape, "nablaValue", F("direction", m));
                primal.Line($"{F("this", m)} = nablaValue;");
                primal.Close();
            }
            else
                ops.Move(primal, m.Shape, F("this", m), F("direction", m));
        }
        primal.Close();
        foreach (var m in own.Where(m => m.BackingField != null))
        {
            primal.Line();
            primal.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            primal.Line($"[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = \"{m.BackingField}\")]");
            primal.Line($"private static extern ref {m.TypeName} NablaField_{m.Name}({(type.TypeKind == TypeKind.Struct ? "ref " : "")}{Symbols.TypeName(type)} nablaSelf);");
        }
        primal.Line();
        primal.Line("/// <summary>The zero tangent shaped like this value: its array members as long as this value's.</summary>");
        if (baseType is null)
            primal.Line($"public Tangent ZeroTangent() => {Init(m => ops.ZeroOf(m.Shape, F("this", m)))};");
        else
        {
            primal.Open("public new Tangent ZeroTangent()");
            primal.Line("var nablaBase = base.ZeroTangent();");
            var inheritedNames = new HashSet<TangentMember>(inherited);
            primal.Line($"return {Init(m => inheritedNames.Contains(m) ? F("nablaBase", m) : ops.ZeroOf(m.Shape, F("this", m)))};");
            primal.Close();
        }
        if (type.TypeKind == TypeKind.Struct && Symbols.StructTypeOf(type) is { IsReference: false } lowered)
            WriteConstruction(primal, type, lowered);
        else if (type.TypeKind == TypeKind.Struct && type.IsGenericType && type.TypeParameters.Length == 1 && TangentShapes.IsIeeeFloat(type.TypeParameters[0]) &&
                 Symbols.StructTypeOf(type.Construct(compilation.GetSpecialType(SpecialType.System_Double))) is { IsReference: false } closed)
            // A generic struct is lowered at its instantiations: its members as Pair<double> has them, typed as declared (T).
            WriteConstruction(primal, type, closed, name => type.GetMembers(name).Select(m => m switch
            {
                IFieldSymbol f => f.Type,
                IPropertySymbol p => p.Type,
                _ => null,
            }).FirstOrDefault(t => t != null) is { } declared ? Symbols.TypeName(declared) : null);
        WriteHiddenMemberAccessors(primal, type);
        foreach (var helper in ops.PrimalHelpers.Values)
        {
            primal.Line();
            foreach (var line in helper.TrimEnd('\n').Split('\n')) primal.Line(line);
        }

        // Helpers of the Tangent struct.
        w.Line();
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line("internal static void NablaSameLength(int left, int right)");
        w.Line("{");
        w.Line("    if (left != right) throw new global::System.ArgumentException($\"Tangent arrays of different lengths ({left} and {right}) cannot be combined; only an empty array (a zero) combines with any length.\");");
        w.Line("}");
        w.Line();
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line("internal static TNablaElement[] NablaNewArray<TNablaElement>(int length) => length == 0 ? global::System.Array.Empty<TNablaElement>() : new TNablaElement[length];");
        foreach (string real in new[] { "double", "float" })
        {
            w.Line();
            w.Open($"private static int NablaWrite<TNablaTangent>(TNablaTangent tangent, global::System.Span<{real}> destination) where TNablaTangent : global::Nabla.ITangent<TNablaTangent>");
            w.Line("tangent.CopyTo(destination);");
            w.Line("return tangent.Count;");
            w.Close();
            w.Line();
            w.Open($"private static TNablaTangent NablaRead<TNablaTangent>(TNablaTangent shape, global::System.ReadOnlySpan<{real}> source, ref int offset) where TNablaTangent : global::Nabla.ITangent<TNablaTangent>");
            w.Line("int count = shape.Count;");
            w.Line("var result = shape.FromSpan(source.Slice(offset, count));");
            w.Line("offset += count;");
            w.Line("return result;");
            w.Close();
        }
        foreach (var helper in ops.TangentHelpers.Values)
        {
            w.Line();
            foreach (var line in helper.TrimEnd('\n').Split('\n')) w.Line(line);
        }
        w.Close(); // Tangent
        foreach (var line in primal.ToString().TrimEnd('\n').Split('\n')) w.Line(line);
        TypeDeclarations.Close(w, type);
        return w.ToString();
    }

    /// <summary>
    /// A struct lowered member by member is rebuilt from its members by <c>NablaConstruct</c>: a constructor
    /// can set every member, readonly and init-only ones too. A positional record's members go through its
    /// primary constructor, which every other constructor must call.
    /// </summary>
    private static void WriteConstruction(SourceWriter w, INamedTypeSymbol type, IR.IrType lowered, Func<string, string?>? declaredType = null)
    {
        var members = lowered.Fields;
        var positional = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<RecordDeclarationSyntax>()
            .FirstOrDefault(r => r.ParameterList != null)?.ParameterList!.Parameters.Select(p => p.Identifier.ValueText).ToList();
        string Parameter(int k) => "nablaMember" + k;
        var parameters = string.Join(", ", members.Select((m, k) => (declaredType?.Invoke(m.Name) ?? m.Type.Name) + " " + Parameter(k)));
        string chain = positional is null ? " : this()"
            : " : this(" + string.Join(", ", positional.Select(name =>
            {
                int k = members.ToList().FindIndex(m => m.Name == Symbols.Identifier(name));
                return k >= 0 ? Parameter(k) : "default";
            })) + ")";
        w.Line();
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Open($"private {Symbols.Identifier(type.Name)}(global::Nabla.CompilerServices.ConstructionTag nablaTag{(members.Count == 0 ? "" : ", " + parameters)}){chain}");
        for (int k = 0; k < members.Count; k++)
            w.Line($"this.{Symbols.Identifier(members[k].Name)} = {Parameter(k)};");
        w.Close();
        w.Line();
        w.Line("/// <summary>The value with these members, in declaration order (derivative code rebuilds values with it).</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Line($"public static {Symbols.TypeName(type)} NablaConstruct({parameters}) => new {Symbols.TypeName(type)}(default(global::Nabla.CompilerServices.ConstructionTag){(members.Count == 0 ? "" : ", " + string.Join(", ", members.Select((_, k) => Parameter(k))))});");
    }

    /// <summary>
    /// A reader for each private or protected member: derivative code outside the type (a caller's derivatives, a
    /// lambda's, a method inlined into them) reads the member through it (CSharpEmitter.MemberPath).
    /// </summary>
    private static void WriteHiddenMemberAccessors(SourceWriter w, INamedTypeSymbol type)
    {
        string self = Symbols.TypeName(type);
        string receiver = type.TypeKind == TypeKind.Struct ? "in " + self : self;
        foreach (var m in Symbols.StateMembers(type).Where(m => m.Accessible && !m.Visible && Symbols.NameableInAssembly(m.Type)))
        {
            w.Line();
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Line($"internal static {Symbols.TypeName(m.Type)} NablaGet_{m.Name}({receiver} nablaSelf) => nablaSelf.{Symbols.Identifier(m.Name)};");
        }
    }

    /// <summary>
    /// What derivative code calls in the generated parts of the compilation's [Differentiable] types (the hidden-member
    /// accessors, NablaConstruct), in their partial types, for C# the generator binds itself (a nested derivative's text).
    /// </summary>
    public static string? GeneratedMemberStubs(Compilation compilation, CancellationToken ct)
    {
        var w = new SourceWriter();
        bool any = false;
        foreach (var type in Rules.RuleIndex.AllTypes(compilation.Assembly.GlobalNamespace))
        {
            ct.ThrowIfCancellationRequested();
            if (!Symbols.HasAttribute(type, Symbols.DifferentiableAttribute) || type.DeclaringSyntaxReferences.IsEmpty || type.IsGenericType) continue;
            var lowered = type.TypeKind == TypeKind.Struct ? Symbols.StructTypeOf(type) : null;
            bool hidden = Symbols.StateMembers(type).Any(m => m.Accessible && !m.Visible && Symbols.NameableInAssembly(m.Type));
            if (lowered is null && !hidden) continue;
            any = true;
            TypeDeclarations.Open(w, type);
            WriteHiddenMemberAccessors(w, type);
            if (lowered is { IsReference: false }) WriteConstruction(w, type, lowered);
            TypeDeclarations.Close(w, type);
        }
        return any ? w.ToString() : null;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Compilation, Compilation> s_withTangents = new();

    /// <summary>
    /// The compilation with the generated parts of its [Differentiable] types (their Tangent structs): code the user
    /// wrote against them (a rule's pullback returning <c>S.Tangent</c>) binds there as it does in the real build.
    /// </summary>
    public static Compilation WithTangentTypes(Compilation compilation, CancellationToken ct) => s_withTangents.GetValue(compilation, c =>
    {
        var trees = new List<SyntaxTree>();
        foreach (var type in Rules.RuleIndex.AllTypes(c.Assembly.GlobalNamespace))
        {
            ct.ThrowIfCancellationRequested();
            var first = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == Symbols.DifferentiableAttribute)?.ApplicationSyntaxReference;
            if (first?.GetSyntax(ct).Parent?.Parent is not TypeDeclarationSyntax declaration) continue;
            var file = Process(type, declaration, c, ct);
            if (file.Source is null) continue;
            var options = (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)declaration.SyntaxTree.Options;
            trees.Add(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(file.Source, options, "Nabla.Tangents." + file.HintName, System.Text.Encoding.UTF8, ct));
        }
        return trees.Count == 0 ? c : c.AddSyntaxTrees(trees);
    });

    private static string Cref(INamedTypeSymbol type) =>
        type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat).Replace('<', '{').Replace('>', '}');

    private static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
