// Code over differentiable structs and System.Numerics vectors (issue 4 §2, §3): field reads and writes,
// struct locals, object initializers, `with`, positional records, struct results, calls passing structs.
using System;
using System.Numerics;
using Nabla.Tests.Types;

namespace Nabla.Tests.StructCode;

[Differentiable]
public partial struct Body
{
    public double Mass;
    public double Height;
    [NoDerivative] public int Id;
}

[Differentiable]
public partial struct State
{
    public double Position;
    public double Velocity;
}

[Differentiable]
public partial record struct Params(double Stiffness, double Damping);

[Differentiable]
public partial struct Spring
{
    public double K;
    public double Rest;

    [Differentiable]
    public double Energy(double x)
    {
        var d = x - Rest;
        return 0.5 * K * d * d;
    }

    [Differentiable]
    public double Force(double x) => -K * (x - Rest);

    /// <summary>Calls on 'this', implicit and explicit.</summary>
    [Differentiable]
    public double Total(double x) => Energy(x) + this.Force(x) * 0.1;

    [Differentiable(Wrt = "x")]
    public double EnergyInX(double x) => Energy(x);
}

public static partial class StructFunctions
{
    [Differentiable]
    public static double PotentialEnergyOfSpring(Spring s) => s.Energy(1.0) + s.K;

    [Differentiable]
    public static double UseSpring(Spring s, double x) => s.Energy(x) * s.K + s.Total(x * 2);

    [Differentiable]
    public static float PredictThroughMethod(Perceptron m, Vector2 input) => m.Predict(input) * m.Predict(input);

    [Differentiable]
    public static double PotentialEnergy(Body b) => b.Mass * 9.81 * b.Height;

    [Differentiable]
    public static double ParticleEnergy(Particle p) => 0.5 * p.V * p.V + p.X * p.Id;

    [Differentiable]
    public static double Mixed(Body b, double g) => b.Mass * g * Math.Sin(b.Height);

    [Differentiable]
    public static double LocalCopy(Body b)
    {
        var c = b;
        c.Mass = c.Mass * 2;
        c.Height += b.Mass;
        return c.Mass * c.Height;
    }

    [Differentiable]
    public static State Step(State s, Params p, double dt)
    {
        double a = -p.Stiffness * s.Position - p.Damping * s.Velocity;
        return new State { Position = s.Position + dt * s.Velocity, Velocity = s.Velocity + dt * a };
    }

    [Differentiable]
    public static double Simulate(Params p, double x0)
    {
        var s = new State { Position = x0, Velocity = 0 };
        for (int k = 0; k < 20; k++)
            s = Step(s, p, 0.05);
        return s.Position * s.Position + s.Velocity;
    }

    [Differentiable]
    public static double WithExpression(State s)
    {
        var t = s with { Velocity = s.Velocity * 3 };
        return t.Position * t.Velocity;
    }

    [Differentiable]
    public static double Positional(double k, double c)
    {
        var p = new Params(k, c);
        var q = p with { Damping = p.Damping * k };
        return q.Stiffness * q.Damping;
    }

    [Differentiable]
    public static double Branchy(State s)
    {
        State t = default;
        if (s.Position > 0) t.Position = s.Position * s.Velocity;
        else t = s;
        t.Velocity += 1;
        return t.Position + t.Velocity * t.Velocity;
    }

    [Differentiable]
    public static double Nested(Pendulum p) => p.Bob.X * p.Length + p.Bob.V * p.Range.Hi - p.Range.Lo;

    [Differentiable]
    public static Vector3 VectorOps(Vector3 a, Vector3 b, float s) => a * s + b / 2f - a * b;

    [Differentiable]
    public static float VectorMath(Vector3 a, Vector3 b) =>
        Vector3.Dot(a, b) + a.Length() + Vector3.Distance(a, b) + Vector3.Cross(a, b).Y + Vector3.Normalize(a).X + Vector3.Lerp(a, b, 0.25f).Z;

    [Differentiable]
    public static float Predict(Perceptron m, Vector2 input) => Vector2.Dot(m.Weight, input) + m.Bias;
}

/// <summary>A model with array members (weights) and a scalar: arrays are leaves shared by reference.</summary>
[Differentiable]
public partial struct LinearModel
{
    public double[] Weights;
    public double Bias;
    [NoDerivative] public double[] Scale;

    [Differentiable]
    public double Predict(double[] x)
    {
        double s = Bias;
        for (int i = 0; i < Weights.Length; i++) s += Weights[i] * x[i] * Scale[i];
        return s;
    }
}

public static partial class ArrayMemberFunctions
{
    [Differentiable]
    public static double Loss(LinearModel m, [NoDerivative] double[] x, double y)
    {
        double e = m.Predict(x) - y;
        double penalty = 0;
        for (int i = 0; i < m.Weights.Length; i++) penalty += m.Weights[i] * m.Weights[i];
        return e * e + 0.1 * penalty;
    }

    [Differentiable]
    public static double Direct(LinearModel m) => m.Weights[0] * m.Weights[1] + Math.Exp(m.Bias) * m.Weights[2];
}

/// <summary>Generic math: one source, derivatives for double and float.</summary>
public static partial class GenericMath
{
    [Differentiable]
    public static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> => T.Log(T.One + T.Exp(x));

    [Differentiable]
    public static T Polynomial<T>(T x, T y) where T : IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        T power = T.One;
        for (int k = 0; k < 4; k++)
        {
            s += T.CreateChecked(k + 1) * power * y;
            power *= x;
        }
        return s / (T.One + x * x) + T.Sin(x * y) - T.Sqrt(T.Abs(y) + T.CreateChecked(0.5));
    }

    [Differentiable]
    public static T Norm<T>(T[] v) where T : IFloatingPointIeee754<T>
    {
        T s = T.Zero;
        for (int i = 0; i < v.Length; i++) s += v[i] * v[i];
        return s > T.Zero ? T.Sqrt(s) : T.Zero;
    }

    /// <summary>Calls a generic method at double.</summary>
    [Differentiable]
    public static double UsesSoftplus(double x) => Softplus(x) * Softplus(2 * x);
}

/// <summary>A differentiable class: reference semantics, its members read where the code reads them.</summary>
[Differentiable]
public partial class Layer
{
    public double[] W = Array.Empty<double>();
    public double B;
    public Vector2 Offset;
    [NoDerivative] public int Id;

    [Differentiable]
    public double Apply(double[] x)
    {
        double s = B + Offset.X * Offset.Y;
        for (int i = 0; i < W.Length; i++) s += W[i] * x[i];
        return Math.Tanh(s);
    }
}

/// <summary>A subclass: the base class's members come first in its tangent.</summary>
[Differentiable]
public partial class ScaledLayer : Layer
{
    public double Gain;

    [Differentiable]
    public double Scaled(double[] x) => Gain * Apply(x) + B;
}

public static partial class ClassFunctions
{
    [Differentiable]
    public static double Loss(Layer l, [NoDerivative] double[] x) => l.Apply(x) * l.B + l.W[0] * l.Offset.Y;

    [Differentiable]
    public static double Pick(Layer a, Layer b, [NoDerivative] bool first)
    {
        var l = first ? a : b;
        return l.B * l.B + a.Offset.X * a.W[1] + l.Offset.Y;
    }

    /// <summary>Two references to one object: one tangent.</summary>
    [Differentiable]
    public static double TwoReferences(Layer a)
    {
        var b = a;
        return a.B * b.B + Math.Sin(b.Offset.X);
    }

    [Differentiable]
    public static double Subclass(ScaledLayer l, [NoDerivative] double[] x) => l.Scaled(x) * l.Gain;
}

/// <summary>Calls into another assembly's differentiable struct code.</summary>
public static partial class CrossAssemblyStructs
{
    [Differentiable]
    public static double Energy(Nabla.Tests.Library.LibParticle p)
    {
        var q = Nabla.Tests.Library.LibPhysics.Drift(p, 0.1f);
        q = Nabla.Tests.Library.LibPhysics.Drift(q, 0.2f);
        return Nabla.Tests.Library.LibPhysics.KineticEnergy(q) + q.Position.Y * q.Mass + p.Momentum();
    }
}

/// <summary>A [Differentiable] constructor and [Differentiable] property getters.</summary>
[Differentiable]
public partial struct Polar
{
    public double Radius;
    public double Angle;

    [Differentiable]
    public Polar(double x, double y)
    {
        Radius = Math.Sqrt(x * x + y * y);
        Angle = Math.Atan2(y, x);
    }

    [Differentiable]
    public double X => Radius * Math.Cos(Angle);

    [Differentiable]
    public double Y
    {
        get { return Radius * Math.Sin(Angle); }
    }
}

public static partial class ConstructorsAndProperties
{
    [Differentiable]
    public static double RoundTrip(double x, double y)
    {
        var p = new Polar(x, y);
        p.Angle += 0.5;
        return p.X * p.Y + p.Radius;
    }

    [Differentiable]
    public static double ReadProperties(Polar p) => p.X * 2 + p.Y * p.Y;
}

/// <summary>A struct whose methods change it in place (they take 'ref this').</summary>
[Differentiable]
public partial struct Body2D
{
    public Vector2 Position;
    public Vector2 Velocity;
    public float Drag;

    [Differentiable]
    public void Step(float dt)
    {
        var acceleration = -Drag * Velocity + new Vector2(0, -9.81f);
        Velocity += acceleration * dt;
        Position += Velocity * dt;
    }

    [Differentiable]
    public void Bounce()
    {
        if (Position.Y < 0)
        {
            Position.Y = -Position.Y;
            Velocity.Y = -0.8f * Velocity.Y;
        }
    }
}

public static partial class MutatingMethods
{
    [Differentiable]
    public static float Flight(Body2D b, float dt)
    {
        for (int k = 0; k < 30; k++)
        {
            b.Step(dt);
            b.Bounce();
        }
        return b.Position.X + b.Position.Y * b.Position.Y;
    }
}

/// <summary>Arrays of differentiable structs and of vectors.</summary>
public static partial class StructArrays
{
    [Differentiable]
    public static double Energy(Particle[] ps, double k)
    {
        double e = 0;
        for (int i = 0; i < ps.Length; i++)
        {
            e += 0.5 * ps[i].V * ps[i].V;
            if (i > 0)
            {
                double d = ps[i].X - ps[i - 1].X;
                e += 0.5 * k * d * d;
            }
        }
        return e;
    }

    /// <summary>Steps the particles in place (element members written), then sums.</summary>
    [Differentiable]
    public static double Advance(Particle[] ps, double dt)
    {
        for (int i = 0; i < ps.Length; i++)
        {
            ps[i].X += ps[i].V * dt;
            ps[i].V *= 0.9;
        }
        double s = 0;
        foreach (var p in ps) s += p.X * p.X + p.V;
        return s;
    }

    [Differentiable]
    public static float Centroid(Vector3[] points, Vector3 target)
    {
        var sum = Vector3.Zero;
        for (int i = 0; i < points.Length; i++) sum += points[i];
        var c = sum / points.Length;
        return Vector3.DistanceSquared(c, target);
    }

    /// <summary>Builds a local array of structs from the input.</summary>
    [Differentiable]
    public static double Local(double a, double b)
    {
        var ps = new State[3];
        for (int i = 0; i < 3; i++) ps[i] = new State { Position = a * i, Velocity = b + i };
        double s = 0;
        for (int i = 0; i < 3; i++) s += ps[i].Position * ps[i].Velocity;
        return s;
    }
}

public static partial class Quaternions
{
    /// <summary>Rotates v by the unit quaternion of q (normalized first): q v q*, and measures the result.</summary>
    [Differentiable]
    public static float Rotated(Quaternion q, Vector3 v)
    {
        var u = Quaternion.Normalize(q);
        var p = u * new Quaternion(v.X, v.Y, v.Z, 0) * Quaternion.Conjugate(u);
        return p.X + 2 * p.Y * p.Z + Quaternion.Dot(u, Quaternion.Inverse(q)) + Quaternion.Concatenate(q, u).W;
    }
}

/// <summary>Value tuples in differentiable code: locals, deconstruction, results.</summary>
public static partial class Tuples
{
    [Differentiable]
    public static (double R, double Angle) ToPolar(double x, double y) => (Math.Sqrt(x * x + y * y), Math.Atan2(y, x));

    [Differentiable]
    public static double UsesTuples(double x, double y)
    {
        var (r, angle) = ToPolar(x, y);
        var t = (Scaled: r * 2, angle);
        (double a, double b) swapped = (t.angle, t.Scaled);
        return swapped.a * swapped.b + t.Item1;
    }
}

public static partial class StructRegressions
{
    /// <summary>A compound assignment to a struct member whose right-hand side branches (the CFG captures the member as a place).</summary>
    [Differentiable]
    public static double CompoundWithConditional(double x, double y)
    {
        var s = new State { Position = x, Velocity = y };
        s.Position *= x > 0 ? Math.Sin(y) : Math.Cos(y);
        s.Velocity += y > 1 ? x * x : -x;
        return s.Position * s.Velocity;
    }
}
