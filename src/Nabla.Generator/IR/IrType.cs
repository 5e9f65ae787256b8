// Types in Nabla IR: a C# type name (fully qualified, as emitted) and what differentiation makes of it.
using System;
using System.Collections.Generic;
using System.Linq;

namespace Nabla.Generator.IR;

/// <summary>What a type is to differentiation: a real scalar carries a tangent; everything else is data.</summary>
internal enum TypeKind
{
    Double,
    Single,
    Integer,
    Bool,
    Tuple,
    /// <summary>
    /// A C# array (<see cref="IrType.Rank"/> dimensions) of <see cref="IrType.Element"/>, or a
    /// <c>Span&lt;T&gt;</c>/<c>ReadOnlySpan&lt;T&gt;</c> (<see cref="IrType.IsSpan"/>): memory read and written by index.
    /// </summary>
    Array,
    /// <summary>A struct lowered member by member (Vector2/3/4, a [Differentiable] struct): see <see cref="IrType.Fields"/>.</summary>
    Struct,
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

    /// <summary>
    /// <c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>: a one-dimensional view of memory, an array to differentiation
    /// (its elements are loaded and stored by index; its shadow is a view of the same shape). A ref struct: it cannot be
    /// a field of an ordinary struct, go on a tape, or be an element of a tuple.
    /// </summary>
    public static IrType SpanOf(IrType element, bool readOnly) =>
        new((readOnly ? "global::System.ReadOnlySpan<" : "global::System.Span<") + element.Name + ">", TypeKind.Array, new[] { element }, null, 1)
        { _span = readOnly ? SpanKind.ReadOnly : SpanKind.Writable };

    /// <summary>A ref struct that is not a span: the residuals of a method whose derivatives hold spans.</summary>
    public static IrType RefStruct(string name) => new(name, TypeKind.Other) { _refLike = true };

    private enum SpanKind { None, Writable, ReadOnly }
    private SpanKind _span;
    private bool _refLike;

    /// <summary><c>Span&lt;T&gt;</c> or <c>ReadOnlySpan&lt;T&gt;</c>.</summary>
    public bool IsSpan => _span != SpanKind.None;
    public bool IsReadOnlySpan => _span == SpanKind.ReadOnly;

    /// <summary>A ref struct (a span, or residuals holding spans): only locals, parameters and fields of ref structs hold it.</summary>
    public bool IsRefLike => IsSpan || _refLike;

    /// <summary>
    /// Where reverse mode accumulates the adjoint of a value of this type: a <c>Span&lt;T&gt;</c> for a
    /// <c>ReadOnlySpan&lt;T&gt;</c> (adjoints are written, the primal is only read), the tangent type otherwise.
    /// </summary>
    public IrType Shadow => IsReadOnlySpan ? SpanOf(Element, readOnly: false) : Tangent;

    /// <summary>
    /// The tangent a derivative returns to its caller (a gradient): an array of the elements for a span, which
    /// cannot be an element of the (Value, Gradient) tuple; the tangent type otherwise.
    /// </summary>
    public IrType OwnedTangent => IsSpan ? ArrayOf(Element) : Tangent;

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
    public bool IsDifferentiable => IsReal || (Kind == TypeKind.Array && (IsSpan ? Element.IsReal : Element.IsDifferentiable)) ||
                                    (Kind == TypeKind.Tuple && Elements.Count > 0 && AllDifferentiable()) ||
                                    (Kind == TypeKind.Struct && Leaves.Any(l => l.Differentiable));

    public bool IsStruct => Kind == TypeKind.Struct;

    /// <summary>A struct with differentiable array members: in reverse mode, their shadows travel in a tangent struct.</summary>
    public bool HasArrayLeaves => Kind == TypeKind.Struct && Leaves.Any(l => l.Differentiable && l.Type.IsArray);

    /// <summary>A struct's members, in declaration order: name, type, and whether it carries a tangent.</summary>
    public IReadOnlyList<StructField> Fields { get; private set; } = System.Array.Empty<StructField>();

    /// <summary>How C# builds a value of this struct from its members.</summary>
    public StructConstruction Construction { get; private set; }

    /// <summary>The tangent type (for a differentiable struct): Vector3 for Vector3, T.Tangent for T.</summary>
    public IrType Tangent => Kind == TypeKind.Struct ? _tangent ?? this
        : Kind == TypeKind.Array && Element.IsStruct && !IsSpan ? ArrayOf(Element.Tangent, Rank) : this;

    /// <summary>An array of structs lowered member by member (their tangents are the struct's Tangent).</summary>
    public bool IsStructArray => Kind == TypeKind.Array && Element.IsStruct && !IsSpan;
    private IrType? _tangent;

    /// <summary>
    /// A struct whose value is its members: lowering keeps one SSA value per leaf (a member of a
    /// non-struct type, reached through nested structs) and builds whole values only where one is needed.
    /// </summary>
    public static IrType Struct(string name, IReadOnlyList<StructField> fields, StructConstruction construction, IrType? tangent, bool isReference = false)
        => new(name, TypeKind.Struct) { Fields = fields, Construction = construction, _tangent = tangent, IsReference = isReference };

    /// <summary>
    /// A [Differentiable] class: its members are read where the code reads them (never kept leaf by leaf, never rebuilt),
    /// the reference itself flows; its tangent is the synthesized Tangent struct.
    /// </summary>
    public bool IsReference { get; private set; }

    private List<StructLeaf>? _leaves;

    /// <summary>The struct's leaves in order: paths like <c>Weight.X</c>, their types, whether they carry a tangent.</summary>
    public IReadOnlyList<StructLeaf> Leaves
    {
        get
        {
            if (_leaves != null) return _leaves;
            var list = new List<StructLeaf>();
            foreach (var f in Fields)
            {
                if (f.Type.Kind == TypeKind.Struct)
                    foreach (var inner in f.Type.Leaves)
                        list.Add(new StructLeaf(f.Name + "." + inner.Path, inner.Type, f.Differentiable && inner.Differentiable));
                else
                    list.Add(new StructLeaf(f.Name, f.Type, f.Differentiable && f.Type.IsDifferentiable));
            }
            return _leaves = list;
        }
    }

    /// <summary>The leaf at <paramref name="path"/>, or null.</summary>
    public StructLeaf? Leaf(string path) => Leaves.FirstOrDefault(l => l.Path == path);

    /// <summary>The position of the leaf at <paramref name="path"/> in <see cref="Leaves"/>, or -1.</summary>
    public int LeafIndex(string path)
    {
        var leaves = Leaves;
        for (int k = 0; k < leaves.Count; k++)
            if (leaves[k].Path == path) return k;
        return -1;
    }

    /// <summary>Whether the member at <paramref name="path"/> carries a tangent (every member on the way does).</summary>
    public bool IsDifferentiablePath(string path)
    {
        IrType current = this;
        foreach (var part in path.Split('.'))
        {
            var field = current.Fields.FirstOrDefault(f => f.Name == part);
            if (field is null || !field.Differentiable) return false;
            current = field.Type;
        }
        return current.IsDifferentiable;
    }

    /// <summary>The type of the member (leaf or nested struct) at <paramref name="path"/>, or null.</summary>
    public IrType? MemberType(string path)
    {
        IrType current = this;
        foreach (var part in path.Split('.'))
        {
            var field = current.Fields.FirstOrDefault(f => f.Name == part);
            if (field is null) return null;
            current = field.Type;
        }
        return current;
    }

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
        // One element: C# cannot write it in parentheses.
        string name = elements.Count == 1 ? "global::System.ValueTuple<" + elements[0].Name + ">" : "(" + string.Join(", ", parts) + ")";
        return new IrType(name, TypeKind.Tuple, elements, names);
    }

    public bool Equals(IrType? other) => other is not null && other.Name == Name;
    public override bool Equals(object? obj) => Equals(obj as IrType);
    public override int GetHashCode() => Name.GetHashCode();
    public override string ToString() => Name;
}

/// <summary>A member of a struct lowered member by member.</summary>
/// <param name="Hidden">Private or protected: code outside the type reads it through the type's <c>NablaGet_{Name}</c>.</param>
internal sealed record StructField(string Name, IrType Type, bool Differentiable, bool Hidden = false);

/// <summary>A leaf of a struct: a dotted path (of C# identifiers) to a member that is not itself such a struct.</summary>
internal sealed record StructLeaf(string Path, IrType Type, bool Differentiable);

internal enum StructConstruction
{
    /// <summary><c>new Vector3(x, y, z)</c>: the constructor takes the fields in order.</summary>
    Positional,
    /// <summary><c>T.NablaConstruct(members...)</c>, written into a [Differentiable] struct by the generator.</summary>
    Factory,
    /// <summary><c>new T.Tangent { A = a, B = b }</c>: public fields (synthesized tangents).</summary>
    Initializer,
    /// <summary><c>(a, b)</c>: a value tuple, its fields Item1, Item2, ...</summary>
    Tuple,
}
