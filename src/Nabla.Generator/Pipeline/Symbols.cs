// Well-known names, symbol helpers and the naming conventions of generated members, shared by the
// pipeline (which writes them) and lowering (which calls them, also across assemblies).
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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

    public static bool IsDifferentiable(IMethodSymbol m) => HasAttribute(m.OriginalDefinition, DifferentiableAttribute);

    public static string TypeName(ITypeSymbol t) => t.ToDisplayString(TypeFormat);

    public static IrType IrTypeOf(ITypeSymbol? t)
    {
        if (t is null) return new IrType("object", TypeKind.Other);
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
        if (t is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            var elements = tuple.TupleElements.Select(e => IrTypeOf(e.Type)).ToList();
            var names = tuple.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : null).ToList();
            return IR.IrType.Tuple(elements, names);
        }
        return new IrType(TypeName(t), TypeKind.Other);
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
        int overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Count(IsDifferentiable);
        if (overloads <= 1) return method.Name;
        return method.Name + "_" + string.Join("_", method.Parameters.Select(p => Sanitize(p.Type.ToDisplayString())));
    }

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
    public static bool IsDifferentiableType(ITypeSymbol t)
    {
        var ir = IrTypeOf(t);
        return ir.IsReal || (ir.IsArray && ir.Scalar != null);
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
            if (index < 0 || !IsDifferentiableParameter(method.Parameters[index]) && !(IsDifferentiableType(method.Parameters[index].Type) && method.Parameters[index].RefKind != RefKind.Out))
            {
                unknown = name;
                continue;
            }
            if (!result.Contains(index)) result.Add(index);
        }
        result.Sort();
        return result;
    }

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
