// Activity analysis, checked on Activity.Print (Swift's lattice): [ACTIVE] = varied (depends on a
// differentiation input) and useful (the result depends on it); [VARIED] and [USEFUL] have one of the
// two; [NONE] neither. Only active values get tangents and adjoints.
using Nabla.Generator.Tests.Harness;
using Xunit;

namespace Nabla.Generator.Tests.IR;

public class ActivityTests
{
    private const string Method = """
        [Differentiable]
        public static double F(double x, double y, [NoDerivative] double k, int n)
        {
            double threshold = k * 2;        // data, read only by a comparison
            double scale = k * n;            // data that scales the result
            double unused = Math.Sin(x);     // depends on x, never reaches the result
            double z = x * y;
            if (z > threshold)
                z = z * scale;
            return z + Autodiff.WithoutDerivative(y * y);
        }
        """;

    [Fact]
    public void InputsAreActive_DataIsNot()
    {
        var m = TestLowering.Lower(Method);
        FileCheck.Check(m.PrintActivity(), """
            CHECK: [ACTIVE] %{{\d+}}.x
            CHECK-NEXT: [ACTIVE] %{{\d+}}.y
            CHECK-NEXT: [USEFUL] %{{\d+}}.k
            CHECK-NEXT: [NONE] %{{\d+}}.n
            """);
    }

    [Fact]
    public void ConstantsAndValuesComputedFromData_AreNotVaried()
    {
        var m = TestLowering.Lower(Method);
        var ir = FileCheck.Check(m.PrintIr(), """
            CHECK: %[[TWO:\d+]]: double = const 2d
            CHECK-NEXT: %[[T:\d+]].threshold: double = mul %{{\d+}}.k, %[[TWO]]
            CHECK: %[[S:\d+]].scale: double = mul %{{\d+}}.k, %{{\d+}}
            CHECK: %[[U:\d+]].unused: double = call System.Math.Sin
            CHECK: %[[Z:\d+]].z: double = mul %{{\d+}}.x, %{{\d+}}.y
            CHECK: %[[YY:\d+]]: double = mul %{{\d+}}.y, %{{\d+}}.y
            CHECK-NEXT: %[[SG:\d+]]: double = stopgradient %[[YY]]
            """);
        // A constant and a data value read only by a comparison: nothing.
        // Data that scales the result is useful but not varied: no derivative work either.
        // A value of x that never reaches the result is varied but not useful.
        // Behind WithoutDerivative, y * y is varied but not useful, and the stop-gradient is not varied.
        FileCheck.Check(m.PrintActivity(), """
            CHECK: [NONE] %[[TWO]]
            CHECK-NEXT: [NONE] %[[T]].threshold
            CHECK: [USEFUL] %[[S]].scale
            CHECK-NEXT: [VARIED] %[[U]].unused
            CHECK-NEXT: [ACTIVE] %[[Z]].z
            CHECK: [VARIED] %[[YY]]
            CHECK-NEXT: [USEFUL] %[[SG]]
            """, ir);
    }

    [Fact]
    public void ResultAndEveryValueOnThePathFromInputs_AreActive()
    {
        var m = TestLowering.Lower(Method);
        var activity = m.PrintActivity();
        FileCheck.Check(activity, """
            CHECK: [ACTIVE] %{{\d+}}.z
            CHECK: [ACTIVE] %{{\d+}}.z
            CHECK: [ACTIVE] %{{\d+}}.result
            CHECK-NOT: [ACTIVE] %{{\d+}}.unused
            """);
        Assert.DoesNotContain("[ACTIVE] %", activity.Split('\n')[2]); // k
    }

    [Fact]
    public void WrtNarrowsTheActiveInputs()
    {
        var m = TestLowering.Lower("""
            [Differentiable]
            public static double F(double x, double y) => x * y + y;
            """, wrt: "y");
        FileCheck.Check(m.PrintActivity(), """
            CHECK: [USEFUL] %{{\d+}}.x
            CHECK-NEXT: [ACTIVE] %{{\d+}}.y
            """);
    }
}
