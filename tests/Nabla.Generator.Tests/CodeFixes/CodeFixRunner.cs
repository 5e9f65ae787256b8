// Applies a code fix as the IDE does: the project in an AdhocWorkspace, the generator's diagnostic handed to
// the fix in its document, the fix's first action applied; then the fixed solution is generated again.
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Nabla.Generator.Tests.Harness;
using Xunit;

namespace Nabla.Generator.Tests.CodeFixes;

internal sealed class CodeFixRunner
{
    private readonly AdhocWorkspace _workspace = new();
    private readonly ProjectId _project = ProjectId.CreateNewId();

    /// <summary>A project of documents Test0.cs, Test1.cs, … with the generator tests' references and options.</summary>
    public CodeFixRunner(params string[] sources)
    {
        var solution = _workspace.CurrentSolution.AddProject(ProjectInfo.Create(_project, VersionStamp.Default, "TestProject", "TestAssembly",
            LanguageNames.CSharp, compilationOptions: Harness.Harness.CompilationOptions, parseOptions: Harness.Harness.ParseOptions,
            metadataReferences: Harness.Harness.References));
        for (int k = 0; k < sources.Length; k++)
            solution = solution.AddDocument(DocumentId.CreateNewId(_project), $"Test{k}.cs", sources[k], filePath: $"Test{k}.cs");
        Assert.True(_workspace.TryApplyChanges(solution));
    }

    public Solution Solution => _workspace.CurrentSolution;

    /// <summary>Runs the generator on a solution's project.</summary>
    public static async Task<GeneratorRun> GenerateAsync(Solution solution)
    {
        var compilation = (CSharpCompilation)(await solution.Projects.Single().GetCompilationAsync())!;
        return Harness.Harness.Run(compilation);
    }

    /// <summary>
    /// The actions <paramref name="fix"/> offers for the <paramref name="index"/>-th (by position) generator diagnostic
    /// <paramref name="id"/>. The generator reports at a path and span; the IDE hands a fix that diagnostic located
    /// in the document's syntax tree, as done here.
    /// </summary>
    public async Task<List<CodeAction>> ActionsAsync(CodeFixProvider fix, string id, int index = 0)
    {
        Assert.Contains(id, fix.FixableDiagnosticIds);
        var run = await GenerateAsync(Solution);
        var reported = run.GeneratorDiagnostics.Where(d => d.Id == id).OrderBy(d => Harness.Harness.PathOf(d)).ThenBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.True(reported.Count > index, "the generator did not report " + id + ":\n" + run.Describe());
        var diagnostic = reported[index];
        var document = Solution.Projects.Single().Documents.Single(d => d.FilePath == Harness.Harness.PathOf(diagnostic));
        var tree = (await document.GetSyntaxTreeAsync())!;
        var located = Diagnostic.Create(diagnostic.Descriptor, Location.Create(tree, diagnostic.Location.SourceSpan));
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, located, (a, _) => actions.Add(a), CancellationToken.None));
        return actions;
    }

    /// <summary>Applies the only action offered and returns the fixed solution.</summary>
    public async Task<Solution> ApplyAsync(CodeFixProvider fix, string id, int index = 0)
    {
        var action = Assert.Single(await ActionsAsync(fix, id, index));
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        return Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
    }

    public static async Task<string> TextAsync(Solution solution, string path) =>
        (await solution.Projects.Single().Documents.Single(d => d.FilePath == path).GetTextAsync()).ToString();
}
