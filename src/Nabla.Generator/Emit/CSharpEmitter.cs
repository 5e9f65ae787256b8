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
    private readonly HashSet<Value> _hoisted = new();
    private readonly HashSet<Block> _labelled = new();
    private int _swap;

    private CSharpEmitter(IrFunction f) => _f = f;

    public static void Emit(IrFunction f, SourceWriter w) => new CSharpEmitter(f).Write(w);

    private void Write(SourceWriter w)
    {
        AssignNames();
        FindHoisted();
        if (_f.Summary != null)
        {
            w.Line("/// <summary>" + SecurityElement.Escape(_f.Summary) + "</summary>");
        }
        w.Line(GeneratedCodeAttribute);
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
        for (int k = 1; _used.Contains(name) || _used.Contains("@" + name); k++) name = baseName + "_" + k;
        name = Symbols.Identifier(name);
        _used.Add(name);
        return name;
    }

    private void FindHoisted()
    {
        var definedIn = new Dictionary<Value, Block>();
        foreach (var b in _f.Blocks)
        {
            foreach (var p in b.Params) _hoisted.Add(p);
            foreach (var i in b.Instrs) if (i.Result != null) definedIn[i.Result] = b;
        }
        void Use(Value v, Block at)
        {
            if (v.Definition?.Op == Op.Const) return;
            if (definedIn.TryGetValue(v, out var def) && def != at) _hoisted.Add(v);
        }
        foreach (var b in _f.Blocks)
        {
            foreach (var i in b.Instrs)
                foreach (var v in i.AllInputs()) Use(v, b);
            if (b.Terminator.Value != null) Use(b.Terminator.Value, b);
            foreach (var e in b.Terminator.Edges)
                foreach (var a in e.Args) Use(a, b);
        }
    }

    private string O(Value v) => v.Definition is { Op: Op.Const } c ? c.Text! : _names[v];

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
        string e = i.Op switch
        {
            Op.Binary => O(i.Operands[0]) + " " + BinaryToken(i.BinaryOp) + " " + O(i.Operands[1]),
            Op.Unary => (i.UnaryOp switch { UnaryOp.Neg => "-", UnaryOp.Plus => "+", UnaryOp.Not => "!", _ => "~" }) + Operand(i.Operands[0]),
            Op.Convert => "(" + i.Result!.Type.Name + ")" + O(i.Operands[0]),
            Op.Call => (i.Operands.Count > 0 ? O(i.Operands[0]) + "." : "") + i.Callee!.Expression + "(" + Args(i.Arguments!) + ")",
            Op.Member => (i.Operands.Count > 0 ? O(i.Operands[0]) + "." : "") + i.Text,
            Op.New => "new " + i.Text + "(" + Args(i.Arguments!) + ")",
            Op.MakeTuple => "(" + string.Join(", ", i.Operands.Select(O)) + ")",
            Op.TupleGet => O(i.Operands[0]) + ".Item" + (i.Index + 1),
            Op.StopGradient => O(i.Operands[0]),
            Op.This => "this",
            Op.TypeOf => "typeof(" + i.Text + ")",
            Op.LoadVar => i.Var!.Name,
            _ => i.Text ?? "",
        };
        return i.Checked && i.Op is Op.Binary or Op.Unary or Op.Convert ? "checked(" + e + ")" : e;
    }

    /// <summary>An operand of a unary operator: a minus sign must not merge with the operand's own.</summary>
    private string Operand(Value v)
    {
        string s = O(v);
        return s.StartsWith("-") ? "(" + s + ")" : s;
    }

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
            if (i.Op == Op.Const) continue;
            Comment(i.Source);
            if (i.Op == Op.StoreVar)
            {
                lines.Add(i.Var!.Name + " = " + O(i.Operands[0]) + ";");
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
