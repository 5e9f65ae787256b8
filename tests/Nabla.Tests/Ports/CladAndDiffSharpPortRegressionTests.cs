// What the ports of Clad's and DiffSharp's test suites found (session 20), each against closed forms and the other mode.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

[Differentiable]
public partial struct CladUserType
{
    public double[] Data;
    public double K;

    [Differentiable]
    public double M(double i) => Data[0] * i * i + K * Data[1] * i;
}

[Differentiable]
public partial class CladUserClass
{
    public double[] W = Array.Empty<double>();

    [Differentiable]
    public double M(double i) => W[0] * i * i;
}

public class CladAndDiffSharpPortRegressionTests
{
    [Theory]
    [InlineData(3.0)]
    [InlineData(-1.25)]
    public void CapturedStructWithAnArrayMember(double i)
    {
        // The captured receiver is data; its zero tangent was default(Tangent), whose array is null: NullReferenceException
        // in the callee's forward mode (Clad UserDefinedTypes fn5).
        var s = new CladUserType { Data = new[] { 5.0, 2.0 }, K = 3 };
        double expected = 2 * 5.0 * i + 3 * 2.0;
        Assert.Equal(expected, Gradient(x => s.M(x), i), 12);
        Assert.Equal(expected, Derivative(x => s.M(x), i), 12);
        Assert.Equal(expected, Vjp(x => s.M(x), i, 1.0), 12);
        var c = new CladUserClass { W = new[] { 4.0 } };
        Assert.Equal(8 * i, Gradient(x => c.M(x), i), 12);
        Assert.Equal(8 * i, Derivative(x => c.M(x), i), 12);
    }
}
