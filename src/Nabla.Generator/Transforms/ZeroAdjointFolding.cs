// Adjoint accumulators start at zero; the first contribution to one is an assignment, not an add.
// A forward "definitely zero" dataflow over the function finds those first contributions, so the
// emitted pullback writes dx = g·y where it would write dx = 0 + g·y (which the JIT cannot fold,
// because 0.0 + v is not v for v = -0.0).
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class ZeroAdjointFolding
{
    public static void Run(IrFunction f)
    {
        var locals = new HashSet<Var>(f.Locals.Where(v => v.Type.IsReal));
        if (locals.Count == 0) return;
        var preds = f.Predecessors();
        // zeroIn[b]: locals definitely zero at the start of b (null: not computed yet = all).
        var zeroIn = new Dictionary<Block, HashSet<Var>?>();
        foreach (var b in f.Blocks) zeroIn[b] = null;
        zeroIn[f.Entry] = new HashSet<Var>(locals);
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var b in f.Blocks)
            {
                if (b != f.Entry)
                {
                    HashSet<Var>? meet = null;
                    foreach (var (from, _) in preds[b])
                    {
                        var outFrom = Transfer(from, zeroIn[from], rewrite: false);
                        if (outFrom is null) continue;
                        if (meet is null) meet = new HashSet<Var>(outFrom);
                        else meet.IntersectWith(outFrom);
                    }
                    if (meet is null) continue;
                    if (zeroIn[b] is null || !zeroIn[b]!.SetEquals(meet))
                    {
                        zeroIn[b] = meet;
                        changed = true;
                    }
                }
            }
        }
        foreach (var b in f.Blocks)
            if (zeroIn[b] != null) Transfer(b, zeroIn[b], rewrite: true);
    }

    private static HashSet<Var>? Transfer(Block b, HashSet<Var>? zeroAtStart, bool rewrite)
    {
        if (zeroAtStart is null) return null;
        var zero = new HashSet<Var>(zeroAtStart);
        foreach (var i in b.Instrs)
        {
            if (i.Op == Op.StoreVar)
            {
                var stored = i.Operands[0];
                if (rewrite && zero.Contains(i.Var!) && stored.Definition is { Op: Op.Binary, BinaryOp: BinaryOp.Add } add &&
                    add.Operands[0].Definition is { Op: Op.LoadVar } load && load.Var == i.Var && add.Operands[1].Type.Equals(i.Var!.Type))
                    i.Operands[0] = add.Operands[1];   // 0 + x is x: the first contribution
                if (stored.Definition is { Op: Op.Const } c && IsZero(c.Text)) zero.Add(i.Var!);
                else zero.Remove(i.Var!);
            }
            if (i.Arguments != null)
                foreach (var a in i.Arguments)
                    if (a.Variable != null && a.RefKind is RefKindIr.Out or RefKindIr.Ref) zero.Remove(a.Variable);
        }
        return zero;
    }

    private static bool IsZero(string? text) => text is "0d" or "0f" or "0" or "0.0" or "0D" or "0F";
}
