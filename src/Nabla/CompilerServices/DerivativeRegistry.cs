// Maps a method to the derivatives generated for it, so the runtime operators can find them
// from a delegate. Filled by generated module initializers; read by Autodiff's operators.
using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Nabla.CompilerServices;

/// <summary>
/// The derivatives generated for one method, as typed delegates. For a method
/// <c>TR M(T1 x1, ..., Tn xn)</c> (n = 1..4):
/// <list type="bullet">
/// <item><see cref="ValueWithGradient"/>: <c>Func&lt;T1..Tn, (TR Value, G Gradient)&gt;</c>, G = T1 when n = 1, else <c>(T1, ..., Tn)</c>.</item>
/// <item><see cref="Jvp"/>: <c>Func&lt;T1..Tn, T1..Tn, (TR Value, TR Tangent)&gt;</c>: primals, then tangents.</item>
/// <item><see cref="ValueWithPullback"/>: <c>Func&lt;T1..Tn, (TR Value, Func&lt;TR, G&gt; Pullback)&gt;</c>.</item>
/// </list>
/// A parameter that is data or <c>[NoDerivative]</c> keeps its slot; its tangent is ignored and its cotangent is zero.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DerivativeSet
{
    public DerivativeSet(Delegate? valueWithGradient, Delegate jvp, Delegate valueWithPullback)
    {
        ValueWithGradient = valueWithGradient;
        Jvp = jvp;
        ValueWithPullback = valueWithPullback;
    }

    /// <summary>Null for functions whose result is not a scalar (use the pullback).</summary>
    public Delegate? ValueWithGradient { get; }
    public Delegate Jvp { get; }
    public Delegate ValueWithPullback { get; }
}

/// <summary>The process-wide table of generated derivatives, keyed by the original method.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DerivativeRegistry
{
    private static readonly ConcurrentDictionary<MethodInfo, DerivativeSet> s_derivatives = new();

    /// <summary>Registers the derivatives of <paramref name="original"/>'s method. Called by generated module initializers.</summary>
    public static void Register(Delegate original, DerivativeSet derivatives) =>
        s_derivatives[original.Method] = derivatives;

    private static readonly ConcurrentDictionary<MethodInfo, Func<object?, DerivativeSet>> s_closures = new();

    /// <summary>
    /// Registers the derivatives of an inline lambda the generator compiled, as a factory that binds them to a
    /// closure (the lambda's captured values, read when the derivatives are looked up). Called by generated
    /// interceptors, so that the lambda can be passed on to code that takes a delegate (GradCheck).
    /// </summary>
    public static void RegisterClosure(MethodInfo lambda, Func<object?, DerivativeSet> bind) => s_closures.TryAdd(lambda, bind);

    /// <summary>Finds the derivatives of <paramref name="function"/>'s method, or throws <see cref="NotDifferentiableException"/>.</summary>
    public static DerivativeSet Get(Delegate function)
    {
        MethodInfo method = function.Method;
        if (s_derivatives.TryGetValue(method, out DerivativeSet? set))
            return set;
        if (s_closures.TryGetValue(method, out var bind))
            return bind(function.Target);
        // The module that declares the method registers its derivatives in its module initializer,
        // which may not have run yet if nothing else in that module has been touched.
        RuntimeHelpers.RunModuleConstructor(method.Module.ModuleHandle);
        // Nabla's own rules (System.Math, MathF) are registered by Nabla's module.
        RuntimeHelpers.RunModuleConstructor(typeof(DerivativeRegistry).Module.ModuleHandle);
        if (s_derivatives.TryGetValue(method, out set))
            return set;
        throw new NotDifferentiableException(Describe(method), IsLambda(method)
            ? "it is a lambda the generator did not see passed to an operator (held in a variable assigned more than once, a field, or passed through " +
              "other code): pass the lambda to the operator where it is written, or to a [Differentiable] parameter."
            : "mark it [Differentiable] (its type must be partial), or pass a method that is.");
    }

    /// <summary>Whether <paramref name="method"/> is the compiler's body of a lambda or local function (its name is unspeakable).</summary>
    private static bool IsLambda(MethodInfo method) => method.Name.Contains('<') || method.DeclaringType?.Name.Contains('<') == true;

    /// <summary>Gets one derivative delegate of the expected shape, or throws naming the method.</summary>
    public static TDelegate Get<TDelegate>(Delegate function, Func<DerivativeSet, Delegate?> select, string what)
        where TDelegate : Delegate
    {
        Delegate? found = select(Get(function));
        if (found is null)
            throw new NotDifferentiableException(Describe(function.Method), $"it has no {what}: its result is not a scalar; use ValueWithPullback, Vjp or a Jacobian.");
        return found as TDelegate ?? throw new NotDifferentiableException(Describe(function.Method),
            $"its generated {what} has type {found.GetType()}, not {typeof(TDelegate)}; the operator's argument types must match the method's parameter types.");
    }

    internal static string Describe(MethodInfo method)
    {
        // A lambda's body is named <Enclosing>b__0_1, in a closure class nested in the user's type: name what the user wrote.
        if (IsLambda(method) && method.Name.StartsWith('<') && method.Name.LastIndexOf(">b__", StringComparison.Ordinal) is > 1 and var close)
        {
            Type? user = method.DeclaringType;
            while (user != null && user.Name.Contains('<')) user = user.DeclaringType;
            string enclosing = method.Name.Substring(1, close - 1);
            return "a lambda in " + (user is null ? "" : user.FullName + ".") + (enclosing == "<Main>$" ? "top-level statements" : enclosing);
        }
        return method.DeclaringType is null ? method.Name : $"{method.DeclaringType.FullName}.{method.Name}";
    }
}

/// <summary>
/// Lists, on an assembly, the types that declare <see cref="DerivativeOfAttribute"/> rules, so that the
/// generator compiling a consumer finds them without scanning every type. Written by the generator.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class DerivativeRulesAttribute : Attribute
{
    public DerivativeRulesAttribute(Type rulesType) => RulesType = rulesType;
    public Type RulesType { get; }
}
