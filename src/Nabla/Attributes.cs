// The attributes users write: what to differentiate, what not to, and custom rules.
using System;

namespace Nabla;

/// <summary>
/// Marks a method, property, operator, constructor or type as differentiable: the Nabla generator
/// writes its forward-mode (JVP) and reverse-mode (VJP) derivatives at compile time.
/// </summary>
/// <remarks>The containing type must be <c>partial</c> so that derivatives can be written beside it.</remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Constructor |
                AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Parameter,
                Inherited = false, AllowMultiple = false)]
public sealed class DifferentiableAttribute : Attribute
{
    /// <summary>Comma-separated parameter names to differentiate with respect to (default: all differentiable ones).</summary>
    public string? Wrt { get; set; }
}

/// <summary>A parameter, field or property that is not a differentiation input and carries no tangent.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Field | AttributeTargets.Property, Inherited = false)]
public sealed class NoDerivativeAttribute : Attribute { }

/// <summary>Which mode a custom derivative rule implements.</summary>
public enum DerivativeMode
{
    /// <summary>The rule returns <c>(Value, Pullback)</c>: the pullback maps an output cotangent to input cotangents.</summary>
    Reverse = 0,
    /// <summary>The rule returns <c>(Value, Differential)</c>: the differential maps input tangents to the output tangent.</summary>
    Forward = 1,
}

/// <summary>
/// Declares a custom derivative rule for a method of any type, also one in another assembly
/// (retroactive, as Swift's <c>@derivative(of:)</c>). The original overload is the one whose
/// parameter types equal the rule's.
/// </summary>
/// <example><code>
/// [DerivativeOf(typeof(Math), nameof(Math.Tanh))]
/// public static (double Value, Func&lt;double, double&gt; Pullback) Tanh(double x)
/// {
///     double y = Math.Tanh(x);
///     return (y, dy =&gt; dy * (1 - y * y));
/// }
/// </code></example>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class DerivativeOfAttribute : Attribute
{
    public DerivativeOfAttribute(Type type, string methodName)
    {
        Type = type;
        MethodName = methodName;
    }

    /// <summary>The type that declares the original method.</summary>
    public Type Type { get; }

    /// <summary>The original method's name (<c>"Item"</c> for an indexer, <c>".ctor"</c> for a constructor).</summary>
    public string MethodName { get; }

    /// <summary>Reverse (default) or forward.</summary>
    public DerivativeMode Mode { get; set; }

    /// <summary>Comma-separated parameter names the rule differentiates; the others are data.</summary>
    public string? Wrt { get; set; }
}

/// <summary>The generator writes this partial method's body: the gradient of the named method.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class GradientOfAttribute : Attribute
{
    public GradientOfAttribute(string methodName) => MethodName = methodName;
    public string MethodName { get; }
    /// <summary>Comma-separated parameter names (default: every differentiable parameter).</summary>
    public string? Wrt { get; set; }
}

/// <summary>The generator writes this partial method's body: value and gradient of the named method.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class ValueWithGradientOfAttribute : Attribute
{
    public ValueWithGradientOfAttribute(string methodName) => MethodName = methodName;
    public string MethodName { get; }
    public string? Wrt { get; set; }
}

/// <summary>
/// The generator writes this partial method's body: value and directional derivative (forward mode)
/// of the named method. Parameters named as the original's are its primals; the remaining parameters,
/// in order, are the tangents of the differentiation inputs, in order.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class JvpOfAttribute : Attribute
{
    public JvpOfAttribute(string methodName) => MethodName = methodName;
    public string MethodName { get; }
    public string? Wrt { get; set; }
}

/// <summary>The generator writes this partial method's body: the Hessian of the named method.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class HessianOfAttribute : Attribute
{
    public HessianOfAttribute(string methodName) => MethodName = methodName;
    public string MethodName { get; }
    public string? Wrt { get; set; }
}
