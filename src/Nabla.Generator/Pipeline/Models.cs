// The equatable outputs of the pipeline's transforms: generated text, diagnostics, and what the
// module initializer registers. No symbols or syntax, so the IDE can cache them.
namespace Nabla.Generator;

using Nabla.Generator.Diagnostics;

/// <summary>A generated file (or none) and the diagnostics found while making it.</summary>
internal sealed record GeneratedFile(string? HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics,
    RegistrationInfo? Registration = null, string? RulesType = null, string? RuleRegistration = null,
    EquatableArray<GeneratedFile> Extras = default);

/// <summary>How to register a method's derivatives with the runtime registry.</summary>
internal sealed record RegistrationInfo(
    /// <summary>Fully qualified owner type.</summary>
    string Owner,
    string Method,
    string Stem,
    string ReturnType,
    EquatableArray<string> ParameterTypes,
    EquatableArray<int> Wrt);
