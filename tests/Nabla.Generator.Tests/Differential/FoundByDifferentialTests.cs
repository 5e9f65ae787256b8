// Generator bugs the differential tester found, each minimized from a generated program to the smallest method that
// shows it. A crash of the generator breaks the build of a consumer (NABLA0999 is an error), so these run the generator
// in memory here rather than in the end-to-end project; they are skipped while the bug is open.
using System;
using System.Runtime.CompilerServices;
using Nabla.Generator.Tests.Harness;
using Xunit;

namespace Nabla.Generator.Tests.Differential;

public class FoundByDifferentialTests
{
    /// <summary>Compiles <paramref name="members"/> in class C with the generator; asserts no crash and clean generated code.</summary>
    private static EmittedAssembly Build(string members)
    {
        var run = Harness.Harness.Run(DiagnosticVerifier.InClass(members));
        Assert.False(run.Crashed, run.Describe());
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.True(run.DiagnosticsInGeneratedCode.IsEmpty, run.Describe());
        return new EmittedAssembly(run.Output);
    }

    private static (double Value, double Gradient) Vwg(EmittedAssembly asm, string method, double x)
    {
        var t = (ITuple)asm.Call("C", method + "_ValueWithGradient", x)!;
        return ((double)t[0]!, (double)t[1]!);
    }

    private static double Tangent(EmittedAssembly asm, string method, double x) =>
        (double)((ITuple)asm.Call("C", method + "_Jvp", x, 1.0)!)[1]!;

    // Differential run seed 20261122, programs 1, 2, 4, 5, … (70% of the first 200 programs): a comparison of two
    // constants, which the compiler folds, makes Roslyn's control-flow graph mark the branch not taken unreachable; the
    // lowering skips unreachable blocks but still makes an edge to it (Lowerer.EdgeTo: KeyNotFoundException, NABLA0999).
    // The program generator writes no constant comparisons while this is open (ProgramGenerator.Compare).
    [Fact]
    public void ConstantConditionsLowerToTheBranchTaken()
    {
        using var asm = Build("""
            [Differentiable] public static double Ternary(double x) => 0.25 <= -1.0 ? 1.5 : x * x;
            [Differentiable] public static double If(double x) { if (0.25 > 1.0) return x; return x * x; }
            [Differentiable] public static double Or(double x) => (x > 5 || 1.5 > 1.0) ? x * x : 2 * x;
            """);
        foreach (string f in new[] { "Ternary", "If", "Or" })
        {
            Assert.Equal((9.0, 6.0), Vwg(asm, f, 3.0));
            Assert.Equal(6.0, Tangent(asm, f, 3.0));
        }
    }
}
