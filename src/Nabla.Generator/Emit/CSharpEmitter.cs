// Writes an IR function as a C# method: SSA values become locals (declared where they are defined,
// or at the top when another block reads them), blocks become labels, edges become assignments to
// the target's parameters followed by goto. A comment names the source statement of each part.
using System.Collections.Generic;
using System.Linq;
using System.Security;
using Nabla.Generator.IR;

namespace Nabla.Generator.Emit;

internal sealed class CSharpEmitter
{
    public const string GeneratedCodeAttribute = "[global::System.CodeDom.Compiler.GeneratedCode(\"Nabla\", \"0.1.0\")]";

    private readonly IrFunction _f;
    private readonly Dictionary<Value, string> _names = new();
    private readonly HashSet<string> _used = new();
    private readonly Dictionary<string, int> _nextSuffix = new();
    private readonly HashSet<Value> _hoisted = new();
    private readonly HashSet<Block> _labelled = new();
    private readonly HashSet<Value> _folded = new();
    private readonly HashSet<Value> _read = new();   // values something reads (dead pure ones are not written)
    private int _swap;

    private const string AggressiveOptimizationNoInlining =
        "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization | global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";
    private const string NoInliningAttribute =
        "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";
    private const string AggressiveOptimization =
        "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    private CSharpEmitter(IrFunction f) => _f = f;

    /// <summary>Whether control can come back to a block (a loop; a pullback's blocks are not in flow order, so block order cannot tell).</summary>
    private static bool HasCycle(IrFunction f)
    {
        var state = new Dictionary<Block, int>();   // 1: on the current path, 2: done
        var stack = new Stack<(Block Block, int Next)>();
        stack.Push((f.Entry, 0));
        state[f.Entry] = 1;
        while (stack.Count > 0)
        {
            var (block, next) = stack.Pop();
            var edges = block.Terminator.Edges;
            if (next == edges.Count)
            {
                state[block] = 2;
                continue;
            }
            stack.Push((block, next + 1));
            var target = edges[next].Target;
            state.TryGetValue(target, out int s);
            if (s == 1) return true;
            if (s == 0)
            {
                state[target] = 1;
                stack.Push((target, 0));
            }
        }
        return false;
    }

    public static void Emit(IrFunction f, SourceWriter w)
    {
        Transforms.ZeroAdjointFolding.Run(f);
        // After the zero folding, which reads the loads of 'v = v + x' that forwarding would replace.
        Transforms.VarForwarding.Run(f);
        // Code differentiated again keeps its loops in place: an outlined loop is a method without derivatives.
        var loops = f.KeepsStopGradients ? new List<IrFunction>() : Transforms.LoopOutlining.Run(f);
        new CSharpEmitter(f).Write(w);
        foreach (var loop in loops)
        {
            w.Line();
            new CSharpEmitter(loop).Write(w);
        }
    }

    private void Write(SourceWriter w)
    {
        AssignNames();
        FindHoisted();
        FindFolded();
        if (_f.Summary != null)
        {
            w.Line("/// <summary>" + SecurityElement.Escape(_f.Summary) + "</summary>");
        }
        w.Line(GeneratedCodeAttribute);
        // Derivative code that loops is hot from its first call: compiled fully optimized at once, it skips the tiers
        // (on-stack replacement, then profile-guided code whose block weights for these long methods put loop
        // variables in memory: GMM's gradient ran 30 % slower that way).
        if (HasCycle(_f) && _f.NoInlining) w.Line(AggressiveOptimizationNoInlining);
        else if (HasCycle(_f)) w.Line(AggressiveOptimization);
        else if (_f.NoInlining) w.Line(NoInliningAttribute);
        foreach (var a in _f.Attributes) w.Line(a);
        var parameters = string.Join(", ", _f.Parameters.Select(p =>
            (p.Attributes is null ? "" : p.Attributes + " ") +
            (p.RefKind switch { RefKindIr.Out => "out ", RefKindIr.In => "in ", RefKindIr.Ref => "ref ", _ => "" }) +
            p.Type.Name + " " + (p.Value != null ? _names[p.Value] : p.Variable!.Name)));
        w.Open(_f.Modifiers + " " + _f.ReturnType.Name + " " + _f.Name + "(" + parameters + ")");

        foreach (var v in _f.Locals)
            w.Line(v.Type.Name + " " + v.Name + " = " + DefaultOf(v.Type) + ";");
        foreach (var v in _hoisted.OrderBy(v => v.Id))
            w.Line(v.Type.Name + " " + _names[v] + " = " + DefaultOf(v.Type) + ";");

        // Blocks are written to separate buffers first: a label is needed only where a goto lands.
        var bodies = new List<(Block Block, List<string> Lines)>();
        for (int k = 0; k < _f.Blocks.Count; k++)
        {
            var lines = new List<string>();
            WriteBlock(_f.Blocks[k], k + 1 < _f.Blocks.Count ? _f.Blocks[k + 1] : null, lines);
            bodies.Add((_f.Blocks[k], lines));
        }
        foreach (var (block, lines) in bodies)
        {
            if (_labelled.Contains(block))
            {
                w.Indent--;
                w.Line(Label(block) + ":" + (block.Comment is null ? "" : " // " + block.Comment));
                w.Indent++;
            }
            else if (block.Comment != null)
            {
                w.Line("// " + block.Comment);
            }
            foreach (var line in lines) w.Line(line);
        }
        w.Close();
    }

    private static string DefaultOf(IrType t) => t.Kind switch
    {
        TypeKind.Double => "0d",
        TypeKind.Single => "0f",
        _ => "default",
    };

    private static string Label(Block b) => "bb" + b.Id;

    private void AssignNames()
    {
        foreach (var p in _f.Parameters)
        {
            if (p.Value != null) _names[p.Value] = Reserve(p.Name);
            else _used.Add(p.Variable!.Name);
        }
        foreach (var v in _f.Locals) v.Name = Reserve(v.Name);
        foreach (var b in _f.Blocks)
        {
            foreach (var p in b.Params) _names[p] = Reserve(p.Name ?? "t");
            foreach (var i in b.Instrs)
                if (i.Result != null && i.Op != Op.Const) _names[i.Result] = Reserve(i.Result.Name ?? "t");
        }
    }

    private string Reserve(string hint)
    {
        string baseName = Symbols.Sanitize(hint.TrimStart('@'));
        if (baseName.Length == 0 || char.IsDigit(baseName[0])) baseName = "t" + baseName;
        string name = baseName;
        // Numbering resumes where this base name left off, so naming stays linear in the method's size.
        _nextSuffix.TryGetValue(baseName, out int k);
        while (_used.Contains(name) || _used.Contains("@" + name)) name = baseName + "_" + ++k;
        _nextSuffix[baseName] = k;
        name = Symbols.Identifier(name);
        _used.Add(name);
        return name;
    }

    private void FindHoisted()
    {
        foreach (var b in _f.Blocks)
            foreach (var p in b.Params) _hoisted.Add(p);
        foreach (var v in _f.ValuesUsedOutsideTheirBlock())
            if (v.Definition?.Op != Op.Const) _hoisted.Add(v);
    }

    /// <summary>
    /// Values written inline at their single use instead of as a local of their own: pure
    /// instructions used once, later in the same block, with nothing in between that could change
    /// what they read. Keeps emitted code close to what a person would write.
    /// </summary>
    private void FindFolded()
    {
        var uses = new Dictionary<Value, int>();
        void Count(Value v) => uses[v] = uses.TryGetValue(v, out var n) ? n + 1 : 1;
        // Live values: read by a terminator, an edge or an instruction that is not pure, or by a live one.
        var work = new Stack<Value>();
        foreach (var b in _f.Blocks)
        {
            foreach (var i in b.Instrs) if (i.Result is null || !IsPure(i)) foreach (var v in i.AllInputs()) work.Push(v);
            if (b.Terminator.Value != null) work.Push(b.Terminator.Value);
            foreach (var e in b.Terminator.Edges) foreach (var a in e.Args) work.Push(a);
        }
        while (work.Count > 0)
        {
            var v = work.Pop();
            if (!_read.Add(v)) continue;
            if (v.Definition is { } d && IsPure(d)) foreach (var o in d.AllInputs()) work.Push(o);
        }
        bool Live(Instr i) => i.Result is null || !IsPure(i) || _read.Contains(i.Result);
        foreach (var b in _f.Blocks)
        {
            foreach (var i in b.Instrs) if (Live(i)) foreach (var v in i.AllInputs()) Count(v);
            if (b.Terminator.Value != null) Count(b.Terminator.Value);
            foreach (var e in b.Terminator.Edges) foreach (var a in e.Args) { Count(a); Count(a); }
        }
        foreach (var b in _f.Blocks)
        {
            for (int k = 0; k < b.Instrs.Count; k++)
            {
                var i = b.Instrs[k];
                if (i.Result is null || _hoisted.Contains(i.Result) || !IsPure(i)) continue;
                if (!uses.TryGetValue(i.Result, out var n) || n != 1) continue;
                // The one live use: a dead instruction that also names the value is not where it is read.
                int use = b.Instrs.FindIndex(k + 1, j => Live(j) && j.AllInputs().Contains(i.Result));
                bool inTerminator = use < 0 && b.Terminator.Value == i.Result;
                if (use < 0 && !inTerminator) continue;
                // A lambda reads what it captures when it runs: the value is named where it is computed.
                if (use >= 0 && b.Instrs[use].Op == Op.FunctionRef) continue;
                int end = use < 0 ? b.Instrs.Count : use;
                if (i.Op == Op.LoadVar && Writes(b.Instrs, k + 1, end, i.Var!)) continue;
                if (i.Op == Op.ArrayLoad && Writes(b.Instrs, k + 1, end, null)) continue;
                if (i.Op != Op.LoadVar && ReadsWrittenVar(i, b.Instrs, k + 1, end)) continue;
                _folded.Add(i.Result);
            }
        }
    }

    private static bool IsPure(Instr i) => i.Op is Op.Binary or Op.Unary or Op.Convert or Op.LoadVar or Op.TupleGet or Op.StopGradient or Op.MakeTuple or Op.ArrayLoad or Op.MakeStruct or Op.Slice ||
                                           (i.Op == Op.Member && i.Operands.Count == 1 && i.Operands[0].Type.IsStruct);

    /// <summary>
    /// <paramref name="target"/>.a.b: a private or protected member of a differentiable type is read through the accessor
    /// the type's synthesized part declares (<c>Type.NablaGet_a(target)</c>), since derivative code may live in another type.
    /// </summary>
    private static string MemberPath(string target, IrType type, string path)
    {
        var parts = path.Split('.');
        for (int k = 0; k < parts.Length; k++)
        {
            var field = type.Kind == TypeKind.Struct ? type.Fields.FirstOrDefault(f => f.Name == parts[k]) : null;
            if (field is null) return target + "." + string.Join(".", parts.Skip(k));
            target = field.Hidden ? type.Name + ".NablaGet_" + parts[k].TrimStart('@') + "(" + target + ")" : target + "." + parts[k];
            type = field.Type;
        }
        return target;
    }

    /// <summary>A struct value from its leaves (consumed from <paramref name="next"/> on), nested members built in place.</summary>
    private string Construct(IrType type, IReadOnlyList<Value> leaves, ref int next)
    {
        var members = new List<string>();
        foreach (var field in type.Fields)
        {
            if (field.Type.IsStruct) members.Add(Construct(field.Type, leaves, ref next));
            else members.Add(O(leaves[next++]));
        }
        return type.Construction switch
        {
            StructConstruction.Positional => "new " + type.Name + "(" + string.Join(", ", members) + ")",
            StructConstruction.Factory => type.Name + ".NablaConstruct(" + string.Join(", ", members) + ")",
            StructConstruction.Tuple => members.Count == 1 ? "new " + type.Name + "(" + members[0] + ")" : "(" + string.Join(", ", members) + ")",
            _ => "new " + type.Name + " { " + string.Join(", ", type.Fields.Select((f, k) => f.Name + " = " + members[k])) + " }",
        };
    }

    private static bool Writes(List<Instr> instrs, int from, int to, Var? v)
    {
        for (int k = from; k < to; k++)
        {
            var i = instrs[k];
            // Array loads must not move past stores or calls (either could change the element).
            if (v is null && (i.Op is Op.ArrayStore or Op.ArrayAdd or Op.Call)) return true;
            if (v is null) continue;
            if (i.Op == Op.StoreVar && i.Var == v) return true;
            if (i.Arguments != null && i.Arguments.Any(a => a.Variable == v && a.RefKind is RefKindIr.Out or RefKindIr.Ref)) return true;
        }
        return false;
    }

    /// <summary>Whether a folded expression reads (through folded operands) a variable written before its use.</summary>
    private bool ReadsWrittenVar(Instr i, List<Instr> instrs, int from, int to)
    {
        foreach (var v in i.Operands)
        {
            if (!_folded.Contains(v) || v.Definition is null) continue;
            if (v.Definition.Op == Op.LoadVar && Writes(instrs, from, to, v.Definition.Var!)) return true;
            if (v.Definition.Op == Op.ArrayLoad && Writes(instrs, from, to, null)) return true;
            if (ReadsWrittenVar(v.Definition, instrs, from, to)) return true;
        }
        return false;
    }

    private string O(Value v) => v.Definition is { Op: Op.Const } c ? c.Text! : _folded.Contains(v) ? Expression(v.Definition!) : _names[v];

    /// <summary>C# precedence of an emitted expression: 0 primary, 1 unary and cast, then binary levels.</summary>
    private int Precedence(Value v)
    {
        if (v.Definition is { Op: Op.Const } c) return c.Text!.StartsWith("-") ? 1 : 0;
        if (!_folded.Contains(v)) return 0;
        var i = v.Definition!;
        return i.Op switch
        {
            Op.Unary or Op.Convert => i.Checked ? 0 : 1,
            Op.Binary when i.Checked => 0,
            Op.Binary => BinaryPrecedence(i.BinaryOp),
            Op.StopGradient => _f.KeepsStopGradients ? 0 : Precedence(i.Operands[0]),
            _ => 0,
        };
    }

    private static int BinaryPrecedence(BinaryOp op) => op switch
    {
        BinaryOp.Mul or BinaryOp.Div or BinaryOp.Rem => 2,
        BinaryOp.Add or BinaryOp.Sub => 3,
        BinaryOp.Shl or BinaryOp.Shr => 4,
        BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge => 5,
        BinaryOp.Eq or BinaryOp.Ne => 6,
        BinaryOp.And => 7,
        BinaryOp.Xor => 8,
        BinaryOp.Or => 9,
        BinaryOp.ConditionalAnd => 10,
        _ => 11,
    };

    /// <summary>An operand, parenthesized when its precedence is looser than <paramref name="max"/> allows.</summary>
    private string P(Value v, int max)
    {
        string s = O(v);
        return Precedence(v) > max ? "(" + s + ")" : s;
    }

    private static string BinaryToken(BinaryOp op) => op switch
    {
        BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", BinaryOp.Div => "/", BinaryOp.Rem => "%",
        BinaryOp.Eq => "==", BinaryOp.Ne => "!=", BinaryOp.Lt => "<", BinaryOp.Le => "<=", BinaryOp.Gt => ">",
        BinaryOp.Ge => ">=", BinaryOp.And => "&", BinaryOp.Or => "|", BinaryOp.Xor => "^", BinaryOp.Shl => "<<",
        BinaryOp.Shr => ">>", BinaryOp.ConditionalAnd => "&&", _ => "||",
    };

    private string Args(List<Argument> args) => string.Join(", ", args.Select(a => a.RefKind switch
    {
        RefKindIr.Out => "out " + a.Variable!.Name,
        RefKindIr.Ref => "ref " + a.Variable!.Name,
        RefKindIr.In => "in " + (a.Variable?.Name ?? O(a.Value!)),
        _ => O(a.Value!),
    }));

    private string Expression(Instr i)
    {
        string e;
        switch (i.Op)
        {
            case Op.Binary:
            {
                int p = BinaryPrecedence(i.BinaryOp);
                e = P(i.Operands[0], p) + " " + BinaryToken(i.BinaryOp) + " " + P(i.Operands[1], p - 1);
                break;
            }
            case Op.Unary:
                e = (i.UnaryOp switch { UnaryOp.Neg => "-", UnaryOp.Plus => "+", UnaryOp.Not => "!", _ => "~" }) + UnaryOperand(i.Operands[0]);
                break;
            case Op.Convert:
                e = "(" + i.Result!.Type.Name + ")" + P(i.Operands[0], 0);
                break;
            case Op.Call when i.Callee!.IsOperator:
                // A user-defined operator has no name C# lets code call: written as the operator, parenthesized.
                e = i.Arguments!.Count == 1
                    ? "(" + i.Callee.Expression + UnaryOperand(i.Arguments[0].Value!) + ")"
                    : "(" + P(i.Arguments[0].Value!, 0) + " " + i.Callee.Expression + " " + P(i.Arguments[1].Value!, 0) + ")";
                break;
            case Op.Call when i.Callee!.IsIndexer:
                e = i.Callee.ReceiverAsArgument
                    ? P(i.Arguments![0].Value!, 0) + "[" + Args(i.Arguments.Skip(1).ToList()) + "]"
                    : P(i.Operands[0], 0) + "[" + Args(i.Arguments!) + "]";
                break;
            case Op.Call when i.Callee!.IsPropertyGet:
                e = (i.Callee.ReceiverAsArgument ? P(i.Arguments![0].Value!, 0) + "." : i.Operands.Count > 0 ? P(i.Operands[0], 0) + "." : "") + i.Callee.Expression;
                break;
            case Op.Call when i.Callee!.ReturnsNewSelf:
                // The original changes its receiver: a generated static copy-and-call returns the new value.
                e = i.Callee.Expression + "_NewSelf(" + Args(i.Arguments!) + ")";
                break;
            case Op.Call when i.Callee!.ReceiverAsArgument:
                e = P(i.Arguments![0].Value!, 0) + "." + i.Callee.Expression + "(" + Args(i.Arguments.Skip(1).ToList()) + ")";
                break;
            case Op.Call:
                e = (i.Operands.Count > 0 ? P(i.Operands[0], 0) + "." : "") + i.Callee!.Expression + "(" + Args(i.Arguments!) + ")";
                break;
            case Op.Member:
                e = i.Operands.Count > 0 ? MemberPath(P(i.Operands[0], 0), i.Operands[0].Type, i.Text!) : i.Text!;
                break;
            case Op.New:
                e = "new " + i.Text + "(" + Args(i.Arguments!) + ")" + (i.InitializedMembers is { } members
                    ? " { " + string.Join(", ", members.Select((m, k) => m + " = " + P(i.Operands[k], 0))) + " }" : "");
                break;
            case Op.MakeStruct:
            {
                int next = 0;
                e = Construct(i.Result!.Type, i.Operands, ref next);
                break;
            }
            case Op.MakeTuple:
                e = "(" + string.Join(", ", i.Operands.Select(O)) + ")";
                break;
            case Op.TupleGet:
                e = P(i.Operands[0], 0) + ".Item" + (i.Index + 1);
                break;
            case Op.StopGradient:
                e = _f.KeepsStopGradients ? "global::Nabla.Autodiff.WithoutDerivative(" + O(i.Operands[0]) + ")" : O(i.Operands[0]);
                break;
            case Op.This:
                e = "this";
                break;
            case Op.TypeOf:
                e = "typeof(" + i.Text + ")";
                break;
            case Op.IsType:
                e = "(" + P(i.Operands[0], 0) + " is " + i.Text + ")";
                break;
            case Op.LoadVar:
                e = i.Var!.Name;
                break;
            case Op.ArrayLoad when i.Speculated && _f.KeepsStopGradients:
                // Code differentiated again: the guard written out, which its lowering differentiates (a helper has no derivative).
                e = "((uint)(" + O(i.Operands[1]) + ") < (uint)" + P(i.Operands[0], 0) + ".Length ? " + P(i.Operands[0], 0) + "[" + O(i.Operands[1]) + "] : " +
                    (i.Result!.Type.IsReal ? DefaultOf(i.Result.Type) : "default(" + i.Result.Type.Name + ")") + ")";
                break;
            case Op.ArrayLoad:
                e = i.Speculated
                    ? "global::Nabla.CompilerServices.Speculative.Load(" + O(i.Operands[0]) + ", " + O(i.Operands[1]) + ")"
                    : P(i.Operands[0], 0) + "[" + string.Join(", ", i.Operands.Skip(1).Select(O)) + "]";
                break;
            case Op.Slice:
                e = Slice(i);
                break;
            case Op.NewArray:
            {
                // new double[n] for double[]; new double[n][] for double[][]; new double[n, m] for double[,].
                string name = i.Result!.Type.Name;
                int bracket = name.IndexOf('[');
                int close = name.IndexOf(']', bracket);
                e = "new " + name.Substring(0, bracket) + "[" + string.Join(", ", i.Operands.Select(O)) + "]" + name.Substring(close + 1);
                break;
            }
            case Op.FunctionRef when i.Function is null && i.Callee != null:
                // A method group as a delegate (in a rule's body).
                e = i.Callee.Expression;
                break;
            case Op.CallIndirect:
                // A delegate called in a rule's body (in differentiable code these are inlined or reported first).
                e = P(i.Operands[0], 0) + "(" + Args(i.Arguments!) + ")";
                break;
            case Op.FunctionRef when i.Function != null:
            {
                // A lambda in a rule's body (its lambda function is emitted beside it): its captured values, then its parameters.
                var own = Enumerable.Range(0, i.Function.Parameters.Count - i.Operands.Count).Select(k => "nablaArgument" + k).ToList();
                e = "(" + string.Join(", ", own) + ") => " + i.Function.Name + "(" + string.Join(", ", i.Operands.Select(O).Concat(own)) + ")";
                break;
            }
            default:
                e = i.Text ?? "";
                break;
        }
        return i.Checked && i.Op is Op.Binary or Op.Unary or Op.Convert ? "checked(" + e + ")" : e;
    }

    /// <summary>
    /// A span viewing an array or a span, written so that it has exactly the span type of the result:
    /// <c>new Span&lt;T&gt;(a, start, length)</c> of an array, <c>s.Slice(start, length)</c> of a span,
    /// <c>((ReadOnlySpan&lt;T&gt;)s)</c> of a Span seen as a ReadOnlySpan.
    /// </summary>
    private string Slice(Instr i)
    {
        var type = i.Result!.Type;
        var source = i.Operands[0];
        string bounds = i.Operands.Count == 3 ? O(i.Operands[1]) + ", " + O(i.Operands[2]) : "";
        if (!source.Type.IsSpan)
            return "new " + type.Name + "(" + O(source) + (bounds.Length > 0 ? ", " + bounds : "") + ")";
        string view = source.Type.Equals(type) ? P(source, 0) : "((" + type.Name + ")" + P(source, 1) + ")";
        return bounds.Length > 0 ? view + ".Slice(" + bounds + ")" : view;
    }

    /// <summary>An operand of a unary operator: a minus sign must not merge with the operand's own.</summary>
    private string UnaryOperand(Value v)
    {
        string s = P(v, 1);
        return s.StartsWith("-") || s.StartsWith("+") ? "(" + s + ")" : s;
    }

    private string Operand(Value v) => UnaryOperand(v);

    private void WriteBlock(Block b, Block? next, List<string> lines)
    {
        string? lastComment = null;
        void Comment(SourceInfo s)
        {
            if (s.Text.Length == 0 || s.Text == lastComment) return;
            lastComment = s.Text;
            lines.Add("// " + s.Text);
        }
        foreach (var i in b.Instrs)
        {
            if (i.Op == Op.Const || (i.Result != null && _folded.Contains(i.Result))) continue;
            if (i.Result != null && IsPure(i) && !_read.Contains(i.Result)) continue;
            Comment(i.Source);
            if (i.Op == Op.StoreVar)
            {
                // v = v + x  is written  v += x
                var stored = i.Operands[0];
                if (_folded.Contains(stored) && stored.Definition is { Op: Op.Binary, BinaryOp: BinaryOp.Add, Checked: false } add &&
                    _folded.Contains(add.Operands[0]) && add.Operands[0].Definition is { Op: Op.LoadVar } load && load.Var == i.Var)
                {
                    var x = add.Operands[1];
                    lines.Add(_folded.Contains(x) && x.Definition is { Op: Op.Unary, UnaryOp: UnaryOp.Neg, Checked: false } neg
                        ? i.Var!.Name + " -= " + O(neg.Operands[0]) + ";"
                        : i.Var!.Name + " += " + O(x) + ";");
                    continue;
                }
                lines.Add(i.Var!.Name + " = " + O(stored) + ";");
                continue;
            }
            if (i.Op is Op.ArrayStore or Op.ArrayAdd)
            {
                if (i.Speculated && i.Op == Op.ArrayAdd)
                {
                    lines.Add("global::Nabla.CompilerServices.Speculative.Add(" + string.Join(", ", i.Operands.Select(O)) + ");");
                    continue;
                }
                // Text: a member path inside a struct element (shadow[i].X += g).
                var element = P(i.Operands[0], 0) + "[" + string.Join(", ", i.Operands.Skip(1).Take(i.Operands.Count - 2).Select(O)) + "]" +
                              (i.Text is null ? "" : "." + i.Text);
                lines.Add(element + (i.Op == Op.ArrayAdd ? " += " : " = ") + O(i.Operands[i.Operands.Count - 1]) + ";");
                continue;
            }
            if (i.Result is null)
            {
                lines.Add(Expression(i) + ";");
                continue;
            }
            string name = _names[i.Result];
            lines.Add((_hoisted.Contains(i.Result) ? "" : i.Result.Type.Name + " ") + name + " = " + Expression(i) + ";");
        }
        var t = b.Terminator;
        Comment(t.Source);
        switch (t.Kind)
        {
            case TerminatorKind.Return:
                lines.Add(t.Value is null ? "return;" : "return " + O(t.Value) + ";");
                break;
            case TerminatorKind.Throw:
                lines.Add("throw " + O(t.Value!) + ";");
                break;
            case TerminatorKind.Unreachable:
                lines.Add("throw new global::System.InvalidOperationException(\"Nabla: unreachable code was reached.\");");
                break;
            case TerminatorKind.Jump:
                lines.AddRange(Transfer(t.Edges[0], next));
                break;
            case TerminatorKind.Branch:
            {
                var (whenTrue, whenFalse) = (t.Edges[0], t.Edges[1]);
                string cond = O(t.Value!);
                if (whenFalse.Target == next && whenFalse.Args.Count == 0)
                {
                    lines.AddRange(Guarded("if (" + cond + ")", whenTrue));
                }
                else if (whenTrue.Target == next && whenTrue.Args.Count == 0)
                {
                    lines.AddRange(Guarded("if (!" + Operand(t.Value!) + ")", whenFalse));
                }
                else
                {
                    lines.AddRange(Guarded("if (" + cond + ")", whenTrue));
                    lines.AddRange(Transfer(whenFalse, next));
                }
                break;
            }
            case TerminatorKind.Switch:
            {
                lines.Add("switch (" + O(t.Value!) + ")");
                lines.Add("{");
                for (int k = 0; k < t.Edges.Count; k++)
                {
                    lines.Add((k == t.Edges.Count - 1 ? "    default:" : "    case " + k + ":"));
                    foreach (var l in Transfer(t.Edges[k], null)) lines.Add("        " + l);
                }
                lines.Add("}");
                break;
            }
        }
    }

    private IEnumerable<string> Guarded(string condition, Edge edge)
    {
        var body = Transfer(edge, null).ToList();
        if (body.Count == 1)
            return new[] { condition + " " + body[0] };
        return new[] { condition, "{" }.Concat(body.Select(l => "    " + l)).Concat(new[] { "}" });
    }

    /// <summary>Assigns the edge's arguments to the target's parameters (in parallel), then jumps.</summary>
    private List<string> Transfer(Edge e, Block? next)
    {
        var lines = new List<string>();
        var targetParams = e.Target.Params;
        bool conflict = e.Args.Where((a, k) => targetParams.Contains(a) && targetParams.IndexOf(a) != k).Any();
        if (conflict)
        {
            var temps = new List<string>();
            for (int k = 0; k < e.Args.Count; k++)
            {
                string tmp = "swap" + _swap++;
                temps.Add(tmp);
                lines.Add("var " + tmp + " = " + O(e.Args[k]) + ";");
            }
            for (int k = 0; k < e.Args.Count; k++)
                lines.Add(_names[targetParams[k]] + " = " + temps[k] + ";");
        }
        else
        {
            for (int k = 0; k < e.Args.Count; k++)
                if (e.Args[k] != targetParams[k])
                    lines.Add(_names[targetParams[k]] + " = " + O(e.Args[k]) + ";");
        }
        if (e.Target != next)
        {
            _labelled.Add(e.Target);
            lines.Add("goto " + Label(e.Target) + ";");
        }
        return lines;
    }
}
