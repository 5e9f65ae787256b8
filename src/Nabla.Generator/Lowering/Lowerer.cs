// Lowers a method body from Roslyn's ControlFlowGraph (IOperation in basic blocks) into Nabla IR:
// SSA for locals, parameters and flow captures, built with Braun et al.'s on-the-fly algorithm.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.IR;
using Nabla.Generator.Rules;
using TypeKind = Nabla.Generator.IR.TypeKind;

namespace Nabla.Generator.Lowering;

/// <summary>Raised inside lowering to abandon a function after a diagnostic was recorded.</summary>
internal sealed class LoweringFailed : Exception { }

/// <summary>What the lowering of a rule found in its final <c>return (value, lambda)</c>.</summary>
internal sealed class RuleReturn
{
    public RuleReturn(IFlowAnonymousFunctionOperation lambda, ControlFlowGraph lambdaGraph, List<ISymbol> captured)
    {
        Lambda = lambda;
        LambdaGraph = lambdaGraph;
        Captured = captured;
    }

    public IFlowAnonymousFunctionOperation Lambda { get; }
    public ControlFlowGraph LambdaGraph { get; }
    /// <summary>Outer locals and parameters the lambda reads: the rule's residuals.</summary>
    public List<ISymbol> Captured { get; }
}

internal sealed class Lowerer
{
    private readonly CalleeResolver _resolver;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly string _functionDisplay;
    private readonly CancellationToken _cancellation;

    private IrFunction _f = null!;
    private Value? _this;
    /// <summary>Data objects made with an initializer whose values need control flow: the creation and its block.</summary>
    private readonly Dictionary<Value, (Instr Creation, Block Block)> _pendingInitializers = new();
    /// <summary>The graph's capture of such an object (its reads after the branches may be block parameters).</summary>
    private readonly Dictionary<CaptureId, Value> _pendingByCapture = new();

    /// <summary>
    /// The receiver of an instance method of data: one value for the whole function, made first in the entry block, so
    /// that the analyses see every this.Member read as reads of one object (the shadow of an array member is shared).
    /// </summary>
    private Value This(IrType type)
    {
        if (_this != null) return _this;
        var instr = new Instr(Op.This, _f.NewValue(type, "this"), new List<Value>(), _b.Source);
        _f.Entry.Instrs.Insert(0, instr);
        return _this = instr.Result!;
    }
    private IrBuilder _b = null!;
    private readonly Dictionary<BasicBlock, Block> _blockMap = new();
    private readonly Dictionary<Block, List<(Block From, Edge Edge)>> _preds = new();
    private readonly Dictionary<Block, Dictionary<object, Value>> _defs = new();
    private readonly Dictionary<Block, List<(object Variable, Value Phi)>> _incomplete = new();
    private readonly HashSet<Block> _sealed = new();
    private readonly HashSet<Block> _filled = new();
    private readonly Dictionary<object, IrType> _variableTypes = new();
    private readonly HashSet<BasicBlock> _skipped = new();
    private readonly Dictionary<CaptureId, IOperation> _capturedPlaces = new();
    /// <summary>Captured array elements (<c>a[i] = c ? x : y</c>): variables holding the array and its indices.</summary>
    private readonly Dictionary<CaptureId, (object Array, IrType ArrayType, List<object> Indices)> _capturedElements = new();
    private readonly HashSet<CaptureId> _assignedCaptures = new();
    /// <summary>The assignments of object initializers lowered with their data object's creation, and the object.</summary>
    private readonly Dictionary<SyntaxNode, Value> _initializedBySyntax = new();
    private readonly HashSet<CaptureId> _readBeforeWrite = new();
    /// <summary>The value of a captured element read where C# reads it (a compound assignment's left operand).</summary>
    private readonly Dictionary<CaptureId, object> _capturedElementValues = new();
    private readonly Dictionary<CaptureId, (Value Array, object Index)> _foreach = new();
    private Block? _returnBlock;
    private Value? _returnValue;
    /// <summary>A struct result: one return-block parameter per leaf.</summary>
    private List<Value>? _returnLeaves;
    /// <summary>Captures of struct values: the root whose leaves hold them (the captured local itself, or the capture).</summary>
    private readonly Dictionary<CaptureId, object> _structCaptures = new();
    private readonly Dictionary<CaptureId, int> _captureCount = new();
    private bool _invalid;

    /// <summary>Rule mode: the final return must be <c>(value, lambda)</c>; the lambda is recorded here.</summary>
    public bool RuleMode { get; set; }

    /// <summary>Lowering a rule's body or its closure (RuleProcessor): code compiled again in the rule's split form.</summary>
    public bool InRule { get; set; }
    public RuleReturn? RuleReturn { get; private set; }
    /// <summary>Rule mode: outer variables captured by the lambda, read at the return, in <see cref="RuleReturn"/>'s order.</summary>
    public List<Value> CapturedValuesAtReturn { get; } = new();
    /// <summary>Set when the body had compile errors; the compiler reports those, so lowering stays silent.</summary>
    public bool HadInvalidCode => _invalid;

    public Lowerer(CalleeResolver resolver, List<DiagnosticInfo> diagnostics, string functionDisplay, CancellationToken cancellation)
    {
        _resolver = resolver;
        _diagnostics = diagnostics;
        _functionDisplay = functionDisplay;
        _cancellation = cancellation;
    }

    /// <summary>
    /// Lowers a control-flow graph into <paramref name="function"/>, whose parameters the caller has
    /// created; <paramref name="initial"/> binds symbols (parameters, captured outer variables) to them.
    /// Returns false when a diagnostic was reported or the code is invalid.
    /// </summary>
    public bool Lower(ControlFlowGraph graph, IrFunction function, IEnumerable<(ISymbol Symbol, Value Value)> initial)
    {
        _f = function;
        var entryIr = function.Blocks.Count > 0 ? function.Blocks[0] : function.NewBlock();
        _b = new IrBuilder(function, entryIr);
        try
        {
            CheckRegions(graph);
            var blocks = graph.Blocks.Where(b => b.IsReachable && !_skipped.Contains(b)).ToList();
            // Captures that are written through (a[i] = c ? x : y) are places; every other capture is a value.
            foreach (var bb in blocks)
                foreach (var op in bb.Operations.SelectMany(o => o.DescendantsAndSelf()))
                {
                    var target = op switch
                    {
                        IAssignmentOperation a => a.Target,
                        IIncrementOrDecrementOperation i => i.Target,
                        _ => null,
                    };
                    if (target is IFlowCaptureReferenceOperation reference)
                    {
                        _assignedCaptures.Add(reference.Id);
                        // x op= y reads x before it evaluates y.
                        if (op is ICompoundAssignmentOperation or IIncrementOrDecrementOperation) _readBeforeWrite.Add(reference.Id);
                    }
                }
            // The CFG's entry block maps to the IR entry; every other reachable block gets its own.
            foreach (var bb in blocks)
                _blockMap[bb] = bb.Kind == BasicBlockKind.Entry ? entryIr : function.NewBlock();
            foreach (var block in _blockMap.Values)
            {
                _preds[block] = new List<(Block, Edge)>();
                _defs[block] = new Dictionary<object, Value>();
            }
            foreach (var bb in blocks)
                foreach (var op in bb.Operations)
                    if (op is IFlowCaptureOperation c)
                        _captureCount[c.Id] = _captureCount.TryGetValue(c.Id, out var n) ? n + 1 : 1;
            if (function.ReturnType.IsStruct)
            {
                // A struct result travels to the return block leaf by leaf, and is built there.
                _returnBlock = function.NewBlock();
                _returnLeaves = new List<Value>();
                foreach (var leaf in function.ReturnType.Leaves)
                {
                    var p = function.NewValue(leaf.Type, "result_" + leaf.Path.Replace('.', '_').Replace("@", ""));
                    p.ParameterOf = _returnBlock;
                    _returnBlock.Params.Add(p);
                    _returnLeaves.Add(p);
                }
                var build = new IrBuilder(function, _returnBlock);
                _returnValue = build.Emit(Op.MakeStruct, function.ReturnType, _returnLeaves.ToList(), "result");
            }
            else if (function.ReturnType.Kind != TypeKind.Void)
            {
                _returnBlock = function.NewBlock();
                _returnValue = function.NewValue(function.ReturnType, "result");
                _returnValue.ParameterOf = _returnBlock;
                _returnBlock.Params.Add(_returnValue);
            }
            else
            {
                _returnBlock = function.NewBlock();
            }
            _preds[_returnBlock] = new List<(Block, Edge)>();
            _defs[_returnBlock] = new Dictionary<object, Value>();
            _returnBlock.Terminator = Terminator.Return(_returnValue);

            foreach (var (symbol, value) in initial)
            {
                if (value.Type.IsStruct && !value.Type.IsReference)
                {
                    // A struct parameter: its leaves are read once, at the entry.
                    _variableTypes[symbol] = value.Type;
                    foreach (var leaf in value.Type.Leaves)
                        WriteVariable(new LeafKey(symbol, leaf.Path), entryIr, Extract(value, leaf.Path));
                }
                else
                {
                    WriteVariable(symbol, entryIr, value);
                }
            }
            Seal(entryIr);

            foreach (var bb in blocks)
            {
                _cancellation.ThrowIfCancellationRequested();
                if (bb.Kind == BasicBlockKind.Exit) continue;
                FillBlock(bb);
                _filled.Add(_blockMap[bb]);
                TrySealAll();
            }
            // The exit block of the CFG only forwards to our return block.
            foreach (var bb in blocks.Where(b => b.Kind == BasicBlockKind.Exit))
            {
                var exit = _blockMap[bb];
                _filled.Add(exit);
                TrySealAll();
            }
            _filled.Add(_returnBlock);
            TrySealAll();
            if (_invalid) return false;
            var saved = _b.Block;
            _b.Block = _returnBlock;
            foreach (var (symbol, variable) in WriteBack)
                _b.Store(variable, ReadVariable(symbol, _returnBlock, variable.Type));
            _b.Block = saved;
            RemoveTrivialPhis();
            RemoveUnusedExit();
            return true;
        }
        catch (LoweringFailed)
        {
            return false;
        }
    }

    // ---------------------------------------------------------------- blocks and terminators

    /// <summary>
    /// Rejects exception handling, except the try/finally that a foreach over an array wraps around
    /// its enumerator, whose finally only disposes it: those finally blocks are skipped, since the
    /// loop is lowered to indexing.
    /// </summary>
    private void CheckRegions(ControlFlowGraph graph)
    {
        void Visit(ControlFlowRegion region)
        {
            switch (region.Kind)
            {
                case ControlFlowRegionKind.TryAndFinally:
                {
                    var @finally = region.NestedRegions.FirstOrDefault(r => r.Kind == ControlFlowRegionKind.Finally);
                    if (@finally != null && IsEnumeratorDisposal(graph, @finally))
                    {
                        for (int k = @finally.FirstBlockOrdinal; k <= @finally.LastBlockOrdinal; k++)
                            _skipped.Add(graph.Blocks[k]);
                        foreach (var nested in region.NestedRegions)
                            if (nested != @finally)
                                foreach (var inner in nested.NestedRegions) Visit(inner);
                        return;
                    }
                    goto case ControlFlowRegionKind.Try;
                }
                case ControlFlowRegionKind.Try:
                case ControlFlowRegionKind.TryAndCatch:
                case ControlFlowRegionKind.Catch:
                case ControlFlowRegionKind.Filter:
                case ControlFlowRegionKind.FilterAndHandler:
                case ControlFlowRegionKind.Finally:
                    // The finally of a using holds the Dispose call, whose syntax is the using itself.
                    var finallyRegion = region.Kind == ControlFlowRegionKind.TryAndFinally
                        ? region.NestedRegions.FirstOrDefault(r => r.Kind == ControlFlowRegionKind.Finally) : null;
                    var first = graph.Blocks[finallyRegion?.FirstBlockOrdinal ?? region.FirstBlockOrdinal];
                    var syntax = first.Operations.FirstOrDefault()?.Syntax ?? first.BranchValue?.Syntax;
                    var stmt = syntax?.AncestorsAndSelf().FirstOrDefault(s => s is TryStatementSyntax or UsingStatementSyntax or LockStatementSyntax or ForEachStatementSyntax or LocalDeclarationStatementSyntax) ?? syntax;
                    if (stmt is ForEachStatementSyntax forEach)
                        Unsupported(forEach.Expression, "foreach over this collection", "; foreach works over arrays and spans, otherwise index the collection in a for loop.");
                    Unsupported(stmt is LocalDeclarationStatementSyntax or UsingStatementSyntax or LockStatementSyntax or TryStatementSyntax ? stmt : syntax,
                        "try/catch/finally, using and lock", "; move resource handling outside the [Differentiable] method.");
                    break;
            }
            foreach (var nested in region.NestedRegions) Visit(nested);
        }
        Visit(graph.Root);
    }

    private static bool IsEnumeratorDisposal(ControlFlowGraph graph, ControlFlowRegion @finally)
    {
        for (int k = @finally.FirstBlockOrdinal; k <= @finally.LastBlockOrdinal; k++)
        {
            var block = graph.Blocks[k];
            var ops = block.Operations.ToList();
            if (block.BranchValue != null) ops.Add(block.BranchValue);
            foreach (var op in ops.SelectMany(o => o.DescendantsAndSelf()))
            {
                switch (op)
                {
                    case IInvocationOperation { TargetMethod.Name: "Dispose" } call
                        when ForeachEnumeratorOf(call.Instance) != null:
                    case IFlowCaptureOperation:
                    case IFlowCaptureReferenceOperation:
                    case IIsNullOperation:
                    case IConversionOperation:
                        continue;
                    default:
                        return false;
                }
            }
        }
        return true;
    }

    /// <summary>The array a foreach enumerates, when <paramref name="enumerator"/> is its GetEnumerator() (seen through captures).</summary>
    private static IOperation? ForeachEnumeratorOf(IOperation? enumerator)
    {
        while (enumerator is IConversionOperation c) enumerator = c.Operand;
        return enumerator is IFlowCaptureReferenceOperation ? enumerator : null;
    }

    private void FillBlock(BasicBlock bb)
    {
        var block = _blockMap[bb];
        _b.Block = block;
        foreach (var op in bb.Operations)
        {
            _b.Source = SourceOf(op.Syntax);
            LowerStatement(op);
        }
        if (bb.BranchValue != null) _b.Source = SourceOf(bb.BranchValue.Syntax);

        if (bb.ConditionKind != ControlFlowConditionKind.None)
        {
            // A constant condition (if (0.25 > 1.0) …): the compiler marks the branch never taken unreachable.
            bool Reachable(ControlFlowBranch branch) =>
                branch.Destination is null || branch.Destination.Kind == BasicBlockKind.Exit || _blockMap.ContainsKey(branch.Destination);
            if (!Reachable(bb.ConditionalSuccessor!) || !Reachable(bb.FallThroughSuccessor!))
            {
                var taken = Reachable(bb.ConditionalSuccessor!) ? bb.ConditionalSuccessor! : bb.FallThroughSuccessor!;
                if (taken.Semantics == ControlFlowBranchSemantics.Regular && taken.Destination!.Kind != BasicBlockKind.Exit)
                {
                    _b.Block.Terminator = Terminator.Jump(EdgeTo(block, taken), _b.Source);
                    return;
                }
            }
            var cond = LowerExpression(bb.BranchValue!);
            var conditional = EdgeTo(block, bb.ConditionalSuccessor!);
            var fallThrough = EdgeTo(block, bb.FallThroughSuccessor!);
            _b.Block.Terminator = bb.ConditionKind == ControlFlowConditionKind.WhenTrue
                ? Terminator.Branch(cond, conditional, fallThrough, _b.Source)
                : Terminator.Branch(cond, fallThrough, conditional, _b.Source);
            return;
        }
        var successor = bb.FallThroughSuccessor;
        if (successor is null)
        {
            block.Terminator = Terminator.Unreachable();
            return;
        }
        switch (successor.Semantics)
        {
            case ControlFlowBranchSemantics.Regular:
                if (successor.Destination!.Kind == BasicBlockKind.Exit)
                    goto case ControlFlowBranchSemantics.Return;
                _b.Block.Terminator = Terminator.Jump(EdgeTo(block, successor), _b.Source);
                break;
            case ControlFlowBranchSemantics.Return:
            {
                var args = new List<Value>();
                if (RuleMode && bb.BranchValue != null)
                {
                    var v = LowerRuleReturn(bb.BranchValue);
                    if (_returnLeaves != null) args.AddRange(_f.ReturnType.Leaves.Select(l => Extract(v, l.Path)));
                    else args.Add(v);
                }
                else if (bb.BranchValue != null)
                {
                    var v = LowerExpression(bb.BranchValue);
                    if (_returnLeaves != null) args.AddRange(_f.ReturnType.Leaves.Select(l => Extract(v, l.Path)));
                    else if (_returnValue != null) args.Add(Coerce(v, _returnValue.Type));
                }
                else if (BuildsThis)
                {
                    args.AddRange(ThisLeaves());
                }
                else if (_returnValue != null)
                {
                    Unsupported(bb.Operations.LastOrDefault()?.Syntax, "a return without a value", ".");
                }
                var edge = new Edge(_returnBlock!, args);
                _preds[_returnBlock!].Add((_b.Block, edge));
                _b.Block.Terminator = Terminator.Jump(edge, _b.Source);
                break;
            }
            case ControlFlowBranchSemantics.Throw:
                _b.Block.Terminator = Terminator.Throw(LowerExpression(bb.BranchValue!), _b.Source);
                break;
            case ControlFlowBranchSemantics.ProgramTermination:
            case ControlFlowBranchSemantics.Error:
                _invalid = true;
                throw new LoweringFailed();
            default:
                Unsupported(bb.BranchValue?.Syntax ?? bb.Operations.LastOrDefault()?.Syntax, "this control flow (" + successor.Semantics + ")", ".");
                break;
        }
    }

    private Edge EdgeTo(Block from, ControlFlowBranch branch)
    {
        if (branch.Semantics != ControlFlowBranchSemantics.Regular || branch.Destination is null)
            Unsupported(null, "this control flow (" + branch.Semantics + ")", ".");
        // Falling off the end of a void method goes to the return block; of a method with a result, it
        // cannot happen (the compiler proved it, e.g. after while (true)): such an edge goes to a block
        // that says so.
        Block target;
        if (branch.Destination!.Kind == BasicBlockKind.Exit)
        {
            if (BuildsThis)
            {
                // The end of a constructor returns 'this'.
                var returned = new Edge(_returnBlock!, ThisLeaves());
                _preds[_returnBlock!].Add((_b.Block, returned));
                return returned;
            }
            if (_returnValue is null)
            {
                target = _returnBlock!;
            }
            else
            {
                target = _f.NewBlock();
                _preds[target] = new List<(Block, Edge)>();
                _defs[target] = new Dictionary<object, Value>();
                _filled.Add(target);
                target.Terminator = Terminator.Unreachable();
            }
        }
        else
        {
            target = _blockMap[branch.Destination!];
        }
        var edge = new Edge(target);
        _preds[target].Add((_b.Block, edge));
        return edge;
    }

    private Value Coerce(Value v, IrType type) => v.Type.Equals(type) ? v : _b.Convert(v, type);

    /// <summary>Drops blocks that cannot be reached from the entry (the CFG's exit, code after a return).</summary>
    private void RemoveUnusedExit()
    {
        var reached = new HashSet<Block>();
        var work = new Stack<Block>();
        work.Push(_f.Entry);
        while (work.Count > 0)
        {
            var b = work.Pop();
            if (!reached.Add(b)) continue;
            foreach (var e in b.Terminator.Edges) work.Push(e.Target);
        }
        var removed = _f.Blocks.Where(b => !reached.Contains(b)).ToList();
        if (removed.Count == 0) return;
        // Edges from removed blocks into kept ones carry arguments for the kept blocks' parameters; a
        // parameter left with no incoming edge cannot happen, since kept blocks are reached from the entry.
        _f.Blocks.RemoveAll(b => !reached.Contains(b));
    }

    // ---------------------------------------------------------------- SSA construction

    private void WriteVariable(object variable, Block block, Value value) => _defs[block][variable] = value;

    private Value ReadVariable(object variable, Block block, IrType type)
    {
        if (_defs[block].TryGetValue(variable, out var v)) return v;
        return ReadVariableRecursive(variable, block, type);
    }

    private Value ReadVariableRecursive(object variable, Block block, IrType type)
    {
        Value value;
        if (!_sealed.Contains(block))
        {
            value = NewPhi(block, variable, type);
            if (!_incomplete.TryGetValue(block, out var list)) _incomplete[block] = list = new();
            list.Add((variable, value));
        }
        else if (_preds[block].Count == 1)
        {
            value = ReadVariable(variable, _preds[block][0].From, type);
        }
        else if (_preds[block].Count == 0)
        {
            // Read before any write on this path (C# definite assignment rules this out for locals;
            // it happens for captures of unreachable paths). Use the type's default.
            var saved = _b.Block;
            var entry = _f.Entry;
            var c = new Instr(Op.Const, _f.NewValue(type), new List<Value>(), SourceInfo.None) { Text = IrBuilder.ZeroLiteral(type) };
            entry.Instrs.Insert(0, c);
            value = c.Result!;
            _b.Block = saved;
        }
        else
        {
            value = NewPhi(block, variable, type);
            WriteVariable(variable, block, value);
            AddPhiOperands(variable, value, block, type);
        }
        WriteVariable(variable, block, value);
        return value;
    }

    private Value NewPhi(Block block, object variable, IrType type)
    {
        var phi = _f.NewValue(type, VariableName(variable));
        phi.ParameterOf = block;
        block.Params.Add(phi);
        return phi;
    }

    private void AddPhiOperands(object variable, Value phi, Block block, IrType type)
    {
        foreach (var (from, edge) in _preds[block])
            edge.Args.Add(ReadVariable(variable, from, type));
    }

    private void TrySealAll()
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var block in _preds.Keys.ToList())
            {
                if (_sealed.Contains(block)) continue;
                if (_preds[block].All(p => _filled.Contains(p.From)) && (_filled.Contains(block) || _preds[block].Count > 0))
                {
                    if (!AllPredecessorsKnown(block)) continue;
                    Seal(block);
                    changed = true;
                }
            }
        }
    }

    private bool AllPredecessorsKnown(Block block)
    {
        // A block is sealable once every CFG predecessor has been filled (its edges then exist).
        foreach (var kv in _blockMap)
        {
            if (kv.Value != block) continue;
            foreach (var p in kv.Key.Predecessors)
                if (p.Source.IsReachable && _blockMap.TryGetValue(p.Source, out var src) && !_filled.Contains(src))
                    return false;
            return true;
        }
        // Our own return block: every CFG block must be filled.
        return _blockMap.Values.All(b => _filled.Contains(b));
    }

    private void Seal(Block block)
    {
        if (_incomplete.TryGetValue(block, out var list))
        {
            foreach (var (variable, phi) in list)
                AddPhiOperands(variable, phi, block, phi.Type);
            _incomplete.Remove(block);
        }
        _sealed.Add(block);
    }

    /// <summary>Removes block parameters whose incoming values are all one value (or the parameter itself).</summary>
    private void RemoveTrivialPhis()
    {
        var resolve = Transforms.TrivialParameters.Run(_f);
        for (int i = 0; i < CapturedValuesAtReturn.Count; i++)
            CapturedValuesAtReturn[i] = resolve(CapturedValuesAtReturn[i]);
    }

    private static string? VariableName(object variable) => variable switch
    {
        ILocalSymbol l => l.Name,
        IParameterSymbol p => p.Name,
        IMethodSymbol => "self",
        LeafKey k => VariableName(k.Root) is { } root ? root + "_" + k.Path.Replace('.', '_').Replace("@", "") : null,
        _ => null,
    };

    private Value Read(object variable, IrType type) => ReadVariable(variable, _b.Block, type);

    private void Write(object variable, Value value) => WriteVariable(variable, _b.Block, value);

    // ---------------------------------------------------------------- statements

    private void LowerStatement(IOperation op)
    {
        switch (op)
        {
            case IFlowCaptureOperation capture when IsGetEnumerator(capture.Value, out var collection):
            {
                // foreach over an array: the enumerator becomes an index that starts before the first element.
                var array = LowerExpression(collection!);
                if (!array.Type.IsArray || array.Type.Rank != 1)
                    Unsupported(collection!.Syntax, "foreach over this collection", "; foreach works over one-dimensional arrays and spans, otherwise index the collection in a for loop.");
                var index = new object();
                _variableTypes[index] = IrType.Int32;
                Write(index, _b.Const(IrType.Int32, "(-1)"));
                _foreach[capture.Id] = (array, index);
                return;
            }
            case IFlowCaptureOperation capture when _assignedCaptures.Contains(capture.Id) && TryElement(capture.Value, out var collection, out var elementIndices):
            {
                // An element captured before a branch is assigned (or updated) after it: keep the array and indices,
                // in variables shared by every block that makes this capture.
                var array = LowerExpression(collection);
                if (!_capturedElements.TryGetValue(capture.Id, out var keys))
                {
                    keys = (new object(), array.Type, elementIndices.Select(_ => new object()).ToList());
                    _capturedElements[capture.Id] = keys;
                    _variableTypes[keys.Array] = array.Type;
                }
                Write(keys.Array, array);
                var indexValues = new List<Value>();
                for (int k = 0; k < elementIndices.Count; k++)
                {
                    var value = LowerExpression(elementIndices[k]);
                    _variableTypes[keys.Indices[k]] = value.Type;
                    Write(keys.Indices[k], value);
                    indexValues.Add(value);
                }
                if (_readBeforeWrite.Contains(capture.Id))
                {
                    if (!_capturedElementValues.TryGetValue(capture.Id, out var valueKey))
                    {
                        _capturedElementValues[capture.Id] = valueKey = new object();
                        _variableTypes[valueKey] = array.Type.Element;
                    }
                    Write(valueKey, _b.ArrayLoad(array, indexValues));
                }
                return;
            }
            case IFlowCaptureOperation capture when Symbols.IrTypeOf(capture.Value.Type) is { IsStruct: true, IsReference: false }:
            {
                // A struct captured once from a variable is that variable (an initializer or a compound
                // assignment works on it in place); any other struct capture holds its own leaves.
                var type = Symbols.IrTypeOf(capture.Value.Type);
                var inner = capture.Value;
                while (inner is IConversionOperation { Conversion.IsIdentity: true } c) inner = c.Operand;
                // (Not the operand of 'with': 'v with { X = … }' sets members of a copy, not of v.)
                if (_captureCount[capture.Id] == 1 && !IsWithOperand(inner) && TryStructRoot(inner, out var alias, out _))
                {
                    _structCaptures[capture.Id] = alias;
                    return;
                }
                _structCaptures[capture.Id] = capture.Id;
                _variableTypes[capture.Id] = type;
                WriteStruct(capture.Id, "", LowerExpression(capture.Value));
                return;
            }
            case IFlowCaptureOperation capture:
            {
                // A capture of a variable may later be assigned through: remember what it names.
                if (capture.Value is ILocalReferenceOperation or IParameterReferenceOperation ||
                    (_assignedCaptures.Contains(capture.Id) && TryStructPlace(capture.Value, out _, out _, out _)))
                    _capturedPlaces[capture.Id] = capture.Value;
                var v = LowerExpression(capture.Value);
                _variableTypes[capture.Id] = v.Type;
                Write(capture.Id, v);
                if (_pendingInitializers.TryGetValue(v, out var pendingCreation)) _pendingByCapture[capture.Id] = v;
                return;
            }
            case IExpressionStatementOperation es:
                LowerStatement(es.Operation);
                return;
            case IEmptyOperation:
                return;
            case IFlowCaptureReferenceOperation:
                return;
            default:
                LowerExpression(op, valueUsed: false);
                return;
        }
    }

    /// <summary>
    /// LINQ over a <c>double[]</c> or <c>float[]</c> that Nabla differentiates itself (Enumerable's methods take an
    /// IEnumerable, which Nabla cannot see into): <c>a.Sum()</c>, <c>Average()</c>, <c>Max()</c>, <c>Min()</c> are its
    /// reductions, whose rules give their derivatives; <c>a.ToArray()</c> is its copy, as <c>(double[])a.Clone()</c>.
    /// </summary>
    private bool TryLowerArrayLinq(IInvocationOperation invocation, IMethodSymbol method, out Value result)
    {
        result = null!;
        if (invocation.Arguments.Length != 1 || method.ContainingType.ToDisplayString() != "System.Linq.Enumerable" ||
            invocation.Arguments[0].Value is not IConversionOperation { Operand: { Type: IArrayTypeSymbol { Rank: 1 } array } source })
            return false;
        var helper = method.Name switch
        {
            "Sum" or "Average" or "Max" or "Min" when SymbolEqualityComparer.Default.Equals(method.ReturnType, array.ElementType) => ArrayHelper("Reductions", method.Name, array),
            "ToArray" when SymbolEqualityComparer.Default.Equals(method.ReturnType, array) => ArrayHelper("ArrayCopies", CopyName(array), array),
            _ => null,
        };
        if (helper is null) return false;
        result = CallAt(invocation.Syntax, _resolver.Resolve(helper), null, new List<Argument> { new(LowerExpression(source)) }, Symbols.IrTypeOf(method.ReturnType)).Result!;
        return true;
    }

    private static string CopyName(IArrayTypeSymbol array) => array.ElementType.SpecialType == SpecialType.System_Double ? "CopyOfDoubles" : "CopyOfSingles";

    /// <summary>Nabla.CompilerServices.<paramref name="type"/>.<paramref name="name"/>(<paramref name="array"/>) for an array of doubles or floats, or null.</summary>
    private IMethodSymbol? ArrayHelper(string type, string name, IArrayTypeSymbol array) =>
        array.ElementType.SpecialType is SpecialType.System_Double or SpecialType.System_Single
            ? _resolver.Compilation.GetTypeByMetadataName("Nabla.CompilerServices." + type)?.GetMembers(name).OfType<IMethodSymbol>()
                .FirstOrDefault(m => m.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, array))
            : null;

    /// <summary>The operand of a <c>with</c> expression: what it copies.</summary>
    private static bool IsWithOperand(IOperation value) =>
        value.Syntax.Parent is WithExpressionSyntax with && with.Expression == value.Syntax ||
        value.Syntax is WithExpressionSyntax;

    private static bool IsGetEnumerator(IOperation value, out IOperation? collection)
    {
        collection = null;
        while (value is IConversionOperation c) value = c.Operand;
        if (value is IInvocationOperation { TargetMethod.Name: "GetEnumerator", Instance: { } instance })
        {
            var inner = instance;
            while (inner is IConversionOperation c2 && c2.Conversion.IsImplicit) inner = c2.Operand;
            collection = inner;
            return true;
        }
        return false;
    }

    private bool TryForeach(IOperation? instance, out (Value Array, object Index) state)
    {
        state = default;
        while (instance is IConversionOperation c) instance = c.Operand;
        return instance is IFlowCaptureReferenceOperation r && _foreach.TryGetValue(r.Id, out state);
    }

    // ---------------------------------------------------------------- expressions

    private Value LowerExpression(IOperation op, bool valueUsed = true)
    {
        _cancellation.ThrowIfCancellationRequested();
        if (op.ConstantValue.HasValue && op.Type != null && op is not IFlowCaptureReferenceOperation)
        {
            var literal = Literal(op.ConstantValue.Value, op.Type);
            if (literal != null) return _b.Const(Symbols.IrTypeOf(op.Type), literal);
        }
        if (op.Type?.TypeKind == Microsoft.CodeAnalysis.TypeKind.Dynamic || op.Kind.ToString().StartsWith("Dynamic", StringComparison.Ordinal))
            Unsupported(op.Syntax, "a dynamic operation", "; give the value a static type (double, float or an array of them).");
        switch (op)
        {
            case IInvalidOperation:
                _invalid = true;
                throw new LoweringFailed();
            case ILocalReferenceOperation or IParameterReferenceOperation or IFlowCaptureReferenceOperation or IInstanceReferenceOperation
                when TryStructRoot(op, out var structRoot, out var structType):
                return ReadStruct(structRoot, structType, "");
            case IPropertyReferenceOperation { Property.GetMethod: { } getter } read
                when (Symbols.IsDifferentiable(getter) || _resolver.HasRule(getter)) && (read.Arguments.Length == 0 || read.Instance != null):
            {
                // A [Differentiable] property or indexer, or one a rule differentiates: a call of its getter (its receiver,
                // when differentiable or a rule's, is an input; an indexer's indices follow it).
                var callee = _resolver.Resolve(getter);
                Value? receiver = read.Instance != null && !getter.IsStatic ? LowerExpression(read.Instance) : null;
                var args = read.Arguments.Length == 0 ? new List<Argument>() : LowerArguments(read.Arguments, getter);
                if (callee.ReceiverAsArgument && receiver != null)
                {
                    args.Insert(0, ReceiverArgument(receiver, getter));
                    receiver = null;
                }
                return CallAt(read.Syntax, callee, receiver, args, Symbols.IrTypeOf(getter.ReturnType)).Result!;
            }
            case IFieldReferenceOperation or IPropertyReferenceOperation when TryStructPlace(op, out var placeRoot, out var placePath, out var placeType):
                return placeType.IsStruct ? ReadStruct(placeRoot, placeType, placePath + ".") : Read(new LeafKey(placeRoot, placePath), placeType);
            case IFieldReferenceOperation { Field.IsStatic: false, Instance: { } instance } field when Symbols.IrTypeOf(instance.Type).IsStruct:
                return ExtractMember(instance, MemberName(field.Field), op);
            case IPropertyReferenceOperation { Property.IsStatic: false, Arguments.Length: 0, Instance: { } instance } property when Symbols.IrTypeOf(instance.Type).IsStruct:
                return ExtractMember(instance, property.Property.Name, op);
            case IDefaultValueOperation when Symbols.IrTypeOf(op.Type).IsStruct:
            {
                var type = Symbols.IrTypeOf(op.Type);
                return MakeStruct(type, type.Leaves.Select(l => _b.Zero(l.Type)).ToList());
            }
            case IObjectCreationOperation { Constructor: { } constructor, Initializer: null } ruled when _resolver.HasRule(constructor):
                // A constructor a rule differentiates: a call of it.
                return CallAt(ruled.Syntax, _resolver.Resolve(constructor), null, LowerArguments(ruled.Arguments, constructor), Symbols.IrTypeOf(op.Type)).Result!;
            case IObjectCreationOperation when Symbols.IrTypeOf(op.Type) is { IsStruct: true, IsReference: true }:
                Unsupported(op.Syntax, "creating an object of a differentiable class",
                    "; pass the object in (its members are differentiated where they are read), or use a [Differentiable] struct.");
                return null!;
            case IObjectCreationOperation creation when Symbols.IrTypeOf(op.Type).IsStruct:
                return LowerStructCreation(creation);
            case ILocalReferenceOperation local:
                return Read(local.Local, Symbols.IrTypeOf(local.Local.Type));
            case IParameterReferenceOperation parameter:
                return Read(parameter.Parameter, Symbols.IrTypeOf(parameter.Parameter.Type));
            case IFlowCaptureReferenceOperation capture when _capturedElementValues.TryGetValue(capture.Id, out var valueKey):
                return Read(valueKey, _variableTypes[valueKey]);
            case IFlowCaptureReferenceOperation capture when _capturedElements.TryGetValue(capture.Id, out var element):
                return _b.ArrayLoad(Read(element.Array, element.ArrayType), element.Indices.Select(k => Read(k, _variableTypes[k])).ToList());
            case IFlowCaptureReferenceOperation capture:
                return Read(capture.Id, _variableTypes.TryGetValue(capture.Id, out var ct) ? ct : Symbols.IrTypeOf(capture.Type));
            case IConversionOperation conversion:
                return LowerConversion(conversion);
            case IBinaryOperation binary:
                return LowerBinary(binary);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat, Operand.Type.SpecialType: SpecialType.System_Int32 } hat
                when hat.Parent is IArrayElementReferenceOperation { Indices.Length: 1 } fromEnd &&
                     fromEnd.ArrayReference is ILocalReferenceOperation or IParameterReferenceOperation or IFieldReferenceOperation or IFlowCaptureReferenceOperation:
                // a[^k]: the element k from the end, a.Length − k.
                return _b.Binary(BinaryOp.Sub, LengthOf(LowerExpression(fromEnd.ArrayReference)), LowerExpression(hat.Operand), IrType.Int32);
            case IUnaryOperation unary:
                return LowerUnary(unary);
            case IInvocationOperation { TargetMethod.Name: "MoveNext" } moveNext when TryForeach(moveNext.Instance, out var loop):
            {
                // MoveNext(): index += 1; index < array.Length
                var next = _b.Binary(BinaryOp.Add, Read(loop.Index, IrType.Int32), _b.Const(IrType.Int32, "1"), IrType.Int32, "i");
                Write(loop.Index, next);
                var length = _b.EmitInstr(Op.Member, IrType.Int32, new List<Value> { loop.Array });
                length.Text = "Length";
                return _b.Binary(BinaryOp.Lt, next, length.Result!, IrType.Bool);
            }
            case IPropertyReferenceOperation { Property.Name: "Current" } current when TryForeach(current.Instance, out var loop):
                return _b.ArrayLoad(loop.Array, new[] { Read(loop.Index, IrType.Int32) });
            case IInvocationOperation invocation:
                return LowerInvocation(invocation, valueUsed);
            case IArrayElementReferenceOperation or IPropertyReferenceOperation when TryElement(op, out var collection, out var elementIndices):
            {
                var array = LowerExpression(collection);
                var indices = elementIndices.Select(i => LowerExpression(i)).ToList();
                return _b.ArrayLoad(array, indices);
            }
            case IImplicitIndexerReferenceOperation implicitIndexer when Symbols.IsSpanType(implicitIndexer.Instance.Type, out _):
                return LowerSpanIndexFromEndOrRange(implicitIndexer);
            case IObjectCreationOperation creation when Symbols.IsSpanType(creation.Type, out _):
                return LowerSpanCreation(creation);
            case { Kind: OperationKind.None } when op.Syntax is StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                return LowerStackAlloc(op);
            case IArrayCreationOperation creation:
                return LowerArrayCreation(creation);
            case ICollectionExpressionOperation collection when collection.Type is IArrayTypeSymbol { Rank: 1 }:
                return LowerCollectionExpression(collection);
            case IIsPatternOperation isPattern:
                return LowerPattern(LowerExpression(isPattern.Value), isPattern.Pattern);
            case ISimpleAssignmentOperation assignment when _initializedBySyntax.TryGetValue(assignment.Syntax, out var created):
                // The member was set where the data object was created (DataObjectInitializers).
                return created;
            case ISimpleAssignmentOperation { Target: IImplicitIndexerReferenceOperation { Argument.Type.Name: "Index" } fromEnd } assignment
                when Symbols.IsSpanType(fromEnd.Instance.Type, out _):
            {
                // s[^k] = v: the element k from the end of the span.
                var span = LowerExpression(fromEnd.Instance);
                var position = SpanPosition(span, fromEnd.Argument);
                var value = Coerce(LowerExpression(assignment.Value), span.Type.Element);
                _b.ArrayStore(span, new[] { position }, value);
                return value;
            }
            case ISimpleAssignmentOperation assignment when TryElement(assignment.Target, out var collection, out var elementIndices):
            {
                var array = LowerExpression(collection);
                var indices = elementIndices.Select(i => LowerExpression(i)).ToList();
                var value = Coerce(LowerExpression(assignment.Value), array.Type.Element);
                _b.ArrayStore(array, indices, value);
                return value;
            }
            case ISimpleAssignmentOperation assignment:
            {
                var value = LowerExpression(assignment.Value);
                Assign(assignment.Target, value);
                return value;
            }
            case ICompoundAssignmentOperation compound:
                return LowerCompoundAssignment(compound);
            case IIncrementOrDecrementOperation increment:
                return LowerIncrement(increment);
            case IFieldReferenceOperation field:
                return LowerMember(field, field.Field.IsStatic, field.Instance, field.Field.Name, field.Field.ContainingType, field.Type);
            case IPropertyReferenceOperation { Property.IsStatic: true } constant when IsGenericMath(constant.Property) && Symbols.IrTypeOf(op.Type).IsReal:
                return GenericMathConstant(constant);
            case IPropertyReferenceOperation { Arguments.Length: > 0, Property.GetMethod: { } getter } indexer when Pipeline.TangentShapes.IsData(indexer.Type!):
            {
                // An indexer reading data (a string's char, a list of ints): a call of its getter, as any call returning data.
                var receiver = indexer.Instance is null ? null : LowerExpression(indexer.Instance);
                return CallAt(indexer.Syntax, _resolver.Resolve(getter), receiver, LowerArguments(indexer.Arguments, getter), Symbols.IrTypeOf(indexer.Type)).Result!;
            }
            case IPropertyReferenceOperation property:
                if (property.Arguments.Length > 0)
                    Unsupported(op.Syntax, "this indexer", "; indexers of arrays and spans, [Differentiable] indexers (mark its getter), indexers a rule names, and indexers reading data (a string's characters) are supported.");
                return LowerMember(property, property.Property.IsStatic, property.Instance, property.Property.Name, property.Property.ContainingType, property.Type);
            case IInstanceReferenceOperation when ThisRoot != null:
                // 'this' of a differentiable class: the static-form derivative's first parameter.
                return Read(ThisRoot, Symbols.IrTypeOf(op.Type));
            case IInstanceReferenceOperation:
                return This(Symbols.IrTypeOf(op.Type));
            case IDefaultValueOperation:
                return _b.Const(Symbols.IrTypeOf(op.Type), "default(" + Symbols.TypeName(op.Type!) + ")");
            case ITupleOperation tuple when Symbols.IrTypeOf(tuple.Type) is { IsStruct: true } tupleType:
            {
                // A value tuple lowered member by member: its leaves are the elements' (a vector element's components in place).
                return FromMembers(tupleType, tuple.Elements);
            }
            case ITupleOperation tuple:
            {
                var items = tuple.Elements.Select(e => LowerExpression(e)).ToList();
                return _b.MakeTuple(items, Symbols.IrTypeOf(tuple.Type));
            }
            case IDeconstructionAssignmentOperation deconstruction:
                return LowerDeconstruction(deconstruction);
            case ITypeOfOperation typeOf:
            {
                var i = _b.EmitInstr(Op.TypeOf, Symbols.IrTypeOf(op.Type), new List<Value>());
                i.Text = Symbols.TypeName(typeOf.TypeOperand);
                return i.Result!;
            }
            case IObjectCreationOperation creation when creation.Initializer is null && creation.Constructor != null:
            {
                var args = LowerArguments(creation.Arguments, creation.Constructor);
                var initializers = DataObjectInitializers(creation);
                var values = initializers?.Select(a => LowerExpression(a.Value)).ToList() ?? new List<Value>();
                // (Located at the 'new' itself, where a lost derivative is reported.)
                var saved = _b.Source;
                _b.Source = SourceOf(creation.Syntax, statement: false) with { Text = saved.Text };
                var i = _b.EmitInstr(Op.New, Symbols.IrTypeOf(op.Type), values);
                _b.Source = saved;
                i.Text = Symbols.TypeName(op.Type!);
                i.Arguments = args;
                if (initializers != null)
                {
                    i.InitializedMembers = initializers.Select(a => Symbols.Identifier(((IMemberReferenceOperation)a.Target).Member.Name)).ToList();
                    foreach (var a in initializers) _initializedBySyntax[a.Syntax] = i.Result!;
                }
                else if (creation.Syntax is BaseObjectCreationExpressionSyntax { Initializer: { } } && Symbols.IrTypeOf(op.Type).Kind == TypeKind.Other)
                {
                    // A data object whose initializer's values need control flow: the graph assigns its members after
                    // the branches; each assignment moves the creation to it, as one initializer (see Assign).
                    i.InitializedMembers = new List<string>();
                    _pendingInitializers[i.Result!] = (i, _b.Block);
                }
                return i.Result!;
            }

            case IDelegateCreationOperation creation:
                return LowerDelegateCreation(creation);
            case IFlowAnonymousFunctionOperation lambda:
                return LowerLambda(lambda, Symbols.IrTypeOf(op.Type), op.Syntax);
            case IIsTypeOperation { IsNegated: false } isType when isType.ValueOperand.Type is { IsReferenceType: true } && isType.TypeOperand is INamedTypeSymbol:
            {
                // 'o is T' of an object: a run-time type test, data (as virtual dispatch writes it).
                var test = _b.EmitInstr(Op.IsType, IrType.Bool, new List<Value> { LowerExpression(isType.ValueOperand) });
                test.Text = Symbols.TypeName(isType.TypeOperand);
                return test.Result!;
            }
            case ISwitchExpressionOperation:
            case IIsTypeOperation:
                Unsupported(op.Syntax, "pattern matching", ".");
                break;
            case IInterpolatedStringOperation interpolated:
                return LowerInterpolatedString(interpolated);
        }
        Unsupported(op.Syntax, DescribeOperation(op), ".");
        return null!;
    }

    /// <summary>
    /// The member assignments of the object initializer of a data object (<c>new Options { Steps = 3 }</c>: a type that
    /// is not differentiable) when every value is a plain expression: the creation is then one <c>new</c> with its
    /// initializer, and the control-flow graph's assignments to the new object's members are skipped. Null when the
    /// object has no initializer, is differentiable, or a value needs control flow (those stay as the graph has them).
    /// </summary>
    private List<ISimpleAssignmentOperation>? DataObjectInitializers(IObjectCreationOperation creation)
    {
        // (The graph's operations have no semantic model: the creation as written comes from the compilation's.)
        if (creation.Syntax is not BaseObjectCreationExpressionSyntax { Initializer: { } } ||
            Symbols.IrTypeOf(creation.Type).Kind != TypeKind.Other ||
            !_resolver.Compilation.ContainsSyntaxTree(creation.Syntax.SyntaxTree) ||
            Pipeline.SemanticModels.Of(_resolver.Compilation, creation.Syntax.SyntaxTree).GetOperation(creation.Syntax, _cancellation)
                is not IObjectCreationOperation { Initializer: { } initializer })
            return null;
        var assignments = new List<ISimpleAssignmentOperation>();
        foreach (var init in initializer.Initializers)
        {
            if (init is not ISimpleAssignmentOperation
                {
                    Target: IFieldReferenceOperation { Instance: IInstanceReferenceOperation } or
                            IPropertyReferenceOperation { Instance: IInstanceReferenceOperation, Arguments.Length: 0 },
                } assignment ||
                assignment.Value.DescendantsAndSelf().Any(o => o is IConditionalOperation or ICoalesceOperation or IConditionalAccessOperation
                    or ISwitchExpressionOperation or IAnonymousFunctionOperation or IThrowOperation or IObjectOrCollectionInitializerOperation
                    or IIsPatternOperation or IInterpolatedStringOperation or IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr }))
                return null;
            assignments.Add(assignment);
        }
        return assignments;
    }

    private static string DescribeOperation(IOperation op)
    {
        string kind = op.Kind.ToString();
        return "this construct (" + kind + ")";
    }

    private Value LowerConversion(IConversionOperation conversion)
    {
        // (double[])a.Clone(): a copy that keeps a's derivative, through Nabla's differentiable copy.
        if (conversion.Operand is IInvocationOperation { TargetMethod: { Name: "Clone", Parameters.Length: 0 } clone, Instance: { Type: IArrayTypeSymbol { Rank: 1 } cloned } instance } &&
            clone.ContainingType?.SpecialType == SpecialType.System_Array && SymbolEqualityComparer.Default.Equals(conversion.Type, cloned) &&
            ArrayHelper("ArrayCopies", CopyName(cloned), cloned) is { } copy)
            return CallAt(conversion.Syntax, _resolver.Resolve(copy), null, new List<Argument> { new(LowerExpression(instance)) }, Symbols.IrTypeOf(cloned)).Result!;
        if (Symbols.IsSpanType(conversion.Type, out _) && !conversion.Conversion.IsIdentity &&
            Symbols.IrTypeOf(conversion.Operand.Type) is { IsArray: true, Rank: 1 })
        {
            // An array or a Span<T> seen as a (ReadOnly)Span<T>: a view of all of it (also its shadow, in reverse mode).
            var source = LowerExpression(conversion.Operand);
            // A view just made (x.AsSpan(a, n) passed as a ReadOnlySpan) is made once, of the final type.
            if (source.Definition is { Op: Op.Slice } inner && source.Type.IsSpan)
                return _b.Emit(Op.Slice, Symbols.IrTypeOf(conversion.Type), inner.Operands.ToList(), source.Name);
            return _b.Slice(source, Symbols.IrTypeOf(conversion.Type), name: SliceName(source));
        }
        if (conversion.OperatorMethod != null && Symbols.IsSpanType(conversion.Type, out _) && !Symbols.IrTypeOf(conversion.Type).IsDifferentiable)
        {
            // A string as a ReadOnlySpan<char> (C# before 14): data.
            return _b.Emit(Op.Convert, Symbols.IrTypeOf(conversion.Type), new List<Value> { LowerExpression(conversion.Operand) });
        }
        if (conversion.OperatorMethod != null)
            Unsupported(conversion.Syntax, "a user-defined conversion", ".");
        var operand = LowerExpression(conversion.Operand);
        var to = Symbols.IrTypeOf(conversion.Type);
        if (operand.Type.Equals(to) || conversion.Conversion.IsIdentity) return operand;
        // The conversion's own span, for diagnostics about it (NABLA0017, NABLA0019); the comment text stays the statement's.
        var saved = _b.Source;
        _b.Source = SourceOf(conversion.Syntax, statement: false) with { Text = saved.Text };
        var v = _b.Emit(Op.Convert, to, new List<Value> { operand });
        _b.Source = saved;
        v.Definition!.Checked = conversion.IsChecked;
        return v;
    }

    /// <summary>A user-defined arithmetic operator (not System.Numerics' vectors', not generic math's): lowered as a call of its method.</summary>
    private static bool IsUserOperator(IMethodSymbol? method) =>
        method is { MethodKind: MethodKind.UserDefinedOperator } && Symbols.OperatorToken(method) != null &&
        VectorDimension(method.ContainingType) == 0 && !IsGenericMath(method);

    /// <summary>The call of a user-defined operator on operands already lowered, converted to its parameters' types.</summary>
    private Value CallOperator(IMethodSymbol method, IReadOnlyList<Value> operands, SyntaxNode syntax)
    {
        var args = operands.Select((v, k) => new Argument(Coerce(v, Symbols.IrTypeOf(method.Parameters[k].Type)))).ToList();
        return CallAt(syntax, _resolver.Resolve(method), null, args, Symbols.IrTypeOf(method.ReturnType)).Result!;
    }

    /// <summary>A call located at <paramref name="syntax"/> (its own span, for diagnostics), the comment text the statement's.</summary>
    private Instr CallAt(SyntaxNode syntax, Callee callee, Value? receiver, List<Argument> args, IrType resultType)
    {
        var saved = _b.Source;
        _b.Source = SourceOf(syntax, statement: false) with { Text = saved.Text };
        var call = _b.Call(callee, receiver, args, resultType);
        _b.Source = saved;
        return call;
    }

    private Value LowerBinary(IBinaryOperation binary)
    {
        if (IsUserOperator(binary.OperatorMethod))
            return CallOperator(binary.OperatorMethod!, new[] { LowerExpression(binary.LeftOperand), LowerExpression(binary.RightOperand) }, binary.Syntax);
        if (binary.OperatorMethod != null && VectorDimension(binary.OperatorMethod.ContainingType) > 0 &&
            binary.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide)
            return VectorArithmetic(binary.OperatorKind, LowerExpression(binary.LeftOperand), LowerExpression(binary.RightOperand), Symbols.IrTypeOf(binary.Type), binary.Syntax);
        var left = LowerExpression(binary.LeftOperand);
        var right = LowerExpression(binary.RightOperand);
        BinaryOp op = binary.OperatorKind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Sub,
            BinaryOperatorKind.Multiply => BinaryOp.Mul,
            BinaryOperatorKind.Divide => BinaryOp.Div,
            BinaryOperatorKind.Remainder => BinaryOp.Rem,
            BinaryOperatorKind.Equals => BinaryOp.Eq,
            BinaryOperatorKind.NotEquals => BinaryOp.Ne,
            BinaryOperatorKind.LessThan => BinaryOp.Lt,
            BinaryOperatorKind.LessThanOrEqual => BinaryOp.Le,
            BinaryOperatorKind.GreaterThan => BinaryOp.Gt,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOp.Ge,
            BinaryOperatorKind.And => BinaryOp.And,
            BinaryOperatorKind.Or => BinaryOp.Or,
            BinaryOperatorKind.ExclusiveOr => BinaryOp.Xor,
            BinaryOperatorKind.LeftShift => BinaryOp.Shl,
            BinaryOperatorKind.RightShift => BinaryOp.Shr,
            BinaryOperatorKind.ConditionalAnd => BinaryOp.ConditionalAnd,
            BinaryOperatorKind.ConditionalOr => BinaryOp.ConditionalOr,
            _ => Fail<BinaryOp>(binary.Syntax, "the operator " + binary.OperatorKind),
        };
        if (binary.OperatorMethod != null && Symbols.IrTypeOf(binary.Type).IsReal && !IsGenericMath(binary.OperatorMethod))
            Unsupported(binary.Syntax, "a user-defined operator with a real result", ".");
        var v = _b.Binary(op, left, right, Symbols.IrTypeOf(binary.Type));
        v.Definition!.Checked = binary.IsChecked;
        return v;
    }

    private Value LowerUnary(IUnaryOperation unary)
    {
        var operand = LowerExpression(unary.Operand);
        if (IsUserOperator(unary.OperatorMethod))
            return CallOperator(unary.OperatorMethod!, new[] { operand }, unary.Syntax);
        if (operand.Type.IsStruct && unary.OperatorKind is UnaryOperatorKind.Minus or UnaryOperatorKind.Plus)
            return unary.OperatorKind == UnaryOperatorKind.Plus ? operand
                : MakeStruct(operand.Type, operand.Type.Leaves.Select(l => _b.Unary(UnaryOp.Neg, Extract(operand, l.Path))).ToList());
        UnaryOp op = unary.OperatorKind switch
        {
            UnaryOperatorKind.Minus => UnaryOp.Neg,
            UnaryOperatorKind.Plus => UnaryOp.Plus,
            UnaryOperatorKind.Not => UnaryOp.Not,
            UnaryOperatorKind.BitwiseNegation => UnaryOp.BitNot,
            _ => Fail<UnaryOp>(unary.Syntax, "the operator " + unary.OperatorKind),
        };
        var i = _b.EmitInstr(Op.Unary, Symbols.IrTypeOf(unary.Type), new List<Value> { operand });
        i.UnaryOp = op;
        i.Checked = unary.IsChecked;
        return i.Result!;
    }

    private const string HiddenMemberAccessorPrefix = "NablaGet_";

    /// <summary><c>T.NablaGet_m(x)</c>, the accessor a [Differentiable] type's generated part declares for its private member m.</summary>
    private static bool IsHiddenMemberAccessor(IMethodSymbol method) =>
        method.IsStatic && method.Parameters.Length == 1 && method.Name.StartsWith(HiddenMemberAccessorPrefix, System.StringComparison.Ordinal) &&
        SymbolEqualityComparer.Default.Equals(method.Parameters[0].Type, method.ContainingType) &&
        Symbols.HasAttribute(method.ContainingType.OriginalDefinition, Symbols.DifferentiableAttribute);

    private Value LowerInvocation(IInvocationOperation invocation, bool valueUsed)
    {
        var method = Symbols.Closed(invocation.TargetMethod);
        // The rule's body is written again in its split form, where no interceptor binds an operator to a lambda's derivatives.
        if (InRule && method.ContainingType.ToDisplayString() is Symbols.AutodiffClass or "Nabla.GradCheck" &&
            invocation.Arguments.Any(a => a.Value is IDelegateCreationOperation { Target: IFlowAnonymousFunctionOperation or IAnonymousFunctionOperation }))
            RuleShapeError(invocation.Syntax, $"it calls Autodiff.{method.Name} on a lambda, whose derivatives are bound where it is written, and the rule's body is " +
                "compiled again in its split form: pass a [Differentiable] method (a method group), or write the derivative out");
        if (TryLowerArrayLinq(invocation, method, out var linqResult))
            return linqResult;
        if (VectorDimension(method.ContainingType) > 0 && TryLowerVectorMethod(invocation, out var vectorResult))
            return vectorResult;
        if (IsGenericMath(method) && Symbols.IrTypeOf(method.ReturnType).IsReal)
            return LowerGenericMathCall(invocation);
        if (method.MethodKind == MethodKind.LocalFunction && !(method.IsStatic && Symbols.IsDifferentiable(method)))
            return LowerLocalFunctionCall(invocation);
        if (method.MethodKind == MethodKind.DelegateInvoke)
            return LowerDelegateCall(invocation);
        if (TryLowerSlice(invocation, out var slice))
            return slice;
        if (method.IsStatic && method.Name == "NablaConstruct" && method.ContainingType.TypeKind == Microsoft.CodeAnalysis.TypeKind.Struct &&
            Symbols.HasAttribute(method.ContainingType.OriginalDefinition, Symbols.DifferentiableAttribute) &&
            Symbols.IrTypeOf(method.ContainingType) is { IsStruct: true, IsReference: false } built && built.Fields.Count == invocation.Arguments.Length)
        {
            // Derivative code Nabla wrote rebuilding a struct from its members: the struct made from their leaves.
            return FromMembers(built, invocation.Arguments.Select(a => a.Value).ToList());
        }
        if (IsHiddenMemberAccessor(method))
        {
            // Derivative code Nabla wrote (a nested derivative) reading a private member: the member read it stands for.
            var read = _b.EmitInstr(Op.Member, Symbols.IrTypeOf(method.ReturnType), new List<Value> { LowerExpression(invocation.Arguments[0].Value) });
            read.Text = Symbols.Identifier(method.Name.Substring(HiddenMemberAccessorPrefix.Length));
            return read.Result!;
        }
        if (!InRule && ArrayWriters.Match(invocation) is { } writer)
        {
            // Array.Fill, Array.Copy, ... on arrays of reals: a loop written in IR, inlined in the call's place.
            var writerArgs = writer.Operands.Select(o => new Argument(LowerExpression(o))).ToList();
            return CallAt(invocation.Syntax, _resolver.Resolve(method) with
            {
                InlineId = writer.Id, CalleeWrt = Enumerable.Range(0, writerArgs.Count).ToList(), NoDerivativeParameters = new List<int>(),
            }, null, writerArgs, IrType.Void).Result!;
        }
        var callee = _resolver.Resolve(method);
        // base.M(x): the method itself, not the overrides a virtual call would dispatch to (one of them is the caller).
        if (!invocation.IsVirtual && callee.Overrides != null)
            callee = callee with { Overrides = null, IsAbstractMethod = false };
        Value? receiver = null;
        if (invocation.Instance != null && !method.IsStatic)
            receiver = LowerExpression(invocation.Instance);
        var args = LowerArguments(invocation.Arguments, method);
        if (callee.ReceiverAsArgument && receiver != null)
        {
            // A differentiable struct's instance method: the receiver is the derivatives' first input.
            args.Insert(0, ReceiverArgument(receiver, method));
            receiver = null;
        }
        var resultType = callee.ReturnsNewSelf && args.Count > 0 ? args[0].Value!.Type : Symbols.IrTypeOf(method.ReturnType);
        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
            Unsupported(invocation.Syntax, "a call that returns by reference", ".");
        if (callee.IsStopGradient)
        {
            var v = _b.Emit(Op.StopGradient, resultType, new List<Value> { args[0].Value! });
            return v;
        }
        var call = CallAt(invocation.Syntax, callee, receiver, args, resultType);
        if (callee.ReturnsNewSelf && invocation.Instance != null)
        {
            // s.Step(dt) changes s: the call returned its new value.
            var changed = call.Result!;
            if (!changed.Type.Equals(Symbols.IrTypeOf(invocation.Instance.Type)))
                Unsupported(invocation.Syntax, "calling a method that changes 'this' on a value of a derived type", ".");
            Assign(invocation.Instance, changed);
        }
        // Locals passed by out/ref take the values the call wrote.
        foreach (var (arg, target) in _pendingOutWrites)
            AssignFromVar(arg, target);
        _pendingOutWrites.Clear();
        return call.Result!;
    }

    private readonly List<(Var Var, Place Target)> _pendingOutWrites = new();

    private List<Argument> LowerArguments(IEnumerable<IArgumentOperation> arguments, IMethodSymbol method)
    {
        var lowered = new Argument?[method.Parameters.Length];
        foreach (var arg in arguments)
        {
            if (arg.ArgumentKind == ArgumentKind.ParamArray || arg.Parameter is null)
                Unsupported(arg.Syntax, "a params argument", ".");
            int ordinal = arg.Parameter!.Ordinal;
            switch (arg.Parameter.RefKind)
            {
                case RefKind.Out:
                case RefKind.Ref:
                {
                    var type = Symbols.IrTypeOf(arg.Parameter.Type);
                    if (type.IsArray)
                        Unsupported(arg.Syntax, "passing an array by ref or out", ".");
                    var temp = _f.NewLocal("tmp" + _f.Locals.Count, type);
                    // Copied in and out: a variable, or an array element (its array and indices evaluated once).
                    var target = arg.Value is IDeclarationExpressionOperation declaration ? declaration.Expression : arg.Value;
                    var place = target is IDiscardOperation ? new Place { Target = target } : EvaluatePlace(target);
                    if (arg.Parameter.RefKind == RefKind.Ref)
                        _b.Store(temp, ReadPlace(place));
                    lowered[ordinal] = new Argument(null, arg.Parameter.RefKind == RefKind.Out ? RefKindIr.Out : RefKindIr.Ref, temp);
                    _pendingOutWrites.Add((temp, place));
                    break;
                }
                case RefKind.None or RefKind.In when arg.Parameter.Type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Delegate:
                {
                    // A function argument, located at itself: a delegate whose function is never known is reported there.
                    var saved = _b.Source;
                    _b.Source = SourceOf(arg.Value.Syntax, statement: false) with { Text = saved.Text };
                    lowered[ordinal] = new Argument(LowerExpression(arg.Value));
                    _b.Source = saved;
                    break;
                }
                default:
                    lowered[ordinal] = new Argument(LowerExpression(arg.Value));
                    break;
            }
        }
        return lowered.Select(a => a ?? Fail<Argument>(null, "a missing argument")).ToList();
    }

    private void AssignFromVar(Var v, Place target)
    {
        if (target.Target is IDiscardOperation) return;
        WritePlace(target, _b.Load(v));
    }

    private Value LowerMember(IOperation op, bool isStatic, IOperation? instance, string name, INamedTypeSymbol containing, ITypeSymbol? type)
    {
        var operands = new List<Value>();
        if (!isStatic && instance != null) operands.Add(LowerExpression(instance));
        var i = _b.EmitInstr(Op.Member, Symbols.IrTypeOf(type), operands);
        i.Text = isStatic ? Symbols.TypeName(containing) + "." + Symbols.Identifier(name) : Symbols.Identifier(name);
        return i.Result!;
    }

    /// <summary>An assignable place, evaluated once: a variable, or an array element with its array and indices.</summary>
    private sealed class Place
    {
        public IOperation Target = null!;
        public Value? Array;
        public List<Value>? Indices;
    }

    private Place EvaluatePlace(IOperation target)
    {
        if (TryElement(target, out var collection, out var indices))
            return new Place { Target = target, Array = LowerExpression(collection), Indices = indices.Select(i => LowerExpression(i)).ToList() };
        return new Place { Target = target };
    }

    private Value ReadPlace(Place place) =>
        place.Array != null ? _b.ArrayLoad(place.Array, place.Indices!) : LowerExpression(place.Target);

    private void WritePlace(Place place, Value value)
    {
        if (place.Array != null) _b.ArrayStore(place.Array, place.Indices!, Coerce(value, place.Array.Type.Element));
        else Assign(place.Target, value);
    }

    /// <summary>C# 14's instance operators (<c>void operator +=(double)</c>, <c>void operator ++()</c>) change their operand in place.</summary>
    private void RejectInstanceOperator(IMethodSymbol? op, SyntaxNode syntax)
    {
        if (op is { IsStatic: false })
            Unsupported(syntax, "a user-defined compound assignment or increment operator (C# 14's instance operator, in '" + syntax + "')", "; write it with a static operator (v = v + value), or call a [Differentiable] method that changes the value.");
    }

    private Value LowerCompoundAssignment(ICompoundAssignmentOperation compound)
    {
        RejectInstanceOperator(compound.OperatorMethod, compound.Syntax);
        var place = EvaluatePlace(compound.Target);
        var current = ReadPlace(place);
        var value = LowerExpression(compound.Value);
        var targetType = Symbols.IrTypeOf(compound.Target.Type);
        var opType = compound.InConversion.Exists && !compound.InConversion.IsIdentity ? value.Type : targetType;
        if (IsUserOperator(compound.OperatorMethod))
        {
            // v += w with a user-defined +: v = v + w, the call's result converted back to v's type.
            var called = Coerce(CallOperator(compound.OperatorMethod!, new[] { current, value }, compound.Syntax), targetType);
            WritePlace(place, called);
            return called;
        }
        if (compound.OperatorMethod != null && targetType.IsReal && !IsGenericMath(compound.OperatorMethod))
            Unsupported(compound.Syntax, "a user-defined operator with a real result", ".");
        if (compound.OperatorMethod != null && VectorDimension(compound.OperatorMethod.ContainingType) > 0)
        {
            var vector = VectorArithmetic(compound.OperatorKind, current, value, targetType, compound.Syntax);
            WritePlace(place, vector);
            return vector;
        }
        var left = Coerce(current, opType);
        var right = Coerce(value, opType);
        BinaryOp op = compound.OperatorKind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Sub,
            BinaryOperatorKind.Multiply => BinaryOp.Mul,
            BinaryOperatorKind.Divide => BinaryOp.Div,
            BinaryOperatorKind.Remainder => BinaryOp.Rem,
            BinaryOperatorKind.And => BinaryOp.And,
            BinaryOperatorKind.Or => BinaryOp.Or,
            BinaryOperatorKind.ExclusiveOr => BinaryOp.Xor,
            BinaryOperatorKind.LeftShift => BinaryOp.Shl,
            BinaryOperatorKind.RightShift => BinaryOp.Shr,
            _ => Fail<BinaryOp>(compound.Syntax, "the compound operator " + compound.OperatorKind),
        };
        var result = _b.Binary(op, left, right, opType, VariableNameOf(compound.Target));
        result = Coerce(result, targetType);
        WritePlace(place, result);
        return result;
    }

    private Value LowerIncrement(IIncrementOrDecrementOperation increment)
    {
        RejectInstanceOperator(increment.OperatorMethod, increment.Syntax);
        var place = EvaluatePlace(increment.Target);
        var current = ReadPlace(place);
        var type = current.Type;
        var one = _b.Const(type, type.IsReal ? IrBuilder.RealLiteral(type, 1) : "1");
        var updated = _b.Binary(increment.Kind == OperationKind.Increment ? BinaryOp.Add : BinaryOp.Sub, current, one, type, VariableNameOf(increment.Target));
        if (!type.IsReal && type.Kind == TypeKind.Integer && type.Name != "int" && type.Name != "long")
            updated = _b.Convert(updated, type);
        WritePlace(place, updated);
        return increment.IsPostfix ? current : updated;
    }

    private static string? VariableNameOf(IOperation target) => target switch
    {
        ILocalReferenceOperation l => l.Local.Name,
        IParameterReferenceOperation p => p.Parameter.Name,
        _ => null,
    };

    private void Assign(IOperation target, Value value)
    {
        if (target is IPropertyReferenceOperation { Property.SetMethod: { } setter, Instance: { } instance } && Symbols.IsDifferentiableSetter(setter))
        {
            // s.P = v through a [Differentiable] setter: a call returning the new receiver, stored back (as s.Step(dt)).
            var receiver = LowerExpression(instance);
            var callee = _resolver.Resolve(setter);
            var args = new List<Argument> { ReceiverArgument(receiver, setter), new(Coerce(value, Symbols.IrTypeOf(setter.Parameters[0].Type))) };
            var changed = CallAt(target.Syntax, callee, null, args, args[0].Value!.Type).Result!;
            Assign(instance, changed);
            return;
        }
        if (ThisRoot != null && !BuildsThis && (TryStructRoot(target, out var written, out _) || TryStructPlace(target, out written, out _, out _)) && written == ThisRoot)
            Unsupported(target.Syntax, "changing 'this' in a [Differentiable] struct method that returns a value",
                "; a void method may change 'this' (callers get the new value), or copy 'this' to a local and change that.");
        if (TryStructRoot(target, out var root, out _))
        {
            WriteStruct(root, "", value);
            return;
        }
        if (TryStructPlace(target, out var placeRoot, out var path, out var placeType))
        {
            if (placeType.IsStruct) WriteStruct(placeRoot, path + ".", value);
            else Write(new LeafKey(placeRoot, path), Coerce(value, placeType));
            return;
        }
        if (TryArrayElementMember(target, out var structElement, out var memberPath))
        {
            // ps[i].X = v: the element with that member replaced is stored back.
            var array = LowerExpression(structElement.ArrayReference);
            var indices = structElement.Indices.Select(i => LowerExpression(i)).ToList();
            var current = _b.ArrayLoad(array, indices);
            var type = current.Type;
            var leaves = new List<Value>();
            foreach (var leaf in type.Leaves)
            {
                if (leaf.Path == memberPath) leaves.Add(Coerce(value, leaf.Type));
                else if (leaf.Path.StartsWith(memberPath + ".", StringComparison.Ordinal)) leaves.Add(Extract(value, leaf.Path.Substring(memberPath.Length + 1)));
                else leaves.Add(Extract(current, leaf.Path));
            }
            _b.ArrayStore(array, indices, MakeStruct(type, leaves));
            return;
        }
        switch (target)
        {
            case ILocalReferenceOperation local:
                if (local.Local.RefKind != RefKind.None)
                    Unsupported(target.Syntax, "a ref local", ".");
                if ((value.Name is null || value.Definition?.Op == Op.Slice && value.Name.EndsWith("_slice", StringComparison.Ordinal)) &&
                    value.Definition != null && value.Definition.Op != Op.Const)
                    value.Name = local.Local.Name;
                Write(local.Local, Coerce(value, Symbols.IrTypeOf(local.Local.Type)));
                return;
            case IParameterReferenceOperation parameter:
                if (parameter.Parameter.RefKind == RefKind.In)
                    Unsupported(target.Syntax, "writing an in parameter", ".");
                if (value.Name is null && value.Definition != null && value.Definition.Op != Op.Const) value.Name = parameter.Parameter.Name;
                Write(parameter.Parameter, Coerce(value, Symbols.IrTypeOf(parameter.Parameter.Type)));
                return;
            case IDiscardOperation:
                return;
            case IFlowCaptureReferenceOperation reference when _capturedElements.TryGetValue(reference.Id, out var element):
            {
                var array = Read(element.Array, element.ArrayType);
                _b.ArrayStore(array, element.Indices.Select(k => Read(k, _variableTypes[k])).ToList(), Coerce(value, array.Type.Element));
                return;
            }
            case IFlowCaptureReferenceOperation reference when _capturedPlaces.TryGetValue(reference.Id, out var place):
                Assign(place, value);
                return;
            case IFieldReferenceOperation { Field.IsStatic: true }:
            case IPropertyReferenceOperation { Property.IsStatic: true }:
                // Not planned: a value kept past the call in static state would leave its derivative behind.
                Unsupported(target.Syntax, "writing a static field or property", "; it would keep a value past the call without its derivative: return the value, or write it into an array parameter.");
                return;
            case IMemberReferenceOperation { Instance: IFlowCaptureReferenceOperation capturedObject } member when target.Syntax.Parent is AssignmentExpressionSyntax
                { Parent: InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ObjectInitializerExpression } } &&
                member is IFieldReferenceOperation or IPropertyReferenceOperation { Arguments.Length: 0 }:
            {
                if (!_pendingByCapture.TryGetValue(capturedObject.Id, out var made) || !_pendingInitializers.TryGetValue(made, out var pending))
                {
                    Unsupported(target.Syntax, "this object initializer", "; set members of a [Differentiable] struct, or of a data object made here.");
                    return;
                }
                // One more member of a data object's initializer: the creation moves here, after the value it is given.
                pending.Block.Instrs.Remove(pending.Creation);
                pending.Creation.Operands.Add(Coerce(value, Symbols.IrTypeOf(member.Type)));
                pending.Creation.InitializedMembers!.Add(Symbols.Identifier(member.Member.Name));
                _b.Block.Instrs.Add(pending.Creation);
                _pendingInitializers[made] = (pending.Creation, _b.Block);
                return;
            }
            case IFieldReferenceOperation or IPropertyReferenceOperation when target.Syntax.Parent is AssignmentExpressionSyntax
                { Parent: InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ObjectInitializerExpression } }:
                Unsupported(target.Syntax, "this object initializer",
                    "; the initializer of a data object may set members to plain expressions: compute a value that needs ?:, ??, && or || into a local first, or set members of a [Differentiable] struct.");
                return;
            case IFieldReferenceOperation:
            case IPropertyReferenceOperation:
                Unsupported(target.Syntax, "writing a field or property of this object",
                    "; members of a local, parameter or nested member of a differentiable struct (or Vector2/3/4) can be written, members of classes and array elements not yet.");
                return;
            default:
                Unsupported(target.Syntax, "assigning to " + target.Kind, ".");
                return;
        }
    }

    private Value LowerArrayCreation(IArrayCreationOperation creation)
    {
        var type = Symbols.IrTypeOf(creation.Type);
        var lengths = creation.DimensionSizes.Select(d => LowerExpression(d)).ToList();
        var array = _b.NewArray(type, lengths);
        if (creation.Initializer != null)
            StoreInitializer(array, creation.Initializer, new List<Value>());
        return array;
    }

    /// <summary>A collection expression for an array (<c>double[] v = [x, y];</c>): the array of its elements, as <c>new[] { x, y }</c>.</summary>
    private Value LowerCollectionExpression(ICollectionExpressionOperation collection)
    {
        if (collection.Elements.FirstOrDefault(e => e is ISpreadOperation) is { } spread)
            Unsupported(spread.Syntax, "a spread (..) in a collection expression", "; write the elements, or copy the arrays with a loop into a new array.");
        var type = Symbols.IrTypeOf(collection.Type);
        var array = _b.NewArray(type, new List<Value> { _b.Const(IrType.Int32, collection.Elements.Length.ToString(CultureInfo.InvariantCulture)) });
        for (int k = 0; k < collection.Elements.Length; k++)
            _b.ArrayStore(array, new List<Value> { _b.Const(IrType.Int32, k.ToString(CultureInfo.InvariantCulture)) },
                Coerce(LowerExpression(collection.Elements[k]), array.Type.Element));
        return array;
    }

    private void StoreInitializer(Value array, IArrayInitializerOperation initializer, List<Value> prefix)
    {
        for (int k = 0; k < initializer.ElementValues.Length; k++)
        {
            var indices = new List<Value>(prefix) { _b.Const(IrType.Int32, k.ToString(CultureInfo.InvariantCulture)) };
            if (initializer.ElementValues[k] is IArrayInitializerOperation nested)
                StoreInitializer(array, nested, indices);
            else
                _b.ArrayStore(array, indices, Coerce(LowerExpression(initializer.ElementValues[k]), array.Type.Element));
        }
    }

    /// <summary>Lowers a pattern test of <paramref name="value"/> to comparisons (a bool value).</summary>
    private Value LowerPattern(Value value, IPatternOperation pattern)
    {
        switch (pattern)
        {
            case IConstantPatternOperation constant:
                return _b.Binary(BinaryOp.Eq, value, Coerce(LowerExpression(constant.Value), value.Type), IrType.Bool);
            case IRelationalPatternOperation relational:
            {
                BinaryOp op = relational.OperatorKind switch
                {
                    BinaryOperatorKind.LessThan => BinaryOp.Lt,
                    BinaryOperatorKind.LessThanOrEqual => BinaryOp.Le,
                    BinaryOperatorKind.GreaterThan => BinaryOp.Gt,
                    BinaryOperatorKind.GreaterThanOrEqual => BinaryOp.Ge,
                    BinaryOperatorKind.Equals => BinaryOp.Eq,
                    _ => BinaryOp.Ne,
                };
                return _b.Binary(op, value, Coerce(LowerExpression(relational.Value), value.Type), IrType.Bool);
            }
            case IDiscardPatternOperation:
                return _b.Const(IrType.Bool, "true");
            case INegatedPatternOperation negated:
                return _b.Unary(UnaryOp.Not, LowerPattern(value, negated.Pattern));
            case IBinaryPatternOperation binary:
            {
                var left = LowerPattern(value, binary.LeftPattern);
                var right = LowerPattern(value, binary.RightPattern);
                return _b.Binary(binary.OperatorKind == BinaryOperatorKind.And ? BinaryOp.And : BinaryOp.Or, left, right, IrType.Bool);
            }
            case IDeclarationPatternOperation declaration
                when declaration.MatchedType is null || SymbolEqualityComparer.Default.Equals(declaration.MatchedType, declaration.InputType):
                if (declaration.DeclaredSymbol is ILocalSymbol local) Write(local, value);
                return _b.Const(IrType.Bool, "true");
        }
        Unsupported(pattern.Syntax, "this pattern", "; constant, relational, and/or/not, discard and var patterns are supported.");
        return null!;
    }

    // ---------------------------------------------------------------- arrays and spans

    /// <summary>An element of an array (<c>a[i, j]</c>) or of a span (<c>s[i]</c>, whose indexer returns a reference to it).</summary>
    private static bool TryElement(IOperation op, out IOperation collection, out IReadOnlyList<IOperation> indices)
    {
        switch (op)
        {
            case IArrayElementReferenceOperation element:
                collection = element.ArrayReference;
                indices = element.Indices;
                return true;
            case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer
                when Symbols.IsSpanType(instance.Type, out _) && indexer.Arguments[0].Value.Type?.SpecialType == SpecialType.System_Int32:
                collection = instance;
                indices = new[] { indexer.Arguments[0].Value };
                return true;
            default:
                collection = null!;
                indices = null!;
                return false;
        }
    }

    /// <summary>The <c>Length</c> of an array or a span.</summary>
    private Value LengthOf(Value array)
    {
        var length = _b.EmitInstr(Op.Member, IrType.Int32, new List<Value> { array });
        length.Text = "Length";
        return length.Result!;
    }

    /// <summary>
    /// <c>array.AsSpan(…)</c> and <c>span.Slice(…)</c>: a view of part of the memory, lowered to <see cref="Op.Slice"/> so that
    /// its shadow is the same part of the shadow. False for other calls.
    /// </summary>
    private bool TryLowerSlice(IInvocationOperation invocation, out Value result)
    {
        result = null!;
        var method = invocation.TargetMethod;
        var resultType = Symbols.IrTypeOf(method.ReturnType);
        if (!resultType.IsSpan) return false;
        var args = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => a.Value).ToList();
        IOperation source;
        List<IOperation> bounds;
        if (method.Name == "AsSpan" && method.IsStatic && method.ContainingType?.ToDisplayString() == "System.MemoryExtensions" &&
            method.Parameters.Length >= 1 && method.Parameters[0].Type is IArrayTypeSymbol { Rank: 1 })
        {
            source = args[0];
            bounds = args.Skip(1).ToList();
        }
        else if (method.Name == "Slice" && !method.IsStatic && invocation.Instance != null && Symbols.IsSpanType(method.ContainingType, out _))
        {
            source = invocation.Instance;
            bounds = args;
        }
        else
        {
            return false;
        }
        if (bounds.Any(b => b.Type?.SpecialType != SpecialType.System_Int32))
            Unsupported(invocation.Syntax, "this " + method.Name + " (with an Index or a Range)", "; pass the start (and length) as int.");
        result = SliceOf(LowerExpression(source), resultType, bounds.Select(b => LowerExpression(b)).ToList());
        return true;
    }

    /// <summary>A view of <paramref name="source"/>: all of it, from a start to its end, or a start and a length.</summary>
    private Value SliceOf(Value source, IrType spanType, List<Value> bounds)
    {
        switch (bounds.Count)
        {
            case 0:
                return _b.Slice(source, spanType, name: SliceName(source));
            case 1:
                return _b.Slice(source, spanType, bounds[0], _b.Binary(BinaryOp.Sub, LengthOf(source), bounds[0], IrType.Int32), SliceName(source));
            default:
                return _b.Slice(source, spanType, bounds[0], bounds[1], SliceName(source));
        }
    }

    /// <summary>A name for a view of a named array or span (<c>x_slice</c>, its shadow <c>dx_slice</c>); a local it is assigned to names it instead.</summary>
    private static string? SliceName(Value source) => source.Name is { } name ? name.TrimStart('@') + "_slice" : null;

    /// <summary><c>new Span&lt;T&gt;(array)</c> and <c>new Span&lt;T&gt;(array, start, length)</c>: a view of the array (<c>new Span&lt;T&gt;()</c> is empty).</summary>
    private Value LowerSpanCreation(IObjectCreationOperation creation)
    {
        var type = Symbols.IrTypeOf(creation.Type);
        var ctor = creation.Constructor;
        // new Span<T>(): the empty span.
        if (creation.Arguments.Length == 0 && creation.Initializer is null)
            return _b.Const(type, "default(" + type.Name + ")");
        if (ctor is null || ctor.Parameters.Length is not (1 or 3) || ctor.Parameters[0].Type is not IArrayTypeSymbol ||
            ctor.Parameters.Skip(1).Any(p => p.Type.SpecialType != SpecialType.System_Int32) || creation.Initializer != null)
        {
            Unsupported(creation.Syntax, "this span constructor", "; make the span from an array: array.AsSpan(start, length), or new Span<T>(array, start, length).");
            return null!;
        }
        var args = creation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => LowerExpression(a.Value)).ToList();
        return SliceOf(args[0], type, args.Skip(1).ToList());
    }

    /// <summary>
    /// <c>stackalloc T[n]</c> (with or without an initializer): scratch memory of n elements. The derivatives allocate
    /// it as an array (spans made from it then live as long as the residuals that may hold them); the original method
    /// keeps its stackalloc.
    /// </summary>
    private Value LowerStackAlloc(IOperation op)
    {
        var type = Symbols.IrTypeOf(op.Type);
        var children = op.ChildOperations.ToList();
        if (!type.IsSpan || children.Count == 0)
        {
            Unsupported(op.Syntax, "this stackalloc", "; write stackalloc T[n] into a Span<T>.");
            return null!;
        }
        // The length first, then the initializer's elements.
        var length = LowerExpression(children[0]);
        var array = _b.NewArray(IrType.ArrayOf(type.Element), new[] { length }, "scratch");
        for (int k = 1; k < children.Count; k++)
            _b.ArrayStore(array, new[] { _b.Const(IrType.Int32, (k - 1).ToString(CultureInfo.InvariantCulture)) }, Coerce(LowerExpression(children[k]), type.Element));
        return _b.Slice(array, type);
    }

    /// <summary><c>s[^k]</c> (the element k from the end) and <c>s[a..b]</c> (a slice) of a span.</summary>
    private Value LowerSpanIndexFromEndOrRange(IImplicitIndexerReferenceOperation indexer)
    {
        var span = LowerExpression(indexer.Instance);
        Value Position(IOperation index) => SpanPosition(span, index);
        if (indexer.Argument is IRangeOperation range)
        {
            var start = range.LeftOperand is null ? _b.Const(IrType.Int32, "0") : Position(range.LeftOperand);
            var end = range.RightOperand is null ? LengthOf(span) : Position(range.RightOperand);
            return _b.Slice(span, Symbols.IrTypeOf(indexer.Type), start, _b.Binary(BinaryOp.Sub, end, start, IrType.Int32), SliceName(span));
        }
        if (indexer.Argument.Type?.Name == "Index")
            return _b.ArrayLoad(span, new[] { Position(indexer.Argument) });
        Unsupported(indexer.Syntax, "this indexer", ".");
        return null!;
    }

    /// <summary>The position an <c>int</c> or <c>^k</c> index names in a span.</summary>
    private Value SpanPosition(Value span, IOperation index)
    {
        while (index is IConversionOperation { Operand.Type.SpecialType: SpecialType.System_Int32 } c && c.Type?.Name == "Index") index = c.Operand;
        if (index.Type?.SpecialType == SpecialType.System_Int32) return LowerExpression(index);
        if (index is IUnaryOperation { OperatorKind: UnaryOperatorKind.Hat } hat && hat.Operand.Type?.SpecialType == SpecialType.System_Int32)
            return _b.Binary(BinaryOp.Sub, LengthOf(span), LowerExpression(hat.Operand), IrType.Int32);
        Unsupported(index.Syntax, "this index", "; write it as an int, or ^k.");
        return null!;
    }

    // ---------------------------------------------------------------- structs, member by member

    /// <summary>A leaf of a struct variable: the variable (local, parameter, capture, this) and the member path.</summary>
    private sealed record LeafKey(object Root, string Path);

    /// <summary>The variable that <c>this</c> is in an instance method of a struct lowered member by member.</summary>
    public object? ThisRoot { get; set; }

    /// <summary>A constructor: it writes <c>this</c>, and its result is <c>this</c> at the return.</summary>
    public bool BuildsThis { get; set; }

    /// <summary>The leaves of <c>this</c> where a constructor returns.</summary>
    private List<Value> ThisLeaves() => _f.ReturnType.Leaves.Select(l => Read(new LeafKey(ThisRoot!, l.Path), l.Type)).ToList();

    /// <summary>A local, parameter, struct capture or <c>this</c> whose value is a struct kept leaf by leaf.</summary>
    private bool TryStructRoot(IOperation op, out object root, out IrType type)
    {
        root = null!;
        type = Symbols.IrTypeOf(op.Type);
        // A class is a reference: its members are read where the code reads them.
        if (!type.IsStruct || type.IsReference) return false;
        switch (op)
        {
            case ILocalReferenceOperation local when local.Local.RefKind == RefKind.None:
                root = local.Local;
                break;
            case IParameterReferenceOperation parameter when parameter.Parameter.RefKind is RefKind.None or RefKind.In:
                root = parameter.Parameter;
                break;
            case IFlowCaptureReferenceOperation capture when _structCaptures.TryGetValue(capture.Id, out var captured):
                root = captured;
                break;
            case IInstanceReferenceOperation when ThisRoot != null:
                root = ThisRoot;
                break;
            default:
                return false;
        }
        _variableTypes[root] = type;
        return true;
    }

    /// <summary>
    /// The receiver as the first argument of a differentiable type's method: a subclass's object converted to the
    /// declaring class, whose tangent is the part of the subclass's that it declares.
    /// </summary>
    private Argument ReceiverArgument(Value receiver, IMethodSymbol method)
    {
        var selfType = Symbols.IrTypeOf(method.ContainingType);
        return new Argument(receiver.Type.Equals(selfType) ? receiver : _b.Convert(receiver, selfType));
    }

    /// <summary>A field's name as a member of a lowered struct: a tuple element by its ItemN field (t.x is t.Item1).</summary>
    private static string MemberName(IFieldSymbol field) => field.CorrespondingTupleField?.Name ?? field.Name;

    /// <summary>
    /// (a, b) = value, var (a, b) = value, foreach (var (a, b) in data): each target takes its element.
    /// </summary>
    private Value LowerDeconstruction(IDeconstructionAssignmentOperation deconstruction)
    {
        var value = LowerExpression(deconstruction.Value);
        var target = deconstruction.Target is IDeclarationExpressionOperation declaration ? declaration.Expression : deconstruction.Target;
        Deconstruct(target, value, deconstruction.Syntax);
        return value;
    }

    private void Deconstruct(IOperation target, Value value, SyntaxNode syntax)
    {
        if (target is IDeclarationExpressionOperation declaration) target = declaration.Expression;
        if (target is not ITupleOperation tuple)
        {
            Assign(target, value);
            return;
        }
        for (int k = 0; k < tuple.Elements.Length; k++)
        {
            Value element = value.Type.IsStruct ? Extract(value, "Item" + (k + 1))
                : value.Type.Kind == TypeKind.Tuple ? _b.TupleGet(value, k)
                : Fail<Value>(syntax, "deconstructing this value");
            Deconstruct(tuple.Elements[k], element, syntax);
        }
    }

    /// <summary>A member (through nested members) of an element of an array of structs: <c>ps[i].Velocity.X</c>.</summary>
    private static bool TryArrayElementMember(IOperation op, out IArrayElementReferenceOperation element, out string path)
    {
        element = null!;
        path = "";
        var names = new List<string>();
        while (true)
        {
            switch (op)
            {
                case IFieldReferenceOperation { Field.IsStatic: false, Instance: { } instance } f:
                    names.Insert(0, Symbols.Identifier(MemberName(f.Field)));
                    op = instance;
                    continue;
                case IPropertyReferenceOperation { Property.IsStatic: false, Arguments.Length: 0, Instance: { } instance } p:
                    names.Insert(0, Symbols.Identifier(p.Property.Name));
                    op = instance;
                    continue;
                case IArrayElementReferenceOperation e when names.Count > 0 && Symbols.IrTypeOf(e.Type) is { IsStruct: true, IsReference: false } t &&
                                                            t.MemberType(string.Join(".", names)) != null:
                    element = e;
                    path = string.Join(".", names);
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>A member (through nested members) of a struct variable: its root and dotted path.</summary>
    private bool TryStructPlace(IOperation op, out object root, out string path, out IrType type)
    {
        root = null!;
        path = "";
        type = null!;
        string name;
        IOperation? instance;
        switch (op)
        {
            case IFieldReferenceOperation { Field.IsStatic: false } f:
                name = MemberName(f.Field);
                instance = f.Instance;
                break;
            case IPropertyReferenceOperation { Property.IsStatic: false, Arguments.Length: 0 } p:
                name = p.Property.Name;
                instance = p.Instance;
                break;
            default:
                return false;
        }
        if (instance is null) return false;
        string prefix;
        IrType instanceType;
        if (TryStructRoot(instance, out root, out instanceType)) prefix = "";
        else if (TryStructPlace(instance, out root, out var inner, out instanceType) && instanceType.IsStruct) prefix = inner + ".";
        else return false;
        string identifier = Symbols.Identifier(name);
        var field = instanceType.Fields.FirstOrDefault(f => f.Name == identifier);
        if (field is null) return false;
        path = prefix + field.Name;
        type = field.Type;
        return true;
    }

    /// <summary>A struct (or tuple) lowered member by member, made from its members' values in order.</summary>
    private Value FromMembers(IrType type, IReadOnlyList<IOperation> members)
    {
        var leaves = new List<Value>();
        for (int k = 0; k < members.Count; k++)
        {
            var member = LowerExpression(members[k]);
            var field = type.Fields[k];
            if (field.Type.IsStruct) leaves.AddRange(field.Type.Leaves.Select(l => Extract(member, l.Path)));
            else leaves.Add(Coerce(member, field.Type));
        }
        return MakeStruct(type, leaves);
    }

    private Value MakeStruct(IrType type, List<Value> leaves) =>
        _b.Emit(Op.MakeStruct, type, leaves.Select((v, k) => Coerce(v, type.Leaves[k].Type)).ToList());

    /// <summary>A variable's whole value: a struct lowered member by member is rebuilt from its leaves.</summary>
    private Value ReadWhole(object variable, IrType type) =>
        type.IsStruct && !type.IsReference ? ReadStruct(variable, type, "") : Read(variable, type);

    /// <summary>The whole value of a struct variable (or of its nested member at <paramref name="prefix"/>).</summary>
    private Value ReadStruct(object root, IrType type, string prefix) =>
        MakeStruct(type, type.Leaves.Select(l => Read(new LeafKey(root, prefix + l.Path), l.Type)).ToList());

    /// <summary>Writes a struct value into the leaves of a variable (or of its nested member at <paramref name="prefix"/>).</summary>
    private void WriteStruct(object root, string prefix, Value value)
    {
        foreach (var leaf in value.Type.Leaves)
            Write(new LeafKey(root, prefix + leaf.Path), Extract(value, leaf.Path));
    }

    /// <summary>The member of a struct value at a path: an operand of the instruction that built it, or a member read.</summary>
    private Value Extract(Value value, string path)
    {
        var type = value.Type.MemberType(path) ?? throw new InvalidOperationException("no member " + path + " in " + value.Type);
        if (value.Definition is { Op: Op.MakeStruct } make)
        {
            int k = value.Type.LeafIndex(path);
            if (k >= 0) return make.Operands[k];
            return MakeStruct(type, type.Leaves.Select(l => make.Operands[value.Type.LeafIndex(path + "." + l.Path)]).ToList());
        }
        return _b.Member(value, path, type);
    }

    /// <summary><c>e.M</c> on a struct value that is not a variable (a call's result, an array element).</summary>
    private Value ExtractMember(IOperation instance, string name, IOperation op)
    {
        var type = Symbols.IrTypeOf(instance.Type);
        string identifier = Symbols.Identifier(name);
        if (!type.Fields.Any(f => f.Name == identifier))
        {
            // A computed property: its body is not lowered, so a derivative through it would be lost.
            if (Symbols.IrTypeOf(op.Type).IsDifferentiable)
                Unsupported(op.Syntax, "the computed property '" + name + "' of " + instance.Type!.Name,
                    "; mark the property [Differentiable] (its getter is then differentiated), or compute it in a [Differentiable] method.");
            return LowerMember(op, false, instance, name, (INamedTypeSymbol)instance.Type!, op.Type);
        }
        return Extract(LowerExpression(instance), identifier);
    }

    /// <summary><c>new T(...)</c> and <c>new T { ... }</c> of a struct lowered member by member.</summary>
    private Value LowerStructCreation(IObjectCreationOperation creation)
    {
        var type = Symbols.IrTypeOf(creation.Type);
        var ctor = creation.Constructor;
        var args = creation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => a.Value).ToList();
        Value result;
        if (ctor is null || (args.Count == 0 && ctor.IsImplicitlyDeclared && !HasMemberInitializers(creation.Type!)))
        {
            result = MakeStruct(type, type.Leaves.Select(l => _b.Zero(l.Type)).ToList());
        }
        else if (VectorDimension(creation.Type) > 0)
        {
            // Vector2/3/4 constructors: the components in order, a vector's components first, or one value for all.
            var leaves = new List<Value>();
            foreach (var a in args)
            {
                var v = LowerExpression(a);
                if (v.Type.IsStruct) leaves.AddRange(v.Type.Leaves.Select(l => Extract(v, l.Path)));
                else leaves.Add(v);
            }
            if (leaves.Count == 1) leaves = Enumerable.Repeat(leaves[0], type.Leaves.Count).ToList();
            if (leaves.Count != type.Leaves.Count)
                Unsupported(creation.Syntax, "this Vector constructor", "; use the one taking each component.");
            result = MakeStruct(type, leaves);
        }
        else if (Symbols.IsDifferentiable(ctor))
        {
            // A [Differentiable] constructor: a call of its static-form derivatives.
            var ctorArgs = LowerArguments(creation.Arguments, ctor);
            var saved = _b.Source;
            _b.Source = SourceOf(creation.Syntax, statement: false) with { Text = saved.Text };
            result = _b.Call(_resolver.Resolve(ctor), null, ctorArgs, type).Result!;
            _b.Source = saved;
        }
        else if (IsPositionalRecordConstructor(ctor, out var names) || IsMemberwiseConstructor(ctor, out names))
        {
            // Each member the parameter of its name (a record's) or the one the constructor assigns to it; others zero.
            var values = args.Select(a => LowerExpression(a)).ToList();
            var leaves = new List<Value>();
            foreach (var field in type.Fields)
            {
                int k = names.IndexOf(field.Name);
                var value = k >= 0 ? values[k] : null;
                if (field.Type.IsStruct)
                {
                    var v = value ?? MakeStruct(field.Type, field.Type.Leaves.Select(l => _b.Zero(l.Type)).ToList());
                    leaves.AddRange(field.Type.Leaves.Select(l => Extract(v, l.Path)));
                }
                else
                {
                    leaves.Add(value is null ? _b.Zero(field.Type) : Coerce(value, field.Type));
                }
            }
            result = MakeStruct(type, leaves);
        }
        else if (ctor.Parameters.All(p => Pipeline.TangentShapes.IsData(p.Type)))
        {
            // A constructor of data alone (none, or counts and flags): its value depends on no differentiable input, so it
            // is called as written and its members start with no derivative.
            var ctorArgs = LowerArguments(creation.Arguments, ctor);
            result = CallAt(creation.Syntax, _resolver.Resolve(ctor), null, ctorArgs, type).Result!;
        }
        else
        {
            Unsupported(creation.Syntax, "a call of a constructor of the differentiable struct " + creation.Type!.Name,
                "; mark the constructor [Differentiable], or build the value with an object initializer (new " + creation.Type.Name + " { A = a, ... }).");
            return null!;
        }
        if (creation.Initializer != null)
        {
            // Outside a control-flow graph's rewriting (an initializer kept on the creation): set members in order.
            var root = new object();
            _variableTypes[root] = type;
            WriteStruct(root, "", result);
            foreach (var init in creation.Initializer.Initializers)
            {
                if (init is not ISimpleAssignmentOperation { Target: IMemberReferenceOperation member } assignment)
                {
                    Unsupported(init.Syntax, "this initializer", ".");
                    return null!;
                }
                var identifier = Symbols.Identifier(member.Member.Name);
                var fieldType = type.MemberType(identifier)!;
                var value = LowerExpression(assignment.Value);
                if (fieldType.IsStruct) WriteStruct(root, identifier + ".", value);
                else Write(new LeafKey(root, identifier), Coerce(value, fieldType));
            }
            result = ReadStruct(root, type, "");
        }
        return result;
    }

    // ---------------------------------------------------------------- System.Numerics vectors

    /// <summary>
    /// Vector2/3/4 arithmetic, component by component: a vector operand gives its components, a float
    /// operand is used for every component. Derivatives then come from the scalar operations.
    /// </summary>
    private Value VectorArithmetic(BinaryOperatorKind kind, Value left, Value right, IrType result, SyntaxNode syntax)
    {
        BinaryOp op = kind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Sub,
            BinaryOperatorKind.Multiply => BinaryOp.Mul,
            BinaryOperatorKind.Divide => BinaryOp.Div,
            _ => Fail<BinaryOp>(syntax, "the vector operator " + kind),
        };
        if (!result.IsStruct) Unsupported(syntax, "this vector operator", ".");
        if (IsQuaternion(result) && left.Type.IsStruct && right.Type.IsStruct && op is BinaryOp.Mul or BinaryOp.Div)
        {
            if (op == BinaryOp.Div) Unsupported(syntax, "dividing quaternions", "; multiply by Quaternion.Inverse(q) instead.");
            return QuaternionProduct(left, right);
        }
        return MakeStruct(result, result.Fields.Select(f => _b.Binary(op, Component(left, f.Name), Component(right, f.Name), IrType.Single)).ToList());
    }

    private Value Component(Value v, string name) => v.Type.IsStruct ? Extract(v, name) : Coerce(v, IrType.Single);

    private Value Dot(Value a, Value b)
    {
        Value? sum = null;
        foreach (var f in a.Type.Fields)
        {
            var term = _b.Binary(BinaryOp.Mul, Extract(a, f.Name), Component(b, f.Name), IrType.Single);
            sum = sum is null ? term : _b.Binary(BinaryOp.Add, sum, term, IrType.Single);
        }
        return sum!;
    }

    private Value CallMathF(string name, params Value[] args)
    {
        var method = _resolver.Compilation.GetTypeByMetadataName("System.MathF")?.GetMembers(name).OfType<IMethodSymbol>()
            .FirstOrDefault(m => m.Parameters.Length == args.Length && m.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Single));
        if (method is null) Unsupported(null, "MathF." + name, ".");
        return _b.Call(_resolver.Resolve(method!), null, args.Select(a => new Argument(Coerce(a, IrType.Single))).ToList(), IrType.Single).Result!;
    }

    private Value Componentwise(IrType type, Func<string, Value> component) =>
        MakeStruct(type, type.Fields.Select(f => component(f.Name)).ToList());

    /// <summary>
    /// The System.Numerics vector methods written out over components (Dot, Cross, Length, Normalize, Lerp, ...);
    /// false for the others, which then need a rule like any call.
    /// </summary>
    private bool TryLowerVectorMethod(IInvocationOperation invocation, out Value result)
    {
        result = null!;
        var method = invocation.TargetMethod;
        var type = Symbols.IrTypeOf(method.ContainingType);
        if (!type.IsStruct) return false;
        var parameters = method.Parameters;
        if (parameters.Any(p => p.RefKind != RefKind.None && p.RefKind != RefKind.In)) return false;
        if (!method.IsStatic && (method.Name is not ("Length" or "LengthSquared") || invocation.Instance is null)) return false;
        if (method.IsStatic && method.Name is not ("Dot" or "Cross" or "Distance" or "DistanceSquared" or "Normalize" or "Lerp" or "Add" or "Subtract"
            or "Multiply" or "Divide" or "Negate" or "Min" or "Max" or "Abs" or "SquareRoot" or "Clamp" or "Conjugate" or "Inverse" or "Concatenate")) return false;
        if (IsQuaternion(type) != method.Name is "Conjugate" or "Inverse" or "Concatenate" && method.Name is "Conjugate" or "Inverse" or "Concatenate") return false;
        // Quaternion.Lerp and Slerp renormalize and flip signs: they need rules of their own.
        if (IsQuaternion(type) && method.Name is "Lerp" or "Divide") return false;
        if (method.Name == "Cross" && type.Fields.Count != 3) return false;
        var args = new List<Value>();
        if (!method.IsStatic) args.Add(LowerExpression(invocation.Instance!));
        foreach (var a in invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0)) args.Add(LowerExpression(a.Value));
        var resultType = Symbols.IrTypeOf(method.ReturnType);
        switch (method.Name)
        {
            case "Dot": result = Dot(args[0], args[1]); return true;
            case "LengthSquared": result = Dot(args[0], args[0]); return true;
            case "Length": result = CallMathF("Sqrt", Dot(args[0], args[0])); return true;
            case "DistanceSquared":
            case "Distance":
            {
                var d = VectorArithmetic(BinaryOperatorKind.Subtract, args[0], args[1], type, invocation.Syntax);
                var squared = Dot(d, d);
                result = method.Name == "Distance" ? CallMathF("Sqrt", squared) : squared;
                return true;
            }
            case "Normalize":
            {
                var length = CallMathF("Sqrt", Dot(args[0], args[0]));
                result = Componentwise(type, n => _b.Binary(BinaryOp.Div, Extract(args[0], n), length, IrType.Single));
                return true;
            }
            case "Cross":
            {
                Value C(Value v, string n) => Extract(v, n);
                Value Term(string p, string q) => _b.Binary(BinaryOp.Sub,
                    _b.Binary(BinaryOp.Mul, C(args[0], p), C(args[1], q), IrType.Single),
                    _b.Binary(BinaryOp.Mul, C(args[0], q), C(args[1], p), IrType.Single), IrType.Single);
                result = MakeStruct(type, new List<Value> { Term("Y", "Z"), Term("Z", "X"), Term("X", "Y") });
                return true;
            }
            case "Lerp":
            {
                // a + (b - a) * t, as System.Numerics computes it.
                var d = VectorArithmetic(BinaryOperatorKind.Subtract, args[1], args[0], type, invocation.Syntax);
                result = VectorArithmetic(BinaryOperatorKind.Add, args[0], VectorArithmetic(BinaryOperatorKind.Multiply, d, args[2], type, invocation.Syntax), type, invocation.Syntax);
                return true;
            }
            case "Add": result = VectorArithmetic(BinaryOperatorKind.Add, args[0], args[1], type, invocation.Syntax); return true;
            case "Subtract": result = VectorArithmetic(BinaryOperatorKind.Subtract, args[0], args[1], type, invocation.Syntax); return true;
            case "Multiply": result = VectorArithmetic(BinaryOperatorKind.Multiply, args[0], args[1], type, invocation.Syntax); return true;
            case "Divide": result = VectorArithmetic(BinaryOperatorKind.Divide, args[0], args[1], type, invocation.Syntax); return true;
            case "Negate": result = Componentwise(type, n => _b.Unary(UnaryOp.Neg, Extract(args[0], n))); return true;
            case "Conjugate":
                result = Componentwise(type, n => n == "W" ? Extract(args[0], n) : _b.Unary(UnaryOp.Neg, Extract(args[0], n)));
                return true;
            case "Inverse":
            {
                // conjugate / |q|²
                var lengthSquared = Dot(args[0], args[0]);
                result = Componentwise(type, n => _b.Binary(BinaryOp.Div, n == "W" ? Extract(args[0], n) : _b.Unary(UnaryOp.Neg, Extract(args[0], n)), lengthSquared, IrType.Single));
                return true;
            }
            case "Concatenate": result = QuaternionProduct(args[1], args[0]); return true;
            case "Min":
            case "Max":
                result = Componentwise(type, n => CallMathF(method.Name, Component(args[0], n), Component(args[1], n)));
                return true;
            case "Abs": result = Componentwise(type, n => CallMathF("Abs", Extract(args[0], n))); return true;
            case "SquareRoot": result = Componentwise(type, n => CallMathF("Sqrt", Extract(args[0], n))); return true;
            case "Clamp":
                // Min(Max(v, min), max), as System.Numerics defines it.
                result = Componentwise(type, n => CallMathF("Min", CallMathF("Max", Component(args[0], n), Component(args[1], n)), Component(args[2], n)));
                return true;
        }
        _ = resultType;
        return false;
    }

    // ---------------------------------------------------------------- generic math (T : IFloatingPointIeee754<T>)

    /// <summary>A static abstract member of a generic-math interface, called on T (substituted by double or float).</summary>
    private static bool IsGenericMath(ISymbol member) =>
        member.IsStatic && member.ContainingType?.TypeKind == Microsoft.CodeAnalysis.TypeKind.Interface &&
        member.ContainingNamespace?.ToDisplayString() == "System.Numerics";

    /// <summary>T.One, T.Zero, T.Pi, ... as literals of the instantiation's type.</summary>
    private Value GenericMathConstant(IPropertyReferenceOperation property)
    {
        var type = Symbols.IrTypeOf(property.Type);
        string prefix = type.Kind == TypeKind.Single ? "float" : "double";
        string? text = property.Property.Name switch
        {
            "Zero" or "AdditiveIdentity" => IrBuilder.RealLiteral(type, 0),
            "One" or "MultiplicativeIdentity" => IrBuilder.RealLiteral(type, 1),
            "NegativeOne" => "(" + IrBuilder.RealLiteral(type, -1) + ")",
            "Pi" => prefix + ".Pi",
            "E" => prefix + ".E",
            "Tau" => prefix + ".Tau",
            "Epsilon" => prefix + ".Epsilon",
            "PositiveInfinity" or "NegativeInfinity" or "NaN" or "MaxValue" or "MinValue" => prefix + "." + property.Property.Name,
            _ => null,
        };
        if (text is null) Unsupported(property.Syntax, "the generic-math constant T." + property.Property.Name, ".");
        return _b.Const(type, text!);
    }

    /// <summary>
    /// T.CreateChecked(x) and its kin convert; T.Sin(x), T.Sqrt(x), T.Pow(x, y), ... call System.Math (double) or
    /// System.MathF (float), whose rules give the derivatives.
    /// </summary>
    private Value LowerGenericMathCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = Symbols.IrTypeOf(method.ReturnType);
        var args = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => LowerExpression(a.Value)).ToList();
        if (method.Name is "CreateChecked" or "CreateSaturating" or "CreateTruncating" && args.Count == 1)
            return Coerce(args[0], type);
        var mathType = _resolver.Compilation.GetTypeByMetadataName(type.Kind == TypeKind.Single ? "System.MathF" : "System.Math");
        var target = mathType?.GetMembers(method.Name).OfType<IMethodSymbol>().FirstOrDefault(m =>
            m.Parameters.Length == args.Count && m.Parameters.Zip(args, (p, a) => Symbols.IrTypeOf(p.Type).Equals(a.Type)).All(ok => ok) &&
            Symbols.IrTypeOf(m.ReturnType).Equals(type));
        if (target is null)
        {
            Unsupported(invocation.Syntax, "T." + method.Name + " in generic math",
                "; use the System.Math functions it has (Sin, Exp, Sqrt, Pow, Abs, Max, ...) or T.CreateChecked for conversions.");
            return null!;
        }
        var saved = _b.Source;
        _b.Source = SourceOf(invocation.Syntax, statement: false) with { Text = saved.Text };
        var call = _b.Call(_resolver.Resolve(target), null, args.Select(a => new Argument(a)).ToList(), type);
        _b.Source = saved;
        return call.Result!;
    }

    private static int VectorDimension(ITypeSymbol? type) => type?.OriginalDefinition.ToDisplayString() switch
    {
        "System.Numerics.Vector2" => 2,
        "System.Numerics.Vector3" => 3,
        "System.Numerics.Vector4" => 4,
        "System.Numerics.Quaternion" => 4,
        _ => 0,
    };

    private static bool IsQuaternion(IrType type) => type.Name == "global::System.Numerics.Quaternion";

    /// <summary>The Hamilton product q1·q2, as System.Numerics.Quaternion's operator * computes it.</summary>
    private Value QuaternionProduct(Value q1, Value q2)
    {
        Value C(Value v, string n) => Extract(v, n);
        Value Mul(Value a, Value b) => _b.Binary(BinaryOp.Mul, a, b, IrType.Single);
        Value Add(Value a, Value b) => _b.Binary(BinaryOp.Add, a, b, IrType.Single);
        Value Sub(Value a, Value b) => _b.Binary(BinaryOp.Sub, a, b, IrType.Single);
        var cx = Sub(Mul(C(q1, "Y"), C(q2, "Z")), Mul(C(q1, "Z"), C(q2, "Y")));
        var cy = Sub(Mul(C(q1, "Z"), C(q2, "X")), Mul(C(q1, "X"), C(q2, "Z")));
        var cz = Sub(Mul(C(q1, "X"), C(q2, "Y")), Mul(C(q1, "Y"), C(q2, "X")));
        var dot = Add(Add(Mul(C(q1, "X"), C(q2, "X")), Mul(C(q1, "Y"), C(q2, "Y"))), Mul(C(q1, "Z"), C(q2, "Z")));
        return MakeStruct(q1.Type, new List<Value>
        {
            Add(Add(Mul(C(q1, "X"), C(q2, "W")), Mul(C(q2, "X"), C(q1, "W"))), cx),
            Add(Add(Mul(C(q1, "Y"), C(q2, "W")), Mul(C(q2, "Y"), C(q1, "W"))), cy),
            Add(Add(Mul(C(q1, "Z"), C(q2, "W")), Mul(C(q2, "Z"), C(q1, "W"))), cz),
            Sub(Mul(C(q1, "W"), C(q2, "W")), dot),
        });
    }

    /// <summary>Field or property initializers, or an explicit parameterless constructor: <c>new T()</c> is then not all zeros.</summary>
    private static bool HasMemberInitializers(ITypeSymbol type) =>
        type.GetMembers().OfType<IMethodSymbol>().Any(m => m.MethodKind == MethodKind.Constructor && m.Parameters.Length == 0 && !m.IsImplicitlyDeclared) ||
        type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().Any(d => d.Members.Any(m =>
            m is FieldDeclarationSyntax f ? f.Declaration.Variables.Any(v => v.Initializer != null) && !f.Modifiers.Any(t => t.Text is "static" or "const")
            : m is PropertyDeclarationSyntax p && p.Initializer != null && !p.Modifiers.Any(t => t.Text == "static")));

    /// <summary>The primary constructor of a positional record: it sets the properties of the same names.</summary>
    /// <summary>
    /// A constructor of a differentiable struct in this compilation that only copies its parameters into members
    /// (<c>public State(double x, double v) { X = x; V = v; }</c>, or <c>(X, V) = (x, v)</c>): it needs no derivative of
    /// its own, each member is its parameter. <paramref name="names"/>[k] is the member parameter k is stored in.
    /// </summary>
    private static bool IsMemberwiseConstructor(IMethodSymbol ctor, out List<string> names)
    {
        names = ctor.Parameters.Select(_ => "").ToList();
        if (ctor.DeclaringSyntaxReferences.Length != 1 || HasMemberInitializers(ctor.ContainingType) ||
            ctor.DeclaringSyntaxReferences[0].GetSyntax() is not ConstructorDeclarationSyntax { Initializer: null } declaration)
            return false;
        var parameters = ctor.Parameters.Select(p => p.Name).ToList();
        var members = Symbols.IrTypeOf(ctor.ContainingType).Fields.Select(f => f.Name).ToList();
        var assignments = new List<(ExpressionSyntax Target, ExpressionSyntax Value)>();
        IEnumerable<ExpressionSyntax> statements = declaration.ExpressionBody is { } arrow ? new[] { arrow.Expression }
            : declaration.Body is { } body && body.Statements.All(st => st is ExpressionStatementSyntax)
            ? body.Statements.Cast<ExpressionStatementSyntax>().Select(st => st.Expression)
            : null!;
        if (statements is null) return false;
        foreach (var statement in statements)
        {
            if (statement is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment) return false;
            if (assignment.Left is TupleExpressionSyntax left && assignment.Right is TupleExpressionSyntax right && left.Arguments.Count == right.Arguments.Count)
                assignments.AddRange(left.Arguments.Zip(right.Arguments, (l, r) => (l.Expression, r.Expression)));
            else
                assignments.Add((assignment.Left, assignment.Right));
        }
        var written = new HashSet<string>();
        foreach (var (target, value) in assignments)
        {
            // The member: 'M' (not a parameter's name) or 'this.M'; the value: a parameter, as it is.
            string? member = target switch
            {
                IdentifierNameSyntax id when !parameters.Contains(id.Identifier.ValueText) => id.Identifier.ValueText,
                MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: IdentifierNameSyntax id } => id.Identifier.ValueText,
                _ => null,
            };
            if (member is null || !members.Contains(Symbols.Identifier(member)) || !written.Add(member) ||
                value is not IdentifierNameSyntax source || parameters.IndexOf(source.Identifier.ValueText) is var k && k < 0 || names[k] != "")
                return false;
            names[k] = Symbols.Identifier(member);
        }
        return true;
    }

    private static bool IsPositionalRecordConstructor(IMethodSymbol ctor, out List<string> names)
    {
        names = ctor.Parameters.Select(p => Symbols.Identifier(p.Name)).ToList();
        if (!ctor.ContainingType.IsRecord) return false;
        return ctor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is RecordDeclarationSyntax { ParameterList: not null });
    }

    // ---------------------------------------------------------------- functions as values

    /// <summary>
    /// A delegate call <c>f(x)</c>: a call of whatever function <c>f</c> holds. Once the code that made the delegate is
    /// inlined here (a lambda or a method group passed to a [Differentiable] delegate parameter), the inliner replaces
    /// it by a call of that function; a delegate whose function is never known is reported then.
    /// </summary>
    /// <summary>A call of a function value (a delegate, a lambda, a local function) with the invocation's arguments.</summary>
    private Value CallIndirect(IInvocationOperation invocation, Value function)
    {
        var args = LowerArguments(invocation.Arguments, invocation.TargetMethod);
        var saved = _b.Source;
        _b.Source = SourceOf(invocation.Syntax, statement: false) with { Text = saved.Text };
        var call = _b.EmitInstr(Op.CallIndirect, Symbols.IrTypeOf(invocation.TargetMethod.ReturnType), new List<Value> { function });
        _b.Source = saved;
        call.Arguments = args;
        return call.Result!;
    }

    private Value LowerDelegateCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.ReturnsByRef || method.ReturnsByRefReadonly || method.Parameters.Any(p => p.RefKind is RefKind.Ref or RefKind.Out))
            Unsupported(invocation.Syntax, "a call of a delegate with ref or out parameters", "; use a delegate that takes its inputs by value and returns its result.");
        var target = LowerExpression(invocation.Instance!);
        return CallIndirect(invocation, target);
    }

    private Value LowerDelegateCreation(IDelegateCreationOperation creation)
    {
        var type = Symbols.IrTypeOf(creation.Type);
        switch (creation.Target)
        {
            case IFlowAnonymousFunctionOperation lambda:
                return LowerLambda(lambda, type, creation.Syntax);
            case IMethodReferenceOperation { Method.IsStatic: true } group:
            {
                var saved = _b.Source;
                _b.Source = SourceOf(creation.Syntax, statement: false) with { Text = saved.Text };
                var reference = _b.EmitInstr(Op.FunctionRef, type, new List<Value>());
                _b.Source = saved;
                reference.Callee = _resolver.Resolve(group.Method);
                return reference.Result!;
            }
            case IMethodReferenceOperation:
                Unsupported(creation.Syntax, "a method group of an instance method as a function",
                    "; pass a lambda that calls it (x => obj.Method(x)), or make the method static.");
                break;
        }
        return Fail<Value>(creation.Syntax, "this delegate");
    }

    /// <summary>
    /// $"x = {x:F2}" (a message in differentiable code: data): each hole is formatted by its own ToString, as the
    /// interpolation would (current culture), padded to its alignment, and the pieces are concatenated.
    /// </summary>
    private Value LowerInterpolatedString(IInterpolatedStringOperation interpolated)
    {
        var stringType = interpolated.Type!;
        var irString = Symbols.IrTypeOf(stringType);
        Value Call(IMethodSymbol method, Value? receiver, params Value[] args) =>
            CallAt(interpolated.Syntax, _resolver.Resolve(method), receiver, args.Select(a => new Argument(a)).ToList(), irString).Result!;
        IMethodSymbol Find(ITypeSymbol type, string name, params SpecialType[] parameters) =>
            type.GetMembers(name).OfType<IMethodSymbol>().FirstOrDefault(m => !m.IsStatic == (name != "Concat") && m.Parameters.Length == parameters.Length &&
                m.Parameters.Zip(parameters, (a, b) => a.Type.SpecialType == b).All(same => same))
            ?? Fail<IMethodSymbol>(interpolated.Syntax, "formatting a value of type '" + type.ToDisplayString() + "' in an interpolated string");
        Value? result = null;
        foreach (var part in interpolated.Parts)
        {
            Value piece;
            switch (part)
            {
                case IInterpolatedStringTextOperation text:
                    piece = _b.Const(irString, SymbolDisplay.FormatLiteral(text.Text.ConstantValue.Value as string ?? "", quote: true));
                    break;
                case IInterpolationOperation hole:
                {
                    var type = hole.Expression.Type ?? stringType;
                    var value = LowerExpression(hole.Expression);
                    if (type.SpecialType == SpecialType.System_String)
                        piece = value;
                    else if (hole.FormatString?.ConstantValue.Value is string format)
                        piece = Call(Find(type, "ToString", SpecialType.System_String), value, _b.Const(irString, SymbolDisplay.FormatLiteral(format, quote: true)));
                    else
                        piece = Call(Find(type, "ToString"), value);
                    if (hole.Alignment?.ConstantValue.Value is int width && width != 0)
                        piece = Call(Find(stringType, width > 0 ? "PadLeft" : "PadRight", SpecialType.System_Int32), piece,
                            _b.Const(IrType.Int32, Math.Abs(width).ToString(CultureInfo.InvariantCulture)));
                    break;
                }
                default:
                    return Fail<Value>(part.Syntax, "this part of an interpolated string");
            }
            result = result is null ? piece : Call(Find(stringType, "Concat", SpecialType.System_String, SpecialType.System_String), null, result, piece);
        }
        return result ?? _b.Const(irString, "\"\"");
    }

    private int _lambdaCount;

    /// <summary>The local functions whose calls are being lowered around this code (a recursive one cannot be inlined).</summary>
    public ImmutableHashSet<IMethodSymbol> LocalFunctionsInProgress { get; set; } = ImmutableHashSet.Create<IMethodSymbol>(SymbolEqualityComparer.Default);

    /// <summary>
    /// A call of a local function that is not a static [Differentiable] one: part of this method's code, like a lambda. It
    /// is lowered as a function of the variables it captures (read now, at the call) and its parameters, and inlined here.
    /// </summary>
    private Value LowerLocalFunctionCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.IsGenericMethod || method.IsAsync)
            Unsupported(invocation.Syntax, "a call to a generic or async local function", "; make it a [Differentiable] method of the type.");
        if (method.Parameters.Any(p => p.RefKind is RefKind.Ref or RefKind.Out) || method.ReturnsByRef || method.ReturnsByRefReadonly)
            Unsupported(invocation.Syntax, "a call to a local function with ref or out parameters", "; take inputs by value and return the result, or make it a static [Differentiable] local function.");
        if (LocalFunctionsInProgress.Contains(method.OriginalDefinition))
            Unsupported(invocation.Syntax, "a recursive local function", "; write the recursion as a loop, or make it a [Differentiable] method of the type.");
        var graph = OuterGraph!.GetLocalFunctionControlFlowGraphInScope(method.OriginalDefinition, _cancellation);
        var declaration = method.DeclaringSyntaxReferences[0].GetSyntax(_cancellation);
        var function = LowerFunctionValue(method, graph, declaration, new IrType("global::System.Delegate", TypeKind.Other), invocation.Syntax, direct: true);
        return CallIndirect(invocation, function);
    }

    /// <summary>
    /// A lambda as a value: lowered here, as a function of the variables it captures and then its own parameters, into
    /// a FunctionRef holding the captured values. C# captures variables, not values; the two agree because a lambda here
    /// may not assign what it captures, and one kept in a variable may not capture a variable assigned again.
    /// </summary>
    private Value LowerLambda(IFlowAnonymousFunctionOperation lambda, IrType type, SyntaxNode syntax)
    {
        var symbol = lambda.Symbol;
        if (symbol.IsAsync) Unsupported(syntax, "an async lambda", ".");
        foreach (var p in symbol.Parameters)
            if (p.RefKind is RefKind.Ref or RefKind.Out)
                Unsupported(syntax, "a lambda with ref or out parameters", "; take inputs by value and return the result.");
        // A lambda passed straight to a call runs before the caller's next statement; one kept in a variable may run later.
        bool direct = syntax.Parent is ArgumentSyntax || syntax is ArgumentSyntax;
        return LowerFunctionValue(symbol, GetLambdaGraph(lambda), lambda.Syntax, type, syntax, direct);
    }

    /// <summary>A lambda or a local function as a FunctionRef: its captured variables' values, then its own parameters.</summary>
    private Value LowerFunctionValue(IMethodSymbol symbol, ControlFlowGraph graph, SyntaxNode declaration, IrType type, SyntaxNode syntax, bool direct)
    {
        string kind = symbol.MethodKind == MethodKind.LocalFunction ? "local function" : "lambda";
        var captured = new List<ISymbol>();
        bool capturesThis = false;
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { symbol.OriginalDefinition };
        void Collect(ControlFlowGraph g, SyntaxNode scope)
        {
            foreach (var block in g.Blocks)
                foreach (var o in block.Operations.Concat(block.BranchValue is null ? Array.Empty<IOperation>() : new[] { block.BranchValue }))
                    foreach (var d in o.DescendantsAndSelf())
                    {
                        if (d is IFlowAnonymousFunctionOperation inner) { Collect(g.GetAnonymousFunctionControlFlowGraph(inner, _cancellation), scope); continue; }
                        // A local function called here reads what it captures here too: those become ours.
                        if (d is IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction } local } &&
                            !local.DeclaringSyntaxReferences.Any(r => declaration.Span.Contains(r.Span)) && visited.Add(local.OriginalDefinition))
                            Collect(g.GetLocalFunctionControlFlowGraphInScope(local.OriginalDefinition, _cancellation), local.DeclaringSyntaxReferences[0].GetSyntax(_cancellation));
                        if (d is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }) { capturesThis = true; continue; }
                        ISymbol? s = d switch
                        {
                            ILocalReferenceOperation l => l.Local,
                            IParameterReferenceOperation p => p.Parameter,
                            _ => null,
                        };
                        if (s is null || DeclaredIn(s, declaration) || DeclaredIn(s, scope)) continue;
                        if (IsAssignment(d))
                            Unsupported(d.Syntax, "a " + kind + " that assigns the captured variable '" + s.Name + "'", "; a " + kind + " in differentiable code may read captured variables, not write them.");
                        if (!captured.Contains(s, SymbolEqualityComparer.Default)) captured.Add(s);
                    }
        }
        Collect(graph, declaration);
        if (!direct)
            foreach (var s in captured)
                if (WritesOf(s) > (s is ILocalSymbol ? 1 : 0))
                    Unsupported(syntax, "a lambda kept in a variable that captures '" + s.Name + "', which is assigned again",
                        "; pass the lambda directly as an argument, or copy '" + s.Name + "' into a local assigned once.");

        var function = new IrFunction("lambda" + (++_lambdaCount), Symbols.IrTypeOf(symbol.ReturnType)) { IsStatic = true, Modifiers = "private static" };
        var bindings = new List<(ISymbol, Value)>();
        var capturedValues = new List<Value>();
        foreach (var s in captured)
        {
            var t = Symbols.IrTypeOf(s is ILocalSymbol l ? l.Type : ((IParameterSymbol)s).Type);
            capturedValues.Add(ReadWhole(s, t));
            bindings.Add((s, function.AddParameter(Symbols.Identifier(s.Name), t)));
        }
        object? thisRoot = null;
        if (capturesThis && ThisRoot is ISymbol root)
        {
            // 'this' of a differentiable struct or class is a value of the code around the lambda: captured like a variable.
            var t = Symbols.IrTypeOf(symbol.ContainingType);
            capturedValues.Add(ReadWhole(root, t));
            bindings.Add((root, function.AddParameter("self", t)));
            thisRoot = root;
        }
        foreach (var p in symbol.Parameters)
            bindings.Add((p, function.AddParameter(p.IsDiscard ? "discard" + p.Ordinal : Symbols.Identifier(p.Name), Symbols.IrTypeOf(p.Type))));
        var lowerer = new Lowerer(_resolver, _diagnostics, _functionDisplay, _cancellation)
        {
            OuterGraph = graph, FallbackLocation = syntax.GetLocation(), ThisRoot = thisRoot,
            LocalFunctionsInProgress = symbol.MethodKind == MethodKind.LocalFunction ? LocalFunctionsInProgress.Add(symbol.OriginalDefinition) : LocalFunctionsInProgress,
        };
        if (!lowerer.Lower(graph, function, bindings))
        {
            _invalid |= lowerer.HadInvalidCode;
            throw new LoweringFailed();
        }
        var saved = _b.Source;
        _b.Source = SourceOf(syntax, statement: false) with { Text = saved.Text };
        var reference = _b.EmitInstr(Op.FunctionRef, type, capturedValues);
        _b.Source = saved;
        reference.Function = function;
        return reference.Result!;
    }

    private static bool DeclaredIn(ISymbol symbol, SyntaxNode lambda) =>
        symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == lambda.SyntaxTree && lambda.Span.Contains(r.Span));

    private static bool IsAssignment(IOperation reference) => reference.Parent switch
    {
        IAssignmentOperation a => a.Target == reference,
        IIncrementOrDecrementOperation => true,
        _ => false,
    };

    /// <summary>How many times the code of this method assigns <paramref name="variable"/> (a declaration's initializer counts).</summary>
    private int WritesOf(ISymbol variable)
    {
        int writes = 0;
        void Count(ControlFlowGraph g)
        {
            foreach (var block in g.Blocks)
                foreach (var o in block.Operations)
                    foreach (var d in o.DescendantsAndSelf())
                    {
                        if (d is IFlowAnonymousFunctionOperation inner) { Count(g.GetAnonymousFunctionControlFlowGraph(inner, _cancellation)); continue; }
                        var s = d switch { ILocalReferenceOperation l => (ISymbol)l.Local, IParameterReferenceOperation p => p.Parameter, _ => null };
                        if (s != null && SymbolEqualityComparer.Default.Equals(s, variable) && (IsAssignment(d) || d.Parent is IDeconstructionAssignmentOperation ||
                            d.Parent is ITupleOperation { Parent: IDeconstructionAssignmentOperation } || d.Parent is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }))
                            writes++;
                    }
        }
        Count(OuterGraph!);
        return writes;
    }

    // ---------------------------------------------------------------- rules

    /// <summary>Lowers a rule's <c>return (value, lambda)</c>: returns the value, records the lambda and its captures.</summary>
    /// <summary>The type of what a rule's lambda captures: a local, a parameter, or (the rule method standing for it) the receiver.</summary>
    public static ITypeSymbol CapturedType(ISymbol captured) => captured switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        _ => ((IMethodSymbol)captured).ContainingType,
    };

    private Value LowerRuleReturn(IOperation returned)
    {
        var op = returned;
        while (op is IConversionOperation c) op = c.Operand;
        if (op is not ITupleOperation tuple || tuple.Elements.Length != 2)
        {
            RuleShapeError(returned.Syntax, "it must end with 'return (value, lambda);' where the lambda is written in the return statement");
            return null!;
        }
        var lambdaOp = tuple.Elements[1];
        while (lambdaOp is IConversionOperation c2) lambdaOp = c2.Operand;
        if (lambdaOp is IDelegateCreationOperation creation) lambdaOp = creation.Target;
        if (lambdaOp is not IFlowAnonymousFunctionOperation lambda)
        {
            RuleShapeError(tuple.Elements[1].Syntax, "the second element must be a lambda written in the return statement");
            return null!;
        }
        var value = LowerExpression(tuple.Elements[0]);
        var graph = GetLambdaGraph(lambda);
        var captured = new List<ISymbol>();
        // What the lambda reads from the rule's body, in lambdas of its own too (g => a.Select(x => w * x)).
        var graphs = new Stack<ControlFlowGraph>(new[] { graph });
        while (graphs.Count > 0)
        {
            var g = graphs.Pop();
            foreach (var block in g.Blocks)
            foreach (var o in block.Operations.Concat(block.BranchValue is null ? Array.Empty<IOperation>() : new[] { block.BranchValue }))
                foreach (var d in o.DescendantsAndSelf())
                {
                    if (d is IFlowAnonymousFunctionOperation inner) { graphs.Push(g.GetAnonymousFunctionControlFlowGraph(inner, _cancellation)); continue; }
                    ISymbol? s = d switch
                    {
                        ILocalReferenceOperation l => l.Local,
                        IParameterReferenceOperation p => p.Parameter,
                        // An instance-form rule's lambda reading the receiver's members.
                        IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } when ThisRoot is IMethodSymbol rule => rule,
                        _ => null,
                    };
                    if (s is null || SymbolEqualityComparer.Default.Equals(s.ContainingSymbol, lambda.Symbol) || s is not IMethodSymbol && DeclaredIn(s, lambda.Syntax)) continue;
                    if (!captured.Contains(s, SymbolEqualityComparer.Default)) captured.Add(s);
                }
        }
        foreach (var s in captured)
            CapturedValuesAtReturn.Add(ReadWhole(s, Symbols.IrTypeOf(CapturedType(s))));
        RuleReturn = new RuleReturn(lambda, graph, captured);
        return Coerce(value, _returnValue!.Type);
    }

    public ControlFlowGraph? OuterGraph { get; set; }

    /// <summary>ref and out parameters: their variables receive the parameters' values at the return.</summary>
    public List<(ISymbol Symbol, Var Variable)> WriteBack { get; set; } = new();

    private ControlFlowGraph GetLambdaGraph(IFlowAnonymousFunctionOperation lambda) =>
        OuterGraph!.GetAnonymousFunctionControlFlowGraph(lambda, _cancellation);

    private void RuleShapeError(SyntaxNode? syntax, string message)
    {
        _diagnostics.Add(DiagnosticInfo.Create(Descriptors.InvalidRule, syntax?.GetLocation(), _functionDisplay, message));
        throw new LoweringFailed();
    }

    // ---------------------------------------------------------------- helpers

    private T Fail<T>(SyntaxNode? syntax, string what)
    {
        Unsupported(syntax, what, ".");
        return default!;
    }

    /// <summary>Where to report when a construct has no syntax of its own: the method being lowered.</summary>
    public Location? FallbackLocation { get; set; }

    private void Unsupported(SyntaxNode? syntax, string what, string hint)
    {
        _diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, syntax?.GetLocation() ?? FallbackLocation, what, hint));
        throw new LoweringFailed();
    }

    public static SourceInfo SourceOf(SyntaxNode? syntax, bool statement = true)
    {
        if (syntax is null) return SourceInfo.None;
        SyntaxNode node = syntax;
        if (statement)
        {
            var stmt = syntax.AncestorsAndSelf().FirstOrDefault(n => n is StatementSyntax or ArrowExpressionClauseSyntax or SwitchExpressionArmSyntax);
            if (stmt is not null and not BlockSyntax) node = stmt is ArrowExpressionClauseSyntax arrow ? arrow.Expression : stmt;
            if (node is IfStatementSyntax ifs) node = ifs.Condition;
            else if (node is WhileStatementSyntax ws) node = ws.Condition;
        }
        var location = syntax.GetLocation();
        var line = location.GetLineSpan();
        string text = node.ToString();
        int newline = text.IndexOfAny(new[] { '\r', '\n' });
        if (newline >= 0) text = text.Substring(0, newline).TrimEnd() + " …";
        if (text.Length > 100) text = text.Substring(0, 100) + " …";
        return new SourceInfo(text, line.Path ?? "", location.SourceSpan.Start, location.SourceSpan.Length,
            line.StartLinePosition.Line, line.StartLinePosition.Character, line.EndLinePosition.Line, line.EndLinePosition.Character);
    }

    public static string? Literal(object? value, ITypeSymbol type)
    {
        string? Core() => value switch
        {
            null => type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T
                ? "default(" + Symbols.TypeName(type) + ")" : null,
            double d => double.IsNaN(d) ? "double.NaN" : double.IsPositiveInfinity(d) ? "double.PositiveInfinity" :
                double.IsNegativeInfinity(d) ? "double.NegativeInfinity" : d.ToString("R", CultureInfo.InvariantCulture) + "d",
            float f => float.IsNaN(f) ? "float.NaN" : float.IsPositiveInfinity(f) ? "float.PositiveInfinity" :
                float.IsNegativeInfinity(f) ? "float.NegativeInfinity" : f.ToString("R", CultureInfo.InvariantCulture) + "f",
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture) + "L",
            uint u => u.ToString(CultureInfo.InvariantCulture) + "u",
            ulong ul => ul.ToString(CultureInfo.InvariantCulture) + "UL",
            short s => "(short)" + s.ToString(CultureInfo.InvariantCulture),
            ushort us => "(ushort)" + us.ToString(CultureInfo.InvariantCulture),
            byte by => "(byte)" + by.ToString(CultureInfo.InvariantCulture),
            sbyte sb => "(sbyte)" + sb.ToString(CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
            bool b => b ? "true" : "false",
            char c => SymbolDisplay.FormatLiteral(c, quote: true),
            string str => SymbolDisplay.FormatLiteral(str, quote: true),
            _ => null,
        };
        var text = Core();
        if (text is null) return null;
        if (type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Enum && value != null)
            return "((" + Symbols.TypeName(type) + ")(" + text + "))";
        // A negative literal is wrapped so it reads as one operand wherever it lands.
        if (text.StartsWith("-", StringComparison.Ordinal)) text = "(" + text + ")";
        return text;
    }
}
