// Copy propagation over local variables, run before emission. Reverse mode moves every adjoint through a variable
// and resets it (t = dz; dz = 0; dy = t * x): a load that follows a store to the same variable in its block reads
// the stored value instead, and a store that no later path reads is removed (a backward liveness dataflow). The
// pullbacks get shorter (less C# to compile) and keep adjoints in registers rather than in reset locals.
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class VarForwarding
{
    public static void Run(IrFunction f)
    {
        // Only real locals read and written by LoadVar/StoreVar (and passed to calls): anything else keeps its stores.
        var candidates = new HashSet<Var>(f.Locals.Where(v => v.Type.IsReal));
        foreach (var b in f.Blocks)
            foreach (var i in b.Instrs)
                if (i.Var != null && i.Op is not (Op.LoadVar or Op.StoreVar)) candidates.Remove(i.Var);
        if (candidates.Count == 0) return;

        for (int round = 0; round < 4; round++)
        {
            bool forwarded = Forward(f, candidates);
            bool removed = RemoveDeadStores(f, candidates);
            if (!forwarded && !removed) break;
        }
        // Loads whose value nothing uses go, then locals nothing reads or writes any more are not declared.
        var usedValues = new HashSet<Value>();
        foreach (var b in f.Blocks)
        {
            foreach (var i in b.Instrs) usedValues.UnionWith(i.AllInputs());
            if (b.Terminator.Value != null) usedValues.Add(b.Terminator.Value);
            foreach (var e in b.Terminator.Edges) usedValues.UnionWith(e.Args);
        }
        foreach (var b in f.Blocks)
            b.Instrs.RemoveAll(i => i.Op == Op.LoadVar && candidates.Contains(i.Var!) && !usedValues.Contains(i.Result!));
        var used = new HashSet<Var>();
        foreach (var b in f.Blocks)
            foreach (var i in b.Instrs)
            {
                if (i.Var != null) used.Add(i.Var);
                if (i.Arguments != null)
                    foreach (var a in i.Arguments)
                        if (a.Variable != null) used.Add(a.Variable);
            }
        f.Locals.RemoveAll(v => candidates.Contains(v) && !used.Contains(v));
    }

    /// <summary>Within each block, a load of a variable after a store to it is the stored value.</summary>
    private static bool Forward(IrFunction f, HashSet<Var> candidates)
    {
        var replace = new Dictionary<Value, Value>();
        foreach (var b in f.Blocks)
        {
            var known = new Dictionary<Var, Value>();
            foreach (var i in b.Instrs)
            {
                if (i.Op == Op.StoreVar && candidates.Contains(i.Var!))
                {
                    known[i.Var!] = i.Operands[0];   // a load forwarded already: ReplaceUses follows the chain
                    continue;
                }
                if (i.Op == Op.LoadVar && known.TryGetValue(i.Var!, out var stored))
                {
                    replace[i.Result!] = stored;
                    continue;
                }
                if (i.Arguments != null)
                    foreach (var a in i.Arguments)
                        if (a.Variable != null && a.RefKind is RefKindIr.Out or RefKindIr.Ref) known.Remove(a.Variable);
            }
        }
        if (replace.Count == 0) return false;
        f.ReplaceUses(replace);
        foreach (var b in f.Blocks)
            b.Instrs.RemoveAll(i => i.Op == Op.LoadVar && replace.ContainsKey(i.Result!));
        return true;
    }

    /// <summary>Removes stores to candidates that no path from them reads before the next store (or the end).</summary>
    private static bool RemoveDeadStores(IrFunction f, HashSet<Var> candidates)
    {
        // liveIn[b]: candidates some path from b's start reads before writing.
        var liveIn = f.Blocks.ToDictionary(b => b, _ => new HashSet<Var>());
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = f.Blocks.Count - 1; k >= 0; k--)
            {
                var b = f.Blocks[k];
                var live = LiveOut(b, liveIn);
                for (int j = b.Instrs.Count - 1; j >= 0; j--) Step(b.Instrs[j], live, candidates);
                if (!live.SetEquals(liveIn[b]))
                {
                    liveIn[b] = live;
                    changed = true;
                }
            }
        }
        bool removed = false;
        foreach (var b in f.Blocks)
        {
            var live = LiveOut(b, liveIn);
            var dead = new HashSet<Instr>();
            for (int j = b.Instrs.Count - 1; j >= 0; j--)
            {
                var i = b.Instrs[j];
                if (i.Op == Op.StoreVar && candidates.Contains(i.Var!) && !live.Contains(i.Var!)) dead.Add(i);
                else Step(i, live, candidates);
            }
            if (dead.Count > 0)
            {
                b.Instrs.RemoveAll(dead.Contains);
                removed = true;
            }
        }
        return removed;
    }

    private static HashSet<Var> LiveOut(Block b, Dictionary<Block, HashSet<Var>> liveIn)
    {
        var live = new HashSet<Var>();
        foreach (var e in b.Terminator.Edges) live.UnionWith(liveIn[e.Target]);
        return live;
    }

    /// <summary>Liveness backwards across one instruction.</summary>
    private static void Step(Instr i, HashSet<Var> live, HashSet<Var> candidates)
    {
        if (i.Op == Op.StoreVar && candidates.Contains(i.Var!)) live.Remove(i.Var!);
        else if (i.Op == Op.LoadVar && i.Var != null) live.Add(i.Var);
        if (i.Arguments != null)
            foreach (var a in i.Arguments)
                if (a.Variable != null)
                {
                    if (a.RefKind == RefKindIr.Out) live.Remove(a.Variable);
                    else live.Add(a.Variable);
                }
    }
}
