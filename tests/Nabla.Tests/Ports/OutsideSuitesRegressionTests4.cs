// What the fourth round of outside suites found (session 22: API.md round 3 leftovers, and the suites of that session),
// each against closed forms.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

public static partial class GenericHosts
{
    public static double Twice<TAny>(double x) => Gradient(t => t * t, x);

    public static double Scaled<TData>(TData data, double x) where TData : IScaled
    {
        double scale = data.Scale;
        return Gradient(t => scale * t * t, x);
    }

    public static double NestedInALambda<T>(double x)
    {
        double k = 2;
        Func<double> f = () => Derivative(t => k * Math.Sin(t) * x, x);
        return f();
    }
}

public interface IScaled { double Scale { get; } }
public sealed class ScaledBy3 : IScaled { public double Scale => 3; }
public sealed class ScaledBy5 : IScaled { public double Scale => 5; }

public class OutsideSuitesRegressionTests4
{
    [Fact]
    public void LambdaInAGenericMethod_IsDifferentiated_ForEveryInstantiation()
    {
        // Was NABLA0013 "lambdas inside generic methods are not supported yet".
        Assert.Equal(4.0, GenericHosts.Twice<int>(2.0));
        Assert.Equal(6.0, GenericHosts.Twice<string>(3.0));
        Assert.Equal(12.0, GenericHosts.Scaled(new ScaledBy3(), 2.0));
        Assert.Equal(20.0, GenericHosts.Scaled(new ScaledBy5(), 2.0));
        Assert.Equal(2 * Math.Cos(1.5) * 1.5, GenericHosts.NestedInALambda<int>(1.5), 14);
    }

    [Fact]
    public void LambdaHeldInALocal_IsDifferentiated_WithItsCapturesReadAtEachCall()
    {
        // Was a NotDifferentiableException naming the compiler's closure method.
        Func<double, double> square = t => t * t;
        Assert.Equal(6.0, Gradient(square, 3.0));
        double a = 2;
        Func<double, double> cubic = t => a * t * t * t;
        Assert.Equal(6.0, Derivative(cubic, 1.0));
        a = 3;
        Assert.Equal(9.0, Derivative(cubic, 1.0));
        Func<double[], double> weightedNorm = v => { double s = 0; foreach (var e in v) s += a * e * e; return s; };
        Assert.Equal(new[] { 6.0, 12.0 }, Gradient(weightedNorm, new[] { 1.0, 2.0 }));
        var h = Hessian(weightedNorm, new[] { 1.0, 2.0 });
        Assert.Equal(new[,] { { 6.0, 0 }, { 0, 6.0 } }, h);
    }

    [Fact]
    public void LambdaInALocalAssignedTwice_NamesTheLambdaInTheException()
    {
        Func<double, double> f = t => t;
        f = t => 3 * t;
        var e = Assert.Throws<NotDifferentiableException>(() => Gradient(f, 3.0));
        Assert.Equal("a lambda in " + typeof(OutsideSuitesRegressionTests4).FullName + ".LambdaInALocalAssignedTwice_NamesTheLambdaInTheException", e.MethodName);
        Assert.Contains("pass the lambda to the operator where it is written", e.Message);
    }
}
