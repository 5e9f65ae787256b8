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

    // Differential run seed 20261122, programs 568, 638, 1820, … (the first run with lambdas, 10 of 2,000): a lambda
    // capturing a struct local (s0.A) got the struct read as one variable, which a struct lowered member by member is
    // not: the lambda saw zeros (wrong values, not only wrong derivatives). Captured structs are rebuilt from their leaves.
    [Fact]
    public void LambdaCapturingAStructLocal()
    {
        using var asm = Build("""
            [Differentiable] public partial struct Pt { public double A; public double B; }
            [Differentiable] public static double Apply([Differentiable] Func<double, double> f, double t) => f(t) * 0.75 + f(0.5 * t);
            [Differentiable] public static double Captures(double x) { var s = new Pt { A = 2 * x, B = 1 }; return Apply(t => s.A * t + s.B, x); }
            """);
        foreach (double x in new[] { -0.7, 1.3 })
        {
            // f(t) = 2x·t + 1: 0.75·(2x² + 1) + (x² + 1) = 2.5x² + 1.75
            var (value, gradient) = Vwg(asm, "Captures", x);
            Assert.Equal(2.5 * x * x + 1.75, value, 13);
            Assert.Equal(5 * x, gradient, 13);
            Assert.Equal(5 * x, Tangent(asm, "Captures", x), 13);
        }
    }

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

    // Differential run seed 2, program 497 of 5,000 (float; the double version is wrong the same way): F_Jvp and finite
    // differences agree, F_ValueWithGradient does not. A while loop whose counter steps first exits its inner loop
    // straight back to its own header, and the inner loop reads a value of that header (v3 = v1, the value v1 had when
    // the outer iteration began) that the inner loop's own update of v1 does not change. The pullback kept that value in
    // one variable per inner loop, set where it enters the inner loop backwards, from the outer header: it took the
    // value of the header's next visit (0.9·v1, after the iteration), not of the iteration being undone.
    [Fact]
    public void InnerLoopReadsTheOuterHeaderValueOfItsOwnIteration()
    {
        using var asm = Build("""
            [Differentiable]
            public static double F(double x, double y)
            {
                double v0 = x, v1 = y, r = 0;
                int i = 0;
                while (i < 2)
                {
                    i++;
                    double v3 = v1;
                    for (int j = 0; j < 1; j++)
                    {
                        r = (v0 - y) * v3;
                        v0 = 2.75;
                        v1 *= 0.9;
                    }
                }
                return r;
            }
            """);
        foreach (var (x, y) in new[] { (0.5, 1.0), (-1.25, 1.3148590326309204), (2.0, -0.75) })
        {
            // The second iteration sets r = (2.75 − y)·0.9y: ∂r/∂x = 0, ∂r/∂y = 0.9·(2.75 − 2y).
            double f(double xx, double yy) => (double)asm.Call("C", "F", xx, yy)!;
            double h = 1e-6;
            double fdX = (f(x + h, y) - f(x - h, y)) / (2 * h), fdY = (f(x, y + h) - f(x, y - h)) / (2 * h);
            Assert.Equal(0.0, fdX, 1e-8);
            Assert.Equal(0.9 * (2.75 - 2 * y), fdY, 1e-8);

            var vwg = (ITuple)asm.Call("C", "F_ValueWithGradient", x, y)!;
            var gradient = (ITuple)vwg[1]!;
            Assert.Equal(f(x, y), (double)vwg[0]!);
            Assert.Equal(0.0, (double)gradient[0]!, 1e-12);
            Assert.Equal(0.9 * (2.75 - 2 * y), (double)gradient[1]!, 1e-12);

            var pullback = (Func<double, (double, double)>)((ITuple)asm.Call("C", "F_ValueWithPullback", x, y)!)[1]!;
            var (px, py) = pullback(1.0);
            Assert.Equal(0.0, px, 1e-12);
            Assert.Equal(0.9 * (2.75 - 2 * y), py, 1e-12);

            Assert.Equal(0.9 * (2.75 - 2 * y), (double)((ITuple)asm.Call("C", "F_Jvp", x, y, 0.0, 1.0)!)[1]!, 1e-12);
        }
    }
}
