// NABLA0009: a differentiated value flows into an object Nabla does not track (a method without derivative returning
// an object, a constructor of one); an array made from data and written with differentiated values later is fine.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0009Tests
{
    [Fact]
    public void CloneOfATwoDimensionalArrayWithDerivatives_IsReportedAtTheCall()
    {
        // The copy Clone returns would hold the values without their derivatives (a double[] or float[] clone is
        // lowered to Nabla's differentiable copy instead).
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double[,] x) { var y = (double[,]){|NABLA0009:x.Clone()|}; return y[0, 0] * y[0, 1]; }

                [Differentiable]
                public static double G(double[] x) { var y = (double[])x.Clone(); y[0] *= 2; return y[0] * y[1]; }
            """));
        Assert.Equal("A value that depends on a differentiation input of 'F' flows into 'System.Array.Clone' (a method returning object), whose derivative Nabla does not track: compute with double, float or arrays, or wrap the value in Autodiff.WithoutDerivative(...) if its derivative should not count", run.Message("NABLA0009"));
    }

    [Fact]
    public void ConstructorOfAClassInADeclaration_IsReportedAtTheNew()
    {
        // Was the whole declarator (b = new Box(x * 3)).
        Verify(Usings + """
            public class Box { public double V; public Box(double v) { V = v; } }
            public static partial class C
            {
                [Differentiable]
                public static double F(double x)
                {
                    var b = {|NABLA0009:new Box(x * 3)|};
                    return b.V + x;
                }
            }
            """);
    }

    [Fact]
    public void ObjectBuiltFromADifferentiatedValue_IsReportedAtTheCall()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x) => {|NABLA0009:Tuple.Create(x * x, 1)|}.Item1;
            """));
        Assert.Contains("flows into 'System.Tuple.Create'", run.Message("NABLA0009"));
    }

    [Fact]
    public void ArrayFromDataWrittenWithDerivativesLater_IsFine()
    {
        // A clone of data and an array a plain method makes: their derivatives start at zero where they are made.
        var run = Verify(InClass("""
                public static double[] Zeros(int n) => new double[n];

                [Differentiable]
                public static double F(double p, [NoDerivative] double[] start)
                {
                    var u = (double[])start.Clone();
                    var v = Zeros(2);
                    u[0] = u[0] * p;
                    v[1] = p * p;
                    return u[0] + v[1];
                }
            """));
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void DataObjectInitializer_IsDataUnlessADifferentiatedValueGoesIn()
    {
        // An options object built with an initializer is data; a differentiated value set into it would be lost.
        var run = Verify(InClass("""
                public struct Options { public int Steps; public double Scale; }
                public class Settings { public int Iterations { get; set; } = 2; public double Tolerance; }

                [Differentiable]
                public static double F(double x)
                {
                    var o = new Options { Steps = 3, Scale = 0.5 };
                    var s = new Settings { Tolerance = 1e-3 };
                    double y = x;
                    for (int i = 0; i < o.Steps + s.Iterations; i++) y *= x * o.Scale;
                    return y;
                }

                [Differentiable]
                public static double G(double x) { var o = {|NABLA0009:new Options { Steps = 1, Scale = x }|}; return o.Scale * x; }
            """));
        Assert.Equal("A value that depends on a differentiation input of 'G' flows into 'new C.Options' (a constructor), whose derivative Nabla does not track: compute with double, float or arrays, or wrap the value in Autodiff.WithoutDerivative(...) if its derivative should not count", run.Message("NABLA0009"));
    }
}
