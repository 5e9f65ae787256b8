// Writes the C# of each tangent operation (+, -, scale, Dot, Count, flat view, Move, zero) for one
// member shape; arrays get private helper methods, one per shape and operation, written once.
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.Pipeline;

namespace Nabla.Generator.Emit;

internal sealed class TangentOps
{
    private const string Invariant = "global::System.Globalization.CultureInfo.InvariantCulture";

    /// <summary>Helpers of the Tangent struct, by name (sorted when written, so output is deterministic).</summary>
    public SortedDictionary<string, string> TangentHelpers { get; } = new(System.StringComparer.Ordinal);
    /// <summary>Helpers of the differentiable type itself (Move, zero shaped like a value).</summary>
    public SortedDictionary<string, string> PrimalHelpers { get; } = new(System.StringComparer.Ordinal);

    private static string Item(string tuple, int k) => tuple + ".Item" + (k + 1);

    private static string TupleOf(TupleShape t, System.Func<int, string> element) =>
        "(" + string.Join(", ", Enumerable.Range(0, t.Elements.Length).Select(element)) + ")";

    // ---- Expressions on tangents ----

    public string Add(TangentShape s, string a, string b) => s switch
    {
        TupleShape t => TupleOf(t, k => Add(t.Elements[k], Item(a, k), Item(b, k))),
        ArrayShape r => Call(r, "Add", $"{a}, {b}"),
        _ => $"({a} + {b})",
    };

    public string Subtract(TangentShape s, string a, string b) => s switch
    {
        TupleShape t => TupleOf(t, k => Subtract(t.Elements[k], Item(a, k), Item(b, k))),
        ArrayShape r => Call(r, "Subtract", $"{a}, {b}"),
        _ => $"({a} - {b})",
    };

    public string Negate(TangentShape s, string a) => s switch
    {
        TupleShape t => TupleOf(t, k => Negate(t.Elements[k], Item(a, k))),
        ArrayShape r => Call(r, "Negate", a),
        _ => $"(-{a})",
    };

    public string Scale(TangentShape s, string k, string a) => s switch
    {
        ScalarShape { Kind: ScalarKind.Double } => $"({k} * {a})",
        ScalarShape { Kind: ScalarKind.Single } => $"(float)({k} * {a})",
        ScalarShape g => $"({g.Name}.CreateTruncating({k}) * {a})",
        VectorShape v => $"new {v.Tangent}({string.Join(", ", VectorShape.Components.Take(v.N).Select(c => $"(float)({k} * {a}.{c})"))})",
        TupleShape t => TupleOf(t, e => Scale(t.Elements[e], k, Item(a, e))),
        ArrayShape r => Call(r, "Scale", $"{k}, {a}"),
        _ => $"({k} * {a})",
    };

    /// <summary>A copy that shares no array with <paramref name="a"/>.</summary>
    public string Copy(TangentShape s, string a) => s switch
    {
        TupleShape t => TupleOf(t, k => Copy(t.Elements[k], Item(a, k))),
        ArrayShape r => Call(r, "Copy", a),
        NestedShape n => $"({a} + {n.TangentType}.Zero)",
        _ => a,
    };

    public string Dot(TangentShape s, string a, string b) => s switch
    {
        ScalarShape { Kind: ScalarKind.Double } => $"{a} * {b}",
        ScalarShape { Kind: ScalarKind.Single } => $"(double){a} * {b}",
        ScalarShape => $"double.CreateTruncating({a}) * double.CreateTruncating({b})",
        VectorShape v => string.Join(" + ", VectorShape.Components.Take(v.N).Select(c => $"(double){a}.{c} * {b}.{c}")),
        TupleShape t => string.Join(" + ", t.Elements.Select((e, k) => Dot(e, Item(a, k), Item(b, k)))),
        ArrayShape r => Call(r, "Dot", $"{a}, {b}"),
        NestedShape n => $"{n.TangentType}.Dot({a}, {b})",
        _ => throw new System.InvalidOperationException(s.GetType().Name),
    };

    public string Count(TangentShape s, string a) => s.FixedCount is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : s switch
    {
        TupleShape t => string.Join(" + ", t.Elements.Select((e, k) => Count(e, Item(a, k)))),
        ArrayShape r => Call(r, "Count", a),
        _ => $"{a}.Count",
    };

    /// <summary>The zero tangent of static <c>Zero</c>: arrays empty (zero of any length).</summary>
    public string Zero(TangentShape s) => s switch
    {
        ScalarShape { Kind: ScalarKind.Double } => "0d",
        ScalarShape { Kind: ScalarKind.Single } => "0f",
        ScalarShape g => $"{g.Name}.Zero",
        VectorShape v => $"default({v.Tangent})",
        TupleShape t => TupleOf(t, k => Zero(t.Elements[k])),
        ArrayShape { Rank: 1 } r => $"global::System.Array.Empty<{r.Element.Tangent}>()",
        ArrayShape r => EmptyMatrix(r),
        NestedShape n => $"{n.TangentType}.Zero",
        _ => throw new System.InvalidOperationException(s.GetType().Name),
    };

    public string Equal(TangentShape s, string a, string b) => s switch
    {
        TupleShape t => "(" + string.Join(" && ", t.Elements.Select((e, k) => Equal(e, Item(a, k), Item(b, k)))) + ")",
        ArrayShape r => Call(r, "Equal", $"{a}, {b}"),
        _ => $"{a}.Equals({b})",
    };

    /// <summary>Adds <paramref name="a"/> to the HashCode <paramref name="h"/>, consistently with <see cref="Equal"/> (arrays by length).</summary>
    public void Hash(SourceWriter w, TangentShape s, string a, string h)
    {
        switch (s)
        {
            case TupleShape t:
                for (int k = 0; k < t.Elements.Length; k++) Hash(w, t.Elements[k], Item(a, k), h);
                break;
            case ArrayShape:
                w.Line($"{h}.Add({a}?.Length ?? 0);");
                break;
            default:
                w.Line($"{h}.Add({a});");
                break;
        }
    }

    // ---- The flat view ----

    /// <summary>Statements writing <paramref name="a"/>'s reals into span <c>d</c> from offset <c>o</c>, advancing it.</summary>
    public void CopyTo(SourceWriter w, TangentShape s, string a, bool toFloat)
    {
        switch (s)
        {
            case ScalarShape c:
                w.Line($"d[o++] = {Convert(c, a, toFloat)};");
                break;
            case VectorShape v:
                foreach (var c in VectorShape.Components.Take(v.N)) w.Line($"d[o++] = {a}.{c};");
                break;
            case TupleShape t:
                for (int k = 0; k < t.Elements.Length; k++) CopyTo(w, t.Elements[k], Item(a, k), toFloat);
                break;
            case ArrayShape r:
                w.Line($"o = {Call(r, toFloat ? "CopyToSingle" : "CopyToDouble", $"{a}, d, o")};");
                break;
            case NestedShape:
                w.Line($"o += NablaWrite({a}, d.Slice(o));");
                break;
        }
    }

    /// <summary>An expression reading a tangent shaped like <paramref name="a"/> from span <c>s</c> at offset <c>o</c>, advancing it.</summary>
    public string Read(TangentShape s, string a, bool fromFloat) => s switch
    {
        ScalarShape { Kind: ScalarKind.Double } => "s[o++]",
        ScalarShape { Kind: ScalarKind.Single } => fromFloat ? "s[o++]" : "(float)s[o++]",
        ScalarShape g => $"{g.Name}.CreateTruncating(s[o++])",
        VectorShape v => $"new {v.Tangent}({string.Join(", ", Enumerable.Repeat(fromFloat ? "s[o++]" : "(float)s[o++]", v.N))})",
        TupleShape t => TupleOf(t, k => Read(t.Elements[k], Item(a, k), fromFloat)),
        ArrayShape r => Call(r, fromFloat ? "ReadSingle" : "ReadDouble", $"{a}, s, ref o"),
        NestedShape => $"NablaRead({a}, s, ref o)",
        _ => throw new System.InvalidOperationException(s.GetType().Name),
    };

    private static string Convert(ScalarShape c, string a, bool toFloat) => c.Kind switch
    {
        ScalarKind.Double => toFloat ? $"(float){a}" : a,
        ScalarKind.Single => a,
        _ => toFloat ? $"float.CreateTruncating({a})" : $"double.CreateTruncating({a})",
    };

    /// <summary>Statements appending <paramref name="a"/> to StringBuilder <c>sb</c>.</summary>
    public void Format(SourceWriter w, TangentShape s, string a)
    {
        switch (s)
        {
            case ScalarShape { Kind: ScalarKind.Generic }:
                w.Line($"sb.Append({a}.ToString(null, {Invariant}));");
                break;
            case ScalarShape:
                w.Line($"sb.Append({a}.ToString({Invariant}));");
                break;
            case VectorShape:
                w.Line($"sb.Append({a}.ToString(\"G\", {Invariant}));");
                break;
            case TupleShape t:
                w.Line("sb.Append('(');");
                for (int k = 0; k < t.Elements.Length; k++)
                {
                    if (k > 0) w.Line("sb.Append(\", \");");
                    Format(w, t.Elements[k], Item(a, k));
                }
                w.Line("sb.Append(')');");
                break;
            case ArrayShape r:
                w.Line(Call(r, "Format", $"sb, {a}") + ";");
                break;
            default:
                w.Line($"sb.Append({a}.ToString());");
                break;
        }
    }

    // ---- The primal side: Move and zero tangents shaped like a value ----

    /// <summary>Statements moving the variable <paramref name="p"/> along <paramref name="t"/> in place.</summary>
    public void Move(SourceWriter w, TangentShape s, string p, string t)
    {
        switch (s)
        {
            case TupleShape tuple:
                for (int k = 0; k < tuple.Elements.Length; k++) Move(w, tuple.Elements[k], Item(p, k), Item(t, k));
                break;
            case ArrayShape r:
                w.Line(PrimalCall(r, "Move", $"{p}, {t}") + ";");
                break;
            case NestedShape { PrimalIsClass: true }:
                w.Line($"{p}?.Move({t});");
                break;
            case NestedShape:
                w.Line($"{p}.Move({t});");
                break;
            default:
                w.Line($"{p} += {t};");
                break;
        }
    }

    /// <summary>The zero tangent shaped like the value <paramref name="p"/> (arrays as long as its arrays).</summary>
    public string ZeroOf(TangentShape s, string p) => s switch
    {
        TupleShape t => TupleOf(t, k => ZeroOf(t.Elements[k], Item(p, k))),
        ArrayShape r => PrimalCall(r, "ZeroOf", p),
        NestedShape { PrimalIsClass: true } n => $"({p} is null ? {n.TangentType}.Zero : {p}.ZeroTangent())",
        NestedShape => $"{p}.ZeroTangent()",
        _ => Zero(s),
    };

    // ---- Array helpers ----

    private string EmptyMatrix(ArrayShape r)
    {
        string name = "NablaEmpty_" + r.Key;
        TangentHelpers[name] = $"private static readonly {r.Tangent} {name} = new {r.Element.Tangent}[0, 0];\n";
        return name;
    }

    private string Call(ArrayShape r, string op, string args)
    {
        string name = "Nabla" + op + "_" + r.Key;
        if (!TangentHelpers.ContainsKey(name))
        {
            TangentHelpers[name] = ""; // reserve: writing the body may request element helpers
            TangentHelpers[name] = WriteTangentHelper(r, op, name);
        }
        return $"{name}({args})";
    }

    private string PrimalCall(ArrayShape r, string op, string args)
    {
        string name = "Nabla" + op + "_" + r.Key;
        if (!PrimalHelpers.ContainsKey(name))
        {
            PrimalHelpers[name] = "";
            PrimalHelpers[name] = WritePrimalHelper(r, op, name);
        }
        return $"{name}({args})";
    }

    /// <summary>The loop header over every index of an array, and the index text.</summary>
    private static (string[] Loops, string Index) Loop(ArrayShape r, string a) => r.Rank == 1
        ? (new[] { $"for (int i = 0; i < {a}.Length; i++)" }, "[i]")
        : (new[] { $"for (int i = 0; i < {a}.GetLength(0); i++)", $"for (int j = 0; j < {a}.GetLength(1); j++)" }, "[i, j]");

    private static string New(ArrayShape r, string like) => r.Rank == 1
        ? $"NablaNewArray<{r.Element.Tangent}>({like}.Length)"
        : $"new {r.Element.Tangent}[{like}.GetLength(0), {like}.GetLength(1)]";

    private static string SameShape(ArrayShape r, string a, string b) => r.Rank == 1
        ? $"NablaSameLength({a}.Length, {b}.Length);"
        : $"NablaSameLength({a}.GetLength(0), {b}.GetLength(0)); NablaSameLength({a}.GetLength(1), {b}.GetLength(1));";

    private static void ForEach(SourceWriter w, ArrayShape r, string a, string body)
    {
        var (loops, _) = Loop(r, a);
        foreach (var l in loops) w.Line(l);
        w.Indent++;
        w.Line(body);
        w.Indent--;
    }

    private string WriteTangentHelper(ArrayShape r, string op, string name)
    {
        var w = new SourceWriter();
        string T = r.Tangent;
        var (_, ix) = Loop(r, "a");
        string Empty(string x) => $"{x} is null || {x}.Length == 0";
        switch (op)
        {
            case "Add":
            case "Subtract":
                w.Open($"private static {T} {name}({T} a, {T} b)");
                w.Line($"if ({Empty("b")}) return {Copy(r, "a")};");
                w.Line($"if ({Empty("a")}) return {(op == "Add" ? Copy(r, "b") : Negate(r, "b"))};");
                w.Line(SameShape(r, "a", "b"));
                w.Line($"var c = {New(r, "a")};");
                ForEach(w, r, "a", $"c{ix} = {(op == "Add" ? Add(r.Element, "a" + ix, "b" + ix) : Subtract(r.Element, "a" + ix, "b" + ix))};");
                w.Line("return c;");
                break;
            case "Negate":
            case "Copy":
                w.Open($"private static {T} {name}({T} a)");
                w.Line($"if ({Empty("a")}) return a;");
                w.Line($"var c = {New(r, "a")};");
                ForEach(w, r, "a", $"c{ix} = {(op == "Negate" ? Negate(r.Element, "a" + ix) : Copy(r.Element, "a" + ix))};");
                w.Line("return c;");
                break;
            case "Scale":
                w.Open($"private static {T} {name}(double k, {T} a)");
                w.Line($"if ({Empty("a")}) return a;");
                w.Line($"var c = {New(r, "a")};");
                ForEach(w, r, "a", $"c{ix} = {Scale(r.Element, "k", "a" + ix)};");
                w.Line("return c;");
                break;
            case "Dot":
                w.Open($"private static double {name}({T} a, {T} b)");
                w.Line($"if ({Empty("a")} || {Empty("b")}) return 0d;");
                w.Line(SameShape(r, "a", "b"));
                w.Line("double sum = 0d;");
                ForEach(w, r, "a", $"sum += {Dot(r.Element, "a" + ix, "b" + ix)};");
                w.Line("return sum;");
                break;
            case "Count":
                w.Open($"private static int {name}({T} a)");
                w.Line("if (a is null) return 0;");
                if (r.Element.FixedCount is { } n)
                    w.Line(n == 1 ? "return a.Length;" : $"return a.Length * {n};");
                else
                {
                    w.Line("int n = 0;");
                    ForEach(w, r, "a", $"n += {Count(r.Element, "a" + ix)};");
                    w.Line("return n;");
                }
                break;
            case "CopyToDouble":
            case "CopyToSingle":
            {
                bool toFloat = op == "CopyToSingle";
                w.Open($"private static int {name}({T} a, global::System.Span<{(toFloat ? "float" : "double")}> d, int o)");
                w.Line("if (a is null) return o;");
                if (r.Rank == 1 && r.Element is ScalarShape { Kind: not ScalarKind.Generic } sc && (sc.Kind == ScalarKind.Single) == toFloat)
                {
                    w.Line("global::System.MemoryExtensions.AsSpan(a).CopyTo(d.Slice(o));");
                    w.Line("return o + a.Length;");
                    break;
                }
                var (loops, _) = Loop(r, "a");
                foreach (var l in loops) w.Line(l);
                w.Line("{");
                w.Indent++;
                CopyTo(w, r.Element, "a" + ix, toFloat);
                w.Indent--;
                w.Line("}");
                w.Line("return o;");
                break;
            }
            case "ReadDouble":
            case "ReadSingle":
            {
                bool fromFloat = op == "ReadSingle";
                w.Open($"private static {T} {name}({T} a, global::System.ReadOnlySpan<{(fromFloat ? "float" : "double")}> s, ref int o)");
                w.Line("if (a is null) return null;");
                w.Line($"var c = {New(r, "a")};");
                ForEach(w, r, "a", $"c{ix} = {Read(r.Element, "a" + ix, fromFloat)};");
                w.Line("return c;");
                break;
            }
            case "Equal":
                w.Open($"private static bool {name}({T} a, {T} b)");
                w.Line($"if ({Empty("a")} || {Empty("b")}) return ({Empty("a")}) && ({Empty("b")});");
                if (r.Rank == 1) w.Line("if (a.Length != b.Length) return false;");
                else w.Line("if (a.GetLength(0) != b.GetLength(0) || a.GetLength(1) != b.GetLength(1)) return false;");
                ForEach(w, r, "a", $"if (!{Equal(r.Element, "a" + ix, "b" + ix)}) return false;");
                w.Line("return true;");
                break;
            case "Format":
                w.Open($"private static void {name}(global::System.Text.StringBuilder sb, {T} a)");
                w.Line("sb.Append('[');");
                w.Line("bool first = true;");
                w.Line("if (a is not null)");
                w.Indent++;
                var (fl, _) = Loop(r, "a");
                foreach (var l in fl) w.Line(l);
                w.Line("{");
                w.Indent++;
                w.Line("if (!first) sb.Append(\", \");");
                w.Line("first = false;");
                Format(w, r.Element, "a" + ix);
                w.Indent--;
                w.Line("}");
                w.Indent--;
                w.Line("sb.Append(']');");
                break;
            default:
                throw new System.InvalidOperationException(op);
        }
        w.Close();
        return w.ToString();
    }

    private string WritePrimalHelper(ArrayShape r, string op, string name)
    {
        var w = new SourceWriter();
        string P = r.Primal!, T = r.Tangent;
        var (loops, ix) = Loop(r, "p");
        switch (op)
        {
            case "Move":
                w.Open($"private static void {name}({P} p, {T} t)");
                w.Line("if (t is null || t.Length == 0) return;");
                if (r.Rank == 1) w.Line("Tangent.NablaSameLength(p?.Length ?? 0, t.Length);");
                else w.Line("Tangent.NablaSameLength(p?.GetLength(0) ?? 0, t.GetLength(0)); Tangent.NablaSameLength(p.GetLength(1), t.GetLength(1));");
                foreach (var l in loops) w.Line(l);
                w.Line("{");
                w.Indent++;
                Move(w, r.Element, "p" + ix, "t" + ix);
                w.Indent--;
                w.Line("}");
                break;
            case "ZeroOf":
                w.Open($"private static {T} {name}({P} p)");
                w.Line("if (p is null) return null;");
                w.Line($"var c = {New(r, "p").Replace("NablaNewArray", "Tangent.NablaNewArray")};");
                // Reals and vectors are zero by default; tangents with a shape get one like the element's.
                if (r.Element is not (ScalarShape { Kind: not ScalarKind.Generic } or VectorShape))
                    ForEach(w, r, "p", $"c{ix} = {ZeroOf(r.Element, "p" + ix)};");
                w.Line("return c;");
                break;
            default:
                throw new System.InvalidOperationException(op);
        }
        w.Close();
        return w.ToString();
    }
}
