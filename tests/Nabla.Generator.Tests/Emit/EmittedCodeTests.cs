// The code the generator writes compiles without errors or warnings for representative methods, and
// the derivatives it computes, run from the emitted assembly, agree with central finite differences.
// A few cases only: the end-to-end suite (tests/Nabla.Tests) checks many functions three ways.
using System;
using System.Linq;
using Nabla.Generator.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Nabla.Generator.Tests.Emit;

public class EmittedCodeTests
{
    private readonly ITestOutputHelper _output;

    public EmittedCodeTests(ITestOutputHelper output) => _output = output;

    private const string Source = """
        [Differentiable]
        public static double Branchy(double x, double y)
        {
            double z = x * y;
            if (x > 0 && y > 0)
                z += Math.Sin(x);
            else
                return z * z;
            return x > 1 ? z / y : -z;
        }

        [Differentiable]
        public static double Calls(double x, int n) => Branchy(x, 2.5) * n + Math.Exp(x) + Math.Pow(x, 3) + Twice(x);

        public static double Twice(double x) => 2 * x;

        [DerivativeOf(typeof(C), nameof(Twice))]
        public static (double Value, Func<double, double> Pullback) TwiceRule(double x) => (2 * x, dy => 2 * dy);

        [Differentiable]
        public static float Single(float x, float y) => MathF.Tanh(x * y) + x / (1f + y * y);

        [Differentiable(Wrt = "x")]
        public static double Scaled(double x, double k) => k * Math.Log(x) + Autodiff.WithoutDerivative(x * x);

        [GradientOf(nameof(Branchy))]
        public static partial (double, double) BranchyGradient(double x, double y);

        [ValueWithGradientOf(nameof(Branchy), Wrt = "y")]
        public static partial (double Value, double Gradient) BranchyWithGradientY(double x, double y);

        [JvpOf(nameof(Single))]
        public static partial (float Value, float Tangent) SingleJvp(float x, float y, float dx, float dy);
        """;

    private static GeneratorRun Generate()
    {
        var run = Harness.Harness.Run(DiagnosticVerifier.InClass(Source));
        Assert.False(run.Crashed, run.Describe());
        return run;
    }

    [Fact]
    public void GeneratedCode_CompilesWithoutErrorsOrWarnings()
    {
        var run = Generate();
        Assert.True(run.GeneratorDiagnostics.IsEmpty, run.Describe());
        Assert.True(run.OutputDiagnostics.IsEmpty, run.Describe());
        // One file per [Differentiable] method, per named derivative, per rule, and the module initializer.
        Assert.Equal(new[]
        {
            "C.Branchy.Nabla.g.cs", "C.BranchyGradient.Nabla.g.cs", "C.BranchyWithGradientY.Nabla.g.cs", "C.Calls.Nabla.g.cs",
            "C.Scaled.Nabla.g.cs", "C.Single.Nabla.g.cs", "C.SingleJvp.Nabla.g.cs", "Nabla.Assembly.g.cs",
            // The rule's split form, and its differentiable partial (for second order) with that partial's derivatives;
            // in a library, the partial's own partials too, to fourth order, with theirs (RuleChains.cs).
            "Nabla.Generated.Rules.C__TwiceRule__double.Partial0.Nabla.g.cs", "Nabla.Generated.Rules.C__TwiceRule__double.Partial0_Partial0.Nabla.g.cs",
            "Nabla.Generated.Rules.C__TwiceRule__double.Partial0_Partial0_Partial0.Nabla.g.cs",
            "Nabla.Generated.Rules.C__TwiceRule__double.Partials.g.cs", "Nabla.Generated.Rules.C__TwiceRule__double.Partials2.g.cs",
            "Nabla.Generated.Rules.C__TwiceRule__double.Partials3.g.cs", "Nabla.Generated.Rules.C__TwiceRule__double.g.cs",
        }, run.Generated.Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    private static double Fd(Func<double, double> f, double x, double h = 1e-6) => (f(x + h) - f(x - h)) / (2 * h);

    private static void Close(double expected, double actual, double tolerance = 1e-6) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Theory]
    [InlineData(0.7, 1.3)]    // both branches of && true, then the x > 1 test false
    [InlineData(1.6, 0.4)]    // x > 1
    [InlineData(-0.8, 1.1)]   // early return
    public void Branches_JvpAndVjpAgreeWithFiniteDifferences(double x, double y)
    {
        using var asm = new EmittedAssembly(Generate().Output);
        double F(double a, double b) => (double)asm.Call("C", "Branchy", a, b)!;
        double dfdx = Fd(a => F(a, y), x), dfdy = Fd(b => F(x, b), y);

        var jx = ((double Value, double Tangent))asm.Call("C", "Branchy_Jvp", x, y, 1.0, 0.0)!;
        var jy = ((double Value, double Tangent))asm.Call("C", "Branchy_Jvp", x, y, 0.0, 1.0)!;
        Close(F(x, y), jx.Value);
        Close(dfdx, jx.Tangent);
        Close(dfdy, jy.Tangent);

        var vg = ((double Value, (double, double) Gradient))asm.Call("C", "Branchy_ValueWithGradient", x, y)!;
        Close(F(x, y), vg.Value);
        Close(dfdx, vg.Gradient.Item1);
        Close(dfdy, vg.Gradient.Item2);

        var vp = ((double Value, Func<double, (double, double)> Pullback))asm.Call("C", "Branchy_ValueWithPullback", x, y)!;
        var (px, py) = vp.Pullback(2.0);
        Close(2 * dfdx, px);
        Close(2 * dfdy, py);

        var named = ((double, double))asm.Call("C", "BranchyGradient", x, y)!;
        Close(dfdx, named.Item1);
        Close(dfdy, named.Item2);
        var namedY = ((double Value, double Gradient))asm.Call("C", "BranchyWithGradientY", x, y)!;
        Close(dfdy, namedY.Gradient);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.9)]
    public void CallsToDifferentiableMethodsAndRules_AgreeWithFiniteDifferences(double x)
    {
        using var asm = new EmittedAssembly(Generate().Output);
        double dfdx = Fd(a => (double)asm.Call("C", "Calls", a, 3)!, x);
        var j = ((double Value, double Tangent))asm.Call("C", "Calls_Jvp", x, 3, 1.0)!;
        var g = ((double Value, double Gradient))asm.Call("C", "Calls_ValueWithGradient", x, 3)!;
        Close(dfdx, j.Tangent);
        Close(dfdx, g.Gradient);
    }

    [Fact]
    public void WrtAndWithoutDerivative_AgreeWithTheirClosedForm()
    {
        using var asm = new EmittedAssembly(Generate().Output);
        // d/dx [k log x + WithoutDerivative(x²)] = k / x.
        var g = ((double Value, double Gradient))asm.Call("C", "Scaled_ValueWithGradient", 2.0, 3.0)!;
        Close(3 * Math.Log(2) + 4, g.Value);
        Close(3.0 / 2.0, g.Gradient);
    }

    [Theory]
    [InlineData(0.5f, -0.25f)]
    [InlineData(-1.5f, 2f)]
    public void Float_AgreesWithFiniteDifferences(float x, float y)
    {
        using var asm = new EmittedAssembly(Generate().Output);
        double F(double a, double b) => (float)asm.Call("C", "Single", (float)a, (float)b)!;
        double dfdx = Fd(a => F(a, y), x, 1e-2), dfdy = Fd(b => F(x, b), y, 1e-2);
        var vg = ((float Value, (float, float) Gradient))asm.Call("C", "Single_ValueWithGradient", x, y)!;
        Close(dfdx, vg.Gradient.Item1, 1e-3);
        Close(dfdy, vg.Gradient.Item2, 1e-3);
        var j = ((float Value, float Tangent))asm.Call("C", "SingleJvp", x, y, 1f, 2f)!;
        Close(dfdx + 2 * dfdy, j.Tangent, 1e-3);
    }

    /// <summary>
    /// Never silently wrong: where the generator accepts a method without a diagnostic, its derivative must
    /// be right. A real value carried through a struct constructor and read back through a field is such
    /// a method.
    /// </summary>
    [Fact]
    public void ValueThroughAStructConstructor_IsEitherRejectedOrDifferentiatedCorrectly()
    {
        var run = Harness.Harness.Run(DiagnosticVerifier.InClass("""
            [Differentiable]
            public static float F(float x) => new System.Numerics.Vector2(x * x, 1f).X;
            """));
        Assert.False(run.Crashed, run.Describe());
        if (!run.GeneratorDiagnostics.IsEmpty) return; // rejected: fine
        using var asm = new EmittedAssembly(run.Output);
        var g = ((float Value, float Gradient))asm.Call("C", "F_ValueWithGradient", 3f)!;
        Assert.True(Math.Abs(g.Gradient - 6f) < 1e-4, $"d/dx Vector2(x², 1).X at 3 is 6; the generator accepted the method and computed {g.Gradient}");
    }
}
