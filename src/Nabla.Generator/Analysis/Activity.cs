// Activity analysis: a value is active when it is varied (depends on a differentiation input) and
// useful (the result depends on it). Only active values get tangents or adjoints.
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Nabla.Generator.IR;

namespace Nabla.Generator.Analysis;

internal sealed class Activity
{
    private readonly HashSet<Value> _varied = new();
    private readonly HashSet<Value> _useful = new();

    private Activity() { }

    public bool IsVaried(Value v) => _varied.Contains(v);
    public bool IsUseful(Value v) => _useful.Contains(v);
    public bool IsActive(Value? v) => v != null && _varied.Contains(v) && _useful.Contains(v);

    /// <summary>Analyses <paramref name="f"/> with the given differentiation inputs and outputs.</summary>
    public static Activity Analyze(IrFunction f, IEnumerable<Value> inputs, IEnumerable<Value> outputs)
    {
        var a = new Activity();
        foreach (var v in inputs)
            if (v.Type.IsDifferentiable) a._varied.Add(v);
        var preds = f.Predecessors();

        // Varied: forward to a fixed point (block parameters make it iterative around loops).
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var block in f.Blocks)
            {
                for (int p = 0; p < block.Params.Count; p++)
                {
                    var param = block.Params[p];
                    if (a._varied.Contains(param) || !param.Type.IsDifferentiable) continue;
                    if (preds[block].Any(e => a._varied.Contains(e.Edge.Args[p])))
                        changed |= a._varied.Add(param);
                }
                foreach (var i in block.Instrs)
                {
                    if (i.Result is null || a._varied.Contains(i.Result) || !i.Result.Type.IsDifferentiable) continue;
                    if (PropagatesVaried(i) && i.AllInputs().Any(a._varied.Contains))
                        changed |= a._varied.Add(i.Result);
                }
            }
        }

        // Useful: backward from the outputs.
        foreach (var v in outputs)
            if (v.Type.IsDifferentiable) a._useful.Add(v);
        changed = true;
        while (changed)
        {
            changed = false;
            for (int bi = f.Blocks.Count - 1; bi >= 0; bi--)
            {
                var block = f.Blocks[bi];
                for (int ii = block.Instrs.Count - 1; ii >= 0; ii--)
                {
                    var i = block.Instrs[ii];
                    if (i.Result is null || !a._useful.Contains(i.Result) || !PropagatesVaried(i)) continue;
                    foreach (var input in i.AllInputs())
                        if (input.Type.IsDifferentiable) changed |= a._useful.Add(input);
                }
                for (int p = 0; p < block.Params.Count; p++)
                {
                    if (!a._useful.Contains(block.Params[p])) continue;
                    foreach (var (_, edge) in preds[block])
                        if (edge.Args[p].Type.IsDifferentiable) changed |= a._useful.Add(edge.Args[p]);
                }
            }
        }
        return a;
    }

    /// <summary>Instructions through which a derivative can flow from operands to result.</summary>
    private static bool PropagatesVaried(Instr i) => i.Op switch
    {
        Op.StopGradient or Op.Const or Op.This or Op.TypeOf or Op.Member or Op.New or Op.LoadVar => false,
        Op.Binary => i.BinaryOp is BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div or BinaryOp.Rem,
        Op.Unary => i.UnaryOp is UnaryOp.Neg or UnaryOp.Plus,
        _ => true,
    };

    /// <summary>Prints each value's activity, as Swift's and Enzyme's activity dumps do, for tests.</summary>
    public string Print(IrFunction f)
    {
        var sb = new StringBuilder();
        IEnumerable<Value> All()
        {
            foreach (var p in f.Parameters) if (p.Value != null) yield return p.Value;
            foreach (var b in f.Blocks)
            {
                foreach (var p in b.Params) yield return p;
                foreach (var i in b.Instrs) if (i.Result != null) yield return i.Result;
            }
        }
        foreach (var v in All())
        {
            string tag = IsActive(v) ? "[ACTIVE]" : IsVaried(v) ? "[VARIED]" : IsUseful(v) ? "[USEFUL]" : "[NONE]";
            sb.Append(tag).Append(' ').AppendLine(v.ToString());
        }
        return sb.ToString();
    }
}
