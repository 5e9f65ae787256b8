// Differentiable types compiled in another assembly: the tests' assembly nests them and derives from
// them, so the generator must find them through metadata (the attribute on the type, the compiled Tangent).
using System.Numerics;

namespace Nabla.Tests.Library;

/// <summary>A differentiable struct from another assembly, nested in the tests' types.</summary>
[Differentiable]
public partial struct LibPoint
{
    public double X;
    public Vector2 Velocity;
    public double[] History;
}

/// <summary>A differentiable class from another assembly, a base class in the tests' types.</summary>
[Differentiable]
public partial class LibBody
{
    public double Mass;
    public float[] Charges = System.Array.Empty<float>();
    [NoDerivative] public string Name = "";
}
