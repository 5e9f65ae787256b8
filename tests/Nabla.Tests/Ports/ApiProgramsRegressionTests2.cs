// What the second round of programs written from API.md alone found (session 20), against closed forms.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

[Differentiable]
public partial class ApiBaseLayer
{
    public double Scale;

    [Differentiable]
    public virtual double Apply(double x) => Scale * x * x;
}

[Differentiable]
public partial class ApiDerivedLayer : ApiBaseLayer
{
    public double B;

    [Differentiable]
    public override double Apply(double x) => base.Apply(x) + B * x;
}

public static partial class ApiLayers
{
    [Differentiable]
    public static double Use(ApiBaseLayer layer, double x) => layer.Apply(x);
}

public class ApiProgramsRegressionTests2
{
    [Fact]
    public void OverrideCallingTheBaseMethod()
    {
        // base.Apply(x) dispatched virtually back to the override: a stack overflow in both modes.
        ApiBaseLayer layer = new ApiDerivedLayer { Scale = 0.5, B = 4 };
        Assert.Equal(0.5 * 1.4 + 4, Derivative(x => layer.Apply(x), 0.7), 12);
        Assert.Equal(0.5 * 1.4 + 4, Gradient(x => layer.Apply(x), 0.7), 12);
        var g = Gradient(m => ApiLayers.Use(m, 0.7), layer);
        Assert.Equal(0.49, g.Scale, 12);
        Assert.Equal(0.5 * 0.49 + 4 * 0.7, ApiLayers.Use(layer, 0.7), 12);
    }
}
