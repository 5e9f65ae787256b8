// Removes repeated pure computations within a block (the same load, the same index arithmetic), so
// that reverse mode records each value once: x[i] * x[i] reads x[i] once.
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;

namespace Nabla.Generator.Transforms;

internal static class LocalValueNumbering
{
    public static void Run(IrFunction f)
    {
        var replace = new Dictionary<Value, Value>();
        Value R(Value v) => replace.TryGetValue(v, out var r) ? r : v;
        foreach (var block in f.Blocks)
        {
            var seen = new Dictionary<string, Value>();
            foreach (var i in block.Instrs)
            {
                for (int k = 0; k < i.Operands.Count; k++) i.Operands[k] = R(i.Operands[k]);
                if (i.Arguments != null) foreach (var a in i.Arguments) if (a.Value != null) a.Value = R(a.Value);
                // Memory may change: forget loads after a store or a call.
                if (i.Op is Op.ArrayStore or Op.ArrayAdd or Op.Call or Op.StoreVar or Op.New)
                {
                    foreach (var key in seen.Keys.Where(k => k.StartsWith("load", System.StringComparison.Ordinal) || k.StartsWith("var", System.StringComparison.Ordinal)).ToList())
                        seen.Remove(key);
                }
                string? id = Key(i);
                if (id is null || i.Result is null) continue;
                if (seen.TryGetValue(id, out var earlier)) replace[i.Result] = earlier;
                else seen[id] = i.Result;
            }
            var t = block.Terminator;
            if (t.Value != null) t.Value = R(t.Value);
            foreach (var e in t.Edges) for (int k = 0; k < e.Args.Count; k++) e.Args[k] = R(e.Args[k]);
        }
        if (replace.Count == 0) return;
        // Uses in later blocks (a value used outside its block) follow the replacement too.
        f.ReplaceUses(replace);
        foreach (var block in f.Blocks)
            block.Instrs.RemoveAll(i => i.Result != null && replace.ContainsKey(i.Result));
    }

    private static string? Key(Instr i)
    {
        string ops = string.Join(",", i.Operands.Select(o => o.Id));
        return i.Op switch
        {
            Op.Binary when !i.Checked => "bin" + i.BinaryOp + ":" + i.Result!.Type.Name + ":" + ops,
            Op.Unary when !i.Checked => "un" + i.UnaryOp + ":" + ops,
            Op.Convert when !i.Checked => "conv" + i.Result!.Type.Name + ":" + ops,
            Op.Const => "const" + i.Result!.Type.Name + ":" + i.Text,
            Op.ArrayLoad => "load:" + ops,
            Op.Member when i.Text == "Length" && i.Operands.Count == 1 && i.Operands[0].Type.IsArray => "len:" + ops,
            Op.LoadVar => "var" + i.Var!.Name,
            _ => null,
        };
    }
}
