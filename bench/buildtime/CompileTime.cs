// Where the compile time of generated code goes (issue 6, docs/performance.md "Build time"): runs Nabla's generator
// in process on the project bench/buildtime/generate.sh wrote, then compiles (parse, bind, emit IL and a portable
// PDB) the user's source alone, with everything the generator wrote, and with the generated members of one form
// after another removed. Warm: every step runs several times and the least processor time is reported, so the
// numbers are the compiler's work without JIT warm-up, as in the build server, and depend less on other
// processes' load than wall time (still about ±0.2 s between runs on a shared machine).
//   dotnet run bench/buildtime/CompileTime.cs -- [dir=/tmp/buildtime] [runs=5]
#:package Microsoft.CodeAnalysis.CSharp@4.14.0
#:property PublishAot=false
#:property Nullable=enable
#:property ImplicitUsings=enable
using System.Diagnostics;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

string dir = args.Length > 0 ? args[0] : "/tmp/buildtime";
int runs = args.Length > 1 ? int.Parse(args[1]) : 5;
string root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", ".."));
string runtime = Path.Combine(root, "src/Nabla/bin/Release/net10.0/Nabla.dll");
string generatorPath = Path.Combine(root, "src/Nabla.Generator/bin/Release/netstandard2.0/Nabla.Generator.dll");
string refDir = Directory.GetDirectories("/usr/share/dotnet/packs/Microsoft.NETCore.App.Ref").OrderBy(d => Version.Parse(Path.GetFileName(d).Split('-')[0])).Last();
var references = Directory.GetFiles(Path.Combine(refDir, "ref", "net10.0"), "*.dll").Append(runtime)
    .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
var parseOptions = new CSharpParseOptions(LanguageVersion.Preview)
    .WithFeatures(new[] { new KeyValuePair<string, string>("InterceptorsNamespaces", "Nabla.Generated") });
// One thread (concurrentBuild: false): processor time is then steadier between runs than with the compiler's
// parallel binding and emit, whose threads contend with other processes on a loaded machine.
var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
    nullableContextOptions: NullableContextOptions.Enable, deterministic: true, concurrentBuild: false);
string userText = File.ReadAllText(Path.Combine(dir, "Functions.cs"));

CSharpCompilation Compile(IEnumerable<(string Path, string Text)> files) =>
    CSharpCompilation.Create("BuildTime", files.Select(f => CSharpSyntaxTree.ParseText(SourceText.From(f.Text, System.Text.Encoding.UTF8), parseOptions, f.Path)), references, options);

var generator = ((IIncrementalGenerator)Activator.CreateInstance(Assembly.LoadFrom(generatorPath).GetType("Nabla.Generator.NablaGenerator")!)!).AsSourceGenerator();
List<(string Path, string Text)> generated = null!;
double generatorTime = Best(() =>
{
    var driver = CSharpGeneratorDriver.Create(new[] { generator }, parseOptions: parseOptions);
    var result = driver.RunGenerators(Compile(new[] { ("Functions.cs", userText) })).GetRunResult();
    generated = result.GeneratedTrees.Select(t => (t.FilePath, t.GetText().ToString())).ToList();
});

double Emit(IEnumerable<(string Path, string Text)> files)
{
    var list = files.ToList();
    return Best(() =>
    {
        var compilation = Compile(list);
        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb));
        if (!result.Success)
            throw new Exception(string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
    });
}

// Removes the generated members whose names end with one of the suffixes (and registration calls of removed methods).
IEnumerable<(string Path, string Text)> Without(params string[] suffixes) => generated.Select(f =>
{
    var tree = CSharpSyntaxTree.ParseText(f.Text, parseOptions, f.Path);
    var remove = tree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>().Where(m => m switch
    {
        MethodDeclarationSyntax method => suffixes.Any(s => method.Identifier.ValueText.EndsWith(s) || method.Identifier.ValueText.StartsWith(s)),
        StructDeclarationSyntax type => suffixes.Any(s => type.Identifier.ValueText.EndsWith(s)),
        _ => false,
    }).ToList();
    var rootNode = tree.GetRoot().RemoveNodes(remove, SyntaxRemoveOptions.KeepNoTrivia)!;
    if (suffixes.Contains("NablaRegister_"))
        rootNode = rootNode.RemoveNodes(rootNode.DescendantNodes().OfType<ExpressionStatementSyntax>().Where(s => s.ToString().Contains(".NablaRegister_")), SyntaxRemoveOptions.KeepNoTrivia)!;
    return (f.Path, rootNode.ToFullString());
});

var user = new[] { ("Functions.cs", userText) };
Console.WriteLine($"{generated.Count} generated files, {generated.Sum(f => f.Text.Length) / 1024} KB, {generated.Sum(f => f.Text.Count(c => c == '\n'))} lines; load {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"generator (warm, fastest of {runs}): {generatorTime:F2} s");
// Warm-up, twice: after one round the compiler's code is still being tiered up in the background, and the first step
// measured then read ~0.8 s more than the same step repeated (which made registration look like half the cost).
Emit(user.Concat(generated));
Emit(user.Concat(generated));
double baseline = Emit(user);
Console.WriteLine($"compile the user's source alone: {baseline:F2} s");
string[][] steps =
{
    Array.Empty<string>(),
    new[] { "NablaRegister_" },
    new[] { "NablaRegister_", "_ValueWithPullback" },
    new[] { "NablaRegister_", "_ValueWithPullback", "_ValueWithGradient", "_Vjp" },
    new[] { "NablaRegister_", "_ValueWithPullback", "_ValueWithGradient", "_Vjp", "_Jvp" },
    new[] { "NablaRegister_", "_ValueWithPullback", "_ValueWithGradient", "_Vjp", "_Jvp", "_Primal", "_Pullback", "_Residuals" },
};
double? previous = null;
foreach (var step in steps)
{
    double t = Emit(user.Concat(Without(step)));
    string what = step.Length == 0 ? "everything generated" : "without " + string.Join(", ", step);
    Console.WriteLine($"compile with {what}: {t:F2} s (+{t - baseline:F2} over the user's source{(previous is { } p ? $", {p - t:F2} less than the line above" : "")})");
    previous = t;
}
Console.WriteLine($"load {File.ReadAllText("/proc/loadavg").Trim()}");

double Best(Action action)
{
    double best = double.MaxValue;
    for (int i = 0; i < runs; i++)
    {
        // Processor time of the whole process (the compiler's threads): steadier than wall time on a loaded machine.
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        action();
        process.Refresh();
        best = Math.Min(best, (process.TotalProcessorTime - before).TotalSeconds);
    }
    return best;
}

static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
