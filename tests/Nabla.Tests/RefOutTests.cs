// ref, out and in parameters: the ref value's cotangent comes back through ref, checked against closed forms.
using System;
using Xunit;

namespace Nabla.Tests;

public class RefOutTests
{
    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(-1.2, 0.4)]
    public void RefParameterIsAnInputAndAnOutput(double x0, double y)
    {
        // Forward mode: tangents of the result and of x's final value.
        double x = x0, dx = 1;
        var (value, dValue) = RefOutFunctions.Update_Jvp(ref x, y, ref dx, 0);
        Assert.Equal(x0 * y, value, 14);
        Assert.Equal(x0 * y + Math.Sin(x0), x, 14);
        Assert.Equal(y, dValue, 14);
        Assert.Equal(y + Math.Cos(x0), dx, 14);

        // Reverse mode: seed the result with 1 and x's final value with 2.
        x = x0;
        RefOutFunctions.Update_Primal(ref x, y, out var residuals);
        double dxBar = 2;
        double dy = RefOutFunctions.Update_Pullback(in residuals, 1, ref dxBar);
        Assert.Equal(y + 2 * (y + Math.Cos(x0)), dxBar, 14);
        Assert.Equal(x0 + 2 * x0, dy, 14);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(-2.0)]
    public void OutParametersAreOutputs(double x)
    {
        var (value, tangent) = RefOutFunctions.Powers_Jvp(x, out double sq, out double cu, 1, out double dsq, out double dcu);
        Assert.Equal(x * x + x * x * x, value, 14);
        Assert.Equal(2 * x + 3 * x * x, tangent, 14);
        Assert.Equal(2 * x, dsq, 14);
        Assert.Equal(3 * x * x, dcu, 14);
        RefOutFunctions.Powers_Primal(x, out _, out _, out var residuals);
        double dSquare = 0.5, dCube = -1;
        double dx = RefOutFunctions.Powers_Pullback(in residuals, 1, ref dSquare, ref dCube);
        Assert.Equal((2 * x + 3 * x * x) + 0.5 * 2 * x - 3 * x * x, dx, 12);
    }

    [Fact]
    public void InParameterIsByValue()
    {
        var (value, gradient) = RefOutFunctions.InParameter_ValueWithGradient(3, 2);
        Assert.Equal(18, value);
        Assert.Equal((12.0, 9.0), gradient);
    }

    [Theory]
    [InlineData(0.3, 1.1)]
    [InlineData(1.5, -0.6)]
    public void CallsThroughRefAndOutMatchFiniteDifferences(double a, double b)
    {
        var (value, (da, db)) = RefOutFunctions.Caller_ValueWithGradient(a, b);
        Assert.Equal(RefOutFunctions.Caller(a, b), value);
        double h = 1e-6;
        Assert.Equal((RefOutFunctions.Caller(a + h, b) - RefOutFunctions.Caller(a - h, b)) / (2 * h), da, 6);
        Assert.Equal((RefOutFunctions.Caller(a, b + h) - RefOutFunctions.Caller(a, b - h)) / (2 * h), db, 6);
        Assert.Equal(da, RefOutFunctions.Caller_Jvp(a, b, 1, 0).Tangent, 12);
        Assert.Equal(db, RefOutFunctions.Caller_Jvp(a, b, 0, 1).Tangent, 12);
    }

    [Fact]
    public void RefAccumulatorInALoop()
    {
        var x = new[] { 1.0, -2.0, 0.5 };
        var (value, (dx, dStart)) = RefOutFunctions.CallsAccumulate_ValueWithGradient(x, 0.25);
        double t = 0.25 + 1 + 4 + 0.25;
        Assert.Equal(t * t, value, 12);
        Assert.Equal(2 * t, dStart, 12);
        for (int i = 0; i < x.Length; i++) Assert.Equal(2 * t * 2 * x[i], dx[i], 12);
    }
}
