// Reverse mode writes a function's loops, forward and backward, into one method. In a long one (GMM's gradient: ~200
// locals, a dozen loop nests) the JIT allocates registers over the whole method and keeps inner loops' values in
// memory: the gradient ran 19 % faster with its inner backward loop nests moved, by hand, into methods of their own.
// This pass does that before emission: a loop nest inside another loop, beside other loops, becomes a static method;
// the values it reads become parameters, the variables it shares with the rest are passed by reference (copied into
// locals on entry and back on exit, so the loop itself works on locals), its own variables move with it, and the
// values the code after it reads (a forward loop's sums) come back as `out` parameters.
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class LoopOutlining
{
    /// <summary>Outlines <paramref name="f"/>'s qualifying loop nests; returns the methods written (to emit beside it).</summary>
    public static List<IrFunction> Run(IrFunction f)
    {
        var outlined = new List<IrFunction>();
        // Chosen on the function as written (outlining a loop leaves its siblings without siblings), innermost first.
        var initial = NaturalLoops(f, f.Predecessors());
        var chosen = new HashSet<Block>(initial.Where(l => Qualifies(l, initial)).Select(l => l.Header));
        while (chosen.Count > 0)
        {
            var preds = f.Predecessors();
            var candidate = NaturalLoops(f, preds).Where(l => chosen.Contains(l.Header)).OrderBy(l => l.Blocks.Count).FirstOrDefault();
            if (candidate is null) break;
            chosen.Remove(candidate.Header);
            var g = Outline(f, candidate, preds, f.Name + "_Loop" + outlined.Count + "_" + Signature(f));
            if (g != null) outlined.Add(g);
        }
        return outlined;
    }

    /// <summary>A loop: its header and its blocks (the header and every block that reaches a back edge without passing it).</summary>
    private sealed record NaturalLoop(Block Header, HashSet<Block> Blocks);

    /// <summary>
    /// Natural loops from back edges: an edge to a block that dominates its source. (The pullback's blocks are laid out in
    /// reverse, so an edge to an earlier block, what <see cref="Loop.Find"/> reads as a back edge, is not one here.)
    /// </summary>
    private static List<NaturalLoop> NaturalLoops(IrFunction f, Dictionary<Block, List<(Block From, Edge Edge)>> preds)
    {
        // Dominators (Cooper, Harvey and Kennedy's iteration over reverse postorder).
        var postorder = new List<Block>();
        var visited = new HashSet<Block>();
        var stack = new Stack<(Block Block, int Next)>();
        stack.Push((f.Entry, 0));
        visited.Add(f.Entry);
        while (stack.Count > 0)
        {
            var (block, next) = stack.Pop();
            var edges = block.Terminator.Edges;
            if (next == edges.Count)
            {
                postorder.Add(block);
                continue;
            }
            stack.Push((block, next + 1));
            if (visited.Add(edges[next].Target)) stack.Push((edges[next].Target, 0));
        }
        var number = new Dictionary<Block, int>();
        for (int k = 0; k < postorder.Count; k++) number[postorder[k]] = k;
        var idom = new Dictionary<Block, Block> { [f.Entry] = f.Entry };
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int k = postorder.Count - 1; k >= 0; k--)
            {
                var b = postorder[k];
                if (b == f.Entry) continue;
                Block? dominator = null;
                foreach (var (from, _) in preds[b])
                {
                    if (!idom.ContainsKey(from)) continue;
                    if (dominator is null) { dominator = from; continue; }
                    var x = from;
                    var y = dominator;
                    while (x != y)
                    {
                        while (number[x] < number[y]) x = idom[x];
                        while (number[y] < number[x]) y = idom[y];
                    }
                    dominator = x;
                }
                if (dominator != null && (!idom.TryGetValue(b, out var old) || old != dominator))
                {
                    idom[b] = dominator;
                    changed = true;
                }
            }
        }
        bool Dominates(Block a, Block b)
        {
            for (var x = b; ; x = idom[x])
            {
                if (x == a) return true;
                if (x == f.Entry) return false;
            }
        }
        var loops = new Dictionary<Block, NaturalLoop>();
        foreach (var latch in postorder)
            foreach (var e in latch.Terminator.Edges)
            {
                var header = e.Target;
                if (!idom.ContainsKey(header) || !Dominates(header, latch)) continue;
                if (!loops.TryGetValue(header, out var loop)) loops[header] = loop = new NaturalLoop(header, new HashSet<Block> { header });
                var work = new Stack<Block>();
                work.Push(latch);
                while (work.Count > 0)
                {
                    var b = work.Pop();
                    if (!loop.Blocks.Add(b)) continue;
                    foreach (var (from, _) in preds[b])
                        if (idom.ContainsKey(from)) work.Push(from);
                }
            }
        return loops.Values.ToList();
    }

    /// <summary>Tells overloads apart (the tuple and buffer forms, the double and float instantiations).</summary>
    private static string Signature(IrFunction f)
    {
        uint hash = 2166136261;
        foreach (var p in f.Parameters)
            foreach (char c in p.Type.Name + ";") hash = (hash ^ c) * 16777619;
        return hash.ToString("x8");
    }

    /// <summary>A loop whose enclosing loop holds other loops too.</summary>
    private static bool Qualifies(NaturalLoop loop, List<NaturalLoop> loops)
    {
        var parent = Parent(loop, loops);
        if (parent is null) return false;
        return loops.Count(l => l != loop && Parent(l, loops) == parent) >= 1;
    }

    private static NaturalLoop? Parent(NaturalLoop loop, List<NaturalLoop> loops) =>
        loops.Where(l => l != loop && l.Blocks.Count > loop.Blocks.Count && l.Blocks.IsSupersetOf(loop.Blocks))
            .OrderBy(l => l.Blocks.Count).FirstOrDefault();

    private static IrFunction? Outline(IrFunction f, NaturalLoop loop, Dictionary<Block, List<(Block From, Edge Edge)>> preds, string name)
    {
        var region = loop.Blocks;
        var header = loop.Header;
        // One way in (to the header, from outside), one way out (to a block without parameters), nothing returned.
        var entries = preds[header].Where(p => !region.Contains(p.From)).ToList();
        if (entries.Count != 1 || region.Any(b => b != header && preds[b].Any(p => !region.Contains(p.From)))) return null;
        Block? exit = null;
        foreach (var b in region)
        {
            if (b.Terminator.Kind is TerminatorKind.Return or TerminatorKind.Throw or TerminatorKind.Unreachable) return null;
            foreach (var e in b.Terminator.Edges)
            {
                if (region.Contains(e.Target)) continue;
                if (e.Args.Count > 0 || exit != null && exit != e.Target) return null;
                exit = e.Target;
            }
        }
        if (exit is null || exit.Params.Count > 0) return null;

        // What the region defines, and what of it is used outside (those values come back through `out` parameters).
        var defined = new HashSet<Value>();
        foreach (var b in region)
        {
            defined.UnionWith(b.Params);
            foreach (var i in b.Instrs)
            {
                if (i.Op == Op.This) return null;
                if (i.Result != null) defined.Add(i.Result);
            }
        }
        var varsOutside = new HashSet<Var>();
        var results = new List<Value>();
        var resultSeen = new HashSet<Value>();
        void UseOutside(Value v)
        {
            if (defined.Contains(v) && resultSeen.Add(v)) results.Add(v);
        }
        foreach (var b in f.Blocks)
        {
            if (region.Contains(b)) continue;
            foreach (var i in b.Instrs)
            {
                foreach (var v in i.AllInputs()) UseOutside(v);
                if (i.Var != null) varsOutside.Add(i.Var);
                if (i.Arguments != null)
                    foreach (var a in i.Arguments)
                        if (a.Variable != null) varsOutside.Add(a.Variable);
            }
            if (b.Terminator.Value != null) UseOutside(b.Terminator.Value);
            foreach (var e in b.Terminator.Edges) e.Args.ForEach(UseOutside);
        }
        // A value from the region is read after it only through the exit, so the exit must be reached from nowhere else.
        if (results.Count > 0 && preds[exit].Any(p => !region.Contains(p.From))) return null;
        if (results.Any(v => v.Type.IsRefLike)) return null;

        // Values read from outside, and variables: read-only ones are passed by value, written ones shared with the
        // rest by reference, the region's own move with it.
        // Constants are written again inside (a literal the JIT folds), not passed.
        var constants = new Dictionary<Value, Instr>();
        foreach (var b in f.Blocks)
            if (!region.Contains(b))
                foreach (var i in b.Instrs)
                    if (i.Op == Op.Const && i.Result != null) constants[i.Result] = i;
        var liveIn = new List<Value>();
        var liveConstants = new List<Value>();
        var seen = new HashSet<Value>();
        var readOnly = new List<Var>();
        var shared = new List<Var>();
        var own = new List<Var>();
        var varSeen = new HashSet<Var>();
        var written = new HashSet<Var>();
        void Use(Value v)
        {
            if (!defined.Contains(v) && seen.Add(v)) (constants.ContainsKey(v) ? liveConstants : liveIn).Add(v);
        }
        var order = f.Blocks.Where(region.Contains).ToList();
        foreach (var b in order)
        {
            foreach (var i in b.Instrs)
            {
                foreach (var v in i.AllInputs()) Use(v);
                if (i.Var != null)
                {
                    varSeen.Add(i.Var);
                    if (i.Op != Op.LoadVar) written.Add(i.Var);
                }
                if (i.Arguments != null)
                    foreach (var a in i.Arguments)
                        if (a.Variable != null)
                        {
                            varSeen.Add(a.Variable);
                            if (a.RefKind is RefKindIr.Out or RefKindIr.Ref) written.Add(a.Variable);
                        }
                if (i.Var != null && i.Op is not (Op.LoadVar or Op.StoreVar)) return null;
            }
            if (b.Terminator.Value != null) Use(b.Terminator.Value);
            foreach (var e in b.Terminator.Edges) e.Args.ForEach(Use);
        }
        foreach (var v in varSeen.OrderBy(v => v.Name, System.StringComparer.Ordinal))
        {
            bool outside = varsOutside.Contains(v) || v.Kind != VarKind.Local;
            if (v.Type.IsRefLike && (outside || written.Contains(v))) return null;
            if (!outside) own.Add(v);
            else if (!written.Contains(v)) readOnly.Add(v);
            else if (v.Kind == VarKind.Field) return null;
            // An out parameter may not be definitely assigned where the call would pass it by reference.
            else if (f.Parameters.Any(p => p.Variable == v && p.RefKind == RefKindIr.Out)) return null;
            else shared.Add(v);
        }
        if (liveIn.Any(v => v.Type.IsRefLike && !v.Type.IsSpan)) return null;

        var g = new IrFunction(name, IrType.Void) { Modifiers = "private static", Summary = "A loop of " + f.Name + ", as a method of its own (its own register allocation)." };
        g.ContinueNumberingAfter(f);
        g.NoInlining = true;
        var replace = new Dictionary<Value, Value>();
        // The header's parameters take their first values from the way in: passed as parameters (constants written again).
        var wayIn = entries[0].Edge.Args;
        var initial = new List<Value>();
        var initialConstants = new List<(Value Value, Instr Const)>();
        for (int k = 0; k < header.Params.Count; k++)
        {
            var name0 = (header.Params[k].Name ?? "t") + "_0";
            if (constants.TryGetValue(wayIn[k], out var c))
            {
                var t = g.NewValue(header.Params[k].Type, name0);
                initialConstants.Add((t, c));
                initial.Add(t);
            }
            else initial.Add(g.AddParameter(name0, header.Params[k].Type));
        }
        foreach (var v in liveIn) replace[v] = g.AddParameter(v.Name ?? "t", v.Type);
        var readOnlyParams = new Dictionary<Var, Value>();
        foreach (var v in readOnly) readOnlyParams[v] = g.AddParameter(v.Name.Replace('.', '_'), v.Type);
        var locals = new Dictionary<Var, Var>();
        var refParams = new List<(Var Parameter, Var Local)>();
        foreach (var v in shared)
        {
            // Variables' names are made unique only when the method is written: numbered, so that two "dz" stay apart.
            var p = g.AddRefParameter("nablaRef" + refParams.Count + "_" + v.Name, v.Type, RefKindIr.Ref);
            var local = g.NewLocal(v.Name, v.Type);
            locals[v] = local;
            refParams.Add((p, local));
        }
        var outParams = new List<Var>();
        foreach (var v in results) outParams.Add(g.AddRefParameter("nablaOut" + outParams.Count + "_" + (v.Name ?? "t"), v.Type, RefKindIr.Out));
        foreach (var v in own)
        {
            f.Locals.Remove(v);
            g.Locals.Add(v);
        }

        var entry = g.NewBlock();
        foreach (var v in liveConstants)
        {
            var c = constants[v];
            var t = g.NewValue(v.Type, v.Name);
            entry.Instrs.Add(new Instr(Op.Const, t, new List<Value>(), c.Source) { Text = c.Text });
            replace[v] = t;
        }
        foreach (var (t, c) in initialConstants)
            entry.Instrs.Add(new Instr(Op.Const, t, new List<Value>(), c.Source) { Text = c.Text });
        foreach (var (p, local) in refParams)
        {
            var t = g.NewValue(local.Type, local.Name);
            entry.Instrs.Add(new Instr(Op.LoadVar, t, new List<Value>(), SourceInfo.None) { Var = p });
            entry.Instrs.Add(new Instr(Op.StoreVar, null, new List<Value> { t }, SourceInfo.None) { Var = local });
        }
        entry.Terminator = Terminator.Jump(new Edge(header, initial));
        foreach (var b in order)
        {
            f.Blocks.Remove(b);
            g.Blocks.Add(b);
        }
        var back = g.NewBlock();
        foreach (var (p, local) in refParams)
        {
            var t = g.NewValue(local.Type, local.Name);
            back.Instrs.Add(new Instr(Op.LoadVar, t, new List<Value>(), SourceInfo.None) { Var = local });
            back.Instrs.Add(new Instr(Op.StoreVar, null, new List<Value> { t }, SourceInfo.None) { Var = p });
        }
        for (int k = 0; k < results.Count; k++)
            back.Instrs.Add(new Instr(Op.StoreVar, null, new List<Value> { results[k] }, SourceInfo.None) { Var = outParams[k] });
        back.Terminator = Terminator.Return(null);

        // Inside: variables renamed to the method's own, read-only ones to their parameters, the exit to the return.
        foreach (var b in order)
        {
            for (int k = 0; k < b.Instrs.Count; k++)
            {
                var i = b.Instrs[k];
                if (i.Var != null && readOnlyParams.TryGetValue(i.Var, out var value))
                {
                    replace[i.Result!] = value;
                    b.Instrs.RemoveAt(k--);
                    continue;
                }
                if (i.Var != null && locals.TryGetValue(i.Var, out var local)) i.Var = local;
                if (i.Arguments != null)
                    for (int a = 0; a < i.Arguments.Count; a++)
                    {
                        var arg = i.Arguments[a];
                        if (arg.Variable is null) continue;
                        if (locals.TryGetValue(arg.Variable, out var renamed))
                            i.Arguments[a] = new Argument(arg.Value, arg.RefKind, renamed);
                        else if (readOnlyParams.TryGetValue(arg.Variable, out var passed))
                            i.Arguments[a] = new Argument(passed, arg.RefKind == RefKindIr.In ? RefKindIr.In : RefKindIr.None, null);
                    }
            }
            foreach (var e in b.Terminator.Edges)
                if (e.Target == exit) e.Target = back;
        }
        g.ReplaceUses(replace);

        // Outside: the call in the loop's place.
        var call = f.NewBlock();
        f.Blocks.Remove(call);
        f.Blocks.Insert(System.Math.Min(f.Blocks.Count, f.Blocks.IndexOf(exit) < 0 ? f.Blocks.Count : f.Blocks.IndexOf(exit)), call);
        var arguments = wayIn.Where(v => !constants.ContainsKey(v)).Select(v => new Argument(v)).ToList();
        arguments.AddRange(liveIn.Select(v => new Argument(v)));
        foreach (var v in readOnly)
        {
            var t = f.NewValue(v.Type, v.Name.Replace('.', '_'));
            call.Instrs.Add(new Instr(Op.LoadVar, t, new List<Value>(), SourceInfo.None) { Var = v });
            arguments.Add(new Argument(t));
        }
        arguments.AddRange(shared.Select(v => new Argument(null, RefKindIr.Ref, v)));
        var resultLocals = results.Select(v => f.NewLocal((v.Name ?? "t") + "_out", v.Type)).ToList();
        arguments.AddRange(resultLocals.Select(v => new Argument(null, RefKindIr.Out, v)));
        call.Instrs.Add(new Instr(Op.Call, null, new List<Value>(), header.Terminator.Source)
        {
            Callee = new Callee(name, name, true, null),
            Arguments = arguments,
        });
        // After the call, the region's values read further on are the method's results.
        var returned = new Dictionary<Value, Value>();
        for (int k = 0; k < results.Count; k++)
        {
            var t = f.NewValue(results[k].Type, results[k].Name);
            call.Instrs.Add(new Instr(Op.LoadVar, t, new List<Value>(), SourceInfo.None) { Var = resultLocals[k] });
            returned[results[k]] = t;
        }
        call.Terminator = Terminator.Jump(new Edge(exit));
        entries[0].Edge.Target = call;
        entries[0].Edge.Args.Clear();
        if (returned.Count > 0) f.ReplaceUses(returned);
        return g;
    }
}
