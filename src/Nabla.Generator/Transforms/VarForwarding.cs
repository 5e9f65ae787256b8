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
        // Only number and bool locals read and written by LoadVar/StoreVar (and passed to calls): anything else keeps its stores.
        var candidates = new HashSet<Var>(f.Locals.Where(v => v.Type.Kind is TypeKind.Double or TypeKind.Single or TypeKind.Integer or TypeKind.Bool));
        foreach (var b in f.Blocks)
            foreach (var i in b.Instrs)
                if (i.Var != null && i.Op is not (Op.LoadVar or Op.StoreVar)) candidates.Remove(i.Var);
        if (candidates.Count == 0)
        {
            RemoveUnusedValues(f);
            return;
        }

        for (int round = 0; round < 4; round++)
        {
            bool forwarded = Forward(f, candidates);
            // A load nothing uses keeps its variable live: it goes before the stores are judged.
            bool unread = RemoveUnusedValues(f);
            bool removed = RemoveDeadStores(f, candidates);
            if (!forwarded && !unread && !removed) break;
        }
        // Locals nothing reads or writes any more are not declared.
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

    /// <summary>
    /// Removes loads of locals, constants and arithmetic on numbers whose value nothing uses, to a fixed point (the
    /// emitter writes no code for them, but a load left behind keeps its variable's stores alive).
    /// </summary>
    private static bool RemoveUnusedValues(IrFunction f)
    {
        bool any = false;
        while (true)
        {
            var usedValues = new HashSet<Value>();
            foreach (var b in f.Blocks)
            {
                foreach (var i in b.Instrs) usedValues.UnionWith(i.AllInputs());
                if (b.Terminator.Value != null) usedValues.Add(b.Terminator.Value);
            }
            // A jump's argument is used only if the parameter it is passed to is (a loop's 'from' parameter that the
            // pullback does not read is passed round and round, and read by nothing).
            for (bool grew = true; grew;)
            {
                grew = false;
                foreach (var b in f.Blocks)
                    foreach (var e in b.Terminator.Edges)
                        for (int k = 0; k < e.Args.Count; k++)
                            if ((e.Target == f.Entry || usedValues.Contains(e.Target.Params[k])) && usedValues.Add(e.Args[k])) grew = true;
            }
            int removed = 0;
            foreach (var b in f.Blocks)
                removed += b.Instrs.RemoveAll(i => i.Result != null && !usedValues.Contains(i.Result) && IsPure(i));
            foreach (var target in f.Blocks)
            {
                if (target == f.Entry) continue;
                for (int k = target.Params.Count - 1; k >= 0; k--)
                {
                    if (usedValues.Contains(target.Params[k])) continue;
                    target.Params.RemoveAt(k);
                    foreach (var b in f.Blocks)
                        foreach (var e in b.Terminator.Edges)
                            if (e.Target == target) e.Args.RemoveAt(k);
                    removed++;
                }
            }
            if (removed == 0) return any;
            any = true;
        }
    }

    /// <summary>No effect but its value: cannot throw, write, or call.</summary>
    private static bool IsPure(Instr i) => i.Op switch
    {
        Op.Const => true,
        Op.LoadVar => i.Var!.Kind == VarKind.Local,
        Op.Binary => !i.Checked && i.Result!.Type.Kind is TypeKind.Double or TypeKind.Single or TypeKind.Bool or TypeKind.Integer &&
                     i.Operands.All(o => o.Type.Kind is TypeKind.Double or TypeKind.Single or TypeKind.Bool or TypeKind.Integer) &&
                     !(i.BinaryOp is BinaryOp.Div or BinaryOp.Rem && i.Result.Type.Kind == TypeKind.Integer),
        Op.Unary => !i.Checked && i.Result!.Type.Kind is TypeKind.Double or TypeKind.Single or TypeKind.Bool or TypeKind.Integer,
        _ => false,
    };

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
        // Variables as bit indices; each block summarized once (what it reads before writing, what it writes), then
        // liveIn = reads ∪ (liveOut − writes) to a fixed point over bit sets, visiting blocks last to first.
        var index = new Dictionary<Var, int>();
        void Index(Var v)
        {
            if (!index.ContainsKey(v)) index[v] = index.Count;
        }
        foreach (var b in f.Blocks)
            foreach (var i in b.Instrs)
            {
                if (i.Var != null && i.Op is Op.LoadVar or Op.StoreVar) Index(i.Var);
                if (i.Arguments != null)
                    foreach (var a in i.Arguments)
                        if (a.Variable != null) Index(a.Variable);
            }
        int words = (index.Count + 63) / 64;
        int n = f.Blocks.Count;
        var position = new Dictionary<Block, int>(n);
        for (int k = 0; k < n; k++) position[f.Blocks[k]] = k;
        var reads = new ulong[n][];
        var writes = new ulong[n][];
        var liveIn = new ulong[n][];
        for (int k = 0; k < n; k++)
        {
            reads[k] = new ulong[words];
            writes[k] = new ulong[words];
            liveIn[k] = new ulong[words];
            var instrs = f.Blocks[k].Instrs;
            for (int j = instrs.Count - 1; j >= 0; j--) Step(instrs[j], reads[k], writes[k], candidates, index);
        }
        var liveOut = new ulong[words];
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = n - 1; k >= 0; k--)
            {
                LiveOut(f.Blocks[k], liveIn, position, liveOut);
                var into = liveIn[k];
                for (int w = 0; w < words; w++)
                {
                    ulong value = reads[k][w] | (liveOut[w] & ~writes[k][w]);
                    if (value != into[w])
                    {
                        into[w] = value;
                        changed = true;
                    }
                }
            }
        }
        bool removed = false;
        var scratch = new ulong[words];
        for (int k = 0; k < n; k++)
        {
            var b = f.Blocks[k];
            var live = new ulong[words];
            LiveOut(b, liveIn, position, live);
            HashSet<Instr>? dead = null;
            for (int j = b.Instrs.Count - 1; j >= 0; j--)
            {
                var i = b.Instrs[j];
                if (i.Op == Op.StoreVar && candidates.Contains(i.Var!) && !Has(live, index[i.Var!])) (dead ??= new HashSet<Instr>()).Add(i);
                else Step(i, live, scratch, candidates, index);
            }
            if (dead != null)
            {
                b.Instrs.RemoveAll(dead.Contains);
                removed = true;
            }
        }
        return removed;
    }

    private static bool Has(ulong[] set, int bit) => (set[bit >> 6] & (1UL << (bit & 63))) != 0;
    private static void Add(ulong[] set, int bit) => set[bit >> 6] |= 1UL << (bit & 63);
    private static void Remove(ulong[] set, int bit) => set[bit >> 6] &= ~(1UL << (bit & 63));

    private static void LiveOut(Block b, ulong[][] liveIn, Dictionary<Block, int> position, ulong[] into)
    {
        System.Array.Clear(into, 0, into.Length);
        foreach (var e in b.Terminator.Edges)
        {
            var from = liveIn[position[e.Target]];
            for (int w = 0; w < into.Length; w++) into[w] |= from[w];
        }
    }

    /// <summary>
    /// Liveness backwards across one instruction: <paramref name="live"/> gains what it reads and loses what it
    /// writes; <paramref name="written"/> gains what it writes (a block's summary, when walked over the whole block).
    /// </summary>
    private static void Step(Instr i, ulong[] live, ulong[] written, HashSet<Var> candidates, Dictionary<Var, int> index)
    {
        if (i.Op == Op.StoreVar && candidates.Contains(i.Var!))
        {
            int bit = index[i.Var!];
            Remove(live, bit);
            Add(written, bit);
        }
        else if (i.Op == Op.LoadVar && i.Var != null) Add(live, index[i.Var]);
        if (i.Arguments != null)
            foreach (var a in i.Arguments)
                if (a.Variable != null)
                {
                    int bit = index[a.Variable];
                    if (a.RefKind == RefKindIr.Out)
                    {
                        Remove(live, bit);
                        Add(written, bit);
                    }
                    else Add(live, bit);
                }
    }
}
