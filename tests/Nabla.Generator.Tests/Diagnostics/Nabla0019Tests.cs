// NABLA0019 (error): a varied real boxed (converted to object, an interface, ValueType or Nullable) whose boxed
// value still reaches the result: what is read back from the box carries no derivative, so the derivative
// would be silently wrong. Reported at the conversion (an implicit one at the converted expression).
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0019Tests
{
    [Fact]
    public void UnboxedValue_IsReportedAtTheBoxingConversion()
    {
        var run = Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    object o = {|NABLA0019:x|};
                    return (double)o * x;
                }
            """));
        string message = run.Message("NABLA0019");
        Assert.Contains("converted to 'object'", message);
        Assert.Contains("differentiation input of 'F'", message);
        Assert.Contains("Autodiff.WithoutDerivative(...)", message);
        // An error: nothing is generated for F (it would differentiate x * x as x).
        Assert.DoesNotContain(run.Generated.Keys, k => k.Contains("C.F.", System.StringComparison.Ordinal));
    }

    [Fact]
    public void ActiveArrayAsAnIEnumerable_IsReported_AndLinqReductionsAreNot()
    {
        // Was a silent zero: the callee's result depends on the array's contents, which it reads as an IEnumerable.
        var run = Verify(InClass("""
                static double MySum(IEnumerable<double> v) { double s = 0; foreach (var e in v) s += e; return s; }

                [Differentiable]
                public static double F(double[] v) => v[0] + MySum({|NABLA0019:v|});

                [Differentiable]
                public static double G(double[] v) => v[0] + System.Linq.Enumerable.Sum(v) * System.Linq.Enumerable.Max(v);
            """));
        Assert.Contains("converted to 'System.Collections.Generic.IEnumerable<double>'", run.Message("NABLA0019"));
    }

    [Fact]
    public void ArgumentToAnObjectParameter_And_ExplicitCasts_AreReported()
    {
        Verify(InClass("""
                static double Twice(object o) => 2 * (double)o;

                [Differentiable]
                public static double F(double x) => Twice({|NABLA0019:x * x|}) + x;

                [Differentiable]
                public static double G(double x) => ({|NABLA0019:(IComparable)x|}).CompareTo(0.0) + x;

                [Differentiable]
                public static double H(double x) { double? y = {|NABLA0019:x|}; return y.Value; }
            """));
    }

    [Fact]
    public void BoxedValueThatDoesNotReachTheResult_IsNotAnError()
    {
        Verify(InClass("""
                [Differentiable]
                public static double F(double x)
                {
                    Console.WriteLine(x);
                    object o = x;
                    string s = string.Format("{0}", o);
                    return x * x;
                }

                [Differentiable]
                public static double G(double x) { object o = Autodiff.WithoutDerivative(x); return (double)o * x; }
            """));
    }
}
