// Appends instructions to a block of an IR function; used by lowering and by the AD transforms.
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Nabla.Generator.IR;

internal sealed class IrBuilder
{
    public IrBuilder(IrFunction function, Block? block = null)
    {
        Function = function;
        Block = block ?? (function.Blocks.Count > 0 ? function.Blocks[0] : function.NewBlock());
    }

    public IrFunction Function { get; }
    /// <summary>The block instructions are appended to.</summary>
    public Block Block { get; set; }
    /// <summary>The source statement attached to new instructions.</summary>
    public SourceInfo Source { get; set; } = SourceInfo.None;

    public Value Emit(Op op, IrType type, List<Value> operands, string? name = null)
    {
        var v = Function.NewValue(type, name);
        Block.Instrs.Add(new Instr(op, v, operands, Source));
        return v;
    }

    public Instr EmitInstr(Op op, IrType? type, List<Value> operands, string? name = null)
    {
        var v = type is null || type.Kind == TypeKind.Void ? null : Function.NewValue(type, name);
        var i = new Instr(op, v, operands, Source);
        Block.Instrs.Add(i);
        return i;
    }

    public Value Const(IrType type, string text)
    {
        var i = EmitInstr(Op.Const, type, new List<Value>());
        i.Text = text;
        return i.Result!;
    }

    public Value Zero(IrType type) => Const(type, ZeroLiteral(type));

    public Value One(IrType type) => Const(type, type.Kind == TypeKind.Single ? "1f" : "1d");

    public static string ZeroLiteral(IrType type) => type.Kind switch
    {
        TypeKind.Single => "0f",
        TypeKind.Double => "0d",
        TypeKind.Integer => "0",
        TypeKind.Bool => "false",
        _ => "default(" + type.Name + ")",
    };

    public static string RealLiteral(IrType type, double value) => type.Kind == TypeKind.Single
        ? ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f"
        : value.ToString("R", CultureInfo.InvariantCulture) + "d";

    public Value Binary(BinaryOp op, Value a, Value b, IrType? type = null, string? name = null)
    {
        var i = EmitInstr(Op.Binary, type ?? a.Type, new List<Value> { a, b }, name);
        i.BinaryOp = op;
        return i.Result!;
    }

    public Value Unary(UnaryOp op, Value a, string? name = null)
    {
        var i = EmitInstr(Op.Unary, a.Type, new List<Value> { a }, name);
        i.UnaryOp = op;
        return i.Result!;
    }

    public Value Convert(Value a, IrType to, string? name = null) =>
        a.Type.Equals(to) ? a : Emit(Op.Convert, to, new List<Value> { a }, name);

    public Value Load(Var v, string? name = null)
    {
        var i = EmitInstr(Op.LoadVar, v.Type, new List<Value>(), name);
        i.Var = v;
        return i.Result!;
    }

    public void Store(Var v, Value value)
    {
        var i = EmitInstr(Op.StoreVar, null, new List<Value> { value });
        i.Var = v;
    }

    /// <summary>var += value, in the "read adjoint, accumulate" rhythm of emitted pullbacks.</summary>
    public void AddTo(Var v, Value value)
    {
        var old = Load(v);
        Store(v, Binary(BinaryOp.Add, old, Convert(value, v.Type)));
    }

    public Value ArrayLoad(Value array, IEnumerable<Value> indices, string? name = null)
    {
        var ops = new List<Value> { array };
        ops.AddRange(indices);
        return Emit(Op.ArrayLoad, array.Type.Element, ops, name);
    }

    public void ArrayStore(Value array, IEnumerable<Value> indices, Value value, Op op = Op.ArrayStore, string? memberPath = null)
    {
        var ops = new List<Value> { array };
        ops.AddRange(indices);
        ops.Add(value);
        EmitInstr(op, null, ops).Text = memberPath;
    }

    /// <summary><c>value.path</c>: a member (a dotted path through nested members) of a struct value.</summary>
    public Value Member(Value value, string path, IrType type, string? name = null)
    {
        var i = EmitInstr(Op.Member, type, new List<Value> { value }, name);
        i.Text = path;
        return i.Result!;
    }

    /// <summary>The real leaves of a tangent value: itself for a real, its members in <see cref="IrType.Leaves"/> order for a struct.</summary>
    public List<Value> TangentLeaves(Value tangent) => tangent.Type.IsReal
        ? new List<Value> { tangent }
        : tangent.Type.Leaves.Where(l => l.Differentiable).Select(l => Member(tangent, l.Path, l.Type)).ToList();

    /// <summary>A tangent of type <paramref name="tangentType"/> (a real or a struct of reals) from its real leaves.</summary>
    public Value FromTangentLeaves(IrType tangentType, List<Value> leaves) =>
        tangentType.IsReal ? leaves[0] : Emit(Op.MakeStruct, tangentType, leaves);

    /// <summary>The types of a tangent's real leaves: itself for a real, its differentiable members' for a struct.</summary>
    public static List<IrType> TangentLeafTypes(IrType tangentType) => tangentType.IsReal
        ? new List<IrType> { tangentType }
        : tangentType.Leaves.Where(l => l.Differentiable).Select(l => l.Type).ToList();

    /// <summary>The tangent with 1 at leaf <paramref name="leaf"/> and 0 elsewhere.</summary>
    public Value Basis(IrType tangentType, int leaf) =>
        FromTangentLeaves(tangentType, TangentLeafTypes(tangentType).Select((t, k) => k == leaf ? One(t) : Zero(t)).ToList());

    /// <summary>The inner product of two tangents of one type, as a value of type <paramref name="result"/>.</summary>
    public Value Dot(Value x, Value y, IrType result)
    {
        var xs = TangentLeaves(x);
        var ys = TangentLeaves(y);
        Value? sum = null;
        for (int k = 0; k < xs.Count; k++)
        {
            var term = Binary(BinaryOp.Mul, Convert(xs[k], result), Convert(ys[k], result));
            sum = sum is null ? term : Binary(BinaryOp.Add, sum, term);
        }
        return sum ?? Zero(result);
    }

    public Value NewArray(IrType arrayType, IEnumerable<Value> lengths, string? name = null) =>
        Emit(Op.NewArray, arrayType, new List<Value>(lengths), name);

    /// <summary>A span of type <paramref name="spanType"/> viewing <paramref name="source"/> (an array or a span): all of it, or <paramref name="length"/> elements from <paramref name="start"/>.</summary>
    public Value Slice(Value source, IrType spanType, Value? start = null, Value? length = null, string? name = null)
    {
        var operands = new List<Value> { source };
        if (start != null) operands.Add(start);
        if (length != null) operands.Add(length);
        return Emit(Op.Slice, spanType, operands, name);
    }

    /// <summary>
    /// Whether <paramref name="callee"/> is the runtime's zeros-like helper (what <see cref="ZerosLike"/> calls, also when
    /// generated code calling it is lowered again): its result depends on its input's shape only, never on its values.
    /// </summary>
    public static bool MakesZerosLike(Callee callee)
    {
        string name = callee.DisplayName.StartsWith("global::", System.StringComparison.Ordinal) ? callee.DisplayName.Substring("global::".Length) : callee.DisplayName;
        return name.StartsWith("Nabla.CompilerServices.Shadow.ZerosLike", System.StringComparison.Ordinal) ||
               name.StartsWith("Nabla.CompilerServices.Shadow.TangentsLike", System.StringComparison.Ordinal);
    }

    /// <summary>A tangent (shadow) of zeros shaped like <paramref name="array"/>, a value of the function being built.</summary>
    public Value ZerosLike(Value array) => array.Type.IsStructArray
        ? CallHelper("global::Nabla.CompilerServices.Shadow.TangentsLike<" + array.Type.Element.Tangent.Name + ">", array.Type.Tangent, array)!
        : CallHelper("global::Nabla.CompilerServices.Shadow.ZerosLike", array.Type.OwnedTangent, array)!;

    /// <summary>A call to a static helper of the runtime (or the BCL) that has no derivative of its own.</summary>
    public Value? CallHelper(string method, IrType resultType, params Value[] args)
    {
        var i = Call(new Callee(method, method, true, null), null, args.Select(a => new Argument(a)).ToList(), resultType);
        return i.Result;
    }

    public Value MakeTuple(List<Value> items, IrType type) => Emit(Op.MakeTuple, type, items);

    public Value TupleGet(Value tuple, int index, string? name = null)
    {
        var i = EmitInstr(Op.TupleGet, tuple.Type.Elements[index], new List<Value> { tuple }, name);
        i.Index = index;
        return i.Result!;
    }

    public Instr Call(Callee callee, Value? receiver, List<Argument> args, IrType resultType, string? name = null)
    {
        var i = EmitInstr(Op.Call, resultType, receiver is null ? new List<Value>() : new List<Value> { receiver }, name);
        i.Callee = callee;
        i.Arguments = args;
        return i;
    }

    public void Jump(Block target, List<Value>? args = null) =>
        Block.Terminator = Terminator.Jump(new Edge(target, args), Source);
}
