// Runs the compiler pass for one [Differentiable] method or one named derivative declaration:
// checks, lowering, activity analysis, the JVP and VJP transforms, and emission.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Nabla.Generator.Analysis;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.IR;
using Nabla.Generator.Lowering;
using Nabla.Generator.Rules;
using Nabla.Generator.Transforms;
using TypeKind = Nabla.Generator.IR.TypeKind;

namespace Nabla.Generator.Pipeline;

/// <summary>A method lowered to IR and analysed, ready for the transforms.</summary>
internal sealed class LoweredMethod
{
    public LoweredMethod(IrFunction function, List<int> wrt, Activity activity)
    {
        Function = function;
        Wrt = wrt;
        Activity = activity;
    }

    public IrFunction Function { get; }
    public List<int> Wrt { get; }
    public Activity Activity { get; }
}

internal static class MethodProcessor
{
    /// <summary>The whole pass for a [Differentiable] method: JVP, split VJP, fused VJP, registration.</summary>
    public static GeneratedFile Process(IMethodSymbol method, SemanticModel model, CancellationToken ct)
    {
        method = method.PartialImplementationPart ?? method;
        if (Symbols.IeeeTypeParameter(method) is not { } parameter)
            return Process(method, model, "", ct);
        // Generic math: one source, derivatives for double and for float (overloads; residual types named apart).
        GeneratedFile forDouble, forSingle;
        using (Symbols.Substitute(parameter, IrType.Double, model.Compilation.GetSpecialType(SpecialType.System_Double))) forDouble = Process(method, model, "_double", ct);
        using (Symbols.Substitute(parameter, IrType.Single, model.Compilation.GetSpecialType(SpecialType.System_Single))) forSingle = Process(method, model, "_float", ct);
        var diagnostics = forDouble.Diagnostics.Concat(forSingle.Diagnostics).Distinct().ToArray();
        if (!forDouble.HasCode || !forSingle.HasCode)
            return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics));
        return forDouble with { Diagnostics = new EquatableArray<DiagnosticInfo>(diagnostics), Extras = new EquatableArray<GeneratedFile>(new[] { forSingle with { Diagnostics = default } }) };
    }

    private static GeneratedFile Process(IMethodSymbol method, SemanticModel model, string instantiation, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();
        try
        {
            if (method.MethodKind == MethodKind.LocalFunction && !method.IsAsync && !method.IsGenericMethod)
                return new GeneratedFile(null, null, default);   // inlined into the [Differentiable] code that calls it
            if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.PropertyGet) && !Symbols.IsDifferentiableSetter(method) && !Symbols.IsDifferentiableConstructor(method) && !IsArithmeticOperator(method))
            {
                Check(method, null, diagnostics);
                return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
            }
            if (TakesFunctions(method))
            {
                // Differentiated where it is called with known functions (inlined there); here its body is only checked.
                if (Check(method, null, diagnostics))
                {
                    if (!method.IsStatic)
                        diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedSignature, Where(method), method.ToDisplayString(),
                            "a method taking a function (a delegate parameter) is differentiated by inlining it where it is called with a lambda or a method group: make it static"));
                    else
                        LowerBody(method, model.Compilation, null, diagnostics, ct);
                }
                return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
            }
            var lowered = Check(method, null, diagnostics) ? Lower(method, model.Compilation, null, null, diagnostics, ct, reportWarnings: true) : null;
            if (lowered is null)
                return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
            return Emit(method, lowered, diagnostics, model.Compilation, instantiation);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // Never throw into the compiler: a bug in Nabla is a diagnostic, not a crash.
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.GeneratorFailure, Where(method), method.ToDisplayString(), e.GetType().Name + ": " + e.Message + " at " + FirstFrame(e)));
            return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));
        }
    }

    /// <summary>A file name for a type's generated code, unique per type (dots kept, generic arity spelled out).</summary>
    internal static string HintName(INamedTypeSymbol type)
    {
        var sb = new System.Text.StringBuilder();
        foreach (char c in type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", ""))
            sb.Append(char.IsLetterOrDigit(c) || c == '_' || c == '.' ? c : c == '<' ? '{' : c == '>' ? '}' : c == ',' ? '-' : '_');
        var siblings = type.ContainingType?.GetTypeMembers() ?? type.ContainingNamespace?.GetTypeMembers() ?? default;
        return sb.ToString() + CaseSuffix(type.Name, siblings.IsDefault ? Enumerable.Empty<string>() : siblings.Select(t => t.Name));
    }

    /// <summary>
    /// Hint names are compared ignoring case: a name that another of its siblings (a member of its type, a type of its
    /// namespace) spells with other cases (fn2 and Fn2) gets a suffix saying where its capitals are, so both files are kept.
    /// </summary>
    internal static string CaseSuffix(string name, IEnumerable<string> siblings)
    {
        if (!siblings.Any(other => other != name && string.Equals(other, name, StringComparison.OrdinalIgnoreCase))) return "";
        var capitals = new System.Text.StringBuilder("_C");
        for (int i = 0; i < name.Length; i++)
            if (char.IsUpper(name[i])) capitals.Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('_');
        return capitals.ToString();
    }

    /// <summary>A method's hint-name suffix (<see cref="CaseSuffix"/>) among its type's members.</summary>
    internal static string CaseSuffix(IMethodSymbol method) =>
        method.ContainingType is { } type ? CaseSuffix(method.Name, type.GetMembers().Select(m => m.Name)) : "";

    /// <summary>Where in Nabla an unexpected exception came from, for the bug report.</summary>
    internal static string FirstFrame(Exception e) =>
        (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("Nabla.Generator")) ?? "?";

    /// <summary>[Differentiable] on a property or a type: reported until those are supported, never ignored.</summary>
    public static GeneratedFile NotYetDifferentiable(ISymbol symbol)
    {
        string why = symbol is INamedTypeSymbol
            ? "only classes, structs and records can be differentiable types"
            : "only ordinary methods can be [Differentiable] for now (properties, operators, constructors and local functions are planned); move the computation into a [Differentiable] method";
        var d = DiagnosticInfo.Create(Descriptors.UnsupportedSignature, symbol.Locations.FirstOrDefault(), symbol.ToDisplayString(), why);
        return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[] { d }));
    }

    /// <summary>Whether a parameter is a delegate: such a method is differentiated only inlined into its callers.</summary>
    internal static bool TakesFunctions(IMethodSymbol method) =>
        method.Parameters.Any(p => p.Type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Delegate);

    /// <summary>A user-defined +, -, *, /, % or unary + or -: differentiated as the static method it is.</summary>
    private static bool IsArithmeticOperator(IMethodSymbol method) => Symbols.OperatorToken(method) != null;

    /// <summary>The instance fields and auto-properties of the type declared with an initializer (<c>public float C = 2f;</c>).</summary>
    private static IEnumerable<(string Name, ExpressionSyntax Value)> MemberInitializers(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().SelectMany(t => t.Members)
            .SelectMany(m => m switch
            {
                FieldDeclarationSyntax f when !f.Modifiers.Any(SyntaxKind.StaticKeyword) && !f.Modifiers.Any(SyntaxKind.ConstKeyword) =>
                    f.Declaration.Variables.Where(v => v.Initializer != null).Select(v => (v.Identifier.ValueText, v.Initializer!.Value)),
                PropertyDeclarationSyntax p when p.Initializer != null && !p.Modifiers.Any(SyntaxKind.StaticKeyword) =>
                    new[] { (p.Identifier.ValueText, p.Initializer.Value) },
                _ => Enumerable.Empty<(string, ExpressionSyntax)>(),
            });

    /// <summary>Whether a method of its assembly's source overrides <paramref name="method"/>.</summary>
    private static bool IsOverriddenInItsAssembly(IMethodSymbol method) =>
        RuleIndex.AllTypes(method.ContainingAssembly.GlobalNamespace)
            .Where(t => t.TypeKind == Microsoft.CodeAnalysis.TypeKind.Class)
            .SelectMany(t => t.GetMembers(method.Name).OfType<IMethodSymbol>())
            .Any(m => m.IsOverride && CalleeResolver.Overrides(m, method.OriginalDefinition));

    /// <summary>A numeric literal, possibly negated (<c>2f</c>, <c>-1.5</c>): its value, or null.</summary>
    private static double? NumericLiteral(ExpressionSyntax value) => value switch
    {
        LiteralExpressionSyntax { Token.Value: double or float or int or long or decimal } literal =>
            System.Convert.ToDouble(literal.Token.Value, System.Globalization.CultureInfo.InvariantCulture),
        PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression, Operand: var operand } => -NumericLiteral(operand),
        ParenthesizedExpressionSyntax { Expression: var inner } => NumericLiteral(inner),
        _ => null,
    };

    /// <summary>The first member initialized with something other than a numeric literal (the constructor's derivatives
    /// start members at those), or null.</summary>
    private static string? MemberInitializer(INamedTypeSymbol type) =>
        MemberInitializers(type).Where(m => NumericLiteral(m.Value) is null).Select(m => m.Name).FirstOrDefault();

    /// <summary>The numeric literals members are initialized with, by member name.</summary>
    private static Dictionary<string, double> ConstantMemberInitializers(INamedTypeSymbol type)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in MemberInitializers(type))
            if (NumericLiteral(value) is { } v) result[Symbols.Identifier(name)] = v;
        return result;
    }

    /// <summary>Checks that a method can be differentiated at all; reports why not.</summary>
    public static bool Check(IMethodSymbol method, Location? reportAt, List<DiagnosticInfo> diagnostics)
    {
        var location = reportAt ?? Where(method);
        void Fail(string why) =>
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedSignature, location, method.ToDisplayString(), why));
        if (Symbols.IsExtensionBlockMember(method))
        {
            Fail("it is a member of a C# 14 extension block, which Nabla does not differentiate yet: write it as a classic extension method (public static double Sq(this double x) in a static partial class)");
            return false;
        }
        // (Its type need not be partial: nothing is written beside it.)
        if (method.IsAbstract && method.ContainingType.TypeKind is Microsoft.CodeAnalysis.TypeKind.Class or Microsoft.CodeAnalysis.TypeKind.Interface && !method.IsStatic)
        {
            // Nothing to generate: calls dispatch to the [Differentiable] overrides or implementations (Transforms/VirtualDispatch).
            return false;
        }
        if (reportAt is null)
        {
            var nonPartial = TypeDeclarations.FirstNonPartial(method.ContainingType);
            if (nonPartial != null)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.TypeNotPartial, location, nonPartial.Name, method.Name));
                return false;
            }
        }
        if (method.MethodKind is not (MethodKind.Ordinary or MethodKind.PropertyGet) && !Symbols.IsDifferentiableSetter(method) && !Symbols.IsDifferentiableConstructor(method) && !IsArithmeticOperator(method))
        {
            Fail(method.MethodKind == MethodKind.Constructor
                ? "only constructors of [Differentiable] structs (whose members are visible) can be [Differentiable]; a class's objects are not created in differentiable code"
                : method.MethodKind == MethodKind.LocalFunction
                ? "a [Differentiable] local function must not be generic or async (it is inlined into the [Differentiable] code that calls it); or make it a [Differentiable] method of the type"
                : method.MethodKind is MethodKind.UserDefinedOperator or MethodKind.Conversion
                ? "only the arithmetic operators (+, -, *, /, % and unary + and -) can be [Differentiable]; write a conversion or comparison as a [Differentiable] method"
                : "only methods, property and indexer getters, arithmetic operators, static local functions and constructors of differentiable structs can be [Differentiable]; move the computation into a [Differentiable] method");
            return false;
        }
        if (method.IsGenericMethod && Symbols.IeeeTypeParameter(method) is null || method.ContainingType.IsGenericType && Symbols.IeeeTypeParameter(method) is null)
        {
            Fail("generic methods and methods of generic types are not supported yet, except a method generic over one T : IFloatingPointIeee754<T> (differentiated for double and float)");
            return false;
        }
        if (method.IsAsync) { Fail("an async method cannot be differentiated"); return false; }
        if ((method.IsVirtual || method.IsOverride || method.IsAbstract) && method.ContainingType.IsGenericType && IsOverriddenInItsAssembly(method))
        {
            Fail("virtual methods of generic classes that are overridden are not supported yet (their calls would not dispatch to the overrides' derivatives): make it non-virtual, or move it to a class that is not generic");
            return false;
        }
        if (Symbols.IsDifferentiableConstructor(method) && MemberInitializer(method.ContainingType) is { } initialized)
        {
            Fail($"its struct initializes the member '{initialized}' where it is declared with an expression other than a number, which the constructor's derivatives do not run yet: assign it in the constructor instead");
            return false;
        }
        if (Symbols.IsDifferentiableConstructor(method) &&
            method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is ConstructorDeclarationSyntax { Initializer: { } chained })
        {
            // (Its derivatives would start from 'default' and miss what the other constructor assigns.)
            Fail($"it chains to another constructor (': {chained.ThisOrBaseKeyword.ValueText}(…)'), which its derivatives do not run yet: assign the members in this constructor");
            return false;
        }
        if (method.IsAbstract || method.IsExtern || method.DeclaringSyntaxReferences.IsEmpty) { Fail("it has no body to differentiate"); return false; }
        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax();
        if (method.ContainingType.IsFileLocal) { Fail("its type is file-local ('file'), and generated code in another file cannot extend it: remove 'file'"); return false; }
        if (syntax is MethodDeclarationSyntax { Body: null, ExpressionBody: null }) { Fail("it has no body to differentiate"); return false; }
        if (syntax.DescendantNodes().Any(n => n is YieldStatementSyntax)) { Fail("an iterator cannot be differentiated"); return false; }
        if (method.Modifiers().Contains("unsafe")) { Fail("unsafe code cannot be differentiated"); return false; }
        if (Symbols.IrTypeOf(method.ReturnType).IsSpan) { Fail("it returns a span (a view that cannot travel in a (Value, Tangent) tuple): write the result into a Span parameter, or return an array"); return false; }
        if (Symbols.IrTypeOf(method.ReturnType).IsStructArray) { Fail("its result is an array of structs (not yet): return a struct holding arrays, or write into an array parameter"); return false; }
        if (!method.ReturnsVoid && !Symbols.IsDifferentiableType(method.ReturnType)) { Fail($"its result type '{method.ReturnType.ToDisplayString()}' {Symbols.NotADifferentiableResult}"); return false; }
        if (method.ReturnsByRef || method.ReturnsByRefReadonly) { Fail("it returns by reference"); return false; }
        foreach (var p in method.Parameters)
            if (!Symbols.HasAttribute(p, Symbols.NoDerivativeAttribute) && ElementStruct(Symbols.IrTypeOf(p.Type)) is { IsDifferentiable: true } element &&
                !Symbols.IsDifferentiableType(p.Type))
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, p.Locations.FirstOrDefault(), "this array of " + element.Name.Replace("global::", "") + " as a differentiation input",
                    " (not yet: one-dimensional arrays of structs without array members, or of vectors, are supported): mark it [NoDerivative] if it is data, or pass one array per member."));
                return false;
            }
        foreach (var p in method.Parameters)
            if (p.RefKind is RefKind.Ref or RefKind.Out && Symbols.IrTypeOf(p.Type).IsStruct)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, p.Locations.FirstOrDefault(), "a struct passed by ref or out",
                    "; pass it by value (or 'in') and return the new value."));
                return false;
            }
        foreach (var p in method.Parameters)
            if (p.RefKind is RefKind.Ref or RefKind.Out && Symbols.IrTypeOf(p.Type).IsArray)
            {
                bool span = Symbols.IrTypeOf(p.Type).IsSpan;
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, p.Locations.FirstOrDefault(), span ? "a span passed by ref or out" : "an array passed by ref or out",
                    span ? "; pass the span by value (the elements of a Span<T> can still be written)." : "; pass the array by value (its elements can still be written) and return a new array if it must be replaced."));
                return false;
            }
        foreach (var p in method.Parameters)
            if (!Symbols.HasAttribute(p, Symbols.NoDerivativeAttribute) && Symbols.IrTypeOf(p.Type) is { IsSpan: true } span && !span.IsDifferentiable &&
                span.Element.IsDifferentiable)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, p.Locations.FirstOrDefault(), "a span of " + span.Element.Name.Replace("global::", "") + " as a differentiation input",
                    " (not yet: spans of double and float are supported): mark it [NoDerivative] if it is data, or pass an array."));
                return false;
            }
        return true;
    }

    /// <summary>Where to report about a method: a property getter's property name, else the method's name.</summary>
    private static Location? Where(IMethodSymbol method) =>
        method.MethodKind == MethodKind.PropertyGet && method.AssociatedSymbol != null
            ? method.AssociatedSymbol.Locations.FirstOrDefault() : method.Locations.FirstOrDefault();

    /// <summary>The struct at the bottom of an array type (Vector3 for Vector3[][]), or null.</summary>
    private static IrType? ElementStruct(IrType type) => !type.IsArray || type.IsSpan ? null : type.Element.IsStruct ? type.Element : ElementStruct(type.Element);

    private static IEnumerable<string> Modifiers(this IMethodSymbol m) =>
        m.DeclaringSyntaxReferences.Select(r => r.GetSyntax()).OfType<MethodDeclarationSyntax>().SelectMany(d => d.Modifiers.Select(t => t.Text));

    /// <summary>
    /// Lowers <paramref name="method"/> and analyses activity for its differentiation inputs
    /// (<paramref name="wrtText"/>, or the method's own Wrt, or every differentiable parameter).
    /// </summary>
    public static LoweredMethod? Lower(IMethodSymbol method, Compilation compilation, string? wrtText, IReadOnlyList<string>? parameterNames,
        List<DiagnosticInfo> diagnostics, CancellationToken ct, Location? wrtLocation = null, bool reportWarnings = false)
    {
        var attr = Symbols.GetAttribute(method, Symbols.DifferentiableAttribute);
        bool namedFunctionWrt = wrtText != null;
        wrtText ??= attr is null ? null : Symbols.NamedString(attr, "Wrt");
        var wrt = Symbols.ParseWrt(method, wrtText, out var unknown);
        // A differentiable struct's 'this' is an input too, unless a Wrt list leaves it out ("this" names it).
        bool selfInWrt = wrtText is null || wrtText.Split(',').Any(w => w.Trim() == "this");
        if (unknown == "this" && Symbols.HasDifferentiableSelf(method)) unknown = null;
        wrt = Symbols.WithSelf(method, wrt, selfInWrt);
        if (unknown != null)
        {
            var where = wrtLocation ?? attr?.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? Where(method);
            string valid = string.Join(", ", method.Parameters.Where(Symbols.IsDifferentiableParameter).Select(p => p.Name));
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.WrtNotFound, where, unknown, method.Name, valid.Length == 0 ? "none" : valid));
            return null;
        }
        // A rule wins over the body (API.md §6): without a Wrt of its own, the method is differentiated with respect to
        // what the rule differentiates (a rule with Wrt = "y" gives it no derivative with respect to x).
        // (A static method's rule has no receiver: its Wrt indices are the method's parameters.)
        if (wrtText is null && method.IsStatic && RuleIndex.For(compilation).Find(method) is { } rule)
            wrt = wrt.Where(rule.Wrt.Contains).ToList();
        if (wrt.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedSignature, Where(method), method.ToDisplayString(),
                "it has no differentiable parameter (double or float, not [NoDerivative])"));
            return null;
        }
        // A ref parameter is an output too: left out of a named function's Wrt, its new value's tangent would be missing.
        if (namedFunctionWrt && method.Parameters.FirstOrDefault(p => p.RefKind == RefKind.Ref && Symbols.IsDifferentiableParameter(p) &&
                !wrt.Contains(p.Ordinal + (Symbols.HasDifferentiableSelf(method) ? 1 : 0))) is { } leftOut)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedSignature, wrtLocation ?? attr?.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? Where(method),
                method.ToDisplayString(), $"Wrt leaves out its ref parameter '{leftOut.Name}', which is an output too (not yet): include it in Wrt, or mark it [NoDerivative] if it is data"));
            return null;
        }
        int before = diagnostics.Count;
        var function = LowerBody(method, compilation, parameterNames, diagnostics, ct);
        if (function is null) return null;
        // Small differentiable helpers of this compilation are inlined before differentiation.
        var rejectedCallees = new HashSet<string>(StringComparer.Ordinal);
        IrFunction? LowerCallee(string id)
        {
            if (Lowering.ArrayWriters.Build(id) is { } writer) return writer;
            var (declarationId, instantiation) = CalleeResolver.SplitInlineId(id);
            var callee = CalleeResolver.FindLocalFunction(declarationId, compilation, ct) ??
                         DocumentationCommentId.GetFirstSymbolForDeclarationId(declarationId, compilation) as IMethodSymbol;
            if (callee is null || callee.DeclaringSyntaxReferences.IsEmpty) return null;
            // Its body, inlined here, would name members this method's type cannot see (a private field of another
            // class): it is called instead, through its derivatives, which its own type declares.
            if (UsesMembersHiddenFrom(callee, method.ContainingType, compilation, ct)) return null;
            var quiet = new List<DiagnosticInfo>();
            // A generic-math method is lowered for the instantiation it is called at (its T stands for double or float).
            using var substitution = instantiation is { } real && Symbols.IeeeTypeParameter(callee) is { } parameter
                ? Symbols.Substitute(parameter, real == SpecialType.System_Double ? IrType.Double : IrType.Single, compilation.GetSpecialType(real))
                : null;
            var lowered = LowerBody(callee, compilation, null, quiet, ct);
            if (lowered is null && quiet.Any(d => d.IsError)) rejectedCallees.Add(id);
            return quiet.Count == 0 ? lowered : null;
        }
        string selfId = method.OriginalDefinition.GetDocumentationCommentId() ?? method.Name;
        Inliner.Run(function, LowerCallee, selfId);
        // A call left to a callee of this compilation that is rejected with an error (its body cannot be lowered): its
        // derivatives are not generated, so neither are this method's. The callee's error says what to fix; a second one
        // here, or C# errors in code calling members that do not exist, would only hide it.
        if (function.Blocks.SelectMany(b => b.Instrs).Any(i => i.Op == Op.Call && i.Callee is { } c && (c.Rejected || c.InlineId is { } id && rejectedCallees.Contains(id))))
            return null;
        if (!FunctionsResolved(function, diagnostics)) return null;
        StructFolding.Run(function);
        TrivialParameters.Run(function);
        VirtualDispatch.Run(function);
        // Each branch of a dispatched call calls one override, on a receiver of its class: inlined like any other call
        // (a sealed override of a plain class, say), which second derivatives through virtual calls need.
        if (Inliner.HasInlinableCalls(function, selfId))
        {
            Inliner.Run(function, LowerCallee, selfId);
            if (!FunctionsResolved(function, diagnostics)) return null;
            StructFolding.Run(function);
            TrivialParameters.Run(function);
            VirtualDispatch.Run(function);
        }
        LocalValueNumbering.Run(function);
        LoopInvariantMotion.Run(function);
        // A ref parameter's input is its value read at the entry.
        var inputs = wrt.Select(k => function.Parameters[k].Value ??
            function.Entry.Instrs.First(i => i.Op == Op.LoadVar && i.Var == function.Parameters[k].Variable).Result!).ToList();
        var outputs = function.Blocks.Where(b => b.Terminator.Kind == TerminatorKind.Return && b.Terminator.Value != null)
            .Select(b => b.Terminator.Value!).ToList();
        // Arrays are passed by reference: what a method writes into its array parameters is an output too.
        outputs.AddRange(function.Parameters.Where(p => p.Value != null && p.Value.Type.IsArray).Select(p => p.Value!));
        var outputVars = function.Parameters.Where(p => p.Variable != null && p.Variable.Type.IsReal).Select(p => p.Variable!).ToList();
        var activity = Activity.Analyze(function, inputs, outputs, outputVars);

        // An active argument must not go to a parameter the callee leaves out of its Wrt.
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Op == Op.StopGradient && i.Text is { } cut && cut.StartsWith("cut:", StringComparison.Ordinal) && activity.IsVaried(i.Operands[0]))
            {
                var parts = cut.Split(':');
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.ActiveArgumentToNonWrtParameter, i.Source, parts[1], parts[2], method.Name));
            }
            if (i.Op != Op.Call || i.Callee!.Derivative is not { } d || i.Arguments is null) continue;
            for (int k = 0; k < i.Arguments.Count; k++)
            {
                var arg = i.Arguments[k].Value;
                if (arg is null || d.Wrt.Contains(k) || !arg.Type.IsDifferentiable || !activity.IsVaried(arg)) continue;
                if (i.Callee.NoDerivativeParameters?.Contains(k) == true) continue;
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.ActiveArgumentToNonWrtParameter, i.Source,
                    i.Callee.ParameterNames?[k] ?? "#" + k, i.Callee.DisplayName, method.Name));
            }
        }
        // A variable passed by ref to a callee whose Wrt leaves that parameter out: the callee's forward mode has no tangent
        // for its new value (it would read as zero).
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Op != Op.Call || i.Callee!.Derivative is not { } d || i.Arguments is null) continue;
            for (int k = 0; k < i.Arguments.Count; k++)
                if (i.Arguments[k] is { RefKind: RefKindIr.Ref, Variable: { Type.IsReal: true } variable } && !d.Wrt.Contains(k) && activity.IsActive(variable))
                    diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, i.Source,
                        "passing a variable by ref to '" + (i.Callee.ParameterNames?[k] ?? "#" + k) + "', which " + i.Callee.DisplayName + "'s Wrt leaves out,",
                        " (not yet: its new value's derivative is not computed): include the parameter in the callee's Wrt."));
        }
        // An array member read from a struct or class value other than a parameter (a call's result, an object chosen by a
        // branch): its shadow would not reach the gradient (yet).
        // (A member of a parameter's member, p.A.W, has the shadow of that path: VjpTransform passes it down.)
        var parameterValues = new HashSet<Value>(function.Parameters.Where(p => p.Value != null).Select(p => p.Value!));
        static Value Holder(Value v)
        {
            while (v.Definition is { Op: Op.Member, Operands.Count: 1 } member && member.Operands[0].Type.IsStruct) v = member.Operands[0];
            return v;
        }
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
            // (A holder that is data, as a state a call made, gives its arrays shadows of their own: VjpTransform.HasOwnShadow.)
            if (i.Op == Op.Member && i.Operands.Count == 1 && i.Operands[0].Type.IsStruct && i.Result!.Type.IsArray &&
                activity.IsActive(i.Result) && !parameterValues.Contains(Holder(i.Operands[0])) && activity.IsVaried(i.Operands[0]))
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, i.Source,
                    "reading the array member '" + i.Text + "' of a value that is not a parameter",
                    " (not yet): read it from the parameter itself, or pass the array as a parameter."));
        // A differentiated struct stored into an array whose tangents are not tracked (a class's objects, structs with array members).
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
            if (i.Op == Op.ArrayStore && i.Operands[i.Operands.Count - 1] is { Type.IsStruct: true } stored && activity.IsVaried(stored) &&
                (stored.Type.IsReference || stored.Type.HasArrayLeaves || i.Operands[0].Type.Rank != 1))
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, i.Source,
                    "storing a differentiated " + stored.Type.Name.Replace("global::", "") + " into an array",
                    " (not yet: one-dimensional arrays of structs without array members, or of vectors, are supported): keep one array per member."));
        // An array with derivatives whose derivative is cut (passed to a [NoDerivative] workspace parameter, or through
        // WithoutDerivative) and then written with differentiated values: the two views of one array would have tangents
        // of their own, and what is written through one would be read through the other without its derivative.
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
            if (i.Op == Op.StopGradient && i.Result!.Type.IsArray && activity.IsVaried(i.Result) && activity.IsVaried(i.Operands[0]))
            {
                var parts = i.Text?.Split(':');
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, i.Source,
                    parts is { Length: 3 } && parts[0] == "workspace"
                        ? "passing an array with derivatives to '" + parts[1] + "', a [NoDerivative] parameter of " + parts[2] + " that it writes differentiated values into,"
                        : "writing differentiated values into an array with derivatives whose derivative is cut",
                    " (not yet: the array would have two tangents): pass a separate array (new double[n]), or copy it first."));
            }
        // A value on the active path must not vanish into an object Nabla does not differentiate.
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
        {
            bool untracked = i.Op == Op.New || (i.Op == Op.Call && i.Callee!.Derivative is null && !i.Callee.IsStopGradient);
            if (!untracked || i.Result is null || i.Result.Type.Kind != TypeKind.Other || i.Result.Type.Name == "string") continue;
            // (An array with derivatives too: (double[])x.Clone() would give a copy without them.)
            if (!i.AllInputs().Any(v => (v.Type.IsReal || v.Type is { IsArray: true, IsDifferentiable: true }) && activity.IsVaried(v))) continue;
            string what = i.Op == Op.New ? "new " + i.Text!.Replace("global::", "") : i.Callee!.DisplayName;
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.DerivativeLostInObject, i.Source, method.Name, what,
                i.Op == Op.New ? "constructor" : "method returning " + i.Result.Type.Name.Replace("global::", "")));
        }
        // A value on the active path must not vanish into a boxed object (NABLA0019); converted to an integer or a
        // string, it goes on with a zero derivative, which is worth a warning (NABLA0017). Only the method's own code
        // counts: an inlined callee is checked as a method of its own.
        var declaration = method.DeclaringSyntaxReferences[0];
        string ownPath = declaration.SyntaxTree.FilePath;
        var ownSpan = declaration.Span;
        bool Own(SourceInfo s) => s.FilePath == ownPath && s.Length > 0 && s.Start >= ownSpan.Start && s.Start + s.Length <= ownSpan.End;
        var losses = LostDerivatives.Find(function, activity, Own);
        foreach (var loss in losses.Where(l => l.Kind == LostDerivatives.LossKind.Boxed))
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.DerivativeLostInBoxing, loss.Instr.Source, method.Name, loss.Target));
        // A call on the active path needs a derivative.
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Op != Op.Call || i.Callee!.Derivative != null || i.Callee.IsStopGradient) continue;
            bool writesActiveVariable = i.Arguments != null && i.Arguments.Any(x => x.Variable != null && x.Variable.Type.IsReal && x.RefKind != RefKindIr.In && activity.IsActive(x.Variable));
            if (!activity.IsActive(i.Result) && !writesActiveVariable) continue;
            // An array made from data (Data.Make(n), a clone of a data array) that differentiated values are written into
            // later: no derivative flows into the call, and the array's own starts at zero (its shadow is made there).
            // (Zeros shaped like an array with derivatives, in a first derivative Nabla wrote: shape only, also data.)
            if (!writesActiveVariable && i.Result!.Type.IsArray && (!i.AllInputs().Any(activity.IsVaried) || IrBuilder.MakesZerosLike(i.Callee))) continue;
            // The note points at the [Differentiable] that asked for the derivative.
            var asked = Symbols.GetAttribute(method.MethodKind == MethodKind.PropertyGet && method.AssociatedSymbol != null ? method.AssociatedSymbol : method, Symbols.DifferentiableAttribute)?.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation();
            diagnostics.Add(i.Callee.MissingDerivatives is { } missing
                ? DiagnosticInfo.Create(Descriptors.DerivativesNotInAssembly, i.Source, i.Callee.DisplayName, missing.Assembly, missing.Member).WithAlso(asked)
                : DiagnosticInfo.Create(Descriptors.NoDerivativeForCallee, i.Source, i.Callee.DisplayName, method.Name).WithAlso(asked));
        }
        // A call without a derivative that is given a Span<T> of reals may write into it: what it writes would carry no derivative.
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Op != Op.Call || i.Callee!.Derivative != null || i.Callee.IsStopGradient) continue;
            var callInputs = i.AllInputs().ToList();
            bool anyVaried = callInputs.Any(v => v.Type.IsDifferentiable && activity.IsVaried(v));
            if (!callInputs.Any(v => v.Type is { IsSpan: true, IsReadOnlySpan: false, IsDifferentiable: true } && (activity.IsActive(v) || anyVaried))) continue;
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, i.Source, "'" + i.Callee.DisplayName + "' on a span that carries derivatives",
                ": it has no derivative, so what it writes into the span would lose its derivative; write the loop in the [Differentiable] method, or mark the callee [Differentiable]."));
        }
        // The BCL's array writers (Array.Copy, Array.Fill, a.CopyTo(b, i), ...) have no derivative: what they write into an
        // array of reals would carry none, a silent zero. Differentiable code writes the loop instead.
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Op != Op.Call || i.Callee!.Derivative != null || i.Callee.IsStopGradient || !WritesArrays(i)) continue;
            // Array.Copy takes System.Array: look through the conversion.
            var callInputs = i.AllInputs().Select(v => v.Definition is { Op: Op.Convert } c && c.Operands.Count == 1 ? c.Operands[0] : v).ToList();
            bool anyVaried = callInputs.Any(v => v.Type.IsDifferentiable && activity.IsVaried(v));
            if (!callInputs.Any(v => v.Type is { IsArray: true, IsSpan: false, IsDifferentiable: true } && (activity.IsActive(v) || anyVaried))) continue;
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, i.Source, "'" + i.Callee.DisplayName + "' on an array that carries derivatives",
                ": it has no derivative, so what it writes into the array would lose its derivative; write the loop (for (int i = 0; i < n; i++) y[i] = x[i];) in the [Differentiable] method."));
        }
        if (diagnostics.Count > before) return null;
        if (reportWarnings)
        {
            var converted = losses.Where(l => l.Kind == LostDerivatives.LossKind.Number).ToList();
            foreach (var loss in converted)
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.DerivativeLostInConversion, loss.Instr.Source, method.Name, loss.Target));
            // A result that depends on an input only through such conversions does depend on it: NABLA0017 says where it is lost.
            if (converted.Count == 0 && !LostDerivatives.AnyOutputVaried(function, activity))
                ReportZeroDerivative(method, compilation, wrt, diagnostics, ct);
        }
        return new LoweredMethod(function, wrt, activity);
    }

    /// <summary>
    /// After inlining, every delegate call must call a known function (a lambda or a method group passed down to it),
    /// and no function may go to a call left as a call. Reports what remains; false if anything does.
    /// </summary>
    private static bool FunctionsResolved(IrFunction function, List<DiagnosticInfo> diagnostics)
    {
        Inliner.RemoveDeadFunctions(function);
        bool ok = true;
        foreach (var i in function.Blocks.SelectMany(b => b.Instrs))
        {
            if (i.Op == Op.CallIndirect)
            {
                // At the expression that gave the delegate (an argument, a field read) when it is in this code, else at the call.
                var at = i.Operands[0].Definition is { Source.Length: > 0 } given ? given.Source : i.Source;
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, at,
                    "a call of a delegate whose function is not known here",
                    ": differentiable code calls a delegate by inlining the function it holds, so pass a lambda or a method group directly to the [Differentiable] delegate parameter of a static [Differentiable] method (or call the method itself)."));
                ok = false;
            }
            else if (i.Op == Op.Call && i.Arguments?.FirstOrDefault(a => a.Value?.Definition?.Op == Op.FunctionRef) is { } operatorArgument &&
                     i.Callee!.DisplayName.StartsWith(Symbols.AutodiffClass + ".", StringComparison.Ordinal))
            {
                // A derivative taken inside a [Differentiable] method: nested derivatives are written with lambdas at the call.
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, i.Source,
                    "a derivative taken with " + i.Callee.DisplayName.Substring(Symbols.AutodiffClass.Length - "Autodiff".Length),
                    ": nest derivatives with lambdas where they are taken instead, as in Autodiff.Derivative(x => Autodiff.Gradient(F, x), x0) or Autodiff.JacobianForward(v => Autodiff.Gradient(F, v), v0), or use Autodiff.Hessian."));
                ok = false;
            }
            else if (i.Op == Op.Call && i.Arguments?.FirstOrDefault(a => a.Value?.Definition?.Op == Op.FunctionRef) is { } passed)
            {
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, passed.Value!.Definition!.Source,
                    "a function passed to '" + i.Callee!.DisplayName + "', which cannot be inlined here",
                    ": a method taking a function must be a static [Differentiable] method of this compilation, not recursive, to be differentiated with it."));
                ok = false;
            }
        }
        return ok;
    }

    /// <summary>
    /// NABLA0016: nothing the method returns or writes depends on a differentiation input. Reported at every
    /// returned expression that is not already <c>Autodiff.WithoutDerivative(...)</c> (none when all are: the
    /// author said so), or at the method's name when it returns nothing.
    /// </summary>
    private static void ReportZeroDerivative(IMethodSymbol method, Compilation compilation, List<int> wrt, List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        if (method.DeclaringSyntaxReferences[0].GetSyntax(ct) is not MethodDeclarationSyntax declaration) return;
        // With a differentiable receiver, input 0 is 'this' and the parameters follow.
        bool self = Symbols.HasDifferentiableSelf(method);
        string inputs = string.Join(", ", wrt.Select(k => self ? (k == 0 ? "this" : method.Parameters[k - 1].Name) : method.Parameters[k].Name));
        if (method.ReturnsVoid)
        {
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.ZeroDerivative, declaration.Identifier.GetLocation(), method.Name, inputs));
            return;
        }
        var model = SemanticModels.Of(compilation, declaration.SyntaxTree);
        var returned = declaration.ExpressionBody is { } arrow
            ? new[] { arrow.Expression }
            : declaration.Body!.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                .OfType<ReturnStatementSyntax>().Select(r => r.Expression).OfType<ExpressionSyntax>().ToArray();
        foreach (var expression in returned)
        {
            if (IsWithoutDerivative(expression, model, ct)) continue;
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.ZeroDerivative, expression.GetLocation(), method.Name, inputs));
        }
    }

    private static bool IsWithoutDerivative(ExpressionSyntax expression, SemanticModel model, CancellationToken ct)
    {
        while (expression is ParenthesizedExpressionSyntax p) expression = p.Expression;
        return expression is InvocationExpressionSyntax invocation &&
               model.GetSymbolInfo(invocation, ct).Symbol is IMethodSymbol { Name: "WithoutDerivative" } m &&
               m.ContainingType.ToDisplayString() == "Nabla.Autodiff";
    }

    /// <summary>Lowers a method's body to IR (no analysis); null when it cannot be lowered (diagnostics say why).</summary>
    public static IrFunction? LowerBody(IMethodSymbol method, Compilation compilation, IReadOnlyList<string>? parameterNames,
        List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(ct);
        var model = SemanticModels.Of(compilation, syntax.SyntaxTree);
        ControlFlowGraph graph;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            // A local function's graph comes from its enclosing member's (one declared directly in that member's body).
            var member = syntax.Ancestors().FirstOrDefault(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax);
            if (member is null || model.GetOperation(member, ct) is not IMethodBodyOperation outer) return null;
            var outerGraph = ControlFlowGraph.Create(outer, ct);
            if (!outerGraph.LocalFunctions.Contains(method, SymbolEqualityComparer.Default)) return null;
            graph = outerGraph.GetLocalFunctionControlFlowGraph(method, ct);
        }
        else
        switch (model.GetOperation(syntax, ct))
        {
            case IMethodBodyOperation body:
                graph = ControlFlowGraph.Create(body, ct);
                break;
            case IConstructorBodyOperation body:
                graph = ControlFlowGraph.Create(body, ct);
                break;
            case IBlockOperation { Parent: null } block:
                // An expression-bodied property: public double Sum => A + B;
                graph = ControlFlowGraph.Create(block, ct);
                break;
            default:
                return null;
        }
        bool constructor = method.MethodKind == MethodKind.Constructor;
        bool self = Symbols.HasDifferentiableSelf(method);
        // A constructor becomes a static function returning the value it builds, a void method of a struct one returning
        // the new 'this'.
        bool newSelf = Symbols.ReturnsNewSelf(method);
        var function = new IrFunction(method.MethodKind is MethodKind.Ordinary or MethodKind.UserDefinedOperator ? method.Name : Symbols.DerivativeStem(method),
            Symbols.IrTypeOf(constructor || newSelf ? method.ContainingType : method.ReturnType))
        {
            IsStatic = Symbols.DerivativesAreStatic(method),
            Modifiers = Symbols.Accessibility(method.DeclaredAccessibility) + (Symbols.DerivativesAreStatic(method) ? " static" : ""),
        };
        var bindings = new List<(ISymbol, Value)>();
        var writeBack = new List<(ISymbol, Var)>();
        var entry = function.NewBlock();
        var entryBuilder = new IrBuilder(function, entry);
        if (self)
        {
            // 'this' of a differentiable struct is the first input; the method symbol stands for it in lowering.
            string selfName = "self";
            for (int n = 1; method.Parameters.Any(p => p.Name == selfName || "d" + p.Name == selfName); n++) selfName = "self" + n;
            bindings.Add((method, function.AddParameter(selfName, Symbols.IrTypeOf(method.ContainingType))));
        }
        for (int k = 0; k < method.Parameters.Length; k++)
        {
            var p = method.Parameters[k];
            string name = Symbols.Identifier(parameterNames?[k] ?? p.Name);
            var type = Symbols.IrTypeOf(p.Type);
            if (p.RefKind is RefKind.Ref or RefKind.Out)
            {
                // A ref parameter's value in, and its value at the return out: a variable read at the entry, written at the return.
                var variable = function.AddRefParameter(name, type, p.RefKind == RefKind.Ref ? RefKindIr.Ref : RefKindIr.Out);
                if (p.RefKind == RefKind.Ref) bindings.Add((p, entryBuilder.Load(variable, name)));
                writeBack.Add((p, variable));
            }
            else
            {
                var value = function.AddParameter(name, type, p.RefKind == RefKind.In ? RefKindIr.In : RefKindIr.None);
                bindings.Add((p, value));
                // An indexer's getter: its body may name the indexer's parameters rather than the accessor's.
                if (method.AssociatedSymbol is IPropertySymbol { IsIndexer: true } indexer && k < indexer.Parameters.Length)
                    bindings.Add((indexer.Parameters[k], value));
            }
            if (Symbols.HasAttribute(p, Symbols.NoDerivativeAttribute))
                function.Parameters[k].Attributes = "[global::Nabla.NoDerivative]";
        }
        var resolver = new CalleeResolver(compilation);
        if (resolver.HasRule(method) && !newSelf && writeBack.Count == 0)
        {
            // A rule wins over the body (API.md §6): the method's own derivatives are those of a call through the rule,
            // as its callers' are.
            var args = bindings.Where(b => !constructor || !SymbolEqualityComparer.Default.Equals(b.Item1, method))
                .Where(b => b.Item1 is not IParameterSymbol { ContainingSymbol: IPropertySymbol })
                .Select(b => new Argument(b.Item2)).ToList();
            var call = entryBuilder.Call(resolver.Resolve(method), null, args, function.ReturnType, "result");
            entry.Terminator = Terminator.Return(function.ReturnType.Kind == TypeKind.Void ? null : call.Result);
            return function;
        }
        var lowerer = new Lowerer(resolver, diagnostics, method.ToDisplayString(), ct)
        { OuterGraph = graph, WriteBack = writeBack, FallbackLocation = Where(method), ThisRoot = self || constructor ? method : null,
          BuildsThis = constructor || newSelf };
        if (constructor)
        {
            // 'this' starts as all zeros (default), or as the constants its members are initialized with, and is the result.
            var type = function.ReturnType;
            var initial = ConstantMemberInitializers(method.ContainingType);
            bindings.Add((method, entryBuilder.Emit(Op.MakeStruct, type, type.Leaves.Select(l =>
                initial.TryGetValue(l.Path, out var constant) && l.Type.IsReal ? entryBuilder.Const(l.Type, IrBuilder.RealLiteral(l.Type, constant))
                : entryBuilder.Zero(l.Type)).ToList())));
        }
        return lowerer.Lower(graph, function, bindings) ? function : null;
    }

    /// <summary>
    /// Up to this many scalar inputs, <c>F_ValueWithGradient</c> is vector forward mode: each lane repeats the tangent
    /// arithmetic (about the primal's cost) but needs no residuals, no reverse sweep and no branch replay.
    /// </summary>
    private const int MaxVectorLanes = 4;

    private static GeneratedFile Emit(IMethodSymbol method, LoweredMethod lowered, List<DiagnosticInfo> diagnostics, Compilation compilation, string instantiation = "")
    {
        string stem = Symbols.DerivativeStem(method);
        var f = lowered.Function;
        string display = method.ContainingType.Name + "." + method.Name;
        string wrtNames = string.Join(", ", lowered.Wrt.Select(k => f.Parameters[k].Name));
        bool scalarResult = f.ReturnType.IsReal;

        var jvp = JvpTransform.Transform(f, lowered.Wrt, lowered.Activity, stem + "_Jvp");
        jvp.Summary = $"Forward mode of {display}: its value and its directional derivative along the tangents of ({wrtNames}).";

        string residualType = stem + "_Residuals" + instantiation;
        var split = VjpTransform.Split(f, lowered.Wrt, lowered.Activity, stem + "_Primal", stem + "_Pullback", residualType,
            MutuallyRecursiveResidualTypes(method, compilation));
        split.Primal.Summary = $"Reverse mode of {display}, first half: runs it, builds shadows of its active arrays, and keeps in residuals what the pullback needs.";
        split.Pullback!.Summary = $"Reverse mode of {display}, second half: maps a cotangent of the result to the cotangents of ({wrtNames}); array cotangents accumulate into the shadows given to the first half." +
            (split.UsesTapes ? " It consumes the residuals' tapes: call it once per call of the first half." : "");

        bool voidResult = f.ReturnType.Kind == TypeKind.Void;
        bool byRef = method.Parameters.Any(p => p.RefKind is RefKind.Ref or RefKind.Out);
        // Array inputs: the one-pass reverse mode is written once, as the overload that writes into the caller's
        // buffers, and the form returning new arrays makes them and calls it (the split halves, which that overload
        // used to call, ran GMM's gradient 30 % slower than one pass).
        bool intoBuffers = !voidResult && !byRef && scalarResult && lowered.Wrt.All(k => f.Parameters[k].Type.IsArray);
        string onePass = $"Reverse mode of {display} in one pass: its value and its gradient with respect to ({wrtNames}).";
        var fused = voidResult ? null : VjpTransform.Fused(f, lowered.Wrt, lowered.Activity, stem + (scalarResult ? "_ValueWithGradient" : "_Vjp"),
            intoBuffers ? FusedResult.ValueIntoBuffers : scalarResult ? FusedResult.ValueAndGradient : FusedResult.ValueAndVjp);
        if (fused != null) fused.Primal.Summary = intoBuffers
            ? $"Reverse mode of {display} in one pass: returns its value and writes its gradient into the given " +
              $"{(lowered.Wrt.Any(k => f.Parameters[k].Type.IsSpan) ? "buffers" : "arrays")} (same shapes as the inputs), allocating nothing in steady state."
            : scalarResult ? onePass
            : $"Reverse mode of {display} in one pass: its value and the vector-Jacobian product of a cotangent of the result with respect to ({wrtNames}).";

        // Derivatives that hold spans: the residuals are a ref struct, which no closure, tape or registry can hold.
        bool refLike = Symbols.HasRefLikeResiduals(method, compilation);
        var limits = split.Limits.Concat(fused?.Limits ?? new List<TransformLimit>()).ToList();
        foreach (var limit in limits.GroupBy(l => (l.Source.FilePath, l.Source.Start, l.Source.Length, l.What)).Select(g => g.First()))
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.UnsupportedConstruct, limit.Source, limit.What, limit.Hint));
        if (limits.Count == 0 && !refLike && split.Fields.FirstOrDefault(field => field.RefLike) is { } spanField)
            diagnostics.Add(DiagnosticInfo.Create(Descriptors.GeneratorFailure, Where(method), method.ToDisplayString(),
                "the residual '" + spanField.Name + "' is a span, but the residuals were not made a ref struct"));
        if (diagnostics.Any(d => d.IsError))
            return new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        if (method.IsOverride)
            w.Line("#pragma warning disable CS0108 // an override's derivatives hide its base method's; calls reach them by type tests (VirtualDispatch)");
        TypeDeclarations.Open(w, method.ContainingType);
        // Each form's text starts at a mark: the compilation keeps only the forms it uses (Forms.cs).
        var marks = new List<(int Offset, string[] Names)>();
        void Form(params string[] names) => marks.Add((w.Length, names));
        string access = Symbols.Accessibility(method.DeclaredAccessibility);
        // The residual struct holds the residuals of the differentiable methods it calls: it (and the split
        // halves that name it) can be no more visible than the least visible of them.
        int calleeRank = f.Blocks.SelectMany(b => b.Instrs)
            .Where(i => i.Op == Op.Call && i.Callee?.Derivative?.JvpMethod != null)
            .Select(i => i.Callee!.AccessRank).DefaultIfEmpty(3).Min();
        string splitAccess = calleeRank >= 3 ? access : calleeRank == 2 && access is "public" or "protected internal" ? "internal" : calleeRank == 1 ? "private" : access;
        if (splitAccess != access)
        {
            split.Primal.Modifiers = split.Primal.Modifiers.Replace(access, splitAccess);
            split.Pullback.Modifiers = split.Pullback.Modifiers.Replace(access, splitAccess);
        }

        Form(jvp.Name);
        CSharpEmitter.Emit(jvp, w);
        w.Line();
        Form(residualType, split.Primal.Name, split.Pullback.Name);
        w.Line($"/// <summary>What the pullback of {display} reads: values its primal computed{(refLike ? ", spans among them (so it is a ref struct)" : "")}.</summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open(splitAccess + (refLike ? " ref struct " : " struct ") + residualType);
        foreach (var field in split.Fields)
            w.Line("public " + field.Type + " " + Symbols.Identifier(field.Name) + ";");
        w.Close();
        w.Line();
        CSharpEmitter.Emit(split.Primal, w);
        w.Line();
        CSharpEmitter.Emit(split.Pullback, w);
        w.Line();
        // One scalar input: forward mode gives the whole gradient in one pass, cheaper than reverse mode.
        bool forwardGradient = fused != null && scalarResult && lowered.Wrt.Count == 1 &&
                               f.Parameters[lowered.Wrt[0]].Type.IsReal && f.Parameters.All(p => p.Variable is null);
        string callArgs = string.Join(", ", f.Parameters.Select(p => (p.RefKind == RefKindIr.In ? "in " : "") + p.Name));
        string self = Symbols.DerivativesAreStatic(method) ? "" : "this.";
        // F_ValueWithGradient as a thin wrapper over other generated forms, with the signature of the fused form returning (value, gradient).
        string valueAndGradient = intoBuffers
            ? IrType.Tuple(new[] { f.ReturnType, VjpTransform.GradientType(f, lowered.Wrt) }, new[] { "Value", "Gradient" }).Name
            : fused?.Primal.ReturnType.Name ?? "";
        void OpenGradientWrapper(string summary)
        {
            w.Line($"/// <summary>{summary}</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open($"{fused!.Primal.Modifiers} {valueAndGradient} {fused.Primal.Name}({string.Join(", ", f.Parameters.Select(p => (p.Attributes is null ? "" : p.Attributes + " ") + (p.RefKind == RefKindIr.In ? "in " : "") + p.Type.Name + " " + p.Name))})");
        }
        string valueWithPullback = stem + "_ValueWithPullback";
        if (intoBuffers)
        {
            Form(fused!.Primal.Name);
            OpenGradientWrapper(onePass);
            var types = f.Parameters.Select(p => p.Type).ToList();
            string Buffer(int k) => "nablaGradient_" + f.Parameters[k].Name.TrimStart('@');
            var arrayWrt = VjpConvention.ArrayWrt(types, lowered.Wrt);
            foreach (int k in arrayWrt)
            {
                // As the one-pass form made them: zeros shaped like the input, shared by two inputs that are one array.
                var p = f.Parameters[k];
                bool mayAlias = !p.Type.IsStructArray && !p.Type.IsSpan && arrayWrt.TakeWhile(j => j != k).Any(j => types[j].Equals(p.Type));
                int alias = arrayWrt.TakeWhile(j => j != k).LastOrDefault(j => types[j].Equals(p.Type));
                w.Line($"var {Buffer(k)} = " + (p.Type.IsStructArray
                    ? $"global::Nabla.CompilerServices.Shadow.TangentsLike<{p.Type.Element.Tangent.Name}>({p.Name});"
                    : mayAlias
                    ? $"global::Nabla.CompilerServices.Shadow.ShareIfSame({p.Name}, {f.Parameters[alias].Name}, {Buffer(alias)});"
                    : $"global::Nabla.CompilerServices.Shadow.ZerosLike({p.Name});"));
            }
            // A jagged input's rows may be swapped or replaced (row pivoting): its gradient is of the rows it held on entry.
            var jagged = arrayWrt.Where(k => f.Parameters[k].Type is { IsArray: true, IsSpan: false, Element.IsArray: true }).ToList();
            foreach (int k in jagged)
                w.Line($"var {Buffer(k)}_rows = global::Nabla.CompilerServices.Shadow.RowsAtEntry({Buffer(k)});");
            string Returned(int k) => jagged.Contains(k) ? Buffer(k) + "_rows" : Buffer(k);
            string gradient = arrayWrt.Count == 1 ? Returned(arrayWrt[0]) : "(" + string.Join(", ", arrayWrt.Select(Returned)) + ")";
            w.Line($"var nablaValue = {self}{fused.Primal.Name}({callArgs}, {string.Join(", ", arrayWrt.Select(Buffer))});");
            w.Line($"return (nablaValue, {gradient});");
            w.Close();
            w.Line();
            CSharpEmitter.Emit(fused.Primal, w);
            w.Line();
            Form(valueWithPullback);
            if (!refLike) WriteValueWithPullback(w, method, lowered, stem, display, access, instantiation);
        }
        else if (forwardGradient)
        {
            var p0 = f.Parameters[lowered.Wrt[0]];
            Form(fused!.Primal.Name);
            OpenGradientWrapper($"The value of {display} and its derivative with respect to {p0.Name}: with one scalar input, forward mode computes the gradient in one pass.");
            w.Line($"var nablaJvp = {self}{stem}_Jvp({callArgs}, {IrBuilder.RealLiteral(p0.Type, 1)});");
            w.Line($"return (nablaJvp.Value, ({p0.Type.Name})nablaJvp.Tangent);");
            w.Close();
            w.Line();
            Form(valueWithPullback);
            if (!refLike) WriteValueWithPullback(w, method, lowered, stem, display, access, instantiation);
        }
        else if (fused != null && scalarResult && lowered.Wrt.Count <= MaxVectorLanes &&
                 JvpTransform.VectorGradient(f, lowered.Wrt, lowered.Activity, fused.Primal.Name, fused.Primal.ReturnType, out _) is { } vector)
        {
            // A few scalar inputs and no arrays: vector forward mode, one tangent lane per input, gives the value and
            // the gradient in one pass with no residuals (docs/performance.md, Reading).
            vector.Modifiers = fused.Primal.Modifiers;
            vector.Summary = $"The value of {display} and its gradient with respect to ({wrtNames}): forward mode with one tangent per input, in one pass.";
            Form(fused.Primal.Name);
            CSharpEmitter.Emit(vector, w);
            w.Line();
            Form(valueWithPullback);
            if (!refLike) WriteValueWithPullback(w, method, lowered, stem, display, access, instantiation);
        }
        else if (fused != null && scalarResult && !split.UsesTapes && f.Parameters.All(p => p.Variable is null) &&
                 lowered.Wrt.All(k => f.Parameters[k].Type.IsReal))
        {
            // Scalar inputs and no loop: the two halves, each a small method the JIT optimizes well,
            // measured faster than one fused method (docs/performance.md).
            Form(fused.Primal.Name);
            OpenGradientWrapper($"Reverse mode of {display}: its value and its gradient with respect to ({wrtNames}).");
            w.Line($"var nablaValue = {self}{stem}_Primal({callArgs}, out {residualType} nablaResiduals);");
            w.Line($"return (nablaValue, {stem}_Pullback(in nablaResiduals, {IrBuilder.RealLiteral(f.ReturnType, 1)}));");
            w.Close();
            w.Line();
            Form(valueWithPullback);
            if (!refLike) WriteValueWithPullback(w, method, lowered, stem, display, access, instantiation);
        }
        else if (fused != null)
        {
            Form(fused.Primal.Name);
            CSharpEmitter.Emit(fused.Primal, w);
            w.Line();
            Form(valueWithPullback);
            if (!byRef && !refLike) WriteValueWithPullback(w, method, lowered, stem, display, access, instantiation);
        }

        if (Symbols.ReturnsNewSelf(method))
        {
            // What callers call for the value 'this' has after the method: it runs on a copy, which it returns.
            var ps = f.Parameters.Skip(1).ToList();
            string self0 = f.Parameters[0].Name;
            Form(stem + "_NewSelf");
            w.Line($"/// <summary>{display} on a copy of <paramref name=\"{self0}\"/>: the value the receiver has afterwards.</summary>");
            w.Line(CSharpEmitter.GeneratedCodeAttribute);
            w.Open($"{access} static {f.ReturnType.Name} {stem}_NewSelf({string.Join(", ", f.Parameters.Select(p => (p.RefKind == RefKindIr.In ? "in " : "") + p.Type.Name + " " + p.Name))})");
            w.Line(method.MethodKind == MethodKind.PropertySet && method.AssociatedSymbol is { } property
                ? $"{self0}.{Symbols.Identifier(property.Name)} = {ps[0].Name};"
                : $"{self0}.{Symbols.Identifier(method.Name)}({string.Join(", ", ps.Select(p => p.Name))});");
            w.Line($"return {self0};");
            w.Close();
            w.Line();
        }

        RegistrationInfo? registration = null;
        // The runtime operators take and return tangents typed like the inputs and the result: no registration for a
        // [Differentiable] struct among them (its tangent is another type).
        // An operator cannot be named as a method group: it is not registered (nor can it be passed to an operator).
        if (!voidResult && !refLike && instantiation.Length == 0 && method.Parameters.All(p => p.RefKind == RefKind.None) && method.IsStatic &&
            method.MethodKind == MethodKind.Ordinary &&
            IsOwnTangent(f.ReturnType) && f.Parameters.All(p => IsOwnTangent(p.Type)) && method.Parameters.Length is >= 1 and <= 4 && TypeDeclarations.IsReachableFromAssembly(method.ContainingType))
        {
            registration = new RegistrationInfo(Symbols.TypeName(method.ContainingType), Symbols.Identifier(method.Name), stem,
                Symbols.TypeName(method.ReturnType),
                new EquatableArray<string>(method.Parameters.Select(p => Symbols.TypeName(p.Type)).ToArray()),
                new EquatableArray<int>(lowered.Wrt.ToArray()));
            Form("NablaRegister_" + stem);
            w.Line();
            WriteRegistration(w, registration, scalarResult);
        }
        Form();
        TypeDeclarations.Close(w, method.ContainingType);
        string text = w.ToString();
        var forms = new List<FormText>();
        for (int k = 0; k + 1 < marks.Count; k++)
        {
            string piece = text.Substring(marks[k].Offset, marks[k + 1].Offset - marks[k].Offset);
            if (piece.Length > 0) forms.Add(FormText.Create(piece, marks[k].Names));
        }
        var set = new FormSet(text.Substring(0, marks[0].Offset), text.Substring(marks[marks.Count - 1].Offset),
            new EquatableArray<FormText>(forms.ToArray()), Symbols.AccessRank(method), method.Name);
        string hint = HintName(method.ContainingType) + "." + stem + CaseSuffix(method) + instantiation + ".Nabla.g.cs";
        return new GeneratedFile(hint, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), registration, Forms: set);
    }

    /// <summary>
    /// <c>F_ValueWithPullback</c>: the value, and a pullback closure over the residuals. The first call of
    /// the pullback uses the residuals of the value's own run; a later call runs the first half again
    /// (tapes are consumed and array cotangents accumulate), so the closure may be called many times.
    /// </summary>
    private static void WriteValueWithPullback(SourceWriter w, IMethodSymbol method, LoweredMethod lowered, string stem, string display, string access, string instantiation = "")
    {
        var f = lowered.Function;
        var types = f.Parameters.Select(p => p.Type).ToList();
        string ret = f.ReturnType.Name;
        string cot = f.ReturnType.Tangent.Name;
        string grad = VjpTransform.GradientType(f, lowered.Wrt).Name;
        var arrayWrt = VjpConvention.ArrayWrt(types, lowered.Wrt);
        var scalarWrt = VjpConvention.ScalarWrt(types, lowered.Wrt);
        bool arrayResult = f.ReturnType.IsArray;
        string ps = string.Join(", ", f.Parameters.Select(p => (p.Attributes is null ? "" : p.Attributes + " ") + p.Type.Name + " " + p.Name));
        string args = string.Join(", ", f.Parameters.Select(p => p.Name));
        string Shadow(int k) => "nablaShadow_" + f.Parameters[k].Name.TrimStart('@');
        // The primal may write into its array inputs: a later pullback call runs it again on copies of the inputs as they were.
        var arrayParams = Enumerable.Range(0, types.Count).Where(k => types[k].IsArray).ToList();
        string Input(int k) => "nablaInput_" + f.Parameters[k].Name.TrimStart('@');
        string Argument(int k, bool again) => again && types[k].IsArray
            ? $"global::Nabla.CompilerServices.Shadow.CopyOf({Input(k)})" : f.Parameters[k].Name;
        // A jagged input's rows may be swapped or replaced (row pivoting): its cotangent is of the rows it held on entry.
        bool Jagged(int k) => types[k] is { IsArray: true, IsSpan: false, Element.IsArray: true };
        string Pulled(int k) => Jagged(k) ? Shadow(k) + "_rows" : Shadow(k);
        string RunPrimal(string value, bool again = false) =>
            string.Concat(arrayWrt.Select(k => $"var {Shadow(k)} = {ZeroShadowOf(types[k], f.Parameters[k].Name)}; " +
                (Jagged(k) ? $"var {Pulled(k)} = global::Nabla.CompilerServices.Shadow.RowsAtEntry({Shadow(k)}); " : ""))) +
            $"{value} = {(Symbols.DerivativesAreStatic(method) ? "" : "nablaSelf.")}{stem}_Primal({string.Join(", ", Enumerable.Range(0, types.Count).Select(k => Argument(k, again)).Concat(arrayWrt.Select(Shadow)).Concat(arrayResult ? new[] { "out var nablaShadowResult" } : new string[0]).Concat(new[] { $"out {stem}_Residuals{instantiation} nablaResiduals" }))});";
        string gradient = lowered.Wrt.Count == 1
            ? (types[lowered.Wrt[0]].IsArray ? Shadow(lowered.Wrt[0]) : "nablaScalars")
            : "(" + string.Join(", ", lowered.Wrt.Select(k => types[k].IsArray ? Shadow(k) : scalarWrt.Count == 1 ? "nablaScalars" : "nablaScalars.Item" + (scalarWrt.IndexOf(k) + 1))) + ")";

        w.Line($"/// <summary>Reverse mode of {display}: its value and its pullback, a function from a cotangent of the result to the cotangents of ({string.Join(", ", lowered.Wrt.Select(k => f.Parameters[k].Name))}).</summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open($"{access}{(Symbols.DerivativesAreStatic(method) ? " static" : "")} ({ret} Value, global::System.Func<{cot}, {grad}> Pullback) {stem}_ValueWithPullback({ps})");
        // A lambda in a struct cannot capture 'this': it captures a copy.
        if (!Symbols.DerivativesAreStatic(method)) w.Line("var nablaSelf = this;");
        foreach (int k in arrayParams)
            w.Line($"var {Input(k)} = global::Nabla.CompilerServices.Shadow.CopyOf({f.Parameters[k].Name});");
        w.Line(RunPrimal($"{ret} nablaValue"));
        w.Line("bool nablaFresh = true;");
        w.Line("return (nablaValue, nablaCotangent =>");
        w.Line("{");
        w.Indent++;
        w.Line("if (!nablaFresh)");
        w.Line("{");
        w.Line("    " + RunPrimal("_", again: true));
        w.Line("    return NablaPull(nablaCotangent, nablaResiduals" + string.Concat(arrayWrt.Select(k => ", " + Pulled(k))) + (arrayResult ? ", nablaShadowResult" : "") + ");");
        w.Line("}");
        w.Line("nablaFresh = false;");
        w.Line("return NablaPull(nablaCotangent, nablaResiduals" + string.Concat(arrayWrt.Select(k => ", " + Pulled(k))) + (arrayResult ? ", nablaShadowResult" : "") + ");");
        w.Indent--;
        w.Line("});");
        w.Line();
        w.Open($"static {grad} NablaPull({cot} nablaCotangent, {stem}_Residuals{instantiation} nablaResiduals" + string.Concat(arrayWrt.Select(k => $", {types[k].Tangent.Name} {Shadow(k)}")) + (arrayResult ? $", {ret} nablaShadowResult" : "") + ")");
        if (arrayResult) w.Line("global::Nabla.CompilerServices.Shadow.AddInto(nablaShadowResult, nablaCotangent);");
        string call = $"{stem}_Pullback(in nablaResiduals{(arrayResult ? "" : ", nablaCotangent")})";
        w.Line(scalarWrt.Count == 0 ? call + ";" : $"var nablaScalars = {call};");
        w.Line($"return {gradient};");
        w.Close();
        w.Close();
    }

    /// <summary>Whether <paramref name="callee"/>'s body names a member (field, property, method) that code in <paramref name="host"/> cannot access.</summary>
    private static bool UsesMembersHiddenFrom(IMethodSymbol callee, INamedTypeSymbol host, Compilation compilation, CancellationToken ct)
    {
        if (SymbolEqualityComparer.Default.Equals(callee.ContainingType, host)) return false;
        var syntax = callee.DeclaringSyntaxReferences[0].GetSyntax(ct);
        if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree) || SemanticModels.Of(compilation, syntax.SyntaxTree).GetOperation(syntax, ct) is not { } body)
            return false;
        foreach (var member in RuleIndex.MembersUsed(body, constructors: true))
        {
            // A differentiable type's own state is read through the accessors its generated part declares (NablaGet_).
            if (member is IFieldSymbol or IPropertySymbol && !member.IsStatic && member.ContainingType is { } owner &&
                Symbols.HasAttribute(owner.OriginalDefinition, Symbols.DifferentiableAttribute))
                continue;
            if (!compilation.IsSymbolAccessibleWithin(member.OriginalDefinition, host)) return true;
        }
        return false;
    }

    /// <summary>
    /// The residual types of the [Differentiable] methods <paramref name="method"/> calls that call it back (A calls B,
    /// B calls A): each one's residuals would hold the other's, a cycle no struct layout allows, so they are boxed.
    /// </summary>
    private static HashSet<string>? MutuallyRecursiveResidualTypes(IMethodSymbol method, Compilation compilation)
    {
        HashSet<string>? boxed = null;
        var self = method.OriginalDefinition;
        foreach (var callee in DifferentiableCallees(self, compilation))
        {
            if (SymbolEqualityComparer.Default.Equals(callee, self) || !Reaches(callee, self, compilation)) continue;
            (boxed ??= new HashSet<string>(StringComparer.Ordinal)).Add(
                Symbols.TypeName(callee.ContainingType) + "." + Symbols.DerivativeStem(callee) + "_Residuals");
        }
        return boxed;
    }

    private static bool Reaches(IMethodSymbol from, IMethodSymbol to, Compilation compilation)
    {
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { from };
        var work = new Stack<IMethodSymbol>(new[] { from });
        while (work.Count > 0)
            foreach (var next in DifferentiableCallees(work.Pop(), compilation))
            {
                if (SymbolEqualityComparer.Default.Equals(next, to)) return true;
                if (seen.Add(next)) work.Push(next);
            }
        return false;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IMethodSymbol, List<IMethodSymbol>> s_callees = new();

    /// <summary>The [Differentiable] methods of this compilation (not generic) that <paramref name="method"/>'s body calls.</summary>
    private static List<IMethodSymbol> DifferentiableCallees(IMethodSymbol method, Compilation compilation) => s_callees.GetValue(method, m =>
    {
        var found = new List<IMethodSymbol>();
        foreach (var reference in m.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree)) continue;
            foreach (var call in syntax.DescendantNodes().OfType<InvocationExpressionSyntax>())
                if (SemanticModels.Of(compilation, syntax.SyntaxTree).GetSymbolInfo(call).Symbol is IMethodSymbol target &&
                    target.OriginalDefinition is var original && Symbols.IsDifferentiable(original) && !original.IsGenericMethod &&
                    SymbolEqualityComparer.Default.Equals(original.ContainingAssembly, compilation.Assembly) &&
                    !found.Contains(original, SymbolEqualityComparer.Default))
                    found.Add(original);
        }
        return found;
    });

    private static readonly HashSet<string> ArrayWriters = new(StringComparer.Ordinal)
    {
        "global::System.Array.Copy", "global::System.Array.ConstrainedCopy", "global::System.Array.Fill", "global::System.Array.Clear",
        "global::System.Array.Reverse", "global::System.Array.Sort", "global::System.Array.Resize", "global::System.Buffer.BlockCopy",
    };

    private static bool WritesArrays(Instr call) =>
        ArrayWriters.Contains(call.Callee!.Expression.Split('<')[0]) ||
        !call.Callee.IsStatic && call.Callee.Expression == "CopyTo" && call.Operands.Count > 0 && call.Operands[0].Type.IsArray;

    /// <summary>A zero tangent shaped like <paramref name="value"/>, whose arrays become the shadows a primal accumulates into.</summary>
    private static string ZeroShadowOf(IR.IrType type, string value) => type switch
    {
        { IsStructArray: true } => $"global::Nabla.CompilerServices.Shadow.TangentsLike<{type.Element.Tangent.Name}>({value})",
        { IsArray: true } => $"global::Nabla.CompilerServices.Shadow.ZerosLike({value})",
        { IsStruct: true, Construction: IR.StructConstruction.Tuple } =>
            "(" + string.Join(", ", type.Fields.Where(f => f.Differentiable).Select(f => ZeroShadowOf(f.Type, value + "." + f.Name))) + ")",
        { IsStruct: true } => value + ".ZeroTangent()",
        _ => "default(" + type.Tangent.Name + ")",
    };

    /// <summary>Whether the type is its own tangent: reals, vectors, arrays of them, tuples of them (element names aside).</summary>
    private static bool IsOwnTangent(IR.IrType t) =>
        t.Tangent.Equals(t) ||
        t is { IsStruct: true, Construction: IR.StructConstruction.Tuple } && t.Fields.All(f => f.Differentiable && IsOwnTangent(f.Type));

    private static void WriteRegistration(SourceWriter w, RegistrationInfo r, bool scalarResult)
    {
        var types = r.ParameterTypes.ToArray();
        int n = types.Length;
        string names = string.Join(", ", Enumerable.Range(0, n).Select(k => "x" + k));
        string tangents = string.Join(", ", Enumerable.Range(0, n).Select(k => "d" + k));
        string Func(params string[] parts) => "global::System.Func<" + string.Join(", ", parts) + ">";
        string gAll = n == 1 ? types[0] : "(" + string.Join(", ", types) + ")";
        var wrt = r.Wrt.ToArray();
        string FromWrt(string gradient) => n == 1
            ? gradient
            : "(" + string.Join(", ", Enumerable.Range(0, n).Select(k =>
                Array.IndexOf(wrt, k) is int at && at >= 0 ? (wrt.Length == 1 ? gradient : gradient + ".Item" + (at + 1)) : "default(" + types[k] + ")")) + ")";
        string jvpTangents = string.Join(", ", wrt.Select(k => "d" + k));

        w.Line("/// <summary>Registers these derivatives for the runtime operators (Autodiff.Gradient and friends).</summary>");
        w.Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        w.Open($"internal static void NablaRegister_{r.Stem}()");
        w.Line("global::Nabla.CompilerServices.DerivativeRegistry.Register(");
        w.Indent++;
        w.Line($"({Func(types.Concat(new[] { r.ReturnType }).ToArray())}){r.Method},");
        w.Line("new global::Nabla.CompilerServices.DerivativeSet(");
        w.Indent++;
        if (wrt.Length == n && wrt.Select((k, at) => k == at).All(same => same))
        {
            // Every parameter differentiated: the generated members have the operators' delegate types, so
            // method groups do; a lambda would cost the compiler several times more (docs/performance.md, "Build time").
            w.Line(scalarResult ? $"({Func(types.Concat(new[] { $"({r.ReturnType} Value, {gAll} Gradient)" }).ToArray())}){r.Stem}_ValueWithGradient," : "null,");
            w.Line($"({Func(types.Concat(types).Concat(new[] { $"({r.ReturnType} Value, {r.ReturnType} Tangent)" }).ToArray())}){r.Stem}_Jvp,");
            w.Line($"({Func(types.Concat(new[] { $"({r.ReturnType} Value, {Func(r.ReturnType, gAll)} Pullback)" }).ToArray())}){r.Stem}_ValueWithPullback));");
            w.Indent -= 2;
            w.Close();
            return;
        }
        if (scalarResult)
        {
            w.Line($"({Func(types.Concat(new[] { $"({r.ReturnType} Value, {gAll} Gradient)" }).ToArray())})(static ({names}) =>");
            w.Line("{");
            w.Line($"    var r = {r.Stem}_ValueWithGradient({names});");
            w.Line($"    return (r.Value, {FromWrt("r.Gradient")});");
            w.Line("}),");
        }
        else
        {
            w.Line("null,");
        }
        w.Line($"({Func(types.Concat(types).Concat(new[] { $"({r.ReturnType} Value, {r.ReturnType} Tangent)" }).ToArray())})(static ({names}, {tangents}) => {r.Stem}_Jvp({names}, {jvpTangents})),");
        w.Line($"({Func(types.Concat(new[] { $"({r.ReturnType} Value, {Func(r.ReturnType, gAll)} Pullback)" }).ToArray())})(static ({names}) =>");
        w.Line("{");
        w.Line($"    var (value, pullback) = {r.Stem}_ValueWithPullback({names});");
        w.Line($"    return (value, cotangent =>");
        w.Line("    {");
        w.Line($"        var g = pullback(cotangent);");
        w.Line($"        return {FromWrt("g")};");
        w.Line("    });");
        w.Line("})));");
        w.Indent -= 2;
        w.Close();
    }
}
