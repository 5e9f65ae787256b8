// Inlines calls to small [Differentiable] methods of the same compilation into the caller's IR
// before differentiation, as Enzyme differentiates after LLVM's inlining: the caller's analyses then
// see through the helper (what it writes, what it only reads), and no residuals cross a call.
using System;
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal sealed class Inliner : Cloner
{
    /// <summary>Instructions a callee may have to be inlined, and a caller may grow to.</summary>
    public const int CalleeBudget = 400;
    public const int CallerBudget = 3000;

    private Inliner(IrFunction callee, IrFunction caller) : base(callee, caller) { }

    /// <summary>Whether a call in <paramref name="f"/> names a callee that may be inlined (other than <paramref name="selfId"/>).</summary>
    public static bool HasInlinableCalls(IrFunction f, string selfId) =>
        f.Blocks.Any(b => b.Instrs.Any(i => i.Op == Op.Call && i.Callee?.InlineId is { } id && id != selfId && i.Callee.Overrides is not { Count: > 0 }));

    /// <summary>Inlines what it can; <paramref name="lowerCallee"/> lowers a callee by id (null when it cannot).</summary>
    public static void Run(IrFunction f, Func<string, IrFunction?> lowerCallee, string selfId)
    {
        var cache = new Dictionary<string, IrFunction?>();
        var inlined = new Dictionary<Instr, int>();
        int depthGuard = 0;
        bool changed = true;
        while (changed && depthGuard++ < 100)
        {
            changed = false;
            foreach (var block in f.Blocks.ToList())
            {
                for (int k = 0; k < block.Instrs.Count; k++)
                {
                    var call = block.Instrs[k];
                    if (call.Op == Op.CallIndirect && call.Operands[0].Definition is { Op: Op.FunctionRef } function)
                    {
                        Devirtualize(f, block, k, call, function);
                        changed = true;
                        break;
                    }
                    if (call.Op != Op.Call || call.Callee?.InlineId is not { } id || id == selfId) continue;
                    // A virtual call with overrides here is dispatched first (VirtualDispatch); its branches are inlined then.
                    if (call.Callee.Overrides is { Count: > 0 } || call.Callee.IsAbstractMethod) continue;
                    if (!cache.TryGetValue(id, out var callee)) cache[id] = callee = lowerCallee(id);
                    // A callee given a function (a lambda or a method group for a delegate parameter) is always inlined:
                    // that is how the delegate's calls inside it become calls of the function.
                    bool takesFunction = call.Arguments?.Any(a => a.Value?.Definition?.Op == Op.FunctionRef) == true;
                    if (callee is null || !takesFunction && (Size(callee) > CalleeBudget || Size(f) + Size(callee) > CallerBudget)) continue;
                    if (callee.Blocks.SelectMany(b => b.Instrs).Any(i => i.Callee?.InlineId == selfId || i.Callee?.InlineId == id)) continue;
                    new Inliner(callee, f).InlineAt(block, k, call);
                    changed = true;
                    break;
                }
                if (changed) break;
            }
        }
    }

    /// <summary>
    /// A delegate call whose delegate is a known function: a call of the method group, or the lambda's body inlined here
    /// with its captured values and then the call's arguments for its parameters.
    /// </summary>
    private static void Devirtualize(IrFunction f, Block block, int index, Instr call, Instr function)
    {
        if (function.Callee != null)
        {
            // Located at the method group, where a missing derivative is best reported.
            block.Instrs[index] = new Instr(Op.Call, call.Result, new List<Value>(), function.Source)
            {
                Callee = function.Callee,
                Arguments = call.Arguments,
            };
            return;
        }
        var lambda = function.Function!;
        var arguments = function.Operands.Select(v => new Argument(v)).Concat(call.Arguments!).ToList();
        var direct = new Instr(Op.Call, call.Result, new List<Value>(), call.Source)
        {
            Callee = new Callee(lambda.Name, "the lambda", true, null, CalleeWrt: Enumerable.Range(0, arguments.Count).ToList()),
            Arguments = arguments,
        };
        block.Instrs[index] = direct;
        new Inliner(lambda, f).InlineAt(block, index, direct);
    }

    /// <summary>Removes functions as values no call uses any more (all were devirtualized).</summary>
    public static void RemoveDeadFunctions(IrFunction f)
    {
        var used = new HashSet<Value>(f.Blocks.SelectMany(b => b.Instrs.SelectMany(i => i.AllInputs())
            .Concat(b.Terminator.Value is { } v ? new[] { v } : Array.Empty<Value>()).Concat(b.Terminator.Edges.SelectMany(e => e.Args))));
        bool removed = true;
        while (removed)
        {
            removed = false;
            foreach (var b in f.Blocks)
                removed |= b.Instrs.RemoveAll(i => i.Op == Op.FunctionRef && !used.Contains(i.Result!)) > 0;
            if (removed)
                used = new HashSet<Value>(f.Blocks.SelectMany(b => b.Instrs.SelectMany(i => i.AllInputs())
                    .Concat(b.Terminator.Value is { } v ? new[] { v } : Array.Empty<Value>()).Concat(b.Terminator.Edges.SelectMany(e => e.Args))));
        }
    }

    private static int Size(IrFunction f) => f.Blocks.Sum(b => b.Instrs.Count + 1);

    private void InlineAt(Block block, int index, Instr call)
    {
        // Split the block: what follows the call moves to a continuation that receives the result.
        var continuation = new Block(0);
        continuation.Instrs.AddRange(block.Instrs.Skip(index + 1));
        continuation.Terminator = block.Terminator;
        block.Instrs.RemoveRange(index, block.Instrs.Count - index);
        Value? result = null;
        if (call.Result != null)
        {
            result = Target.NewValue(call.Result.Type, call.Result.Name);
            result.ParameterOf = continuation;
            continuation.Params.Add(result);
        }

        // Arguments bind the callee's parameters; a parameter the callee does not differentiate cuts the derivative.
        var builder = new IrBuilder(Target, block) { Source = call.Source };
        var wrt = call.Callee!.CalleeWrt ?? Array.Empty<int>();
        for (int k = 0; k < Source.Parameters.Count; k++)
        {
            if (Source.Parameters[k].Variable is { } parameterVar)
            {
                // A ref or out parameter is the caller's variable itself.
                VarMap[parameterVar] = call.Arguments![k].Variable!;
                continue;
            }
            var arg = call.Arguments![k].Value!;
            if (arg.Type.IsDifferentiable && !wrt.Contains(k))
            {
                var cut = builder.Emit(Op.StopGradient, arg.Type, new List<Value> { arg }, Source.Parameters[k].Name);
                // A parameter left out of the callee's Wrt (not [NoDerivative]) must not receive an active argument.
                // (An instance method's receiver is its first parameter here, named as C# names it.)
                string parameterName = k == 0 && call.Callee.ReceiverAsArgument ? "this" : Source.Parameters[k].Name;
                if (call.Callee.NoDerivativeParameters?.Contains(k) != true)
                    cut.Definition!.Text = "cut:" + parameterName + ":" + call.Callee.DisplayName;
                else if (arg.Type.IsArray)
                    cut.Definition!.Text = "workspace:" + parameterName + ":" + call.Callee.DisplayName;
                Map[Source.Parameters[k].Value!] = cut;
            }
            else
            {
                Map[Source.Parameters[k].Value!] = arg;
            }
        }
        var newBlocks = new List<Block>();
        foreach (var b in Source.Blocks)
        {
            var nb = Target.NewBlock();
            Target.Blocks.Remove(nb);
            newBlocks.Add(nb);
            BlockMap[b] = nb;
            foreach (var p in b.Params)
            {
                var np = Target.NewValue(p.Type, p.Name);
                np.ParameterOf = nb;
                nb.Params.Add(np);
                Map[p] = np;
            }
        }
        // A data receiver (an instance method of a plain class): the callee's 'this' is the call's receiver.
        var receiver = call.Operands.Count > 0 && !call.Callee.ReceiverAsArgument && !call.Callee.IsStatic ? call.Operands[0] : null;
        foreach (var b in Source.Blocks)
        {
            var cb = new IrBuilder(Target, BlockMap[b]);
            foreach (var i in b.Instrs)
            {
                if (i.Op == Op.This && receiver != null) Map[i.Result!] = receiver;
                else CloneInstr(i, cb);
            }
        }
        foreach (var b in Source.Blocks)
        {
            var t = b.Terminator;
            if (t.Kind == TerminatorKind.Return)
            {
                BlockMap[b].Terminator = Terminator.Jump(new Edge(continuation, t.Value is null || result is null ? null : new List<Value> { M(t.Value) }), t.Source);
                continue;
            }
            BlockMap[b].Terminator = new Terminator
            {
                Kind = t.Kind,
                Value = t.Value is null ? null : M(t.Value),
                Edges = t.Edges.Select(e => CloneEdge(e)).ToList(),
                Source = t.Source,
            };
        }
        block.Terminator = Terminator.Jump(new Edge(BlockMap[Source.Entry]), call.Source);
        int at = Target.Blocks.IndexOf(block) + 1;
        Target.Blocks.InsertRange(at, newBlocks);
        Target.Blocks.Insert(at + newBlocks.Count, continuation);
        continuation.Id = NextId();
        if (call.Result != null) Replace(call.Result, result!);
    }

    private int NextId() => Target.NewBlock() is var b && Target.Blocks.Remove(b) ? b.Id : 0;

    /// <summary>Every use of <paramref name="old"/> becomes a use of <paramref name="replacement"/>.</summary>
    private void Replace(Value old, Value replacement)
    {
        foreach (var b in Target.Blocks)
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
