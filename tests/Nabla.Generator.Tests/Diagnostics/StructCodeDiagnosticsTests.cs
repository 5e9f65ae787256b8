// What code over differentiable structs does not support yet is NABLA0002 (or NABLA0004 for a signature) at the exact
// construct, never a silently lost derivative.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class StructCodeDiagnosticsTests
{
    private const string Types = """
        [Differentiable]
        public partial struct S
        {
            public double A;
            public double B;
            public double Sum => A + B;
            public S(double a) { A = a; B = 2 * a; }

            [Differentiable]
            public double Scale(double k) { {|NABLA0002:A|} = A * k; return A + B; }
        }

        """;

    [Fact]
    public void ChangingThis_IsReportedAtTheWrite()
    {
        var run = Verify(Usings + Types);
        Assert.StartsWith("changing 'this' in a [Differentiable] struct method that returns a value is not supported", run.Message("NABLA0002"));
    }

    private static string WithTypes(string members) =>
        Types.Replace("{ {|NABLA0002:A|} = A * k; return A + B; }", "{ var c = this; c.A = A * k; return c.A + B; }") + InClass(members).Replace(Usings, "");

    [Fact]
    public void ComputedProperty_IsReportedAtTheRead()
    {
        var run = Verify(Usings + WithTypes("""
                [Differentiable]
                public static double F(S s) => {|NABLA0002:s.Sum|} * 2;
            """));
        Assert.StartsWith("the computed property 'Sum' of S is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void UserConstructor_IsReportedAtTheCreation()
    {
        var run = Verify(Usings + WithTypes("""
                [Differentiable]
                public static double F(double x) { var s = {|NABLA0002:new S(x)|}; return s.A * s.B; }
            """));
        Assert.Contains("object initializer", run.Message("NABLA0002"));
    }

    [Fact]
    public void TwoDimensionalArrayOfVectorsAsInput_IsReportedAtTheParameter()
    {
        var run = Verify(Usings + "using System.Numerics;\n" + WithTypes("""
                [Differentiable]
                public static float F(Vector3[,] {|NABLA0002:points|}) => points[0, 0].X;
            """));
        Assert.StartsWith("this array of System.Numerics.Vector3 as a differentiation input is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void StoringADifferentiatedStructIntoATwoDimensionalArray_IsReported()
    {
        var run = Verify(Usings + WithTypes("""
                [Differentiable]
                public static double F(S s, [NoDerivative] S[,] into)
                {
                    {|NABLA0002:into[0, 0] = s;|}
                    return s.A;
                }
            """));
        Assert.StartsWith("storing a differentiated", run.Message("NABLA0002"));
    }

    [Fact]
    public void ArraysOfStructsAndVectors_AsInputs_Work()
    {
        Verify(Usings + "using System.Numerics;\n" + WithTypes("""
                [Differentiable]
                public static double F(S[] ss, Vector3[] points)
                {
                    double t = 0;
                    for (int i = 0; i < ss.Length; i++) { ss[i].A *= 2; t += ss[i].A * points[i].Y; }
                    return t;
                }
            """));
    }

    [Fact]
    public void StructByRef_IsReportedAtTheParameter()
    {
        var run = Verify(Usings + WithTypes("""
                [Differentiable]
                public static double F(ref S {|NABLA0002:s|}) => s.A;
            """));
        Assert.StartsWith("a struct passed by ref or out is not supported", run.Message("NABLA0002"));
    }

    [Fact]
    public void ArraysOfVectorsAsData_AndVectorFields_Work()
    {
        Verify(Usings + "using System.Numerics;\n" + WithTypes("""
                [Differentiable]
                public static float F(Vector3 v, [NoDerivative] Vector3[] points)
                {
                    float s = 0;
                    for (int i = 0; i < points.Length; i++) s += Vector3.Dot(v, points[i]) + points[i].Y * v.Z;
                    return s;
                }
            """));
    }
}
