// NABLA0015: second derivatives requested where they cannot be generated, reported at [HessianOf] or at the
// method group passed to Hessian.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0015Tests
{
    [Fact]
    public void MixedArrayAndScalarInputs_OnHessianOf()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double[] x, double y) => x[0] * y;

                [{|NABLA0015:HessianOf(nameof(F))|}]
                public static partial double[,] FHessian(double[] x, double y);
            """));
        Assert.Equal("Second derivatives of 'F' cannot be generated: Hessians need one array input, real scalar inputs of one type, or one differentiable struct without array members", run.Message("NABLA0015"));
    }

    [Fact]
    public void HessianOf_Compiles()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double[] x) { double s = 0; for (int i = 0; i < x.Length; i++) s += Math.Sin(x[i]) * x[i]; return s; }

                [HessianOf(nameof(F))]
                public static partial double[,] FHessian(double[] x);

                public static double[] G(double[] x, double[] v) => Autodiff.HessianVectorProduct(F, x, v);
                public static double H(double x) => Autodiff.Hessian(t => Math.Exp(t) * Math.Cos(t), x);
            """));
    }

    [Fact]
    public void HessianOperatorsOnAStruct_Compile()
    {
        // The struct's tangent is generated: in the generator's view HessianVectorProduct's direction has no type yet.
        Verify(Usings + """

            [Differentiable]
            public partial struct S { public double A; public double B; }

            public static partial class C
            {
                [Differentiable]
                public static double F(S s) => s.A * s.A * s.B + Math.Sin(s.B);

                public static double[,] H(S s, double k) => Autodiff.Hessian(q => k * F(q), s);
                public static double[,] HGroup(S s) => Autodiff.Hessian(F, s);
                public static S.Tangent Hv(S s, S.Tangent v, double k) => Autodiff.HessianVectorProduct(q => { double t = k * F(q); return t * t; }, s, v);
                public static S.Tangent HvGroup(S s, S.Tangent v) => Autodiff.HessianVectorProduct(F, s, v);
            }
            """);
    }

    [Fact]
    public void HessianOperatorOnAClass()
    {
        var run = Verify(Usings + """

            [Differentiable]
            public partial class M { public double A; }

            public static partial class C
            {
                [Differentiable]
                public static double F(M m) => m.A * m.A;

                public static double[,] H(M m) => Autodiff.Hessian({|NABLA0015:F|}, m);
            }
            """);
        Assert.Contains("one differentiable struct without array members", run.Message("NABLA0015"));
    }

    [Fact]
    public void ScalarsOfTwoTypes()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, float y) => x * y;

                [{|NABLA0015:HessianOf(nameof(F))|}]
                public static partial double[,] FHessian(double x, float y);
            """));
        Assert.Contains("real scalar inputs of one type", run.Message("NABLA0015"));
    }
}
