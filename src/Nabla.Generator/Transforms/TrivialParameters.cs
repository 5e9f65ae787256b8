// Removes block parameters that receive one value on every edge (or themselves), after inlining and struct folding.
// The lowerer removes such phis in each body, but a struct passed through a callee and back (`tank = Update(tank).Tank`,
// `floor with { Temp = … }`) only shows that its other members are unchanged once the callee is inlined and the struct
// is split into leaves: a loop would otherwise carry every unchanged member (tank.Cp, slab.Area, …) as a loop variable,
// loop-invariant motion could not see that what is computed from them is invariant, and reverse mode would tape them
// every iteration.
using System.Collections.Generic;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class TrivialParameters
{
    /// <summary>Removes the trivial parameters; returns the resolver from removed parameters to their values.</summary>
    public static System.Func<Value, Value> Run(IrFunction f)
    {
        var replace = new Dictionary<Value, Value>();
        Value Resolve(Value v)
        {
            while (replace.TryGetValue(v, out var r)) v = r;
            return v;
        }
        bool changed = true;
        while (changed)
        {
            changed = false;
            var preds = f.Predecessors();
            foreach (var block in f.Blocks)
            {
                // The function's return block keeps its parameters (the result), as the lowerer leaves them.
                if (block == f.Entry || block.Terminator.Kind == TerminatorKind.Return || preds[block].Count == 0) continue;
                for (int i = block.Params.Count - 1; i >= 0; i--)
                {
                    var param = block.Params[i];
                    Value? same = null;
                    bool trivial = true;
                    foreach (var (_, edge) in preds[block])
                    {
                        var arg = Resolve(edge.Args[i]);
                        if (arg == param || arg == same) continue;
                        if (same != null) { trivial = false; break; }
                        same = arg;
                    }
                    if (!trivial || same is null) continue;
                    replace[param] = same;
                    param.ParameterOf = null;
                    block.Params.RemoveAt(i);
                    foreach (var (_, edge) in preds[block]) edge.Args.RemoveAt(i);
                    changed = true;
                }
            }
        }
        return f.ReplaceUses(replace);
    }
}
