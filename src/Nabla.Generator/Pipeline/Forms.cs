// Which generated members ("forms": F_Jvp, F_Primal + F_Pullback + F_Residuals, F_ValueWithGradient,
// F_ValueWithPullback, F_NewSelf, the registration) a compilation gets. Compiling them costs the C# compiler
// more than the generator's own work (docs/performance.md, "Build time"), so by default a method gets only
// the forms something uses: the user's code (calls of generated names, method groups that may reach the
// runtime operators), other generated code (interceptors, named functions, callers' derivatives), and, in a
// library, everything of the methods other assemblies can see. MSBuild property NablaDerivatives: Auto
// (that default), All (every form of every method), Used (only what this compilation uses, also in a library).
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Nabla.Generator.Pipeline;

/// <summary>One form of a method's derivatives: the members it declares, its text, and the generated names it uses.</summary>
internal sealed record FormText(EquatableArray<string> Names, string Text, EquatableArray<string> References)
{
    public static FormText Create(string text, params string[] names) =>
        new(new EquatableArray<string>(names), text, new EquatableArray<string>(Forms.References(text)));
}

/// <summary>
/// A method's generated file in pieces: the forms between the file's header and footer, put together once the
/// compilation's uses are known. <see cref="AccessRank"/> (3 public, 2 internal, 1 less) says whether other
/// assemblies can see the method; <see cref="MethodName"/> is the name a method group of it would use.
/// </summary>
internal sealed record FormSet(string Header, string Footer, EquatableArray<FormText> Forms, int AccessRank, string MethodName)
{
    public string Text(Func<FormText, bool> keep) =>
        Header + string.Concat(Forms.Where(keep).Select(f => f.Text)) + Footer;

    public string All => Text(_ => true);
}

/// <summary>The generated names a compilation uses, closed over the forms' own uses.</summary>
internal sealed record NeededForms(EquatableArray<string> Names)
{
    private HashSet<string>? _set;
    public HashSet<string> Set => _set ??= new HashSet<string>(Names, StringComparer.Ordinal);
    public bool Equals(NeededForms? other) => other is not null && Names.Equals(other.Names);
    public override int GetHashCode() => Names.GetHashCode();
}

/// <summary>How many forms to write: the NablaDerivatives property and what the compilation is.</summary>
internal sealed record FormSettings(string Mode, bool IsLibrary, bool HasInternalsVisibleTo)
{
    public const string Property = "build_property.NablaDerivatives";

    /// <summary>Whether every form of a method of this access rank is written whether used here or not.</summary>
    public bool KeepsAll(int accessRank) => Mode switch
    {
        "all" => true,
        "used" => false,
        _ => IsLibrary && (accessRank >= 3 || accessRank == 2 && HasInternalsVisibleTo),
    };

    public static FormSettings From(string? property, Compilation compilation)
    {
        string mode = (property ?? "").Trim().ToLowerInvariant();
        if (mode is not ("all" or "used")) mode = "auto";
        bool library = compilation.Options.OutputKind is OutputKind.DynamicallyLinkedLibrary or OutputKind.NetModule;
        bool friends = library && mode == "auto" && compilation.Assembly.GetAttributes()
            .Any(a => a.AttributeClass?.ToDisplayString() == "System.Runtime.CompilerServices.InternalsVisibleToAttribute");
        return new FormSettings(mode, library, friends);
    }
}

/// <summary>
/// What the user's own source refers to: generated names it uses, names it uses other than in a call (a method
/// group may become a delegate a runtime operator looks up), and, apart, method groups passed straight to an
/// operator (Autodiff.Gradient(F, x)), once per occurrence: those an interceptor binds need no registration.
/// </summary>
internal sealed record SourceReferences(EquatableArray<string> GeneratedNames, EquatableArray<string> NotCalled, EquatableArray<string> OperatorArguments)
{
    private static readonly ConditionalWeakTable<SyntaxTree, SourceReferences> s_perTree = new();

    /// <summary>The references of every tree of the compilation; a tree seen before (unchanged by an edit) is not read again.</summary>
    public static SourceReferences Of(Compilation compilation, CancellationToken ct)
    {
        var generated = new SortedSet<string>(StringComparer.Ordinal);
        var notCalled = new SortedSet<string>(StringComparer.Ordinal);
        var operatorArguments = new List<string>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            ct.ThrowIfCancellationRequested();
            var refs = s_perTree.GetValue(tree, t => Scan(t, ct));
            generated.UnionWith(refs.GeneratedNames);
            notCalled.UnionWith(refs.NotCalled);
            operatorArguments.AddRange(refs.OperatorArguments);
        }
        operatorArguments.Sort(StringComparer.Ordinal);
        return new SourceReferences(new EquatableArray<string>(generated.ToArray()), new EquatableArray<string>(notCalled.ToArray()),
            new EquatableArray<string>(operatorArguments.ToArray()));
    }

    private static SourceReferences Scan(SyntaxTree tree, CancellationToken ct)
    {
        var generated = new SortedSet<string>(StringComparer.Ordinal);
        var notCalled = new SortedSet<string>(StringComparer.Ordinal);
        var operatorArguments = new List<string>();
        foreach (var node in tree.GetRoot(ct).DescendantNodes())
        {
            switch (node)
            {
                case SimpleNameSyntax name:
                    string text = name.Identifier.ValueText;
                    if (Forms.IsGeneratedName(text)) generated.Add(text);
                    else if (IsOperatorArgument(name)) operatorArguments.Add(text);
                    else if (!IsCalled(name) && !InNameOf(name)) notCalled.Add(text);
                    break;
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression):
                    // Reflection by name: GetMethod("F_Jvp").
                    foreach (var reference in Forms.References(literal.Token.ValueText)) generated.Add(reference);
                    break;
            }
        }
        operatorArguments.Sort(StringComparer.Ordinal);
        return new SourceReferences(new EquatableArray<string>(generated.ToArray()), new EquatableArray<string>(notCalled.ToArray()),
            new EquatableArray<string>(operatorArguments.ToArray()));
    }

    /// <summary>F in Autodiff.Gradient(F, x) or Gradient(A.F, x): the function of a call the operator sites look at.</summary>
    private static bool IsOperatorArgument(SimpleNameSyntax name)
    {
        SyntaxNode expression = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        return expression.Parent is ArgumentSyntax argument && argument.Parent is ArgumentListSyntax list && list.Arguments[0] == argument &&
               list.Parent is InvocationExpressionSyntax invocation && OperatorSiteProcessor.IsCandidate(invocation);
    }

    /// <summary>F in F(…), A.F(…), a?.F(…): a call, not a method group.</summary>
    private static bool IsCalled(SimpleNameSyntax name)
    {
        SyntaxNode expression = name;
        if (name.Parent is MemberAccessExpressionSyntax access && access.Name == name) expression = access;
        else if (name.Parent is MemberBindingExpressionSyntax binding && binding.Name == name) expression = binding;
        return expression.Parent is InvocationExpressionSyntax invocation && invocation.Expression == expression;
    }

    private static bool InNameOf(SyntaxNode node)
    {
        for (var n = node.Parent; n != null && n is not StatementSyntax and not MemberDeclarationSyntax; n = n.Parent)
            if (n is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } }) return true;
        return false;
    }
}

internal static class Forms
{
    /// <summary>The endings of generated members' names (F_Jvp, F_Residuals_double, New_Primal, ...).</summary>
    private static readonly string[] Suffixes =
    {
        "_Jvp", "_Primal", "_Pullback", "_Residuals", "_Residuals_double", "_Residuals_float", "_ValueWithGradient", "_ValueWithPullback", "_Vjp", "_NewSelf",
    };

    /// <summary>Whether <paramref name="identifier"/> is the name of a generated member: something, then one of the endings.</summary>
    public static bool IsGeneratedName(string identifier) => IsGeneratedName(identifier, 0, identifier.Length);

    private static bool IsGeneratedName(string text, int start, int length)
    {
        foreach (var suffix in Suffixes)
            if (length > suffix.Length && string.CompareOrdinal(text, start + length - suffix.Length, suffix, 0, suffix.Length) == 0)
                return true;
        return false;
    }

    /// <summary>The generated names <paramref name="text"/> mentions (one pass over its identifiers).</summary>
    public static string[] References(string text)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (!(char.IsLetter(c) || c == '_')) { i++; continue; }
            int start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
            if (text[i - 1] is 'p' or 'l' or 'k' or 'e' or 't' or 'f' or 's' && IsGeneratedName(text, start, i - start))
                found.Add(text.Substring(start, i - start));
        }
        return found.ToArray();
    }

    /// <summary>The form sets of some files, with their extras.</summary>
    public static IEnumerable<FormSet> SetsOf(IEnumerable<GeneratedFile> files)
    {
        foreach (var file in files)
        {
            if (file.Forms != null) yield return file.Forms;
            foreach (var set in SetsOf(file.Extras)) yield return set;
        }
    }

    /// <summary>The method groups the operator sites among <paramref name="files"/> bound to generated code.</summary>
    public static IEnumerable<string> BoundMethodGroups(IEnumerable<GeneratedFile> files) =>
        files.Where(f => f.BoundMethodGroup != null).Select(f => f.BoundMethodGroup!);

    /// <summary>The generated names the whole texts (not form sets) of some files mention: interceptors, named functions, rules.</summary>
    public static IEnumerable<string> TextReferences(IEnumerable<GeneratedFile> files)
    {
        foreach (var file in files)
        {
            if (file.Source != null)
                foreach (var r in References(file.Source)) yield return r;
            foreach (var r in TextReferences(file.Extras)) yield return r;
        }
    }

    /// <summary>
    /// Every generated name some code uses, closed over the forms' own uses: a kept form keeps the forms it
    /// calls (F_ValueWithGradient keeps F_Primal and F_Pullback, a caller's F_Pullback keeps its callees').
    /// </summary>
    public static EquatableArray<string> Needed(IReadOnlyList<FormSet> sets, IEnumerable<string> textReferences,
        SourceReferences source, IEnumerable<string> boundMethodGroups, FormSettings settings)
    {
        var needed = new HashSet<string>(textReferences, StringComparer.Ordinal);
        needed.UnionWith(source.GeneratedNames);
        // A method group an operator call takes is bound by an interceptor (no lookup) unless the sites could not bind it.
        var notCalled = new HashSet<string>(source.NotCalled, StringComparer.Ordinal);
        var bound = boundMethodGroups.GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var group in source.OperatorArguments.GroupBy(n => n, StringComparer.Ordinal))
            if (!bound.TryGetValue(group.Key, out int count) || count < group.Count()) notCalled.Add(group.Key);
        var byName = new Dictionary<string, List<FormText>>(StringComparer.Ordinal);
        foreach (var set in sets)
        {
            bool all = settings.KeepsAll(set.AccessRank);
            foreach (var form in set.Forms)
            {
                foreach (var name in form.Names)
                {
                    if (!byName.TryGetValue(name, out var list)) byName[name] = list = new List<FormText>();
                    list.Add(form);
                    // A method group may reach a runtime operator (Autodiff.Gradient(f, x) with f a variable): registered.
                    if (all || name.StartsWith("NablaRegister_", StringComparison.Ordinal) && notCalled.Contains(set.MethodName))
                        needed.Add(name);
                }
            }
        }
        var work = new Stack<string>(needed);
        var done = new HashSet<FormText>(ReferenceEqualityComparer.Instance);
        while (work.Count > 0)
        {
            if (!byName.TryGetValue(work.Pop(), out var forms)) continue;
            foreach (var form in forms)
            {
                if (!done.Add(form)) continue;
                foreach (var name in form.Names.Concat(form.References))
                    if (needed.Add(name)) work.Push(name);
            }
        }
        return new EquatableArray<string>(needed.Where(byName.ContainsKey).OrderBy(n => n, StringComparer.Ordinal).ToArray());
    }

    /// <summary><paramref name="file"/> (and its extras) with only the needed forms written; no file when none is.</summary>
    public static GeneratedFile Assemble(GeneratedFile file, HashSet<string> needed)
    {
        var extras = file.Extras.Length == 0 ? file.Extras
            : new EquatableArray<GeneratedFile>(file.Extras.Select(e => Assemble(e, needed)).ToArray());
        if (file.Forms is not { } set) return file.Extras.Length == 0 ? file : file with { Extras = extras };
        bool Keep(FormText f) => f.Names.Any(needed.Contains);
        bool any = set.Forms.Any(Keep);
        bool registered = set.Forms.Any(f => Keep(f) && f.Names.Any(n => n.StartsWith("NablaRegister_", StringComparison.Ordinal)));
        return file with
        {
            HintName = any ? file.HintName : null,
            Source = any ? set.Text(Keep) : null,
            Forms = null,
            Registration = registered ? file.Registration : null,
            Extras = extras,
        };
    }

    private sealed class ReferenceEqualityComparer : IEqualityComparer<FormText>
    {
        public static readonly ReferenceEqualityComparer Instance = new();
        public bool Equals(FormText? x, FormText? y) => ReferenceEquals(x, y);
        public int GetHashCode(FormText obj) => RuntimeHelpers.GetHashCode(obj);
    }
}
