// Moves arithmetic that does not change from one iteration to the next out of loops, before
// differentiation. Reverse mode then keeps such a value once instead of taping it every iteration,
// and runs its pullback once after the reverse loop with the adjoint summed over all iterations
// (the building simulation's tube area, resistance and masses are such values). Loads from arrays
// the loop does not write move too (GMM's x[i] in its inner j loop): taped once per outer iteration
// instead of once per inner one, their adjoint summed in a scalar and added to the shadow once.
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
            var loads = new LoadMotion(loop, preds);
            bool moved = true;
            while (moved)
            {
                moved = false;
                foreach (var b in f.Blocks.Where(loop.Blocks.Contains))
                {
                    for (int k = 0; k < b.Instrs.Count; k++)
                    {
                        var i = b.Instrs[k];
                        if (!(Movable(i) || loads.Movable(i)) || i.Operands.Any(definedInside.Contains)) continue;
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

    /// <summary>
    /// Which loads from one-dimensional arrays may leave a loop: none when the loop calls code that may write
    /// arrays, else those whose array nothing in the loop writes, through any name. A moved load is speculated:
    /// emitted so that it reads a default instead of throwing where the loop would not have run it.
    /// </summary>
    private sealed class LoadMotion
    {
        private readonly List<Value>? _written;
        private readonly bool _unknownCalls;

        public LoadMotion(Loop loop, Dictionary<Block, List<(Block From, Edge Edge)>> preds)
        {
            // Before any early return: the fields are non-nullable (CS8618 otherwise).
            _roots = new Dictionary<Value, HashSet<Value>>();
            _preds = preds;
            _written = new List<Value>();
            foreach (var b in loop.Blocks)
            {
                foreach (var i in b.Instrs)
                {
                    switch (i.Op)
                    {
                        case Op.ArrayStore:
                        case Op.ArrayAdd:
                            _written.Add(i.Operands[0]);
                            break;
                        case Op.Call:
                        case Op.New:
                            // A callee given an array or an object may write through it; one that is not a
                            // derivative rule or differentiable code may write arrays it reaches otherwise.
                            if (i.AllInputs().Any(v => v.Type.IsArray || v.Type.IsReference || v.Type.Kind is TypeKind.Other or TypeKind.Struct or TypeKind.Tuple) ||
                                i.Arguments?.Any(a => a.Variable != null) == true)
                            {
                                _written = null;
                                return;
                            }
                            if (i.Callee is not { Derivative: not null } && i.Callee?.IsStopGradient != true) _unknownCalls = true;
                            break;
                    }
                }
            }
        }

        private readonly Dictionary<Value, HashSet<Value>> _roots;
        private readonly Dictionary<Block, List<(Block From, Edge Edge)>> _preds;

        public bool Movable(Instr i)
        {
            if (_written is null || i.Op != Op.ArrayLoad || i.Result is null || i.Text != null || i.Operands.Count != 2) return false;
            var type = i.Result.Type;
            if (!(type.IsReal || type.Kind == TypeKind.Integer)) return false;
            var array = i.Operands[0];
            if (_unknownCalls && !Roots(array).All(IsFresh)) return false;
            return _written.All(w => Disjoint(array, w));
        }

        /// <summary>Two arrays that cannot be one: made by different <c>new</c>s, or one made here and the other passed in.</summary>
        private bool Disjoint(Value a, Value b)
        {
            foreach (var ra in Roots(a))
                foreach (var rb in Roots(b))
                    if (ra == rb || !(IsFresh(ra) && (IsFresh(rb) || rb.FunctionParameter != null) || IsFresh(rb) && ra.FunctionParameter != null))
                        return false;
            return true;
        }

        private static bool IsFresh(Value v) => v.Definition is { Op: Op.NewArray };

        /// <summary>Where an array value comes from, through block parameters.</summary>
        private HashSet<Value> Roots(Value v)
        {
            if (_roots.TryGetValue(v, out var set)) return set;
            set = new HashSet<Value>();
            _roots[v] = set;
            var seen = new HashSet<Value>();
            var work = new Stack<Value>();
            work.Push(v);
            while (work.Count > 0)
            {
                var x = work.Pop();
                if (!seen.Add(x)) continue;
                if (x.ParameterOf is { } block)
                {
                    int k = block.Params.IndexOf(x);
                    foreach (var (_, edge) in _preds[block]) work.Push(edge.Args[k]);
                }
                else set.Add(x);
            }
            return set;
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
