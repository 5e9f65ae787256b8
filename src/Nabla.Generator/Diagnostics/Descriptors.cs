// Every diagnostic Nabla reports, with its stable id. docs/diagnostics.md documents each one.
using Microsoft.CodeAnalysis;

namespace Nabla.Generator.Diagnostics;

internal static class Descriptors
{
    private const string Category = "Nabla";
    private const string HelpBase = "https://github.com/nabla-ad/nabla/blob/main/docs/diagnostics.md#";

    private static DiagnosticDescriptor Make(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());

    public static readonly DiagnosticDescriptor NoDerivativeForCallee = Make("NABLA0001",
        "Call to a method with no derivative",
        "'{0}' has no derivative, but its result depends on a differentiation input of '{1}': mark '{0}' [Differentiable], declare a [DerivativeOf] rule for it, or wrap the value in Autodiff.WithoutDerivative(...) if its derivative should be zero",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedConstruct = Make("NABLA0002",
        "Construct not supported in differentiable code",
        "{0} is not supported in [Differentiable] code yet{1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TypeNotPartial = Make("NABLA0003",
        "Containing type must be partial",
        "'{0}' must be declared partial so that Nabla can write the derivatives of '{1}' beside it",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnsupportedSignature = Make("NABLA0004",
        "Method cannot be differentiated",
        "'{0}' cannot be differentiated: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NamedDerivativeTarget = Make("NABLA0005",
        "Named derivative does not match its original",
        "{0}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InvalidRule = Make("NABLA0006",
        "Invalid derivative rule",
        "Derivative rule '{0}' is invalid: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor WrtNotFound = Make("NABLA0007",
        "Unknown differentiation parameter",
        "'{0}' in Wrt is not a differentiable parameter of '{1}' (differentiable parameters: {2})",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ActiveArgumentToNonWrtParameter = Make("NABLA0008",
        "Active argument to a parameter the callee does not differentiate",
        "The argument for '{0}' of '{1}' depends on a differentiation input of '{2}', but '{1}' is not differentiated with respect to '{0}' (its Wrt leaves it out): add '{0}' to the Wrt of '{1}', or wrap the argument in Autodiff.WithoutDerivative(...) to cut its derivative explicitly",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DerivativeLostInObject = Make("NABLA0009",
        "Derivative lost in an object Nabla does not track",
        "A value that depends on a differentiation input of '{0}' flows into '{1}' (a {2}), whose derivative Nabla does not track: compute with double, float or arrays, or wrap the value in Autodiff.WithoutDerivative(...) if its derivative should not count",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MemberNotDifferentiable = Make("NABLA0010",
        "Member of a differentiable type has no tangent",
        "'{0}' of differentiable type '{1}' has type '{2}', which is neither differentiable nor data: mark it [NoDerivative], or give it a differentiable type (double, float, Vector2/3/4, a [Differentiable] type, or arrays and tuples of them)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MemberNotMovable = Make("NABLA0011",
        "Differentiable member cannot be moved",
        "'{0}' of differentiable type '{1}' is {2}, which Move cannot change: it is left out of '{1}.Tangent'; make it mutable to differentiate it, or mark it [NoDerivative] to say so",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor TypeNotDifferentiable = Make("NABLA0012",
        "Type cannot be differentiable",
        "'{0}' cannot be a differentiable type: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor LambdaNotDifferentiable = Make("NABLA0013",
        "Lambda cannot be differentiated",
        "The lambda passed to {0} cannot be differentiated: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor OperatorFunctionHasNoDerivative = Make("NABLA0014",
        "Function passed to a differential operator has no derivative",
        "'{0}' is passed to {1} but has no generated derivative: {2}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SecondOrderNotAvailable = Make("NABLA0015",
        "Second derivatives cannot be generated",
        "Second derivatives of '{0}' cannot be generated: {1}",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ZeroDerivative = Make("NABLA0016",
        "Result does not depend on a differentiation input",
        "The result of '{0}' does not depend on any differentiation input ({1}), so its derivative is always zero: if that is intended, wrap the returned value in Autodiff.WithoutDerivative(...)",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DerivativeLostInConversion = Make("NABLA0017",
        "Derivative lost through a conversion",
        "A value that depends on a differentiation input of '{0}' is converted to {1} here, and the result of '{0}' depends on what the conversion returns, but no derivative flows through it: use Math.Floor, Math.Truncate or Math.Round before converting, or wrap the operand in Autodiff.WithoutDerivative(...), to say the derivative through it is zero",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DerivativesNotInAssembly = Make("NABLA0020",
        "Derivatives of a method in another assembly were not generated",
        "'{0}' is [Differentiable], but its assembly '{1}' has no '{2}': an application project writes only the derivatives it uses itself; set <NablaDerivatives>All</NablaDerivatives> in the project of '{1}' (or make it a library)",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor DerivativeLostInBoxing = Make("NABLA0019",
        "Derivative lost in a boxed value",
        "A value that depends on a differentiation input of '{0}' is converted to '{1}' here, and the result of '{0}' depends on what is read back from it, but Nabla does not track derivatives through '{1}': keep the value a double or float, or wrap it in Autodiff.WithoutDerivative(...) if its derivative should not count",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor RuleOrderTooHigh = Make("NABLA0021",
        "Derivative order through a rule is too high",
        "The lambda passed to {0} cannot be differentiated: {1}; nest fewer derivatives around the call (Nabla writes a rule's partials, Math's included, to order 4), or compute the function in a [Differentiable] method with arithmetic alone (a polynomial, a series): Math functions in it meet their rules again",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor RuleReplacesBody = Make("NABLA0022",
        "Rule replaces the body of a [Differentiable] method",
        "The rule '{0}' gives the derivatives of '{1}', which is [Differentiable]: its derivatives and those of the code calling it come from the rule, not from its body",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor GeneratorFailure = Make("NABLA0999",
        "Nabla generator failure",
        "Nabla could not generate derivatives for '{0}': {1}. This is a bug in Nabla; please report it with the method's source.",
        DiagnosticSeverity.Error);
}
