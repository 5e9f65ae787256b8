// Prints IR as text, for tests (FileCheck-style matching) and debugging.
using System.Linq;
using System.Text;

namespace Nabla.Generator.IR;

internal static class IrPrinter
{
    public static string Print(IrFunction f)
    {
        var sb = new StringBuilder();
        sb.Append("func ").Append(f.Name).Append('(')
          .Append(string.Join(", ", f.Parameters.Select(p =>
              (p.RefKind == RefKindIr.None ? "" : p.RefKind.ToString().ToLowerInvariant() + " ") +
              (p.Value?.ToString() ?? p.Variable!.ToString()) + ": " + p.Type)))
          .Append(") -> ").Append(f.ReturnType).AppendLine(" {");
        foreach (var b in f.Blocks)
        {
            sb.Append(b).Append('(').Append(string.Join(", ", b.Params.Select(p => p + ": " + p.Type))).AppendLine("):");
            foreach (var i in b.Instrs)
                sb.Append("  ").AppendLine(Print(i));
            sb.Append("  ").AppendLine(Print(b.Terminator));
        }
        sb.AppendLine("}");
        return sb.ToString();
    }

    public static string Print(Instr i)
    {
        string lhs = i.Result is null ? "" : i.Result + ": " + i.Result.Type + " = ";
        string ops = string.Join(", ", i.Operands.Select(o => o.ToString()));
        string args = i.Arguments is null ? "" : "(" + string.Join(", ", i.Arguments.Select(a =>
            (a.RefKind == RefKindIr.None ? "" : a.RefKind.ToString().ToLowerInvariant() + " ") +
            (a.Value?.ToString() ?? a.Variable?.ToString()))) + ")";
        return i.Op switch
        {
            Op.Const => lhs + "const " + i.Text,
            Op.Binary => lhs + i.BinaryOp.ToString().ToLowerInvariant() + " " + ops,
            Op.Unary => lhs + i.UnaryOp.ToString().ToLowerInvariant() + " " + ops,
            Op.Call => lhs + "call " + i.Callee!.DisplayName + (i.Operands.Count > 0 ? " on " + ops : "") + args,
            Op.Member => lhs + "member " + i.Text + (i.Operands.Count > 0 ? " of " + ops : ""),
            Op.New => lhs + "new " + i.Text + args + (i.InitializedMembers is { } members
                ? " { " + string.Join(", ", members.Select((m, k) => m + " = " + (k < i.Operands.Count ? i.Operands[k].ToString() : "?"))) + " }" : ""),
            Op.FunctionRef => lhs + "function " + (i.Callee?.DisplayName ?? "lambda " + i.Function?.Name) + (i.Operands.Count > 0 ? " capturing " + ops : ""),
            Op.CallIndirect => lhs + "call.indirect " + ops + args,
            Op.IsType => lhs + "is " + ops + " " + i.Text,
            Op.TupleGet => lhs + "tuple.get " + i.Index + " " + ops,
            Op.LoadVar => lhs + "load " + i.Var,
            Op.StoreVar => "store " + i.Var + " = " + ops,
            Op.ArrayLoad => lhs + "array.load " + ops,
            Op.ArrayStore => "array.store " + ops,
            Op.ArrayAdd => "array.add " + ops,
            Op.NewArray => lhs + "array.new " + ops,
            Op.Slice => lhs + "slice " + ops,
            _ => lhs + i.Op.ToString().ToLowerInvariant() + " " + ops + (i.Text is null ? "" : " " + i.Text),
        };
    }

    public static string Print(Terminator t)
    {
        string E(Edge e) => e.Target + (e.Args.Count == 0 ? "" : "(" + string.Join(", ", e.Args) + ")");
        return t.Kind switch
        {
            TerminatorKind.Jump => "jump " + E(t.Edges[0]),
            TerminatorKind.Branch => "branch " + t.Value + ", " + E(t.Edges[0]) + ", " + E(t.Edges[1]),
            TerminatorKind.Switch => "switch " + t.Value + " [" + string.Join(", ", t.Edges.Select(E)) + "]",
            TerminatorKind.Return => "return" + (t.Value is null ? "" : " " + t.Value),
            TerminatorKind.Throw => "throw " + t.Value,
            _ => "unreachable",
        };
    }
}
