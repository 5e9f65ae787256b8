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
            """), allowCompilerErrors: true);
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
    public void ScalarsOfTwoTypes()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x, float y) => x * y;

                [{|NABLA0015:HessianOf(nameof(F))|}]
                public static partial double[,] FHessian(double x, float y);
            """), allowCompilerErrors: true);
        Assert.Contains("real scalar inputs of one type", run.Message("NABLA0015"));
    }
}
