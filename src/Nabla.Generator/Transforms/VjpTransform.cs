// Reverse mode as an IR → IR transform: an augmented primal that runs the original code and keeps
// what the pullback needs (residuals, and which predecessor each merge block came from), and a
// pullback that walks the blocks backwards accumulating adjoints. Emitted either split (primal and
// pullback as two functions sharing a residual struct) or fused (one function, residuals as locals).
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.Analysis;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

/// <summary>A field of the residual struct of a split VJP.</summary>
internal sealed record ResidualField(string Name, string Type);

internal sealed class VjpResult
{
    public VjpResult(IrFunction primal, IrFunction? pullback, List<ResidualField> fields)
    {
        Primal = primal;
        Pullback = pullback;
        Fields = fields;
    }

    /// <summary>Split: the augmented primal. Fused: the whole value-with-gradient function.</summary>
    public IrFunction Primal { get; }
    public IrFunction? Pullback { get; }
    public List<ResidualField> Fields { get; }
}

/// <summary>What a fused VJP returns.</summary>
internal enum FusedResult { ValueAndGradient, Gradient }

internal sealed class VjpTransform : Cloner
{
    private readonly Activity _activity;
    private readonly IReadOnlyList<int> _wrt;
    private readonly bool _split;
    private readonly bool _zeroAfterRead;
    private readonly Dictionary<Block, List<(Block From, Edge Edge)>> _preds;

    // Augmented primal state.
    private readonly Dictionary<Block, Value> _predIndex = new();
    private readonly Dictionary<Instr, Var> _callResiduals = new();
    private Var? _residualsParam;

    // Pullback state.
    private IrFunction _pb = null!;
    private readonly Dictionary<Value, Var> _adjoints = new();
    private readonly Dictionary<Value, Var> _residualFields = new();
    private readonly List<ResidualField> _fields = new();
    private readonly HashSet<string> _fieldNames = new();
    private Var? _residualsIn;

    private VjpTransform(IrFunction source, IrFunction target, Activity activity, IReadOnlyList<int> wrt, bool split)
        : base(source, target)
    {
        _activity = activity;
        _wrt = wrt;
        _split = split;
        _preds = source.Predecessors();
        _zeroAfterRead = HasBackEdges(source);
    }

    /// <summary>True when some edge goes back to an earlier (or the same) block: the function loops.</summary>
    public static bool HasBackEdges(IrFunction f)
    {
        var index = f.Blocks.Select((b, k) => (b, k)).ToDictionary(x => x.b, x => x.k);
        return f.Blocks.Any(b => b.Terminator.Edges.Any(e => index[e.Target] <= index[b]));
    }

    /// <summary>
    /// Split form: <c>R primalName(params, out Residuals residuals)</c> and
    /// <c>G pullbackName(in Residuals residuals, R dResult)</c>, G the wrt cotangent (tuple when several).
    /// </summary>
    public static VjpResult Split(IrFunction source, IReadOnlyList<int> wrt, Activity activity,
        string primalName, string pullbackName, string residualType)
    {
        var primal = new IrFunction(primalName, source.ReturnType) { IsStatic = source.IsStatic, Modifiers = source.Modifiers };
        var t = new VjpTransform(source, primal, activity, wrt, split: true);
        t.BuildPrimal(residualType);
        var pullback = new IrFunction(pullbackName, GradientType(source, wrt))
        {
            IsStatic = true,
            Modifiers = StaticModifiers(source.Modifiers),
        };
        t._pb = pullback;
        t._residualsIn = pullback.AddRefParameter("residuals", new IrType(residualType, TypeKind.Other), RefKindIr.In);
        var seed = pullback.AddParameter("d" + ResultName(source), source.ReturnType);
        var entry = pullback.NewBlock();
        t.BuildPullback(entry, seed, gradient => Terminator.Return(gradient));
        t.InsertResidualStores();
        return new VjpResult(primal, pullback, t._fields);
    }

    /// <summary>Fused form: one function computing value and gradient, residuals staying in locals.</summary>
    public static VjpResult Fused(IrFunction source, IReadOnlyList<int> wrt, Activity activity, string name, FusedResult result)
    {
        var gradientType = GradientType(source, wrt);
        var returnType = result == FusedResult.Gradient ? gradientType
            : IrType.Tuple(new[] { source.ReturnType, gradientType }, new[] { "Value", "Gradient" });
        var f = new IrFunction(name, returnType) { IsStatic = source.IsStatic, Modifiers = source.Modifiers };
        var t = new VjpTransform(source, f, activity, wrt, split: false);
        t.BuildPrimal(null);
        t._pb = f;
        var entry = f.NewBlock();
        entry.Comment = "Pullback: adjoints flow from the result back to the inputs.";
        // The primal's return becomes a jump into the pullback.
        Value? returned = null;
        foreach (var b in source.Blocks.Where(b => b.Terminator.Kind == TerminatorKind.Return))
        {
            returned = t.M(b.Terminator.Value!);
            t.BlockMap[b].Terminator = Terminator.Jump(new Edge(entry), b.Terminator.Source);
        }
        var seedBuilder = new IrBuilder(f, entry);
        var seed = seedBuilder.One(source.ReturnType);
        t.BuildPullback(entry, seed, gradient =>
        {
            if (result == FusedResult.Gradient) return Terminator.Return(gradient);
            var fb = new IrBuilder(f, gradient.Definition?.Result == gradient ? FindBlock(f, gradient) : f.Blocks[f.Blocks.Count - 1]);
            var tuple = fb.MakeTuple(new List<Value> { returned!, gradient }, returnType);
            return Terminator.Return(tuple);
        });
        return new VjpResult(f, null, t._fields);
    }

    private static Block FindBlock(IrFunction f, Value v) =>
        f.Blocks.First(b => b.Instrs.Any(i => i.Result == v));

    private static string StaticModifiers(string modifiers) =>
        modifiers.Contains("static") ? modifiers : modifiers + " static";

    private static string ResultName(IrFunction f) => "Result";

    public static IrType GradientType(IrFunction source, IReadOnlyList<int> wrt)
    {
        var types = wrt.Select(k => source.Parameters[k].Type).ToList();
        return types.Count == 1 ? types[0] : IrType.Tuple(types);
    }

    // ------------------------------------------------------------------ augmented primal

    private void BuildPrimal(string? residualType)
    {
        foreach (var p in Source.Parameters)
        {
            Map[p.Value!] = Target.AddParameter(p.Name, p.Type);
            Target.Parameters[Target.Parameters.Count - 1].Attributes = p.Attributes;
        }
        if (residualType != null)
            _residualsParam = Target.AddRefParameter("residuals", new IrType(residualType, TypeKind.Other), RefKindIr.Out);
        CreateBlocks();
        foreach (var b in Source.Blocks)
        {
            if (_preds[b].Count > 1)
            {
                // Which predecessor ran: the pullback needs it to walk back the same way.
                var index = Target.NewValue(IrType.Int32, "from" + b.Id);
                index.ParameterOf = BlockMap[b];
                BlockMap[b].Params.Add(index);
                _predIndex[b] = index;
            }
        }
        var entryBuilder = new IrBuilder(Target, BlockMap[Source.Entry]);
        if (_residualsParam != null)
        {
            entryBuilder.Source = new SourceInfo("every residual starts as default", "", 0, 0, 0, 0, 0, 0);
            entryBuilder.Store(_residualsParam, entryBuilder.Const(_residualsParam.Type, "default"));
        }
        foreach (var b in Source.Blocks)
        {
            var builder = new IrBuilder(Target, BlockMap[b]);
            foreach (var i in b.Instrs)
            {
                builder.Source = i.Source;
                if (i.Op == Op.Call && i.Callee!.Derivative is { } d && _activity.IsActive(i.Result))
                {
                    // y = f(x) becomes y = f_Primal(x, out residuals of f): the pullback calls f_Pullback.
                    var slot = NewResidualSlot(new IrType(d.ResidualType, TypeKind.Other), "r" + i.Result!.Name);
                    var args = i.Arguments!.Select(a => new Argument(a.Value is null ? null : M(a.Value), a.RefKind, a.Variable is null ? null : MapVar(a.Variable))).ToList();
                    args.Add(new Argument(null, RefKindIr.Out, slot));
                    var receiver = i.Operands.Count > 0 ? M(i.Operands[0]) : null;
                    var call = builder.Call(new Callee(d.PrimalMethod, i.Callee.DisplayName, i.Callee.IsStatic, null), receiver, args, i.Result.Type, i.Result.Name);
                    Map[i.Result] = call.Result!;
                    _callResiduals[i] = slot;
                    continue;
                }
                CloneInstr(i, builder);
            }
        }
        foreach (var b in Source.Blocks)
        {
            var builder = new IrBuilder(Target, BlockMap[b]) { Source = b.Terminator.Source };
            var term = b.Terminator;
            var edges = term.Edges.Select(e =>
            {
                var extra = new List<Value>();
                if (_predIndex.ContainsKey(e.Target))
                    extra.Add(builder.Const(IrType.Int32, _preds[e.Target].FindIndex(p => p.Edge == e).ToString()));
                return CloneEdge(e, extra);
            }).ToList();
            builder.Block.Terminator = new Terminator
            {
                Kind = term.Kind,
                Value = term.Value is null ? null : M(term.Value),
                Edges = edges,
                Source = term.Source,
            };
        }
    }

    /// <summary>A place for a callee's residuals: a field of ours when split, a local when fused.</summary>
    private Var NewResidualSlot(IrType type, string hint)
    {
        if (!_split) return Target.NewLocal(hint, type);
        string name = UniqueField(hint);
        _fields.Add(new ResidualField(name, type.Name));
        return new Var("residuals." + name, type, VarKind.Field);
    }

    private string UniqueField(string hint)
    {
        string name = Symbols.Sanitize(hint);
        if (name.Length == 0) name = "v";
        string candidate = name;
        for (int k = 1; !_fieldNames.Add(candidate); k++) candidate = name + "_" + k;
        return candidate;
    }

    // ------------------------------------------------------------------ pullback

    private Var Adjoint(Value primal)
    {
        if (_adjoints.TryGetValue(primal, out var v)) return v;
        v = _pb.NewLocal("d" + (primal.Name ?? "t" + primal.Id), primal.Type);
        _adjoints[primal] = v;
        return v;
    }

    /// <summary>The value of primal <paramref name="v"/> as the pullback sees it.</summary>
    private Value PrimalValue(Value v, IrBuilder b) => AugmentedValue(M(v), b);

    /// <summary>A value of the augmented primal, as the pullback sees it: itself when fused, a residual when split.</summary>
    private Value AugmentedValue(Value mapped, IrBuilder b)
    {
        if (mapped.Definition is { Op: Op.Const } c)
            return b.Const(mapped.Type, c.Text!);
        if (!_split) return mapped;
        if (!_residualFields.TryGetValue(mapped, out var field))
        {
            string name = UniqueField(mapped.Name ?? "t" + mapped.Id);
            _fields.Add(new ResidualField(name, mapped.Type.Name));
            field = new Var("residuals." + Symbols.Identifier(name), mapped.Type, VarKind.Field);
            _residualFields[mapped] = field;
        }
        return b.Load(field, mapped.Name);
    }

    private Var CallResidualsInPullback(Instr call) => _callResiduals[call];

    private void AddTo(Value operand, Value contribution, IrBuilder b)
    {
        if (!_activity.IsActive(operand)) return;
        b.AddTo(Adjoint(operand), contribution);
    }

    private void BuildPullback(Block entry, Value seed, System.Func<Value, Terminator> finish)
    {
        var adjointBlocks = new Dictionary<Block, Block>();
        foreach (var b in Enumerable.Reverse(Source.Blocks))
        {
            var pb = _pb.NewBlock();
            adjointBlocks[b] = pb;
        }
        var final = _pb.NewBlock();

        var returnBlock = Source.Blocks.Single(b => b.Terminator.Kind == TerminatorKind.Return);
        var eb = new IrBuilder(_pb, entry) { Source = returnBlock.Terminator.Source };
        AddTo(returnBlock.Terminator.Value!, seed, eb);
        eb.Jump(adjointBlocks[returnBlock]);

        foreach (var b in Source.Blocks)
        {
            var pb = adjointBlocks[b];
            var builder = new IrBuilder(_pb, pb);
            for (int k = b.Instrs.Count - 1; k >= 0; k--)
            {
                var i = b.Instrs[k];
                if (!_activity.IsActive(i.Result)) continue;
                builder.Source = i.Source with { Text = "adjoint of " + i.Source.Text };
                DifferentiateBackward(i, builder);
            }
            if (b == Source.Entry)
            {
                builder.Jump(final);
                continue;
            }
            var preds = _preds[b];
            if (preds.Count == 1)
            {
                PropagateEdge(b, preds[0].Edge, builder);
                builder.Jump(adjointBlocks[preds[0].From]);
                continue;
            }
            // Walk back along the edge the primal came in by.
            var which = AugmentedValue(_predIndex[b], builder);
            var cases = new List<Edge>();
            foreach (var (from, edge) in preds)
            {
                var caseBlock = _pb.NewBlock();
                var cb = new IrBuilder(_pb, caseBlock) { Source = builder.Source };
                PropagateEdge(b, edge, cb);
                cb.Jump(adjointBlocks[from]);
                cases.Add(new Edge(caseBlock));
            }
            pb.Terminator = new Terminator { Kind = TerminatorKind.Switch, Value = which, Edges = cases };
        }

        var fb = new IrBuilder(_pb, final);
        var gradients = _wrt.Select(k =>
        {
            var p = Source.Parameters[k].Value!;
            return _adjoints.TryGetValue(p, out var v) ? fb.Load(v, "d" + p.Name) : fb.Zero(p.Type);
        }).ToList();
        var gradient = gradients.Count == 1 ? gradients[0] : fb.MakeTuple(gradients, GradientType(Source, _wrt));
        final.Terminator = finish(gradient);
        // Keep the final block last, after the per-edge blocks, so the pullback reads top to bottom.
        _pb.Blocks.Remove(final);
        _pb.Blocks.Add(final);
    }

    /// <summary>Block parameters' adjoints flow to the arguments the given edge passed.</summary>
    private void PropagateEdge(Block target, Edge edge, IrBuilder b)
    {
        for (int k = 0; k < target.Params.Count; k++)
        {
            var p = target.Params[k];
            if (!_activity.IsActive(p)) continue;
            var g = b.Load(Adjoint(p));
            if (_zeroAfterRead) b.Store(Adjoint(p), b.Zero(p.Type));
            AddTo(edge.Args[k], g, b);
        }
    }

    private void DifferentiateBackward(Instr i, IrBuilder b)
    {
        var r = i.Result!;
        var adj = Adjoint(r);
        var g = b.Load(adj);
        if (_zeroAfterRead) b.Store(adj, b.Zero(r.Type));
        switch (i.Op)
        {
            case Op.Binary:
            {
                var x0 = i.Operands[0];
                var x1 = i.Operands[1];
                switch (i.BinaryOp)
                {
                    case BinaryOp.Add:
                        AddTo(x0, g, b);
                        AddTo(x1, g, b);
                        break;
                    case BinaryOp.Sub:
                        AddTo(x0, g, b);
                        if (_activity.IsActive(x1)) AddTo(x1, b.Unary(UnaryOp.Neg, g), b);
                        break;
                    case BinaryOp.Mul:
                        if (_activity.IsActive(x0)) AddTo(x0, b.Binary(BinaryOp.Mul, g, PrimalValue(x1, b)), b);
                        if (_activity.IsActive(x1)) AddTo(x1, b.Binary(BinaryOp.Mul, g, PrimalValue(x0, b)), b);
                        break;
                    case BinaryOp.Div:
                    {
                        // a / b: da += g / b; db -= g * y / b
                        if (!_activity.IsActive(x0) && !_activity.IsActive(x1)) break;
                        var denominator = PrimalValue(x1, b);
                        var ga = b.Binary(BinaryOp.Div, g, denominator);
                        AddTo(x0, ga, b);
                        if (_activity.IsActive(x1))
                            AddTo(x1, b.Unary(UnaryOp.Neg, b.Binary(BinaryOp.Mul, ga, PrimalValue(r, b))), b);
                        break;
                    }
                    case BinaryOp.Rem:
                        AddTo(x0, g, b);
                        if (_activity.IsActive(x1))
                        {
                            var q = Builtins.Truncate(b, b.Binary(BinaryOp.Div, PrimalValue(x0, b), PrimalValue(x1, b)));
                            AddTo(x1, b.Unary(UnaryOp.Neg, b.Binary(BinaryOp.Mul, g, q)), b);
                        }
                        break;
                }
                return;
            }
            case Op.Unary:
                AddTo(i.Operands[0], i.UnaryOp == UnaryOp.Neg ? b.Unary(UnaryOp.Neg, g) : g, b);
                return;
            case Op.Convert:
                if (i.Operands[0].Type.IsReal) AddTo(i.Operands[0], b.Convert(g, i.Operands[0].Type), b);
                return;
            case Op.Call:
                BackwardCall(i, g, b);
                return;
        }
    }

    private void BackwardCall(Instr i, Value g, IrBuilder b)
    {
        var d = i.Callee!.Derivative;
        if (d is null) return;
        var slot = CallResidualsInPullback(i);
        var wrtArgs = d.Wrt.Select(k => i.Arguments![k].Value!).ToList();
        if (d.PullbackMethod != null)
        {
            var cotType = wrtArgs.Count == 1 ? wrtArgs[0].Type : IrType.Tuple(wrtArgs.Select(a => a.Type).ToList());
            var cot = b.Call(new Callee(d.PullbackMethod, i.Callee.DisplayName + " (pullback)", true, null), null,
                new List<Argument> { new(null, RefKindIr.In, slot), new(g) }, cotType).Result!;
            for (int k = 0; k < wrtArgs.Count; k++)
                AddTo(wrtArgs[k], wrtArgs.Count == 1 ? cot : b.TupleGet(cot, k), b);
            return;
        }
        // A forward rule: each partial is the differential along a unit tangent.
        for (int k = 0; k < wrtArgs.Count; k++)
        {
            if (!_activity.IsActive(wrtArgs[k])) continue;
            var args = new List<Argument> { new(null, RefKindIr.In, slot) };
            for (int j = 0; j < wrtArgs.Count; j++)
                args.Add(new Argument(j == k ? b.One(wrtArgs[j].Type) : b.Zero(wrtArgs[j].Type)));
            var partial = b.Call(new Callee(d.DifferentialMethod!, i.Callee.DisplayName + " (differential)", true, null), null, args, i.Result!.Type).Result!;
            AddTo(wrtArgs[k], b.Convert(b.Binary(BinaryOp.Mul, g, partial), wrtArgs[k].Type), b);
        }
    }

    /// <summary>Split form: the augmented primal stores each residual right where it is defined.</summary>
    private void InsertResidualStores()
    {
        foreach (var kv in _residualFields)
        {
            var (mapped, field) = (kv.Key, kv.Value);
            var store = new Instr(Op.StoreVar, null, new List<Value> { mapped }, SourceInfo.None) { Var = field };
            if (mapped.Definition != null)
            {
                var block = Target.Blocks.First(b => b.Instrs.Contains(mapped.Definition));
                block.Instrs.Insert(block.Instrs.IndexOf(mapped.Definition) + 1, store);
            }
            else if (mapped.ParameterOf != null)
            {
                mapped.ParameterOf.Instrs.Insert(0, store);
            }
            else
            {
                // A function parameter: right after 'residuals = default'.
                var entry = Target.Entry.Instrs;
                int reset = entry.FindIndex(i => i.Op == Op.StoreVar && i.Var == _residualsParam);
                entry.Insert(reset + 1, store);
            }
        }
    }
}
