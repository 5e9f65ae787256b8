// Baselines of the full generated text for a few representative inputs.
//
// Why these exist: not to check that derivatives are right (EmittedCodeTests and tests/Nabla.Tests do
// that against finite differences and closed forms), but so that any change to the formatting and
// readability of what users see in their generated files shows up in review. When the emitter changes
// on purpose, regenerate the baselines with NABLA_UPDATE_SNAPSHOTS=1 and review the diff:
//
//     NABLA_UPDATE_SNAPSHOTS=1 dotnet test tests/Nabla.Generator.Tests -c Release --filter FullyQualifiedName~SnapshotTests
//
// Keep them few: every emitter change rewrites all of them.
using System;
using System.IO;
using System.Text;
using Nabla.Generator.Tests.Harness;
using Nabla.Generator.Tests.Pipeline;
using Xunit;

namespace Nabla.Generator.Tests.Emit;

public class SnapshotTests
{
    private static string SnapshotDirectory => Path.Combine(ConsumerBuildTests.RepoRoot, "tests", "Nabla.Generator.Tests", "Snapshots");

    private static bool Updating => Environment.GetEnvironmentVariable("NABLA_UPDATE_SNAPSHOTS") == "1";

    /// <summary>
    /// Line endings, whitespace-only lines and trailing spaces are not part of a baseline, and neither is
    /// the generator's version in [GeneratedCode]: it is written as %VERSION%.
    /// </summary>
    internal static string Normalize(string code)
    {
        string version = typeof(NablaGenerator).Assembly.GetName().Version?.ToString(3) ?? "";
        var output = new StringBuilder();
        using var reader = new StringReader(code);
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            line = line.TrimEnd().Replace("GeneratedCode(\"Nabla\", \"" + version + "\")", "GeneratedCode(\"Nabla\", \"%VERSION%\")");
            output.Append(line).Append('\n');
        }
        return output.ToString().TrimEnd('\n') + "\n";
    }

    private static void Verify(string snapshot, string source, string hintName)
    {
        var run = Harness.Harness.Run(source);
        Assert.False(run.Crashed, run.Describe());
        Assert.True(run.GeneratorDiagnostics.IsEmpty, run.Describe());
        Assert.True(run.Generated.ContainsKey(hintName), $"no generated file '{hintName}'; generated: {string.Join(", ", run.Generated.Keys)}");
        string actual = Normalize(run.Generated[hintName]);
        string path = Path.Combine(SnapshotDirectory, snapshot + ".g.cs.txt");
        if (Updating)
        {
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"no baseline {path}; run with NABLA_UPDATE_SNAPSHOTS=1 to write it");
        string expected = Normalize(File.ReadAllText(path));
        if (expected == actual) return;
        // Point at the first line that differs; the whole text follows for the update.
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int i = 0;
        while (i < e.Length && i < a.Length && e[i] == a[i]) i++;
        Assert.Fail($"generated text differs from {snapshot}.g.cs.txt at line {i + 1}:\n" +
                    $"  expected: {(i < e.Length ? e[i] : "<end>")}\n  actual:   {(i < a.Length ? a[i] : "<end>")}\n" +
                    "If the change is intended, rerun with NABLA_UPDATE_SNAPSHOTS=1 and review the diff.\n--- actual ---\n" + actual);
    }

    [Fact]
    public void ScalarMethodWithBranchesAndARuleCall()
    {
        Verify("Branchy", """
            using System;
            using Nabla;

            namespace Samples;

            public static partial class Physics
            {
                [Differentiable]
                public static double Branchy(double x, double y)
                {
                    double z = x * y;
                    if (x > 0)
                        z += Math.Sin(x);
                    else
                        return z * z;
                    return z / y;
                }
            }
            """, "Samples.Physics.Branchy.Nabla.g.cs");
    }

    [Fact]
    public void RuleInClosureForm_SplitForm()
    {
        Verify("Rule", """
            using System;
            using Nabla;

            public static class MyRules
            {
                public static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

                [DerivativeOf(typeof(MyRules), nameof(Softplus))]
                public static (double Value, Func<double, double> Pullback) SoftplusRule(double x)
                {
                    double s = 1 / (1 + Math.Exp(-x));
                    return (Softplus(x), dy => dy * s);
                }
            }
            """, "Nabla.Generated.Rules.MyRules__SoftplusRule__double.g.cs");
    }

    [Fact]
    public void NamedGradient()
    {
        Verify("NamedGradient", """
            using System;
            using Nabla;

            public static partial class Model
            {
                [Differentiable]
                public static float Loss(float w, float b, [NoDerivative] float target) =>
                    (MathF.Tanh(w * 2f + b) - target) * (MathF.Tanh(w * 2f + b) - target);

                [GradientOf(nameof(Loss))]
                public static partial (float, float) LossGradient(float w, float b, float target);
            }
            """, "Model.LossGradient.Nabla.g.cs");
    }

    [Fact]
    public void Normalize_IgnoresLineEndingsTrailingSpaceAndVersion_ButNotContent()
    {
        string version = typeof(NablaGenerator).Assembly.GetName().Version!.ToString(3);
        Assert.Equal(Normalize("a\n  \nb [GeneratedCode(\"Nabla\", \"%VERSION%\")]\n"),
                     Normalize("a  \r\n\r\nb [GeneratedCode(\"Nabla\", \"" + version + "\")]"));
        Assert.NotEqual(Normalize("double x = 1;"), Normalize("double  x = 1;"));
    }

    [Fact]
    public void DifferentiableStructWithAVectorAFloatAndAnArray()
    {
        Verify("Perceptron", """
            using System.Numerics;
            using Nabla;

            namespace Samples;

            [Differentiable]
            public partial struct Perceptron
            {
                public Vector2 Weight;
                public float Bias;
                public double[] History { get; set; }
                [NoDerivative] public int Seed;
            }
            """, "Samples.Perceptron.DifferentiableType.g.cs");
    }
}
