// The equatable outputs of the pipeline's transforms: generated text, diagnostics, and what the
// module initializer registers. No symbols or syntax, so the IDE can cache them.
namespace Nabla.Generator;

using Nabla.Generator.Diagnostics;

/// <summary>
/// A generated file (or none) and the diagnostics found while making it. A method's derivatives come as
/// <see cref="Forms"/> (and no <see cref="Source"/> yet): the forms the compilation uses are put together later.
/// </summary>
internal sealed record GeneratedFile(string? HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics,
    RegistrationInfo? Registration = null, string? RulesType = null, string? RuleRegistration = null,
    EquatableArray<GeneratedFile> Extras = default, Pipeline.FormSet? Forms = null,
    // An interceptor's file: the method group (its simple name) the operator call site was bound to.
    string? BoundMethodGroup = null,
    // A [Differentiable] method's file: where the method was when it was lowered (its diagnostics are relative to it).
    Pipeline.MethodAnchor? Anchor = null,
    // An interceptor's file: the generated members of this compilation it calls. When one is not generated (its method
    // was rejected with an error), the file is not written: the method's error says why, with no C# error after it.
    EquatableArray<string> RequiredMembers = default)
{
    /// <summary>Whether anything was generated (a text, or forms to choose from).</summary>
    public bool HasCode => Source != null || Forms != null;
}

/// <summary>How to register a method's derivatives with the runtime registry.</summary>
internal sealed record RegistrationInfo(
    /// <summary>Fully qualified owner type.</summary>
    string Owner,
    string Method,
    string Stem,
    string ReturnType,
    EquatableArray<string> ParameterTypes,
    EquatableArray<int> Wrt);
