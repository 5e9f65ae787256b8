// The differentiable types of the end-to-end tests (issue 4): structs, classes with a base class,
// records, nested types, vectors, arrays, tuples, a generic type and API.md §4's Perceptron.
using System.Numerics;
using Nabla.Tests.Library;

namespace Nabla.Tests.Types;

[Differentiable]
public partial struct Particle
{
    public double X;
    [NoDerivative] public int Id;
    public double V;
    public string Label;            // data: no tangent, no diagnostic
    public static double Gravity;   // static: not a member of the tangent
    public const double C = 1;
}

[Differentiable]
public partial class Shape
{
    public double Area;
    public double[] Corners = System.Array.Empty<double>();
    protected double Depth;
    public double DepthValue => Depth;
    public void SetDepth(double d) => Depth = d;
}

[Differentiable]
public partial class Circle : Shape
{
    public double Radius { get; set; }
    public bool Filled;
}

[Differentiable]
public partial record struct Interval(double Lo, double Hi)
{
    [NoDerivative] public int Tag { get; set; }
}

[Differentiable]
public partial record class Segment
{
    public double Start { get; set; }
    public Vector3 Direction { get; set; }
    public double[] Weights { get; set; } = System.Array.Empty<double>();
}

[Differentiable]
public partial record class LabeledSegment : Segment
{
    public double Offset;
    public string Label = "";
}

[Differentiable]
public partial struct Pendulum
{
    public Particle Bob;
    public double Length;
    public Interval Range { get; set; }
}

[Differentiable]
public partial struct Kinematics
{
    public Vector2 Position;
    public Vector3 Velocity;
    public Vector4 Color;
}

[Differentiable]
public partial class Cloud
{
    public double[] Xs = System.Array.Empty<double>();
    public Particle[] Particles = System.Array.Empty<Particle>();
    public double[][] Rows = System.Array.Empty<double[]>();
    public Vector3[] Points = System.Array.Empty<Vector3>();
    public double[,] Grid = new double[0, 0];
    public Shape Outline = new Shape();
}

[Differentiable]
public partial struct Tupled
{
    public (double A, float B) Pair;
    public (Vector2, double[]) Mixed;
    public (int, string) Data;   // all data: silent
}

/// <summary>API.md §4's Perceptron.</summary>
[Differentiable]
public partial struct Perceptron
{
    public Vector2 Weight;
    public float Bias;
    [NoDerivative] public int Seed;

    [Differentiable]
    public float Predict(Vector2 input) => Vector2.Dot(Weight, input) + Bias;
}

[Differentiable]
public partial struct Pair<T> where T : System.Numerics.IFloatingPointIeee754<T>
{
    public T First;
    public T Second;
    public T[] Rest;
}

[Differentiable]
public partial struct UsesLibrary
{
    public LibPoint Point;
    public Pair<double> Pair;
    public double Scale;
}

[Differentiable]
public partial class Planet : LibBody
{
    public double Radius;
}

public static partial class Outer
{
    [Differentiable]
    public partial struct Inner
    {
        public double Value;
    }
}
