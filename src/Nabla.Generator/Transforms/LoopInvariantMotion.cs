// Moves arithmetic that does not change from one iteration to the next out of loops, before
// differentiation. Reverse mode then keeps such a value once instead of taping it every iteration,
// and runs its pullback once after the reverse loop with the adjoint summed over all iterations
// (the building simulation's tube area, resistance and masses are such values).
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class LoopInvariantMotion
{
    public static void Run(IrFunction f)
    {
        var preds = f.Predecessors();
        // Inner loops first: what leaves an inner loop lands in its preheader, inside the outer loop, and may leave that too.
        foreach (var loop in Loop.Find(f, preds).OrderBy(l => l.Blocks.Count))
        {
            var entries = preds[loop.Header].Where(p => !loop.Blocks.Contains(p.From)).ToList();
            if (entries.Count != 1) continue;
            var preheader = entries[0].From;
            var definedInside = new HashSet<Value>();
            foreach (var b in loop.Blocks)
            {
                definedInside.UnionWith(b.Params);
                foreach (var i in b.Instrs) if (i.Result != null) definedInside.Add(i.Result);
            }
            bool moved = true;
            while (moved)
            {
                moved = false;
                foreach (var b in f.Blocks.Where(loop.Blocks.Contains))
                {
                    for (int k = 0; k < b.Instrs.Count; k++)
                    {
                        var i = b.Instrs[k];
                        if (!Movable(i) || i.Operands.Any(definedInside.Contains)) continue;
                        b.Instrs.RemoveAt(k--);
                        preheader.Instrs.Add(i);
                        definedInside.Remove(i.Result!);
                        // It now runs even when the loop body would not (no iteration, or a branch not taken):
                        // its pullback must not turn a zero adjoint into NaN through an infinite partial.
                        i.Speculated = true;
                        moved = true;
                    }
                }
            }
        }
    }

    /// <summary>Pure, non-throwing arithmetic whose derivative rules can be guarded against speculation.</summary>
    private static bool Movable(Instr i)
    {
        if (i.Result is null || i.Checked) return false;
        var type = i.Result.Type;
        return i.Op switch
        {
            Op.Const => true,
            Op.Binary => type.IsReal ? i.BinaryOp is BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div
                : type.Kind == TypeKind.Integer && i.BinaryOp is BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul,
            Op.Unary => i.UnaryOp is UnaryOp.Neg or UnaryOp.Plus && (type.IsReal || type.Kind == TypeKind.Integer),
            Op.Convert => (type.IsReal || type.Kind == TypeKind.Integer) && (i.Operands[0].Type.IsReal || i.Operands[0].Type.Kind == TypeKind.Integer),
            Op.Member => i.Text == "Length" && i.Operands.Count == 1 && i.Operands[0].Type.IsArray,
            _ => false,
        };
    }
}
