// Every descriptor in Descriptors.cs is documented and release-tracked: a section in docs/diagnostics.md
// whose anchor is the help link's, and a row in AnalyzerReleases.*.md with its category and severity.
// (The release-tracking analyzers cannot check this themselves: the ids reach DiagnosticDescriptor
// through a helper method, so RS2000-RS2008 never see them.)
using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Nabla.Generator.Diagnostics;
using Nabla.Generator.Tests.Pipeline;
using Xunit;

namespace Nabla.Generator.Tests.Diagnostics;

public class DescriptorDocsTests
{
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var d in All()) data.Add(d.Id);
        return data;
    }

    private static DiagnosticDescriptor[] All() =>
        typeof(Descriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!).ToArray();

    private static DiagnosticDescriptor Get(string id) => All().Single(d => d.Id == id);

    private static string Read(string relative) => File.ReadAllText(Path.Combine(ConsumerBuildTests.RepoRoot, relative));

    [Fact]
    public void IdsAreUniqueAndWellFormed()
    {
        var ids = All().Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches(@"^NABLA\d{4}$", id));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HasADocSectionAtItsHelpLinkAnchor(string id)
    {
        var d = Get(id);
        string anchor = id.ToLowerInvariant();
        Assert.EndsWith("docs/diagnostics.md#" + anchor, d.HelpLinkUri);
        string doc = Read("docs/diagnostics.md");
        // A heading that is exactly the id, so that its generated anchor is the help link's.
        Assert.Matches(new Regex("^## " + id + "$", RegexOptions.Multiline), doc);
        var section = Regex.Match(doc, "^## " + id + "$(.*?)(?=^## |\\z)", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value;
        Assert.Contains(d.Title.ToString(), section);
        Assert.Contains("**Fix**", section);
        if (id != "NABLA0999") Assert.Contains("```csharp", section);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void IsReleaseTrackedWithItsCategoryAndSeverity(string id)
    {
        var d = Get(id);
        string rows = Read("src/Nabla.Generator/AnalyzerReleases.Shipped.md") + Read("src/Nabla.Generator/AnalyzerReleases.Unshipped.md");
        var row = Regex.Match(rows, "^" + id + @"\s*\|\s*(\w+)\s*\|\s*(\w+)\s*\|", RegexOptions.Multiline);
        Assert.True(row.Success, $"{id} is not listed in AnalyzerReleases.*.md");
        Assert.Equal(d.Category, row.Groups[1].Value);
        Assert.Equal(d.DefaultSeverity.ToString(), row.Groups[2].Value);
    }
}
