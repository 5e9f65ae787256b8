// An equatable, symbol-free record of a diagnostic, so pipeline outputs stay cacheable.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Nabla.Generator.IR;

namespace Nabla.Generator.Diagnostics;

internal sealed record DiagnosticInfo(string Id, string FilePath, int Start, int Length,
    int Line, int Column, int EndLine, int EndColumn, EquatableArray<string> Args,
    // A second place the diagnostic points at (the [Differentiable] that asked for a derivative): an additional location.
    string? AlsoPath = null, int AlsoStart = 0, int AlsoLength = 0)
{
    /// <summary>This diagnostic, also pointing at <paramref name="also"/>.</summary>
    public DiagnosticInfo WithAlso(Location? also) => also is null || !also.IsInSource ? this
        : this with { AlsoPath = also.SourceTree!.FilePath, AlsoStart = also.SourceSpan.Start, AlsoLength = also.SourceSpan.Length };

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params object[] args)
    {
        var span = location?.SourceSpan ?? default;
        var line = location?.GetLineSpan() ?? default;
        return new DiagnosticInfo(descriptor.Id, line.Path ?? "", span.Start, span.Length,
            line.StartLinePosition.Line, line.StartLinePosition.Character,
            line.EndLinePosition.Line, line.EndLinePosition.Character,
            new EquatableArray<string>(args.Select(a => a?.ToString() ?? "").ToArray()));
    }

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SourceInfo source, params object[] args) =>
        new(descriptor.Id, source.FilePath, source.Start, source.Length, source.Line, source.Column,
            source.EndLine, source.EndColumn,
            new EquatableArray<string>(args.Select(a => a?.ToString() ?? "").ToArray()));

    /// <summary>
    /// The diagnostic, located in <paramref name="tree"/> (the compilation's tree at <see cref="FilePath"/>) when
    /// given and the span fits in it, so that pragmas and per-file severities apply; otherwise at the path and span.
    /// </summary>
    public Diagnostic ToDiagnostic(SyntaxTree? tree = null, SyntaxTree? alsoTree = null)
    {
        var descriptor = DescriptorsById[Id];
        var location = FilePath.Length == 0
            ? Location.None
            : tree != null && Start + Length <= tree.Length
                ? Location.Create(tree, new TextSpan(Start, Length))
                : Location.Create(FilePath, new TextSpan(Start, Length),
                    new LinePositionSpan(new LinePosition(Line, Column), new LinePosition(EndLine, EndColumn)));
        var additional = AlsoPath is null || alsoTree is null || AlsoStart + AlsoLength > alsoTree.Length
            ? null
            : new[] { Location.Create(alsoTree, new TextSpan(AlsoStart, AlsoLength)) };
        return Diagnostic.Create(descriptor, location, additional, Args.ToArray());
    }

    /// <summary>Whether this is an error (warnings, such as NABLA0016, leave the method's derivatives generated).</summary>
    public bool IsError => DescriptorsById[Id].DefaultSeverity == DiagnosticSeverity.Error;

    private static readonly Dictionary<string, DiagnosticDescriptor> DescriptorsById =
        typeof(Descriptors).GetFields()
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToDictionary(d => d.Id);
}
