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
    private readonly HashSet<Value> _mayBeWritten = new();
    private readonly HashSet<Var> _variedVars = new();
    private readonly HashSet<Var> _usefulVars = new();

    /// <summary>A variable (a ref or out parameter, or a temporary passed by ref) holds derivative information.</summary>
    public bool IsActive(Var v) => _variedVars.Contains(v) && _usefulVars.Contains(v) && v.Type.IsReal;

    /// <summary>
    /// Whether the storage of array <paramref name="array"/> may be written in this function: stored
    /// into, or passed to a call (which may write it). Loads from arrays that are never written can
    /// be repeated by the pullback instead of recorded.
    /// </summary>
    public bool MayBeWritten(Value array) => _mayBeWritten.Contains(array);

    private readonly Dictionary<Value, Value> _classOf = new();
    private readonly Dictionary<Value, List<(Block Block, int Index)>> _writes = new();

    /// <summary>Where the storage of <paramref name="array"/> may be written: stores into it and calls it is passed to.</summary>
    public IReadOnlyList<(Block Block, int Index)> WritesOf(Value array) =>
        _classOf.TryGetValue(array, out var c) && _writes.TryGetValue(c, out var list) ? list : System.Array.Empty<(Block, int)>();

    private Activity() { }

    public bool IsVaried(Value v) => _varied.Contains(v);
    public bool IsUseful(Value v) => _useful.Contains(v);
    public bool IsActive(Value? v) => v != null && _varied.Contains(v) && _useful.Contains(v);

    /// <summary>
    /// Analyses <paramref name="f"/> with the given differentiation inputs and outputs. Arrays are
    /// memory: array values that may name the same storage (through block parameters, rows of jagged
    /// arrays, arguments of one call) form one class, and a class is varied when a varied value may be
    /// stored in it, useful when a load from it is useful. Its members share the class's activity.
    /// </summary>
    public static Activity Analyze(IrFunction f, IEnumerable<Value> inputs, IEnumerable<Value> outputs, IEnumerable<Var>? outputVars = null)
    {
        var a = new Activity();
        var preds = f.Predecessors();
        var classes = new UnionFind();
        // Reads of one array member of one object (or of one static member) name the same storage.
        var memberReads = new Dictionary<(Value?, string), Value>();
        foreach (var b in f.Blocks)
        {
            for (int p = 0; p < b.Params.Count; p++)
                if (b.Params[p].Type.IsArray)
                    foreach (var (_, edge) in preds[b]) classes.Union(b.Params[p], edge.Args[p]);
            foreach (var i in b.Instrs)
            {
                if (i.Op == Op.ArrayLoad && i.Result!.Type.IsArray) classes.Union(i.Result, i.Operands[0]);
                if (i.Op == Op.ArrayStore && i.Operands[i.Operands.Count - 1].Type.IsArray) classes.Union(i.Operands[0], i.Operands[i.Operands.Count - 1]);
                if (i.Op == Op.Call && i.Result?.Type.IsArray == true)
                {
                    // A callee may return one of its array arguments: its result may be any of them.
                    foreach (var v in i.AllInputs().Where(v => v.Type.IsArray)) classes.Union(i.Result, v);
                }
                if (i.Op == Op.Convert && i.Result?.Type.IsArray == true)
                    classes.Union(i.Result, i.Operands[0]);
                // A span views (part of) the memory of the array or span it was made from.
                if (i.Op == Op.Slice) classes.Union(i.Result!, i.Operands[0]);
                if (i.Op == Op.Member && i.Result!.Type.IsArray && i.Text != null)
                {
                    var key = (i.Operands.Count == 0 ? null : i.Operands[0], i.Text);
                    if (memberReads.TryGetValue(key, out var first)) classes.Union(i.Result, first);
                    else memberReads[key] = i.Result;
                }
            }
        }
        var variedClasses = new HashSet<Value>();
        var usefulClasses = new HashSet<Value>();
        bool Varied(Value v) => v.Type.IsArray ? variedClasses.Contains(classes.Find(v)) : a._varied.Contains(v);
        bool MarkVaried(Value v) => v.Type.IsArray ? variedClasses.Add(classes.Find(v)) : a._varied.Add(v);
        bool Useful(Value v) => v.Type.IsArray ? usefulClasses.Contains(classes.Find(v)) : a._useful.Contains(v);
        bool MarkUseful(Value v) => v.Type.IsArray ? usefulClasses.Add(classes.Find(v)) : a._useful.Add(v);

        foreach (var v in inputs)
            if (v.Type.IsDifferentiable) MarkVaried(v);

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
                    if (!param.Type.IsDifferentiable || Varied(param)) continue;
                    if (preds[block].Any(e => Varied(e.Edge.Args[p])))
                        changed |= MarkVaried(param);
                }
                foreach (var i in block.Instrs)
                {
                    switch (i.Op)
                    {
                        case Op.ArrayStore:
                        {
                            var stored = i.Operands[i.Operands.Count - 1];
                            if (stored.Type.IsDifferentiable && Varied(stored) && !Varied(i.Operands[0]))
                                changed |= MarkVaried(i.Operands[0]);
                            continue;
                        }
                        case Op.ArrayLoad:
                            if (i.Result!.Type.IsDifferentiable && Varied(i.Operands[0]) && !Varied(i.Result))
                                changed |= MarkVaried(i.Result);
                            continue;
                        case Op.StoreVar:
                            if (i.Var!.Type.IsReal && Varied(i.Operands[0]))
                                changed |= a._variedVars.Add(i.Var);
                            continue;
                        case Op.LoadVar:
                            if (a._variedVars.Contains(i.Var!) && !Varied(i.Result!))
                                changed |= MarkVaried(i.Result!);
                            continue;
                        case Op.Call when i.Callee!.Derivative != null:
                        {
                            // A differentiable callee may write varied values into its array and ref arguments (a rule over
                            // arrays takes them as inputs only).
                            var refVars = i.Arguments!.Where(x => x.Variable != null && x.Variable.Type.IsReal).Select(x => x.Variable!).ToList();
                            if (i.AllInputs().Any(Varied) || refVars.Any(a._variedVars.Contains))
                            {
                                foreach (var arg in i.AllInputs().Where(v => v.Type.IsArray && v.Type.IsDifferentiable && !i.Callee.Derivative.ArraysByValue))
                                    if (!Varied(arg)) changed |= MarkVaried(arg);
                                foreach (var v in refVars) changed |= a._variedVars.Add(v);
                                if (i.Result != null && i.Result.Type.IsDifferentiable && !Varied(i.Result)) changed |= MarkVaried(i.Result);
                            }
                            break;
                        }
                        case Op.Call when !i.Callee!.IsStopGradient && i.Arguments != null:
                        {
                            // A callee without derivatives may still write varied values into its ref and out arguments:
                            // they are varied (and the call NABLA0001 where they matter), never silently constant.
                            if (i.AllInputs().Any(Varied))
                                foreach (var v in i.Arguments.Where(x => x.Variable != null && x.Variable.Type.IsReal && x.RefKind != RefKindIr.In).Select(x => x.Variable!))
                                    changed |= a._variedVars.Add(v);
                            break;
                        }
                    }
                    if (i.Result is null || !i.Result.Type.IsDifferentiable || Varied(i.Result)) continue;
                    if (PropagatesVaried(i) && i.AllInputs().Any(Varied))
                        changed |= MarkVaried(i.Result);
                }
            }
        }

        // Useful: backward from the outputs.
        foreach (var v in outputs)
            if (v.Type.IsDifferentiable) MarkUseful(v);
        if (outputVars != null)
            foreach (var v in outputVars) a._usefulVars.Add(v);
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
                    switch (i.Op)
                    {
                        case Op.ArrayStore:
                        {
                            var stored = i.Operands[i.Operands.Count - 1];
                            if (Useful(i.Operands[0]) && stored.Type.IsDifferentiable && !Useful(stored))
                                changed |= MarkUseful(stored);
                            continue;
                        }
                        case Op.ArrayLoad:
                            if (Useful(i.Result!) && !Useful(i.Operands[0]))
                                changed |= MarkUseful(i.Operands[0]);
                            continue;
                        case Op.LoadVar:
                            if (Useful(i.Result!)) changed |= a._usefulVars.Add(i.Var!);
                            continue;
                        case Op.StoreVar:
                            if (a._usefulVars.Contains(i.Var!) && i.Operands[0].Type.IsDifferentiable && !Useful(i.Operands[0]))
                                changed |= MarkUseful(i.Operands[0]);
                            continue;
                        case Op.Call when i.Callee!.Derivative != null:
                        {
                            // Whatever the callee writes into a useful array or ref argument is useful.
                            var refVars = i.Arguments!.Where(x => x.Variable != null && x.Variable.Type.IsReal).Select(x => x.Variable!).ToList();
                            if ((i.Result != null && Useful(i.Result)) || i.AllInputs().Any(v => v.Type.IsArray && Useful(v)) || refVars.Any(a._usefulVars.Contains))
                            {
                                foreach (var input in i.AllInputs())
                                    if (input.Type.IsDifferentiable && !Useful(input)) changed |= MarkUseful(input);
                                foreach (var v in refVars) changed |= a._usefulVars.Add(v);
                            }
                            continue;
                        }
                    }
                    if (i.Result is null || !Useful(i.Result) || !PropagatesVaried(i)) continue;
                    foreach (var input in i.AllInputs())
                        if (input.Type.IsDifferentiable && !Useful(input)) changed |= MarkUseful(input);
                }
                for (int p = 0; p < block.Params.Count; p++)
                {
                    if (!Useful(block.Params[p])) continue;
                    foreach (var (_, edge) in preds[block])
                        if (edge.Args[p].Type.IsDifferentiable && !Useful(edge.Args[p])) changed |= MarkUseful(edge.Args[p]);
                }
            }
        }

        var writtenClasses = new HashSet<Value>();
        void Written(Value array, Block block, int index)
        {
            var c = classes.Find(array);
            writtenClasses.Add(c);
            if (!a._writes.TryGetValue(c, out var list)) a._writes[c] = list = new List<(Block, int)>();
            list.Add((block, index));
        }
        foreach (var b in f.Blocks)
        {
            for (int k = 0; k < b.Instrs.Count; k++)
            {
                var i = b.Instrs[k];
                if (i.Op is Op.ArrayStore or Op.ArrayAdd) Written(i.Operands[0], b, k);
                if (i.Op is Op.Call or Op.New)
                    foreach (var v in i.AllInputs().Where(v => v.Type.IsArray)) Written(v, b, k);
            }
        }

        // Two array parameters of one type may be the same array at run time: a write through one is a
        // write to the other (this matters for loads the pullback would otherwise read again). Spans of one
        // element type may overlap whatever their kind (a ReadOnlySpan, a Span, the array they view).
        var arrayParams = f.Parameters.Where(p => p.Value != null && p.Value.Type.IsArray).Select(p => p.Value!).ToList();
        foreach (var group in arrayParams.GroupBy(p => p.Type.Rank == 1 ? "memory of " + p.Type.Element.Name : p.Type.Name))
        {
            var written = group.Where(p => a._writes.ContainsKey(classes.Find(p))).SelectMany(p => a._writes[classes.Find(p)]).ToList();
            if (written.Count == 0) continue;
            foreach (var p in group)
            {
                var c = classes.Find(p);
                writtenClasses.Add(c);
                if (!a._writes.TryGetValue(c, out var list)) a._writes[c] = list = new List<(Block, int)>();
                foreach (var w in written) if (!list.Contains(w)) list.Add(w);
            }
        }

        // Array values take their class's activity.
        foreach (var v in AllValues(f).Where(v => v.Type.IsArray))
        {
            if (Varied(v)) a._varied.Add(v);
            if (Useful(v)) a._useful.Add(v);
            if (writtenClasses.Contains(classes.Find(v))) a._mayBeWritten.Add(v);
            a._classOf[v] = classes.Find(v);
        }
        return a;
    }

    private static IEnumerable<Value> AllValues(IrFunction f)
    {
        foreach (var p in f.Parameters) if (p.Value != null) yield return p.Value;
        foreach (var b in f.Blocks)
        {
            foreach (var p in b.Params) yield return p;
            foreach (var i in b.Instrs)
            {
                if (i.Result != null) yield return i.Result;
                foreach (var v in i.AllInputs()) yield return v;
            }
        }
    }

    private sealed class UnionFind
    {
        private readonly Dictionary<Value, Value> _parent = new();

        public Value Find(Value v)
        {
            if (!_parent.TryGetValue(v, out var p)) return v;
            var root = Find(p);
            _parent[v] = root;
            return root;
        }

        public void Union(Value a, Value b)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra != rb) _parent[ra] = rb;
        }
    }

    /// <summary>Instructions through which a derivative can flow from operands to result.</summary>
    private static bool PropagatesVaried(Instr i) => i.Op switch
    {
        // A member of a struct lowered member by member carries its share of the struct's tangent.
        Op.Member => i.Operands.Count == 1 && i.Operands[0].Type.IsStruct && i.Operands[0].Type.IsDifferentiablePath(i.Text!),
        Op.StopGradient or Op.Const or Op.This or Op.TypeOf or Op.IsType or Op.New or Op.LoadVar or Op.NewArray => false,
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
