// Test-source markup for expected diagnostics: {|NABLA0001:text|} says that a diagnostic with that id
// covers exactly "text". Markup may nest; the stripped source is what gets compiled.
using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Nabla.Generator.Tests.Harness;

internal sealed record ExpectedDiagnostic(string Id, TextSpan Span);

internal static class Markup
{
    public static (string Source, List<ExpectedDiagnostic> Expected) Parse(string markup)
    {
        var sb = new StringBuilder();
        var open = new Stack<(string Id, int Start)>();
        var expected = new List<ExpectedDiagnostic>();
        int i = 0;
        while (i < markup.Length)
        {
            if (string.CompareOrdinal(markup, i, "{|", 0, 2) == 0)
            {
                int colon = markup.IndexOf(':', i + 2);
                if (colon < 0) throw new FormatException("markup '{|' without ':' at " + i);
                string id = markup.Substring(i + 2, colon - i - 2);
                if (id.Length == 0 || !IsId(id)) throw new FormatException($"bad diagnostic id '{id}' in markup at {i}");
                open.Push((id, sb.Length));
                i = colon + 1;
            }
            else if (string.CompareOrdinal(markup, i, "|}", 0, 2) == 0 && open.Count > 0)
            {
                var (id, start) = open.Pop();
                expected.Add(new ExpectedDiagnostic(id, TextSpan.FromBounds(start, sb.Length)));
                i += 2;
            }
            else
            {
                sb.Append(markup[i]);
                i++;
            }
        }
        if (open.Count > 0) throw new FormatException($"unclosed markup for {open.Peek().Id}");
        return (sb.ToString(), expected);
    }

    private static bool IsId(string s)
    {
        foreach (char c in s)
            if (!char.IsLetterOrDigit(c)) return false;
        return true;
    }
}
