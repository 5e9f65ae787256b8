// Drives NablaGenerator with CSharpGeneratorDriver on source text and returns what it made: generated
// sources, the generator's diagnostics and exceptions, and the diagnostics of the final compilation.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Nabla.Generator.Tests.Harness;

/// <summary>The outcome of one generator run over one compilation.</summary>
internal sealed class GeneratorRun
{
    public GeneratorRun(CSharpCompilation input, Compilation output, GeneratorDriver driver, ImmutableArray<Diagnostic> driverDiagnostics)
    {
        Input = input;
        Output = output;
        Driver = driver;
        RunResult = driver.GetRunResult();
        DriverDiagnostics = driverDiagnostics;
    }

    /// <summary>The user's compilation, before generation.</summary>
    public CSharpCompilation Input { get; }
    /// <summary>The compilation with the generated sources added.</summary>
    public Compilation Output { get; }
    public GeneratorDriver Driver { get; }
    public GeneratorDriverRunResult RunResult { get; }
    /// <summary>What RunGeneratorsAndUpdateCompilation reported: the generator's diagnostics, and CS8784/CS8785 when it threw.</summary>
    public ImmutableArray<Diagnostic> DriverDiagnostics { get; }

    /// <summary>CS8784 (initialization failed) and CS8785 (generation failed): the generator threw.</summary>
    public IEnumerable<Diagnostic> GeneratorFailures => DriverDiagnostics.Where(d => d.Id is "CS8784" or "CS8785");

    /// <summary>True when the generator threw or reported its own failure (NABLA0999).</summary>
    public bool Crashed => Exceptions.Any() || GeneratorFailures.Any() || GeneratorDiagnostics.Any(d => d.Id == "NABLA0999");

    /// <summary>Diagnostics the generator reported (NABLA…).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => RunResult.Diagnostics;

    /// <summary>Exceptions the generator threw into the driver (there should be none, ever).</summary>
    public IEnumerable<Exception> Exceptions => RunResult.Results.Select(r => r.Exception).OfType<Exception>();

    /// <summary>Generated files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Generated => _generated ??=
        RunResult.Results.SelectMany(r => r.GeneratedSources)
            .ToDictionary(s => s.HintName, s => s.SourceText.ToString(), StringComparer.Ordinal);
    private IReadOnlyDictionary<string, string>? _generated;

    /// <summary>Errors and warnings of the final compilation (user code plus generated code).</summary>
    public ImmutableArray<Diagnostic> OutputDiagnostics => _outputDiagnostics ??=
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
    private ImmutableArray<Diagnostic>? _outputDiagnostics;

    /// <summary>Errors and warnings of the final compilation that are located in generated files.</summary>
    public ImmutableArray<Diagnostic> DiagnosticsInGeneratedCode =>
        OutputDiagnostics.Where(d => d.Location.SourceTree is { } t && !Input.SyntaxTrees.Contains(t)).ToImmutableArray();

    /// <summary>The generated file whose hint name contains <paramref name="fragment"/>.</summary>
    public string Source(string fragment)
    {
        var hits = Generated.Where(kv => kv.Key.Contains(fragment, StringComparison.Ordinal)).ToList();
        if (hits.Count != 1)
            throw new InvalidOperationException($"expected one generated file matching '{fragment}', found: {string.Join(", ", Generated.Keys)}");
        return hits[0].Value;
    }

    /// <summary>Every diagnostic, formatted one per line, for assertion messages.</summary>
    public string Describe()
    {
        var lines = new List<string>();
        foreach (var e in Exceptions) lines.Add("generator exception: " + e);
        foreach (var d in GeneratorFailures) lines.Add("driver: " + d);
        foreach (var d in GeneratorDiagnostics) lines.Add("generator: " + Harness.Format(d, Input));
        foreach (var d in OutputDiagnostics) lines.Add("compilation: " + Harness.Format(d, Output));
        return lines.Count == 0 ? "(no diagnostics)" : string.Join(Environment.NewLine, lines);
    }
}

internal static class Harness
{
    // Interceptors in Nabla.Generated are enabled, as the package's build/Nabla.props does for users.
    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(LanguageVersion.Latest)
        .WithFeatures(new[] { new System.Collections.Generic.KeyValuePair<string, string>("InterceptorsNamespaces", "Nabla.Generated") });

    /// <summary>
    /// The framework's reference set: the trusted platform assemblies of this process that live in the
    /// runtime directory (so not xunit or Roslyn), plus the Nabla runtime, whose metadata carries the
    /// split forms of the Math/MathF rules.
    /// </summary>
    public static readonly ImmutableArray<MetadataReference> References = LoadReferences();

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var paths = tpa.Where(p => string.Equals(Path.GetDirectoryName(p), runtimeDir, StringComparison.Ordinal))
            .Append(typeof(Nabla.DifferentiableAttribute).Assembly.Location)
            .Distinct(StringComparer.Ordinal);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }

    public static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                // Framework implementation assemblies reference each other at several versions.
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });

    public static SyntaxTree Parse(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>Compiles sources named Test0.cs, Test1.cs, … into one library.</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create("TestAssembly",
            sources.Select((s, i) => Parse(s, $"Test{i}.cs")),
            References, CompilationOptions);

    /// <param name="derivatives">The NablaDerivatives MSBuild property (Auto, All, Used), or null for none set.</param>
    public static GeneratorDriver CreateDriver(bool trackSteps = false, string? derivatives = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new NablaGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            optionsProvider: derivatives is null ? null : new BuildProperties(new Dictionary<string, string> { ["build_property.NablaDerivatives"] = derivatives }),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static GeneratorRun Run(params string[] sources) => Run(Compile(sources));

    public static GeneratorRun Run(CSharpCompilation compilation, string? derivatives = null)
    {
        var driver = CreateDriver(derivatives: derivatives).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(compilation, output, driver, diagnostics);
    }

    /// <summary>MSBuild properties as the compiler passes them to generators (build_property.X).</summary>
    private sealed class BuildProperties : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
    {
        private readonly Options _options;
        public BuildProperties(Dictionary<string, string> values) => _options = new Options(values);
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions => _options;
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(new Dictionary<string, string>());
            private readonly Dictionary<string, string> _values;
            public Options(Dictionary<string, string> values) => _values = values;
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
        }
    }

    /// <summary>
    /// The file a diagnostic is in. The generator reports through path + span locations (so its outputs
    /// carry no syntax trees), which are external-file locations: the path, not SourceTree, says where.
    /// </summary>
    public static string PathOf(Diagnostic d) =>
        d.Location.Kind == LocationKind.None ? "<no location>" : d.Location.GetLineSpan().Path ?? "";

    /// <summary>The source text a diagnostic covers, looked up by path in <paramref name="compilation"/>.</summary>
    public static string TextOf(Diagnostic d, Compilation compilation)
    {
        var tree = d.Location.SourceTree ?? compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == PathOf(d));
        var span = d.Location.SourceSpan;
        if (tree is null) return "";
        var text = tree.GetText();
        return span.End <= text.Length ? text.ToString(span) : "<span out of range>";
    }

    public static string Format(Diagnostic d, Compilation compilation) =>
        $"{d.Id} {PathOf(d)}[{d.Location.SourceSpan.Start}..{d.Location.SourceSpan.End}) '{TextOf(d, compilation)}': {d.GetMessage()}";
}
