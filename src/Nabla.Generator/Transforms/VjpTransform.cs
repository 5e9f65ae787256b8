// Reverse mode as an IR → IR transform. The augmented primal runs the original code, builds shadow
// arrays beside active arrays, and keeps what the pullback needs; the pullback walks the blocks
// backwards accumulating adjoints (scalars in locals, arrays in their shadows). What the pullback
// needs is recorded by to-be-recorded analysis: a value it reads from a block that runs once stays in
// a local (fused) or a residual field (split); a value from inside a loop goes on a typed tape, pushed
// at the end of its block and popped at the start of that block's adjoint, so iterations unwind in order.
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.Analysis;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

/// <summary>A field of the residual struct of a split VJP.</summary>
internal sealed record ResidualField(string Name, string Type, bool RefLike = false);

/// <summary>Something the transform cannot express in C#: reported as NABLA0002 at <paramref name="Source"/>.</summary>
internal sealed record TransformLimit(SourceInfo Source, string What, string Hint);

internal sealed class VjpResult
{
    public VjpResult(IrFunction primal, IrFunction? pullback, List<ResidualField> fields, bool usesTapes, List<TransformLimit> limits)
    {
        Primal = primal;
        Pullback = pullback;
        Fields = fields;
        UsesTapes = usesTapes;
        Limits = limits;
    }

    /// <summary>Split: the augmented primal. Fused: the whole derivative function.</summary>
    public IrFunction Primal { get; }
    public IrFunction? Pullback { get; }
    public List<ResidualField> Fields { get; }
    /// <summary>True when loops made the transform record values on tapes (split pullbacks then consume them).</summary>
    public bool UsesTapes { get; }
    /// <summary>What could not be expressed (a span that would have to go on a tape): the result must not be emitted.</summary>
    public List<TransformLimit> Limits { get; }
}

/// <summary>What a fused VJP takes and returns.</summary>
internal enum FusedResult
{
    /// <summary>(Value, Gradient) with a unit seed; scalar results only.</summary>
    ValueAndGradient,
    /// <summary>Gradient only; scalar results only.</summary>
    Gradient,
    /// <summary>(Value, Gradient) for a cotangent of the result passed as the last parameter.</summary>
    ValueAndVjp,
    /// <summary>
    /// The value, with the gradient written into the caller's buffers (one parameter per array input, after the
    /// inputs, cleared first); scalar results and array inputs only.
    /// </summary>
    ValueIntoBuffers,
}

/// <summary>
/// Calling conventions of reverse mode, shared by the callee (which emits them) and callers.
/// A function <c>R F(P)</c> with differentiation inputs W has:
/// <c>R F_Primal(P, shadows of the array inputs in W, [out R shadowResult when R is an array], out F_Residuals residuals)</c> and
/// <c>G F_Pullback(in F_Residuals residuals, [R dResult when R is a scalar])</c>, G the cotangents of the
/// scalar inputs in W (none: void; one: itself; several: a tuple). Array inputs' cotangents accumulate
/// into the shadows given to the primal.
/// </summary>
internal static class VjpConvention
{
    public static List<int> ScalarWrt(IReadOnlyList<IrType> parameterTypes, IReadOnlyList<int> wrt) =>
        wrt.Where(k => parameterTypes[k].IsReal || parameterTypes[k].IsStruct).ToList();

    /// <summary>By-value scalar inputs (returned by the pullback); ref ones travel through ref adjoint parameters.</summary>
    public static List<int> ScalarWrt(IReadOnlyList<Parameter> parameters, IReadOnlyList<int> wrt) =>
        wrt.Where(k => (parameters[k].Type.IsReal || parameters[k].Type.IsStruct) && parameters[k].Variable is null).ToList();

    public static IrType PullbackResult(IReadOnlyList<Parameter> parameters, IReadOnlyList<int> wrt)
    {
        var scalars = ScalarWrt(parameters, wrt).Select(k => parameters[k].Type.Tangent).ToList();
        return scalars.Count switch { 0 => IrType.Void, 1 => scalars[0], _ => IrType.Tuple(scalars) };
    }

    /// <summary>Inputs whose cotangents accumulate in shadows given to the primal: arrays, and structs with array members (a tangent struct holding the shadows).</summary>
    public static List<int> ArrayWrt(IReadOnlyList<IrType> parameterTypes, IReadOnlyList<int> wrt) =>
        wrt.Where(k => parameterTypes[k].IsArray || parameterTypes[k].HasArrayLeaves).ToList();

    public static IrType PullbackResult(IReadOnlyList<IrType> parameterTypes, IReadOnlyList<int> wrt)
    {
        var scalars = ScalarWrt(parameterTypes, wrt).Select(k => parameterTypes[k].Tangent).ToList();
        return scalars.Count switch { 0 => IrType.Void, 1 => scalars[0], _ => IrType.Tuple(scalars) };
    }
}

internal sealed class VjpTransform : Cloner
{
    private readonly Activity _activity;
    private readonly IReadOnlyList<int> _wrt;
    private readonly bool _split;
    private readonly bool _zeroAfterRead;
    private readonly Dictionary<Block, List<(Block From, Edge Edge)>> _preds;
    private readonly Dictionary<Block, int> _scc;
    private readonly HashSet<Block> _inLoop = new();

    // Augmented primal state.
    private readonly Dictionary<Block, Value> _predIndex = new();
    private readonly Dictionary<Value, Value> _shadow = new();          // source array value → shadow in the target
    private readonly Dictionary<Value, Block> _definedIn = new();        // target value → source block it belongs to
    private readonly Dictionary<Instr, (Var Slot, Value? Snapshot)> _callResiduals = new();
    private Var? _residualsParam;
    private Var? _shadowResultParam;

    // Pullback state.
    private IrFunction _pb = null!;
    private readonly Dictionary<Value, Var> _adjoints = new();
    private readonly Dictionary<Var, Var> _varAdjoint = new();

    private Var VarAdjoint(Var v)
    {
        if (!_varAdjoint.TryGetValue(v, out var a))
            _varAdjoint[v] = a = _pb.NewLocal("d" + v.Name, v.Type);
        return a;
    }
    private readonly Dictionary<Value, Var> _residualFields = new();
    private readonly List<ResidualField> _fields = new();
    private readonly HashSet<string> _fieldNames = new();
    private Var? _residualsIn;
    private Block? _adjointOf;                                            // source block whose adjoint is being built
    private readonly Dictionary<Value, Value> _popped = new();            // per adjoint block: target value → popped copy
    private readonly Dictionary<Block, List<Instr>> _popsOf = new();      // source block → pops at its adjoint's start
    private readonly Dictionary<Block, Block> _adjointBlock = new();
    private readonly List<Loop> _loops;
    private readonly Dictionary<(Loop, Value), Var> _regionVars = new();
    private readonly List<(Block At, Block From, Block To)> _transitions = new();
    private readonly List<(Loop Loop, Block At)> _backEdgeCases = new();
    private readonly Dictionary<Block, List<Value>> _pushes = new();
    private readonly Dictionary<string, (Value Primal, Value? Pullback, string? Field)> _tapes = new();

    /// <summary>Names of the generated parameters, chosen not to collide with the user's.</summary>
    private readonly string _residualsName;
    private string? _ownResidualType;
    private ISet<string>? _boxedResidualTypes;
    private readonly string _seedName;

    public static string FreeName(IrFunction f, string name)
    {
        string candidate = name;
        for (int k = 1; f.Parameters.Any(p => p.Name == candidate || p.Name == "d" + candidate); k++) candidate = name + k;
        return candidate;
    }

    private VjpTransform(IrFunction source, IrFunction target, Activity activity, IReadOnlyList<int> wrt, bool split)
        : base(source, target)
    {
        _residualsName = FreeName(source, "residuals");
        _seedName = FreeName(source, "dResult");
        _activity = activity;
        _wrt = wrt;
        _split = split;
        _preds = source.Predecessors();
        _zeroAfterRead = HasBackEdges(source);
        _scc = StronglyConnectedComponents(source);
        foreach (var b in source.Blocks)
            if (source.Blocks.Count(o => _scc[o] == _scc[b]) > 1 || b.Terminator.Edges.Any(e => e.Target == b))
                _inLoop.Add(b);
        _loops = Loop.Find(source, _preds);
    }

    /// <summary>True when some edge goes back to an earlier (or the same) block: the function loops.</summary>
    public static bool HasBackEdges(IrFunction f)
    {
        var index = f.Blocks.Select((b, k) => (b, k)).ToDictionary(x => x.b, x => x.k);
        return f.Blocks.Any(b => b.Terminator.Edges.Any(e => index[e.Target] <= index[b]));
    }

    private static readonly IrType StringType = new("string", TypeKind.Other);

    /// <summary>How the shadows of array inputs are named when they are parameters: "d" (split), "gradient_" (buffers).</summary>
    private string _shadowParameterPrefix = "d";

    private IReadOnlyList<IrType> ParamTypes => Source.Parameters.Select(p => p.Type).ToList();

    /// <summary>The split form (see <see cref="VjpConvention"/>).</summary>
    /// <param name="boxedResidualTypes">Residual types of callees that call back into this method (mutual recursion):
    /// held in a box, as a recursive call's own residuals are, since a struct cannot contain itself.</param>
    public static VjpResult Split(IrFunction source, IReadOnlyList<int> wrt, Activity activity,
        string primalName, string pullbackName, string residualType, ISet<string>? boxedResidualTypes = null)
    {
        var primal = new IrFunction(primalName, source.ReturnType) { IsStatic = source.IsStatic, Modifiers = source.Modifiers };
        var t = new VjpTransform(source, primal, activity, wrt, split: true) { _ownResidualType = residualType, _boxedResidualTypes = boxedResidualTypes };
        t.BuildPrimal(residualType, allocateShadows: false);
        var types = t.ParamTypes;
        var pullback = new IrFunction(pullbackName, VjpConvention.PullbackResult(source.Parameters, wrt))
        {
            IsStatic = true,
            Modifiers = source.Modifiers.Contains("static") ? source.Modifiers : source.Modifiers + " static",
        };
        t._pb = pullback;
        t._residualsIn = pullback.AddRefParameter(t._residualsName, new IrType(residualType, TypeKind.Other), RefKindIr.In);
        Value? seed = source.ReturnType.IsReal || source.ReturnType.IsStruct ? pullback.AddParameter(t._seedName, source.ReturnType.Tangent) : null;
        // ref and out parameters: in, the cotangent of the value at the return; out, of the value at the entry.
        foreach (var p in source.Parameters.Where(p => p.Variable != null && p.Type.IsReal))
            t._varAdjoint[p.Variable!] = pullback.AddRefParameter("d" + p.Name, p.Type, RefKindIr.Ref);
        var entry = pullback.NewBlock();
        t.BuildPullback(entry, seed, (b, gradients) =>
        {
            var scalars = VjpConvention.ScalarWrt(source.Parameters, wrt).Select(k => gradients[wrt.ToList().IndexOf(k)]).ToList();
            t.ReturnTapes(b);
            return scalars.Count switch
            {
                0 => Terminator.Return(null),
                1 => Terminator.Return(scalars[0]),
                _ => Terminator.Return(b.MakeTuple(scalars, pullback.ReturnType)),
            };
        });
        t.InsertResidualStores();
        t.InsertTapes();
        return new VjpResult(primal, pullback, t._fields, t._tapes.Count > 0, t._limits);
    }

    /// <summary>The fused form: one function computing value and gradient (or a VJP), residuals in locals.</summary>
    public static VjpResult Fused(IrFunction source, IReadOnlyList<int> wrt, Activity activity, string name, FusedResult result)
    {
        var gradientType = GradientType(source, wrt);
        var returnType = result == FusedResult.Gradient ? gradientType
            : IrType.Tuple(new[] { source.ReturnType, gradientType }, new[] { "Value", "Gradient" });
        bool intoBuffers = result == FusedResult.ValueIntoBuffers;
        if (intoBuffers) returnType = source.ReturnType;
        var f = new IrFunction(name, returnType) { IsStatic = source.IsStatic, Modifiers = source.Modifiers };
        var t = new VjpTransform(source, f, activity, wrt, split: false);
        if (intoBuffers) t._shadowParameterPrefix = "gradient_";
        t.BuildPrimal(null, allocateShadows: !intoBuffers);
        if (intoBuffers)
        {
            // The buffers are cleared first: the pullback accumulates into them.
            var entryInstrs = t.BlockMap[source.Entry].Instrs;
            var clearing = new IrBuilder(f, t.BlockMap[source.Entry]) { Source = new SourceInfo("the gradient starts at zero", "", 0, 0, 0, 0, 0, 0) };
            int before = entryInstrs.Count;
            var arrayWrt = VjpConvention.ArrayWrt(t.ParamTypes, wrt);
            // The parameter's name, for the helpers' messages.
            Value NameOf(Parameter p) => clearing.Const(StringType, "\"" + p.Name.TrimStart('@') + "\"");
            foreach (int k in arrayWrt)
            {
                var p = source.Parameters[k];
                // Two inputs that may be one array (as the form returning new arrays shares their shadow): one buffer.
                foreach (int j in arrayWrt.TakeWhile(j => j != k).Where(j => !p.Type.IsStructArray && !p.Type.IsSpan && t.ParamTypes[j].Equals(p.Type)))
                {
                    var q = source.Parameters[j];
                    clearing.CallHelper("global::Nabla.CompilerServices.Shadow.CheckSharing", IrType.Void, t.M(p.Value!), t.M(q.Value!),
                        t._shadow[p.Value!], t._shadow[q.Value!], NameOf(p), NameOf(q));
                }
                // Spans apart: an array converts to a span as well as to Array, so one name would be ambiguous.
                clearing.CallHelper(p.Type.IsSpan ? "global::Nabla.CompilerServices.Shadow.ClearForSpan" : "global::Nabla.CompilerServices.Shadow.ClearFor",
                    IrType.Void, t._shadow[p.Value!], t.M(p.Value!),
                    NameOf(p));
            }
            var clears = entryInstrs.GetRange(before, entryInstrs.Count - before);
            entryInstrs.RemoveRange(before, clears.Count);
            entryInstrs.InsertRange(0, clears);
        }
        Value? cotangent = result == FusedResult.ValueAndVjp ? f.AddParameter(t._seedName, source.ReturnType.Tangent) : null;
        t._pb = f;
        var entry = f.NewBlock();
        entry.Comment = "Pullback: adjoints flow from the result back to the inputs.";
        // The primal's return becomes a jump into the pullback.
        Value? returned = null;
        Value? returnedSource = null;
        foreach (var b in source.Blocks.Where(b => b.Terminator.Kind == TerminatorKind.Return))
        {
            returnedSource = b.Terminator.Value!;
            returned = t.M(returnedSource);
            t.BlockMap[b].Terminator = Terminator.Jump(new Edge(entry), b.Terminator.Source);
        }
        var seedBuilder = new IrBuilder(f, entry);
        Value? seed;
        if (source.ReturnType.IsReal)
        {
            seed = cotangent ?? seedBuilder.One(source.ReturnType);
        }
        else if (source.ReturnType.IsStruct)
        {
            seed = cotangent;
        }
        else
        {
            // An array result: its cotangent seeds the result's shadow.
            seed = null;
            if (t._shadow.TryGetValue(returnedSource!, out var shadowResult))
                seedBuilder.CallHelper("global::Nabla.CompilerServices.Shadow.AddInto", IrType.Void, shadowResult, cotangent!);
        }
        t.BuildPullback(entry, seed, (b, gradients) =>
        {
            t.ReturnTapes(b);
            if (intoBuffers) return Terminator.Return(returned);
            var gradient = gradients.Count == 1 ? gradients[0] : b.MakeTuple(gradients, gradientType);
            if (result == FusedResult.Gradient) return Terminator.Return(gradient);
            return Terminator.Return(b.MakeTuple(new List<Value> { returned!, gradient }, returnType));
        });
        t.InsertTapes();
        return new VjpResult(f, null, t._fields, t._tapes.Count > 0, t._limits);
    }

    public static IrType GradientType(IrFunction source, IReadOnlyList<int> wrt)
    {
        var types = wrt.Select(k => source.Parameters[k].Type.OwnedTangent).ToList();
        return types.Count == 1 ? types[0] : IrType.Tuple(types);
    }

    // ------------------------------------------------------------------ augmented primal

    private bool IsActiveArray(Value sourceValue) => sourceValue.Type.IsArray && _activity.IsActive(sourceValue);

    private static Value ZerosLike(IrBuilder b, Value primal) => b.ZerosLike(primal);

    private void BuildPrimal(string? residualType, bool allocateShadows)
    {
        CloneParameters();
        var types = ParamTypes;
        CreateBlocks();
        foreach (var loop in _loops) loop.MapInductions(M);
        var entryBuilder = new IrBuilder(Target, BlockMap[Source.Entry]);
        var classesWithArrays = new List<Parameter>();
        foreach (int k in VjpConvention.ArrayWrt(types, _wrt))
        {
            var p = Source.Parameters[k];
            if (p.Type.IsStruct)
            {
                // The shadows of a struct's array members: the caller's tangent struct (split), or fresh zeros where they are read (fused).
                if (!allocateShadows) _structShadows[p.Value!] = Target.AddParameter("d" + p.Name, p.Type.Tangent);
                if (p.Type.IsReference) classesWithArrays.Add(p);
                continue;
            }
            if (allocateShadows)
            {
                // The gradient of an array input: a zero array of its shape (shared when two inputs are one array).
                entryBuilder.Source = new SourceInfo("the gradient of " + p.Name + " starts at zero", "", 0, 0, 0, 0, 0, 0);
                int alias = VjpConvention.ArrayWrt(types, _wrt).TakeWhile(j => j != k).LastOrDefault(j => types[j].Equals(p.Type));
                // (Spans cannot be told apart by reference: each gets its own gradient.)
                bool hasAlias = !p.Type.IsStructArray && !p.Type.IsSpan && VjpConvention.ArrayWrt(types, _wrt).TakeWhile(j => j != k).Any(j => types[j].Equals(p.Type));
                _shadow[p.Value!] = hasAlias
                    ? entryBuilder.CallHelper("global::Nabla.CompilerServices.Shadow.ShareIfSame", p.Type, M(p.Value!), M(Source.Parameters[alias].Value!), _shadow[Source.Parameters[alias].Value!])!
                    : ZerosLike(entryBuilder, M(p.Value!));
                _shadow[p.Value!].Name = "d" + p.Name;
                // A jagged input's rows may be swapped or replaced (row pivoting): the gradient is of the rows it held at
                // the entry, whose shadows the outer shadow array holds then.
                if (p.Type is { IsArray: true, IsSpan: false } && p.Type.Element.IsArray)
                    _shadowAtEntry[p.Value!] = entryBuilder.CallHelper("global::Nabla.CompilerServices.Shadow.RowsAtEntry", p.Type.OwnedTangent, _shadow[p.Value!])!;
            }
            else
            {
                _shadow[p.Value!] = Target.AddParameter(_shadowParameterPrefix + p.Name.TrimStart('@'), p.Type.Shadow);
            }
        }
        if (Source.ReturnType.IsArray && residualType != null)
            _shadowResultParam = Target.AddRefParameter(_seedName, Source.ReturnType, RefKindIr.Out);
        if (residualType != null)
            _residualsParam = Target.AddRefParameter(_residualsName, new IrType(residualType, TypeKind.Other), RefKindIr.Out);
        foreach (var b in Source.Blocks)
        {
            if (_preds[b].Count > 1)
            {
                // Which predecessor ran: the pullback needs it to walk back the same way.
                var index = Target.NewValue(IrType.Int32, "from" + b.Id);
                index.ParameterOf = BlockMap[b];
                BlockMap[b].Params.Add(index);
                _predIndex[b] = index;
                _definedIn[index] = b;
            }
            foreach (var p in b.Params)
            {
                _definedIn[M(p)] = b;
                if (!IsActiveArray(p)) continue;
                var shadow = Target.NewValue(p.Type.Shadow, "d" + p.Name);
                shadow.ParameterOf = BlockMap[b];
                BlockMap[b].Params.Add(shadow);
                _shadow[p] = shadow;
                _definedIn[shadow] = b;
            }
        }
        if (_residualsParam != null)
        {
            entryBuilder.Source = new SourceInfo("every residual starts as default", "", 0, 0, 0, 0, 0, 0);
            entryBuilder.Store(_residualsParam, entryBuilder.Const(_residualsParam.Type, "default"));
        }
        // An array or span parameter that is not an input but holds differentiated values (a [NoDerivative] workspace
        // the method writes, then reads): its values carry derivatives, through a shadow of its own that starts at zero.
        foreach (var p in Source.Parameters)
            if (p.Value != null && p.Type.IsArray && !_shadow.ContainsKey(p.Value) && _activity.IsActive(p.Value))
            {
                entryBuilder.Source = new SourceInfo("the adjoint of what is written into " + p.Name + " starts at zero", "", 0, 0, 0, 0, 0, 0);
                _shadow[p.Value] = ZerosLike(entryBuilder, M(p.Value));
                _shadow[p.Value].Name = "d" + p.Name;
            }
        // An array reached through a member with no shadow of its own (a workspace object's field, a static scratch
        // array, a [NoDerivative] member) that differentiated values are written into: one shadow that starts at zero,
        // made at the entry when the member is static or read from a parameter, so that every read of it shares it.
        var parameterValues = new HashSet<Value>(Source.Parameters.Where(p => p.Value != null).Select(p => p.Value!));
        var ownShadowReads = Source.Blocks.SelectMany(block => block.Instrs).Where(HasOwnShadow).ToList();
        void MakeMemberShadow(IrBuilder b, Instr read)
        {
            if (_memberShadows.ContainsKey(MemberKey(read))) return;
            var primal = b.EmitInstr(Op.Member, read.Result!.Type, read.Operands.Select(M).ToList(), "nablaMember");
            primal.Text = read.Text;
            _memberShadows[MemberKey(read)] = ZerosLike(b, primal.Result!);
        }
        entryBuilder.Source = new SourceInfo("the adjoints of what is written into arrays of data members start at zero", "", 0, 0, 0, 0, 0, 0);
        foreach (var read in ownShadowReads.Where(i => i.Operands.Count == 0 || parameterValues.Contains(i.Operands[0])))
            MakeMemberShadow(entryBuilder, read);
        // (Of an object the method makes, where the object is made.)
        var readsOfObjectsMadeHere = ownShadowReads
            .Where(i => i.Operands.Count == 1 && !parameterValues.Contains(i.Operands[0]) && i.Operands[0].Definition != null)
            .ToLookup(i => i.Operands[0]);
        // A class's members are read wherever the code reads them: one shadow per array member, made at the entry.
        foreach (var p in classesWithArrays)
            foreach (var leaf in p.Type.Leaves.Where(l => l.Differentiable && l.Type.IsArray))
            {
                entryBuilder.Source = new SourceInfo("the gradient of " + p.Name + "." + leaf.Path + " starts at zero", "", 0, 0, 0, 0, 0, 0);
                var shadow = allocateShadows
                    ? ZerosLike(entryBuilder, MemberOf(M(p.Value!), leaf.Path, leaf.Type, entryBuilder))
                    : MemberOf(_structShadows[p.Value!], leaf.Path, leaf.Type, entryBuilder);
                shadow.Name = "d" + p.Name + "_" + leaf.Path.Replace('.', '_').Replace("@", "");
                _leafShadows[(p.Value!, leaf.Path)] = shadow;
            }
        foreach (var b in Source.Blocks)
        {
            var builder = new IrBuilder(Target, BlockMap[b]);
            foreach (var i in b.Instrs)
            {
                builder.Source = i.Source;
                int before = BlockMap[b].Instrs.Count;
                AugmentInstr(b, i, builder);
                // The shadows of array members of an object made here: where the object is (so every read of them sees one).
                if (i.Result != null)
                    foreach (var read in readsOfObjectsMadeHere[i.Result]) MakeMemberShadow(builder, read);
                for (int k = before; k < BlockMap[b].Instrs.Count; k++)
                    if (BlockMap[b].Instrs[k].Result is { } r) _definedIn[r] = b;
            }
        }
        foreach (var b in Source.Blocks)
        {
            var builder = new IrBuilder(Target, BlockMap[b]) { Source = b.Terminator.Source };
            var term = b.Terminator;
            if (term.Kind == TerminatorKind.Return && _shadowResultParam != null)
            {
                var returned = term.Value!;
                builder.Store(_shadowResultParam, _shadow.TryGetValue(returned, out var s) ? s : ZerosLike(builder, M(returned)));
            }
            if (term.Kind == TerminatorKind.Return && term.Value is { Type.HasArrayLeaves: true } returnedStruct && !returnedStruct.Type.IsReference)
            {
                // A struct or tuple result holding arrays: the pullback seeds those arrays' shadows with the cotangent's members.
                _resultLeafShadows = StructShadows(returnedStruct, builder);
                _definedIn[_resultLeafShadows] = b;
            }
            var edges = term.Edges.Select(e =>
            {
                var extra = new List<Value>();
                if (_predIndex.ContainsKey(e.Target))
                    extra.Add(builder.Const(IrType.Int32, _preds[e.Target].FindIndex(p => p.Edge == e).ToString()));
                for (int k = 0; k < e.Target.Params.Count; k++)
                    if (IsActiveArray(e.Target.Params[k]))
                        extra.Add(ShadowOf(e.Args[k], builder));
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

    /// <summary>The shadow of a source array value; a fresh zero one when it has none (an inactive array).</summary>
    private Value ShadowOf(Value sourceArray, IrBuilder b) =>
        _shadow.TryGetValue(sourceArray, out var s) ? s : ZerosLike(b, M(sourceArray));

    private void AugmentInstr(Block block, Instr i, IrBuilder builder)
    {
        if (i.Op == Op.Call && i.Callee!.Derivative is { } d &&
            (_activity.IsActive(i.Result) || i.AllInputs().Any(IsActiveArray) || i.Arguments!.Any(a => a.Variable != null && _activity.IsActive(a.Variable))))
        {
            // y = f(x) becomes y = f_Primal(x, shadows, out residuals of f): the pullback calls f_Pullback.
            var slot = NewResidualSlot(block, d.ResidualIrType, "r" + (i.Result?.Name ?? "call"), builder, i);
            var args = i.Arguments!.Select(a => new Argument(a.Value is null ? null : M(a.Value), a.RefKind, a.Variable is null ? null : MapVar(a.Variable))).ToList();
            foreach (int k in d.ArraysByValue ? System.Array.Empty<int>() : d.Wrt)
            {
                var arg = i.Arguments![k].Value;
                if (arg?.Type.IsArray == true)
                    args.Add(new Argument(ShadowOf(arg, builder)));
                else if (arg?.Type.HasArrayLeaves == true)
                    args.Add(new Argument(StructShadows(arg, builder)));
            }
            Var? shadowResult = null;
            if (i.Result?.Type.IsArray == true && !d.ArraysByValue)
            {
                shadowResult = Target.NewLocal("d" + (i.Result.Name ?? "result"), i.Result.Type);
                args.Add(new Argument(null, RefKindIr.Out, shadowResult));
            }
            args.Add(new Argument(null, RefKindIr.Out, slot));
            var receiver = i.Operands.Count > 0 ? M(i.Operands[0]) : null;
            var call = builder.Call(new Callee(d.PrimalMethod, i.Callee.DisplayName, i.Callee.IsStatic, null), receiver, args, i.Result?.Type ?? IrType.Void, i.Result?.Name);
            if (i.Result != null) Map[i.Result] = call.Result!;
            if (shadowResult != null && i.Result != null) _shadow[i.Result] = builder.Load(shadowResult, "d" + i.Result.Name);
            // A rule's array result: its shadow, zeros here, collects the result's cotangent for the rule's pullback.
            if (d.ArraysByValue && i.Result?.Type.IsArray == true) _shadow[i.Result] = ZerosLike(builder, call.Result!);
            // Inside a loop the slot is overwritten each iteration: the pullback reads a snapshot from the tape.
            var snapshot = _inLoop.Contains(block) ? builder.Load(slot, slot.Name) : null;
            _callResiduals[i] = (slot, snapshot);
            return;
        }
        CloneInstr(i, builder);
        switch (i.Op)
        {
            case Op.Member when HasOwnShadow(i):
            {
                if (!_memberShadows.TryGetValue(MemberKey(i), out var shadow))
                    _memberShadows[MemberKey(i)] = shadow = ZerosLike(builder, M(i.Result!));
                _shadow[i.Result!] = shadow;
                break;
            }
            case Op.Member when IsActiveArray(i.Result!) && i.Operands.Count == 1 && i.Operands[0].Type.IsStruct:
            {
                // An array member of a struct: its shadow is the same member of the struct's shadows, or fresh zeros.
                var shadow = _leafShadows.TryGetValue((i.Operands[0], i.Text!), out var made) ? made
                    : _structShadows.TryGetValue(i.Operands[0], out var shadows) ? MemberOf(shadows, i.Text!, i.Result!.Type, builder)
                    : ZerosLike(builder, M(i.Result!));
                shadow.Name = "d" + (i.Result!.Name ?? "member");
                _shadow[i.Result!] = shadow;
                _leafShadows[(i.Operands[0], i.Text!)] = shadow;
                break;
            }
            case Op.Member when i.Result!.Type.IsStruct && i.Operands.Count == 1 && i.Operands[0].Type.IsStruct && i.Text is { } memberPath:
                // A nested struct or class member (m.A of a class holding a class): its array members' shadows are the
                // ones of the same paths under the holder (m.A.W's), so what the callee accumulates reaches the gradient.
                foreach (var leaf in i.Result.Type.Leaves.Where(l => l.Differentiable && l.Type.IsArray))
                    if (_leafShadows.TryGetValue((i.Operands[0], memberPath + "." + leaf.Path), out var nested))
                        _leafShadows[(i.Result, leaf.Path)] = nested;
                break;
            case Op.Convert when i.Result!.Type.IsStruct && i.Operands[0].Type.IsStruct:
                // A subclass's object as its base class: the same array members, the same shadows.
                foreach (var leaf in i.Result.Type.Leaves.Where(l => l.Differentiable && l.Type.IsArray))
                    if (_leafShadows.TryGetValue((i.Operands[0], leaf.Path), out var inherited))
                        _leafShadows[(i.Result, leaf.Path)] = inherited;
                break;
            case Op.Slice when IsActiveArray(i.Result!):
                // A view of part of an array or span: its shadow is the same part of the shadow.
                _shadow[i.Result!] = builder.Slice(ShadowOf(i.Operands[0], builder), i.Result!.Type.Shadow,
                    i.Operands.Count == 3 ? M(i.Operands[1]) : null, i.Operands.Count == 3 ? M(i.Operands[2]) : null, "d" + (i.Result.Name ?? "span"));
                break;
            case Op.NewArray when IsActiveArray(i.Result!):
                _shadow[i.Result!] = builder.NewArray(i.Result!.Type.Tangent, i.Operands.Select(M), "d" + i.Result.Name);
                break;
            case Op.ArrayLoad when IsActiveArray(i.Result!) && _shadow.ContainsKey(i.Operands[0]):
                // A row of a jagged array: its shadow is the same row of the shadow.
                _shadow[i.Result!] = builder.ArrayLoad(_shadow[i.Operands[0]], i.Operands.Skip(1).Select(M), "d" + i.Result!.Name);
                break;
            case Op.ArrayStore when i.Operands[i.Operands.Count - 1].Type.IsArray && _shadow.ContainsKey(i.Operands[0]):
                builder.ArrayStore(_shadow[i.Operands[0]], i.Operands.Skip(1).Take(i.Operands.Count - 2).Select(M),
                    ShadowOf(i.Operands[i.Operands.Count - 1], builder));
                break;
            case Op.StopGradient when i.Result!.Type.IsArray && !IsActiveArray(i.Result):
                break;
            case Op.Convert or Op.Call or Op.StopGradient when i.Result != null && IsActiveArray(i.Result) && !_shadow.ContainsKey(i.Result):
                // An array from a cast or a call without derivatives ((double[])u.Clone(), a data function), or whose
                // derivative is cut (an inlined [NoDerivative] workspace, WithoutDerivative(a)): it holds no derivative
                // yet, but active values are written into it here, so it has one shadow of zeros from now on.
                _shadow[i.Result] = ZerosLike(builder, M(i.Result));
                break;
        }
    }

    private readonly Dictionary<Value, Value> _structShadows = new();
    /// <summary>The outer shadow arrays of jagged inputs as they were at the entry (their rows' shadows, in the input's order).</summary>
    private readonly Dictionary<Value, Value> _shadowAtEntry = new();
    /// <summary>The shadows of arrays read through members that have none of their own, by (receiver, member).</summary>
    private readonly Dictionary<(Value?, string), Value> _memberShadows = new();

    private static (Value?, string) MemberKey(Instr member) => (member.Operands.Count == 0 ? null : member.Operands[0], member.Text!);

    /// <summary>An active array read through a member whose shadow does not come from the receiver's: a static member, a member of data, a [NoDerivative] member.</summary>
    private bool HasOwnShadow(Instr i) =>
        i.Op == Op.Member && IsActiveArray(i.Result!) && i.Result!.Type.IsDifferentiable &&
        (i.Operands.Count == 0 || !i.Operands[0].Type.IsStruct || !i.Operands[0].Type.IsDifferentiablePath(i.Text!));
    /// <summary>The shadows of the array members of a struct result, made where the primal returns (null otherwise).</summary>
    private Value? _resultLeafShadows;
    private readonly Dictionary<(Value, string), Value> _leafShadows = new();

    private static Value MemberOf(Value value, string path, IrType type, IrBuilder b) => b.Member(value, path, type);

    /// <summary>The tangent struct a callee's primal takes for a struct argument with array members: the shadows of those members.</summary>
    private Value StructShadows(Value sourceStruct, IrBuilder b)
    {
        var leaves = new List<Value>();
        var all = sourceStruct.Type.Leaves;
        for (int k = 0; k < all.Count; k++)
        {
            if (!all[k].Differentiable) continue;
            if (!all[k].Type.IsArray) { leaves.Add(b.Zero(all[k].Type.Tangent)); continue; }
            var leaf = sourceStruct.Definition is { Op: Op.MakeStruct } make ? make.Operands[k] : null;
            leaves.Add(leaf != null ? ShadowOf(leaf, b)
                : _leafShadows.TryGetValue((sourceStruct, all[k].Path), out var shadow) ? shadow
                : ZerosLike(b, MemberOf(M(sourceStruct), all[k].Path, all[k].Type, b)));
        }
        return b.Emit(Op.MakeStruct, sourceStruct.Type.Tangent, leaves);
    }

    /// <summary>A place for a callee's residuals: a field of ours when split, a local when fused.</summary>
    private Var NewResidualSlot(Block block, IrType type, string hint, IrBuilder builder, Instr call)
    {
        if (!_split || _inLoop.Contains(block)) return Target.NewLocal(hint, type);
        string name = UniqueField(hint);
        if (_ownResidualType != null && type.Name.EndsWith("." + _ownResidualType, System.StringComparison.Ordinal) ||
            _boxedResidualTypes?.Contains(type.Name) == true)
        {
            if (type.IsRefLike)
                _limits.Add(new TransformLimit(call.Source, "a recursive call in a method whose derivatives hold spans",
                    " (its residuals, a ref struct, cannot hold its own): write the recursion as a loop, or pass arrays instead of spans."));
            // A recursive call: its residuals are the same struct as ours, so they live in a box.
            var boxType = new IrType("global::Nabla.CompilerServices.Box<" + type.Name + ">", TypeKind.Other);
            _fields.Add(new ResidualField(name, boxType.Name));
            var box = builder.Emit(Op.New, boxType, new List<Value>());
            box.Definition!.Text = boxType.Name;
            box.Definition.Arguments = new List<Argument>();
            builder.Store(new Var(_residualsName + "." + name, boxType, VarKind.Field), box);
            return new Var(_residualsName + "." + name + ".Value", type, VarKind.Field);
        }
        _fields.Add(new ResidualField(name, type.Name, type.IsRefLike));
        return new Var(_residualsName + "." + name, type, VarKind.Field);
    }

    private string UniqueField(string hint)
    {
        string name = Symbols.Sanitize(hint);
        if (name.Length == 0) name = "v";
        string candidate = name;
        for (int k = 1; !_fieldNames.Add(candidate); k++) candidate = name + "_" + k;
        return candidate;
    }

    // ------------------------------------------------------------------ to-be-recorded

    /// <summary>The value of primal <paramref name="v"/> as the pullback sees it.</summary>
    private Value PrimalValue(Value v, IrBuilder b) => AugmentedValue(M(v), b);

    /// <summary>
    /// A value of the augmented primal as the pullback sees it: recomputed when constant; popped from a
    /// tape when it belongs to the loop of the block whose adjoint is being built; else itself (fused)
    /// or a residual field (split).
    /// </summary>
    private Value AugmentedValue(Value mapped, IrBuilder b)
    {
        if (mapped.Definition is { Op: Op.Const } c)
            return b.Const(mapped.Type, c.Text!);
        var loop = _adjointOf is null ? null : Innermost(_adjointOf);
        if (loop != null)
        {
            var home = _definedIn.TryGetValue(mapped, out var h) ? h : null;
            // Constant during the loop, or an induction variable the pullback steps backwards: a region value.
            if ((home is null || !loop.Blocks.Contains(home) || (home == loop.Header && loop.Inductions.ContainsKey(mapped)))
                && (home is null || !RedefinedWhereLoopExits(loop, home, mapped)))
                return b.Load(RegionVar(loop, mapped));
            if (_popped.TryGetValue(mapped, out var popped)) return popped;
            if (CountedLoopExit(mapped, b) is { } exitValue)
            {
                _popped[mapped] = exitValue;
                return exitValue;
            }
            if (CanRecompute(mapped, 0))
            {
                // Cheaper to compute again than to record: integer arithmetic, loads from arrays nothing writes.
                var def = mapped.Definition!;
                var again = new Instr(def.Op, _pb.NewValue(mapped.Type, mapped.Name), def.Operands.Select(o => AugmentedValue(o, b)).ToList(), b.Source)
                {
                    BinaryOp = def.BinaryOp,
                    UnaryOp = def.UnaryOp,
                    Text = def.Text,
                    Checked = def.Checked,
                    Speculated = def.Speculated,
                };
                b.Block.Instrs.Add(again);
                _popped[mapped] = again.Result!;
                return again.Result!;
            }
            if (mapped.Type.IsRefLike)
            {
                // A span (or residuals holding one) cannot go on a tape: only views the pullback can make again are supported.
                _limits.Add(mapped.Type.IsSpan
                    ? new TransformLimit(b.Source, "a span that changes from one iteration of a loop to the next",
                        " (reverse mode would have to record it per iteration, and a span cannot be recorded): slice the span you loop over with an index, or use an array.")
                    : new TransformLimit(b.Source, "this call inside a loop",
                        " (the callee's derivatives hold spans, so its residuals, a ref struct, cannot be recorded per iteration): Nabla inlines small [Differentiable] callees, so make the callee smaller, or move the loop into it."));
                var placeholder = b.Const(mapped.Type, "default");
                _popped[mapped] = placeholder;
                return placeholder;
            }
            if (!_pushes.TryGetValue(_adjointOf!, out var list)) _pushes[_adjointOf!] = list = new List<Value>();
            list.Add(mapped);
            var tape = TapeFor(mapped.Type);
            var pop = new Instr(Op.Call, _pb.NewValue(mapped.Type, mapped.Name), new List<Value> { tape.Pullback! }, b.Source)
            {
                Callee = new Callee("Pop", "Tape.Pop", false, null),
                Arguments = new List<Argument>(),
            };
            if (!_popsOf.TryGetValue(_adjointOf!, out var pops)) _popsOf[_adjointOf!] = pops = new List<Instr>();
            pops.Add(pop);
            _popped[mapped] = pop.Result!;
            return pop.Result!;
        }
        if (!_split) return mapped;
        if (!_residualFields.TryGetValue(mapped, out var field))
        {
            string name = UniqueField(mapped.Name ?? "t" + mapped.Id);
            _fields.Add(new ResidualField(name, mapped.Type.Name, mapped.Type.IsRefLike));
            field = new Var(_residualsName + "." + Symbols.Identifier(name), mapped.Type, VarKind.Field);
            _residualFields[mapped] = field;
        }
        return b.Load(field, mapped.Name);
    }

    /// <summary>
    /// Whether <paramref name="mapped"/>, defined outside <paramref name="loop"/>, is defined in a block the loop exits to
    /// (the header of an enclosing loop that the inner loop leaves straight back to: <c>while (…) { i++; … for (…) … }</c>).
    /// The pullback enters the loop backwards from there, where the value is already that of the header's next visit,
    /// not the one the iteration being undone read: such a value is recorded where the loop reads it instead. Induction
    /// variables of that header stay region values: they are stepped back before the loop is entered backwards.
    /// </summary>
    private bool RedefinedWhereLoopExits(Loop loop, Block home, Value mapped) =>
        !loop.Blocks.Contains(home)
        && loop.Blocks.Any(block => block.Terminator.Edges.Any(e => e.Target == home))
        && !_loops.Any(l => l.Header == home && l.Inductions.ContainsKey(mapped));

    private Dictionary<Value, Value>? _sourceOf;

    /// <summary>
    /// The value an induction variable of a counted loop has where the loop exits, computed from where it started instead
    /// of recorded: for <c>for (c = c0; c &lt; n; c++)</c> left only through its test, c ends at max(c0, n), and another
    /// induction variable p of step s at p0 + s·(max(c0, n) − c0). Null when the loop is not of that form, or when the
    /// pullback is not at the block the loop exits to.
    /// </summary>
    private Value? CountedLoopExit(Value mapped, IrBuilder b)
    {
        if (mapped.Type.Kind != TypeKind.Integer || _adjointOf is null) return null;
        _sourceOf ??= Map.ToDictionary(kv => kv.Value, kv => kv.Key);
        if (!_sourceOf.TryGetValue(mapped, out var p) || p.ParameterOf is not { } header) return null;
        var loop = _loops.FirstOrDefault(l => l.Header == header);
        if (loop is null || !loop.SourceInductions.TryGetValue(p, out var step) || Counted(loop) is not { } counted) return null;
        var (counter, bound, entry) = counted;
        var test = header.Terminator;
        var exit = test.Edges[1].Target;
        if (exit != _adjointOf || _loops.Any(l => l.Header == exit) || counter.Type.Name != p.Type.Name) return null;
        // Left only through the test: then the counter ends at the bound (or where it started, past it).
        foreach (var block in loop.Blocks)
            foreach (var e in block.Terminator.Edges)
                if (!loop.Blocks.Contains(e.Target) && e != test.Edges[1]) return null;
        var counterStart = AugmentedValue(M(entry.Args[header.Params.IndexOf(counter)]), b);
        var counterEnd = b.CallHelper("global::System.Math.Max", counter.Type, counterStart, AugmentedValue(M(bound), b))!;
        if (p == counter) return counterEnd;
        var trips = b.Binary(BinaryOp.Sub, counterEnd, counterStart);
        var start = AugmentedValue(M(entry.Args[header.Params.IndexOf(p)]), b);
        return b.Binary(BinaryOp.Add, start, step == "1" ? trips : b.Binary(BinaryOp.Mul, trips, b.Const(p.Type, step.Trim('(', ')'))));
    }

    /// <summary>
    /// A loop whose header tests <c>c &lt; bound</c> (true: into the loop) for an induction variable c of step 1 and a
    /// bound from outside the loop, entered by one edge: it runs at most max(0, bound − c₀) iterations, whatever its other exits.
    /// </summary>
    private static (Value Counter, Value Bound, Edge Entry)? Counted(Loop loop, Dictionary<Block, List<(Block From, Edge Edge)>> preds)
    {
        var header = loop.Header;
        if (header.Terminator is not { Kind: TerminatorKind.Branch } test ||
            test.Value?.Definition is not { Op: Op.Binary, BinaryOp: BinaryOp.Lt, Checked: false } compare)
            return null;
        var counter = compare.Operands[0];
        var bound = compare.Operands[1];
        if (counter.ParameterOf != header || !loop.SourceInductions.TryGetValue(counter, out var step) || step != "1" ||
            bound.Type.Kind != TypeKind.Integer || counter.Type.Kind != TypeKind.Integer)
            return null;
        if (!loop.Blocks.Contains(test.Edges[0].Target) || loop.Blocks.Contains(test.Edges[1].Target)) return null;
        if (bound.ParameterOf is { } boundBlock ? loop.Blocks.Contains(boundBlock) : bound.Definition is { } bd && loop.Blocks.Any(bl => bl.Instrs.Contains(bd)))
            return null;
        var entries = preds[header].Where(x => !loop.Blocks.Contains(x.From)).ToList();
        return entries.Count == 1 ? (counter, bound, entries[0].Edge) : null;
    }

    private (Value Counter, Value Bound, Edge Entry)? Counted(Loop loop) => Counted(loop, _preds);

    /// <summary>Whether <paramref name="block"/> runs on every iteration of <paramref name="loop"/> that goes round again.</summary>
    private static bool RunsEveryIteration(Loop loop, Block block)
    {
        if (block == loop.Header) return true;
        // Every path from the header back to it passes through the block: without it, no back edge is reachable.
        var seen = new HashSet<Block> { block };
        var work = new Stack<Block>();
        work.Push(loop.Header);
        while (work.Count > 0)
        {
            var b = work.Pop();
            foreach (var e in b.Terminator.Edges)
            {
                if (e.Target == loop.Header) return false;
                if (loop.Blocks.Contains(e.Target) && seen.Add(e.Target)) work.Push(e.Target);
            }
        }
        return true;
    }

    /// <summary>Whether the pullback may recompute <paramref name="mapped"/> from its operands instead of recording it.</summary>
    private bool CanRecompute(Value mapped, int depth)
    {
        if (depth > 6 || mapped.Definition is not { } def) return false;
        switch (def.Op)
        {
            // Operands come the same way, from a tape or recomputed in turn.
            case Op.Binary when mapped.Type.Kind is TypeKind.Integer or TypeKind.Bool:
            case Op.Unary when mapped.Type.Kind is TypeKind.Integer or TypeKind.Bool:
            case Op.Convert when mapped.Type.Kind == TypeKind.Integer && def.Operands[0].Type.Kind == TypeKind.Integer:
                return true;
            case Op.Member when def.Text == "Length" && def.Operands.Count == 1 && def.Operands[0].Type.IsArray:
                // A span's length: only when the span itself is at hand (it cannot come off a tape).
                return Obtainable(def.Operands[0]);
            case Op.Slice:
                // A view is made again from its array or span and its bounds.
                return Obtainable(def.Operands[0]);
            case Op.ArrayLoad when !_split && !mapped.Type.IsArray && Obtainable(def.Operands[0]):
            {
                // Only in the fused form, where no caller can change the array between the primal and the
                // pullback, and only when nothing can write the array after the load.
                _sourceOf ??= Map.ToDictionary(kv => kv.Value, kv => kv.Key);
                if (!_sourceOf.TryGetValue(def.Operands[0], out var array) || !_sourceOf.TryGetValue(mapped, out var load)) return false;
                if (!_activity.MayBeWritten(array)) return true;
                var loadBlock = Source.Blocks.First(bl => bl.Instrs.Contains(load.Definition!));
                int loadIndex = loadBlock.Instrs.IndexOf(load.Definition!);
                foreach (var (block, index) in _activity.WritesOf(array))
                    if ((block == loadBlock && index > loadIndex) || Reaches(loadBlock, block)) return false;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether the pullback can have <paramref name="mapped"/> without taking it off a tape: any value that is not a
    /// ref struct; a span defined outside the loop being undone (a region value or a residual), or a view of one.
    /// </summary>
    private bool Obtainable(Value mapped)
    {
        if (!mapped.Type.IsRefLike) return true;
        if (mapped.Definition is { Op: Op.Const }) return true;
        var loop = _adjointOf is null ? null : Innermost(_adjointOf);
        if (loop is null) return true;
        var home = _definedIn.TryGetValue(mapped, out var h) ? h : null;
        if ((home is null || !loop.Blocks.Contains(home)) && (home is null || !RedefinedWhereLoopExits(loop, home, mapped))) return true;
        return mapped.Definition is { Op: Op.Slice } slice && Obtainable(slice.Operands[0]);
    }

    private readonly List<TransformLimit> _limits = new();

    private Dictionary<Block, HashSet<Block>>? _reach;

    /// <summary>Whether control can go from <paramref name="from"/> to <paramref name="to"/> along at least one edge.</summary>
    private bool Reaches(Block from, Block to)
    {
        _reach ??= new Dictionary<Block, HashSet<Block>>();
        if (!_reach.TryGetValue(from, out var set))
        {
            set = new HashSet<Block>();
            var work = new Stack<Block>(from.Terminator.Edges.Select(e => e.Target));
            while (work.Count > 0)
            {
                var b = work.Pop();
                if (!set.Add(b)) continue;
                foreach (var e in b.Terminator.Edges) work.Push(e.Target);
            }
            _reach[from] = set;
        }
        return set.Contains(to);
    }

    private Loop? Innermost(Block b)
    {
        Loop? best = null;
        foreach (var l in _loops)
            if (l.Blocks.Contains(b) && (best is null || l.Blocks.Count < best.Blocks.Count)) best = l;
        return best;
    }

    /// <summary>A pullback variable holding <paramref name="mapped"/> while the pullback is inside <paramref name="loop"/>.</summary>
    private Var RegionVar(Loop loop, Value mapped)
    {
        if (!_regionVars.TryGetValue((loop, mapped), out var v))
        {
            v = _pb.NewLocal((mapped.Name ?? "t" + mapped.Id) + "_rev", mapped.Type);
            _regionVars[(loop, mapped)] = v;
        }
        return v;
    }

    /// <summary>
    /// Sets the region variables where the pullback enters each loop (from the block after one of
    /// its exits), and steps induction variables back on each backward trip along a back edge.
    /// Initializing one may need another (of an enclosing loop), so this runs to a fixed point.
    /// </summary>
    private void InsertRegionValues()
    {
        var done = new HashSet<(Loop, Value)>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var key in _regionVars.Keys.ToList())
            {
                if (!done.Add(key)) continue;
                changed = true;
                var (loop, mapped) = key;
                var variable = _regionVars[key];
                foreach (var (at, from, to) in _transitions)
                {
                    if (loop.Blocks.Contains(from) || !loop.Blocks.Contains(to)) continue;
                    var jump = at.Terminator;
                    var b = new IrBuilder(_pb, at) { Source = new SourceInfo("entering the loop backwards", "", 0, 0, 0, 0, 0, 0) };
                    _adjointOf = from;
                    _popped.Clear();
                    b.Store(variable, AugmentedValue(mapped, b));
                    at.Terminator = jump;
                }
                if (loop.Inductions.TryGetValue(mapped, out var step))
                {
                    foreach (var (l, at) in _backEdgeCases.Where(c => c.Loop == loop))
                    {
                        var jump = at.Terminator;
                        int before = at.Instrs.Count;
                        var b = new IrBuilder(_pb, at) { Source = new SourceInfo("the previous iteration's " + mapped.Name, "", 0, 0, 0, 0, 0, 0) };
                        b.Store(variable, b.Binary(BinaryOp.Sub, b.Load(variable), b.Const(mapped.Type, step)));
                        at.Terminator = jump;
                        // Stepping back to the previous iteration comes first: values an inner loop takes from
                        // this iteration (entering it backwards, in this same block) are computed from the stepped value.
                        var stepped = at.Instrs.GetRange(before, at.Instrs.Count - before);
                        at.Instrs.RemoveRange(before, stepped.Count);
                        at.Instrs.InsertRange(0, stepped);
                    }
                }
            }
        }
        _adjointOf = null;
    }

    private (Value Primal, Value? Pullback, string? Field) TapeFor(IrType type)
    {
        if (_tapes.TryGetValue(type.Name, out var tape)) return tape;
        var tapeType = new IrType("global::Nabla.CompilerServices.Tape<" + type.Name + ">", TypeKind.Other);
        var primal = Target.NewValue(tapeType, "tape" + Symbols.Sanitize(type.Name.Replace("global::", "")));
        string? field = null;
        Value pullbackTape = primal;
        if (_split)
        {
            field = UniqueField(primal.Name!);
            _fields.Add(new ResidualField(field, tapeType.Name));
            pullbackTape = _pb.NewValue(tapeType, primal.Name);
        }
        tape = (primal, pullbackTape, field);
        _tapes[type.Name] = tape;
        return tape;
    }

    /// <summary>Rents the tapes at the primal's entry, pushes each block's recorded values at its end.</summary>
    private void InsertTapes()
    {
        var entry = Target.Entry.Instrs;
        int at = _residualsParam is null ? 0 : entry.FindIndex(i => i.Op == Op.StoreVar && i.Var == _residualsParam) + 1;
        foreach (var (typeName, tape) in _tapes.OrderBy(t => t.Key, System.StringComparer.Ordinal))
        {
            var rent = new Instr(Op.Call, tape.Primal, new List<Value>(), new SourceInfo("values from inside loops go on a tape", "", 0, 0, 0, 0, 0, 0))
            {
                Callee = new Callee(tape.Primal.Type.Name + ".Rent", "Tape.Rent", true, null),
                Arguments = new List<Argument>(),
            };
            entry.Insert(at++, rent);
            if (tape.Field != null)
            {
                entry.Insert(at++, new Instr(Op.StoreVar, null, new List<Value> { tape.Primal }, SourceInfo.None)
                { Var = new Var(_residualsName + "." + tape.Field, tape.Primal.Type, VarKind.Field) });
            }
        }
        // A counted loop makes room on its tapes, where it is entered, for what the blocks it runs on every iteration
        // record: those pushes then have no capacity check, so the loop has no call that the JIT must save registers across.
        var reservedPushes = new HashSet<(Block, Value)>();
        var reservations = new List<(Block Preheader, Value Tape, Value Start, Value Bound, int PerIteration, int More)>();
        foreach (var loop in _loops)
        {
            if (Counted(loop) is not { } counted) continue;
            // Only a tape that nothing else in the loop pushes to (an inner loop, a block some iterations skip) keeps the
            // room for these pushes. The header runs once more than the body: its test fails on the last visit.
            var perIteration = new SortedDictionary<string, (int PerIteration, int More)>(System.StringComparer.Ordinal);
            var excluded = new HashSet<string>();
            foreach (var block in loop.Blocks)
            {
                if (!_pushes.TryGetValue(block, out var values)) continue;
                bool direct = Innermost(block) == loop && RunsEveryIteration(loop, block);
                foreach (var v in values)
                {
                    if (!direct)
                    {
                        excluded.Add(v.Type.Name);
                        continue;
                    }
                    var (each, more) = perIteration.TryGetValue(v.Type.Name, out var n) ? n : (0, 0);
                    perIteration[v.Type.Name] = (each + 1, more + (block == loop.Header ? 1 : 0));
                }
            }
            foreach (var typeName in excluded) perIteration.Remove(typeName);
            foreach (var block in loop.Blocks)
                if (_pushes.TryGetValue(block, out var values) && Innermost(block) == loop)
                    foreach (var v in values)
                        if (perIteration.ContainsKey(v.Type.Name)) reservedPushes.Add((block, v));
            var preheader = BlockMap[_preds[loop.Header].First(x => x.Edge == counted.Entry).From];
            var start = M(counted.Entry.Args[loop.Header.Params.IndexOf(counted.Counter)]);
            foreach (var (typeName, (count, more)) in perIteration)
                reservations.Add((preheader, _tapes[typeName].Primal, start, M(counted.Bound), count, more));
        }
        foreach (var (block, values) in _pushes)
        {
            var target = BlockMap[block];
            foreach (var v in values)
            {
                string push = reservedPushes.Contains((block, v)) ? "PushReserved" : "Push";
                var tape = _tapes[v.Type.Name];
                target.Instrs.Add(new Instr(Op.Call, null, new List<Value> { tape.Primal }, new SourceInfo("record for the pullback", "", 0, 0, 0, 0, 0, 0))
                {
                    Callee = new Callee(push, "Tape." + push, false, null),
                    Arguments = new List<Argument> { new(v) },
                });
            }
        }
        // After what the entering block itself records: the room is the loop's.
        foreach (var (preheader, tape, start, bound, perIteration, more) in reservations)
        {
            var b = new IrBuilder(Target, preheader) { Source = new SourceInfo("room on the tape for every iteration", "", 0, 0, 0, 0, 0, 0) };
            var jump = preheader.Terminator;
            string Literal(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            b.Call(new Callee("ReserveForLoop", "Tape.ReserveForLoop", false, null), tape,
                new List<Argument> { new(start), new(bound), new(b.Const(IrType.Int32, Literal(perIteration))), new(b.Const(IrType.Int32, Literal(more))) }, IrType.Void);
            preheader.Terminator = jump;
        }
        if (_split)
        {
            // The pullback finds the tapes in the residuals.
            var pbEntry = _pb.Entry.Instrs;
            int k = 0;
            foreach (var (_, tape) in _tapes.OrderBy(t => t.Key, System.StringComparer.Ordinal))
            {
                var load = new Instr(Op.LoadVar, tape.Pullback, new List<Value>(), SourceInfo.None)
                { Var = new Var(_residualsName + "." + tape.Field, tape.Primal.Type, VarKind.Field) };
                pbEntry.Insert(k++, load);
            }
        }
    }

    /// <summary>At the pullback's end, the tapes go back to their pool.</summary>
    private void ReturnTapes(IrBuilder b)
    {
        // Tapes are found lazily while the pullback is built; this runs last, so they are all known.
        foreach (var (_, tape) in _tapes.OrderBy(t => t.Key, System.StringComparer.Ordinal))
            b.Call(new Callee("Return", "Tape.Return", false, null), tape.Pullback, new List<Argument>(), IrType.Void);
    }

    // ------------------------------------------------------------------ pullback

    private Var Adjoint(Value primal)
    {
        if (_adjoints.TryGetValue(primal, out var v)) return v;
        v = _pb.NewLocal("d" + (primal.Name ?? "t" + primal.Id), primal.Type);
        _adjoints[primal] = v;
        return v;
    }

    /// <summary>g · p; for a speculated instruction, exactly 0 when g is 0 (p may be infinite where the source never computed it).</summary>
    private static Value Scale(Value g, Value p, bool speculated, IrBuilder b) =>
        speculated ? b.CallHelper("global::Nabla.CompilerServices.Adjoints.MultiplyOrZero", g.Type, g, p)! : b.Binary(BinaryOp.Mul, g, p);

    private void AddTo(Value operand, Value contribution, IrBuilder b)
    {
        if (!_activity.IsActive(operand)) return;
        if (operand.Type.IsStruct)
        {
            // A struct's adjoint is kept leaf by leaf: each takes its member of the contribution (a tangent struct).
            foreach (var leaf in operand.Type.Leaves.Where(l => l.Differentiable && !l.Type.IsArray))
                b.AddTo(LeafAdjoint(operand, leaf.Path, leaf.Type), b.Member(contribution, leaf.Path, leaf.Type.Tangent));
            return;
        }
        if (!operand.Type.IsReal) return;
        b.AddTo(ContributionTarget(operand), contribution);
    }

    private readonly Dictionary<(Loop Loop, Value Primal), Var> _loopAdjoints = new();

    /// <summary>
    /// Where a contribution to <paramref name="operand"/>'s adjoint goes: its adjoint, or, from inside a loop the operand is
    /// defined outside of, an accumulator of that loop's own, zeroed where the pullback enters the loop and added to the
    /// adjoint where it leaves it (<see cref="InsertLoopAdjoints"/>). The same sum; but the accumulator lives only while the
    /// loop runs, so the JIT keeps it in a register instead of carrying the adjoint through memory across the whole pullback.
    /// </summary>
    private Var ContributionTarget(Value operand)
    {
        var adjoint = Adjoint(operand);
        if (_adjointOf is null || !_zeroAfterRead || Innermost(_adjointOf) is not { } loop) return adjoint;
        if (Map.TryGetValue(operand, out var mapped) && _definedIn.TryGetValue(mapped, out var home) && loop.Blocks.Contains(home))
            return adjoint;
        if (!_loopAdjoints.TryGetValue((loop, operand), out var accumulator))
            _loopAdjoints[(loop, operand)] = accumulator = _pb.NewLocal(adjoint.Name + "_loop", operand.Type);
        return accumulator;
    }

    /// <summary>Zeroes each loop's accumulators where the pullback enters the loop and adds them to the adjoints where it leaves.</summary>
    private void InsertLoopAdjoints()
    {
        foreach (var ((loop, primal), accumulator) in _loopAdjoints)
        {
            foreach (var (at, from, to) in _transitions)
            {
                bool entering = !loop.Blocks.Contains(from) && loop.Blocks.Contains(to);
                bool leaving = loop.Blocks.Contains(from) && !loop.Blocks.Contains(to);
                if (!entering && !leaving) continue;
                var jump = at.Terminator;
                var b = new IrBuilder(_pb, at) { Source = new SourceInfo(entering ? "entering the loop backwards" : "leaving the loop backwards", "", 0, 0, 0, 0, 0, 0) };
                if (entering) b.Store(accumulator, b.Zero(primal.Type));
                else b.AddTo(Adjoint(primal), b.Load(accumulator));
                at.Terminator = jump;
            }
        }
    }

    private readonly Dictionary<(Value, string), Var> _leafAdjoints = new();

    /// <summary>The adjoint of one leaf of a struct value.</summary>
    private Var LeafAdjoint(Value primal, string path, IrType leafType)
    {
        if (_leafAdjoints.TryGetValue((primal, path), out var v)) return v;
        v = _pb.NewLocal("d" + (primal.Name ?? "t" + primal.Id) + "_" + path.Replace('.', '_').Replace("@", ""), leafType.Tangent);
        _leafAdjoints[(primal, path)] = v;
        return v;
    }

    /// <summary>
    /// The adjoint of one leaf of a struct value, to read where the value is defined: null when nothing adds to it. The
    /// pullback's blocks are written in the source's order, so a use in a later block (a member read after a branch, in
    /// an inlined callee) has not made its adjoint yet: for a value used outside its block, it is made here.
    /// </summary>
    private Var? ReadLeafAdjoint(Value primal, string path, IrType leafType) =>
        _leafAdjoints.TryGetValue((primal, path), out var v) ? v
        : (_usedOutsideItsBlock ??= Source.ValuesUsedOutsideTheirBlock()).Contains(primal) ? LeafAdjoint(primal, path, leafType) : null;

    private HashSet<Value>? _usedOutsideItsBlock;


    /// <summary>The adjoint of a struct value as a tangent struct, built from its leaves' adjoints (which restart at zero in loops).</summary>
    private Value StructAdjoint(Value primal, IrBuilder b)
    {
        var leaves = new List<Value>();
        foreach (var leaf in primal.Type.Leaves.Where(l => l.Differentiable))
        {
            if (leaf.Type.IsArray)
            {
                // Array members accumulated in place, in their shadows.
                leaves.Add(_leafShadows.TryGetValue((primal, leaf.Path), out var shadow) ? AugmentedValue(shadow, b)
                    : _structShadows.TryGetValue(primal, out var shadows) ? MemberOf(AugmentedValue(shadows, b), leaf.Path, leaf.Type, b)
                    : ZerosLike(b, MemberOf(PrimalValue(primal, b), leaf.Path, leaf.Type, b)));
                continue;
            }
            if (ReadLeafAdjoint(primal, leaf.Path, leaf.Type) is { } v)
            {
                leaves.Add(b.Load(v));
                if (_zeroAfterRead) b.Store(v, b.Zero(leaf.Type.Tangent));
            }
            else leaves.Add(b.Zero(leaf.Type.Tangent));
        }
        return b.Emit(Op.MakeStruct, primal.Type.Tangent, leaves);
    }

    private void BuildPullback(Block entry, Value? seed, System.Func<IrBuilder, List<Value>, Terminator> finish)
    {
        var adjointBlocks = new Dictionary<Block, Block>();
        foreach (var b in Enumerable.Reverse(Source.Blocks))
            adjointBlocks[b] = _pb.NewBlock();
        var final = _pb.NewBlock();

        var returnBlock = Source.Blocks.Single(b => b.Terminator.Kind == TerminatorKind.Return);
        var eb = new IrBuilder(_pb, entry) { Source = returnBlock.Terminator.Source };
        if (seed != null) AddTo(returnBlock.Terminator.Value!, seed, eb);
        if (seed != null && _resultLeafShadows != null)
        {
            var shadows = AugmentedValue(_resultLeafShadows, eb);
            foreach (var leaf in Source.ReturnType.Leaves.Where(l => l.Differentiable && l.Type.IsArray))
                eb.CallHelper("global::Nabla.CompilerServices.Shadow.AddInto", IrType.Void,
                    eb.Member(shadows, leaf.Path, leaf.Type.Tangent), eb.Member(seed, leaf.Path, leaf.Type.Tangent));
        }
        eb.Jump(adjointBlocks[returnBlock]);

        foreach (var b in Source.Blocks)
        {
            var pb = adjointBlocks[b];
            _adjointBlock[b] = pb;
            var builder = new IrBuilder(_pb, pb);
            _adjointOf = b;
            _popped.Clear();
            for (int k = b.Instrs.Count - 1; k >= 0; k--)
            {
                var i = b.Instrs[k];
                if (_accumulated.Contains(i)) continue;
                builder.Source = i.Source with { Text = "adjoint of " + i.Source.Text };
                DifferentiateBackward(i, builder);
            }
            if (b == Source.Entry)
            {
                builder.Jump(final);
            }
            else
            {
                var preds = _preds[b];
                var headed = _loops.FirstOrDefault(l => l.Header == b);
                if (preds.Count == 1)
                {
                    PropagateEdge(b, preds[0].Edge, builder);
                    Transition(builder, b, preds[0].From, adjointBlocks);
                }
                else if (headed != null && headed.CountedBy(preds) is { } induction)
                {
                    // A counted loop: the first iteration is the one whose induction variable has its initial value.
                    var entryPred = preds.Single(p => !headed.Blocks.Contains(p.From));
                    var latchPred = preds.Single(p => headed.Blocks.Contains(p.From));
                    var current = builder.Load(RegionVar(headed, M(induction)));
                    var initial = AugmentedValue(M(entryPred.Edge.Args[b.Params.IndexOf(induction)]), builder);
                    var first = builder.Binary(BinaryOp.Eq, current, initial, IrType.Bool);
                    var entryCase = _pb.NewBlock();
                    var latchCase = _pb.NewBlock();
                    foreach (var (caseBlock, (from, edge)) in new[] { (entryCase, entryPred), (latchCase, latchPred) })
                    {
                        var cb = new IrBuilder(_pb, caseBlock) { Source = builder.Source };
                        PropagateEdge(b, edge, cb);
                        if (caseBlock == latchCase) _backEdgeCases.Add((headed, caseBlock));
                        Transition(cb, b, from, adjointBlocks);
                    }
                    pb.Terminator = Terminator.Branch(first, new Edge(entryCase), new Edge(latchCase));
                }
                else
                {
                    // Walk back along the edge the primal came in by.
                    var which = AugmentedValue(_predIndex[b], builder);
                    var cases = new List<Edge>();
                    foreach (var (from, edge) in preds)
                    {
                        var caseBlock = _pb.NewBlock();
                        var cb = new IrBuilder(_pb, caseBlock) { Source = builder.Source };
                        PropagateEdge(b, edge, cb);
                        if (headed != null && headed.Blocks.Contains(from)) _backEdgeCases.Add((headed, caseBlock));
                        Transition(cb, b, from, adjointBlocks);
                        cases.Add(new Edge(caseBlock));
                    }
                    pb.Terminator = new Terminator { Kind = TerminatorKind.Switch, Value = which, Edges = cases };
                }
            }
        }
        _adjointOf = null;
        InsertRegionValues();
        InsertLoopAdjoints();
        // Values recorded in a block come off their tapes first, last pushed first popped.
        foreach (var (b, pops) in _popsOf)
            foreach (var pop in pops)
                _adjointBlock[b].Instrs.Insert(0, pop);

        var fb = new IrBuilder(_pb, final);
        var gradients = _wrt.Select(k =>
        {
            var p = Source.Parameters[k].Value ?? Target.NewValue(Source.Parameters[k].Type);
            var parameter = Source.Parameters[k];
            if (parameter.Variable != null)
                return _varAdjoint.TryGetValue(parameter.Variable, out var va) ? fb.Load(va, "d" + parameter.Name) : fb.Zero(parameter.Type);
            if (p.Type.IsArray)
                return _shadowAtEntry.TryGetValue(p, out var rows) ? AugmentedValue(rows, fb)
                    : _shadow.TryGetValue(p, out var s) ? AugmentedValue(s, fb) : ZerosLike(fb, M(p));
            if (p.Type.IsStruct) return StructAdjoint(p, fb);
            return _adjoints.TryGetValue(p, out var v) ? fb.Load(v, "d" + p.Name) : fb.Zero(p.Type);
        }).ToList();
        final.Terminator = finish(fb, gradients);
        // Keep the final block last, after the per-edge blocks, so the pullback reads top to bottom.
        _pb.Blocks.Remove(final);
        _pb.Blocks.Add(final);
    }

    /// <summary>Jumps from the adjoint of <paramref name="from"/> to the adjoint of its predecessor <paramref name="to"/>.</summary>
    private void Transition(IrBuilder b, Block from, Block to, Dictionary<Block, Block> adjointBlocks)
    {
        b.Jump(adjointBlocks[to]);
        _transitions.Add((b.Block, from, to));
    }

    /// <summary>Block parameters' adjoints flow to the arguments the given edge passed.</summary>
    private void PropagateEdge(Block target, Edge edge, IrBuilder b)
    {
        // All parameters' adjoints are read before any is written: an edge may pass one parameter of
        // the block as another's argument (a loop that swaps or rotates its locals).
        var moves = new List<(Value Arg, Value Adjoint)>();
        var leafMoves = new List<(Value Arg, string Path, IrType Type, Value Adjoint)>();
        for (int k = 0; k < target.Params.Count; k++)
        {
            var p = target.Params[k];
            if (p.Type.IsStruct && _activity.IsActive(p))
            {
                // A class reference through a join (structs are split into leaves before): its leaves' adjoints go along.
                // (Blocks are visited in order, so the uses that fill these adjoints may come later: make them all.)
                foreach (var leaf in p.Type.Leaves.Where(l => l.Differentiable && !l.Type.IsArray))
                {
                    var la = LeafAdjoint(p, leaf.Path, leaf.Type);
                    leafMoves.Add((edge.Args[k], leaf.Path, leaf.Type, b.Load(la)));
                    if (_zeroAfterRead) b.Store(la, b.Zero(leaf.Type.Tangent));
                }
                continue;
            }
            if (!_activity.IsActive(p) || !p.Type.IsReal) continue;
            moves.Add((edge.Args[k], b.Load(Adjoint(p))));
        }
        if (_zeroAfterRead)
            foreach (var p in target.Params)
                if (_activity.IsActive(p) && p.Type.IsReal) b.Store(Adjoint(p), b.Zero(p.Type));
        foreach (var (arg, g) in moves) AddTo(arg, g, b);
        foreach (var (arg, path, type, g) in leafMoves)
            if (_activity.IsActive(arg)) b.AddTo(LeafAdjoint(arg, path, type), g);
    }

    /// <summary>Loads and additions whose adjoints an accumulation's store already accounted for (see <see cref="Accumulation"/>).</summary>
    private readonly HashSet<Instr> _accumulated = new();
    private Dictionary<Value, int>? _useCounts;

    /// <summary>
    /// Whether store <paramref name="store"/> is <c>a[i] = a[i] + e</c> (or <c>a[i] - e</c>, <c>e + a[i]</c>) with the load and
    /// the addition used only there, all in one block with nothing between that writes memory: its adjoint then leaves the
    /// shadow as it is instead of zeroing it and adding it back.
    /// </summary>
    private (Instr Load, Instr Add, Value Addend)? Accumulation(Instr store)
    {
        var stored = store.Operands[store.Operands.Count - 1];
        if (stored.Definition is not { Op: Op.Binary, Checked: false } add || add.BinaryOp is not (BinaryOp.Add or BinaryOp.Sub) ||
            !stored.Type.IsReal || store.Text != null)
            return null;
        for (int side = 0; side < 2; side++)
        {
            if (side == 1 && add.BinaryOp == BinaryOp.Sub) break;
            if (add.Operands[side].Definition is not { Op: Op.ArrayLoad } load || load.Text != null || load.Speculated ||
                load.Operands.Count != store.Operands.Count - 1 || !load.Operands.SequenceEqual(store.Operands.Take(store.Operands.Count - 1)))
                continue;
            // The store's block is the one whose adjoint is being built.
            if (_adjointOf is not { } block) return null;
            int from = block.Instrs.IndexOf(load), to = block.Instrs.IndexOf(store), at = block.Instrs.IndexOf(add);
            if (from < 0 || at < from || to < at) return null;
            for (int k = from + 1; k < to; k++)
                if (block.Instrs[k].Op is Op.ArrayStore or Op.ArrayAdd or Op.Call or Op.New) return null;
            _useCounts ??= CountUses(Source);
            if (_useCounts.TryGetValue(load.Result!, out int loadUses) && loadUses != 1) return null;
            if (_useCounts.TryGetValue(stored, out int addUses) && addUses != 1) return null;
            return (load, add, add.Operands[1 - side]);
        }
        return null;
    }

    private static Dictionary<Value, int> CountUses(IrFunction f)
    {
        var counts = new Dictionary<Value, int>();
        void Use(Value v) => counts[v] = counts.TryGetValue(v, out int n) ? n + 1 : 1;
        foreach (var block in f.Blocks)
        {
            foreach (var i in block.Instrs)
                foreach (var v in i.AllInputs())
                    Use(v);
            if (block.Terminator.Value != null) Use(block.Terminator.Value);
            foreach (var e in block.Terminator.Edges)
                foreach (var v in e.Args)
                    Use(v);
        }
        return counts;
    }

    private void DifferentiateBackward(Instr i, IrBuilder b)
    {
        switch (i.Op)
        {
            case Op.ArrayStore:
            {
                // a[i] = v: v's adjoint takes a's shadow there, which then restarts at zero (the old value is gone).
                var array = i.Operands[0];
                var stored = i.Operands[i.Operands.Count - 1];
                if (!_shadow.TryGetValue(array, out var shadow) || stored.Type.IsArray) return;
                var s = AugmentedValue(shadow, b);
                var indices = i.Operands.Skip(1).Take(i.Operands.Count - 2).Select(x => PrimalValue(x, b)).ToList();
                if (Accumulation(i) is var (load, add, addend))
                {
                    // a[i] = a[i] ± e: the shadow there keeps its adjoint (zeroing it and adding it back through
                    // the load would cancel out), and e's adjoint takes it.
                    _accumulated.Add(load);
                    _accumulated.Add(add);
                    if (_activity.IsActive(addend))
                    {
                        var kept = b.ArrayLoad(s, indices);
                        AddTo(addend, add.BinaryOp == BinaryOp.Sub ? b.Unary(UnaryOp.Neg, kept) : kept, b);
                    }
                    return;
                }
                if (_activity.IsActive(stored)) AddTo(stored, b.ArrayLoad(s, indices), b);
                b.ArrayStore(s, indices, b.Zero(array.Type.Element.Tangent));
                return;
            }
            case Op.StoreVar:
            {
                // v = x: x's adjoint takes v's, which restarts at zero.
                if (!i.Var!.Type.IsReal || !(_activity.IsActive(i.Var) || _varAdjoint.ContainsKey(i.Var))) return;
                var adjoint = VarAdjoint(i.Var);
                var g0 = b.Load(adjoint);
                b.Store(adjoint, b.Zero(i.Var.Type));
                AddTo(i.Operands[0], g0, b);
                return;
            }
            case Op.LoadVar when _activity.IsActive(i.Result) && i.Result!.Type.IsReal:
            {
                var g0 = b.Load(Adjoint(i.Result));
                if (_zeroAfterRead) b.Store(Adjoint(i.Result), b.Zero(i.Result.Type));
                b.AddTo(VarAdjoint(i.Var!), g0);
                return;
            }
            // An array result's adjoint is its shadow, which the callee's pullback reads through its residuals.
            case Op.Call when i.Result is null || !_activity.IsActive(i.Result) || i.Result.Type.IsArray:
                if (_callResiduals.ContainsKey(i)) BackwardCall(i, null, b);
                return;
        }
        if (_activity.IsActive(i.Result) && i.Result!.Type.IsStruct)
        {
            var r0 = i.Result!;
            switch (i.Op)
            {
                case Op.MakeStruct:
                {
                    // Each leaf's adjoint goes to the value it was built from.
                    var leaves = r0.Type.Leaves;
                    for (int k = 0; k < leaves.Count; k++)
                    {
                        if (!leaves[k].Differentiable || ReadLeafAdjoint(r0, leaves[k].Path, leaves[k].Type) is not { } la) continue;
                        var g0 = b.Load(la);
                        if (_zeroAfterRead) b.Store(la, b.Zero(leaves[k].Type.Tangent));
                        AddTo(i.Operands[k], g0, b);
                    }
                    return;
                }
                case Op.Call:
                    BackwardCall(i, StructAdjoint(r0, b), b);
                    return;
                case Op.ArrayLoad:
                {
                    // s = a[i]: each leaf's adjoint accumulates into the same member of a's shadow there.
                    if (!_shadow.TryGetValue(i.Operands[0], out var shadow)) return;
                    Value? array = null;
                    List<Value>? indices = null;
                    foreach (var leaf in r0.Type.Leaves.Where(l => l.Differentiable))
                    {
                        if (ReadLeafAdjoint(r0, leaf.Path, leaf.Type) is not { } la) continue;
                        var g0 = b.Load(la);
                        if (_zeroAfterRead) b.Store(la, b.Zero(leaf.Type.Tangent));
                        array ??= AugmentedValue(shadow, b);
                        indices ??= i.Operands.Skip(1).Select(x => PrimalValue(x, b)).ToList();
                        b.ArrayStore(array, indices, g0, Op.ArrayAdd, leaf.Path);
                    }
                    return;
                }
                case Op.Convert when i.Operands[0].Type.IsStruct:
                    // A subclass's object seen as its base class: the base's leaves' adjoints go to the same leaves.
                    // A base class's object seen as a subclass (virtual dispatch): the leaves they share.
                    var shared = new HashSet<string>(i.Operands[0].Type.Leaves.Select(l => l.Path));
                    foreach (var leaf in r0.Type.Leaves.Where(l => l.Differentiable && !l.Type.IsArray))
                    {
                        if (ReadLeafAdjoint(r0, leaf.Path, leaf.Type) is not { } la) continue;
                        var g0 = b.Load(la);
                        if (_zeroAfterRead) b.Store(la, b.Zero(leaf.Type.Tangent));
                        if (_activity.IsActive(i.Operands[0]) && shared.Contains(leaf.Path))
                            b.AddTo(LeafAdjoint(i.Operands[0], leaf.Path, leaf.Type), g0);
                    }
                    return;
                case Op.Member when i.Operands[0].Type.IsStruct:
                {
                    // A nested struct member: its leaves' adjoints go to the same leaves of the outer struct.
                    foreach (var leaf in r0.Type.Leaves.Where(l => l.Differentiable))
                    {
                        if (ReadLeafAdjoint(r0, leaf.Path, leaf.Type) is not { } la) continue;
                        var g0 = b.Load(la);
                        if (_zeroAfterRead) b.Store(la, b.Zero(leaf.Type.Tangent));
                        if (_activity.IsActive(i.Operands[0]))
                            b.AddTo(LeafAdjoint(i.Operands[0], i.Text + "." + leaf.Path, leaf.Type), g0);
                    }
                    return;
                }
            }
            return;
        }
        if (!_activity.IsActive(i.Result) || !i.Result!.Type.IsReal) return;
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
                        if (_activity.IsActive(x0)) AddTo(x0, Scale(g, PrimalValue(x1, b), i.Speculated, b), b);
                        if (_activity.IsActive(x1)) AddTo(x1, Scale(g, PrimalValue(x0, b), i.Speculated, b), b);
                        break;
                    case BinaryOp.Div:
                    {
                        // a / b: da += g / b; db -= g * y / b
                        if (!_activity.IsActive(x0) && !_activity.IsActive(x1)) break;
                        var ga = i.Speculated
                            ? b.CallHelper("global::Nabla.CompilerServices.Adjoints.DivideOrZero", g.Type, g, PrimalValue(x1, b))!
                            : b.Binary(BinaryOp.Div, g, PrimalValue(x1, b));
                        AddTo(x0, ga, b);
                        if (_activity.IsActive(x1))
                            AddTo(x1, b.Unary(UnaryOp.Neg, Scale(ga, PrimalValue(r, b), i.Speculated, b)), b);
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
            case Op.ArrayLoad:
            {
                // y = a[i]: a's shadow there accumulates y's adjoint.
                if (!_shadow.TryGetValue(i.Operands[0], out var shadow)) return;
                b.ArrayStore(AugmentedValue(shadow, b), i.Operands.Skip(1).Select(x => PrimalValue(x, b)).ToList(), g, Op.ArrayAdd);
                b.Block.Instrs[b.Block.Instrs.Count - 1].Speculated = i.Speculated;
                return;
            }
            case Op.Call:
                BackwardCall(i, g, b);
                return;
            case Op.Member when i.Operands.Count == 1 && i.Operands[0].Type.IsStruct:
                // y = s.path: the struct's adjoint at that leaf accumulates y's.
                if (_activity.IsActive(i.Operands[0]))
                    b.AddTo(LeafAdjoint(i.Operands[0], i.Text!, r.Type), g);
                return;
        }
    }

    private void BackwardCall(Instr i, Value? g, IrBuilder b)
    {
        var d = i.Callee!.Derivative;
        if (d is null || !_callResiduals.TryGetValue(i, out var residual)) return;
        var wrtArgs = d.Wrt.Where(k => i.Arguments![k].Value != null).Select(k => i.Arguments![k].Value!).ToList();
        var scalarArgs = wrtArgs.Where(a => a.Type.IsReal || a.Type.IsStruct).ToList();
        // Real ref and out arguments: their adjoints go in by ref and come back as the adjoints before the call.
        var refArgs = i.Arguments!.Where(a => a.Variable != null && a.Variable.Type.IsReal)
            .Select(a => new Argument(null, RefKindIr.Ref, VarAdjoint(a.Variable!))).ToList();
        var slotArgument = residual.Snapshot != null
            ? new Argument(AugmentedValue(residual.Snapshot, b), RefKindIr.In)
            : new Argument(null, RefKindIr.In, residual.Slot);
        if (d.ArraysByValue)
        {
            // A rule over arrays: an array result's cotangent is its shadow; array inputs' cotangents come back as new
            // arrays, added into their shadows.
            var cotTypes = wrtArgs.Select(a => a.Type.Tangent).ToList();
            Value resultCot = i.Result!.Type.IsArray
                ? _shadow.TryGetValue(i.Result, out var resultShadow) ? AugmentedValue(resultShadow, b) : ZerosLike(b, PrimalValue(i.Result, b))
                : g ?? b.Zero(i.Result.Type.Tangent);
            var pulled = b.Call(new Callee(d.PullbackMethod!, i.Callee.DisplayName + " (pullback)", true, null), null,
                new List<Argument> { slotArgument, new(resultCot) }, cotTypes.Count == 1 ? cotTypes[0] : IrType.Tuple(cotTypes)).Result!;
            for (int k = 0; k < wrtArgs.Count; k++)
            {
                var cot = wrtArgs.Count == 1 ? pulled : b.TupleGet(pulled, k);
                if (!wrtArgs[k].Type.IsArray) AddTo(wrtArgs[k], cot, b);
                else if (_shadow.TryGetValue(wrtArgs[k], out var shadow))
                    b.CallHelper("global::Nabla.CompilerServices.Adjoints.Accumulate", IrType.Void, AugmentedValue(shadow, b), cot);
            }
            return;
        }
        if (d.PullbackMethod != null)
        {
            var resultType = scalarArgs.Count switch { 0 => IrType.Void, 1 => scalarArgs[0].Type.Tangent, _ => IrType.Tuple(scalarArgs.Select(a => a.Type.Tangent).ToList()) };
            var args = new List<Argument> { slotArgument };
            if (i.Result != null && (i.Result.Type.IsReal || i.Result.Type.IsStruct)) args.Add(new Argument(g ?? b.Zero(i.Result.Type.Tangent)));
            args.AddRange(refArgs);
            var cot = b.Call(new Callee(d.PullbackMethod, i.Callee.DisplayName + " (pullback)", true, null), null, args, resultType).Result;
            for (int k = 0; k < scalarArgs.Count; k++)
                AddTo(scalarArgs[k], scalarArgs.Count == 1 ? cot! : b.TupleGet(cot!, k), b);
            return;
        }
        if (g is null) return;
        // A forward rule: each real leaf of an input's tangent is a column of the Jacobian, the differential along that
        // leaf's unit tangent; its adjoint is the column dotted with the result's.
        for (int k = 0; k < wrtArgs.Count; k++)
        {
            if (!_activity.IsActive(wrtArgs[k])) continue;
            var tangentType = wrtArgs[k].Type.Tangent;
            var leafTypes = IrBuilder.TangentLeafTypes(tangentType);
            var adjoints = new List<Value>();
            for (int leaf = 0; leaf < leafTypes.Count; leaf++)
            {
                var args = new List<Argument> { slotArgument };
                for (int j = 0; j < wrtArgs.Count; j++)
                    args.Add(new Argument(j == k ? b.Basis(tangentType, leaf) : b.Zero(wrtArgs[j].Type.Tangent)));
                var column = b.Call(new Callee(d.DifferentialMethod!, i.Callee.DisplayName + " (differential)", true, null), null, args, i.Result!.Type.Tangent).Result!;
                adjoints.Add(i.Result.Type.IsReal ? b.Convert(b.Binary(BinaryOp.Mul, g, column), leafTypes[leaf]) : b.Dot(g, column, leafTypes[leaf]));
            }
            AddTo(wrtArgs[k], b.FromTangentLeaves(tangentType, adjoints), b);
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

    /// <summary>Tarjan's algorithm: blocks in one component form a loop (or are alone).</summary>
    private static Dictionary<Block, int> StronglyConnectedComponents(IrFunction f)
    {
        var index = new Dictionary<Block, int>();
        var low = new Dictionary<Block, int>();
        var onStack = new HashSet<Block>();
        var stack = new Stack<Block>();
        var component = new Dictionary<Block, int>();
        int counter = 0, components = 0;
        void Visit(Block v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var e in v.Terminator.Edges)
            {
                var w = e.Target;
                if (!index.ContainsKey(w)) { Visit(w); low[v] = System.Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = System.Math.Min(low[v], index[w]);
            }
            if (low[v] == index[v])
            {
                Block w;
                do { w = stack.Pop(); onStack.Remove(w); component[w] = components; } while (w != v);
                components++;
            }
        }
        foreach (var b in f.Blocks)
            if (!index.ContainsKey(b)) Visit(b);
        return component;
    }
}
