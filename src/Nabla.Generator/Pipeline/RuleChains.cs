// Partials of partials of the rules of this compilation, for derivatives of third order and up through a rule.
// A rule's first partials (RulePartials.cs) are ordinary [Differentiable] methods; their own partials are got
// by the same forward transform that nested derivatives use (JvpTransform.Composable), seeded with a unit
// tangent, and written as [Differentiable] methods again:
//     Partial0_Partial1(x, y) = ∂/∂y Partial0(x, y)
// so each level is made from the level below it, to RuleChains.MaxOrder (only in increasing order of the
// inputs: Partial1_Partial0 is Partial0_Partial1). Their bodies call other rules'
// partials, so every rule's chain is built in one compilation, level by level. The levels beyond the first
// are written only when something may use them: in a library (other assemblies' nested derivatives call
// them by name), or when this compilation's own operator calls nest deeply enough to need them.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Emit;
using Nabla.Generator.IR;
using Nabla.Generator.Rules;
using Nabla.Generator.Transforms;

namespace Nabla.Generator.Pipeline;

internal sealed class RuleChains
{
    /// <summary>
    /// The highest order of derivative taken through a rule: the rule's partials are generated to order
    /// <c>MaxOrder − 1</c> (Partial0_Partial0_Partial0 for a fourth derivative). Each order multiplies the
    /// generated members of a rule of n inputs by n, and the derivative code that calls them grows as fast.
    /// </summary>
    public const int MaxOrder = 4;

    /// <summary>The end of the reason JvpTransform.Composable gives when a rule is differentiated beyond <see cref="MaxOrder"/>.</summary>
    public const string OrderBoundReason = "the highest a rule's partial derivatives are generated for";

    /// <summary>Whether <paramref name="why"/> (a reason a derivative cannot be differentiated again) is <see cref="MaxOrder"/>.</summary>
    public static bool IsOrderBound(string? why) => why != null && why.Contains(OrderBoundReason);

    /// <summary>The longest chain of partials a rule gets (Partial0 is 1).</summary>
    public const int MaxLength = MaxOrder - 1;

    /// <summary>
    /// <c>Partial0_Partial1</c> for the path (0, 1), and for (1, 0): mixed partials do not depend on the order the inputs
    /// are taken in (Schwarz's theorem, where the function is smooth), so one member serves every order, named in
    /// increasing order. A rule of n inputs has C(n + k − 1, k) partials of order k rather than nᵏ.
    /// </summary>
    public static string Name(IEnumerable<int> path) => string.Join("_", path.OrderBy(k => k).Select(RulePartials.Name));

    /// <summary>How many partials <paramref name="name"/> chains (Partial0_Partial1 is 2), or 0 when it is not such a name.</summary>
    public static int Length(string name)
    {
        var parts = name.Split('_');
        foreach (var p in parts)
            if (p.Length <= "Partial".Length || !p.StartsWith("Partial", StringComparison.Ordinal) || !p.Skip("Partial".Length).All(char.IsDigit))
                return 0;
        return parts.Length;
    }

    private static readonly object s_lock = new();
    private static readonly ConditionalWeakTable<SyntaxTree, RuleChains> s_byFirstRuleTree = new();
    private static readonly ConditionalWeakTable<Compilation, RuleChains> s_byCompilation = new();
    private static readonly RuleChains s_none = new(Array.Empty<SyntaxTree>(), 0, Array.Empty<SyntaxTree>(), new HashSet<string>(), Array.Empty<GeneratedFile>());
    [ThreadStatic] private static int t_building;

    private readonly SyntaxTree[] _ruleTrees;
    private readonly int _length;
    private readonly SyntaxTree[] _partialTrees;
    private readonly HashSet<string> _available;

    private RuleChains(SyntaxTree[] ruleTrees, int length, SyntaxTree[] partialTrees, HashSet<string> available, GeneratedFile[] files)
    {
        _ruleTrees = ruleTrees;
        _length = length;
        _partialTrees = partialTrees;
        _available = available;
        Files = files;
    }

    /// <summary>The files of the chains beyond the first partials: their declarations and their derivatives.</summary>
    public GeneratedFile[] Files { get; }

    /// <summary>Whether chain <paramref name="member"/> (of length 2 or more) of the rule whose split class is <paramref name="splitClass"/> was generated.</summary>
    public bool Has(string splitClass, string member) => _available.Contains(splitClass + "." + member);

    /// <summary>
    /// <paramref name="compilation"/> with every rule's partials declared (the first ones and the chains), so that code
    /// Nabla writes to call them binds as it will in the output; the same compilation when there are none.
    /// </summary>
    public Compilation WithPartials(Compilation compilation) =>
        _partialTrees.Length == 0 || compilation.ContainsSyntaxTree(_partialTrees[0]) ? compilation : compilation.AddSyntaxTrees(_partialTrees);

    /// <summary>The chains of the rules declared in <paramref name="compilation"/>, computed once per set of rule files.</summary>
    public static RuleChains For(Compilation compilation, CancellationToken ct)
    {
        // While chains are being built, the compilations they are built in see only the first partials.
        if (t_building > 0) return s_none;
        if (s_byCompilation.TryGetValue(compilation, out var known)) return known;
        var rules = RuleIndex.For(compilation).All
            .Where(r => SymbolEqualityComparer.Default.Equals(r.Rule.ContainingAssembly, compilation.Assembly) && !r.Rule.DeclaringSyntaxReferences.IsEmpty)
            .OrderBy(r => Symbols.RuleSplitMetadataName(r.Rule), StringComparer.Ordinal).ToList();
        if (rules.Count == 0) return s_byCompilation.GetValue(compilation, _ => s_none);
        var ruleTrees = rules.Select(r => r.Rule.DeclaringSyntaxReferences[0].SyntaxTree).Distinct().ToArray();
        int length = NeededLength(compilation, ct);
        lock (s_lock)
        {
            // The compilations Nabla makes from the user's (an inline lambda bound as a method) share its rule files.
            if (s_byFirstRuleTree.TryGetValue(ruleTrees[0], out var cached) && cached._length == length && cached._ruleTrees.SequenceEqual(ruleTrees))
                return s_byCompilation.GetValue(compilation, _ => cached);
            RuleChains built;
            t_building++;
            try
            {
                built = Build(compilation, rules, ruleTrees, length, ct);
            }
            finally
            {
                t_building--;
            }
            s_byFirstRuleTree.Remove(ruleTrees[0]);
            s_byFirstRuleTree.Add(ruleTrees[0], built);
            return s_byCompilation.GetValue(compilation, _ => built);
        }
    }

    /// <summary>
    /// The longest chain this compilation needs: all of them in a library (other assemblies may differentiate through its
    /// rules to any order), else one less than the deepest nesting of differential operators in its source.
    /// </summary>
    private static int NeededLength(Compilation compilation, CancellationToken ct)
    {
        if (compilation.Options.OutputKind is OutputKind.DynamicallyLinkedLibrary or OutputKind.NetModule) return MaxLength;
        int order = 0;
        foreach (var tree in compilation.SyntaxTrees)
            order = Math.Max(order, OperatorNesting.Of(tree, ct));
        return Math.Max(1, Math.Min(MaxLength, order - 1));
    }

    private static RuleChains Build(Compilation compilation, List<RuleInfo> rules, SyntaxTree[] ruleTrees, int length, CancellationToken ct)
    {
        var trees = new List<SyntaxTree>();
        var chainFiles = new List<GeneratedFile>();
        var available = new HashSet<string>(StringComparer.Ordinal);
        // Level 1: the first partials, as RulePartials writes them.
        var current = new List<(RuleInfo Rule, SyntaxTree Tree)>();
        foreach (var rule in rules)
        {
            string? source = RulePartials.Source(rule.Rule, rule, ct);
            if (source is null) continue;
            var tree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(source, (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)rule.Rule.DeclaringSyntaxReferences[0].SyntaxTree.Options,
                "Nabla.RulePartials." + Symbols.RuleSplitClassName(rule.Rule) + ".cs", Encoding.UTF8, ct);
            current.Add((rule, tree));
        }
        var c = Drop(compilation.AddSyntaxTrees(current.Select(x => x.Tree)), current, ct);
        trees.AddRange(current.Select(x => x.Tree));
        var chainTrees = new List<(RuleInfo Rule, SyntaxTree Tree)>();
        for (int level = 1; level < length; level++)
        {
            var next = new List<(RuleInfo Rule, SyntaxTree Tree)>();
            foreach (var (rule, tree) in current)
            {
                var model = c.GetSemanticModel(tree);
                var members = new StringBuilder();
                foreach (var declaration in tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>())
                {
                    if (model.GetDeclaredSymbol(declaration, ct) is not IMethodSymbol partial || Length(partial.Name) != level) continue;
                    if (level > 1 && !available.Contains(Symbols.RuleSplitClassName(rule.Rule) + "." + partial.Name)) continue;
                    AppendPartials(partial, rule, c, members, int.Parse(partial.Name.Substring(partial.Name.LastIndexOf('l') + 1), System.Globalization.CultureInfo.InvariantCulture), ct);
                }
                if (members.Length == 0) continue;
                var text = new StringBuilder();
                text.Append(TypeDeclarations.FileHeader);
                text.Append("namespace ").Append(Symbols.RuleNamespace).Append("\n{\n");
                text.Append("public static partial class ").Append(Symbols.RuleSplitClassName(rule.Rule)).Append("\n{\n");
                text.Append(members).Append("}\n}\n");
                var chainTree = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(text.ToString(), (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)tree.Options,
                    "Nabla.RulePartials." + Symbols.RuleSplitClassName(rule.Rule) + "." + (level + 1) + ".cs", Encoding.UTF8, ct);
                next.Add((rule, chainTree));
            }
            c = Drop(c.AddSyntaxTrees(next.Select(x => x.Tree)), next, ct);
            // Each chain with its derivatives: only those whose derivatives could be generated are available.
            foreach (var (rule, tree) in next)
            {
                var model = c.GetSemanticModel(tree);
                foreach (var declaration in tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>())
                {
                    if (model.GetDeclaredSymbol(declaration, ct) is not IMethodSymbol chain) continue;
                    var file = MethodProcessor.Process(chain, model, ct);
                    if (!file.HasCode || file.Diagnostics.Any(d => d.IsError)) continue;
                    available.Add(Symbols.RuleSplitClassName(rule.Rule) + "." + chain.Name);
                    chainFiles.Add(file with { Registration = null, Diagnostics = default, Source = file.Forms?.All ?? file.Source, Forms = null });
                }
            }
            trees.AddRange(next.Select(x => x.Tree));
            chainTrees.AddRange(next);
            current = next;
        }
        var files = chainTrees.Select(x => new GeneratedFile(Symbols.RuleNamespace + "." + Symbols.RuleSplitClassName(x.Rule.Rule) + ".Partials" + Length(FirstMember(x.Tree, ct)) + ".g.cs",
            x.Tree.GetText(ct).ToString(), default)).Concat(chainFiles).ToArray();
        return new RuleChains(ruleTrees, length, trees.ToArray(), available, files);
    }

    private static string FirstMember(SyntaxTree tree, CancellationToken ct) =>
        tree.GetRoot(ct).DescendantNodes().OfType<MethodDeclarationSyntax>().First().Identifier.Text;

    /// <summary>The compilation without the files of <paramref name="added"/> that do not compile (those rules stop there).</summary>
    private static Compilation Drop(Compilation c, List<(RuleInfo Rule, SyntaxTree Tree)> added, CancellationToken ct)
    {
        var bad = added.Where(x => c.GetSemanticModel(x.Tree).GetDiagnostics(cancellationToken: ct).Any(d => d.Severity == DiagnosticSeverity.Error)).ToList();
        if (bad.Count == 0) return c;
        foreach (var x in bad) added.Remove(x);
        return c.RemoveSyntaxTrees(bad.Select(x => x.Tree));
    }

    /// <summary>
    /// Appends <c>{partial}_Partial{j}</c> for each differentiated input j: the composable forward mode of
    /// <paramref name="partial"/> with the unit tangent of input j, as a [Differentiable] method.
    /// </summary>
    private static void AppendPartials(IMethodSymbol partial, RuleInfo rule, Compilation c, StringBuilder members, int first, CancellationToken ct)
    {
        var wrt = rule.Wrt;
        var diagnostics = new List<DiagnosticInfo>();
        var lowered = MethodProcessor.Lower(partial, c, null, null, diagnostics, ct);
        if (lowered is null || diagnostics.Any(d => d.IsError) || !lowered.Wrt.SequenceEqual(wrt)) return;
        // Mixed partials are equal whichever input comes first (Schwarz): only paths in increasing order are made.
        for (int j = first; j < wrt.Count; j++)
        {
            string name = partial.Name + "_" + RulePartials.Name(j);
            var f = JvpTransform.Composable(lowered.Function, lowered.Wrt, lowered.Activity, name, out _);
            if (f is null) return;
            Seed(f, lowered.Function.Parameters.Count, j);
            Simplify(f);
            f.Modifiers = "public static";
            f.Summary = $"∂/∂{rule.Original.Parameters[wrt[j]].Name} of {partial.Name} for {rule.Original.ContainingType.Name}.{rule.Original.Name}, differentiable itself.";
            f.Attributes.Add("[global::Nabla.Differentiable]");
            var w = new SourceWriter();
            CSharpEmitter.Emit(f, w);
            members.Append(w.ToString());
        }
    }

    /// <summary>
    /// Shrinks a seeded partial before it is written and differentiated again (each level's derivatives grow with the
    /// level below): the composable forward mode recomputes the primal beside the tangent, and only the tangent is
    /// returned. Calls in a partial's body are of scalars only, to Math functions and to rules' partials (a rule's
    /// closure is a single expression), and are taken as pure: a repeated call within a block is computed once, and
    /// a call, a computation or a local store whose result nothing reads is removed.
    /// </summary>
    private static void Simplify(IrFunction f)
    {
        var replace = new Dictionary<Value, Value>();
        var predecessors = f.Predecessors();
        var seenAtEnd = new Dictionary<Block, Dictionary<string, Value>>();
        foreach (var block in f.Blocks)
        {
            // A block with one predecessor sees what that one computed (extended basic blocks).
            var seen = predecessors.TryGetValue(block, out var from) && from.Count == 1 && seenAtEnd.TryGetValue(from[0].From, out var before)
                ? new Dictionary<string, Value>(before, StringComparer.Ordinal)
                : new Dictionary<string, Value>(StringComparer.Ordinal);
            seenAtEnd[block] = seen;
            foreach (var i in block.Instrs)
            {
                if (i.Op != Op.Call || i.Result is null || i.Operands.Count > 0 || i.Arguments is null || i.Arguments.Any(a => a.Value is null || a.RefKind != RefKindIr.None)) continue;
                string key = i.Callee!.Expression + "(" + string.Join(",", i.Arguments.Select(a => replace.Resolve(a.Value!).Id)) + ")";
                if (seen.TryGetValue(key, out var earlier)) replace[i.Result] = earlier;
                else seen[key] = i.Result;
            }
        }
        f.ReplaceUses(replace);
        bool changed = true;
        while (changed)
        {
            changed = false;
            var read = new HashSet<Value>();
            var loaded = new HashSet<Var>();
            var edgeArgs = new List<(Value Param, Value Arg)>();
            foreach (var block in f.Blocks)
            {
                foreach (var i in block.Instrs)
                {
                    read.UnionWith(i.AllInputs());
                    if (i.Op == Op.LoadVar && i.Var != null) loaded.Add(i.Var);
                    if (i.Arguments != null) foreach (var a in i.Arguments) if (a.Variable != null) loaded.Add(a.Variable);
                }
                if (block.Terminator.Value != null) read.Add(block.Terminator.Value);
                // A block parameter is read only if what reads it is: an edge's argument is read where the parameter is.
                foreach (var e in block.Terminator.Edges)
                    for (int k = 0; k < e.Args.Count; k++)
                        if (e.Args[k] != e.Target.Params[k]) edgeArgs.Add((e.Target.Params[k], e.Args[k]));
            }
            for (bool more = true; more;)
            {
                more = false;
                foreach (var (param, arg) in edgeArgs)
                    if (read.Contains(param) && read.Add(arg)) more = true;
            }
            foreach (var block in f.Blocks.Skip(1))
            {
                var dead = Enumerable.Range(0, block.Params.Count).Where(k => !read.Contains(block.Params[k])).Reverse().ToList();
                if (dead.Count == 0) continue;
                changed = true;
                foreach (int k in dead)
                {
                    block.Params.RemoveAt(k);
                    foreach (var (_, edge) in predecessors.TryGetValue(block, out var into) ? into : new List<(Block, Edge)>())
                        edge.Args.RemoveAt(k);
                }
            }
            foreach (var block in f.Blocks)
                changed |= block.Instrs.RemoveAll(i =>
                    i.Op == Op.StoreVar && i.Var is { Kind: VarKind.Local } v && !loaded.Contains(v) ||
                    i.Result != null && !read.Contains(i.Result) &&
                    (i.Op is Op.Const or Op.Binary or Op.Unary or Op.Convert or Op.TupleGet or Op.MakeTuple or Op.LoadVar ||
                     i.Op == Op.Call && i.Operands.Count == 0 && i.Arguments != null && i.Arguments.All(a => a.Value != null && a.RefKind == RefKindIr.None))) > 0;
        }
        f.Locals.RemoveAll(v => !f.Blocks.SelectMany(b => b.Instrs).Any(i => i.Var == v || i.Arguments?.Any(a => a.Variable == v) == true));
    }

    /// <summary>Replaces the tangent parameters of a composable forward mode (those after the primals) by the unit tangent of input <paramref name="unit"/>.</summary>
    private static void Seed(IrFunction f, int primals, int unit)
    {
        var tangents = f.Parameters.Skip(primals).ToList();
        var b = new IrBuilder(f, f.Entry);
        int before = f.Entry.Instrs.Count;
        var replace = new Dictionary<Value, Value>();
        for (int k = 0; k < tangents.Count; k++)
            replace[tangents[k].Value!] = k == unit ? b.One(tangents[k].Type) : b.Zero(tangents[k].Type);
        // The constants first, before anything that reads them.
        var constants = f.Entry.Instrs.Skip(before).ToList();
        f.Entry.Instrs.RemoveRange(before, constants.Count);
        f.Entry.Instrs.InsertRange(0, constants);
        f.ReplaceUses(replace);
        f.Parameters.RemoveRange(primals, tangents.Count);
    }
}

/// <summary>How deeply a file nests differential operators: Derivative(x => Derivative(y => …)) is 2, a Hessian counts 2.</summary>
internal static class OperatorNesting
{
    private static readonly ConditionalWeakTable<SyntaxTree, StrongBox<int>> s_perTree = new();

    public static int Of(SyntaxTree tree, CancellationToken ct) => s_perTree.GetValue(tree, t => new StrongBox<int>(Scan(t, ct))).Value;

    private static int Scan(SyntaxTree tree, CancellationToken ct)
    {
        int max = 0;
        foreach (var inv in tree.GetRoot(ct).DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            int own = Order(inv);
            if (own == 0) continue;
            int order = own;
            foreach (var outer in inv.Ancestors().OfType<InvocationExpressionSyntax>())
                if (outer.ArgumentList.Span.Contains(inv.Span)) order += Order(outer);
            max = Math.Max(max, order);
        }
        return max;
    }

    private static int Order(InvocationExpressionSyntax inv)
    {
        string? name = inv.Expression switch
        {
            Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax id => id.Identifier.Text,
            GenericNameSyntax g => g.Identifier.Text,
            MemberAccessExpressionSyntax m => m.Name.Identifier.Text,
            _ => null,
        };
        return name switch
        {
            "Hessian" or "HessianVectorProduct" => 2,
            "Gradient" or "ValueWithGradient" or "Derivative" or "Jvp" or "ValueWithDifferential" or "ValueWithPullback" or "Vjp"
                or "JacobianForward" or "JacobianReverse" => 1,
            _ => 0,
        };
    }
}
