// Natural loops of an IR function, and their induction variables: what lets reverse mode keep
// loop-invariant values in one variable per loop and step counters backwards instead of taping them.
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal sealed class Loop
{
    private Loop(Block header) => Header = header;

    public Block Header { get; }
    /// <summary>The header and every block that reaches a back edge without passing the header.</summary>
    public HashSet<Block> Blocks { get; } = new();
    /// <summary>Induction variables: header parameters that every back edge passes as themselves plus a constant step
    /// (keyed by the augmented primal's value once mapped, see <see cref="MapInductions"/>), with that step as a literal.</summary>
    public Dictionary<Value, string> Inductions { get; } = new();
    /// <summary>The same, keyed by the source function's header parameter.</summary>
    public Dictionary<Value, string> SourceInductions { get; } = new();

    /// <summary>
    /// Finds loops from back edges (an edge to a block that comes earlier in block order, within one
    /// strongly connected part); loops sharing a header merge.
    /// </summary>
    public static List<Loop> Find(IrFunction f, Dictionary<Block, List<(Block From, Edge Edge)>> preds)
    {
        var index = f.Blocks.Select((b, k) => (b, k)).ToDictionary(x => x.b, x => x.k);
        var loops = new Dictionary<Block, Loop>();
        foreach (var latch in f.Blocks)
        {
            foreach (var e in latch.Terminator.Edges)
            {
                var header = e.Target;
                if (index[header] > index[latch]) continue;
                if (!loops.TryGetValue(header, out var loop)) loops[header] = loop = new Loop(header);
                loop.Blocks.Add(header);
                var work = new Stack<Block>();
                work.Push(latch);
                while (work.Count > 0)
                {
                    var b = work.Pop();
                    if (!loop.Blocks.Add(b)) continue;
                    foreach (var (from, _) in preds[b]) work.Push(from);
                }
            }
        }
        foreach (var loop in loops.Values)
        {
            var entries = preds[loop.Header].Where(p => !loop.Blocks.Contains(p.From)).ToList();
            var backs = preds[loop.Header].Where(p => loop.Blocks.Contains(p.From)).ToList();
            if (entries.Count != 1 || backs.Count == 0) continue;
            for (int k = 0; k < loop.Header.Params.Count; k++)
            {
                var p = loop.Header.Params[k];
                if (p.Type.Kind != TypeKind.Integer) continue;
                string? step = null;
                bool ok = true;
                foreach (var (_, edge) in backs)
                {
                    var arg = edge.Args[k];
                    string? s = arg.Definition is { Op: Op.Binary } d && d.Operands[0] == p && d.Operands[1].Definition is { Op: Op.Const } c &&
                                int.TryParse(c.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n != 0
                        ? d.BinaryOp switch { BinaryOp.Add => c.Text, BinaryOp.Sub => (-n).ToString(CultureInfo.InvariantCulture), _ => null }
                        : null;
                    if (s is null || (step != null && s != step)) { ok = false; break; }
                    step = s;
                }
                if (ok && step != null) loop.SourceInductions[p] = step.StartsWith("-") ? "(" + step + ")" : step;
            }
        }
        return loops.Values.ToList();
    }

    /// <summary>Keys <see cref="Inductions"/> by the augmented primal's values.</summary>
    public void MapInductions(System.Func<Value, Value> map)
    {
        foreach (var (p, step) in SourceInductions) Inductions[map(p)] = step;
    }

    /// <summary>The induction variable that tells the first iteration from the others, if the header has one entry and one back edge.</summary>
    public Value? CountedBy(List<(Block From, Edge Edge)> preds)
    {
        if (preds.Count != 2 || preds.Count(p => Blocks.Contains(p.From)) != 1) return null;
        return SourceInductions.Keys.FirstOrDefault();
    }
}
