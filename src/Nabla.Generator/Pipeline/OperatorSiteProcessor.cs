// Call sites of the differential operators (Autodiff.Gradient(f, x) and friends). An inline lambda
// becomes a synthesized [Differentiable] method (its captured variables are data parameters) that goes
// through the same compiler pass as any method; an interceptor then binds the call site to the
// generated derivative, reading the captured values from the closure at each call. A method group of a
// [Differentiable] method is bound the same way, so neither costs a registry lookup.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.Rules;
using Nabla.Generator.Transforms;

namespace Nabla.Generator.Pipeline;

internal static class OperatorSiteProcessor
{
    /// <summary>The operators an interceptor can bind, by name.</summary>
    private static readonly HashSet<string> Operators = new()
    {
        "Gradient", "ValueWithGradient", "Derivative", "Jvp", "ValueWithDifferential",
        "ValueWithPullback", "Vjp", "JacobianForward", "JacobianReverse", "Hessian", "HessianVectorProduct",
    };

    private static bool IsSecondOrder(string op) => op is "Hessian" or "HessianVectorProduct";

    /// <summary>Cheap syntactic filter: an invocation of an operator name whose first argument is a function.</summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is InvocationExpressionSyntax { ArgumentList.Arguments.Count: >= 1 } inv &&
        (inv.ArgumentList.Arguments.Count >= 2 &&
         OperatorName(inv.Expression) is { } name && (Operators.Contains(name) || name is "Check" or "Assert") &&
         Unparenthesized(inv.ArgumentList.Arguments[0].Expression) is AnonymousFunctionExpressionSyntax or SimpleNameSyntax or MemberAccessExpressionSyntax ||
         // A lambda passed to a method that may take it as a [Differentiable] delegate (ForFunctionParameter), or what may
         // be a method group (a name starting with a capital letter, by .NET's naming), checked there (NABLA0014).
         inv.ArgumentList.Arguments.Any(a => Unparenthesized(a.Expression) is AnonymousFunctionExpressionSyntax ||
                                             (Unparenthesized(a.Expression) switch { SimpleNameSyntax n => n, MemberAccessExpressionSyntax m => m.Name, _ => null })
                                                 is { Identifier.ValueText: { Length: > 0 } name } && char.IsUpper(name[0])));

    /// <summary>Whether the lambda calls a [Differentiable] method that has an error of its own (which then stands alone).</summary>
    private static bool CallsARejectedMethod(IOperation lambda, Compilation compilation)
    {
        return lambda.Descendants().Any(o => o switch
        {
            IInvocationOperation call => Rejected(call.TargetMethod),
            IObjectCreationOperation { Constructor: { } constructor } => Rejected(constructor),
            IPropertyReferenceOperation { Property.GetMethod: { } getter } => Rejected(getter),
            _ => false,
        });
        // (Or one calling such a method, further down: it gets no derivatives either.)
        bool Rejected(IMethodSymbol m) => CalleeResolver.IsRejected(m, compilation) || CalleeResolver.LoweringFails(m, compilation);
    }

    /// <summary>An argument's expression without parentheses (Roslyn gives a parenthesized argument's operation the inner syntax).</summary>
    private static ExpressionSyntax? ArgumentExpression(IArgumentOperation argument) =>
        argument.Syntax switch
        {
            ArgumentSyntax a => Unparenthesized(a.Expression),
            ExpressionSyntax e => Unparenthesized(e),
            _ => null,
        };

    /// <summary>An argument without the parentheses around it: <c>(x => x * x)</c> is the lambda.</summary>
    private static ExpressionSyntax Unparenthesized(ExpressionSyntax e)
    {
        while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
        return e;
    }

    private static string? OperatorName(ExpressionSyntax e) => e switch
    {
        IdentifierNameSyntax id => id.Identifier.Text,
        GenericNameSyntax g => g.Identifier.Text,
        MemberAccessExpressionSyntax m => m.Name.Identifier.Text,
        _ => null,
    };

    public static EquatableArray<GeneratedFile> Process(GeneratorSyntaxContext ctx, CancellationToken ct)
    {
        var inv = (InvocationExpressionSyntax)ctx.Node;
        var model = ctx.SemanticModel;
        var info = model.GetSymbolInfo(inv, ct);
        if (info.Symbol is null && CapturedSpan(inv, info, model, ct) is { } captured)
            return captured;
        var symbol = info.Symbol ?? UnresolvedTangentCall(inv, info, model, ct) ?? UnresolvedGradCheck(inv, info, model, ct);
        if (symbol is IMethodSymbol user && user.ContainingType?.ToDisplayString() is not (Symbols.AutodiffClass or "Nabla.GradCheck"))
            return ForFunctionParameter(inv, user, model, ct);
        if (symbol is not IMethodSymbol op ||
            op.ContainingType?.ToDisplayString() is not (Symbols.AutodiffClass or "Nabla.GradCheck") ||
            !(op.ContainingType.Name == "GradCheck" ? op.Name is "Check" or "Assert" : Operators.Contains(op.Name)) ||
            op.ContainingType.Name == "GradCheck" && inv.ArgumentList.Arguments[0].Expression is not AnonymousFunctionExpressionSyntax)
            return Empty;
        if (op.Parameters.Length < 2 || op.Parameters[0].Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke })
            return Empty;
        var fArg = Unparenthesized(inv.ArgumentList.Arguments[0].Expression);
        if (BoxedInput(op) is { BaseType: { } baseType } derived && DifferentiableBase(baseType) is { } differentiableBase)
            // It implements IDifferentiable<Base, Base.Tangent> and IDifferentiable<Derived, Derived.Tangent>: C# cannot infer
            // the tangent type, binds the call to the overload typed by the input itself, and no interceptor can match it.
            return Fail(op.Name, fArg, $"its input is '{derived.Name}', a class deriving from the differentiable '{differentiableBase.Name}', so C# cannot tell " +
                $"which tangent type the operator returns ({derived.Name}.Tangent or {differentiableBase.Name}.Tangent): call the generated " +
                $"[Differentiable] method's own members (M_ValueWithGradient, M_Jvp) on it, or differentiate a function of '{derived.Name}'s members");
        if (BoxedInput(op) is { } boxed && ((CSharpParseOptions)inv.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp13)
            return Fail(op.Name, fArg, $"its input is the differentiable type '{boxed.Name}', whose gradient is a '{boxed.Name}.Tangent': the operator overloads for differentiable types need C# 13 or later (set LangVersion), or call the generated F_ValueWithGradient member directly");
        // The operators type an input's tangent as the input itself, except for a single [Differentiable] type (its own
        // overloads, BoxedInput): generated code for anything else holding one would not compile.
        bool singleDifferentiableType = invoke.Parameters.Length == 1 && invoke.Parameters[0].Type is INamedTypeSymbol { IsTupleType: false } single &&
                                        TangentShapes.IsDifferentiableType(single);
        if (!singleDifferentiableType && op.ContainingType.Name != "GradCheck" && BoxedPair(op, invoke) is null &&
            invoke.Parameters.FirstOrDefault(p => HasOwnTangentType(p.Type)) is { } structParameter)
            return Fail(op.Name, fArg, $"its input {structParameter.Ordinal + 1} is of type '{structParameter.Type.ToDisplayString()}', whose tangent is of " +
                "another type, and the operators type the tangents of several inputs, and of arrays and tuples, as the inputs themselves: " +
                "differentiate with respect to one [Differentiable] value alone (capture the other inputs), or use a named derivative " +
                "([GradientOf]) or the generated members");
        var structResult = StructResult(op, invoke);
        // (A Jacobian is a matrix whatever the result's tangent: its overloads take any function.)
        if (structResult != null && !IsJacobian(op.Name))
        {
            // Its own overloads (typed by the result's Tangent) take a lambda only; the rest of the pipeline sees the
            // delegate as returning the struct itself, as the lambda does.
            if (fArg is not AnonymousFunctionExpressionSyntax)
                return Fail(op.Name, fArg, $"its result is of type '{structResult.ToDisplayString()}', whose tangent is a '{structResult.Name}.Tangent', and C# " +
                    $"types the operator by that tangent only for a lambda: pass t => {fArg}(t)");
            if (((CSharpParseOptions)inv.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp13)
                return Fail(op.Name, fArg, $"its result is of the differentiable type '{structResult.Name}', whose tangent is a '{structResult.Name}.Tangent': the operator overloads for such results need C# 13 or later (set LangVersion), or call the generated F_Jvp member directly");
            if (!SymbolEqualityComparer.Default.Equals(invoke.ReturnType, structResult) &&
                model.Compilation.GetTypeByMetadataName("System.Func`2") is { } func)
                invoke = func.Construct(invoke.Parameters[0].Type, structResult).DelegateInvokeMethod!;
        }
        else if (structResult is null && op.ContainingType.Name != "GradCheck" && HasOwnTangentType(invoke.ReturnType))
            return Fail(op.Name, fArg, $"its result is of type '{invoke.ReturnType.ToDisplayString()}', whose tangent is of another type, and the " +
                "operators type the result's tangent as the result itself: return its members (a tuple or an array), or use a named " +
                "derivative ([JvpOf]) or the generated members (F_Jvp, F_ValueWithPullback)");
        if (!InterceptorsEnabled(inv.SyntaxTree.Options))
        {
            // Without interceptors a method group still works through the registry; a lambda cannot.
            return fArg is AnonymousFunctionExpressionSyntax
                ? Fail(op.Name, fArg, "interceptors are not enabled for Nabla.Generated in this project; reference the Nabla package (its build props enable them) or add <InterceptorsNamespaces>$(InterceptorsNamespaces);Nabla.Generated</InterceptorsNamespaces> to the project")
                : Empty;
        }
        try
        {
            return fArg is AnonymousFunctionExpressionSyntax lambda
                ? ForLambda(inv, op, invoke, lambda, model, ct)
                : ForMethodGroup(inv, op, invoke, fArg, model, resolvedInView: info.Symbol != null, ct);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            var d = DiagnosticInfo.Create(Descriptors.GeneratorFailure, fArg.GetLocation(), "the function passed to Autodiff." + op.Name,
                e.GetType().Name + ": " + e.Message + " at " + MethodProcessor.FirstFrame(e));
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[] { d })));
        }
    }

    /// <summary>Whether <paramref name="op"/> is one of Nabla's operators (Autodiff, GradCheck) rather than a user's method.</summary>
    private static bool IsNablaOperator(IMethodSymbol op) =>
        op.ContainingType?.ToDisplayString() is Symbols.AutodiffClass or "Nabla.GradCheck" &&
        (op.ContainingType.Name == "GradCheck" ? op.Name is "Check" or "Assert" : Operators.Contains(op.Name));

    /// <summary>How messages name the method a lambda is passed to.</summary>
    private static string Display(IMethodSymbol op) => op.ContainingType.Name + "." + op.Name;

    /// <summary>
    /// A lambda passed to a [Differentiable] delegate parameter of a method that is not itself [Differentiable] (a
    /// solver that calls Autodiff.Derivative(f, x) on it, say): the lambda's derivatives are generated here, and an
    /// interceptor of the call registers them for the delegate before calling the method, so the operators inside
    /// find them at run time, also when the method is itself [Differentiable] (its body, run as a primal, calls the operators).
    /// (In [Differentiable] code such a call is differentiated by inlining; the interceptor only binds the call as written.)
    /// </summary>
    private static EquatableArray<GeneratedFile> ForFunctionParameter(InvocationExpressionSyntax inv, IMethodSymbol method, SemanticModel model, CancellationToken ct)
    {
        if (Symbols.IsDifferentiable(method) && (InDifferentiableMethod(inv, model, ct) || !AppliesOperators(method, model.Compilation, ct)) ||
            method.IsGenericMethod || method.ContainingType is null || method.ContainingType.IsGenericType ||
            method.MethodKind != MethodKind.Ordinary || method.ReducedFrom != null)
            return Empty;
        if (!method.Parameters.Any(p => Symbols.HasAttribute(p, Symbols.DifferentiableAttribute))) return Empty;
        if (model.GetOperation(inv, ct) is not IInvocationOperation call) return Empty;
        var diagnostics = new List<DiagnosticInfo>();
        // A method group is registered by its own assembly; one that can never have a derivative is an error here.
        foreach (var argument in call.Arguments)
            if (argument.Parameter is { } groupParameter && Symbols.HasAttribute(groupParameter, Symbols.DifferentiableAttribute) &&
                argument.Value is IDelegateCreationOperation { Target: IMethodReferenceOperation { Method: var group } } &&
                !Symbols.IsDifferentiable(group) && !group.DeclaringSyntaxReferences.IsEmpty && RuleIndex.For(model.Compilation).Find(group) is null)
                diagnostics.Add(DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, argument.Value.Syntax.GetLocation(), group.ToDisplayString(),
                    "the [Differentiable] parameter '" + groupParameter.Name + "' of " + Display(method),
                    "mark it [Differentiable] (its type must be partial), or pass an inline lambda that calls differentiable code"));
        foreach (var argument in call.Arguments)
        {
            if (argument.Parameter is not { } parameter || !Symbols.HasAttribute(parameter, Symbols.DifferentiableAttribute) ||
                parameter.Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke })
                continue;
            if (ArgumentExpression(argument) is not AnonymousFunctionExpressionSyntax lambda)
                continue;
            if (method.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams) || !TypeDeclarations.IsReachableFromAssembly(method.ContainingType) ||
                method.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                return Fail(Display(method), lambda, $"'{method.Name}' is intercepted at this call to register the lambda's derivatives, which needs a static or instance method " +
                    "visible to the assembly with parameters passed by value; pass a [Differentiable] method (a method group) instead");
            if (!InterceptorsEnabled(inv.SyntaxTree.Options))
                return Fail(Display(method), lambda, "interceptors are not enabled for Nabla.Generated in this project; reference the Nabla package (its build props enable them) or add <InterceptorsNamespaces>$(InterceptorsNamespaces);Nabla.Generated</InterceptorsNamespaces> to the project");
            if (!Symbols.IsDifferentiableType(invoke.ReturnType) || invoke.Parameters.Any(p => !Symbols.IsDifferentiableType(p.Type) || p.RefKind != RefKind.None))
                return Fail(Display(method), lambda, $"'{parameter.Name}' is a {parameter.Type.ToDisplayString()}, and only delegates from differentiable inputs to a differentiable result can carry derivatives");
            try
            {
                var files = ForLambda(inv, method, invoke, lambda, model, ct, parameter.Name);
                // One interceptor registers one lambda: a second lambda at the same call would have no derivatives at run time.
                var others = call.Arguments.Where(a => a != argument && a.Parameter is { } p && Symbols.HasAttribute(p, Symbols.DifferentiableAttribute) &&
                                                       ArgumentExpression(a) is AnonymousFunctionExpressionSyntax)
                    .Select(a => DiagnosticInfo.Create(Descriptors.LambdaNotDifferentiable, ArgumentExpression(a)!.GetLocation(), Display(method),
                        "only one lambda per call of a method taking [Differentiable] functions is registered (here the one for '" + parameter.Name +
                        "'); pass the others as [Differentiable] methods (method groups), or as lambdas at calls of their own"))
                    .ToArray();
                var alongside = others.Concat(diagnostics).ToArray();
                return alongside.Length == 0 ? files : new EquatableArray<GeneratedFile>(files.Concat(new[] { new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(alongside)) }).ToArray());
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                var d = DiagnosticInfo.Create(Descriptors.GeneratorFailure, lambda.GetLocation(), "the lambda passed to " + method.Name,
                    e.GetType().Name + ": " + e.Message + " at " + MethodProcessor.FirstFrame(e));
                return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[] { d })));
            }
        }
        return diagnostics.Count == 0 ? Empty : Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray())));
    }

    /// <summary>
    /// Whether a [Differentiable] method's body calls Nabla's operators (and so needs the derivatives of the function it is
    /// given when it runs as plain code); one that only calls the function is inlined where it is differentiated.
    /// </summary>
    private static bool AppliesOperators(IMethodSymbol method, Compilation compilation, CancellationToken ct)
    {
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var body = reference.GetSyntax(ct);
            var model = compilation.GetSemanticModel(body.SyntaxTree);
            foreach (var call in body.DescendantNodes().OfType<InvocationExpressionSyntax>())
                if (call.Expression is MemberAccessExpressionSyntax or IdentifierNameSyntax or GenericNameSyntax &&
                    OperatorName(call.Expression) is { } name && (Operators.Contains(name) || name is "Check" or "Assert") &&
                    model.GetSymbolInfo(call, ct).Symbol is IMethodSymbol target && IsNablaOperator(target))
                    return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="node"/> may be differentiated code: in a lambda (which may be passed to an operator, and then
    /// is inlined with what it calls), or in the body of a [Differentiable] method (or of a local function in one).
    /// </summary>
    /// <summary>Whether <paramref name="call"/> is inside a lambda passed to one of Nabla's operators (a nested derivative).</summary>
    private static bool InsideOperatorLambda(SyntaxNode call, SemanticModel model, CancellationToken ct) =>
        call.Ancestors().OfType<AnonymousFunctionExpressionSyntax>().Any(lambda =>
            lambda.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax outer } } &&
            model.GetSymbolInfo(outer, ct).Symbol is IMethodSymbol op && IsNablaOperator(op));

    private static bool InDifferentiableMethod(SyntaxNode node, SemanticModel model, CancellationToken ct)
    {
        for (var symbol = model.GetEnclosingSymbol(node.SpanStart, ct); symbol != null; symbol = symbol.ContainingSymbol)
        {
            if (symbol is not IMethodSymbol m) return false;
            if (m.MethodKind == MethodKind.AnonymousFunction) return true;
            if (m.MethodKind != MethodKind.LocalFunction) return Symbols.IsDifferentiable(m);
        }
        return false;
    }

    /// <summary>
    /// A single input of a [Differentiable] type of this compilation: its IDifferentiable&lt;T, T.Tangent&gt; is generated,
    /// so the generator sees the general overload bound, while the compiler binds the one for differentiable types
    /// (overload resolution priority) once the generated code is there. The interceptor must have that one's signature.
    /// </summary>
    /// <summary>The first differentiable type among <paramref name="type"/> and its base types, or null.</summary>
    private static INamedTypeSymbol? DifferentiableBase(INamedTypeSymbol? type)
    {
        for (; type != null && type.SpecialType != SpecialType.System_Object; type = type.BaseType)
            if (TangentShapes.IsDifferentiableType(type)) return type;
        return null;
    }

    private static INamedTypeSymbol? BoxedInput(IMethodSymbol op) =>
        op.ContainingType.ToDisplayString() == Symbols.AutodiffClass && op.TypeParameters.Length == 2 &&
        op.Name is "Gradient" or "ValueWithGradient" or "ValueWithPullback" or "Vjp" or "Jvp" or "ValueWithDifferential" &&
        op.Parameters[1].Type is INamedTypeSymbol input && TangentShapes.IsDifferentiableType(input) &&
        !input.AllInterfaces.Any(i => i.OriginalDefinition.ToDisplayString() == "Nabla.IDifferentiable<TSelf, TTangent>")
            ? input : null;

    /// <summary>
    /// The [Differentiable] result of a function of one scalar or one [Differentiable] value passed to an operator that has
    /// overloads typed by the result's tangent (Autodiff.DifferentiableTypes.cs: <c>Func&lt;T1, IDifferentiable&lt;TR, TRT&gt;&gt;</c>). The generator's
    /// view of a type of this compilation lacks the interface (its generated part adds it), so the call is bound there
    /// to the general overload returning the struct itself: either way, the struct.
    /// </summary>
    private static INamedTypeSymbol? StructResult(IMethodSymbol op, IMethodSymbol invoke)
    {
        if (op.ContainingType.ToDisplayString() != Symbols.AutodiffClass ||
            op.Name is not ("Derivative" or "Jvp" or "ValueWithDifferential" or "ValueWithPullback" or "Vjp" or "JacobianForward" or "JacobianReverse") ||
            op.Parameters.Length != (op.Name is "Jvp" or "Vjp" ? 3 : 2) || invoke.Parameters.Length != 1 ||
            !(invoke.Parameters[0].Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single ||
              op.Name != "Derivative" && (IsRealArray(invoke.Parameters[0].Type) ||
                  invoke.Parameters[0].Type is INamedTypeSymbol { IsTupleType: false } input && TangentShapes.IsDifferentiableType(input))))
            return null;
        if (invoke.ReturnType is INamedTypeSymbol { Name: "IDifferentiable", TypeArguments.Length: 2 } boxed && boxed.ContainingNamespace?.ToDisplayString() == "Nabla")
            return boxed.TypeArguments[0] as INamedTypeSymbol;
        return invoke.ReturnType is INamedTypeSymbol { IsTupleType: false } named && TangentShapes.IsDifferentiableType(named) ? named : null;
    }

    /// <summary>
    /// The [Differentiable] struct a general second-order operator (<c>Hessian&lt;T, TR&gt;</c>,
    /// <c>HessianVectorProduct&lt;T, TT, TR&gt;</c>) is called on. Its tangent type is generated, so the generator's view of
    /// the call has an error type where the compiler will see <c>T.Tangent</c>: the interceptor names it.
    /// </summary>
    private static INamedTypeSymbol? StructSecondOrderInput(IMethodSymbol op) =>
        op.ContainingType.ToDisplayString() == Symbols.AutodiffClass && IsSecondOrder(op.Name) &&
        op.TypeArguments.Length == (op.Name == "Hessian" ? 2 : 3) &&
        op.TypeArguments[0] is INamedTypeSymbol input && TangentShapes.IsDifferentiableType(input)
            ? input : null;

    /// <summary>
    /// <c>Jvp(f, x, dx)</c> or <c>HessianVectorProduct(f, x, v)</c> on a [Differentiable] struct x: the direction is an
    /// <c>x.Tangent</c>, a type the generator writes, so in its view of the call no overload resolves. The general overload
    /// (<c>Jvp&lt;T1, TR&gt;</c>, <c>HessianVectorProduct&lt;T, TT, TR&gt;</c>), constructed for x's type and f's result; the
    /// interceptor names the tangent type (<see cref="BoxedInput"/>, <see cref="StructSecondOrderInput"/>).
    /// </summary>
    private static IMethodSymbol? UnresolvedTangentCall(InvocationExpressionSyntax inv, SymbolInfo info, SemanticModel model, CancellationToken ct)
    {
        if (info.CandidateReason != CandidateReason.OverloadResolutionFailure || inv.ArgumentList.Arguments.Count != 3) return null;
        if (VjpOfStructResult(inv, info, model, ct) is { } vjp) return vjp;
        var general = info.CandidateSymbols.OfType<IMethodSymbol>().Select(c => c.OriginalDefinition).FirstOrDefault(c =>
            c.ContainingType.ToDisplayString() == Symbols.AutodiffClass &&
            (c.Name == "HessianVectorProduct" && c.TypeParameters.Length == 3 || c.Name == "Jvp" && c.TypeParameters.Length == 2));
        if (general is null || model.GetTypeInfo(inv.ArgumentList.Arguments[1].Expression, ct).Type is not INamedTypeSymbol input ||
            !TangentShapes.IsDifferentiableType(input) || general.Name == "HessianVectorProduct" && input.TypeKind != Microsoft.CodeAnalysis.TypeKind.Struct)
            return null;
        var f = inv.ArgumentList.Arguments[0].Expression;
        ITypeSymbol? result;
        if (f is AnonymousFunctionExpressionSyntax lambda)
            result = ReturnedType(lambda, model, ct);
        else
        {
            var fInfo = model.GetSymbolInfo(f, ct);
            result = ((fInfo.Symbol ?? fInfo.CandidateSymbols.FirstOrDefault()) as IMethodSymbol) is { Parameters.Length: 1 } function ? function.ReturnType : null;
        }
        // Jvp of a function between [Differentiable] types: its own overloads (StructResult); the general one stands for them here.
        bool structResult = general.Name == "Jvp" && result is INamedTypeSymbol { IsTupleType: false } named && TangentShapes.IsDifferentiableType(named);
        if (result is null || result.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single) && !structResult) return null;
        return general.TypeParameters.Length == 3 ? general.Construct(input, input, result) : general.Construct(input, result);
    }

    /// <summary>
    /// Gradient or ValueWithGradient of a function of two inputs, one or both of a [Differentiable] type (not a tuple):
    /// the differentiable ones (null for an input that is its own tangent), which the compiler binds to the overloads
    /// typed by their Tangents (Autodiff.DifferentiableTypes.cs); null when neither is, or another input is not its own tangent.
    /// </summary>
    private static INamedTypeSymbol?[]? BoxedPair(IMethodSymbol op, IMethodSymbol invoke)
    {
        int n = invoke.Parameters.Length;
        if (op.ContainingType.ToDisplayString() != Symbols.AutodiffClass || op.Name is not ("Gradient" or "ValueWithGradient") ||
            n is < 2 or > 4 || op.Parameters.Length != n + 1)
            return null;
        var boxed = invoke.Parameters.Select(p => p.Type is INamedTypeSymbol { IsTupleType: false } named && TangentShapes.IsDifferentiableType(named) ? named : null).ToArray();
        if (boxed.All(b => b is null)) return null;
        for (int k = 0; k < n; k++)
            if (boxed[k] is null && HasOwnTangentType(invoke.Parameters[k].Type)) return null;
        return boxed;
    }

    /// <summary>The dense-Jacobian operators, whose result is a matrix whatever the function's result.</summary>
    private static bool IsJacobian(string op) => op is "JacobianForward" or "JacobianReverse";

    /// <summary>
    /// <c>GradCheck.Check(q => ..., model)</c> on a [Differentiable] value of this compilation: its IDifferentiable
    /// interface is generated, so in the generator's view no overload resolves. The one for differentiable types,
    /// constructed at the input's type (the interceptor names its Tangent).
    /// </summary>
    private static IMethodSymbol? UnresolvedGradCheck(InvocationExpressionSyntax inv, SymbolInfo info, SemanticModel model, CancellationToken ct)
    {
        if (info.CandidateReason != CandidateReason.OverloadResolutionFailure || inv.ArgumentList.Arguments.Count < 2) return null;
        var candidate = info.CandidateSymbols.OfType<IMethodSymbol>().Select(c => c.OriginalDefinition).FirstOrDefault(c =>
            c.ContainingType.ToDisplayString() == "Nabla.GradCheck" && c.Name is "Check" or "Assert" && c.TypeParameters.Length == 2);
        if (candidate is null || model.GetTypeInfo(inv.ArgumentList.Arguments[1].Expression, ct).Type is not INamedTypeSymbol { IsTupleType: false } input ||
            !TangentShapes.IsDifferentiableType(input))
            return null;
        return candidate.Construct(input, input);
    }

    /// <summary>A one-dimensional array of double or float: its own tangent type.</summary>
    private static bool IsRealArray(ITypeSymbol type) =>
        type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Double or SpecialType.System_Single };

    /// <summary>
    /// <c>Vjp(t => Simulate(t), x, cotangent)</c> with a cotangent of the result's Tangent type, which the generator's view
    /// does not have yet: the general <c>Vjp&lt;T1, TR&gt;</c> at the scalar input and the lambda's result type.
    /// </summary>
    private static IMethodSymbol? VjpOfStructResult(InvocationExpressionSyntax inv, SymbolInfo info, SemanticModel model, CancellationToken ct)
    {
        var general = info.CandidateSymbols.OfType<IMethodSymbol>().Select(c => c.OriginalDefinition).FirstOrDefault(c =>
            c.ContainingType.ToDisplayString() == Symbols.AutodiffClass && c.Name == "Vjp" && c.TypeParameters.Length == 2 && c.Parameters.Length == 3);
        if (general is null || inv.ArgumentList.Arguments[0].Expression is not AnonymousFunctionExpressionSyntax lambda ||
            model.GetTypeInfo(inv.ArgumentList.Arguments[1].Expression, ct).Type is not { } input ||
            !(input.SpecialType is SpecialType.System_Double or SpecialType.System_Single || IsRealArray(input) ||
              input is INamedTypeSymbol { IsTupleType: false } named && TangentShapes.IsDifferentiableType(named)))
            return null;
        return ReturnedType(lambda, model, ct) is INamedTypeSymbol { IsTupleType: false } result && TangentShapes.IsDifferentiableType(result)
            ? general.Construct(input, result) : null;
    }

    /// <summary>
    /// The type of what a lambda returns, from its body: when the call did not bind, the lambda was bound against
    /// another candidate and took that one's result type.
    /// </summary>
    private static ITypeSymbol? ReturnedType(AnonymousFunctionExpressionSyntax lambda, SemanticModel model, CancellationToken ct)
    {
        var returned = lambda.ExpressionBody ?? lambda.Block?.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
            .OfType<ReturnStatementSyntax>().FirstOrDefault()?.Expression;
        return returned is null ? null : model.GetTypeInfo(returned, ct).Type;
    }

    /// <summary>A [Differentiable] type (or an array of one), whose tangent is its synthesized Tangent type, not itself.</summary>
    private static bool HasOwnTangentType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => HasOwnTangentType(array.ElementType),
        // A tuple with data elements (an int beside a double): its tangent drops them.
        INamedTypeSymbol { IsTupleType: true } tuple => tuple.TupleElements.Any(e => HasOwnTangentType(e.Type) || !Symbols.IrTypeOf(e.Type).IsDifferentiable),
        INamedTypeSymbol named => TangentShapes.IsDifferentiableType(named),
        _ => false,
    };

    private static bool InterceptorsEnabled(ParseOptions options) =>
        options.Features.Where(f => f.Key is "InterceptorsNamespaces" or "InterceptorsPreviewNamespaces")
            .Any(f => f.Value.Split(';').Any(ns => ns.Trim() == "Nabla.Generated"));

    private static readonly EquatableArray<GeneratedFile> Empty = new(Array.Empty<GeneratedFile>());

    private static EquatableArray<GeneratedFile> Files(params GeneratedFile[] files) => new(files);

    private static EquatableArray<GeneratedFile> Fail(string op, SyntaxNode at, string why) =>
        Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
        {
            // Nabla's operators by name (Gradient), a user's method as Type.Method.
            DiagnosticInfo.Create(Descriptors.LambdaNotDifferentiable, at.GetLocation(), op.Contains('.') ? op : "Autodiff." + op, why),
        })));

    /// <summary>NABLA0021: derivatives nested deeper than the rules' partials go (RuleChains.MaxOrder).</summary>
    private static EquatableArray<GeneratedFile> FailOrder(string op, SyntaxNode at, string why) =>
        Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
        {
            DiagnosticInfo.Create(Descriptors.RuleOrderTooHigh, at.GetLocation(), op.Contains('.') ? op : "Autodiff." + op, why),
        })));

    // ---------------------------------------------------------------------------------------------
    // Method groups
    // ---------------------------------------------------------------------------------------------

    private static EquatableArray<GeneratedFile> ForMethodGroup(InvocationExpressionSyntax inv, IMethodSymbol op, IMethodSymbol invoke,
        ExpressionSyntax fArg, SemanticModel model, bool resolvedInView, CancellationToken ct)
    {
        // Only a method group is bound here; a delegate variable keeps the registry lookup.
        var info = model.GetSymbolInfo(fArg, ct);
        // A local holding one lambda for good (Func<double, double> sq = t => t * t; Gradient(sq, x)): that lambda is
        // differentiated, its captured variables read from the delegate at the call as for a lambda written there.
        if (info.Symbol is ILocalSymbol local && AssignedOnceLambda(local, model, ct) is { } held)
            return ForLambda(inv, op, invoke, held, model, ct);
        var target = (info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) as IMethodSymbol;
        // (A call the generator's view does not resolve, UnresolvedTangentCall, has no operation for the method group.)
        if (target is null || resolvedInView && model.GetOperation(fArg, ct) is not IMethodReferenceOperation &&
            model.GetOperation(fArg, ct)?.Parent is not IDelegateCreationOperation)
            return Empty;
        return BindDirectly(inv, op, invoke, fArg, target, model, ct);
    }

    /// <summary><c>x => F(x)</c> or <c>(x, y) => F(x, y)</c> for a method group, in messages.</summary>
    private static string LambdaFor(IMethodSymbol target, string? callee = null)
    {
        var names = target.Parameters.Select(p => Symbols.Identifier(p.Name)).ToList();
        string list = string.Join(", ", names);
        return (names.Count == 1 ? list : "(" + list + ")") + " => " + (callee ?? Symbols.Identifier(target.Name)) + "(" + list + ")";
    }

    /// <summary>
    /// The declaration of a static local function declared outside <paramref name="lambda"/>, when it calls no other local
    /// function (a static one reads nothing else from the method around it); null otherwise.
    /// </summary>
    private static string? StaticLocalFunctionText(IMethodSymbol local, AnonymousFunctionExpressionSyntax lambda, CancellationToken ct)
    {
        if (local.DeclaringSyntaxReferences.Length != 1 || local.DeclaringSyntaxReferences[0].GetSyntax(ct) is not LocalFunctionStatementSyntax declaration ||
            declaration.SyntaxTree != lambda.SyntaxTree || declaration.Span.Contains(lambda.Span) || lambda.Span.Contains(declaration.Span) ||
            declaration.TypeParameterList != null)
            return null;
        if (declaration.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call => call.Expression is IdentifierNameSyntax name &&
                name.Identifier.ValueText != declaration.Identifier.ValueText &&
                declaration.Ancestors().OfType<BlockSyntax>().Any(b => b.Statements.OfType<LocalFunctionStatementSyntax>().Any(f => f.Identifier.ValueText == name.Identifier.ValueText))))
            return null;
        return declaration.ToString();
    }

    /// <summary>
    /// The lambda a local of a delegate type is declared with, when it is never assigned again (nor passed by reference):
    /// the delegate the local holds is always that lambda's. Null otherwise.
    /// </summary>
    private static LambdaExpressionSyntax? AssignedOnceLambda(ILocalSymbol local, SemanticModel model, CancellationToken ct)
    {
        if (local.Type.TypeKind != Microsoft.CodeAnalysis.TypeKind.Delegate || local.IsRef || local.DeclaringSyntaxReferences.Length != 1 ||
            local.DeclaringSyntaxReferences[0].GetSyntax(ct) is not VariableDeclaratorSyntax { Initializer.Value: LambdaExpressionSyntax function } declarator ||
            declarator.SyntaxTree != model.SyntaxTree)
            return null;
        // (Top-level statements have no block: their scope is the file.)
        var scope = declarator.Ancestors().FirstOrDefault(a => a is BlockSyntax or ArrowExpressionClauseSyntax or CompilationUnitSyntax);
        if (scope is null) return null;
        foreach (var name in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText != local.Name || !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, ct).Symbol, local)) continue;
            if (name.Parent is AssignmentExpressionSyntax assignment && assignment.Left == name ||
                name.Parent is ArgumentSyntax { RefKindKeyword.RawKind: not 0 } ||
                name.Parent is PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax ||
                name.Parent is RefExpressionSyntax)
                return null;
        }
        return function;
    }

    /// <summary>
    /// The text of the lambda a captured local of a delegate type holds, when it is declared with one and never assigned
    /// again, and the lambda reads nothing from outside itself (so it means the same written inside the synthesized method);
    /// null otherwise.
    /// </summary>
    private static string? CapturedLambdaText(ILocalSymbol local, SemanticModel model, CancellationToken ct)
    {
        if (AssignedOnceLambda(local, model, ct) is not { } function) return null;
        // Self-contained: every local, parameter or 'this' it reads is its own.
        foreach (var node in function.DescendantNodes())
        {
            if (node is ThisExpressionSyntax or BaseExpressionSyntax) return null;
            if (node is IdentifierNameSyntax identifier && model.GetSymbolInfo(identifier, ct).Symbol is ILocalSymbol or IParameterSymbol &&
                model.GetSymbolInfo(identifier, ct).Symbol!.DeclaringSyntaxReferences.All(r => !function.Span.Contains(r.Span)))
                return null;
            // An instance member named without 'this.' reads 'this'.
            if (node is IdentifierNameSyntax member && !(member.Parent is MemberAccessExpressionSyntax access && access.Name == member) &&
                model.GetSymbolInfo(member, ct).Symbol is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false } or IMethodSymbol { IsStatic: false, MethodKind: MethodKind.Ordinary })
                return null;
        }
        return function.ToString();
    }

    /// <summary>Binds the call site straight to <paramref name="target"/>'s generated derivatives (a method group, or a lambda that only forwards to one).</summary>
    private static EquatableArray<GeneratedFile> BindDirectly(InvocationExpressionSyntax inv, IMethodSymbol op, IMethodSymbol invoke,
        ExpressionSyntax fArg, IMethodSymbol target, SemanticModel model, CancellationToken ct)
    {
        if (target.MethodKind == MethodKind.LocalFunction)
            // A [Differentiable] local function is inlined into its callers and has no derivative members of its own.
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, fArg.GetLocation(), target.ToDisplayString(), "Autodiff." + op.Name,
                    "a local function has no derivatives of its own (generated code cannot name it); make it a [Differentiable] method of the type"),
            })));
        if (!Symbols.IsDifferentiable(target))
        {
            // A method of this compilation with neither [Differentiable] nor a rule can never work.
            bool inSource = !target.DeclaringSyntaxReferences.IsEmpty;
            var rule = RuleIndex.For(model.Compilation).Find(target);
            if (inSource && rule is null)
                return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, fArg.GetLocation(), target.ToDisplayString(), "Autodiff." + op.Name,
                        "mark it [Differentiable] (its type must be partial), or pass an inline lambda that calls differentiable code"),
                })));
            // The run-time operators find a rule's method only when it is registered (public, static, by value); a lambda
            // calling it is differentiated through the rule at the call instead.
            if (inSource && fArg is not AnonymousFunctionExpressionSyntax && !RuleProcessor.IsRegistered(rule!))
            {
                string receiver = fArg is MemberAccessExpressionSyntax access ? access.Expression + "." : "";
                string why = !target.IsStatic ? "an instance method" : target.DeclaredAccessibility != Accessibility.Public ? "not public" :
                    target.IsGenericMethod ? "generic" : target.Parameters.Any(p => p.RefKind != RefKind.None) ? "takes a parameter by reference" : "of a shape the run-time operators do not take";
                return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, fArg.GetLocation(), target.ToDisplayString(), "Autodiff." + op.Name,
                        $"its derivative comes from a [DerivativeOf] rule, and a method group is bound to a rule only for a public static method (this one is {why}): " +
                        $"pass a lambda ({LambdaFor(target, receiver + Symbols.Identifier(target.Name))})"),
                })));
            }
            // A method with a rule (Math.Sin) has first derivatives at run time; second derivatives are written for a lambda.
            // (Inside a lambda given to an operator, the call is rewritten with that lambda's derivatives: no error here.)
            if (IsSecondOrder(op.Name) && fArg is not AnonymousFunctionExpressionSyntax && !InsideOperatorLambda(inv, model, ct))
                return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, fArg.GetLocation(), target.ToDisplayString(), "Autodiff." + op.Name,
                        $"its derivatives come from a rule, and second derivatives are written for a lambda at the call: pass {LambdaFor(target, fArg.ToString())}"),
                })));
            return Empty;
        }
        // Direct binding needs the generated members to take exactly the delegate's inputs, all differentiated.
        // A generic-math method at double or float: its derivatives are overloads per instantiation, named as for any method.
        bool genericMath = target.IsGenericMethod && Symbols.IeeeTypeParameter(target) != null && !IsSecondOrder(op.Name) &&
                           target.TypeArguments[0].SpecialType is SpecialType.System_Double or SpecialType.System_Single;
        bool hidden = !TypeDeclarations.IsReachableFromAssembly(target.ContainingType) ||
                      target.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal);
        // A private method of a reachable type: its second derivatives are written per call site beside it, and can be internal.
        bool privateSecondOrder = hidden && IsSecondOrder(op.Name) && target.DeclaredAccessibility == Accessibility.Private &&
                                  TypeDeclarations.IsReachableFromAssembly(target.ContainingType) && !target.DeclaringSyntaxReferences.IsEmpty &&
                                  SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, model.Compilation.Assembly);
        // A private method is registered for the run-time operators only when its inputs and result are their own
        // tangents, and for first derivatives: otherwise it has no binding at all; say so here, not with an exception at run time.
        // Second derivatives are written per call site, beside the method: none for a method generated code cannot call.
        // (A lambda that only forwards to it is differentiated as a lambda instead.)
        if (hidden && !privateSecondOrder && fArg is not AnonymousFunctionExpressionSyntax && target.IsStatic && !target.IsGenericMethod && !target.DeclaringSyntaxReferences.IsEmpty &&
            (HasOwnTangentType(target.ReturnType) || target.Parameters.Any(p => HasOwnTangentType(p.Type)) || IsSecondOrder(op.Name) ||
             !TypeDeclarations.IsReachableFromAssembly(target.ContainingType)))
        {
            // (A method of a type that is itself private or protected is not registered for the run-time operators either.)
            var hiddenType = TypeDeclarations.Chain(target.ContainingType).FirstOrDefault(t => t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal));
            string what = hiddenType != null
                ? $"its type '{hiddenType.Name}' is {(hiddenType.DeclaredAccessibility == Accessibility.Private ? "private" : "not visible to its assembly")}"
                : $"it is {(target.DeclaredAccessibility == Accessibility.Private ? "private" : "not visible to its assembly")}";
            string fix = hiddenType != null ? $"make '{hiddenType.Name}' internal" : "make it internal";
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, fArg.GetLocation(), target.ToDisplayString(), "Autodiff." + op.Name,
                    $"{what}, and the operator binds a method group to its derivatives from generated code outside its type: {fix}, or pass a lambda ({LambdaFor(target, fArg.ToString())})"),
            })));
        }
        // obj.M of an instance method whose receiver is data (a class or struct that is not a differentiable type): its
        // derivatives are instance members, called on the delegate's target (the receiver, or a boxed copy of a struct).
        bool boundInstance = !target.IsStatic && !Symbols.DerivativesAreStatic(target) && fArg is not AnonymousFunctionExpressionSyntax &&
                             !IsSecondOrder(op.Name) && !target.IsVirtual && !target.IsOverride && !target.IsAbstract && !hidden;
        if (!target.IsStatic && !boundInstance && fArg is not AnonymousFunctionExpressionSyntax && !target.DeclaringSyntaxReferences.IsEmpty)
        {
            // Its derivatives treat the receiver as an input (a differentiable type's 'this'), or are dispatched virtually,
            // or are second derivatives: a lambda capturing the receiver says what to differentiate.
            string receiver = fArg is MemberAccessExpressionSyntax access ? access.Expression + "." : "";
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(Descriptors.OperatorFunctionHasNoDerivative, fArg.GetLocation(), target.ToDisplayString(), "Autodiff." + op.Name,
                    $"a method group of an instance method is bound here only for first derivatives of a non-virtual method whose receiver is data; " +
                    $"pass a lambda capturing the receiver ({LambdaFor(target, receiver + Symbols.Identifier(target.Name))})"),
            })));
        }
        if (!target.IsStatic && !boundInstance || target.IsGenericMethod && !genericMath || target.ContainingType.IsGenericType || target.MethodKind != MethodKind.Ordinary ||
            hidden && !privateSecondOrder || target.Parameters.Length != invoke.Parameters.Length || target.Parameters.Any(p => p.RefKind != RefKind.None || !Symbols.IsDifferentiableParameter(p)))
            return Empty;
        var attr = Symbols.GetAttribute(target, Symbols.DifferentiableAttribute);
        var wrtText = attr is null ? null : Symbols.NamedString(attr, "Wrt");
        if (Symbols.ParseWrt(target, wrtText, out var unknown).Count != target.Parameters.Length || unknown != null)
            return Empty;
        if (NeedsPullbackClosure(op) && Symbols.HasRefLikeResiduals(target, model.Compilation))
            return Fail(op.Name, fArg, SpanPullbackWhy(target.Name, op.Name));
        var location = model.GetInterceptableLocation(inv, ct);
        if (location is null) return Empty;
        if (!SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, model.Compilation.Assembly) &&
            NeededMember(op.Name) is { } suffix && target.ContainingType.GetMembers(Symbols.DerivativeStem(target) + suffix).IsEmpty)
            // An application compiled with NablaDerivatives=Auto has only the derivatives it uses itself.
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
            {
                DiagnosticInfo.Create(Descriptors.DerivativesNotInAssembly, fArg.GetLocation(), target.ContainingType.ToDisplayString() + "." + target.Name,
                    target.ContainingAssembly.Name, Symbols.DerivativeStem(target) + suffix),
            })));
        string host = target.ContainingType.ToDisplayString(Symbols.TypeFormat);
        string owner = boundInstance ? "nablaReceiver" : host;
        string primal = owner + "." + Symbols.Identifier(target.Name);
        string stem = owner + "." + Symbols.DerivativeStem(target);
        string id = SiteId(inv);
        var files = new List<GeneratedFile>();
        string secondOrderStem = stem;
        if (IsSecondOrder(op.Name))
        {
            // Second derivatives are written per call site, beside the method (its type is partial).
            if (target.DeclaringSyntaxReferences.IsEmpty || !SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, model.Compilation.Assembly))
                return Empty;
            string prefix = Symbols.DerivativeStem(target) + "_" + id;
            string? members = SecondOrder.Members(target, model.Compilation, prefix, "Site", out var why, out var hint, ct, internalAccess: privateSecondOrder);
            if (members is null)
                return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(new[]
                {
                    DiagnosticInfo.Create(Descriptors.SecondOrderNotAvailable, fArg.GetLocation(), target.Name, why ?? "?"),
                })));
            files.Add(new GeneratedFile(hint, members, default));
            secondOrderStem = host + "." + prefix;
        }
        var interceptor = Interceptor(id, op, invoke, location.GetInterceptsLocationAttributeSyntax(), primal, stem, secondOrderStem, Array.Empty<Capture>(), "",
            prologue: boundInstance ? $"var nablaReceiver = ({host})({Symbols.Identifier(op.Parameters[0].Name)}.Target ?? throw new global::System.ArgumentException(\"The method group has no receiver.\"));" : null);
        if (interceptor is null) return Empty;
        // The target's own members (not the per-site second-order ones written above), when they are generated here.
        string ownStem = Symbols.DerivativeStem(target) + "_";
        var required = SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, model.Compilation.Assembly)
            ? Forms.References(interceptor).Where(n => n.StartsWith(ownStem, System.StringComparison.Ordinal) && !n.StartsWith(ownStem + id, System.StringComparison.Ordinal)).ToArray()
            : System.Array.Empty<string>();
        files.Add(new GeneratedFile("Nabla.Interceptors." + id + ".g.cs", interceptor, default,
            BoundMethodGroup: fArg is AnonymousFunctionExpressionSyntax ? null : target.Name, RequiredMembers: new EquatableArray<string>(required)));
        return new EquatableArray<GeneratedFile>(files.ToArray());
    }

    /// <summary>
    /// A lambda that captures a span does not bind (C# forbids the capture, CS8175): NABLA0013 says why Nabla cannot
    /// differentiate it either, at the captured variable. Null for any other call that does not bind.
    /// </summary>
    private static EquatableArray<GeneratedFile>? CapturedSpan(InvocationExpressionSyntax inv, SymbolInfo info, SemanticModel model, CancellationToken ct)
    {
        if (info.CandidateSymbols.IsEmpty || info.CandidateSymbols.Any(c => c.ContainingType?.ToDisplayString() is not (Symbols.AutodiffClass or "Nabla.GradCheck")) ||
            inv.ArgumentList.Arguments[0].Expression is not AnonymousFunctionExpressionSyntax lambda ||
            model.GetOperation(lambda, ct) is not IAnonymousFunctionOperation lambdaOp)
            return null;
        foreach (var o in lambdaOp.Body.DescendantsAndSelf())
        {
            var (symbol, type) = o switch
            {
                ILocalReferenceOperation l when !Declared(l.Local, lambda) => ((ISymbol)l.Local, l.Local.Type),
                IParameterReferenceOperation p when !Declared(p.Parameter, lambda) => (p.Parameter, p.Parameter.Type),
                _ => (null, null),
            };
            if (symbol != null && type!.IsRefLikeType)
                return Fail(info.CandidateSymbols[0].Name, o.Syntax,
                    $"it captures '{symbol.Name}', a {type.ToDisplayString()}, and C# does not let a lambda capture a span: pass an array instead, or copy the span's elements into an array");
        }
        return null;
    }

    /// <summary>Whether <paramref name="lambda"/> is written inside a generic method (or a lambda or local function of one).</summary>
    private static bool InGenericMethod(IMethodSymbol lambda)
    {
        for (ISymbol? s = lambda.ContainingSymbol; s is IMethodSymbol m; s = m.ContainingSymbol)
            if (m.IsGenericMethod) return true;
        return false;
    }

    /// <summary>Whether <paramref name="type"/> is, or is built from, a type parameter.</summary>
    private static bool MentionsTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol => true,
        IArrayTypeSymbol array => MentionsTypeParameter(array.ElementType),
        IPointerTypeSymbol pointer => MentionsTypeParameter(pointer.PointedAtType),
        INamedTypeSymbol named => named.TypeArguments.Any(MentionsTypeParameter) || named.ContainingType is { } outer && MentionsTypeParameter(outer),
        _ => false,
    };

    /// <summary>Operators whose generated body needs F_ValueWithPullback (a closure over the residuals).</summary>
    private static bool NeedsPullbackClosure(IMethodSymbol op) =>
        op.Name is "ValueWithPullback" or "Vjp" or "JacobianReverse" || op.ContainingType.Name == "GradCheck";

    private static string SpanPullbackWhy(string who, string op) =>
        $"{who} uses spans, so its reverse mode keeps them in residuals that are a ref struct, which no pullback closure can hold " +
        $"(Autodiff.{op} needs one): use Autodiff.Gradient or ValueWithGradient, or call the generated _Primal and _Pullback members";

    /// <summary>The generated member of the function an interceptor of <paramref name="op"/> calls (second order: none, it is written here).</summary>
    private static string? NeededMember(string op) => op switch
    {
        "Gradient" or "ValueWithGradient" => "_ValueWithGradient",
        "Derivative" or "Jvp" or "ValueWithDifferential" or "JacobianForward" => "_Jvp",
        "ValueWithPullback" or "Vjp" or "JacobianReverse" => "_ValueWithPullback",
        _ => null,
    };

    // ---------------------------------------------------------------------------------------------
    // Lambdas
    // ---------------------------------------------------------------------------------------------

    /// <summary>A captured variable; a <c>const</c> local is not in the closure: its value is passed as a literal.</summary>
    private sealed record Capture(string Name, string ParameterName, string Type, bool Differentiable, string? Constant = null);

    /// <summary>A text edit of the lambda body: at original offset, remove Length characters, insert Text.</summary>
    private sealed record Edit(int Offset, int Length, string Text);

    private const string ThisParameter = "nabla_this";

    private static EquatableArray<GeneratedFile> ForLambda(InvocationExpressionSyntax inv, IMethodSymbol op, IMethodSymbol invoke,
        AnonymousFunctionExpressionSyntax lambda, SemanticModel model, CancellationToken ct, string? functionParameter = null)
    {
        bool isOperator = IsNablaOperator(op);
        if (model.GetSymbolInfo(lambda, ct).Symbol is not IMethodSymbol lambdaSymbol ||
            model.GetOperation(lambda, ct) is not IAnonymousFunctionOperation lambdaOp)
            return Empty;
        if (lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
            return Fail(isOperator ? op.Name : Display(op), lambda, "an async lambda cannot be differentiated");
        if (lambdaSymbol.Parameters.Length != invoke.Parameters.Length)
            return Empty;
        // x => M(x): the lambda only forwards its inputs, in order, to a [Differentiable] method; bind to M's derivatives.
        var forwarded = lambda.ExpressionBody as InvocationExpressionSyntax ??
            (lambda.Block is { Statements.Count: 1 } single && single.Statements[0] is ReturnStatementSyntax { Expression: InvocationExpressionSyntax r } ? r : null);
        if (isOperator && forwarded != null && model.GetSymbolInfo(forwarded, ct).Symbol is IMethodSymbol callee && Symbols.IsDifferentiable(callee) && callee.IsStatic &&
            callee.Parameters.Length == lambdaSymbol.Parameters.Length &&
            forwarded.ArgumentList.Arguments.Select((a, k) => a.NameColon is null && a.RefKindKeyword.IsKind(SyntaxKind.None) &&
                model.GetSymbolInfo(a.Expression, ct).Symbol is IParameterSymbol p && SymbolEqualityComparer.Default.Equals(p, lambdaSymbol.Parameters[k]) &&
                SymbolEqualityComparer.Default.Equals(p.Type, callee.Parameters[k].Type)).All(ok => ok) &&
            SymbolEqualityComparer.Default.Equals(callee.ReturnType, invoke.ReturnType))
        {
            var bound = BindDirectly(inv, op, invoke, lambda, callee, model, ct);
            if (bound.Length > 0) return bound;
        }
        foreach (var p in lambdaSymbol.Parameters)
        {
            if (p.RefKind != RefKind.None)
                return Fail(isOperator ? op.Name : Display(op), lambda, $"its parameter '{p.Name}' is passed by reference; differential operators take inputs by value");
            if (p.Type.IsRefLikeType)
                return Fail(isOperator ? op.Name : Display(op), lambda, $"its parameter '{p.Name}' is a {p.Type.ToDisplayString()}, which no delegate of the operators can take: take an array (it converts to a span where the code needs one)");
            if (!Symbols.IsDifferentiableType(p.Type))
                return Fail(isOperator ? op.Name : Display(op), lambda, $"its parameter '{p.Name}' has type '{p.Type.ToDisplayString()}', which has no derivative; capture data in the lambda instead of passing it as an input");
        }
        // The delegate's result type: the lambda's own, except where the generator's view of the call does not resolve
        // (UnresolvedTangentCall), where the lambda was bound against another candidate.
        if (!Symbols.IsDifferentiableType(invoke.ReturnType))
            return Fail(isOperator ? op.Name : Display(op), lambda, $"its result type '{invoke.ReturnType.ToDisplayString()}' {Symbols.NotADifferentiableResult}");

        // Captured variables become data parameters; `this` (explicit or implicit) becomes one too.
        var captures = new List<Capture>();
        var edits = new List<Edit>();
        var inlinedFunctions = new List<string>();
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        bool capturesThis = false;
        foreach (var o in lambdaOp.Body.DescendantsAndSelf())
        {
            switch (o)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } self:
                    if (self.Syntax is BaseExpressionSyntax)
                        return Fail(isOperator ? op.Name : Display(op), self.Syntax, "it uses 'base'; call a [Differentiable] method instead");
                    capturesThis = true;
                    if (self.Syntax is ThisExpressionSyntax)
                        edits.Add(new Edit(self.Syntax.SpanStart, self.Syntax.Span.Length, ThisParameter));
                    else if (self.IsImplicit)
                        edits.Add(new Edit(self.Syntax.SpanStart, 0, ThisParameter + "."));
                    break;
                case ILocalReferenceOperation local when !Declared(local.Local, lambda) && local.Local.Type.IsRefLikeType:
                    return Fail(isOperator ? op.Name : Display(op), local.Syntax, $"it captures '{local.Local.Name}', a {local.Local.Type.ToDisplayString()}, and C# does not let a lambda capture a span: pass an array instead, or copy the span's elements into an array");
                case IParameterReferenceOperation parameter when !Declared(parameter.Parameter, lambda) && parameter.Parameter.Type.IsRefLikeType:
                    return Fail(isOperator ? op.Name : Display(op), parameter.Syntax, $"it captures '{parameter.Parameter.Name}', a {parameter.Parameter.Type.ToDisplayString()}, and C# does not let a lambda capture a span: pass an array instead, or copy the span's elements into an array");
                case ILocalReferenceOperation local when !Declared(local.Local, lambda):
                    if (IsWritten(local))
                        return Fail(isOperator ? op.Name : Display(op), local.Syntax, $"it assigns the captured variable '{local.Local.Name}'; a differentiated lambda may read captured variables but not write them");
                    // A captured function that is a self-contained lambda assigned once: written again inside, where it is inlined.
                    if (!seen.Contains(local.Local) && CapturedLambdaText(local.Local, model, ct) is { } function)
                    {
                        seen.Add(local.Local);
                        inlinedFunctions.Add(local.Local.Type.ToDisplayString(Symbols.TypeFormat) + " " + Symbols.Identifier(local.Local.Name) + " = " + function + ";");
                        break;
                    }
                    if (seen.Add(local.Local))
                        captures.Add(new Capture(local.Local.Name, Symbols.Identifier(local.Local.Name), local.Local.Type.ToDisplayString(Symbols.TypeFormat), Symbols.IsDifferentiableType(local.Local.Type),
                            local.Local.IsConst && local.Local.HasConstantValue ? SymbolDisplay.FormatPrimitive(local.Local.ConstantValue!, quoteStrings: true, useHexadecimalNumbers: false) : null));
                    break;
                case IInvocationOperation { TargetMethod: { MethodKind: MethodKind.LocalFunction, IsStatic: true } local } when
                    !seen.Contains(local) && StaticLocalFunctionText(local, lambda, ct) is { } localFunction:
                    // A static local function of the method around the lambda: declared again inside, where it is inlined.
                    seen.Add(local);
                    inlinedFunctions.Add(localFunction);
                    break;
                case IParameterReferenceOperation parameter when !Declared(parameter.Parameter, lambda):
                    if (IsWritten(parameter))
                        return Fail(isOperator ? op.Name : Display(op), parameter.Syntax, $"it assigns the captured parameter '{parameter.Parameter.Name}'; a differentiated lambda may read captured variables but not write them");
                    if (parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor })
                        return Fail(isOperator ? op.Name : Display(op), parameter.Syntax, $"it reads the primary constructor parameter '{parameter.Parameter.Name}'; copy it into a local first");
                    if (seen.Add(parameter.Parameter))
                        captures.Add(new Capture(parameter.Parameter.Name, Symbols.Identifier(parameter.Parameter.Name), parameter.Parameter.Type.ToDisplayString(Symbols.TypeFormat), Symbols.IsDifferentiableType(parameter.Parameter.Type)));
                    break;
            }
        }
        var containing = lambdaSymbol.ContainingType;
        if (containing is null) return Empty;
        if (capturesThis)
        {
            if (containing.IsValueType)
                return Fail(isOperator ? op.Name : Display(op), lambda, "it reads members of a struct's 'this'; copy the values into locals first");
            captures.Add(new Capture("this", ThisParameter, containing.ToDisplayString(Symbols.TypeFormat), false));
        }
        foreach (var c in captures)
            if (c.Type.Contains("<anonymous type") || c.Type.Contains("AnonymousType"))
                return Fail(isOperator ? op.Name : Display(op), lambda, $"it captures '{c.Name}' of an anonymous type");
        if (containing.IsGenericType || containing.ContainingType?.IsGenericType == true)
            return Fail(isOperator ? op.Name : Display(op), lambda, "lambdas inside generic types are not supported yet; move the computation into a [Differentiable] method");
        // Inside a generic method, a lambda is written again outside it: it may not name the method's type parameters.
        bool inGenericMethod = InGenericMethod(lambdaSymbol);
        if (inGenericMethod)
            foreach (var o in lambdaOp.Body.DescendantsAndSelf())
            {
                var (symbol, type) = o switch
                {
                    ILocalReferenceOperation l when !Declared(l.Local, lambda) => ((ISymbol?)l.Local, l.Local.Type),
                    IParameterReferenceOperation p when !Declared(p.Parameter, lambda) => (p.Parameter, p.Parameter.Type),
                    _ => (null, null),
                };
                if (symbol != null && MentionsTypeParameter(type!))
                    return Fail(isOperator ? op.Name : Display(op), o.Syntax, $"it captures '{symbol.Name}' of type '{type!.ToDisplayString()}', a type parameter of the " +
                        "generic method around it, and the derivatives are generated once for all its instantiations: copy the values it needs into locals of a concrete type, or move the computation into a [Differentiable] method");
            }

        // The host of the synthesized method: the lambda's own type when it is partial (so private members stay
        // reachable), else a generated class in the same namespace that imports the type's static members.
        bool hostIsContaining = TypeDeclarations.FirstNonPartial(containing) is null && !containing.IsFileLocal &&
                                TypeDeclarations.IsReachableFromAssembly(containing) && !containing.IsImplicitlyDeclared;
        string id = SiteId(inv);
        string name = "Nabla_Lambda_" + id;

        var body = lambda.Body;
        var chain = TypeDeclarations.Chain(containing);
        var ns = containing.ContainingNamespace;
        bool hasNamespace = ns != null && !ns.IsGlobalNamespace;
        // The synthesized file: the user's usings, the namespace, the host, then the members.
        string Wrap(string members, out int membersStart)
        {
            var t = new StringBuilder();
            t.Append(TypeDeclarations.FileHeader);
            t.Append("// The inline lambda at ").Append(Path(inv)).Append(", as a method the Nabla compiler pass can differentiate.\n");
            SynthesizedSource.AppendFileUsings(t, inv, ct);
            if (hasNamespace) t.Append("namespace ").Append(ns!.ToDisplayString()).Append("\n{\n");
            SynthesizedSource.AppendNamespaceUsings(t, inv);
            if (hostIsContaining)
            {
                foreach (var type in chain)
                    t.Append("partial ").Append(type.TypeKind == TypeKind.Struct ? (type.IsRecord ? "record struct" : "struct") : type.IsRecord ? "record" : "class")
                        .Append(' ').Append(Symbols.Identifier(type.Name)).Append(" {\n");
            }
            else
            {
                foreach (var type in chain.Where(type => TypeDeclarations.IsReachableFromAssembly(type) && !type.IsImplicitlyDeclared))
                    t.Append("using static ").Append(type.ToDisplayString(Symbols.TypeFormat)).Append(";\n");
                t.Append("internal static partial class NablaLambdas_").Append(id).Append(" {\n");
            }
            membersStart = t.Length;
            t.Append(members);
            foreach (var _ in hostIsContaining ? chain : new List<INamedTypeSymbol> { containing }) t.Append("}\n");
            if (hasNamespace) t.Append("}\n");
            return t.ToString();
        }

        // Derivatives taken inside the lambda (Derivative(y => ..., a), Derivative(f, a)) become calls to
        // differentiable first derivatives written beside it, so that the lambda can be differentiated again.
        var nested = new StringBuilder();
        var nestedMethods = new List<string>();
        string? nestedError = NestedDerivatives(lambda, model, id, edits, Wrap, nested, nestedMethods, ct);
        if (nestedError != null) return RuleChains.IsOrderBound(nestedError) ? FailOrder(isOperator ? op.Name : Display(op), lambda, nestedError) : Fail(isOperator ? op.Name : Display(op), lambda, nestedError);
        InlineHiddenConstants(lambdaOp.Body, edits);

        string bodyText = ApplyEdits(body.ToString(), body.SpanStart, edits);
        var members = new StringBuilder();
        members.Append(nested);
        members.Append("[global::Nabla.Differentiable]\n");
        string returnType = invoke.ReturnType.ToDisplayString(Symbols.TypeFormat);
        var parameters = new List<string>();
        for (int k = 0; k < lambdaSymbol.Parameters.Length; k++)
        {
            var p = lambdaSymbol.Parameters[k];
            // The delegate's parameter type: the lambda's own, except where the generator's view of the call does not
            // resolve (UnresolvedGradCheck) and an implicitly typed lambda was bound against another candidate.
            var type = k < invoke.Parameters.Length ? invoke.Parameters[k].Type : p.Type;
            // (A tuple keeps the lambda's element names, which its body uses: t.X; the types convert by identity.)
            if (type.IsTupleType && p.Type.IsTupleType) type = p.Type;
            parameters.Add(type.ToDisplayString(Symbols.TypeFormat) + " " + (p.IsDiscard || p.Name == "_" ? "nabla_discard" + k : Symbols.Identifier(p.Name)));
        }
        foreach (var c in captures)
            // Captured values are data: [NoDerivative] also on arrays of vectors and structs, which have no tangent in code yet.
            parameters.Add((c.Differentiable || c.Type.TrimEnd('?').EndsWith("]", StringComparison.Ordinal) ? "[global::Nabla.NoDerivative] " : "") + c.Type + " " + c.ParameterName);
        members.Append("internal static ").Append(returnType).Append(' ').Append(name).Append('(').Append(string.Join(", ", parameters)).Append(")\n");
        int bodyStartInMembers;
        string functions = string.Concat(inlinedFunctions.Select(f => f + " "));
        if (body is BlockSyntax)
        {
            if (functions.Length > 0) members.Append("{ ").Append(functions);
            bodyStartInMembers = members.Length;
            members.Append(bodyText).Append(functions.Length > 0 ? " }\n" : "\n");
        }
        else
        {
            members.Append(functions.Length > 0 ? "{ " + functions + "return " : "=> ");
            bodyStartInMembers = members.Length;
            members.Append(bodyText).Append(functions.Length > 0 ? "; }\n" : ";\n");
        }
        var text = new StringBuilder(Wrap(members.ToString(), out int membersStartInText));
        int bodyStartInText = membersStartInText + bodyStartInMembers;

        // Bind the synthesized method in the user's compilation, as if the user had written it.
        string path = (inv.SyntaxTree.FilePath ?? "") + ".nabla-lambda-" + id + ".cs";
        // The rules of this compilation have partials only in generated code: declared here, calls of them bind.
        var (tree, synthesizedModel, error) = SynthesizedSource.Bind(RuleChains.For(model.Compilation, ct).WithPartials(model.Compilation), text.ToString(), inv.SyntaxTree, path, ct);
        var compilation = synthesizedModel.Compilation;
        if (error != null)
            return Fail(isOperator ? op.Name : Display(op), lambda, "generated code cannot compile it outside its method (" + error.GetMessage() + ")" +
                (inGenericMethod ? "; inside a generic method, a differentiated lambda may not use the method's type parameters: move the computation into a [Differentiable] method" :
                 hostIsContaining ? "" : "; make the containing type partial so that generated code can reach its private members"));
        var declaration = tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == name);
        if (synthesizedModel.GetDeclaredSymbol(declaration, ct) is not IMethodSymbol method) return Empty;

        if ((NeedsPullbackClosure(op) || !isOperator) && Symbols.HasRefLikeResiduals(method, compilation))
            return Fail(isOperator ? op.Name : Display(op), lambda, SpanPullbackWhy("it", op.Name));
        var derivatives = MethodProcessor.Process(method, synthesizedModel, ct);
        // The synthesized method's name means nothing to the user: messages name "the lambda".
        var remapped = derivatives.Diagnostics.Select(d => d.FilePath == path ? Remap(d, inv.SyntaxTree, lambda, body.SpanStart, bodyStartInText, bodyText.Length, edits) : d)
            .Select(d => d with { Args = new EquatableArray<string>(d.Args.Select(a => a == name ? "the lambda" : a).ToArray()) }).ToList();
        var nestedFiles = new List<GeneratedFile>();
        foreach (var nestedName in nestedMethods)
        {
            var nestedDeclaration = tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>().First(m => m.Identifier.Text == nestedName);
            if (synthesizedModel.GetDeclaredSymbol(nestedDeclaration, ct) is not IMethodSymbol nestedMethod) return Empty;
            var file = MethodProcessor.Process(nestedMethod, synthesizedModel, ct);
            // A nested method is a derivative Nabla wrote (of a linear function it is a constant): only its errors concern the user.
            remapped.AddRange(file.Diagnostics.Where(d => d.IsError).Select(d => d.FilePath == path ? Remap(d, inv.SyntaxTree, lambda, 0, -1, 0, edits) : d));
            nestedFiles.Add(file with { Diagnostics = default, Registration = null });
        }
        // A lambda calling a function it captures is differentiated only where that function is known (inlined into a
        // [Differentiable] method called with it): at an operator its derivatives would be known only at run time.
        if (!derivatives.HasCode && !remapped.Any(d => d.IsError) && MethodProcessor.TakesFunctions(method))
            return Fail(isOperator ? op.Name : Display(op), lambda, "it calls a function it captures ('" +
                string.Join("', '", captures.Where(c => method.Parameters.Any(p => p.Name == c.ParameterName && p.Type.TypeKind == Microsoft.CodeAnalysis.TypeKind.Delegate)).Select(c => c.Name)) +
                "'), whose derivatives are not known here: pass that function to the operator itself, or make this method a static [Differentiable] method taking it as a [Differentiable] parameter, so that it is inlined where it is called with a lambda or a method group");
        // No derivative and no error saying why would be a run-time exception at the call: say it here.
        if (!derivatives.HasCode && !remapped.Any(d => d.IsError) && !CallsARejectedMethod(lambdaOp, model.Compilation))
            return Fail(isOperator ? op.Name : Display(op), lambda, "its derivatives could not be generated: a method it calls has none here " +
                "(a [Differentiable] method with an error of its own, or a constructor of a generic struct, not supported yet: build the value with an object initializer)");
        // An error means no derivative: the lambda then gets no interceptor. Warnings (NABLA0016, NABLA0017) leave it generated.
        if (!derivatives.HasCode || remapped.Any(d => d.IsError))
            return Files(new GeneratedFile(null, null, new EquatableArray<DiagnosticInfo>(remapped.ToArray())));

        var location = model.GetInterceptableLocation(inv, ct);
        string host = method.ContainingType.ToDisplayString(Symbols.TypeFormat);
        string stem = host + "." + Symbols.DerivativeStem(method);
        string? interceptor = location is null ? null
            : Interceptor(id, op, invoke, location.GetInterceptsLocationAttributeSyntax(), host + "." + name, stem, stem, captures, functionParameter ?? op.Parameters[0].Name);
        string hostHint = hostIsContaining ? MethodProcessor.HintName(containing) : "NablaLambdas";
        var files = new List<GeneratedFile>
        {
            new(hostHint + "." + name + ".g.cs", text.ToString(), new EquatableArray<DiagnosticInfo>(remapped.ToArray())),
            derivatives with { Diagnostics = default, Registration = null },
        };
        files.AddRange(nestedFiles);
        if (isOperator && IsSecondOrder(op.Name))
        {
            string? secondOrder = SecondOrder.Members(method, compilation, Symbols.DerivativeStem(method), "Lambda", out var why, out var hint, ct);
            if (secondOrder is null)
                return RuleChains.IsOrderBound(why) ? FailOrder(isOperator ? op.Name : Display(op), lambda, why!) : Fail(isOperator ? op.Name : Display(op), lambda, "its second derivatives cannot be generated: " + why);
            files.Add(new GeneratedFile(hint, secondOrder, default));
        }
        if (interceptor != null) files.Add(new GeneratedFile("Nabla.Interceptors." + id + ".g.cs", interceptor, default));
        return new EquatableArray<GeneratedFile>(files.ToArray());
    }

    /// <summary>
    /// Rewrites each <c>Autodiff.Derivative(g, a)</c> (or <c>Gradient</c> of a scalar) inside <paramref name="lambda"/> into a
    /// call of a differentiable method written here: g's forward mode in composable form, seeded with 1. An inner lambda's
    /// captured variables become ordinary (differentiable) parameters, so an outer derivative sees through them and inner
    /// and outer perturbations stay apart. Returns why not, or null.
    /// </summary>
    private static string? NestedDerivatives(AnonymousFunctionExpressionSyntax lambda, SemanticModel model, string id, List<Edit> edits,
        WrapMembers wrap, StringBuilder output, List<string> methods, CancellationToken ct)
    {
        int k = 0;
        var handled = new List<TextSpan>();
        foreach (var call in lambda.Body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
        {
            if (handled.Any(h => h.Contains(call.Span))) continue;
            if (model.GetSymbolInfo(call, ct).Symbol is not IMethodSymbol op || op.ContainingType?.ToDisplayString() != Symbols.AutodiffClass) continue;
            // Operators of one input taken inside the lambda, each written with g's forward mode (composable, so the outer
            // derivative differentiates it again): Derivative and Jvp directly; Gradient, Vjp and Jacobians of an array
            // input as one directional derivative per component.
            string name = op.Name;
            if (name is "Gradient" or "ValueWithGradient" or "Jvp" or "Vjp" &&
                op.Parameters.Length > 0 && op.Parameters[0].Type is INamedTypeSymbol { DelegateInvokeMethod.Parameters.Length: >= 2 and <= 4 })
            {
                if (edits.Any(e => call.Span.Contains(e.Offset)))
                    return "a derivative taken inside it reads 'this'; copy the value into a local first";
                handled.Add(call.Span);
                string? severalError = SeveralInputs(call, op, lambda, model, id + "_" + k++, edits, wrap, output, methods, ct);
                if (severalError != null) return severalError;
                continue;
            }
            bool oneInput = name is "Derivative" or "Gradient" or "ValueWithGradient" or "JacobianForward" or "JacobianReverse" or "Hessian"
                ? op.Parameters.Length == 2 : name is "Jvp" or "Vjp" or "HessianVectorProduct" && op.Parameters.Length == 3;
            var innerInvoke = (op.Parameters.Length > 0 ? op.Parameters[0].Type as INamedTypeSymbol : null)?.DelegateInvokeMethod;
            var inputType = oneInput && innerInvoke != null ? Symbols.IrTypeOf(op.Parameters[1].Type) : null;
            var resultType = innerInvoke != null ? Symbols.IrTypeOf(innerInvoke.ReturnType) : null;
            static bool IsRealVector(IR.IrType t) => t is { IsArray: true, IsSpan: false, Rank: 1 } && t.Element.IsReal;
            bool vectorInput = inputType != null && IsRealVector(inputType), vectorResult = resultType != null && IsRealVector(resultType);
            bool realInput = inputType is { IsReal: true }, realResult = resultType is { IsReal: true };
            bool sameElements = !(vectorInput && (vectorResult ? resultType!.Element : resultType)?.Kind is { } rk && rk != inputType!.Element.Kind);
            bool supported = inputType != null && resultType != null && sameElements && name switch
            {
                "Derivative" => realInput && (realResult || vectorResult),
                "Gradient" or "ValueWithGradient" => (realInput || vectorInput) && realResult,
                "Jvp" or "Vjp" => (realInput || vectorInput) && (realResult || vectorResult),
                "JacobianForward" or "JacobianReverse" => vectorInput && vectorResult,
                "Hessian" or "HessianVectorProduct" => (realInput || vectorInput) && realResult,
                _ => false,
            };
            if (!supported)
            {
                if (IsSecondOrder(op.Name) || Operators.Contains(op.Name))
                    return $"Autodiff.{op.Name} inside a differentiated lambda is not differentiable yet (Derivative, Gradient, ValueWithGradient, Jvp, Vjp, the Jacobians, Hessian and HessianVectorProduct of a function of one scalar or array of them, with a scalar or array result, are)";
                continue;
            }
            bool jvp = name == "Jvp";
            // The function itself is called too (a value, or a Jacobian's row count): inlined where it is differentiated again.
            bool callsPrimal = jvp || name is "ValueWithGradient" or "JacobianForward" or "JacobianReverse";
            if (edits.Any(e => call.Span.Contains(e.Offset)))
                return "a derivative taken inside it reads 'this'; copy the value into a local first";
            handled.Add(call.Span);
            var g = call.ArgumentList.Arguments[0].Expression;
            var at = call.ArgumentList.Arguments[1].Expression;
            string dName = "Nabla_D_" + id + "_" + k++;
            IMethodSymbol? inner;
            Compilation compilation = RuleChains.For(model.Compilation, ct).WithPartials(model.Compilation);
            var extraArguments = new List<string>();
            string? primalCall = null;   // the function itself, for Jvp's value
            // Binds members written beside the lambda (in the compilation so far) and finds the one named innerName.
            Diagnostic? BindInner(string members, string innerName, out IMethodSymbol? bound) =>
                BindBeside(ref compilation, wrap, lambda.SyntaxTree, members, innerName, out bound, ct);
            if (g is AnonymousFunctionExpressionSyntax innerLambda)
            {
                if (model.GetSymbolInfo(innerLambda, ct).Symbol is not IMethodSymbol innerSymbol || innerSymbol.Parameters.Length != 1 ||
                    model.GetOperation(innerLambda, ct) is not IAnonymousFunctionOperation innerOp)
                    return "a nested derivative's lambda must take one input";
                var parameters = new List<string> { Symbols.TypeName(innerSymbol.Parameters[0].Type) + " " + Symbols.Identifier(innerSymbol.Parameters[0].Name) };
                if (InnerCaptures(innerLambda, innerOp, parameters, extraArguments) is { } captureError) return captureError;
                string innerName = "Nabla_Inner_" + id + "_" + (k - 1);
                // Derivatives taken inside the inner lambda first (third order and up): its body then calls their
                // forward modes, written here too, and is differentiated again like any method.
                var innerEdits = new List<Edit>();
                var deeper = new StringBuilder();
                string? deeperError = NestedDerivatives(innerLambda, model, id + "_" + (k - 1), innerEdits, wrap, deeper, methods, ct);
                if (deeperError != null) return deeperError;
                InlineHiddenConstants(innerOp.Body, innerEdits);
                string innerBody = ApplyEdits(innerLambda.Body.ToString(), innerLambda.Body.SpanStart, innerEdits);
                // Jvp's value calls it in code that is differentiated again: [Differentiable], so that it is inlined there.
                string innerText = (callsPrimal ? "[global::Nabla.Differentiable]\n" : "") +
                    "internal static " + Symbols.TypeName(innerSymbol.ReturnType) + " " + innerName + "(" + string.Join(", ", parameters) + ")\n" +
                    (innerLambda.Body is BlockSyntax ? innerBody + "\n" : "=> " + innerBody + ";\n");
                var error = BindInner(deeper + innerText, innerName, out inner);
                if (error != null) return "a nested derivative's lambda cannot be compiled outside its method (" + error.GetMessage() + ")";
                output.Append(deeper).Append(innerText);
                primalCall = innerName;
            }
            else if (model.GetSymbolInfo(g, ct).Symbol is IMethodSymbol { IsStatic: true, Parameters.Length: 1 } wrapped && !Symbols.IsDifferentiable(wrapped) &&
                     wrapped.Parameters[0].RefKind == RefKind.None && Symbols.IrTypeOf(wrapped.Parameters[0].Type).IsReal)
            {
                // A method with a rule (Math.Sin) or none: differentiated as the lambda x => M(x), whose call the rules resolve
                // (or which reports why not).
                string innerName = "Nabla_Inner_" + id + "_" + (k - 1);
                string parameter = Symbols.TypeName(wrapped.Parameters[0].Type) + " nablaX";
                string innerText = (callsPrimal ? "[global::Nabla.Differentiable]\n" : "") +
                    "internal static " + Symbols.TypeName(wrapped.ReturnType) + " " + innerName + "(" + parameter + ")\n=> " +
                                   wrapped.ContainingType.ToDisplayString(Symbols.TypeFormat) + "." + Symbols.Identifier(wrapped.Name) + "(nablaX);\n";
                var error = BindInner(innerText, innerName, out inner);
                if (error != null) return $"the function of a nested Autodiff.{op.Name}, '{wrapped.ToDisplayString()}', cannot be called from generated code (" + error.GetMessage() + ")";
                output.Append(innerText);
                primalCall = innerName;
            }
            else
            {
                inner = model.GetSymbolInfo(g, ct).Symbol as IMethodSymbol;
                if (inner is null || !Symbols.IsDifferentiable(inner) || !inner.IsStatic || inner.Parameters.Length != 1)
                    return $"the function of a nested Autodiff.{op.Name} must be an inline lambda or a static method of one input";
                // The same method in the compilation that declares the rules' partials, where it is lowered.
                primalCall = inner.ContainingType.ToDisplayString(Symbols.TypeFormat) + "." + Symbols.Identifier(inner.Name);
                if (compilation != model.Compilation && inner.OriginalDefinition.GetDocumentationCommentId() is { } innerId)
                    inner = DocumentationCommentId.GetFirstSymbolForDeclarationId(innerId, compilation) as IMethodSymbol;
            }
            if (inner is null) return "a nested derivative's function could not be bound";
            var diagnostics = new List<DiagnosticInfo>();
            var lowered = MethodProcessor.Lower(inner, compilation, inner.Parameters[0].Name, null, diagnostics, ct);
            if (lowered is null)
                return "the function of a nested derivative cannot be differentiated" +
                       (diagnostics.FirstOrDefault(d => d.IsError) is { } first ? " (" + first.ToDiagnostic().GetMessage() + ")" : "");
            var derivative = JvpTransform.Composable(lowered.Function, lowered.Wrt, lowered.Activity, dName, out var why);
            if (derivative is null) return "the first derivative taken inside it cannot be differentiated again: " + why;
            derivative.Modifiers = "internal static";
            derivative.Summary = null;
            derivative.Attributes.Add("[global::Nabla.Differentiable]");
            var w = new SourceWriter();
            CSharpEmitter.Emit(derivative, w);
            output.Append(w.ToString());
            methods.Add(dName);
            var inputIr = Symbols.IrTypeOf(inner.Parameters[0].Type);
            var element = vectorInput ? inputIr.Element : inputIr;
            string one = element.Kind == IR.TypeKind.Single ? "1f" : "1d";
            string inputTypeName = Symbols.TypeName(inner.Parameters[0].Type);
            string point = "(" + inputTypeName + ")(" + at + ")";
            var captureNames = inner.Parameters.Skip(1).Select(p => Symbols.Identifier(p.Name)).ToList();
            // A function that writes into its input array (in-place updates) writes its tangent too: each run gets copies,
            // so that every directional derivative starts from the point and a unit direction.
            bool writesInput = vectorInput && lowered.Function.Blocks.SelectMany(b => b.Instrs).Any(i => i.Op is IR.Op.ArrayStore or IR.Op.ArrayAdd ||
                i.Op == IR.Op.Call && i.Arguments != null && i.Arguments.Any(a => a.Value != null && a.Value.Type.IsArray));
            string Fresh(string array) => writesInput ? "((" + inputTypeName + ")(" + array + ").Clone())" : array;
            string Arguments(params string[] last) => string.Join(", ", new[] { Fresh("nablaX") }.Concat(captureNames).Concat(last.Select(Fresh)));
            string CallArguments(params string[] last) => string.Join(", ", new[] { point }.Concat(extraArguments).Concat(last));
            if (jvp)
            {
                // (Value, Tangent): the function at the point, and its forward mode there along the direction.
                string direction = "(" + inputTypeName + ")(" + call.ArgumentList.Arguments[2].Expression + ")";
                edits.Add(new Edit(call.SpanStart, call.Span.Length,
                    "(Value: " + primalCall + "(" + string.Join(", ", new[] { Fresh(point) }.Concat(extraArguments)) + "), Tangent: " + dName + "(" + CallArguments(Fresh(direction)) + "))"));
                continue;
            }
            if (name is "Hessian" or "HessianVectorProduct")
            {
                // Forward over forward once more: the directional derivative's own forward mode along a second direction,
                // d²f[u, w], differentiable again; the Hessian is d²f[eᵢ, eⱼ] (symmetric: half of them), H·v is d²f[eᵢ, v].
                string ddName = "Nabla_DD_" + id + "_" + (k - 1);
                var bindError = BindInner(w.ToString(), dName, out var directional);
                if (bindError != null || directional is null) return "the second derivative taken inside it cannot be written (" + bindError?.GetMessage() + ")";
                var loweredDirectional = MethodProcessor.Lower(directional, compilation, directional.Parameters[0].Name, null, diagnostics, ct);
                if (loweredDirectional is null)
                    return "the second derivative taken inside it cannot be differentiated again" +
                           (diagnostics.FirstOrDefault(d => d.IsError) is { } firstError ? " (" + firstError.ToDiagnostic().GetMessage() + ")" : "");
                var second = JvpTransform.Composable(loweredDirectional.Function, loweredDirectional.Wrt, loweredDirectional.Activity, ddName, out var whyNot);
                if (second is null) return "the second derivative taken inside it cannot be differentiated again: " + whyNot;
                second.Modifiers = "internal static";
                second.Summary = null;
                second.Attributes.Add("[global::Nabla.Differentiable]");
                var w2 = new SourceWriter();
                CSharpEmitter.Emit(second, w2);
                output.Append(w2.ToString());
                methods.Add(ddName);
                bool hvp = name == "HessianVectorProduct";
                if (realInput)
                {
                    // f''(x)·1·1, or f''(x)·1·v.
                    string along = hvp ? "(" + inputTypeName + ")(" + call.ArgumentList.Arguments[2].Expression + ")" : one;
                    edits.Add(new Edit(call.SpanStart, call.Span.Length, ddName + "(" + CallArguments(one, along) + ")"));
                    continue;
                }
                string secondHelper = "Nabla_G_" + id + "_" + (k - 1);
                string elementType = element.Name;
                var secondParameters = new[] { inputTypeName + " nablaX" }
                    .Concat(inner.Parameters.Skip(1).Select(p => Symbols.TypeName(p.Type) + " " + Symbols.Identifier(p.Name)))
                    .Concat(hvp ? new[] { inputTypeName + " nablaV" } : Array.Empty<string>());
                var text = new StringBuilder();
                text.Append("[global::Nabla.Differentiable]\n");
                text.Append("internal static ").Append(hvp ? inputTypeName : elementType + "[,]").Append(' ').Append(secondHelper)
                    .Append('(').Append(string.Join(", ", secondParameters)).Append(")\n{\n");
                text.Append("    var nablaU = new ").Append(elementType).Append("[nablaX.Length];\n");
                if (hvp)
                {
                    text.Append("    if (nablaV.Length != nablaX.Length) throw new global::System.ArgumentException(\"The direction must have the input's length.\", \"v\");\n");
                    text.Append("    var nablaOutput = new ").Append(elementType).Append("[nablaX.Length];\n");
                    text.Append("    for (int nablaI = 0; nablaI < nablaX.Length; nablaI++)\n    {\n");
                    text.Append("        nablaU[nablaI] = ").Append(one).Append(";\n");
                    text.Append("        nablaOutput[nablaI] = ").Append(ddName).Append('(').Append(Arguments("nablaU", "nablaV")).Append(");\n");
                    text.Append("        nablaU[nablaI] = 0;\n    }\n    return nablaOutput;\n}\n");
                }
                else
                {
                    text.Append("    var nablaW = new ").Append(elementType).Append("[nablaX.Length];\n");
                    text.Append("    var nablaOutput = new ").Append(elementType).Append("[nablaX.Length, nablaX.Length];\n");
                    text.Append("    for (int nablaI = 0; nablaI < nablaX.Length; nablaI++)\n    {\n");
                    text.Append("        nablaU[nablaI] = ").Append(one).Append(";\n");
                    text.Append("        for (int nablaJ = 0; nablaJ <= nablaI; nablaJ++)\n        {\n");
                    text.Append("            nablaW[nablaJ] = ").Append(one).Append(";\n");
                    text.Append("            var nablaH = ").Append(ddName).Append('(').Append(Arguments("nablaU", "nablaW")).Append(");\n");
                    text.Append("            nablaOutput[nablaI, nablaJ] = nablaH;\n");
                    text.Append("            nablaOutput[nablaJ, nablaI] = nablaH;\n");
                    text.Append("            nablaW[nablaJ] = 0;\n        }\n");
                    text.Append("        nablaU[nablaI] = 0;\n    }\n    return nablaOutput;\n}\n");
                }
                output.Append(text);
                methods.Add(secondHelper);
                string vector = hvp ? "(" + inputTypeName + ")(" + call.ArgumentList.Arguments[2].Expression + ")" : null!;
                edits.Add(new Edit(call.SpanStart, call.Span.Length, secondHelper + "(" + (hvp ? CallArguments(vector) : CallArguments()) + ")"));
                continue;
            }
            if (name == "Derivative" || realInput && realResult && name == "Gradient")
            {
                edits.Add(new Edit(call.SpanStart, call.Span.Length, dName + "(" + CallArguments(one) + ")"));
                continue;
            }
            // The rest is a differentiable method of the point (and the captures, and Vjp's cotangent) written here:
            // forward over forward when the outer derivative differentiates it.
            string helper = "Nabla_G_" + id + "_" + (k - 1);
            string elementName = element.Name;
            string resultTypeName = Symbols.TypeName(innerInvoke!.ReturnType);
            bool vjp = name == "Vjp";
            var helperParameters = new[] { inputTypeName + " nablaX" }
                .Concat(inner.Parameters.Skip(1).Select(p => Symbols.TypeName(p.Type) + " " + Symbols.Identifier(p.Name)))
                .Concat(vjp ? new[] { resultTypeName + " nablaCotangent" } : Array.Empty<string>());
            var body = new StringBuilder();
            // One directional derivative (scalar or array) folded into the output: Vjp weighs it by the cotangent.
            void Fold(string derivative, string target, string indent)
            {
                if (!vjp || realResult)
                {
                    body.Append(indent).Append(target).Append(vjp ? "nablaCotangent * " : "").Append(derivative).Append(";\n");
                    return;
                }
                body.Append(indent).Append("var nablaD = ").Append(derivative).Append(";\n");
                body.Append(indent).Append(elementName).Append(" nablaSum = 0;\n");
                body.Append(indent).Append("for (int nablaJ = 0; nablaJ < nablaD.Length; nablaJ++) nablaSum += nablaCotangent[nablaJ] * nablaD[nablaJ];\n");
                body.Append(indent).Append(target).Append("nablaSum;\n");
            }
            if (realInput)
                Fold(dName + "(" + Arguments(one) + ")", "return ", "    ");
            else
            {
                bool jacobian = name is "JacobianForward" or "JacobianReverse";
                body.Append("    var nablaDirection = new ").Append(elementName).Append("[nablaX.Length];\n");
                if (jacobian)
                    body.Append("    var nablaOutput = new ").Append(elementName).Append('[').Append(primalCall).Append('(').Append(Arguments())
                        .Append(").Length, nablaX.Length];\n");
                else
                    body.Append("    var nablaOutput = new ").Append(elementName).Append("[nablaX.Length];\n");
                body.Append("    for (int nablaI = 0; nablaI < nablaX.Length; nablaI++)\n    {\n");
                body.Append("        nablaDirection[nablaI] = ").Append(one).Append(";\n");
                string column = dName + "(" + Arguments("nablaDirection") + ")";
                if (jacobian)
                {
                    body.Append("        var nablaColumn = ").Append(column).Append(";\n");
                    body.Append("        for (int nablaR = 0; nablaR < nablaColumn.Length; nablaR++) nablaOutput[nablaR, nablaI] = nablaColumn[nablaR];\n");
                }
                else
                    Fold(column, "nablaOutput[nablaI] = ", "        ");
                body.Append("        nablaDirection[nablaI] = 0;\n    }\n    return nablaOutput;\n");
                resultTypeName = jacobian ? elementName + "[,]" : inputTypeName;
            }
            if (realInput) resultTypeName = inputTypeName;
            output.Append("[global::Nabla.Differentiable]\n");
            output.Append("internal static ").Append(name == "ValueWithGradient" ? inputTypeName : resultTypeName).Append(' ').Append(helper)
                .Append('(').Append(string.Join(", ", helperParameters)).Append(")\n{\n").Append(body).Append("}\n");
            methods.Add(helper);
            string cotangent = vjp ? "(" + Symbols.TypeName(innerInvoke.ReturnType) + ")(" + call.ArgumentList.Arguments[2].Expression + ")" : null!;
            string helperCall = helper + "(" + (vjp ? CallArguments(cotangent) : CallArguments()) + ")";
            edits.Add(new Edit(call.SpanStart, call.Span.Length, name == "ValueWithGradient"
                ? "(Value: " + primalCall + "(" + CallArguments() + "), Gradient: " + helperCall + ")"
                : helperCall));
        }
        return null;
    }

    /// <summary>The statement giving captured variable <paramref name="k"/> its value: a literal for a constant, else read from the closure.</summary>
    /// <summary>
    /// The statements that fetch the readers of the captured variables for the closure <paramref name="target"/>. One
    /// lambda has one closure type (lambdas in generic code are NABLA0013) unless Edit and Continue replaces it while the
    /// program runs, so the type is checked only when updates can be applied (a constant to the JIT otherwise).
    /// </summary>
    private static string[] BindingLines(string target) =>
    [
        "var nablaBinding = s_binding;",
        "if (nablaBinding is null || (global::System.Reflection.Metadata.MetadataUpdater.IsSupported && nablaBinding.ClosureType != " + target +
        ".GetType())) s_binding = nablaBinding = Binding.Of(" + target + ");",
    ];

    private static string ReadCapture(IReadOnlyList<Capture> captures, int k, string target, bool targetIsThis = false) =>
        $"{captures[k].Type} nablaCapture{k} = " + (captures[k].Constant is { } c ? $"({captures[k].Type})({c});"
            : targetIsThis ? $"({captures[k].Type}){target};" : $"nablaBinding.Read{k}.Read({target});");

    /// <summary>
    /// The variables a nested derivative's lambda captures: each becomes a parameter of the method it is written as
    /// (added to <paramref name="parameters"/>) and an argument where it is called (to <paramref name="arguments"/>).
    /// Returns why not, or null.
    /// </summary>
    private static string? InnerCaptures(AnonymousFunctionExpressionSyntax innerLambda, IAnonymousFunctionOperation innerOp, List<string> parameters, List<string> arguments)
    {
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var o in innerOp.Body.DescendantsAndSelf())
        {
            ISymbol? captured = o switch
            {
                ILocalReferenceOperation l when !Declared(l.Local, innerLambda) => l.Local,
                IParameterReferenceOperation p when !Declared(p.Parameter, innerLambda) => p.Parameter,
                _ => null,
            };
            if (o is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }) return "a nested derivative's lambda reads 'this'; copy the value into a local first";
            if (captured is null || !seen.Add(captured)) continue;
            if (IsWritten(o)) return $"a nested derivative's lambda assigns '{captured.Name}'";
            var type = captured is ILocalSymbol local ? local.Type : ((IParameterSymbol)captured).Type;
            parameters.Add(Symbols.TypeName(type) + " " + Symbols.Identifier(captured.Name));
            arguments.Add(Symbols.Identifier(captured.Name));
        }
        return null;
    }

    /// <summary>
    /// Binds <paramref name="members"/> written beside the lambda in <paramref name="compilation"/> (which then includes
    /// them) and finds the method named <paramref name="name"/>; the binding error, if any.
    /// </summary>
    private static Diagnostic? BindBeside(ref Compilation compilation, WrapMembers wrap, SyntaxTree lambdaTree, string members, string name,
        out IMethodSymbol? bound, CancellationToken ct)
    {
        var (tree, model, error) = SynthesizedSource.Bind(compilation, wrap(members, out _), lambdaTree,
            (lambdaTree.FilePath ?? "") + ".nabla-inner-" + name + ".cs", ct);
        compilation = model.Compilation;
        bound = error != null ? null : model.GetDeclaredSymbol(tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>()
            .First(d => d.Identifier.Text == name), ct) as IMethodSymbol;
        return error;
    }

    /// <summary>
    /// <c>Gradient</c>, <c>ValueWithGradient</c>, <c>Jvp</c> or <c>Vjp</c> of a function of two to four scalars or arrays,
    /// taken inside a differentiated lambda: one forward-mode derivative per input (composable, so the outer derivative
    /// differentiates it again), seeded with 1 for a scalar and with each unit direction for an array. Returns why not, or null.
    /// </summary>
    private static string? SeveralInputs(InvocationExpressionSyntax call, IMethodSymbol op, AnonymousFunctionExpressionSyntax lambda, SemanticModel model,
        string id, List<Edit> edits, WrapMembers wrap, StringBuilder output, List<string> methods, CancellationToken ct)
    {
        string name = op.Name;
        var invoke = ((INamedTypeSymbol)op.Parameters[0].Type).DelegateInvokeMethod!;
        int m = invoke.Parameters.Length;
        static bool IsRealVector(IR.IrType t) => t is { IsArray: true, IsSpan: false, Rank: 1 } && t.Element.IsReal;
        var inputTypes = invoke.Parameters.Select(p => Symbols.IrTypeOf(p.Type)).ToList();
        var resultType = Symbols.IrTypeOf(invoke.ReturnType);
        bool realResult = resultType.IsReal, vectorResult = IsRealVector(resultType);
        var elementKinds = inputTypes.Select(t => t.IsArray ? t.Element.Kind : t.Kind).Append(vectorResult ? resultType.Element.Kind : resultType.Kind).Distinct().Count();
        bool supported = inputTypes.All(t => t.IsReal || IsRealVector(t)) && elementKinds == 1 &&
                         (name is "Gradient" or "ValueWithGradient" ? realResult : realResult || vectorResult);
        if (!supported)
            return $"Autodiff.{name} of several inputs inside a differentiated lambda is differentiable for scalars and arrays of one real type, with a scalar result" +
                   (name is "Jvp" or "Vjp" ? " or an array result" : "");
        Compilation compilation = RuleChains.For(model.Compilation, ct).WithPartials(model.Compilation);
        Diagnostic? BindInner(string members, string innerName, out IMethodSymbol? bound) =>
            BindBeside(ref compilation, wrap, lambda.SyntaxTree, members, innerName, out bound, ct);
        // The function: an inline lambda written as a method (its captured variables its last parameters), or a static
        // [Differentiable] method.
        var g = call.ArgumentList.Arguments[0].Expression;
        IMethodSymbol? inner;
        string primal;
        var extraArguments = new List<string>();
        if (g is AnonymousFunctionExpressionSyntax innerLambda)
        {
            if (model.GetSymbolInfo(innerLambda, ct).Symbol is not IMethodSymbol innerSymbol || innerSymbol.Parameters.Length != m ||
                model.GetOperation(innerLambda, ct) is not IAnonymousFunctionOperation innerOp)
                return $"the lambda of a nested Autodiff.{name} must take its {m} inputs";
            var parameters = innerSymbol.Parameters.Select((p, k) => Symbols.TypeName(invoke.Parameters[k].Type) + " " + Symbols.Identifier(p.Name)).ToList();
            if (InnerCaptures(innerLambda, innerOp, parameters, extraArguments) is { } captureError) return captureError;
            foreach (var nested in innerLambda.Body.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
                if (model.GetSymbolInfo(nested, ct).Symbol is IMethodSymbol { ContainingType: { } t } && t.ToDisplayString() == Symbols.AutodiffClass)
                    return $"a derivative taken inside the lambda of a nested Autodiff.{name} of several inputs is not differentiable yet";
            var innerEdits = new List<Edit>();
            InlineHiddenConstants(innerOp.Body, innerEdits);
            string innerBody = ApplyEdits(innerLambda.Body.ToString(), innerLambda.Body.SpanStart, innerEdits);
            string innerName = "Nabla_Inner_" + id;
            string innerText = "[global::Nabla.Differentiable]\n" +
                "internal static " + Symbols.TypeName(innerSymbol.ReturnType) + " " + innerName + "(" + string.Join(", ", parameters) + ")\n" +
                (innerLambda.Body is BlockSyntax ? innerBody + "\n" : "=> " + innerBody + ";\n");
            var error = BindInner(innerText, innerName, out inner);
            if (error != null) return "a nested derivative's lambda cannot be compiled outside its method (" + error.GetMessage() + ")";
            output.Append(innerText);
            primal = innerName;
        }
        else
        {
            inner = model.GetSymbolInfo(g, ct).Symbol as IMethodSymbol;
            if (inner is null || !Symbols.IsDifferentiable(inner) || !inner.IsStatic || inner.Parameters.Length != m)
                return $"the function of a nested Autodiff.{name} must be an inline lambda or a static [Differentiable] method of its inputs";
            primal = inner.ContainingType.ToDisplayString(Symbols.TypeFormat) + "." + Symbols.Identifier(inner.Name);
            if (compilation != model.Compilation && inner.OriginalDefinition.GetDocumentationCommentId() is { } innerId)
                inner = DocumentationCommentId.GetFirstSymbolForDeclarationId(innerId, compilation) as IMethodSymbol;
        }
        if (inner is null) return "a nested derivative's function could not be bound";

        // One composable forward mode per input: D_k(x₁…x_m, captures…, dx_k).
        var inputNames = Enumerable.Range(0, m).Select(k => "nablaX" + k).ToList();
        var inputTypeNames = invoke.Parameters.Select(p => Symbols.TypeName(p.Type)).ToList();
        string element = (inputTypes[0].IsArray ? inputTypes[0].Element : inputTypes[0]).Name;
        string one = (inputTypes[0].IsArray ? inputTypes[0].Element : inputTypes[0]).Kind == IR.TypeKind.Single ? "1f" : "1d";
        var directional = new List<string>();
        bool writesInputs = false;
        for (int k = 0; k < m; k++)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var lowered = MethodProcessor.Lower(inner, compilation, inner.Parameters[k].Name, null, diagnostics, ct);
            if (lowered is null)
                return "the function of a nested derivative cannot be differentiated" +
                       (diagnostics.FirstOrDefault(d => d.IsError) is { } first ? " (" + first.ToDiagnostic().GetMessage() + ")" : "");
            string dName = "Nabla_D_" + id + "_" + k;
            var derivative = JvpTransform.Composable(lowered.Function, lowered.Wrt, lowered.Activity, dName, out var why);
            if (derivative is null) return "the first derivative taken inside it cannot be differentiated again: " + why;
            derivative.Modifiers = "internal static";
            derivative.Summary = null;
            derivative.Attributes.Add("[global::Nabla.Differentiable]");
            var w = new SourceWriter();
            CSharpEmitter.Emit(derivative, w);
            output.Append(w.ToString());
            methods.Add(dName);
            directional.Add(dName);
            writesInputs |= lowered.Function.Blocks.SelectMany(b => b.Instrs).Any(i => i.Op is IR.Op.ArrayStore or IR.Op.ArrayAdd ||
                i.Op == IR.Op.Call && i.Arguments != null && i.Arguments.Any(a => a.Value != null && a.Value.Type.IsArray));
        }
        // (A function writing its input arrays gets copies on each run, so that every derivative starts from the point.)
        string Fresh(int k, string value) => writesInputs && inputTypes[k].IsArray ? "((" + inputTypeNames[k] + ")(" + value + ").Clone())" : value;
        string Inputs() => string.Join(", ", Enumerable.Range(0, m).Select(k => Fresh(k, inputNames[k])).Concat(extraArguments.Select((_, c) => "nablaC" + c)));
        string Point(int k) => "(" + inputTypeNames[k] + ")(" + call.ArgumentList.Arguments[1 + k].Expression + ")";
        // The helper: a [Differentiable] method of the inputs (and the captures, and Vjp's cotangent), written here.
        string helper = "Nabla_G_" + id;
        var helperParameters = Enumerable.Range(0, m).Select(k => inputTypeNames[k] + " " + inputNames[k])
            .Concat(inner.Parameters.Skip(m).Select((p, c) => Symbols.TypeName(p.Type) + " nablaC" + c)).ToList();
        var body = new StringBuilder();
        string resultTypeName = Symbols.TypeName(invoke.ReturnType);
        if (name == "Jvp")
        {
            // Σ_k D_k(x, dx_k): the directional derivative along (dx₁…dx_m).
            helperParameters.AddRange(Enumerable.Range(0, m).Select(k => inputTypeNames[k] + " nablaT" + k));
            string Term(int k) => directional[k] + "(" + Inputs() + ", " + Fresh(k, "nablaT" + k) + ")";
            if (realResult)
                body.Append("    return ").Append(string.Join(" + ", Enumerable.Range(0, m).Select(Term))).Append(";\n");
            else
            {
                body.Append("    var nablaSum = ").Append(Term(0)).Append(";\n");
                for (int k = 1; k < m; k++)
                {
                    body.Append("    var nablaTerm").Append(k).Append(" = ").Append(Term(k)).Append(";\n");
                    body.Append("    for (int nablaR = 0; nablaR < nablaSum.Length; nablaR++) nablaSum[nablaR] += nablaTerm").Append(k).Append("[nablaR];\n");
                }
                body.Append("    return nablaSum;\n");
            }
            output.Append("[global::Nabla.Differentiable]\ninternal static ").Append(resultTypeName).Append(' ').Append(helper)
                .Append('(').Append(string.Join(", ", helperParameters)).Append(")\n{\n").Append(body).Append("}\n");
            methods.Add(helper);
            var arguments = Enumerable.Range(0, m).Select(Point).Concat(extraArguments)
                .Concat(Enumerable.Range(0, m).Select(k => "(" + inputTypeNames[k] + ")(" + call.ArgumentList.Arguments[1 + m + k].Expression + ")"));
            edits.Add(new Edit(call.SpanStart, call.Span.Length, "(Value: " + primal + "(" + string.Join(", ", Enumerable.Range(0, m).Select(k => Fresh(k, Point(k))).Concat(extraArguments)) + "), Tangent: " +
                helper + "(" + string.Join(", ", arguments) + "))"));
            return null;
        }
        bool vjp = name == "Vjp";
        if (vjp) helperParameters.Add(resultTypeName + " nablaCotangent");
        // Each input's part: D_k along each unit direction, weighed by the cotangent (Vjp).
        string Weighed(string derivative, string indent, string target)
        {
            if (!vjp || realResult) return indent + target + (vjp ? "nablaCotangent * " : "") + derivative + ";\n";
            return indent + "{\n" + indent + "    var nablaD = " + derivative + ";\n" + indent + "    " + element + " nablaSum = 0;\n" +
                   indent + "    for (int nablaJ = 0; nablaJ < nablaD.Length; nablaJ++) nablaSum += nablaCotangent[nablaJ] * nablaD[nablaJ];\n" +
                   indent + "    " + target + "nablaSum;\n" + indent + "}\n";
        }
        for (int k = 0; k < m; k++)
        {
            if (!inputTypes[k].IsArray)
            {
                body.Append("    ").Append(element).Append(" nablaPart").Append(k).Append(";\n");
                body.Append(Weighed(directional[k] + "(" + Inputs() + ", " + one + ")", "    ", "nablaPart" + k + " = "));
                continue;
            }
            body.Append("    var nablaDirection").Append(k).Append(" = new ").Append(element).Append("[nablaX").Append(k).Append(".Length];\n");
            body.Append("    var nablaPart").Append(k).Append(" = new ").Append(element).Append("[nablaX").Append(k).Append(".Length];\n");
            body.Append("    for (int nablaI = 0; nablaI < nablaX").Append(k).Append(".Length; nablaI++)\n    {\n");
            body.Append("        nablaDirection").Append(k).Append("[nablaI] = ").Append(one).Append(";\n");
            body.Append(Weighed(directional[k] + "(" + Inputs() + ", " + Fresh(k, "nablaDirection" + k) + ")", "        ", "nablaPart" + k + "[nablaI] = "));
            body.Append("        nablaDirection").Append(k).Append("[nablaI] = 0;\n    }\n");
        }
        body.Append("    return (").Append(string.Join(", ", Enumerable.Range(0, m).Select(k => "nablaPart" + k))).Append(");\n");
        string tupleType = "(" + string.Join(", ", inputTypeNames) + ")";
        output.Append("[global::Nabla.Differentiable]\ninternal static ").Append(tupleType).Append(' ').Append(helper)
            .Append('(').Append(string.Join(", ", helperParameters)).Append(")\n{\n").Append(body).Append("}\n");
        methods.Add(helper);
        var callArguments = Enumerable.Range(0, m).Select(Point).Concat(extraArguments).ToList();
        if (vjp) callArguments.Add("(" + resultTypeName + ")(" + call.ArgumentList.Arguments[1 + m].Expression + ")");
        string helperCall = helper + "(" + string.Join(", ", callArguments) + ")";
        edits.Add(new Edit(call.SpanStart, call.Span.Length, name == "ValueWithGradient"
            ? "(Value: " + primal + "(" + string.Join(", ", Enumerable.Range(0, m).Select(k => Fresh(k, Point(k))).Concat(extraArguments)) + "), Gradient: " + helperCall + ")"
            : helperCall));
        return null;
    }

    private delegate string WrapMembers(string members, out int membersStart);

    private static bool Declared(ISymbol symbol, AnonymousFunctionExpressionSyntax lambda) =>
        symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == lambda.SyntaxTree && lambda.Span.Contains(r.Span)) ||
        symbol.Locations.Any(l => l.SourceTree == lambda.SyntaxTree && lambda.Span.Contains(l.SourceSpan));

    private static bool IsWritten(IOperation reference) => reference.Parent switch
    {
        IAssignmentOperation a => a.Target == reference,
        IIncrementOrDecrementOperation => true,
        IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } => true,
        _ => false,
    };

    /// <summary>
    /// Writes the value of each constant the lambda reads that generated code outside its type could not reach (a private
    /// const of a non-partial class): C# folds constants anyway, so the literal is what the lambda computes with.
    /// Spans already rewritten (nested derivatives) are left alone.
    /// </summary>
    private static void InlineHiddenConstants(IOperation body, List<Edit> edits)
    {
        foreach (var o in body.DescendantsAndSelf())
        {
            if (o is not IFieldReferenceOperation { Field: { IsConst: true, HasConstantValue: true } field } reference ||
                field.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal &&
                TypeDeclarations.IsReachableFromAssembly(field.ContainingType))
                continue;
            var span = reference.Syntax.Span;
            if (edits.Any(e => e.Offset < span.End && span.Start < e.Offset + Math.Max(e.Length, 1))) continue;
            if (Lowering.Lowerer.Literal(field.ConstantValue, field.Type) is { } literal)
                edits.Add(new Edit(span.Start, span.Length, "((" + field.Type.ToDisplayString(Symbols.TypeFormat) + ")(" + literal + "))"));
        }
    }

    private static string ApplyEdits(string text, int start, List<Edit> edits)
    {
        var sb = new StringBuilder(text);
        foreach (var e in edits.OrderByDescending(e => e.Offset))
        {
            sb.Remove(e.Offset - start, e.Length);
            sb.Insert(e.Offset - start, e.Text);
        }
        return sb.ToString();
    }

    /// <summary>Moves a diagnostic from the synthesized method back to the lambda the user wrote.</summary>
    private static DiagnosticInfo Remap(DiagnosticInfo d, SyntaxTree original, AnonymousFunctionExpressionSyntax lambda,
        int bodyStart, int bodyStartInText, int bodyLength, List<Edit> edits)
    {
        TextSpan span;
        int relative = d.Start - bodyStartInText;
        if (relative >= 0 && relative + d.Length <= bodyLength)
        {
            int start = ToOriginal(relative, bodyStart, edits);
            int end = ToOriginal(relative + d.Length, bodyStart, edits);
            span = TextSpan.FromBounds(bodyStart + start, bodyStart + Math.Max(start, end));
        }
        else
        {
            span = lambda.Span;
        }
        var lines = original.GetLineSpan(span);
        return d with
        {
            FilePath = lines.Path ?? "",
            Start = span.Start,
            Length = span.Length,
            Line = lines.StartLinePosition.Line,
            Column = lines.StartLinePosition.Character,
            EndLine = lines.EndLinePosition.Line,
            EndColumn = lines.EndLinePosition.Character,
        };
    }

    /// <summary>An offset in the edited body text, as an offset in the original body.</summary>
    private static int ToOriginal(int edited, int bodyStart, List<Edit> edits)
    {
        int delta = 0;
        foreach (var e in edits.OrderBy(e => e.Offset))
        {
            int at = e.Offset - bodyStart + delta;
            if (edited < at) break;
            if (edited < at + e.Text.Length) return e.Offset - bodyStart;
            delta += e.Text.Length - e.Length;
        }
        return edited - delta;
    }

    private static string Path(SyntaxNode node)
    {
        var line = node.GetLocation().GetLineSpan();
        return System.IO.Path.GetFileName(line.Path) + ":" + (line.StartLinePosition.Line + 1);
    }

    /// <summary>A stable identifier for a call site: file, line and column.</summary>
    private static string SiteId(InvocationExpressionSyntax inv)
    {
        var line = inv.GetLocation().GetLineSpan();
        uint hash = 2166136261;
        foreach (char c in inv.SyntaxTree.FilePath ?? "") hash = (hash ^ c) * 16777619;
        return Symbols.Sanitize(System.IO.Path.GetFileNameWithoutExtension(line.Path ?? "")) + "_" +
               (line.StartLinePosition.Line + 1) + "_" + (line.StartLinePosition.Character + 1) + "_" + hash.ToString("x8");
    }

    // ---------------------------------------------------------------------------------------------
    // Interceptors
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// The interceptor of one call site: same signature as the constructed operator, a body that calls the
    /// generated derivative (<paramref name="stem"/>_Jvp, _ValueWithGradient, _ValueWithPullback) directly.
    /// </summary>
    private static string? Interceptor(string id, IMethodSymbol op, IMethodSymbol invoke, string attribute, string primal, string stem,
        string secondOrderStem, IReadOnlyList<Capture> captures, string functionParameter, string? prologue = null)
    {
        int n = invoke.Parameters.Length;
        var ps = op.Parameters;
        string Param(int k) => Symbols.Identifier(ps[k].Name);
        // An input of a differentiable type arrives as IDifferentiable<T, TT> (so that C# infers TT): unbox it.
        string Primal(int k) => ps[k].Type is INamedTypeSymbol { Name: "IDifferentiable", TypeArguments.Length: 2 } boxed &&
                                boxed.ContainingNamespace.ToDisplayString() == "Nabla"
            ? "((" + boxed.TypeArguments[0].ToDisplayString(Symbols.TypeFormat) + ")" + Param(k) + ")"
            : k == 1 && BoxedInput(op) is { } generated ? "((" + generated.ToDisplayString(Symbols.TypeFormat) + ")" + Param(k) + ")"
            : BoxedPair(op, invoke) is { } pair && k >= 1 && k <= pair.Length && pair[k - 1] is { } input ? "((" + input.ToDisplayString(Symbols.TypeFormat) + ")" + Param(k) + ")"
            : Param(k);
        // The operators' inputs follow f; a user's method taking a [Differentiable] function may have fewer parameters.
        var primals = Enumerable.Range(1, n).Where(k => k < ps.Length).Select(Primal).ToList();
        var capturedArgs = captures.Select((c, k) => "nablaCapture" + k).ToList();
        string Args(IEnumerable<string> extra) => string.Join(", ", primals.Concat(capturedArgs).Concat(extra));
        string? body;
        // A lambda that captures only 'this' is an instance method of this object: the delegate's target is 'this' itself.
        bool targetIsThis = captures.Count(c => c.Constant is null) == 1 && captures.Any(c => c.Constant is null && c.Name == "this");
        bool captureReadsAtCall = true;
        switch (IsNablaOperator(op) ? op.Name : "")
        {
            case "Gradient" when ps.Length == n + 1:
                body = $"return {stem}_ValueWithGradient({Args(Array.Empty<string>())}).Gradient;";
                break;
            case "ValueWithGradient" when ps.Length == n + 1:
                body = $"return {stem}_ValueWithGradient({Args(Array.Empty<string>())});";
                break;
            case "Derivative" when n == 1 && ps.Length == 2 && ps[1].Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single:
                body = $"return {stem}_Jvp({Args(new[] { ps[1].Type.SpecialType == SpecialType.System_Double ? "1d" : "1f" })}).Tangent;";
                break;
            case "Jvp" when ps.Length == 2 * n + 1:
                body = $"return {stem}_Jvp({Args(Enumerable.Range(n + 1, n).Select(Param))});";
                break;
            case "ValueWithDifferential" when ps.Length == n + 1:
            {
                // The differential runs forward mode again later, at the point as it was: an array input the function
                // writes into (in place) is copied before the value is computed, and each run gets copies of the point
                // and the tangent (forward mode writes them as the function writes its input).
                static bool IsRealArray(ITypeSymbol t) => t is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Double or SpecialType.System_Single };
                var arrays = Enumerable.Range(1, n).Where(k => k < ps.Length && IsRealArray(ps[k].Type)).ToList();
                string Copy(int k, string array) => "((" + ps[k].Type.ToDisplayString(Symbols.TypeFormat) + ")" + array + ".Clone())";
                var tangents = Enumerable.Range(0, n).Select(k => arrays.Contains(k + 1) ? Copy(k + 1, "nablaTangent" + k) : "nablaTangent" + k).ToList();
                var points = Enumerable.Range(1, n).Where(k => k < ps.Length).Select(k => arrays.Contains(k) ? Copy(k, "nablaAt" + k) : Primal(k));
                body = string.Concat(arrays.Select(k => $"var nablaAt{k} = {Copy(k, Param(k))};\n")) +
                       $"var nablaValue = {primal}({Args(Array.Empty<string>())});\n" +
                       $"return (nablaValue, ({string.Join(", ", Enumerable.Range(0, n).Select(k => "nablaTangent" + k))}) => " +
                       $"{stem}_Jvp({string.Join(", ", points.Concat(capturedArgs).Concat(tangents))}).Tangent);";
                break;
            }
            case "ValueWithPullback" when ps.Length == n + 1:
                body = $"return {stem}_ValueWithPullback({Args(Array.Empty<string>())});";
                break;
            case "Vjp" when ps.Length == n + 2:
                body = $"return {stem}_ValueWithPullback({Args(Array.Empty<string>())}).Pullback({Param(n + 1)});";
                break;
            case "":
            case "Check" or "Assert" when op.ContainingType.Name == "GradCheck":
            {
                // GradCheck (or a user's method taking a [Differentiable] delegate) takes the delegate on to the operators:
                // register the lambda's derivatives, bound to the closure it is given, then call the method itself.
                string T(int k) => invoke.Parameters[k].Type.ToDisplayString(Symbols.TypeFormat);
                var types = Enumerable.Range(0, n).Select(T).ToList();
                // A [Differentiable] input (GradCheck on a model) has its Tangent as its gradient and direction.
                var tangentTypes = Enumerable.Range(0, n).Select(k => invoke.Parameters[k].Type is INamedTypeSymbol { IsTupleType: false } named &&
                    TangentShapes.IsDifferentiableType(named) ? T(k) + ".Tangent" : T(k)).ToList();
                string result = invoke.ReturnType.ToDisplayString(Symbols.TypeFormat);
                string gradient = n == 1 ? tangentTypes[0] : "(" + string.Join(", ", tangentTypes) + ")";
                string Func(IEnumerable<string> parts) => "global::System.Func<" + string.Join(", ", parts) + ">";
                var a = Enumerable.Range(0, n).Select(k => "nablaA" + k).ToList();
                var d = Enumerable.Range(0, n).Select(k => "nablaD" + k).ToList();
                string Call(string member, IEnumerable<string> extra) => $"{stem}_{member}({string.Join(", ", a.Concat(capturedArgs).Concat(extra))})";
                var lines = new List<string> { $"global::Nabla.CompilerServices.DerivativeRegistry.RegisterClosure({Symbols.Identifier(functionParameter.Length == 0 ? ps[0].Name : functionParameter)}.Method, static nablaTarget =>", "{" };
                if (captures.Any(c => c.Constant is null) && !targetIsThis)
                    lines.AddRange(BindingLines("nablaTarget!").Select(line => "    " + line));
                for (int k = 0; k < captures.Count; k++)
                    lines.Add("    " + ReadCapture(captures, k, "nablaTarget!", targetIsThis));
                lines.Add("    return new global::Nabla.CompilerServices.DerivativeSet(");
                // A gradient exists for a scalar result only; other results are differentiated through the pullback.
                lines.Add(invoke.ReturnType.SpecialType is SpecialType.System_Double or SpecialType.System_Single
                    ? $"        ({Func(types.Concat(new[] { $"({result} Value, {gradient} Gradient)" }))})(({string.Join(", ", a)}) => {Call("ValueWithGradient", Array.Empty<string>())}),"
                    : "        null,");
                lines.Add($"        ({Func(types.Concat(tangentTypes).Concat(new[] { $"({result} Value, {result} Tangent)" }))})(({string.Join(", ", a.Concat(d))}) => {Call("Jvp", d)}),");
                lines.Add($"        ({Func(types.Concat(new[] { $"({result} Value, {Func(new[] { result, gradient })} Pullback)" }))})(({string.Join(", ", a)}) => {Call("ValueWithPullback", Array.Empty<string>())}));");
                lines.Add("});");
                string arguments = string.Join(", ", ps.Select(p => Symbols.Identifier(p.Name)));
                if (IsNablaOperator(op))
                    lines.Add($"return global::Nabla.GradCheck.{op.Name}({arguments});");
                else
                {
                    // Once per call site: the registry keeps a lambda's derivatives for as long as the process runs.
                    lines.Insert(0, "if (!s_registered)");
                    lines.Insert(1, "{");
                    for (int k = 2; k < lines.Count; k++) lines[k] = "    " + lines[k];
                    lines.Add("    s_registered = true;");
                    lines.Add("}");
                    string target = op.IsStatic ? op.ContainingType.ToDisplayString(Symbols.TypeFormat) : "nablaReceiver";
                    lines.Add((op.ReturnsVoid ? "" : "return ") + $"{target}.{Symbols.Identifier(op.Name)}({arguments});");
                }
                body = string.Join("\n", lines);
                captureReadsAtCall = false;
                break;
            }
            case "JacobianForward" or "JacobianReverse" when n == 1 && ps.Length == 2 && IsRealArray(invoke.Parameters[0].Type) && IsRealArray(invoke.ReturnType):
            {
                // A vector function of a vector: the array operators (scratch arrays, no views).
                string args = string.Join(", ", new[] { "nablaX" }.Concat(capturedArgs));
                body = op.Name == "JacobianForward"
                    ? $"return global::Nabla.CompilerServices.Operators.JacobianForward((nablaX, nablaDx) => {stem}_Jvp({args}, nablaDx), nablaX => {primal}({args}), {Param(1)});"
                    : $"return global::Nabla.CompilerServices.Operators.JacobianReverse(nablaX => {stem}_ValueWithPullback({args}), {Param(1)});";
                break;
            }
            case "JacobianForward" or "JacobianReverse" when n == 1 && ps.Length == 2 && op.ReturnType is IArrayTypeSymbol { Rank: 2 } matrix:
            {
                // Any other input or result, over the flat views of their tangents.
                var input = invoke.Parameters[0].Type;
                var resultStruct = StructResult(op, invoke);
                bool differentiableInput = input is INamedTypeSymbol { IsTupleType: false } named && TangentShapes.IsDifferentiableType(named);
                string element = matrix.ElementType.ToDisplayString(Symbols.TypeFormat);
                string inputType = input.ToDisplayString(Symbols.TypeFormat);
                string tt = differentiableInput ? inputType + ".Tangent" : inputType;
                string trt = resultStruct != null ? resultStruct.ToDisplayString(Symbols.TypeFormat) + ".Tangent" : invoke.ReturnType.ToDisplayString(Symbols.TypeFormat);
                string View(bool tangentType, string type) => $"global::Nabla.CompilerServices.FlatViews.{(tangentType ? "OfTangent" : "OfValue")}<{type}>()";
                string inputLike = differentiableInput ? "nablaPoint.ZeroTangent()" : "nablaPoint";
                // Each pass runs on its own copy of an array input, which the function may write.
                string point = IsRealArray(input) ? $"({inputType})nablaPoint.Clone()" : "nablaPoint";
                string args = string.Join(", ", new[] { point }.Concat(capturedArgs));
                body = $"var nablaPoint = {Param(1)};\n" + (op.Name == "JacobianForward"
                    ? $"return global::Nabla.CompilerServices.Operators.JacobianForwardOfViews<{element}, {tt}, {trt}>(nablaDx => {stem}_Jvp({args}, nablaDx).Tangent, " +
                      $"{inputLike}, {View(differentiableInput, tt)}, {View(resultStruct != null, trt)});"
                    : $"var (nablaValue, nablaPullback) = {stem}_ValueWithPullback({args});\n" +
                      $"return global::Nabla.CompilerServices.Operators.JacobianReverseOfViews<{element}, {trt}, {tt}>(nablaPullback, " +
                      $"{(resultStruct != null ? "nablaValue.ZeroTangent()" : "nablaValue")}, {View(resultStruct != null, trt)}, {inputLike}, {View(differentiableInput, tt)});");
                break;
            }
            case "Hessian" when n == 1 && ps.Length == 2:
                body = $"return {secondOrderStem}_Hessian({Args(Array.Empty<string>())});";
                break;
            case "HessianVectorProduct" when n == 1 && ps.Length == 3:
                body = $"return {secondOrderStem}_HessianVectorProduct({Args(new[] { Param(2) })});";
                break;
            default:
                body = null;
                break;
        }
        if (body is null) return null;
        bool closureRead = captures.Any(c => c.Constant is null) && !targetIsThis;
        captureReadsAtCall &= captures.Count > 0;

        var w = new SourceWriter();
        w.Line(TypeDeclarations.FileHeader.TrimEnd('\n'));
        w.Open("namespace System.Runtime.CompilerServices");
        w.Line("[global::System.AttributeUsage(global::System.AttributeTargets.Method, AllowMultiple = true)]");
        w.Open("file sealed class InterceptsLocationAttribute : global::System.Attribute");
        w.Line("public InterceptsLocationAttribute(int version, string data) { }");
        w.Close();
        w.Close();
        w.Open("namespace Nabla.Generated");
        w.Line(IsNablaOperator(op)
            ? "/// <summary>Binds one call of Autodiff." + op.Name + " to its generated derivative.</summary>"
            : "/// <summary>Registers the derivatives of the lambda passed at one call of " + op.Name + ", then calls it.</summary>");
        w.Line(CSharpEmitter.GeneratedCodeAttribute);
        w.Open("file static class NablaInterceptor_" + id);
        if (!IsNablaOperator(op)) w.Line("private static bool s_registered;");
        w.Line(attribute);
        // The operators a scalar loop calls: one call and, for a capturing lambda, a few loads. Inlined, the caller calls the
        // derivative directly (or inlines it too), as if it had called the generated method by name.
        if (IsNablaOperator(op) && op.Name is "Gradient" or "ValueWithGradient" or "Derivative" or "Jvp")
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        // GradCheck on a [Differentiable] value: its IDifferentiable<T, T.Tangent> (constructed as <T, T> where the Tangent is not yet seen).
        string ParameterType(IParameterSymbol p) =>
            op.ContainingType.Name == "GradCheck" && p.Type is INamedTypeSymbol { Name: "IDifferentiable", TypeArguments.Length: 2 } boxedInput &&
            boxedInput.ContainingNamespace?.ToDisplayString() == "Nabla"
                ? $"global::Nabla.IDifferentiable<{boxedInput.TypeArguments[0].ToDisplayString(Symbols.TypeFormat)}, {boxedInput.TypeArguments[0].ToDisplayString(Symbols.TypeFormat)}.Tangent>"
                : p.Type.ToDisplayString(Symbols.TypeFormat);
        string parameters = string.Join(", ", ps.Select(p => ParameterType(p) + " " + Symbols.Identifier(p.Name)));
        if (!IsNablaOperator(op) && !op.IsStatic)
            parameters = "this " + op.ContainingType.ToDisplayString(Symbols.TypeFormat) + " nablaReceiver" + (ps.Length > 0 ? ", " + parameters : "");
        string returnType = op.ReturnType.ToDisplayString(Symbols.TypeFormat);
        if (BoxedInput(op) is { } boxed)
        {
            string t = boxed.ToDisplayString(Symbols.TypeFormat), tt = t + ".Tangent", tr = invoke.ReturnType.ToDisplayString(Symbols.TypeFormat);
            // The third parameter: Vjp's cotangent of the result, Jvp's direction (a tangent of the input).
            parameters = $"global::System.Func<{t}, {tr}> {Param(0)}, global::Nabla.IDifferentiable<{t}, {tt}> {Param(1)}" +
                         (ps.Length > 2 ? $", {(op.Name == "Jvp" ? tt : tr)} {Param(2)}" : "");
            returnType = op.Name switch
            {
                "ValueWithGradient" => $"({tr} Value, {tt} Gradient)",
                "ValueWithPullback" => $"({tr} Value, global::System.Func<{tr}, {tt}> Pullback)",
                "Jvp" => $"({tr} Value, {tr} Tangent)",
                "ValueWithDifferential" => $"({tr} Value, global::System.Func<{tt}, {tr}> Differential)",
                _ => tt,
            };
        }
        if (BoxedPair(op, invoke) is { } boxedPair)
        {
            string T(int k) => invoke.Parameters[k].Type.ToDisplayString(Symbols.TypeFormat);
            string tr = invoke.ReturnType.ToDisplayString(Symbols.TypeFormat);
            string Input(int k) => boxedPair[k] is null ? T(k) : $"global::Nabla.IDifferentiable<{T(k)}, {T(k)}.Tangent>";
            string Gradient(int k) => boxedPair[k] is null ? T(k) : T(k) + ".Tangent";
            var inputs = Enumerable.Range(0, boxedPair.Length).ToList();
            parameters = $"global::System.Func<{string.Join(", ", inputs.Select(T))}, {tr}> {Param(0)}, " + string.Join(", ", inputs.Select(k => $"{Input(k)} {Param(k + 1)}"));
            string gradients = "(" + string.Join(", ", inputs.Select(Gradient)) + ")";
            returnType = op.Name == "Gradient" ? gradients : $"({tr} Value, {gradients} Gradient)";
        }
        if (StructResult(op, invoke) is { } structResult && !IsJacobian(op.Name))
        {
            // A scalar or an array input is its own tangent; a [Differentiable] input arrives as IDifferentiable<T, T.Tangent>.
            string t1 = invoke.Parameters[0].Type.ToDisplayString(Symbols.TypeFormat), tr = structResult.ToDisplayString(Symbols.TypeFormat), trt = tr + ".Tangent";
            bool scalarInput = invoke.Parameters[0].Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single || IsRealArray(invoke.Parameters[0].Type);
            string dt1 = scalarInput ? t1 : t1 + ".Tangent";
            string input = scalarInput ? t1 : $"global::Nabla.IDifferentiable<{t1}, {dt1}>";
            parameters = $"global::System.Func<{t1}, global::Nabla.IDifferentiable<{tr}, {trt}>> {Param(0)}, {input} {Param(1)}" +
                         (ps.Length > 2 ? $", {(op.Name == "Jvp" ? dt1 : trt)} {Param(2)}" : "");
            returnType = op.Name switch
            {
                "Jvp" => $"({tr} Value, {trt} Tangent)",
                "ValueWithDifferential" => $"({tr} Value, global::System.Func<{dt1}, {trt}> Differential)",
                "ValueWithPullback" => $"({tr} Value, global::System.Func<{trt}, {dt1}> Pullback)",
                "Vjp" => dt1,
                _ => trt,
            };
        }
        if (op.Name == "HessianVectorProduct" && StructSecondOrderInput(op) is { } structInput)
        {
            string t = structInput.ToDisplayString(Symbols.TypeFormat), tt = t + ".Tangent";
            parameters = $"{ps[0].Type.ToDisplayString(Symbols.TypeFormat)} {Param(0)}, {t} {Param(1)}, {tt} {Param(2)}";
            returnType = tt;
        }
        w.Open($"public static {returnType} {Symbols.Identifier(op.Name)}({parameters})");
        if (captureReadsAtCall)
        {
            string f = Symbols.Identifier(functionParameter);
            if (closureRead || targetIsThis)
                w.Line($"object nablaTarget = global::Nabla.CompilerServices.Captures.TargetOf({f}) ?? throw new global::System.ArgumentException(\"The delegate has no closure to read captured variables from.\", \"{functionParameter}\");");
            if (closureRead)
                foreach (var line in BindingLines("nablaTarget")) w.Line(line);
            for (int k = 0; k < captures.Count; k++)
                w.Line(ReadCapture(captures, k, "nablaTarget", targetIsThis));
        }
        if (prologue != null) w.Line(prologue);
        foreach (var line in body.Split('\n')) w.Line(line);
        w.Close();
        if (closureRead)
        {
            w.Line("private static Binding? s_binding;");
            w.Line("/// <summary>Readers of the captured variables, resolved once per closure type.</summary>");
            w.Open("private sealed class Binding");
            w.Line("public readonly global::System.Type ClosureType;");
            for (int k = 0; k < captures.Count; k++)
                if (captures[k].Constant is null) w.Line($"public readonly global::Nabla.CompilerServices.CapturedVariable<{captures[k].Type}> Read{k};");
            w.Line("// Out of line, so that the first call's reflection does not take registers from the caller's loop.");
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
            w.Line("public static Binding Of(object closure) => new Binding(closure);");
            w.Open("private Binding(object closure)");
            w.Line("ClosureType = closure.GetType();");
            for (int k = 0; k < captures.Count; k++)
                if (captures[k].Constant is null) w.Line($"Read{k} = global::Nabla.CompilerServices.Captures.Variable<{captures[k].Type}>(closure, \"{captures[k].Name}\");");
            w.Close();
            w.Close();
        }
        w.Close();
        w.Close();
        return w.ToString();
    }
}
