// Second derivatives by composing the IR transforms: forward mode written with differentiable rule
// partials (JvpTransform.Composable) gives the directional derivative ∇f(x)·v as an ordinary IR function
// of x; reverse mode of that function (VjpTransform.Fused) gives its gradient ∇(∇f·v) = H·v, the
// Hessian-vector product, at a small constant times the cost of a gradient (reverse over forward). The
// Hessian is H·e_j for each unit direction. Tangents of the two passes are distinct variables of
// distinct transforms, so perturbations cannot be confused.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Nabla.Generator.Analysis;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.IR;
using Nabla.Generator.Transforms;
using TypeKind = Nabla.Generator.IR.TypeKind;

namespace Nabla.Generator.Pipeline;

internal static class SecondOrder
{
    /// <summary>
    /// A file adding <c>{prefix}_HessianVectorProduct</c> and <c>{prefix}_Hessian</c> beside <paramref name="method"/>,
    /// or null with <paramref name="why"/> when its second derivatives cannot be generated.
    /// Inputs: one real array, or real scalars (several scalars give a matrix Hessian).
    /// </summary>
    public static string? Members(IMethodSymbol method, Compilation compilation, string prefix, string hintSuffix, out string? why, out string? hint,
        CancellationToken ct, string? wrtText = null, bool internalAccess = false)
    {
        hint = null;
        var diagnostics = new List<DiagnosticInfo>();
        var lowered = MethodProcessor.Lower(method, compilation, wrtText, null, diagnostics, ct);
        if (lowered is null)
        {
            // The first error says why (an unknown Wrt name, a call with no derivative).
            why = "its first derivative cannot be generated" +
                  (diagnostics.FirstOrDefault(d => d.IsError) is { } first ? " (" + first.ToDiagnostic().GetMessage(System.Globalization.CultureInfo.InvariantCulture) + ")" : "");
            return null;
        }
        var f = lowered.Function;
        var wrt = lowered.Wrt;
        if (!f.ReturnType.IsReal) { why = "its result is not a real scalar"; return null; }
        var wrtTypes = wrt.Select(k => f.Parameters[k].Type).ToList();
        if (wrt.Any(k => f.Parameters[k].Value is null)) { why = "its inputs are passed by reference"; return null; }
        if (f.Parameters.Any(p => p.Type.IsSpan)) { why = "it takes a span (not yet): take an array"; return null; }
        bool arrayInput = wrt.Count == 1 && wrtTypes[0].IsArray && wrtTypes[0].Rank == 1 && wrtTypes[0].Element.IsReal;
        bool scalarInputs = wrtTypes.All(t => t.IsReal) && wrtTypes.Distinct().Count() == 1;
        // A differentiable struct of real members (no arrays, not a class): the Hessian is over its tangent's flat view.
        bool structInput = wrt.Count == 1 && wrtTypes[0].IsStruct && !wrtTypes[0].IsReference && !wrtTypes[0].HasArrayLeaves;
        if (!arrayInput && !scalarInputs && !structInput)
        {
            why = "Hessians need one array input, real scalar inputs of one type, or one differentiable struct without array members";
            return null;
        }

        var directional = JvpTransform.Composable(f, wrt, lowered.Activity, prefix + "_DirectionalDerivative", out why);
        if (directional is null) return null;
        var inputs = wrt.Select(k => directional.Parameters[k].Value!).ToList();
        var outputs = directional.Blocks.Where(b => b.Terminator.Kind == TerminatorKind.Return && b.Terminator.Value != null)
            .Select(b => b.Terminator.Value!).ToList();
        outputs.AddRange(directional.Parameters.Where(p => p.Value != null && p.Value.Type.IsArray).Select(p => p.Value!));
        var activity = Activity.Analyze(directional, inputs, outputs, new List<Var>());
        foreach (var i in directional.Blocks.SelectMany(b => b.Instrs))
            // (A tangent array the forward mode makes, zeros shaped like an array, holds only what is stored into it later:
            // the reverse pass gives it a shadow of zeros.)
            if (i.Op == Op.Call && i.Callee!.Derivative is null && !i.Callee.IsStopGradient && activity.IsActive(i.Result) &&
                !(i.Result!.Type.IsArray && IrBuilder.MakesZerosLike(i.Callee)))
            {
                why = $"'{i.Callee.DisplayName}' in its first derivative has no derivative";
                return null;
            }
        var core = VjpTransform.Fused(directional, wrt, activity, prefix + "_HessianVectorCore", FusedResult.ValueAndGradient).Primal;
        core.Modifiers = "internal static";
        core.Summary = $"Reverse over forward mode of {method.ContainingType.Name}.{method.Name}: the directional derivative ∇f·v and its gradient H·v.";

        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        TypeDeclarations.Open(w, method.ContainingType);
        CSharpEmitter.Emit(core, w);
        w.Line();

        // A private method's second derivatives for an operator's call site: internal, so that its interceptor can call them.
        string access = internalAccess && method.DeclaredAccessibility == Accessibility.Private ? "internal" : Symbols.Accessibility(method.DeclaredAccessibility);
        var parameters = f.Parameters.Select(p => (Type: p.Type.Name, Name: p.Name)).ToList();
        string primalList = string.Join(", ", parameters.Select(p => p.Type + " " + p.Name));
        string T = structInput ? "double" : (arrayInput ? wrtTypes[0].Element : wrtTypes[0]).Name;
        string one = T == "float" ? "1f" : "1d";
        string display = method.ContainingType.Name + "." + method.Name;
        // Each product reruns the function: copy the input only if the function may write into an array.
        bool writesArrays = f.Blocks.SelectMany(b => b.Instrs).Any(i => i.Op is Op.ArrayStore or Op.ArrayAdd ||
            i.Op == Op.Call && i.Arguments != null && i.Arguments.Any(a => a.Value != null && a.Value.Type.IsArray));
        if (structInput)
        {
            string tangent = wrtTypes[0].Tangent.Name;
            string args = string.Join(", ", parameters.Select(p => p.Name));
            w.Line($"/// <summary>The Hessian-vector product H·v of {display} at its inputs (reverse over forward mode).</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open($"{access} static {tangent} {prefix}_HessianVectorProduct({primalList}, {tangent} nablaDirection)");
            w.Line($"return {prefix}_HessianVectorCore({args}, nablaDirection).Gradient;");
            w.Close();
            w.Line();
            w.Line($"/// <summary>The Hessian of {display} over the flat view of {parameters[wrt[0]].Name}'s tangent: one Hessian-vector product per column.</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open($"{access} static double[,] {prefix}_Hessian({primalList})");
            if (wrtTypes[0].Name is "global::System.Numerics.Vector2" or "global::System.Numerics.Vector3" or "global::System.Numerics.Vector4")
            {
                // A vector is its own tangent, with components X, Y, Z, W (and no flat view of its own).
                var components = wrtTypes[0].Fields.Select(c => c.Name).ToList();
                w.Line($"var nablaHessian = new double[{components.Count}, {components.Count}];");
                for (int j = 0; j < components.Count; j++)
                {
                    string unit = "new " + tangent + "(" + string.Join(", ", components.Select((_, k) => k == j ? "1f" : "0f")) + ")";
                    w.Line($"var nablaColumn{j} = {prefix}_HessianVectorCore({args}, {unit}).Gradient;");
                    for (int i = 0; i < components.Count; i++) w.Line($"nablaHessian[{i}, {j}] = nablaColumn{j}.{components[i]};");
                }
            }
            else
            {
                w.Line($"var nablaZero = {tangent}.Zero;");
                w.Line("int nablaN = nablaZero.Count;");
                w.Line("var nablaHessian = new double[nablaN, nablaN];");
                w.Line("var nablaUnit = new double[nablaN];");
                w.Line("var nablaColumn = new double[nablaN];");
                w.Open("for (int nablaJ = 0; nablaJ < nablaN; nablaJ++)");
                w.Line("nablaUnit[nablaJ] = 1d;");
                w.Line($"{prefix}_HessianVectorCore({args}, nablaZero.FromSpan(nablaUnit)).Gradient.CopyTo(nablaColumn);");
                w.Line("nablaUnit[nablaJ] = 0d;");
                w.Line("for (int nablaI = 0; nablaI < nablaN; nablaI++) nablaHessian[nablaI, nablaJ] = nablaColumn[nablaI];");
                w.Close();
            }
            w.Line("return nablaHessian;");
            w.Close();
        }
        else if (arrayInput)
        {
            string x = parameters[wrt[0]].Name;
            // (The forward mode writes the direction too, as the tangent of the input it writes.)
            string copy = writesArrays ? $"({T}[]){x}.Clone()" : x;
            string direction = writesArrays ? $"({T}[])nablaDirection.Clone()" : "nablaDirection";
            string ArgsWith(string array) => string.Join(", ", parameters.Select((p, k) => k == wrt[0] ? array : p.Name));
            w.Line($"/// <summary>The Hessian-vector product H·v of {display} at its inputs (reverse over forward mode).</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open($"{access} static {T}[] {prefix}_HessianVectorProduct({primalList}, {T}[] nablaDirection)");
            w.Line($"global::Nabla.CompilerServices.Shadow.CheckTangentLength({x}, nablaDirection);");
            w.Line($"return {prefix}_HessianVectorCore({ArgsWith(copy)}, {direction}).Gradient;");
            w.Close();
            w.Line();
            w.Line($"/// <summary>The Hessian of {display} with respect to {x}: one Hessian-vector product per column.</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open($"{access} static {T}[,] {prefix}_Hessian({primalList})");
            w.Line($"int nablaN = {x}.Length;");
            w.Line($"var nablaHessian = new {T}[nablaN, nablaN];");
            w.Line($"var nablaDirection = new {T}[nablaN];");
            w.Open("for (int nablaJ = 0; nablaJ < nablaN; nablaJ++)");
            w.Line($"nablaDirection[nablaJ] = {one};");
            w.Line($"var nablaColumn = {prefix}_HessianVectorCore({ArgsWith(copy)}, {direction}).Gradient;");
            w.Line("nablaDirection[nablaJ] = default;");
            w.Line("for (int nablaI = 0; nablaI < nablaN; nablaI++) nablaHessian[nablaI, nablaJ] = nablaColumn[nablaI];");
            w.Close();
            w.Line("return nablaHessian;");
            w.Close();
        }
        else
        {
            int n = wrt.Count;
            string args = string.Join(", ", parameters.Select(p => p.Name));
            var vNames = wrt.Select(k => "nablaDirection_" + parameters[k].Name.TrimStart('@')).ToList();
            string vector = n == 1 ? T : "(" + string.Join(", ", Enumerable.Repeat(T, n)) + ")";
            w.Line($"/// <summary>The Hessian-vector product H·v of {display} at its inputs (reverse over forward mode).</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open($"{access} static {vector} {prefix}_HessianVectorProduct({primalList}, {string.Join(", ", vNames.Select(v => T + " " + v))})");
            w.Line($"return {prefix}_HessianVectorCore({args}, {string.Join(", ", vNames)}).Gradient;");
            w.Close();
            w.Line();
            w.Line($"/// <summary>The Hessian of {display}: the second derivative" + (n == 1 ? "" : "s, one Hessian-vector product per column") + ".</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            if (n == 1)
            {
                w.Open($"{access} static {T} {prefix}_Hessian({primalList})");
                w.Line($"return {prefix}_HessianVectorCore({args}, {one}).Gradient;");
                w.Close();
            }
            else
            {
                w.Open($"{access} static {T}[,] {prefix}_Hessian({primalList})");
                w.Line($"var nablaHessian = new {T}[{n}, {n}];");
                for (int j = 0; j < n; j++)
                {
                    string unit = string.Join(", ", Enumerable.Range(0, n).Select(k => k == j ? one : "default"));
                    w.Line($"var nablaColumn{j} = {prefix}_HessianVectorCore({args}, {unit}).Gradient;");
                    for (int i = 0; i < n; i++) w.Line($"nablaHessian[{i}, {j}] = nablaColumn{j}.Item{i + 1};");
                }
                w.Line("return nablaHessian;");
                w.Close();
            }
        }
        TypeDeclarations.Close(w, method.ContainingType);
        hint = MethodProcessor.HintName(method.ContainingType) + "." + prefix + MethodProcessor.CaseSuffix(method) + "." + hintSuffix + ".Hessian.g.cs";
        why = null;
        return w.ToString();
    }
}
