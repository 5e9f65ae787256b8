// A small FileCheck (LLVM's, as Swift's and Enzyme's tests use it) for IR and activity dumps: match key
// lines in order, not whole dumps.
//   CHECK: text        a later line contains text
//   CHECK-NEXT: text   the line right after the previous match contains text
//   CHECK-NOT: text    no line between the previous match and the next one (or the end) contains text
// In text, {{regex}} is a regular expression, [[NAME:regex]] captures, [[NAME]] is what was captured.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Nabla.Generator.Tests.Harness;

internal static class FileCheck
{
    /// <summary>
    /// Checks <paramref name="output"/> against <paramref name="checks"/>; returns the captured variables,
    /// which a check of another dump (activity after IR) may start from.
    /// </summary>
    public static Dictionary<string, string> Check(string output, string checks, Dictionary<string, string>? captured = null)
    {
        var lines = output.Replace("\r\n", "\n").Split('\n');
        var variables = new Dictionary<string, string>(captured ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        int next = 0, previous = -1;
        var nots = new List<(Regex Regex, string Text)>();

        void Fail(string why) => throw new XunitException(why + "\n--- output ---\n" + output);

        void CheckNots(int from, int to)
        {
            foreach (var (regex, text) in nots)
                for (int i = from; i < to; i++)
                    if (regex.IsMatch(lines[i]))
                        Fail($"CHECK-NOT: '{text}' matched line {i + 1}: {lines[i]}");
            nots.Clear();
        }

        foreach (var raw in checks.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            int colon = line.IndexOf(':');
            string directive = colon < 0 ? "" : line.Substring(0, colon);
            string text = colon < 0 ? "" : line.Substring(colon + 1).Trim();
            switch (directive)
            {
                case "CHECK-NOT":
                    nots.Add((ToRegex(text, variables), text));
                    break;
                case "CHECK":
                {
                    var regex = ToRegex(text, variables);
                    int found = -1;
                    Match? match = null;
                    for (int i = next; i < lines.Length && found < 0; i++)
                        if ((match = regex.Match(lines[i])).Success) found = i;
                    if (found < 0) Fail($"CHECK: '{text}' not found after line {next}");
                    CheckNots(next, found);
                    Capture(match!, regex, variables);
                    previous = found;
                    next = found + 1;
                    break;
                }
                case "CHECK-NEXT":
                {
                    var regex = ToRegex(text, variables);
                    if (previous < 0) Fail("CHECK-NEXT without a previous CHECK");
                    if (nots.Count > 0) Fail("CHECK-NOT right before CHECK-NEXT");
                    int at = previous + 1;
                    var match = at < lines.Length ? regex.Match(lines[at]) : Match.Empty;
                    if (!match.Success) Fail($"CHECK-NEXT: '{text}' does not match line {at + 1}: {(at < lines.Length ? lines[at] : "<end>")}");
                    Capture(match, regex, variables);
                    previous = at;
                    next = at + 1;
                    break;
                }
                default:
                    throw new FormatException("not a FileCheck directive: " + raw);
            }
        }
        CheckNots(next, lines.Length);
        return variables;
    }

    private static void Capture(Match match, Regex regex, Dictionary<string, string> variables)
    {
        foreach (var name in regex.GetGroupNames().Where(n => !int.TryParse(n, out _)))
            variables[name] = match.Groups[name].Value;
    }

    private static Regex ToRegex(string pattern, Dictionary<string, string> variables)
    {
        var sb = new StringBuilder();
        var definedHere = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        while (i < pattern.Length)
        {
            if (pattern.AsSpan(i).StartsWith("{{"))
            {
                int end = pattern.IndexOf("}}", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new FormatException("unclosed {{ in " + pattern);
                sb.Append("(?:").Append(pattern, i + 2, end - i - 2).Append(')');
                i = end + 2;
            }
            else if (pattern.AsSpan(i).StartsWith("[["))
            {
                int end = pattern.IndexOf("]]", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new FormatException("unclosed [[ in " + pattern);
                string body = pattern.Substring(i + 2, end - i - 2);
                int colon = body.IndexOf(':');
                if (colon >= 0)
                {
                    sb.Append("(?<").Append(body, 0, colon).Append('>').Append(body, colon + 1, body.Length - colon - 1).Append(')');
                    definedHere.Add(body.Substring(0, colon));
                }
                else if (definedHere.Contains(body))
                    sb.Append(@"\k<").Append(body).Append('>');
                else if (variables.TryGetValue(body, out var value))
                    sb.Append(Regex.Escape(value));
                else
                    throw new FormatException($"FileCheck variable [[{body}]] used before it was captured");
                i = end + 2;
            }
            else
            {
                sb.Append(Regex.Escape(pattern[i].ToString()));
                i++;
            }
        }
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}
