// Turns a [DerivativeOf] rule written in closure form into its split, allocation-free form:
// a Primal that returns the value and stores what the lambda captures in a Residuals struct, and
// a Pullback (or Differential) that is the lambda's body reading those residuals. Both halves go
// through the same lowering and emission as differentiable methods.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.IR;
using Nabla.Generator.Lowering;
using Nabla.Generator.Rules;
using TypeKind = Nabla.Generator.IR.TypeKind;

namespace Nabla.Generator.Pipeline;

internal static class RuleProcessor
{
    /// <param name="checkOnly">Only whether the rule can be used (CalleeResolver.IsRejected): its partials are not compiled.</param>
    public static GeneratedFile Process(IMethodSymbol rule, AttributeData attribute, SemanticModel model, CancellationToken ct, bool checkOnly = false)
    {
        var diagnostics = new List<DiagnosticInfo>();
        GeneratedFile Failed() => new(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        var location = rule.Locations.FirstOrDefault();
        void Invalid(string why, Location? at = null) =>
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.InvalidRule, at ?? location, rule.ToDisplayString(), why));
        try
        {
            // A rule written against the Tangent of a [Differentiable] type of this compilation binds where it is declared.
            if (rule.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(ct) is { } declared &&
                model.GetDiagnostics(declared.Span, ct).Any(d => d.Severity == DiagnosticSeverity.Error) &&
                TangentSynthesizer.WithTangentTypes(model.Compilation, ct) is var withTangents && withTangents != model.Compilation &&
                withTangents.GetSemanticModel(declared.SyntaxTree) is var rebound && rebound.GetDeclaredSymbol(declared, ct) is IMethodSymbol reboundRule &&
                Symbols.GetAttribute(reboundRule, Symbols.DerivativeOfAttribute) is { } reboundAttribute)
            {
                model = rebound;
                rule = reboundRule;
                attribute = reboundAttribute;
            }
            var info = RuleIndex.Resolve(rule, attribute, out var error, out bool aboutTheRule, model.Compilation);
            if (info is null)
            {
                Invalid(error!, aboutTheRule ? null : attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation());
                return Failed();
            }
            if (Symbols.IsDifferentiable(info.Original))
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.RuleReplacesBody, attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? location,
                    rule.ToDisplayString(), info.Original.ToDisplayString()));
            if (rule.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal) ||
                !TypeDeclarations.IsReachableFromAssembly(rule.ContainingType))
            { Invalid("a rule and its containing types must be public or internal"); return Failed(); }
            if (rule.IsGenericMethod || rule.ContainingType.IsGenericType) { Invalid("generic rules are not supported yet"); return Failed(); }
            string delegateName = info.IsForward ? "Differential" : "Pullback";
            var resultType = info.ResultType;
            if (rule.ReturnType is not INamedTypeSymbol { IsTupleType: true } tuple || tuple.TupleElements.Length != 2 ||
                !SymbolEqualityComparer.Default.Equals(tuple.TupleElements[0].Type, resultType) ||
                tuple.TupleElements[1].Type is not INamedTypeSymbol { TypeKind: Microsoft.CodeAnalysis.TypeKind.Delegate } del)
            {
                Invalid($"it must return ({resultType.ToDisplayString()} Value, Func<...> {delegateName})");
                return Failed();
            }
            var invoke = del.DelegateInvokeMethod!;
            var wrtTangents = info.Wrt.Select(k => TangentOf(info.InputTypes[k])).ToList();
            var resultTangent = TangentOf(resultType);
            if (!info.IsForward)
            {
                bool ok = invoke.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(invoke.Parameters[0].Type, resultTangent) &&
                          MatchesCotangents(invoke.ReturnType, wrtTangents);
                if (!ok)
                {
                    Invalid($"its pullback must take the result's cotangent ({Display(resultType)}) and return the cotangent of {Describe(info)} ({string.Join(", ", info.Wrt.Select(k => Display(info.InputTypes[k])))})");
                    return Failed();
                }
            }
            else
            {
                bool ok = invoke.Parameters.Length == wrtTangents.Count &&
                          invoke.Parameters.Zip(wrtTangents, (p, t) => SymbolEqualityComparer.Default.Equals(p.Type, t)).All(x => x) &&
                          SymbolEqualityComparer.Default.Equals(invoke.ReturnType, resultTangent);
                if (!ok)
                {
                    Invalid($"its differential must take the tangents of {Describe(info)} ({string.Join(", ", info.Wrt.Select(k => Display(info.InputTypes[k])))}) and return the result's tangent ({Display(resultType)})");
                    return Failed();
                }
            }

            var syntax = rule.DeclaringSyntaxReferences[0].GetSyntax(ct);
            if (model.GetOperation(syntax, ct) is not IMethodBodyOperation body) return Failed();
            var graph = ControlFlowGraph.Create(body, ct);
            var resolver = new CalleeResolver(model.Compilation);
            string residualType = "Residuals";

            // Primal: the rule's body up to its return, storing the lambda's captures.
            var primal = new IrFunction("Primal", Symbols.IrTypeOf(info.ResultType))
            { Summary = $"The value of {info.Original.ContainingType.Name}.{info.Original.Name}, keeping what the rule's {delegateName.ToLowerInvariant()} reads." };
            var bindings = new List<(ISymbol, Value)>();
            // An instance-form rule: the receiver is the first parameter, and the rule method stands for 'this' in lowering.
            string selfName = "self";
            for (int n = 1; rule.Parameters.Any(p => p.Name == selfName); n++) selfName = "self" + n;
            if (!rule.IsStatic)
                bindings.Add((rule, primal.AddParameter(selfName, Symbols.IrTypeOf(rule.ContainingType))));
            foreach (var p in rule.Parameters)
                bindings.Add((p, primal.AddParameter(Symbols.Identifier(p.Name), Symbols.IrTypeOf(p.Type))));
            var residuals = primal.AddRefParameter("residuals", new IrType(residualType, TypeKind.Other), RefKindIr.Out);
            var entry = primal.NewBlock();
            new IrBuilder(primal, entry).Store(residuals, new IrBuilder(primal, entry).Const(residuals.Type, "default"));
            var lowerer = new Lowerer(resolver, diagnostics, rule.ToDisplayString(), ct) { RuleMode = true, InRule = true, OuterGraph = graph, ThisRoot = rule.IsStatic ? null : rule };
            if (!lowerer.Lower(graph, primal, bindings)) return Failed();
            var ret = lowerer.RuleReturn;
            if (ret is null) { Invalid("it must end with 'return (value, lambda);'"); return Failed(); }
            if (primal.Blocks.Count(b => b.Terminator.Kind == TerminatorKind.Return) != 1 ||
                primal.Predecessors()[primal.Blocks.Single(b => b.Terminator.Kind == TerminatorKind.Return)].Count != 1)
            { Invalid("it must have exactly one return statement, 'return (value, lambda);'"); return Failed(); }
            var fields = ret.Captured.Select(s => (Name: s is IMethodSymbol ? selfName : Symbols.Identifier(s.Name), Type: Symbols.IrTypeOf(Lowerer.CapturedType(s)))).ToList();
            // Store the captures where the return is, just before it.
            var returnBlock = primal.Blocks.Single(b => b.Terminator.Kind == TerminatorKind.Return);
            var (fromBlock, _) = primal.Predecessors()[returnBlock][0];
            var sb = new IrBuilder(primal, fromBlock);
            for (int k = 0; k < fields.Count; k++)
                sb.Store(new Var("residuals." + fields[k].Name, fields[k].Type, VarKind.Field), lowerer.CapturedValuesAtReturn[k]);

            // Pullback or differential: the lambda's body, its captures read from the residuals.
            var lambdaSymbol = ret.Lambda.Symbol;
            var backward = new IrFunction(delegateName, Symbols.IrTypeOf(lambdaSymbol.ReturnType))
            {
                Summary = info.IsForward
                    ? $"The tangent of {info.Original.Name}'s result from the tangents of {Describe(info)}."
                    : $"The cotangent of {Describe(info)} from the cotangent of {info.Original.Name}'s result.",
            };
            var residualsIn = backward.AddRefParameter("residuals", new IrType(residualType, TypeKind.Other), RefKindIr.In);
            var lambdaBindings = new List<(ISymbol, Value)>();
            foreach (var p in lambdaSymbol.Parameters)
                lambdaBindings.Add((p, backward.AddParameter(Symbols.Identifier(p.Name), Symbols.IrTypeOf(p.Type))));
            var bentry = backward.NewBlock();
            var bb = new IrBuilder(backward, bentry);
            for (int k = 0; k < fields.Count; k++)
                lambdaBindings.Add((ret.Captured[k], bb.Load(new Var("residuals." + fields[k].Name, fields[k].Type, VarKind.Field), ret.Captured[k].Name)));
            var lambdaLowerer = new Lowerer(resolver, diagnostics, rule.ToDisplayString(), ct) { InRule = true, OuterGraph = ret.LambdaGraph, ThisRoot = rule.IsStatic ? null : rule };
            if (!lambdaLowerer.Lower(ret.LambdaGraph, backward, lambdaBindings)) return Failed();

            // A rule over arrays: the half it does not give is written from the other, which needs the arrays' lengths.
            var lengths = new List<(string Name, int Input)>();
            if (info.HasArrays)
            {
                var rb = new IrBuilder(primal, returnBlock);
                void StoreLength(string name, Value array, int input)
                {
                    rb.Store(new Var("residuals." + name, IrType.Int32, VarKind.Field), rb.Member(array, "Length", IrType.Int32));
                    fields.Add((name, IrType.Int32));
                    lengths.Add((name, input));
                }
                if (info.IsForward)
                {
                    foreach (int k in info.Wrt.Where(k => Symbols.IrTypeOf(info.InputTypes[k]).IsArray))
                        StoreLength("nablaLengthOfInput" + k, bindings[k].Item2, k);
                }
                else if (Symbols.IrTypeOf(info.ResultType).IsArray)
                    StoreLength("nablaLengthOfResult", returnBlock.Terminator.Value!, -1);
            }

            string className = Symbols.RuleSplitClassName(rule);
            var w = new SourceWriter();
            w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
            w.Open("namespace " + Symbols.RuleNamespace);
            w.Line($"/// <summary>Split, allocation-free form of the rule {rule.ContainingType.ToDisplayString()}.{rule.Name} for {info.Original.ContainingType.ToDisplayString()}.{info.Original.Name}.</summary>");
            w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open("public static partial class " + className);
            w.Line("/// <summary>What the rule's lambda captured.</summary>");
            w.Open("public struct " + residualType);
            foreach (var (name, type) in fields) w.Line("public " + type.Name + " " + name + ";");
            w.Close();
            w.Line();
            var lambdas = LambdasOf(primal, backward);
            CSharpEmitter.Emit(primal, w);
            w.Line();
            CSharpEmitter.Emit(backward, w);
            foreach (var lambda in lambdas)
            {
                w.Line();
                CSharpEmitter.Emit(lambda, w);
            }
            if (info.HasArrays)
            {
                w.Line();
                if (info.IsForward) WritePullbackFromDifferential(w, info, lengths);
                else WriteDifferentialFromPullback(w, info);
            }
            bool registered = WriteRegistration(w, info, model.Compilation);
            w.Close();
            w.Close();
            // Differentiable partial derivatives, for second order, when the rule's shape allows.
            var partials = !checkOnly && !diagnostics.Any(d => d.IsError) ? RulePartialsCompiler.Files(rule, info, model.Compilation, ct) : Array.Empty<GeneratedFile>();
            return new GeneratedFile(Symbols.RuleNamespace + "." + className + ".g.cs", w.ToString(),
                new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), RulesType: Symbols.TypeName(rule.ContainingType),
                RuleRegistration: registered ? "global::" + Symbols.RuleSplitMetadataName(rule) : null,
                Extras: new EquatableArray<GeneratedFile>(partials));
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.GeneratorFailure, location, rule.ToDisplayString(), e.GetType().Name + ": " + e.Message + " at " + MethodProcessor.FirstFrame(e)));
            return Failed();
        }
    }

    /// <summary>
    /// Whether the rule's original is registered for the run-time operators (a public static method of one to four
    /// inputs, by value): only then does a method group of it work with them.
    /// </summary>
    internal static bool IsRegistered(RuleInfo info)
    {
        var original = info.Original;
        int n = original.Parameters.Length;
        return n is >= 1 and <= 4 && !original.IsGenericMethod && original.DeclaredAccessibility == Accessibility.Public &&
               original.MethodKind == MethodKind.Ordinary && original.IsStatic &&
               original.Parameters.All(p => p.RefKind == RefKind.None && (Symbols.IrTypeOf(p.Type).IsReal || info.HasArrays && RuleIndex.IsRuleInput(p.Type)));
    }

    /// <summary>
    /// Registers the rule's original method with the runtime registry, so the operators work on it as a
    /// method group (<c>Autodiff.Derivative(Math.Sin, x)</c>), through the same split form.
    /// </summary>
    private static bool WriteRegistration(SourceWriter w, RuleInfo info, Compilation compilation)
    {
        var original = info.Original;
        int n = original.Parameters.Length;
        if (!IsRegistered(info))
            return false;
        var types = original.Parameters.Select(p => Symbols.TypeName(p.Type)).ToArray();
        string ret = Symbols.TypeName(original.ReturnType);
        string one = Symbols.IrTypeOf(original.ReturnType).Kind == TypeKind.Single ? "1f" : "1d";
        string names = string.Join(", ", Enumerable.Range(0, n).Select(k => "x" + k));
        string tangents = string.Join(", ", Enumerable.Range(0, n).Select(k => "d" + k));
        string Func(params string[] parts) => "global::System.Func<" + string.Join(", ", parts) + ">";
        string gAll = n == 1 ? types[0] : "(" + string.Join(", ", types) + ")";
        var wrt = info.Wrt;
        string Partial(string cot, int k) => wrt.Count == 1 ? cot : cot + ".Item" + (wrt.IndexOf(k) + 1);
        string All(string cot) => n == 1 ? (wrt.Contains(0) ? cot : "default") :
            "(" + string.Join(", ", Enumerable.Range(0, n).Select(k => wrt.Contains(k) ? $"({types[k]})" + Partial(cot, k) : $"default({types[k]})")) + ")";
        string dTangents = string.Join(", ", wrt.Select(k => "d" + k));
        w.Line();
        w.Line("/// <summary>Registers the original method for the runtime operators.</summary>");
        w.Open("internal static void NablaRegister()");
        w.Line("var nablaDerivatives = new global::Nabla.CompilerServices.DerivativeSet(");
        w.Indent++;
        if (info.HasArrays)
        {
            // Both halves exist; a cotangent the rule does not give is zeros shaped like its input.
            string Zeros(int k) => Symbols.IrTypeOf(original.Parameters[k].Type).IsArray
                ? $"new {Symbols.IrTypeOf(original.Parameters[k].Type).Element.Name}[x{k}.Length]" : $"default({types[k]})";
            string Cotangents(string cot) => n == 1 ? (wrt.Contains(0) ? cot : Zeros(0)) :
                "(" + string.Join(", ", Enumerable.Range(0, n).Select(k => wrt.Contains(k) ? Partial(cot, k) : Zeros(k))) + ")";
            w.Line(Symbols.IrTypeOf(original.ReturnType).IsReal
                ? $"({Func(types.Concat(new[] { $"({ret} Value, {gAll} Gradient)" }).ToArray())})(static ({names}) => {{ var v = Primal({names}, out var r); var c = Pullback(in r, {one}); return (v, {Cotangents("c")}); }}),"
                : "null,");
            w.Line($"({Func(types.Concat(types).Concat(new[] { $"({ret} Value, {ret} Tangent)" }).ToArray())})(static ({names}, {tangents}) => {{ var v = Primal({names}, out var r); return (v, Differential(in r, {dTangents})); }}),");
            w.Line($"({Func(types.Concat(new[] { $"({ret} Value, {Func(ret, gAll)} Pullback)" }).ToArray())})(static ({names}) => {{ var v = Primal({names}, out var r); return (v, ct => {{ var c = Pullback(in r, ct); return {Cotangents("c")}; }}); }}));");
        }
        else if (!info.IsForward)
        {
            w.Line($"({Func(types.Concat(new[] { $"({ret} Value, {gAll} Gradient)" }).ToArray())})(static ({names}) => {{ var v = Primal({names}, out var r); var c = Pullback(in r, {one}); return (v, {All("c")}); }}),");
            string jvpSum = string.Join(" + ", wrt.Select(k => $"{Partial("c", k)} * d{k}"));
            w.Line($"({Func(types.Concat(types).Concat(new[] { $"({ret} Value, {ret} Tangent)" }).ToArray())})(static ({names}, {tangents}) => {{ var v = Primal({names}, out var r); var c = Pullback(in r, {one}); return (v, ({ret})({jvpSum})); }}),");
            w.Line($"({Func(types.Concat(new[] { $"({ret} Value, {Func(ret, gAll)} Pullback)" }).ToArray())})(static ({names}) => {{ var v = Primal({names}, out var r); return (v, ct => {{ var c = Pullback(in r, ct); return {All("c")}; }}); }}));");
        }
        else
        {
            string Unit(int k) => string.Join(", ", wrt.Select(j => j == k ? one : "default"));
            string grad = n == 1 ? (wrt.Contains(0) ? $"Differential(in r, {Unit(0)})" : "default")
                : "(" + string.Join(", ", Enumerable.Range(0, n).Select(k => wrt.Contains(k) ? $"({types[k]})Differential(in r, {Unit(k)})" : $"default({types[k]})")) + ")";
            string gradCt = n == 1 ? (wrt.Contains(0) ? $"ct * Differential(in r, {Unit(0)})" : "default")
                : "(" + string.Join(", ", Enumerable.Range(0, n).Select(k => wrt.Contains(k) ? $"({types[k]})(ct * Differential(in r, {Unit(k)}))" : $"default({types[k]})")) + ")";
            w.Line($"({Func(types.Concat(new[] { $"({ret} Value, {gAll} Gradient)" }).ToArray())})(static ({names}) => {{ var v = Primal({names}, out var r); return (v, {grad}); }}),");
            w.Line($"({Func(types.Concat(types).Concat(new[] { $"({ret} Value, {ret} Tangent)" }).ToArray())})(static ({names}, {tangents}) => {{ var v = Primal({names}, out var r); return (v, Differential(in r, {dTangents})); }}),");
            w.Line($"({Func(types.Concat(new[] { $"({ret} Value, {Func(ret, gAll)} Pullback)" }).ToArray())})(static ({names}) => {{ var v = Primal({names}, out var r); return (v, ct => {gradCt}); }}));");
        }
        w.Indent--;
        string funcType = Func(types.Concat(new[] { ret }).ToArray());
        w.Line($"global::Nabla.CompilerServices.DerivativeRegistry.Register(({funcType}){Symbols.TypeName(original.ContainingType)}.{Symbols.Identifier(original.Name)}, nablaDerivatives);");
        // double.Cos as a method group is Math.Cos's twin (RuleIndex.GenericMathEquivalent): the same derivatives.
        if (RuleIndex.GenericMathEquivalent(original, compilation) is { } twin)
            w.Line($"global::Nabla.CompilerServices.DerivativeRegistry.Register(({funcType}){Symbols.TypeName(twin.ContainingType)}.{Symbols.Identifier(twin.Name)}, nablaDerivatives);");
        w.Close();
        return true;
    }

    /// <summary>
    /// The lambdas a rule's body passes to other code (a.Select(x => ...)): each a private method of the split class,
    /// named apart (the two halves number their lambdas each from one), found in lambdas too.
    /// </summary>
    private static List<IrFunction> LambdasOf(params IrFunction[] halves)
    {
        var found = new List<IrFunction>();
        var work = new Stack<IrFunction>(halves);
        while (work.Count > 0)
            foreach (var i in work.Pop().Blocks.SelectMany(b => b.Instrs))
                if (i.Op == Op.FunctionRef && i.Function is { } lambda && !found.Contains(lambda))
                {
                    found.Add(lambda);
                    lambda.Name = "Lambda" + found.Count;
                    work.Push(lambda);
                }
        return found;
    }

    private const string Adjoints = "global::Nabla.CompilerServices.Adjoints";

    /// <summary>
    /// A reverse rule over arrays: its differential, each component of the result's tangent the pullback of that
    /// component's unit cotangent dotted with the inputs' tangents (one pullback per result component).
    /// </summary>
    private static void WriteDifferentialFromPullback(SourceWriter w, RuleInfo info)
    {
        var result = Symbols.IrTypeOf(info.ResultType);
        var inputs = info.Wrt.Select(k => Symbols.TypeName(info.InputTypes[k])).ToList();
        string Cot(int k) => info.Wrt.Count == 1 ? "c" : "c.Item" + (k + 1);
        string Sum() => string.Join(" + ", inputs.Select((_, k) => $"{Adjoints}.Dot({Cot(k)}, t{k})"));
        string parameters = string.Join(", ", inputs.Select((t, k) => $"{t} t{k}"));
        w.Line($"/// <summary>The tangent of {info.Original.Name}'s result from the tangents of {Describe(info)}: the rule's pullback, once per component of the result.</summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open($"public static {Symbols.TypeName(info.ResultType)} Differential(in Residuals residuals, {parameters})");
        if (result.IsReal)
        {
            w.Line($"var c = Pullback(in residuals, {One(result)});");
            w.Line($"return ({result.Name})({Sum()});");
        }
        else
        {
            string element = result.Element.Name;
            w.Line("int m = residuals.nablaLengthOfResult;");
            w.Line($"var t = new {element}[m];");
            w.Line($"var e = new {element}[m];");
            w.Open("for (int j = 0; j < m; j++)");
            w.Line($"e[j] = {One(result.Element)};");
            w.Line("var c = Pullback(in residuals, e);");
            w.Line($"t[j] = ({element})({Sum()});");
            w.Line("e[j] = 0;");
            w.Close();
            w.Line("return t;");
        }
        w.Close();
    }

    /// <summary>
    /// A forward rule over arrays: its pullback, each component of an input's cotangent the differential along that
    /// component's unit tangent dotted with the result's cotangent (one differential per input component).
    /// </summary>
    private static void WritePullbackFromDifferential(SourceWriter w, RuleInfo info, List<(string Name, int Input)> lengths)
    {
        var resultType = Symbols.TypeName(info.ResultType);
        var types = info.Wrt.Select(k => Symbols.IrTypeOf(info.InputTypes[k])).ToList();
        var names = info.Wrt.Select(k => Symbols.TypeName(info.InputTypes[k])).ToList();
        string returned = names.Count == 1 ? names[0] : "(" + string.Join(", ", names) + ")";
        w.Line($"/// <summary>The cotangent of {Describe(info)} from the cotangent of {info.Original.Name}'s result: the rule's differential, once per component of the inputs.</summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open($"public static {returned} Pullback(in Residuals residuals, {resultType} ct)");
        for (int k = 0; k < types.Count; k++)
            w.Line(types[k].IsArray
                ? $"var z{k} = new {types[k].Element.Name}[residuals.{lengths.Single(l => l.Input == info.Wrt[k]).Name}];"
                : $"{names[k]} z{k} = 0;");
        for (int k = 0; k < types.Count; k++)
        {
            string Along(string unit) => "Differential(in residuals, " + string.Join(", ", types.Select((_, j) => j == k ? unit : "z" + j)) + ")";
            if (types[k].IsReal)
            {
                w.Line($"var c{k} = ({names[k]}){Adjoints}.Dot(ct, {Along(One(types[k]))});");
                continue;
            }
            string element = types[k].Element.Name;
            w.Line($"var c{k} = new {element}[z{k}.Length];");
            w.Open($"for (int j = 0; j < c{k}.Length; j++)");
            w.Line($"z{k}[j] = {One(types[k].Element)};");
            w.Line($"c{k}[j] = ({element}){Adjoints}.Dot(ct, {Along("z" + k)});");
            w.Line($"z{k}[j] = 0;");
            w.Close();
        }
        w.Line("return " + (types.Count == 1 ? "c0" : "(" + string.Join(", ", types.Select((_, k) => "c" + k)) + ")") + ";");
        w.Close();
    }

    private static string One(IrType real) => real.Kind == TypeKind.Single ? "1f" : "1d";

    private static string Describe(RuleInfo info) =>
        "(" + string.Join(", ", info.Wrt.Select(k => info.InputNames[k])) + ")";

    /// <summary>The tangent type of a rule's input or result: a real or a vector is its own, a [Differentiable] struct's is its nested Tangent.</summary>
    private static ITypeSymbol? TangentOf(ITypeSymbol type) =>
        Symbols.IrTypeOf(type) is { IsStruct: true } ir && !ir.Tangent.Equals(ir) ? type.GetTypeMembers("Tangent").FirstOrDefault() : type;

    /// <summary>A tangent type as C# names it.</summary>
    private static string Display(ITypeSymbol type) => TangentOf(type)?.ToDisplayString() ?? type.ToDisplayString() + ".Tangent";

    private static bool MatchesCotangents(ITypeSymbol returned, List<ITypeSymbol?> wrtTypes)
    {
        if (wrtTypes.Count == 1) return SymbolEqualityComparer.Default.Equals(returned, wrtTypes[0]);
        return returned is INamedTypeSymbol { IsTupleType: true } t && t.TupleElements.Length == wrtTypes.Count &&
               t.TupleElements.Zip(wrtTypes, (e, w) => SymbolEqualityComparer.Default.Equals(e.Type, w)).All(x => x);
    }
}
