// Copies the blocks and instructions of one IR function into another, remapping values; the AD
// transforms build on it (forward mode interleaves tangents, reverse mode adds residual stores).
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal class Cloner
{
    protected readonly IrFunction Source;
    protected readonly IrFunction Target;
    protected readonly Dictionary<Value, Value> Map = new();
    protected readonly Dictionary<Block, Block> BlockMap = new();
    protected readonly Dictionary<Var, Var> VarMap = new();

    protected Cloner(IrFunction source, IrFunction target)
    {
        Source = source;
        Target = target;
    }

    protected Value M(Value v) => Map.TryGetValue(v, out var m) ? m : throw new KeyNotFoundException("unmapped value " + v);

    protected Var MapVar(Var v)
    {
        if (VarMap.TryGetValue(v, out var m)) return m;
        m = Target.NewLocal(v.Name, v.Type);
        VarMap[v] = m;
        return m;
    }

    /// <summary>Copies the source's parameters: by-value ones as values, ref and out ones as variables.</summary>
    protected void CloneParameters()
    {
        foreach (var p in Source.Parameters)
        {
            if (p.Variable != null)
                VarMap[p.Variable] = Target.AddRefParameter(p.Name, p.Type, p.RefKind);
            else
                Map[p.Value!] = Target.AddParameter(p.Name, p.Type, p.RefKind);
            Target.Parameters[Target.Parameters.Count - 1].Attributes = p.Attributes;
        }
    }

    /// <summary>Creates the target blocks (and their primal parameters) for every source block.</summary>
    protected void CreateBlocks()
    {
        foreach (var b in Source.Blocks)
        {
            var nb = Target.NewBlock();
            nb.Comment = b.Comment;
            BlockMap[b] = nb;
            foreach (var p in b.Params)
            {
                var np = Target.NewValue(p.Type, p.Name);
                np.ParameterOf = nb;
                nb.Params.Add(np);
                Map[p] = np;
            }
        }
    }

    /// <summary>Appends a copy of <paramref name="i"/> through <paramref name="b"/>.</summary>
    protected Instr CloneInstr(Instr i, IrBuilder b)
    {
        var copy = new Instr(i.Op, i.Result is null ? null : Target.NewValue(i.Result.Type, i.Result.Name),
            i.Operands.Select(M).ToList(), i.Source)
        {
            BinaryOp = i.BinaryOp,
            UnaryOp = i.UnaryOp,
            Text = i.Text,
            Index = i.Index,
            Var = i.Var is null ? null : MapVar(i.Var),
            Callee = i.Callee,
            Function = i.Function,
            Checked = i.Checked,
            Speculated = i.Speculated,
            InitializedMembers = i.InitializedMembers,
            Arguments = i.Arguments?.Select(a => new Argument(a.Value is null ? null : M(a.Value), a.RefKind,
                a.Variable is null ? null : MapVar(a.Variable))).ToList(),
        };
        b.Block.Instrs.Add(copy);
        if (i.Result != null) Map[i.Result] = copy.Result!;
        return copy;
    }

    protected Edge CloneEdge(Edge e, IEnumerable<Value>? extraArgs = null)
    {
        var args = e.Args.Select(M).ToList();
        if (extraArgs != null) args.AddRange(extraArgs);
        return new Edge(BlockMap[e.Target], args);
    }
}
