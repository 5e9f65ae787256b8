// Types in Nabla IR: a C# type name (fully qualified, as emitted) and what differentiation makes of it.
using System;
using System.Collections.Generic;

namespace Nabla.Generator.IR;

/// <summary>What a type is to differentiation: a real scalar carries a tangent; everything else is data.</summary>
internal enum TypeKind
{
    Double,
    Single,
    Integer,
    Bool,
    Tuple,
    /// <summary>A C# array (<see cref="IrType.Rank"/> dimensions) of <see cref="IrType.Element"/>.</summary>
    Array,
    Void,
    Other,
}

/// <summary>An IR type: its C# spelling (with <c>global::</c>) and its kind. Compared by name.</summary>
internal sealed class IrType : IEquatable<IrType>
{
    public static readonly IrType Double = new("double", TypeKind.Double);
    public static readonly IrType Single = new("float", TypeKind.Single);
    public static readonly IrType Int32 = new("int", TypeKind.Integer);
    public static readonly IrType Bool = new("bool", TypeKind.Bool);
    public static readonly IrType Void = new("void", TypeKind.Void);

    public IrType(string name, TypeKind kind, IReadOnlyList<IrType>? elements = null, IReadOnlyList<string?>? elementNames = null, int rank = 0)
    {
        Name = name;
        Kind = kind;
        Elements = elements ?? System.Array.Empty<IrType>();
        ElementNames = elementNames ?? System.Array.Empty<string?>();
        Rank = rank;
    }

    /// <summary>An array type: <c>double[]</c>, <c>double[][]</c> (of <c>double[]</c>), <c>double[,]</c> (rank 2).</summary>
    public static IrType ArrayOf(IrType element, int rank = 1)
    {
        // C# writes the outermost rank first: an array of double[] with rank 2 is double[,][].
        string name = element.Kind == TypeKind.Array
            ? InsertRank(element.Name, rank)
            : element.Name + "[" + new string(',', rank - 1) + "]";
        return new IrType(name, TypeKind.Array, new[] { element }, null, rank);
    }

    private static string InsertRank(string elementName, int rank)
    {
        int bracket = elementName.IndexOf('[');
        return elementName.Substring(0, bracket) + "[" + new string(',', rank - 1) + "]" + elementName.Substring(bracket);
    }

    /// <summary>Dimensions of an array type.</summary>
    public int Rank { get; }
    /// <summary>The element type of an array.</summary>
    public IrType Element => Elements[0];
    public bool IsArray => Kind == TypeKind.Array;

    /// <summary>The real scalar at the bottom of an array type (double for double[][]), or null.</summary>
    public IrType? Scalar => Kind == TypeKind.Array ? Element.Scalar : IsReal ? this : null;

    /// <summary>C# spelling, e.g. <c>double</c>, <c>global::System.String</c>, <c>(double, double)</c>.</summary>
    public string Name { get; }
    public TypeKind Kind { get; }
    /// <summary>Element types of a value tuple.</summary>
    public IReadOnlyList<IrType> Elements { get; }
    public IReadOnlyList<string?> ElementNames { get; }

    /// <summary>True for <c>double</c> and <c>float</c>: the types that carry tangents in this IR.</summary>
    public bool IsReal => Kind is TypeKind.Double or TypeKind.Single;

    /// <summary>A tuple of real scalars and of such tuples also carries a tangent (of its own shape).</summary>
    public bool IsDifferentiable => IsReal || (Kind == TypeKind.Array && Element.IsDifferentiable) ||
                                    (Kind == TypeKind.Tuple && Elements.Count > 0 && AllDifferentiable());

    private bool AllDifferentiable()
    {
        foreach (var e in Elements)
            if (!e.IsDifferentiable) return false;
        return true;
    }

    public static IrType Tuple(IReadOnlyList<IrType> elements, IReadOnlyList<string?>? names = null)
    {
        var parts = new List<string>();
        for (int i = 0; i < elements.Count; i++)
        {
            string? n = names != null && i < names.Count ? names[i] : null;
            parts.Add(n is null ? elements[i].Name : elements[i].Name + " " + n);
        }
        return new IrType("(" + string.Join(", ", parts) + ")", TypeKind.Tuple, elements, names);
    }

    public bool Equals(IrType? other) => other is not null && other.Name == Name;
    public override bool Equals(object? obj) => Equals(obj as IrType);
    public override int GetHashCode() => Name.GetHashCode();
    public override string ToString() => Name;
}
