// Keeps structs lowered member by member after inlining: a block parameter of struct type (an inlined
// callee's struct result) becomes one parameter per leaf, and a member read of a struct built from its
// leaves becomes that leaf. The transforms then see struct values only where whole values are needed.
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class StructFolding
{
    public static void Run(IrFunction f)
    {
        var replace = new Dictionary<Value, Value>();
        var preds = f.Predecessors();
        foreach (var block in f.Blocks)
        {
            for (int p = block.Params.Count - 1; p >= 0; p--)
            {
                var param = block.Params[p];
                if (!param.Type.IsStruct || param.Type.IsReference) continue;
                var leaves = param.Type.Leaves;
                var leafParams = new List<Value>();
                foreach (var leaf in leaves)
                {
                    var lp = f.NewValue(leaf.Type, (param.Name ?? "s") + "_" + leaf.Path.Replace('.', '_').Replace("@", ""));
                    lp.ParameterOf = block;
                    leafParams.Add(lp);
                }
                foreach (var (from, edge) in preds[block])
                {
                    var arg = edge.Args[p];
                    var b = new IrBuilder(f, from) { Source = from.Terminator.Source };
                    var values = leaves.Select(l => LeafOf(arg, l.Path, b)).ToList();
                    edge.Args.RemoveAt(p);
                    edge.Args.AddRange(values);
                }
                block.Params.RemoveAt(p);
                block.Params.AddRange(leafParams);
                var make = new Instr(Op.MakeStruct, param, leafParams.ToList(), SourceInfo.None);
                param.ParameterOf = null;
                param.Definition = make;
                block.Instrs.Insert(0, make);
            }
        }
        foreach (var block in f.Blocks)
            foreach (var i in block.Instrs)
                if (i.Op == Op.Member && i.Result != null && i.Operands.Count == 1 && i.Operands[0].Definition is { Op: Op.MakeStruct } make)
                {
                    int k = i.Operands[0].Type.LeafIndex(i.Text!);
                    if (k >= 0) replace[i.Result] = make.Operands[k];
                }
        if (replace.Count == 0) return;
        f.ReplaceUses(replace);
        foreach (var block in f.Blocks)
            block.Instrs.RemoveAll(i => i.Result != null && replace.ContainsKey(i.Result));
    }

    /// <summary>A leaf of a struct value: the operand it was built from, or a member read placed before the block's terminator.</summary>
    private static Value LeafOf(Value value, string path, IrBuilder b)
    {
        if (value.Definition is { Op: Op.MakeStruct } make) return make.Operands[value.Type.LeafIndex(path)];
        return b.Member(value, path, value.Type.Leaves[value.Type.LeafIndex(path)].Type);
    }
}
