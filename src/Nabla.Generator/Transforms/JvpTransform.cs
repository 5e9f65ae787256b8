// Forward mode as an IR → IR transform: every active instruction is cloned with its tangent
// beside it; the result is a function (primals, tangents) → (Value, Tangent). With several lanes
// (vector forward mode) each active value carries one tangent per input, seeded with that input's
// unit vector: one pass gives the value and the whole gradient of a function of few scalar inputs.
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.Analysis;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal sealed class JvpTransform : Cloner
{
    private readonly Activity _activity;
    // One tangent map per lane; _lane selects the lane being written (always 0 with one lane).
    private readonly Dictionary<Value, Value>[] _laneTangent;
    private readonly Dictionary<Var, Var>[] _laneTangentVar;
    private readonly string[]? _laneNames;
    private int _lane;
    // Tangents known to be exactly one (the seeds of vector mode): products with them are not emitted.
    private readonly HashSet<Value> _unit = new();
    private Dictionary<Value, Value> _tangent => _laneTangent[_lane];
    private Dictionary<Var, Var> _tangentVar => _laneTangentVar[_lane];

    /// <summary>The tangent of a variable: a parameter for ref and out parameters, else a local.</summary>
    private Var TangentVar(Var v)
    {
        if (!_tangentVar.TryGetValue(v, out var t))
            _tangentVar[v] = t = Target.NewLocal(TangentName(v.Name), v.Type);
        return t;
    }

    private JvpTransform(IrFunction source, IrFunction target, Activity activity, string[]? laneNames = null) : base(source, target)
    {
        _activity = activity;
        _laneNames = laneNames;
        int lanes = laneNames?.Length ?? 1;
        _laneTangent = Enumerable.Range(0, lanes).Select(_ => new Dictionary<Value, Value>()).ToArray();
        _memberTangents = Enumerable.Range(0, lanes).Select(_ => new Dictionary<(Value?, string), Value>()).ToArray();
        _laneTangentVar = Enumerable.Range(0, lanes).Select(_ => new Dictionary<Var, Var>()).ToArray();
    }

    /// <summary>Runs <paramref name="tangentOfLane"/> once per lane, with that lane's tangents selected.</summary>
    private void ForLanes(System.Action tangentOfLane)
    {
        for (_lane = 0; _lane < _laneTangent.Length; _lane++)
            tangentOfLane();
        _lane = 0;
    }

    /// <summary>
    /// Builds <c>(R Value, R Tangent) name(primals..., tangents of wrt...)</c>. Tangent parameters are
    /// named <c>d</c> + the parameter name and follow all primal parameters, in wrt order.
    /// </summary>
    public static IrFunction Transform(IrFunction primal, IReadOnlyList<int> wrt, Activity activity, string name)
    {
        var returnType = primal.ReturnType.Kind == TypeKind.Void ? IrType.Void
            : IrType.Tuple(new[] { primal.ReturnType, primal.ReturnType.Tangent }, new[] { "Value", "Tangent" });
        var f = new IrFunction(name, returnType) { IsStatic = primal.IsStatic, Modifiers = primal.Modifiers };
        var t = new JvpTransform(primal, f, activity);
        t.Run(wrt);
        return f;
    }

    /// <summary>
    /// Forward mode written so that it can be differentiated again (second order): the directional derivative
    /// <c>R name(primals..., tangents of wrt...)</c> alone, with rules applied through their differentiable partials
    /// (<c>∂f/∂x_k(x) · dx_k</c>) rather than their split forms. Null, with the reason, when some call on the active
    /// path has no such form (a differentiable callee that was not inlined, a rule without partials).
    /// </summary>
    public static IrFunction? Composable(IrFunction primal, IReadOnlyList<int> wrt, Activity activity, string name, out string? why) =>
        Composable(primal, wrt, activity, name, out why, out _);

    /// <summary>
    /// As above; <paramref name="orderBound"/> says that what stopped it is a rule differentiated to the highest order
    /// Nabla generates its partials for (RuleChains.MaxOrder), not a shape it cannot handle.
    /// </summary>
    public static IrFunction? Composable(IrFunction primal, IReadOnlyList<int> wrt, Activity activity, string name, out string? why, out bool orderBound)
    {
        var f = new IrFunction(name, primal.ReturnType.Tangent) { IsStatic = primal.IsStatic, Modifiers = primal.Modifiers };
        f.KeepsStopGradients = true;
        var t = new JvpTransform(primal, f, activity) { _composable = true };
        t.Run(wrt);
        why = t._failure;
        orderBound = t._orderBound;
        return why is null ? f : null;
    }

    /// <summary>
    /// Vector forward mode: <c>(R Value, Gradient) name(primals...)</c>, the value and its partial derivatives
    /// with respect to every scalar input in <paramref name="wrt"/>, in one pass with one tangent lane per input.
    /// Null, with the reason, when some construct needs more than a scalar lane (arrays, spans, ref or out
    /// parameters, a differentiable callee called through its own forward mode).
    /// </summary>
    public static IrFunction? VectorGradient(IrFunction primal, IReadOnlyList<int> wrt, Activity activity, string name, IrType returnType, out string? why)
    {
        why = Lanes.Unsupported(primal, wrt);
        if (why != null) return null;
        var f = new IrFunction(name, returnType) { IsStatic = primal.IsStatic, Modifiers = primal.Modifiers };
        var t = new JvpTransform(primal, f, activity, wrt.Select(k => primal.Parameters[k].Name).ToArray());
        t.Run(wrt);
        why = t._failure;
        return why is null ? f : null;
    }

    private bool _composable;
    // Why the function cannot be written in the requested form (composable, or vector lanes); null when it can.
    private string? _failure;
    private bool IsVector => _laneNames != null;
    private bool _orderBound;

    private void Run(IReadOnlyList<int> wrt)
    {
        CloneParameters();
        foreach (int index in wrt)
        {
            var p = Source.Parameters[index];
            if (IsVector) continue;
            if (p.Variable != null)
                _tangentVar[p.Variable] = Target.AddRefParameter(TangentName(p.Name), p.Type, RefKindIr.Ref);
            else
                _tangent[p.Value!] = Target.AddParameter(TangentName(p.Name), p.Type.Tangent, p.RefKind);
        }
        // An out parameter's tangent is an output too.
        foreach (var p in Source.Parameters.Where(p => p.RefKind == RefKindIr.Out && p.Type.IsReal))
            _tangentVar[p.Variable!] = Target.AddRefParameter(TangentName(p.Name), p.Type, RefKindIr.Out);
        CreateBlocks();
        if (IsVector)
        {
            // Lane k's seed: the unit vector of input k.
            var seeds = new IrBuilder(Target, BlockMap[Source.Entry]);
            for (int k = 0; k < wrt.Count; k++)
            {
                var p = Source.Parameters[wrt[k]];
                var one = seeds.One(p.Type.Tangent);
                _unit.Add(one);
                _laneTangent[k][p.Value!] = one;
            }
        }
        // An array or span parameter that is not an input but holds differentiated values (a [NoDerivative] workspace):
        // the tangents of what is written into it, in an array of its own that starts at zero.
        var entry = new IrBuilder(Target, BlockMap[Source.Entry]);
        // A tangent array given by the caller has its input's length (an IndexOutOfRangeException from inside, or a
        // longer one silently cut, otherwise).
        if (!_composable && !IsVector)
            foreach (int index in wrt)
                if (Source.Parameters[index] is { Value: { Type: { IsArray: true, IsSpan: false, Rank: 1 } } value } &&
                    _tangent.TryGetValue(value, out var given) && given.FunctionParameter != null)
                {
                    entry.Source = new SourceInfo("the tangent of " + Source.Parameters[index].Name + " has its length", "", 0, 0, 0, 0, 0, 0);
                    entry.Call(new Callee("global::Nabla.CompilerServices.Shadow.CheckTangentLength", "Shadow.CheckTangentLength", true, null),
                        null, new List<Argument> { new(M(value)), new(given) }, IrType.Void);
                }
        foreach (var p in Source.Parameters)
            if (p.Value != null && p.Type.IsArray && !_tangent.ContainsKey(p.Value) && _activity.IsActive(p.Value))
            {
                entry.Source = new SourceInfo("the tangent of what is written into " + p.Name + " starts at zero", "", 0, 0, 0, 0, 0, 0);
                _tangent[p.Value] = Tangent(p.Value, entry);
                _tangent[p.Value].Name = TangentName(p.Name);
            }
        // An array reached through a member with no tangent (a workspace object's field, a static scratch array, a
        // [NoDerivative] member, an array of a captured model) that differentiated values are written into: one tangent
        // of its own that starts at zero, made at the entry when the member is static or read from a parameter, so
        // that every read of it shares the tangent.
        var parameterValues = new HashSet<Value>(Source.Parameters.Where(p => p.Value != null).Select(p => p.Value!));
        var ownTangentReads = Source.Blocks.SelectMany(block => block.Instrs).Where(i => OwnTangentKey(i) != null).ToList();
        void MakeMemberTangent(IrBuilder b, Instr read) => ForLanes(() =>
        {
            var key = OwnTangentKey(read)!.Value;
            if (_memberTangents[_lane].ContainsKey(key)) return;
            var primal = b.EmitInstr(Op.Member, read.Result!.Type, read.Operands.Select(M).ToList(), "nablaMember");
            primal.Text = read.Text;
            _memberTangents[_lane][key] = b.ZerosLike(primal.Result!);
        });
        entry.Source = new SourceInfo("the tangents of what is written into arrays of data members start at zero", "", 0, 0, 0, 0, 0, 0);
        foreach (var read in ownTangentReads.Where(i => i.Operands.Count == 0 || parameterValues.Contains(i.Operands[0])))
            MakeMemberTangent(entry, read);
        // (Of an object the method makes, where the object is made.)
        var readsOfObjectsMadeHere = ownTangentReads
            .Where(i => i.Operands.Count == 1 && !parameterValues.Contains(i.Operands[0]) && i.Operands[0].Definition != null)
            .ToLookup(i => i.Operands[0]);
        // Tangent block parameters for active phis.
        foreach (var b in Source.Blocks)
            foreach (var p in b.Params)
                if (_activity.IsActive(p))
                    ForLanes(() =>
                    {
                        var tp = Target.NewValue(p.Type.Tangent, TangentName(p.Name));
                        tp.ParameterOf = BlockMap[b];
                        BlockMap[b].Params.Add(tp);
                        _tangent[p] = tp;
                    });
        foreach (var b in Source.Blocks)
        {
            var builder = new IrBuilder(Target, BlockMap[b]);
            foreach (var i in b.Instrs)
            {
                builder.Source = i.Source;
                Differentiate(i, builder);
                // The tangents of array members of an object made here: where the object is (so every read of them sees one).
                if (i.Result != null)
                    foreach (var read in readsOfObjectsMadeHere[i.Result]) MakeMemberTangent(builder, read);
            }
        }
        foreach (var b in Source.Blocks)
        {
            var builder = new IrBuilder(Target, BlockMap[b]) { Source = b.Terminator.Source };
            var term = b.Terminator;
            var edges = term.Edges.Select(e => CloneEdge(e, e.Target.Params
                .Select((p, k) => (p, k)).Where(x => _activity.IsActive(x.p))
                .SelectMany(x => LaneTangents(e.Args[x.k], builder)).ToList())).ToList();
            if (term.Kind == TerminatorKind.Return && term.Value != null && _composable)
            {
                builder.Block.Terminator = Terminator.Return(Tangent(term.Value!, builder), term.Source);
                continue;
            }
            if (term.Kind == TerminatorKind.Return && term.Value != null && IsVector)
            {
                // (Value, Gradient): the gradient is the lanes' tangents, a tuple when there are several.
                var gradientType = Target.ReturnType.Elements[1];
                // Each component has its input's type (a float input of a double function has a float gradient).
                var lanes = LaneTangents(term.Value!, builder)
                    .Select((t, k) => builder.Convert(t, gradientType.Kind == TypeKind.Tuple ? gradientType.Elements[k] : gradientType)).ToList();
                var gradient = lanes.Count == 1 ? lanes[0] : builder.MakeTuple(lanes, gradientType);
                builder.Block.Terminator = Terminator.Return(builder.MakeTuple(new List<Value> { M(term.Value!), gradient }, Target.ReturnType), term.Source);
                continue;
            }
            if (term.Kind == TerminatorKind.Return && term.Value != null)
            {
                var v = M(term.Value!);
                var tv = Tangent(term.Value!, builder);
                var tuple = builder.MakeTuple(new List<Value> { v, tv }, Target.ReturnType);
                builder.Block.Terminator = Terminator.Return(tuple, term.Source);
                continue;
            }
            builder.Block.Terminator = new Terminator
            {
                Kind = term.Kind,
                Value = term.Value is null ? null : M(term.Value),
                Edges = edges,
                Source = term.Source,
            };
        }
    }

    private string TangentName(string? name) => (name is null ? "d" : "d" + name) + (IsVector ? "_d" + _laneNames![_lane] : "");

    /// <summary>The tangent of a primal value in every lane, in lane order.</summary>
    private List<Value> LaneTangents(Value primal, IrBuilder b)
    {
        var lanes = new List<Value>();
        ForLanes(() => lanes.Add(Tangent(primal, b)));
        return lanes;
    }

    /// <summary><paramref name="tangent"/> · <paramref name="factor"/>, or the factor alone when the tangent is a unit seed.</summary>
    private Value Times(IrBuilder b, Value tangent, Value factor) =>
        _unit.Contains(tangent) ? factor : b.Binary(BinaryOp.Mul, tangent, factor);

    /// <summary><paramref name="factor"/> · <paramref name="tangent"/>, or the factor alone when the tangent is a unit seed.</summary>
    private Value Times(Value factor, IrBuilder b, Value tangent) =>
        _unit.Contains(tangent) ? factor : b.Binary(BinaryOp.Mul, factor, tangent);

    /// <summary>The tangent of a primal value, materializing a zero when it has none.</summary>
    private Value Tangent(Value primal, IrBuilder b) =>
        _tangent.TryGetValue(primal, out var t) ? t
        : primal.Type.IsArray ? b.ZerosLike(M(primal))
        // A struct with array members (a captured model, data here): a zero tangent whose arrays have its arrays' lengths,
        // which code reading them element by element needs (default's arrays are null).
        : primal.Type is { HasArrayLeaves: true, Construction: not StructConstruction.Tuple }
            ? b.CallHelper("global::Nabla.CompilerServices.Shadow.ZeroTangentOf<" + primal.Type.Name + ", " + primal.Type.Tangent.Name + ">", primal.Type.Tangent, M(primal))!
        : b.Zero(primal.Type.Tangent);

    /// <summary>The tangents of arrays read through members that have none of their own, by (receiver, member).</summary>
    private Dictionary<(Value?, string), Value>[] _memberTangents = null!;

    /// <summary>
    /// (receiver, member) of an active array read through a member whose tangent does not come from the receiver's: a
    /// static member, a member of data, a [NoDerivative] member, or a member of a struct that is not active. Null otherwise.
    /// </summary>
    private (Value?, string)? OwnTangentKey(Instr i) =>
        i.Op == Op.Member && i.Result is { Type.IsArray: true } r && r.Type.IsDifferentiable && _activity.IsActive(r) &&
        (i.Operands.Count == 0 || !i.Operands[0].Type.IsStruct || !_activity.IsActive(i.Operands[0]) || !i.Operands[0].Type.IsDifferentiablePath(i.Text!))
            ? (i.Operands.Count == 0 ? null : i.Operands[0], i.Text!) : null;

    private Value? TangentOrNull(Value primal) => _tangent.TryGetValue(primal, out var t) ? t : null;

    private void Differentiate(Instr i, IrBuilder b)
    {
        if (i.Op == Op.StoreVar && i.Var!.Type.IsReal && (_tangentVar.ContainsKey(i.Var) || _activity.IsActive(i.Var)))
        {
            CloneInstr(i, b);
            ForLanes(() => b.Store(TangentVar(i.Var), Tangent(i.Operands[0], b)));
            return;
        }
        if (i.Op == Op.LoadVar && _activity.IsActive(i.Result) && (_tangentVar.ContainsKey(i.Var!) || _activity.IsActive(i.Var!)))
        {
            CloneInstr(i, b);
            ForLanes(() => _tangent[i.Result!] = b.Load(TangentVar(i.Var!), TangentName(i.Result!.Name)));
            return;
        }
        if (i.Op == Op.ArrayStore)
        {
            // a[i] = v: the tangent array gets v's tangent at the same place.
            CloneInstr(i, b);
            var array = i.Operands[0];
            ForLanes(() =>
            {
                if (!_tangent.TryGetValue(array, out var ta)) return;
                var stored = i.Operands[i.Operands.Count - 1];
                b.ArrayStore(ta, i.Operands.Skip(1).Take(i.Operands.Count - 2).Select(M), Tangent(stored, b));
            });
            return;
        }
        // A differentiable callee that may write active arrays runs in forward mode even when its result is not needed.
        if (i.Op == Op.Call && i.Callee!.Derivative != null &&
            (i.AllInputs().Any(v => v.Type.IsArray && _activity.IsActive(v)) || i.Arguments!.Any(a => a.Variable != null && _activity.IsActive(a.Variable))))
        {
            DifferentiateCall(i, b);
            return;
        }
        if (OwnTangentKey(i) is { } memberKey)
        {
            CloneInstr(i, b);
            var array = i.Result!;
            ForLanes(() =>
            {
                if (!_memberTangents[_lane].TryGetValue(memberKey, out var tangent))
                    _memberTangents[_lane][memberKey] = tangent = Tangent(array, b);
                _tangent[array] = tangent;
            });
            return;
        }
        bool active = _activity.IsActive(i.Result);
        if (active && i.Result!.Type.IsArray && (i.Op is Op.Convert or Op.StopGradient || i.Op == Op.Call && i.Callee!.Derivative is null))
        {
            // An array from a cast or a call without derivatives ((double[])u.Clone(), a data function), or whose derivative
            // is cut (an inlined [NoDerivative] workspace, WithoutDerivative(a)): active values are written into it here,
            // so it has one tangent of zeros from its definition on.
            CloneInstr(i, b);
            var array = i.Result;
            ForLanes(() => _tangent[array] = Tangent(array, b));
            return;
        }
        if (!active)
        {
            CloneInstr(i, b);
            return;
        }
        var r = i.Result!;
        switch (i.Op)
        {
            case Op.Binary:
            {
                var y = CloneInstr(i, b).Result!;
                var x0 = M(i.Operands[0]);
                var x1 = M(i.Operands[1]);
                ForLanes(() =>
                {
                    var t0 = TangentOrNull(i.Operands[0]);
                    var t1 = TangentOrNull(i.Operands[1]);
                    Value? t = i.BinaryOp switch
                    {
                        // d(a + b) = da + db
                        BinaryOp.Add => Sum(b, t0, t1),
                        // d(a - b) = da - db
                        BinaryOp.Sub => t1 is null ? t0 : t0 is null ? b.Unary(UnaryOp.Neg, t1) : b.Binary(BinaryOp.Sub, t0, t1),
                        // d(a * b) = da * b + a * db
                        BinaryOp.Mul => Sum(b, t0 is null ? null : Times(b, t0, x1), t1 is null ? null : Times(x0, b, t1)),
                        // d(a / b) = (da - y * db) / b
                        BinaryOp.Div => t1 is null ? (t0 is null ? null : b.Binary(BinaryOp.Div, t0, x1))
                            : b.Binary(BinaryOp.Div, t0 is null ? b.Unary(UnaryOp.Neg, Times(y, b, t1)) : b.Binary(BinaryOp.Sub, t0, Times(y, b, t1)), x1),
                        // d(a % b) = da - trunc(a / b) * db
                        BinaryOp.Rem => t1 is null ? t0 : Sum(b, t0, b.Unary(UnaryOp.Neg, Times(Builtins.Truncate(b, b.Binary(BinaryOp.Div, x0, x1)), b, t1))),
                        _ => null,
                    };
                    if (t != null) _tangent[r] = t;
                });
                return;
            }
            case Op.Unary:
            {
                CloneInstr(i, b);
                ForLanes(() =>
                {
                    var t0 = TangentOrNull(i.Operands[0]);
                    if (t0 != null) _tangent[r] = i.UnaryOp == UnaryOp.Neg ? b.Unary(UnaryOp.Neg, t0) : t0;
                });
                return;
            }
            case Op.Convert:
            {
                CloneInstr(i, b);
                ForLanes(() =>
                {
                    var t0 = TangentOrNull(i.Operands[0]);
                    if (t0 != null && r.Type.IsReal) _tangent[r] = b.Convert(t0, r.Type);
                    else if (t0 != null && r.Type.IsStruct && i.Operands[0].Type.IsStruct)
                    {
                        // A subclass's object as its base class: the base's part of the tangent. A base class's
                        // object as a subclass (virtual dispatch): the subclass's own members have zero tangent.
                        var parts = new List<Value>();
                        var from = new HashSet<string>(i.Operands[0].Type.Leaves.Where(l => l.Differentiable).Select(l => l.Path));
                        foreach (var leaf in r.Type.Leaves.Where(l => l.Differentiable))
                            parts.Add(from.Contains(leaf.Path) ? b.Member(t0, leaf.Path, leaf.Type.Tangent) : Tangent(b.Member(M(r), leaf.Path, leaf.Type), b));
                        _tangent[r] = b.Emit(Op.MakeStruct, r.Type.Tangent, parts, TangentName(r.Name));
                    }
                });
                return;
            }
            case Op.Member when i.Operands.Count == 1 && i.Operands[0].Type.IsStruct:
            {
                // A member's tangent is the same member of the struct's tangent.
                CloneInstr(i, b);
                ForLanes(() =>
                {
                    if (_tangent.TryGetValue(i.Operands[0], out var ts) && i.Operands[0].Type.IsDifferentiablePath(i.Text!))
                        _tangent[r] = b.Member(ts, i.Text!, r.Type.Tangent, TangentName(r.Name));
                });
                return;
            }
            case Op.MakeStruct:
            {
                // The tangent of a struct built from its leaves: the tangent struct built from theirs.
                CloneInstr(i, b);
                var leaves = r.Type.Leaves;
                ForLanes(() =>
                {
                    var tangents = new List<Value>();
                    for (int k = 0; k < leaves.Count; k++)
                        if (leaves[k].Differentiable) tangents.Add(Tangent(i.Operands[k], b));
                    _tangent[r] = b.Emit(Op.MakeStruct, r.Type.Tangent, tangents, TangentName(r.Name));
                });
                return;
            }
            case Op.MakeTuple:
            case Op.TupleGet:
                // Tuples of reals: not produced by issue-2 code paths except rule returns; data.
                CloneInstr(i, b);
                return;
            case Op.Call:
                DifferentiateCall(i, b);
                return;
            case Op.NewArray:
                CloneInstr(i, b);
                ForLanes(() => _tangent[r] = b.NewArray(r.Type.Tangent, i.Operands.Select(M), TangentName(r.Name)));
                return;
            case Op.Slice:
                // A view of part of an array or span: its tangent is the same part of the tangent.
                CloneInstr(i, b);
                ForLanes(() => _tangent[r] = b.Slice(Tangent(i.Operands[0], b), r.Type.Tangent, i.Operands.Count == 3 ? M(i.Operands[1]) : null,
                    i.Operands.Count == 3 ? M(i.Operands[2]) : null, TangentName(r.Name)));
                return;
            case Op.ArrayLoad:
            {
                CloneInstr(i, b);
                ForLanes(() =>
                {
                    if (_tangent.TryGetValue(i.Operands[0], out var ta))
                    {
                        var tangent = b.ArrayLoad(ta, i.Operands.Skip(1).Select(M), TangentName(r.Name));
                        tangent.Definition!.Speculated = i.Speculated;
                        _tangent[r] = tangent;
                    }
                });
                return;
            }
            default:
                CloneInstr(i, b);
                return;
        }
    }

    private static Value? Sum(IrBuilder b, Value? x, Value? y) =>
        x is null ? y : y is null ? x : b.Binary(BinaryOp.Add, x, y);

    private void DifferentiateCall(Instr i, IrBuilder b)
    {
        var d = i.Callee!.Derivative;
        if (d is null)
        {
            CloneInstr(i, b);
            return;
        }
        var r = i.Result;
        var receiver = i.Operands.Count > 0 ? M(i.Operands[0]) : null;
        var args = i.Arguments!.Select(a => new Argument(a.Value is null ? null : M(a.Value), a.RefKind, a.Variable is null ? null : MapVar(a.Variable))).ToList();
        if (_composable)
        {
            // y = f(x...) as in the primal; dy = Σ ∂f/∂x_k(x...) · dx_k, each partial a differentiable call.
            CloneInstr(i, b);
            bool writesVariables = i.Arguments!.Any(a => a.Variable != null && a.RefKind != RefKindIr.In);
            if (!writesVariables && (r is null || !_activity.IsActive(r))) return;
            if (d.Partials is null && d.PartialsBeyondBound && _failure is null)
            {
                _orderBound = true;
                _failure = $"it differentiates '{i.Callee.DisplayName}' beyond order {Pipeline.RuleChains.MaxOrder}, " + Pipeline.RuleChains.OrderBoundReason;
                return;
            }
            if (i.Callee.IsLinear && !writesVariables && i.Arguments!.Count == 1 && i.Arguments[0].Value is { } input)
            {
                // d L(x) = L(dx), itself a differentiable call.
                if (TangentOrNull(input) is { } dx)
                    _tangent[r!] = b.Call(i.Callee, null, new List<Argument> { new(dx) }, r!.Type.Tangent).Result!;
                return;
            }
            if (writesVariables || d.Partials is null || receiver != null || i.Arguments!.Any(a => a.Value is null))
            {
                _failure ??= $"'{i.Callee.DisplayName}' has no differentiable first derivative (a [Differentiable] method that is recursive, too large to inline, generic other than generic math at double or float, a method of a [Differentiable] class with array members or a base class, or that reads private members of another type (make them internal), or a rule whose closure is not a single expression, whose body calls a method with no derivative (mark that helper [Differentiable]), or that is for a member, a constructor, struct values or arrays: such rules give first derivatives only)";
                return;
            }
            Value? sum = null;
            for (int k = 0; k < d.Wrt.Count; k++)
            {
                var tx = TangentOrNull(i.Arguments![d.Wrt[k]].Value!);
                if (tx is null) continue;
                var partialType = d.DifferentialMethod != null ? r!.Type : i.Arguments![d.Wrt[k]].Value!.Type;
                var partial = b.Call(d.Partials[k], null, args.Select(a => new Argument(a.Value)).ToList(), partialType).Result!;
                sum = Sum(b, sum, b.Binary(BinaryOp.Mul, b.Convert(partial, r!.Type), b.Convert(tx, r.Type)));
            }
            if (sum != null) _tangent[r!] = sum;
            return;
        }
        if (d.JvpMethod != null && IsVector)
        {
            // Its forward mode carries one tangent; calling it once per lane would run it that many times.
            _failure ??= $"'{i.Callee.DisplayName}' is differentiated through its own forward mode, which has one tangent lane";
            CloneInstr(i, b);
            return;
        }
        if (d.JvpMethod != null)
        {
            // (y, dy) = f_Jvp(x..., dx...)
            var jvpArgs = args.Concat(d.Wrt.Select(k => i.Arguments![k].Variable is { } v
                    ? new Argument(null, RefKindIr.Ref, TangentVar(v))
                    : new Argument(Tangent(i.Arguments![k].Value!, b))))
                .Concat(i.Arguments!.Where(a => a.RefKind == RefKindIr.Out && a.Variable!.Type.IsReal)
                    .Select(a => new Argument(null, RefKindIr.Out, TangentVar(a.Variable!))))
                .ToList();
            var type = r is null ? IrType.Void : IrType.Tuple(new[] { r.Type, r.Type.Tangent });
            var call = b.Call(new Callee(d.JvpMethod, i.Callee.DisplayName + " (JVP)", i.Callee.IsStatic, null), receiver, jvpArgs, type);
            if (r is null) return;
            Map[r] = b.TupleGet(call.Result!, 0, r.Name);
            _tangent[r] = b.TupleGet(call.Result!, 1);
            return;
        }
        if (r is null)
        {
            CloneInstr(i, b);
            return;
        }
        var residuals = Target.NewLocal("res" + Target.Locals.Count, new IrType(d.ResidualType, TypeKind.Other));
        var primalArgs = args.Concat(new[] { new Argument(null, RefKindIr.Out, residuals) }).ToList();
        var y = b.Call(new Callee(d.PrimalMethod, i.Callee.DisplayName, i.Callee.IsStatic, null), receiver, primalArgs, r.Type, r.Name).Result!;
        Map[r] = y;
        if (d.DifferentialMethod != null)
        {
            // dy = differential(residuals, dx...)
            ForLanes(() =>
            {
                var diffArgs = new List<Argument> { new(null, RefKindIr.In, residuals) };
                diffArgs.AddRange(d.Wrt.Select(k => new Argument(Tangent(i.Arguments![k].Value!, b))));
                _tangent[r] = b.Call(new Callee(d.DifferentialMethod, i.Callee.DisplayName + " (differential)", true, null), null, diffArgs, r.Type.Tangent).Result!;
            });
            return;
        }
        // A reverse rule: each real leaf of the result's tangent (the result itself, for a scalar) is a row of the
        // Jacobian, the pullback of that leaf's unit cotangent; its tangent is the row dotted with the inputs' tangents.
        var wrtTypes = d.Wrt.Select(k => i.Arguments![k].Value!.Type).ToList();
        if (wrtTypes.Count == 1 && wrtTypes[0].IsReal && r.Type.IsReal)
        {
            // A scalar function of one scalar: its pullback is multiplication by f′, so the tangent is the pullback of dx
            // itself (a zero tangent stays zero where f′ is infinite, as the rules' pullbacks keep a zero cotangent).
            ForLanes(() =>
            {
                var tx = TangentOrNull(i.Arguments![d.Wrt[0]].Value!);
                if (tx is null) return;
                var pulled = b.Call(new Callee(d.PullbackMethod!, i.Callee.DisplayName + " (pullback)", true, null), null,
                    new List<Argument> { new(null, RefKindIr.In, residuals), new(b.Convert(tx, r.Type)) }, wrtTypes[0]).Result!;
                _tangent[r] = b.Convert(pulled, r.Type);
            });
            return;
        }
        var cotType = wrtTypes.Count == 1 ? wrtTypes[0].Tangent : IrType.Tuple(wrtTypes.Select(t => t.Tangent).ToList());
        var resultTangent = r.Type.Tangent;
        var rowTypes = IrBuilder.TangentLeafTypes(resultTangent);
        var rows = rowTypes.Select((_, j) => b.Call(new Callee(d.PullbackMethod!, i.Callee.DisplayName + " (pullback)", true, null), null,
            new List<Argument> { new(null, RefKindIr.In, residuals), new(b.Basis(resultTangent, j)) }, cotType).Result!).ToList();
        var partialOf = new Value?[rows.Count, d.Wrt.Count];
        ForLanes(() =>
        {
            var leaves = new List<Value>();
            bool any = false;
            for (int j = 0; j < rows.Count; j++)
            {
                Value? t = null;
                for (int k = 0; k < d.Wrt.Count; k++)
                {
                    var tx = TangentOrNull(i.Arguments![d.Wrt[k]].Value!);
                    if (tx is null) continue;
                    var partial = partialOf[j, k] ??= wrtTypes.Count == 1 ? rows[j] : b.TupleGet(rows[j], k);
                    // A zero tangent contributes zero even where the partial is not finite (Pow's ∂y at x < 0 along a
                    // constant exponent), as the rules' pullbacks keep a zero cotangent zero.
                    t = Sum(b, t, !wrtTypes[k].IsReal ? b.Dot(partial, tx, rowTypes[j])
                        : _unit.Contains(tx) ? b.Convert(partial, rowTypes[j])
                        : b.CallHelper("global::Nabla.CompilerServices.Adjoints.MultiplyOrZero", rowTypes[j], b.Convert(tx, rowTypes[j]), b.Convert(partial, rowTypes[j]))!);
                }
                any |= t != null;
                leaves.Add(t ?? b.Zero(rowTypes[j]));
            }
            if (any) _tangent[r] = b.FromTangentLeaves(resultTangent, leaves);
        });
    }
}

/// <summary>Calls to BCL helpers that derivative formulas need.</summary>
internal static class Builtins
{
    public static Value Truncate(IrBuilder b, Value x)
    {
        string callee = x.Type.Kind == TypeKind.Single ? "global::System.MathF.Truncate" : "global::System.Math.Truncate";
        // Its derivative is zero: its input is cut, so that code differentiated again (x % y's Hessian) needs none.
        var cut = b.Emit(Op.StopGradient, x.Type, new List<Value> { x });
        return b.Call(new Callee(callee, callee, true, null), null, new List<Argument> { new(cut) }, x.Type).Result!;
    }
}

/// <summary>What vector forward mode (one tangent lane per scalar input) cannot carry.</summary>
internal static class Lanes
{
    /// <summary>Why <paramref name="f"/> cannot be differentiated with scalar lanes, or null when it can.</summary>
    public static string? Unsupported(IrFunction f, IReadOnlyList<int> wrt)
    {
        if (wrt.Any(k => !f.Parameters[k].Type.IsReal || f.Parameters[k].Variable != null))
            return "an input is not a scalar passed by value";
        if (f.Parameters.Any(p => p.Variable != null || p.Type.IsArray))
            return "a parameter is an array, a span, or passed by reference";
        foreach (var b in f.Blocks)
        {
            if (b.Params.Any(p => p.Type.IsArray)) return "an array flows between blocks";
            foreach (var i in b.Instrs)
                if ((i.Result != null && i.Result.Type.IsArray) || (i.Var != null && i.Var.Type.IsArray) ||
                    (i.Arguments != null && i.Arguments.Any(a => a.Variable != null)))
                    return "it uses arrays or passes variables by reference";
        }
        return null;
    }
}
