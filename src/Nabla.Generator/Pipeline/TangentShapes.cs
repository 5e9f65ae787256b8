// The tangent shapes of differentiable member types (double, float, a generic IEEE float T, Vector2/3/4,
// a [Differentiable] type's Tangent, arrays, double[,], tuples) and which member types are plain data.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Nabla.Generator.Pipeline;

/// <summary>How a member's tangent is stored and combined; one subclass per kind of tangent.</summary>
internal abstract class TangentShape
{
    /// <summary>An identifier fragment naming the shape, unique per tangent (and primal) type: helper names use it.</summary>
    public abstract string Key { get; }
    /// <summary>The C# type of the tangent.</summary>
    public abstract string Tangent { get; }
    /// <summary>The C# type of the primal value (null when only the tangent is known, for a base class from metadata).</summary>
    public abstract string? Primal { get; }
    /// <summary>How many reals the flat view has, when every value of the type has the same count.</summary>
    public virtual int? FixedCount => null;
}

internal enum ScalarKind { Double, Single, Generic }

/// <summary>double, float, or a type parameter T constrained to IFloatingPointIeee754&lt;T&gt;: its own tangent.</summary>
internal sealed class ScalarShape : TangentShape
{
    public ScalarShape(ScalarKind kind, string name) { Kind = kind; Name = name; }
    public ScalarKind Kind { get; }
    public string Name { get; }
    public override string Key => Kind switch { ScalarKind.Double => "D", ScalarKind.Single => "F", _ => "G" + Name };
    public override string Tangent => Name;
    public override string? Primal => Name;
    public override int? FixedCount => 1;
}

/// <summary>System.Numerics.Vector2/3/4: their own tangents, N floats in the flat view.</summary>
internal sealed class VectorShape : TangentShape
{
    public VectorShape(int n) => N = n;
    public int N { get; }
    public static readonly string[] Components = { "X", "Y", "Z", "W" };
    public override string Key => "V" + N;
    public override string Tangent => "global::System.Numerics.Vector" + N;
    public override string? Primal => Tangent;
    public override int? FixedCount => N;
}

/// <summary>A [Differentiable] type T (this compilation's or a referenced one's): its tangent is T.Tangent.</summary>
internal sealed class NestedShape : TangentShape
{
    public NestedShape(string tangent, string? primal, bool primalIsClass) { TangentType = tangent; PrimalType = primal; PrimalIsClass = primalIsClass; }
    public string TangentType { get; }
    public string? PrimalType { get; }
    public bool PrimalIsClass { get; }
    public override string Key => "N" + Symbols.Sanitize(TangentType.Replace("global::", "")) + "_";
    public override string Tangent => TangentType;
    public override string? Primal => PrimalType;
}

/// <summary>T[] (rank 1, tangent E[] of the element's tangents) or double[,]/float[,] (rank 2, scalar elements).</summary>
internal sealed class ArrayShape : TangentShape
{
    public ArrayShape(TangentShape element, int rank) { Element = element; Rank = rank; }
    public TangentShape Element { get; }
    public int Rank { get; }
    private string Suffix => Rank == 1 ? "[]" : "[" + new string(',', Rank - 1) + "]";
    public override string Key => (Rank == 1 ? "A" : "M") + Element.Key + "_";
    public override string Tangent => Element.Tangent + Suffix;
    public override string? Primal => Element.Primal is null ? null : Element.Primal + Suffix;
}

/// <summary>A value tuple whose elements are all differentiable: the tuple of their tangents, names kept.</summary>
internal sealed class TupleShape : TangentShape
{
    public TupleShape(TangentShape[] elements, string?[] names) { Elements = elements; Names = names; }
    public TangentShape[] Elements { get; }
    public string?[] Names { get; }
    public override string Key => "T" + Elements.Length + string.Concat(Elements.Select(e => e.Key)) + "_";
    public override string Tangent => Type(e => e.Tangent);
    public override string? Primal => Elements.Any(e => e.Primal is null) ? null : Type(e => e.Primal!);
    public override int? FixedCount => Elements.All(e => e.FixedCount.HasValue) ? Elements.Sum(e => e.FixedCount!.Value) : null;
    private string Type(System.Func<TangentShape, string> part) =>
        "(" + string.Join(", ", Elements.Select((e, k) => part(e) + (Names[k] is { } n ? " " + Symbols.Identifier(n) : ""))) + ")";
}

internal static class TangentShapes
{
    private const string Ieee754 = "System.Numerics.IFloatingPointIeee754<TSelf>";

    /// <summary>The tangent shape of a member type, or null when the type is not differentiable.</summary>
    public static TangentShape? Of(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Double: return new ScalarShape(ScalarKind.Double, "double");
            case SpecialType.System_Single: return new ScalarShape(ScalarKind.Single, "float");
        }
        switch (type)
        {
            case ITypeParameterSymbol p when IsIeeeFloat(p):
                return new ScalarShape(ScalarKind.Generic, Symbols.Identifier(p.Name));
            case IArrayTypeSymbol array:
            {
                var element = Of(array.ElementType);
                if (element is null) return null;
                if (array.Rank == 1) return new ArrayShape(element, 1);
                return element is ScalarShape { Kind: not ScalarKind.Generic } && array.Rank == 2 ? new ArrayShape(element, 2) : null;
            }
            case INamedTypeSymbol { IsTupleType: true } tuple:
            {
                if (tuple.TupleElements.Length < 2) return null;
                var elements = tuple.TupleElements.Select(e => Of(e.Type)).ToArray();
                if (elements.Any(e => e is null)) return null;
                return new TupleShape(elements!, tuple.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : null).ToArray());
            }
            case INamedTypeSymbol named:
            {
                string name = named.OriginalDefinition.ToDisplayString();
                if (name is "System.Numerics.Vector2") return new VectorShape(2);
                if (name is "System.Numerics.Vector3") return new VectorShape(3);
                if (name is "System.Numerics.Vector4") return new VectorShape(4);
                if (IsDifferentiableType(named))
                    return new NestedShape(Symbols.TypeName(named) + ".Tangent", Symbols.TypeName(named), named.TypeKind == TypeKind.Class);
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// The shape of a tangent member read back from a compiled Tangent type (a base class in another
    /// assembly): the tangent types are double, float, T, Vector2/3/4, arrays, tuples and ITangent types.
    /// </summary>
    public static TangentShape? OfTangentType(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { IsTupleType: false } named && named.SpecialType == SpecialType.None &&
            !named.ToDisplayString().StartsWith("System.Numerics.Vector", System.StringComparison.Ordinal) &&
            named.AllInterfaces.Any(i => i.OriginalDefinition.ToDisplayString() == "Nabla.ITangent<TSelf>"))
            return new NestedShape(Symbols.TypeName(named), null, false);
        if (type is IArrayTypeSymbol array && OfTangentType(array.ElementType) is { } element)
            return array.Rank == 1 ? new ArrayShape(element, 1) : element is ScalarShape && array.Rank == 2 ? new ArrayShape(element, 2) : null;
        if (type is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.Length >= 2)
        {
            var elements = tuple.TupleElements.Select(e => OfTangentType(e.Type)).ToArray();
            return elements.Any(e => e is null) ? null
                : new TupleShape(elements!, tuple.TupleElements.Select(e => e.IsExplicitlyNamedTupleElement ? e.Name : null).ToArray());
        }
        return Of(type);
    }

    /// <summary>A class or struct marked [Differentiable] (the attribute is on its definition, also in metadata).</summary>
    public static bool IsDifferentiableType(INamedTypeSymbol type) =>
        type.TypeKind is TypeKind.Class or TypeKind.Struct && Symbols.HasAttribute(type.OriginalDefinition, Symbols.DifferentiableAttribute);

    /// <summary>A type parameter T constrained (directly or through an interface) to IFloatingPointIeee754&lt;T&gt;.</summary>
    public static bool IsIeeeFloat(ITypeParameterSymbol p) =>
        p.ConstraintTypes.OfType<INamedTypeSymbol>().Any(c =>
            new[] { c }.Concat(c.AllInterfaces).Any(i => i.OriginalDefinition.ToDisplayString() == Ieee754 &&
                SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], p)));

    private static readonly HashSet<string> DataStructs = new(System.StringComparer.Ordinal)
    {
        "System.Guid", "System.TimeSpan", "System.DateTimeOffset", "System.DateOnly", "System.TimeOnly",
        "System.Int128", "System.UInt128", "System.Numerics.BigInteger",
    };

    /// <summary>
    /// Plain data, which carries no tangent and needs no [NoDerivative]: integers, bool, char, decimal,
    /// string, enums, Nullable&lt;T&gt;, dates, Guid, and arrays and tuples of data.
    /// </summary>
    public static bool IsData(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: case SpecialType.System_Char: case SpecialType.System_SByte:
            case SpecialType.System_Byte: case SpecialType.System_Int16: case SpecialType.System_UInt16:
            case SpecialType.System_Int32: case SpecialType.System_UInt32: case SpecialType.System_Int64:
            case SpecialType.System_UInt64: case SpecialType.System_Decimal: case SpecialType.System_String:
            case SpecialType.System_IntPtr: case SpecialType.System_UIntPtr: case SpecialType.System_DateTime:
                return true;
        }
        if (type.TypeKind == TypeKind.Enum) return true;
        if (type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T) return true;
        if (type is IArrayTypeSymbol array) return IsData(array.ElementType);
        if (type is INamedTypeSymbol { IsTupleType: true } tuple) return tuple.TupleElements.All(e => IsData(e.Type));
        return DataStructs.Contains(type.OriginalDefinition.ToDisplayString());
    }
}
