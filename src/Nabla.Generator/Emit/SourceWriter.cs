// An indenting text writer for generated C#, as the Regex and System.Text.Json generators use.
using System.Text;

namespace Nabla.Generator.Emit;

internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    public int Indent { get; set; }

    /// <summary>Characters written so far.</summary>
    public int Length => _sb.Length;

    public SourceWriter Line(string text = "")
    {
        if (text.Length == 0) { _sb.Append('\n'); return this; }
        _sb.Append(' ', Indent * 4).Append(text).Append('\n');
        return this;
    }

    public SourceWriter Open(string header)
    {
        Line(header);
        Line("{");
        Indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        Indent--;
        Line("}" + suffix);
        return this;
    }

    public override string ToString() => _sb.ToString();
}
