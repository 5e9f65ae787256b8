// Nabla IR: typed SSA in basic blocks with block parameters, plus mutable variables for
// the few things that are not SSA (adjoint accumulators, residual slots, out parameters).
using System.Collections.Generic;
using System.Linq;

namespace Nabla.Generator.IR;

/// <summary>Where an IR construct came from in the user's source: the statement text and its location.</summary>
internal sealed record SourceInfo(string Text, string FilePath, int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
{
    public static readonly SourceInfo None = new("", "", 0, 0, 0, 0, 0, 0);
}

/// <summary>An SSA value: the result of one instruction, a block parameter, or a function parameter.</summary>
internal sealed class Value
{
    public Value(int id, IrType type, string? name)
    {
        Id = id;
        Type = type;
        Name = name;
    }

    public int Id { get; }
    public IrType Type { get; }
    /// <summary>The source name it carries (a local's or parameter's), if any; the emitter makes it unique.</summary>
    public string? Name { get; set; }
    public Instr? Definition { get; set; }
    public Block? ParameterOf { get; set; }
    public Parameter? FunctionParameter { get; set; }

    public override string ToString() => "%" + Id + (Name is null ? "" : "." + Name);

    // Identity is the reference (as before); the id, fixed at creation, is a cheaper hash than the runtime's
    // object hash code, which the generator's many value-keyed sets and maps spent a tenth of its time computing.
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    public override int GetHashCode() => Id;
}

internal enum VarKind
{
    /// <summary>A local declared at the top of the emitted method.</summary>
    Local,
    /// <summary>A method parameter passed by <c>out</c>, <c>in</c> or <c>ref</c>.</summary>
    Parameter,
    /// <summary>A field of a struct variable (<c>residuals.s3</c>): not declared.</summary>
    Field,
}

/// <summary>A mutable storage location: an adjoint accumulator, a residual slot, a by-ref parameter.</summary>
internal sealed class Var
{
    public Var(string name, IrType type, VarKind kind)
    {
        Name = name;
        Type = type;
        Kind = kind;
    }

    public string Name { get; set; }
    public IrType Type { get; }
    public VarKind Kind { get; }
    public override string ToString() => "$" + Name;
}

internal enum RefKindIr { None, Ref, Out, In }

/// <summary>A function parameter: by value (an SSA value) or by reference (a variable).</summary>
internal sealed class Parameter
{
    public Parameter(string name, IrType type, RefKindIr refKind, Value? value, Var? variable)
    {
        Name = name;
        Type = type;
        RefKind = refKind;
        Value = value;
        Variable = variable;
    }

    public string Name { get; }
    public IrType Type { get; }
    public RefKindIr RefKind { get; }
    public Value? Value { get; }
    public Var? Variable { get; }
    /// <summary>Attributes to write before the parameter, e.g. <c>[global::Nabla.NoDerivative]</c>.</summary>
    public string? Attributes { get; set; }
}

internal enum Op
{
    Const,          // Text = C# literal
    Binary,         // Operands[0] op Operands[1]
    Unary,          // op Operands[0]
    Convert,        // (Type) Operands[0]
    Call,           // Callee(args); Receiver optional
    Member,         // Operands[0].Text or Text (static): field or property read
    New,            // new Text(args) { InitializedMembers[k] = Operands[k] }
    MakeTuple,      // (a, b, ...)
    TupleGet,       // Operands[0].ItemN (Index)
    StopGradient,   // value flows, derivative is cut
    This,           // this
    TypeOf,         // typeof(Text)
    LoadVar,        // Var
    StoreVar,       // Var = Operands[0]; no result
    ArrayLoad,      // Operands[0][Operands[1..]]
    ArrayStore,     // Operands[0][Operands[1..n-1]] = Operands[n-1]; no result
    ArrayAdd,       // Operands[0][Operands[1..n-1]] += Operands[n-1]; no result (adjoint accumulation)
    NewArray,       // new T[Operands...] of the result's array type
    MakeStruct,     // a struct (IrType.Kind Struct) from its leaves, in IrType.Leaves order
    Slice,          // a span (the result's type) viewing Operands[0] (an array or a span): all of it, or Operands[2] elements from index Operands[1]
    FunctionRef,    // a delegate whose function is known: Callee (a method group) or Function (a lambda, Operands = its captured values)
    CallIndirect,   // Operands[0](args): a delegate call; replaced by a call of the function when Operands[0] is a FunctionRef
    IsType,         // Operands[0] is Text: a run-time type test (virtual dispatch)
}

internal enum BinaryOp { Add, Sub, Mul, Div, Rem, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Xor, Shl, Shr, ConditionalAnd, ConditionalOr }

internal enum UnaryOp { Neg, Plus, Not, BitNot }

/// <summary>How an argument is passed to a call.</summary>
internal sealed class Argument
{
    public Argument(Value? value, RefKindIr refKind = RefKindIr.None, Var? variable = null)
    {
        Value = value;
        RefKind = refKind;
        Variable = variable;
    }

    /// <summary>The value passed (by value or <c>in</c> of a value).</summary>
    public Value? Value { get; set; }
    public RefKindIr RefKind { get; }
    /// <summary>The variable passed by <c>out</c>/<c>ref</c>/<c>in</c>.</summary>
    public Var? Variable { get; }
}

/// <summary>
/// How to differentiate through a call: the generated or rule-split members to call, and which
/// arguments carry tangents. All names are C# expressions ready to emit.
/// </summary>
internal sealed record CalleeDerivative(
    /// <summary>Augmented primal: <c>R Primal(args, out Residuals r)</c>.</summary>
    string PrimalMethod,
    /// <summary>Pullback: <c>Pullback(in Residuals r, R cotangent)</c> → cotangent, or tuple of cotangents of the wrt arguments. Null for forward-only rules.</summary>
    string? PullbackMethod,
    /// <summary><c>(R Value, R Tangent) Jvp(args, tangents of wrt args)</c>; null when forward mode goes through the pullback or the differential.</summary>
    string? JvpMethod,
    /// <summary>Forward rules: <c>R Differential(in Residuals r, tangents of wrt args)</c>.</summary>
    string? DifferentialMethod,
    string ResidualType,
    /// <summary>Indices (in the callee's parameter list, receiver excluded) of the arguments with tangents, in order.</summary>
    IReadOnlyList<int> Wrt,
    /// <summary>
    /// For a scalar rule: its partial derivatives ∂f/∂x_k (k over <see cref="Wrt"/>) as differentiable callees taking
    /// the original's arguments, so that forward mode written with them can be differentiated again. Null when absent.
    /// </summary>
    IReadOnlyList<Callee>? Partials = null,
    /// <summary>The residual type is a ref struct (the callee's derivatives hold spans): see Symbols.HasRefLikeResiduals.</summary>
    bool RefLikeResiduals = false,
    /// <summary>A rule's partial at the longest chain Nabla generates (RuleChains.MaxOrder): <see cref="Partials"/> is null for that reason.</summary>
    bool PartialsBeyondBound = false,
    /// <summary>
    /// A rule over arrays: its primal takes no shadow arrays and returns no result shadow; its pullback takes an array
    /// result's cotangent and returns fresh cotangent arrays for array inputs, which the caller adds to their shadows.
    /// </summary>
    bool ArraysByValue = false)
{
    /// <summary>The IR type of the callee's residuals.</summary>
    public IrType ResidualIrType => RefLikeResiduals ? IrType.RefStruct(ResidualType) : new IrType(ResidualType, TypeKind.Other);
}

/// <summary>What a call instruction calls, as it will be emitted.</summary>
internal sealed record Callee(
    /// <summary>C# to call: <c>global::System.Math.Sin</c> for statics, the member name for instance calls.</summary>
    string Expression,
    /// <summary><c>Type.Method</c> for messages.</summary>
    string DisplayName,
    bool IsStatic,
    /// <summary>Null when the callee has neither <c>[Differentiable]</c> nor a rule.</summary>
    CalleeDerivative? Derivative,
    /// <summary>True for <c>Autodiff.WithoutDerivative</c>.</summary>
    bool IsStopGradient = false,
    /// <summary>The callee's documentation id when its body is in this compilation and may be inlined.</summary>
    string? InlineId = null,
    /// <summary>For inlining: which parameters the callee differentiates (others are cut with a stop-gradient).</summary>
    IReadOnlyList<int>? CalleeWrt = null,
    /// <summary>Parameter names of the callee, and which are [NoDerivative] (a cut the user asked for).</summary>
    IReadOnlyList<string>? ParameterNames = null,
    IReadOnlyList<int>? NoDerivativeParameters = null,
    /// <summary>How widely the callee (with its containing types) is visible: 3 public, 2 internal, 1 less.</summary>
    int AccessRank = 3,
    /// <summary>
    /// An instance method of a differentiable struct: its receiver is its first argument (the derivatives are static
    /// members taking it first); the original is still called as <c>args[0].Method(rest)</c>.
    /// </summary>
    bool ReceiverAsArgument = false,
    /// <summary>A property getter: the original is read as <c>receiver.Name</c>, without an argument list.</summary>
    bool IsPropertyGet = false,
    /// <summary>A user-defined operator: the original is written with its token (<see cref="Expression"/>, as <c>+</c>) between or before its arguments.</summary>
    bool IsOperator = false,
    /// <summary>An indexer's getter: the original is read as <c>receiver[arguments]</c>.</summary>
    bool IsIndexer = false,
    /// <summary>A void method that may change its struct receiver: the call returns the new receiver (see Symbols.ReturnsNewSelf).</summary>
    bool ReturnsNewSelf = false,
    /// <summary>
    /// A virtual method: the overrides in this compilation, most derived first (type name, callee), which a call
    /// dispatches to by type tests (VirtualDispatch); <see cref="IsAbstractMethod"/> when the method itself has no body.
    /// </summary>
    IReadOnlyList<(IrType Type, Callee Callee)>? Overrides = null,
    bool IsAbstractMethod = false,
    /// <summary>
    /// A [Differentiable] method of another assembly compiled without its derivative members (an application writes
    /// only those it uses): the assembly and the missing member, for NABLA0020. <see cref="Derivative"/> is then null.
    /// </summary>
    (string Assembly, string Member)? MissingDerivatives = null,
    // A [Differentiable] method of this compilation that cannot be differentiated: its own error (NABLA0004) says why,
    // and code calling it is not generated (it would name members that do not exist).
    bool Rejected = false,
    /// <summary>
    /// A linear function of its one input (Nabla's array copies, sums and means): its tangent is the function of the
    /// input's tangent, a call that can itself be differentiated (second derivatives through it).
    /// </summary>
    bool IsLinear = false);

/// <summary>One IR instruction. <see cref="Result"/> is null for instructions that only write.</summary>
internal sealed class Instr
{
    public Instr(Op op, Value? result, List<Value> operands, SourceInfo source)
    {
        Op = op;
        Result = result;
        Operands = operands;
        Source = source;
        if (result != null) result.Definition = this;
    }

    public Op Op { get; }
    public Value? Result { get; }
    public List<Value> Operands { get; }
    public SourceInfo Source { get; }
    public BinaryOp BinaryOp { get; set; }
    public UnaryOp UnaryOp { get; set; }
    /// <summary>Literal text (Const), member name (Member), type name (New, TypeOf).</summary>
    public string? Text { get; set; }
    public int Index { get; set; }
    public Var? Var { get; set; }
    public Callee? Callee { get; set; }
    /// <summary>FunctionRef of a lambda: the lambda lowered as a function of its captured values, then its parameters.</summary>
    public IrFunction? Function { get; set; }
    /// <summary>Call/New arguments (Operands holds the receiver, if any, for Call and Member).</summary>
    public List<Argument>? Arguments { get; set; }
    /// <summary>Checked arithmetic or conversion.</summary>
    public bool Checked { get; set; }
    /// <summary>Moved where it runs even when the source would not have run it (out of a loop): its pullback guards zero adjoints.</summary>
    public bool Speculated { get; set; }
    /// <summary>New: the members an object initializer sets, to <see cref="Operands"/> in order (data objects only).</summary>
    public List<string>? InitializedMembers { get; set; }

    public IEnumerable<Value> AllInputs()
    {
        foreach (var v in Operands) yield return v;
        if (Arguments != null)
            foreach (var a in Arguments)
                if (a.Value != null) yield return a.Value;
    }

    public override string ToString() => IrPrinter.Print(this);
}

/// <summary>A control-flow edge with the values passed to the target's parameters.</summary>
internal sealed class Edge
{
    public Edge(Block target, List<Value>? args = null)
    {
        Target = target;
        Args = args ?? new List<Value>();
    }

    public Block Target { get; set; }
    public List<Value> Args { get; }
}

internal enum TerminatorKind { Jump, Branch, Switch, Return, Throw, Unreachable }

/// <summary>How a block ends.</summary>
internal sealed class Terminator
{
    public TerminatorKind Kind { get; init; }
    /// <summary>Branch condition, switch key, returned value or thrown exception.</summary>
    public Value? Value { get; set; }
    /// <summary>Jump: [target]; Branch: [whenTrue, whenFalse]; Switch: one per case value 0..n-1, then default.</summary>
    public List<Edge> Edges { get; init; } = new();
    public SourceInfo Source { get; init; } = SourceInfo.None;

    public static Terminator Jump(Edge e, SourceInfo? s = null) => new() { Kind = TerminatorKind.Jump, Edges = { e }, Source = s ?? SourceInfo.None };
    public static Terminator Branch(Value c, Edge t, Edge f, SourceInfo? s = null) => new() { Kind = TerminatorKind.Branch, Value = c, Edges = { t, f }, Source = s ?? SourceInfo.None };
    public static Terminator Return(Value? v, SourceInfo? s = null) => new() { Kind = TerminatorKind.Return, Value = v, Source = s ?? SourceInfo.None };
    public static Terminator Throw(Value v, SourceInfo? s = null) => new() { Kind = TerminatorKind.Throw, Value = v, Source = s ?? SourceInfo.None };
    public static Terminator Unreachable() => new() { Kind = TerminatorKind.Unreachable };
}

/// <summary>A basic block: parameters (SSA phis), instructions, a terminator.</summary>
internal sealed class Block
{
    public Block(int id) => Id = id;

    public int Id { get; set; }
    public List<Value> Params { get; } = new();
    public List<Instr> Instrs { get; } = new();
    public Terminator Terminator { get; set; } = Terminator.Unreachable();
    /// <summary>A comment the emitter writes at the block's label.</summary>
    public string? Comment { get; set; }

    public override string ToString() => "bb" + Id;
}

/// <summary>A function in Nabla IR.</summary>
internal sealed class IrFunction
{
    public IrFunction(string name, IrType returnType)
    {
        Name = name;
        ReturnType = returnType;
    }

    public string Name { get; set; }
    public IrType ReturnType { get; set; }
    public List<Parameter> Parameters { get; } = new();
    public List<Block> Blocks { get; } = new();
    public List<Var> Locals { get; } = new();
    public bool IsStatic { get; set; } = true;
    /// <summary>Accessibility and other modifiers to emit, e.g. <c>public static</c>.</summary>
    public string Modifiers { get; set; } = "public static";
    /// <summary>The XML summary: what the function computes, in math.</summary>
    public string? Summary { get; set; }
    public List<string> Attributes { get; } = new();

    /// <summary>
    /// Code that is itself differentiated again (a composable forward mode, emitted as [Differentiable] C#): its
    /// stop-gradients are written as Autodiff.WithoutDerivative calls, so that they cut the outer derivatives too.
    /// </summary>
    public bool KeepsStopGradients { get; set; }

    private int _nextValue;
    private int _nextBlock;

    public Value NewValue(IrType type, string? name = null) => new(_nextValue++, type, name);

    public Block NewBlock()
    {
        var b = new Block(_nextBlock++);
        Blocks.Add(b);
        return b;
    }

    public Block Entry => Blocks[0];

    /// <summary>Numbers this function's new values and blocks after <paramref name="other"/>'s (a piece moved out of it keeps its numbers).</summary>
    public void ContinueNumberingAfter(IrFunction other)
    {
        _nextValue = System.Math.Max(_nextValue, other._nextValue);
        _nextBlock = System.Math.Max(_nextBlock, other._nextBlock);
    }

    /// <summary>Emitted with <c>MethodImplOptions.NoInlining</c>.</summary>
    public bool NoInlining { get; set; }

    public Var NewLocal(string name, IrType type)
    {
        var v = new Var(name, type, VarKind.Local);
        Locals.Add(v);
        return v;
    }

    public Value AddParameter(string name, IrType type, RefKindIr refKind = RefKindIr.None)
    {
        var v = NewValue(type, name);
        var p = new Parameter(name, type, refKind, v, null);
        v.FunctionParameter = p;
        Parameters.Add(p);
        return v;
    }

    public Var AddRefParameter(string name, IrType type, RefKindIr kind)
    {
        var v = new Var(name, type, VarKind.Parameter);
        Parameters.Add(new Parameter(name, type, kind, null, v));
        return v;
    }

    /// <summary>
    /// Rewrites every use of a value (operands, call arguments, returned values, edge arguments) through
    /// <paramref name="replace"/>, following chains (a → b → c). Returns the resolver, for uses kept elsewhere.
    /// </summary>
    public System.Func<Value, Value> ReplaceUses(IReadOnlyDictionary<Value, Value> replace)
    {
        Value Resolve(Value v) => replace.Resolve(v);
        if (replace.Count == 0) return Resolve;
        foreach (var block in Blocks)
        {
            foreach (var instr in block.Instrs)
            {
                for (int k = 0; k < instr.Operands.Count; k++) instr.Operands[k] = Resolve(instr.Operands[k]);
                if (instr.Arguments != null)
                    foreach (var a in instr.Arguments)
                        if (a.Value != null) a.Value = Resolve(a.Value);
            }
            var t = block.Terminator;
            if (t.Value != null) t.Value = Resolve(t.Value);
            foreach (var e in t.Edges)
                for (int k = 0; k < e.Args.Count; k++) e.Args[k] = Resolve(e.Args[k]);
        }
        return Resolve;
    }

    /// <summary>Predecessor edges of every block, in a stable order (block order, then edge order).</summary>
    public Dictionary<Block, List<(Block From, Edge Edge)>> Predecessors()
    {
        var map = Blocks.ToDictionary(b => b, _ => new List<(Block, Edge)>());
        foreach (var b in Blocks)
            foreach (var e in b.Terminator.Edges)
                map[e.Target].Add((b, e));
        return map;
    }

    /// <summary>
    /// The values (instruction results and block parameters) read in a block other than the one that defines them: by an
    /// instruction, a terminator or an edge's arguments.
    /// </summary>
    public HashSet<Value> ValuesUsedOutsideTheirBlock()
    {
        var home = new Dictionary<Value, Block>();
        foreach (var b in Blocks)
        {
            foreach (var p in b.Params) home[p] = b;
            foreach (var i in b.Instrs)
                if (i.Result != null) home[i.Result] = b;
        }
        var outside = new HashSet<Value>();
        void Use(Value v, Block at)
        {
            if (home.TryGetValue(v, out var defined) && defined != at) outside.Add(v);
        }
        foreach (var b in Blocks)
        {
            foreach (var i in b.Instrs)
                foreach (var v in i.AllInputs()) Use(v, b);
            if (b.Terminator.Value != null) Use(b.Terminator.Value, b);
            foreach (var e in b.Terminator.Edges)
                foreach (var v in e.Args) Use(v, b);
        }
        return outside;
    }

    public override string ToString() => IrPrinter.Print(this);
}

internal static class ValueReplacements
{
    /// <summary>What <paramref name="v"/> becomes under <paramref name="replace"/>, following chains (a → b → c).</summary>
    public static Value Resolve(this IReadOnlyDictionary<Value, Value> replace, Value v)
    {
        while (replace.TryGetValue(v, out var r)) v = r;
        return v;
    }
}
