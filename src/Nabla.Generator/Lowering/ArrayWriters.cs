// The BCL's array writers (Array.Fill, Array.Clear, Array.Copy, a.CopyTo(b, i)) on arrays of reals have no derivative of
// their own: what they write would carry none. They are what a loop of element stores does, so the lowering calls them as
// functions written here in IR, as that loop, and the inliner puts the loop in their place: the transforms then see
// element loads and stores, which they differentiate like the user's own loops.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Nabla.Generator.IR;

namespace Nabla.Generator.Lowering;

internal static class ArrayWriters
{
    private const string Prefix = "nabla-array-writer:";

    /// <summary>
    /// The inline id of a writer call on a one-dimensional array of reals, with the operands to pass it in the order
    /// <see cref="Build"/> takes them (the array arguments looked through their conversion to <c>System.Array</c>); null
    /// for any other call.
    /// </summary>
    public static (string Id, List<IOperation> Operands)? Match(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var args = invocation.Arguments;
        IOperation Arg(int k) => Unconverted(args[k].Value);
        string? Element(IOperation array) =>
            array.Type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Double or SpecialType.System_Single } t
                ? (t.ElementType.SpecialType == SpecialType.System_Double ? "double" : "float")
                : null;
        bool Ints(params int[] ks)
        {
            foreach (int k in ks)
                if (args[k].Value.Type?.SpecialType != SpecialType.System_Int32) return false;
            return true;
        }
        if (method.ContainingType?.SpecialType == SpecialType.System_Array && method.IsStatic)
        {
            switch (method.Name, args.Length)
            {
                case ("Fill", 2) when Element(Arg(0)) is { } e:
                    return (Prefix + "Fill:" + e, new List<IOperation> { Arg(0), Arg(1) });
                case ("Fill", 4) when Element(Arg(0)) is { } e && Ints(2, 3):
                    return (Prefix + "FillRange:" + e, new List<IOperation> { Arg(0), Arg(1), Arg(2), Arg(3) });
                case ("Clear", 1) when Element(Arg(0)) is { } e:
                    return (Prefix + "Clear:" + e, new List<IOperation> { Arg(0) });
                case ("Clear", 3) when Element(Arg(0)) is { } e && Ints(1, 2):
                    return (Prefix + "ClearRange:" + e, new List<IOperation> { Arg(0), Arg(1), Arg(2) });
                case ("Copy", 3) when Element(Arg(0)) is { } e && Element(Arg(1)) == e && Ints(2):
                    return (Prefix + "Copy:" + e, new List<IOperation> { Arg(0), Arg(1), Arg(2) });
                case ("Copy" or "ConstrainedCopy", 5) when Element(Arg(0)) is { } e && Element(Arg(2)) == e && Ints(1, 3, 4):
                    return (Prefix + "CopyRange:" + e, new List<IOperation> { Arg(0), Arg(1), Arg(2), Arg(3), Arg(4) });
            }
        }
        // a.CopyTo(b, index): Array.CopyTo(Array, int) on an array of reals.
        if (method is { Name: "CopyTo", IsStatic: false } && method.ContainingType?.SpecialType == SpecialType.System_Array && args.Length == 2 &&
            invocation.Instance is { } instance && Element(Unconverted(instance)) is { } element && Element(Arg(0)) == element && Ints(1))
            return (Prefix + "CopyTo:" + element, new List<IOperation> { Unconverted(instance), Arg(0), Arg(1) });
        return null;
    }

    private static IOperation Unconverted(IOperation op) =>
        op is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : op;

    /// <summary>Whether <paramref name="id"/> names one of these writers.</summary>
    public static bool IsWriter(string id) => id.StartsWith(Prefix, System.StringComparison.Ordinal);

    /// <summary>The writer <paramref name="id"/> as an IR function (a loop of element stores), or null for another id.</summary>
    public static IrFunction? Build(string id)
    {
        if (!IsWriter(id)) return null;
        var parts = id.Substring(Prefix.Length).Split(':');
        if (parts.Length != 2) return null;
        var element = parts[1] == "double" ? IrType.Double : IrType.Single;
        var array = IrType.ArrayOf(element);
        var f = new IrFunction("Nabla" + parts[0], IrType.Void);
        var b = new IrBuilder(f, f.NewBlock());
        switch (parts[0])
        {
            case "Fill":
            {
                var a = f.AddParameter("array", array);
                var value = f.AddParameter("value", element);
                Loop(f, b, b.Const(IrType.Int32, "0"), Length(b, a), forward: true, (lb, i) => lb.ArrayStore(a, new[] { i }, value));
                break;
            }
            case "FillRange":
            {
                var a = f.AddParameter("array", array);
                var value = f.AddParameter("value", element);
                var start = f.AddParameter("startIndex", IrType.Int32);
                var count = f.AddParameter("count", IrType.Int32);
                Loop(f, b, start, b.Binary(BinaryOp.Add, start, count, IrType.Int32), forward: true, (lb, i) => lb.ArrayStore(a, new[] { i }, value));
                break;
            }
            case "Clear":
            {
                var a = f.AddParameter("array", array);
                Loop(f, b, b.Const(IrType.Int32, "0"), Length(b, a), forward: true, (lb, i) => lb.ArrayStore(a, new[] { i }, lb.Zero(element)));
                break;
            }
            case "ClearRange":
            {
                var a = f.AddParameter("array", array);
                var index = f.AddParameter("index", IrType.Int32);
                var length = f.AddParameter("length", IrType.Int32);
                Loop(f, b, index, b.Binary(BinaryOp.Add, index, length, IrType.Int32), forward: true, (lb, i) => lb.ArrayStore(a, new[] { i }, lb.Zero(element)));
                break;
            }
            case "Copy":
            {
                var source = f.AddParameter("sourceArray", array);
                var destination = f.AddParameter("destinationArray", array);
                var length = f.AddParameter("length", IrType.Int32);
                Loop(f, b, b.Const(IrType.Int32, "0"), length, forward: true,
                    (lb, i) => lb.ArrayStore(destination, new[] { i }, lb.ArrayLoad(source, new[] { i })));
                break;
            }
            case "CopyRange":
            case "CopyTo":
            {
                Value source, sourceIndex, destination, destinationIndex, length;
                if (parts[0] == "CopyRange")
                {
                    source = f.AddParameter("sourceArray", array);
                    sourceIndex = f.AddParameter("sourceIndex", IrType.Int32);
                    destination = f.AddParameter("destinationArray", array);
                    destinationIndex = f.AddParameter("destinationIndex", IrType.Int32);
                    length = f.AddParameter("length", IrType.Int32);
                }
                else
                {
                    source = f.AddParameter("array", array);
                    destination = f.AddParameter("destination", array);
                    destinationIndex = f.AddParameter("index", IrType.Int32);
                    sourceIndex = b.Const(IrType.Int32, "0");
                    length = Length(b, source);
                }
                // Within one array, a copy to a later index runs backwards (as Array.Copy, which copies overlapping ranges
                // as if through a temporary); between two arrays either order is the same.
                var backwards = b.Binary(BinaryOp.Gt, destinationIndex, sourceIndex, IrType.Bool);
                var forwardBlock = f.NewBlock();
                var backwardBlock = f.NewBlock();
                var done = f.NewBlock();
                b.Block.Terminator = Terminator.Branch(backwards, new Edge(backwardBlock), new Edge(forwardBlock));
                void Body(IrBuilder lb, Value i) =>
                    lb.ArrayStore(destination, new[] { lb.Binary(BinaryOp.Add, destinationIndex, i, IrType.Int32) },
                        lb.ArrayLoad(source, new[] { lb.Binary(BinaryOp.Add, sourceIndex, i, IrType.Int32) }));
                b.Block = forwardBlock;
                Loop(f, b, b.Const(IrType.Int32, "0"), length, forward: true, Body);
                b.Jump(done);
                b.Block = backwardBlock;
                Loop(f, b, b.Const(IrType.Int32, "0"), length, forward: false, Body);
                b.Jump(done);
                b.Block = done;
                break;
            }
            default:
                return null;
        }
        b.Block.Terminator = Terminator.Return(null);
        return f;
    }

    private static Value Length(IrBuilder b, Value array)
    {
        var length = b.EmitInstr(Op.Member, IrType.Int32, new List<Value> { array });
        length.Text = "Length";
        return length.Result!;
    }

    /// <summary>
    /// <c>for (int i = from; i &lt; to; i++) body(i)</c>, or from <c>to − 1</c> down to <c>from</c>, written as the lowering
    /// writes a C# for loop (a header whose parameter is the index); leaves <paramref name="b"/> at the block after it.
    /// </summary>
    private static void Loop(IrFunction f, IrBuilder b, Value from, Value to, bool forward, System.Action<IrBuilder, Value> body)
    {
        var header = f.NewBlock();
        var bodyBlock = f.NewBlock();
        var exit = f.NewBlock();
        var i = f.NewValue(IrType.Int32, "i");
        i.ParameterOf = header;
        header.Params.Add(i);
        var one = b.Const(IrType.Int32, "1");
        b.Jump(header, new List<Value> { forward ? from : b.Binary(BinaryOp.Sub, to, one, IrType.Int32) });
        b.Block = header;
        var more = forward ? b.Binary(BinaryOp.Lt, i, to, IrType.Bool) : b.Binary(BinaryOp.Ge, i, from, IrType.Bool);
        b.Block.Terminator = Terminator.Branch(more, new Edge(bodyBlock), new Edge(exit));
        b.Block = bodyBlock;
        body(b, i);
        var next = b.Binary(forward ? BinaryOp.Add : BinaryOp.Sub, i, one, IrType.Int32);
        b.Jump(header, new List<Value> { next });
        b.Block = exit;
    }
}
