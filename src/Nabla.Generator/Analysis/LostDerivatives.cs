// Finds where a derivative is lost in silence: a varied real value converted to an integer, a string or
// an object (NABLA0017, NABLA0019) whose converted value still reaches the result, and methods whose
// result does not depend on any differentiation input at all (NABLA0016).
using System;
using System.Collections.Generic;
using System.Linq;
using Nabla.Generator.IR;
using TypeKind = Nabla.Generator.IR.TypeKind;

namespace Nabla.Generator.Analysis;

internal static class LostDerivatives
{
    /// <summary>What a lossy conversion turns a varied real into.</summary>
    internal enum LossKind
    {
        /// <summary>An integer, <c>decimal</c> or <c>string</c>: the value goes on, with a derivative of zero (NABLA0017).</summary>
        Number,
        /// <summary>An <c>object</c>, an interface, <c>ValueType</c> or <c>Nullable</c>: boxed (NABLA0019).</summary>
        Boxed,
    }

    /// <summary>A conversion that drops the derivative of a varied real and whose result reaches the method's result.</summary>
    internal sealed record Loss(Instr Instr, LossKind Kind, string Target);

    /// <summary>Piecewise-constant functions whose zero derivative is explicit: converting their result loses nothing.</summary>
    private static readonly HashSet<string> Rounding = new(StringComparer.Ordinal)
    {
        "System.Math.Floor", "System.Math.Ceiling", "System.Math.Round", "System.Math.Truncate",
        "System.MathF.Floor", "System.MathF.Ceiling", "System.MathF.Round", "System.MathF.Truncate",
    };

    /// <summary>
    /// Every conversion of a varied real value to an integer, <c>decimal</c>, <c>string</c> (a call such as
    /// <c>ToString</c> or <c>Convert.ToInt32</c> without derivative) or a boxed type whose converted value then flows,
    /// through arithmetic, conversions, calls, variables and block parameters (not through comparisons, array
    /// indices or branch conditions), into a useful real value: the result depends on it, but no derivative goes
    /// through. Only instructions that <paramref name="own"/> accepts (the method's own source, not inlined callees) count.
    /// </summary>
    public static List<Loss> Find(IrFunction f, Activity activity, Func<SourceInfo, bool> own)
    {
        var losses = new List<Loss>();
        foreach (var i in f.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Result is null || !own(i.Source)) continue;
            (LossKind Kind, string Target)? loss = null;
            if (i.Op == Op.Convert && i.Operands[0].Type.IsReal && activity.IsVaried(i.Operands[0]) && !IsExplicitlyRounded(i.Operands[0]))
            {
                var to = i.Result.Type;
                if (to.Kind == TypeKind.Integer || to.Name == "decimal") loss = (LossKind.Number, "'" + to.Name + "'");
                else if (to.Kind == TypeKind.Other && to.Name != "string") loss = (LossKind.Boxed, to.Name.Replace("global::", ""));
            }
            else if (i.Op == Op.Convert && i.Operands[0].Type is { IsArray: true, IsDifferentiable: true } && activity.IsVaried(i.Operands[0]) &&
                     i.Result.Type.Kind == TypeKind.Other)
            {
                // An array holding derivatives seen as an IEnumerable<double>, an IList<double> or an object: what a
                // callee without derivatives computes from it has none (a.Sum() and friends are Nabla's own reductions).
                loss = (LossKind.Boxed, i.Result.Type.Name.Replace("global::", ""));
            }
            else if (i.Op == Op.Call && i.Callee is { Derivative: null, IsStopGradient: false } callee &&
                     (i.Result.Type.Kind == TypeKind.Integer || i.Result.Type.Name == "string") &&
                     !callee.DisplayName.StartsWith("System.Math.", StringComparison.Ordinal) &&
                     !callee.DisplayName.StartsWith("System.MathF.", StringComparison.Ordinal) &&
                     // (Their generic-math twins, double.Sign and float.ILogB, likewise.)
                     callee.DisplayName is not ("double.Sign" or "float.Sign" or "double.ILogB" or "float.ILogB") &&
                     !callee.DisplayName.EndsWith(".CompareTo", StringComparison.Ordinal) &&
                     i.AllInputs().Any(v => v.Type.IsReal && activity.IsVaried(v) && !IsExplicitlyRounded(v)))
            {
                loss = (LossKind.Number, "'" + i.Result.Type.Name + "' by '" + callee.DisplayName + "'");
            }
            if (loss is null) continue;
            if (ReachesUseful(f, activity, i.Result))
                losses.Add(new Loss(i, loss.Value.Kind, loss.Value.Target));
        }
        return losses;
    }

    private static bool IsExplicitlyRounded(Value v) =>
        v.Definition is { Op: Op.Call, Callee: { } c } && Rounding.Contains(c.DisplayName) ||
        v.Definition is { Op: Op.Convert } conv && conv.Operands[0].Type.IsReal && IsExplicitlyRounded(conv.Operands[0]);

    /// <summary>Whether <paramref name="start"/> flows by value into a real value the result depends on.</summary>
    private static bool ReachesUseful(IrFunction f, Activity activity, Value start)
    {
        var tainted = new HashSet<Value> { start };
        var taintedVars = new HashSet<Var>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var b in f.Blocks)
            {
                foreach (var i in b.Instrs)
                {
                    switch (i.Op)
                    {
                        case Op.StoreVar:
                            if (tainted.Contains(i.Operands[0])) changed |= taintedVars.Add(i.Var!);
                            continue;
                        case Op.LoadVar:
                            if (taintedVars.Contains(i.Var!)) changed |= tainted.Add(i.Result!);
                            continue;
                        case Op.ArrayStore:
                            if (tainted.Contains(i.Operands[i.Operands.Count - 1])) changed |= tainted.Add(i.Operands[0]);
                            continue;
                        case Op.ArrayLoad:
                            // An index selects data, as a branch does: only the array's contents carry the value on.
                            if (tainted.Contains(i.Operands[0])) changed |= tainted.Add(i.Result!);
                            continue;
                        case Op.StopGradient or Op.Const or Op.This or Op.TypeOf or Op.IsType or Op.NewArray:
                            continue;
                        case Op.Binary when i.BinaryOp is BinaryOp.Eq or BinaryOp.Ne or BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge
                            or BinaryOp.ConditionalAnd or BinaryOp.ConditionalOr:
                            // A comparison only decides a branch; the derivative is that of the branch taken.
                            continue;
                    }
                    if (i.Result != null && !tainted.Contains(i.Result) && i.AllInputs().Any(tainted.Contains))
                        changed |= tainted.Add(i.Result);
                    if (i.Op == Op.Call && i.Arguments != null)
                        foreach (var a in i.Arguments)
                            if (a.Variable != null && i.AllInputs().Any(tainted.Contains)) changed |= taintedVars.Add(a.Variable);
                }
                foreach (var e in b.Terminator.Edges)
                    for (int k = 0; k < e.Args.Count && k < e.Target.Params.Count; k++)
                        if (tainted.Contains(e.Args[k])) changed |= tainted.Add(e.Target.Params[k]);
            }
        }
        return tainted.Any(v => v.Type.IsDifferentiable && activity.IsUseful(v)) ||
               f.Blocks.Any(b => b.Terminator.Kind == TerminatorKind.Return && b.Terminator.Value is { } r && tainted.Contains(r));
    }

    /// <summary>
    /// Whether some output of <paramref name="f"/> is varied: a returned value, a real written into an array
    /// the caller sees (a useful array), or a ref or out parameter. When none is, every derivative is zero.
    /// </summary>
    public static bool AnyOutputVaried(IrFunction f, Activity activity)
    {
        if (f.Blocks.Any(b => b.Terminator.Kind == TerminatorKind.Return && b.Terminator.Value is { } r && r.Type.IsDifferentiable && activity.IsVaried(r)))
            return true;
        if (f.Parameters.Any(p => p.Variable != null && activity.IsActive(p.Variable)))
            return true;
        foreach (var i in f.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Op is Op.ArrayStore or Op.ArrayAdd && activity.IsUseful(i.Operands[0]) && activity.IsVaried(i.Operands[i.Operands.Count - 1]))
                return true;
            if (i.Op == Op.Call && i.Callee!.Derivative != null && i.AllInputs().Any(activity.IsVaried) &&
                i.AllInputs().Any(v => v.Type.IsArray && activity.IsUseful(v)))
                return true;
        }
        return false;
    }
}
