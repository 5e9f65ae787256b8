// Virtual calls in differentiable code: a call of a virtual [Differentiable] method of a class, or of an interface
// method, becomes a chain of run-time type tests, most derived first, each calling that override's (implementation's)
// own derivatives, so that the derivative
// of a virtual call is the derivative of the override that runs (API.md §6). The overrides are those of this
// compilation; a receiver of a class that is not (an override from another assembly) gets the method's own
// derivatives, or, for an abstract method, a NotDifferentiableException naming it.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class VirtualDispatch
{
    public static void Run(IrFunction f)
    {
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var block in f.Blocks.ToList())
            {
                int k = block.Instrs.FindIndex(i => i.Op == Op.Call && ReceiverOf(i) != null &&
                    i.Callee is { } c && (c.Overrides is { Count: > 0 } || c.IsAbstractMethod));
                if (k < 0) continue;
                Dispatch(f, block, k);
                changed = true;
                break;
            }
        }
    }

    private static void Dispatch(IrFunction f, Block block, int index)
    {
        var call = block.Instrs[index];
        var callee = call.Callee!;
        var receiver = ReceiverOf(call)!;
        var continuation = Detached(f);
        continuation.Instrs.AddRange(block.Instrs.Skip(index + 1));
        continuation.Terminator = block.Terminator;
        block.Instrs.RemoveRange(index, block.Instrs.Count - index);
        Value? result = null;
        if (call.Result != null)
        {
            result = f.NewValue(call.Result.Type, call.Result.Name);
            result.ParameterOf = continuation;
            continuation.Params.Add(result);
        }
        var added = new List<Block>();
        Block current = block;
        Edge Done(Instr c) => new(continuation, c.Result is null ? null : new List<Value> { c.Result });
        Instr CallOn(Block b, Value on, Callee target)
        {
            // A differentiable class's receiver is the derivatives' first argument, not an operand.
            bool asArgument = target.ReceiverAsArgument;
            var c = new Instr(Op.Call, call.Result is null ? null : f.NewValue(call.Result.Type, call.Result.Name), asArgument ? new List<Value>() : new List<Value> { on }, call.Source)
            {
                Callee = target,
                Arguments = call.Arguments?.Select((a, k) => new Argument(asArgument && k == 0 ? on : a.Value, a.RefKind, a.Variable)).ToList(),
            };
            b.Instrs.Add(c);
            return c;
        }
        foreach (var (type, over) in callee.Overrides ?? new List<(IrType, Callee)>())
        {
            var test = new IrBuilder(f, current) { Source = call.Source }.EmitInstr(Op.IsType, IrType.Bool, new List<Value> { receiver });
            test.Text = type.Name;
            var yes = Detached(f);
            var no = Detached(f);
            added.Add(yes);
            added.Add(no);
            current.Terminator = Terminator.Branch(test.Result!, new Edge(yes), new Edge(no), call.Source);
            var cast = new IrBuilder(f, yes) { Source = call.Source }.Convert(receiver, type);
            yes.Terminator = Terminator.Jump(Done(CallOn(yes, cast, over)), call.Source);
            current = no;
        }
        if (callee.IsAbstractMethod && (callee.Overrides is null || callee.Overrides.Count == 0))
        {
            // No override or implementation here at all: a call that throws, so that the code after it stays reachable.
            var b = new IrBuilder(f, current) { Source = call.Source };
            var name = b.Const(new IrType("string", TypeKind.Other), SymbolDisplay.FormatLiteral(callee.DisplayName, quote: true));
            var why = b.Const(new IrType("string", TypeKind.Other), SymbolDisplay.FormatLiteral(NotSeen, quote: true));
            string helper = "global::Nabla.CompilerServices.Dispatch.NotDispatched" + (call.Result is null ? "" : "<" + call.Result.Type.Name + ">");
            var thrower = b.Call(new Callee(helper, helper, true, null, IsStopGradient: true), null, new List<Argument> { new(name), new(why) }, call.Result?.Type ?? IrType.Void);
            current.Terminator = Terminator.Jump(Done(thrower), call.Source);
        }
        else if (callee.IsAbstractMethod)
        {
            var b = new IrBuilder(f, current) { Source = call.Source };
            var name = b.Const(new IrType("string", TypeKind.Other), SymbolDisplay.FormatLiteral(callee.DisplayName, quote: true));
            var why = b.Const(new IrType("string", TypeKind.Other), SymbolDisplay.FormatLiteral(NotSeen, quote: true));
            var error = b.EmitInstr(Op.New, new IrType("global::Nabla.NotDifferentiableException", TypeKind.Other), new List<Value>());
            error.Text = "global::Nabla.NotDifferentiableException";
            error.Arguments = new List<Argument> { new(name), new(why) };
            current.Terminator = Terminator.Throw(error.Result!, call.Source);
        }
        else
        {
            current.Terminator = Terminator.Jump(Done(CallOn(current, receiver, callee with { Overrides = null })), call.Source);
        }
        int at = f.Blocks.IndexOf(block) + 1;
        added.Add(continuation);
        f.Blocks.InsertRange(at, added);
        if (call.Result != null) Replace(f, call.Result, result!);
    }

    private const string NotSeen = "the receiver's type overrides or implements it outside this compilation (or is a struct), where Nabla did not see it; " +
                                   "mark the override or implementation [Differentiable] in a class of a compilation Nabla differentiates";

    /// <summary>The receiver of an instance call: its operand, or for a differentiable class its first argument.</summary>
    private static Value? ReceiverOf(Instr call) =>
        call.Callee is { ReceiverAsArgument: true } ? call.Arguments is { Count: > 0 } args ? args[0].Value : null
        : call.Operands.Count == 1 ? call.Operands[0] : null;

    private static Block Detached(IrFunction f)
    {
        var b = f.NewBlock();
        f.Blocks.Remove(b);
        return b;
    }

    private static void Replace(IrFunction f, Value old, Value replacement)
    {
        foreach (var b in f.Blocks)
        {
            foreach (var i in b.Instrs)
            {
                for (int k = 0; k < i.Operands.Count; k++) if (i.Operands[k] == old) i.Operands[k] = replacement;
                if (i.Arguments != null) foreach (var a in i.Arguments) if (a.Value == old) a.Value = replacement;
            }
            if (b.Terminator.Value == old) b.Terminator.Value = replacement;
            foreach (var e in b.Terminator.Edges)
                for (int k = 0; k < e.Args.Count; k++) if (e.Args[k] == old) e.Args[k] = replacement;
        }
    }
}
