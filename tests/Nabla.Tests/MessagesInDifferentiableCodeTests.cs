// Messages built in differentiable code (interpolated strings, concatenation) are data: the text is what C# would
// write, and the derivative is unchanged. The logger is an ordinary method, as a user's would be.
using System;
using System.Collections.Generic;
using System.Numerics;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static class MessageLog
{
    [ThreadStatic] private static List<string>? s_lines;
    public static List<string> Lines => s_lines ??= new List<string>();
    public static void Write(string line) => Lines.Add(line);
}

public static partial class MessagesInDifferentiableCode
{
    [Differentiable]
    public static double Logged(double x, int step)
    {
        string name = "loss";
        var v = new Vector2((float)x, 2f);
        double y = x * x * Math.Sin(x);
        MessageLog.Write($"{name} at step {step,-3}: x = {x,10:F3}, y = {y:E2}, v = {v}, {{raw}}");
        MessageLog.Write("y = " + y);
        if (double.IsNaN(y)) throw new ArgumentException($"not a number at x = {x}");
        return y;
    }
}

public class MessagesInDifferentiableCodeTests
{
    [Theory]
    [InlineData(0.7)]
    [InlineData(-2.25)]
    public void InterpolatedMessages_AreWhatCSharpWrites_AndTheDerivativeIsUnchanged(double x)
    {
        MessageLog.Lines.Clear();
        double gradient = Gradient(t => MessagesInDifferentiableCode.Logged(t, 7), x);
        Assert.Equal(2 * x * Math.Sin(x) + x * x * Math.Cos(x), gradient, 12);
        double y = x * x * Math.Sin(x);
        var v = new Vector2((float)x, 2f);
        Assert.Contains($"loss at step {7,-3}: x = {x,10:F3}, y = {y:E2}, v = {v}, {{raw}}", MessageLog.Lines);
        Assert.Contains("y = " + y, MessageLog.Lines);
        MessageLog.Lines.Clear();
        Assert.Equal(gradient, MessagesInDifferentiableCode.Logged_Jvp(x, 7, 1.0).Tangent, 12);
        Assert.Equal(2, MessageLog.Lines.Count);
    }
}
