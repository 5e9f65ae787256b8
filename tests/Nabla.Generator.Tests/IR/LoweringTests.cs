// The IR that lowering builds from Roslyn's ControlFlowGraph, checked FileCheck-style on IrPrinter's
// output: key instructions and blocks, not whole dumps.
using Nabla.Generator.Tests.Harness;
using Xunit;

namespace Nabla.Generator.Tests.IR;

public class LoweringTests
{
    [Fact]
    public void StraightLineCode_IsOneSequenceOfInstructions()
    {
        var ir = TestLowering.Lower("""
            [Differentiable]
            public static double F(double x, double y) => x * y + Math.Sin(x);
            """).PrintIr();
        FileCheck.Check(ir, """
            CHECK: func F(%[[X:\d+]].x: double, %[[Y:\d+]].y: double) -> double {
            CHECK: %[[P:\d+]]: double = mul %[[X]].x, %[[Y]].y
            CHECK-NEXT: %[[S:\d+]]: double = call System.Math.Sin(%[[X]].x)
            CHECK-NEXT: %[[R:\d+]]: double = add %[[P]], %[[S]]
            CHECK-NEXT: jump bb[[RET:\d+]](%[[R]])
            CHECK-NOT: branch
            CHECK: bb[[RET]](%[[RESULT:\d+]].result: double):
            CHECK-NEXT: return %[[RESULT]].result
            """);
    }

    [Fact]
    public void LocalReassignedInBranches_BecomesABlockParameter()
    {
        var ir = TestLowering.Lower("""
            [Differentiable]
            public static double F(double x)
            {
                double z = x * x;
                if (x > 0)
                    z = z + Math.Exp(x);
                else
                    z = -z;
                return z * 3;
            }
            """).PrintIr();
        FileCheck.Check(ir, """
            CHECK: %[[Z0:\d+]].z: double = mul %[[X:\d+]].x, %[[X]].x
            CHECK: %[[C:\d+]]: bool = gt %[[X]].x, %{{\d+}}
            CHECK-NEXT: branch %[[C]], bb[[THEN:\d+]], bb[[ELSE:\d+]]
            CHECK: bb[[THEN]]():
            CHECK-NEXT: %[[E:\d+]]: double = call System.Math.Exp(%[[X]].x)
            CHECK-NEXT: %[[Z1:\d+]].z: double = add %[[Z0]].z, %[[E]]
            CHECK-NEXT: jump bb[[JOIN:\d+]](%[[Z1]].z)
            CHECK: bb[[ELSE]]():
            CHECK-NEXT: %[[Z2:\d+]].z: double = neg %[[Z0]].z
            CHECK-NEXT: jump bb[[JOIN]](%[[Z2]].z)
            CHECK: bb[[JOIN]](%[[PHI:\d+]].z: double):
            CHECK: mul %[[PHI]].z, %{{\d+}}
            """);
    }

    [Fact]
    public void ShortCircuitAnd_IsTwoBranchesToOneElseBlock()
    {
        var ir = TestLowering.Lower("""
            [Differentiable]
            public static double F(double x, int n) => x > 0 && n > 1 ? x : -x;
            """).PrintIr();
        FileCheck.Check(ir, """
            CHECK: gt %{{\d+}}.x
            CHECK-NEXT: branch %{{\d+}}, bb[[SECOND:\d+]], bb[[ELSE:\d+]]
            CHECK: bb[[SECOND]]():
            CHECK: gt %{{\d+}}.n
            CHECK-NEXT: branch %{{\d+}}, bb{{\d+}}, bb[[ELSE]]
            CHECK: bb[[ELSE]]():
            CHECK-NEXT: neg %{{\d+}}.x
            """);
    }

    [Fact]
    public void EarlyReturns_JumpToTheOneReturnBlock()
    {
        var ir = TestLowering.Lower("""
            [Differentiable]
            public static double F(double x)
            {
                if (x < 0) return -x;
                return x * x;
            }
            """).PrintIr();
        FileCheck.Check(ir, """
            CHECK: %[[N:\d+]]: double = neg %{{\d+}}.x
            CHECK-NEXT: jump bb[[RET:\d+]](%[[N]])
            CHECK: %[[M:\d+]]: double = mul
            CHECK-NEXT: jump bb[[RET]](%[[M]])
            CHECK: bb[[RET]](%[[R:\d+]].result: double):
            CHECK-NEXT: return %[[R]].result
            CHECK-NOT: return
            """);
    }

    [Fact]
    public void WithoutDerivative_IsAStopGradient_AndDataIsConverted()
    {
        var ir = TestLowering.Lower("""
            [Differentiable]
            public static double F(double x, int n) => Autodiff.WithoutDerivative(x * x) * x + n;
            """).PrintIr();
        FileCheck.Check(ir, """
            CHECK: %[[SQ:\d+]]: double = mul %[[X:\d+]].x, %[[X]].x
            CHECK-NEXT: %[[SG:\d+]]: double = stopgradient %[[SQ]]
            CHECK-NOT: call
            CHECK: mul %[[SG]], %[[X]].x
            CHECK: convert %{{\d+}}.n
            """);
    }

    [Fact]
    public void ASliceOfAnArrayPassedAsAReadOnlySpan_IsOneView()
    {
        var ir = TestLowering.Lower("""
            [Differentiable]
            public static double Ends(ReadOnlySpan<double> x) => x[0] * x[^1];

            [Differentiable]
            public static double F(double[] a, int k) => Ends(a.AsSpan(k, 2));
            """).PrintIr();
        FileCheck.Check(ir, """
            CHECK: func F(%[[A:\d+]].a: double[], %[[K:\d+]].k: int) -> double {
            CHECK: %[[S:\d+]].a_slice: global::System.ReadOnlySpan<double> = slice %[[A]].a, %[[K]].k, %{{\d+}}
            CHECK-NOT: = slice
            CHECK: array.load %[[S]].a_slice, %{{\d+}}
            CHECK: %[[N:\d+]]: int = member Length of %[[S]].a_slice
            CHECK: %[[LAST:\d+]]: int = sub %[[N]], %{{\d+}}
            CHECK: array.load %[[S]].a_slice, %[[LAST]]
            """);
    }

    [Fact]
    public void FileCheck_FailsOnAMissingLine()
    {
        // The checker itself must be able to fail, or every test above would pass vacuously.
        var ir = TestLowering.Lower("[Differentiable] public static double F(double x) => x * x;").PrintIr();
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FileCheck.Check(ir, "CHECK: call System.Math.Sin"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FileCheck.Check(ir, "CHECK: func F\nCHECK-NOT: mul\nCHECK: return"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FileCheck.Check(ir, "CHECK: mul %[[X:\\d+]].x\nCHECK-NEXT: func"));
    }
}
