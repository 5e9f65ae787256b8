// A differentiable struct and methods over it in another assembly: callers differentiate through them.
using System.Numerics;

namespace Nabla.Tests.Library;

[Differentiable]
public partial struct LibParticle
{
    public Vector3 Position;
    public Vector3 Velocity;
    public double Mass;

    [Differentiable]
    public double Momentum() => Mass * Velocity.Length();
}

public static partial class LibPhysics
{
    [Differentiable]
    public static double KineticEnergy(LibParticle p) => 0.5 * p.Mass * p.Velocity.LengthSquared();

    [Differentiable]
    public static LibParticle Drift(LibParticle p, float dt)
    {
        var q = p;
        q.Position += q.Velocity * dt;
        q.Velocity *= 0.99f;
        return q;
    }
}
