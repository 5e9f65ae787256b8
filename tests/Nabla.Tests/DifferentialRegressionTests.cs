// Regressions for generator bugs found by the differential tester (tests/Nabla.Generator.Tests/Differential), each
// minimized from a generated program. A bug still open is a skipped test tagged KnownGeneratorBug whose reason says
// what is wrong; it is un-skipped by the change that fixes the generator.
using System;
using Xunit;

namespace Nabla.Tests
{
    public static partial class CompoundAroundCallRepro
    {
        [Differentiable]
        public static double Overwrite(double x, double[] a)
        {
            a[0] = 3 * x;
            return x;
        }

        // C# reads a[0] (the left operand of +=) before it evaluates the right-hand side, so the call's write to a[0]
        // is overwritten: the result is a0 + 0.5 (x ≥ x always), with derivative 1 in a0 and 0 in x.
        [Differentiable]
        public static double CompoundAroundCall(double x, double[] a)
        {
            a[0] += x >= Overwrite(x, a) ? 0.5 : 0.25;
            return a[0];
        }
    }

    public class DifferentialRegressionTests
    {
        // Differential run seed 20261122: programs 45, 48, 73, 202 and 225 of the first 300 (forward mode: the tangent
        // of the array left behind disagrees with finite differences) and 35 and 250 (reverse mode: the value returned
        // by F_ValueWithGradient differs from the original's). The element `a[i] += …` reads is read after the
        // right-hand side ran: F_Jvp reads its tangent late (3·dx, written by the callee, instead of da0) and the
        // reverse-mode primal reads its value late (3x + 0.5 instead of a0 + 0.5). It needs control flow in the
        // right-hand side (the ?: here); `a[0] += Overwrite(x, a)` is differentiated right.
        [Fact(Skip = "generator bug found by the differential tester: a[i] += (… ? … : …) around a call that writes a[i] reads the element after the call (reverse-mode value and forward-mode tangent wrong)")]
        [Trait("Category", "KnownGeneratorBug")]
        public void CompoundAssignmentReadsTheElementBeforeTheRightHandSide()
        {
            foreach (double x in new[] { -1.5, 0.5, 2.0 })
            {
                const double a0 = 0.75;
                double[] a = [a0];
                Assert.Equal(a0 + 0.5, CompoundAroundCallRepro.CompoundAroundCall(x, a));

                var (value, (dx, da)) = CompoundAroundCallRepro.CompoundAroundCall_ValueWithGradient(x, [a0]);
                Assert.Equal(a0 + 0.5, value);
                Assert.Equal(0.0, dx);
                Assert.Equal([1.0], da);

                var (_, alongX) = CompoundAroundCallRepro.CompoundAroundCall_Jvp(x, [a0], 1.0, [0.0]);
                Assert.Equal(0.0, alongX);
                double[] tangentOfA = [1.0];
                var (_, alongA) = CompoundAroundCallRepro.CompoundAroundCall_Jvp(x, [a0], 0.0, tangentOfA);
                Assert.Equal(1.0, alongA);
                Assert.Equal([1.0], tangentOfA);
            }
        }
    }
}
