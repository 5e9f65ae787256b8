// Virtual [Differentiable] methods (API.md §6): the derivative of a virtual call is the derivative of the override
// that runs, through an abstract base, a virtual base with its own body, and two levels of overrides; checked against
// closed forms, forward against reverse, and central differences.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public abstract partial class Shape
{
    public double Scale = 1;

    /// <summary>Area of the shape at size s: no body here.</summary>
    [Differentiable]
    public abstract double Area(double s);

    /// <summary>A virtual method with a body of its own, overridden by some shapes.</summary>
    [Differentiable]
    public virtual double Perimeter(double s) => 4 * s * Scale;
}

public partial class Square : Shape
{
    [Differentiable]
    public override double Area(double s) => s * s * Scale;
}

public partial class Disk : Shape
{
    [Differentiable]
    public override double Area(double r) => Math.PI * r * r * Scale;

    [Differentiable]
    public override double Perimeter(double r) => 2 * Math.PI * r * Scale;
}

/// <summary>A second level: overrides Disk's override.</summary>
public partial class Ring : Disk
{
    public double Hole = 0.5;

    [Differentiable]
    public override double Area(double r) => Math.PI * (r * r - Hole * Hole) * Scale;
}

public static partial class ShapeCode
{
    /// <summary>Virtual calls in a loop over shapes, with a branch.</summary>
    [Differentiable]
    public static double Total(Shape[] shapes, double s)
    {
        double sum = 0;
        foreach (var shape in shapes)
        {
            double a = shape.Area(s);
            sum += a > 1 ? a * shape.Perimeter(s) : Math.Sin(a);
        }
        return sum;
    }

    [Differentiable]
    public static double One(Shape shape, double s) => shape.Area(s) * s;
}

public class VirtualMethodTests
{
    [Fact]
    public void EachOverride_ItsOwnDerivative()
    {
        Shape[] shapes = { new Square { Scale = 2 }, new Disk(), new Ring { Hole = 0.3 } };
        double s = 1.3;
        // d/ds [A(s)·s] = A'(s)·s + A(s)
        Assert.Equal(2 * 2 * s * s + 2 * s * s, ShapeCode.One_ValueWithGradient(shapes[0], s).Gradient, 12);
        Assert.Equal(2 * Math.PI * s * s + Math.PI * s * s, ShapeCode.One_ValueWithGradient(shapes[1], s).Gradient, 12);
        Assert.Equal(2 * Math.PI * s * s + Math.PI * (s * s - 0.09), ShapeCode.One_ValueWithGradient(shapes[2], s).Gradient, 12);
        foreach (var shape in shapes)
        {
            Assert.Equal(ShapeCode.One_ValueWithGradient(shape, s).Gradient, ShapeCode.One_Jvp(shape, s, 1).Tangent, 12);
            Assert.Equal(ShapeCode.One_ValueWithGradient(shape, s).Gradient, Gradient(x => shape.Area(x) * x, s), 12);
        }
    }

    [Theory]
    [InlineData(0.4)]
    [InlineData(1.7)]
    public void VirtualCallsInALoopWithABranch(double s)
    {
        Shape[] shapes = { new Square(), new Disk { Scale = 0.5 }, new Ring(), new Square { Scale = 3 } };
        var (value, gradient) = ShapeCode.Total_ValueWithGradient(shapes, s);
        Assert.Equal(ShapeCode.Total(shapes, s), value, 13);
        double h = 1e-6;
        Assert.Equal((ShapeCode.Total(shapes, s + h) - ShapeCode.Total(shapes, s - h)) / (2 * h), gradient, 6);
        Assert.Equal(gradient, ShapeCode.Total_Jvp(shapes, s, 1).Tangent, 11);
    }
}
