// A 19-parameter model (4 inputs → 3 tanh units → 1 output) written as the generator will synthesize a
// [Differentiable] struct: float and System.Numerics members, a memberwise Tangent, the flat view, Move.
// Hand-written so that the optimizers can be tested and benchmarked on a fixed-shape struct model today.
using System;
using System.Numerics;
using Nabla;

namespace Nabla.Workloads;

/// <summary>A two-layer perceptron with 19 <see cref="float"/> parameters, a differentiable struct.</summary>
public struct TinyMlp : IDifferentiable<TinyMlp, TinyMlp.Tangent>
{
    public Vector4 W0, W1, W2;   // hidden unit weights
    public Vector3 B;            // hidden unit biases
    public Vector3 V;            // output weights
    public float C;              // output bias

    /// <summary><c>V · tanh(W x + B) + C</c>.</summary>
    public readonly float Predict(Vector4 x) =>
        Vector3.Dot(V, new Vector3(MathF.Tanh(Vector4.Dot(W0, x) + B.X), MathF.Tanh(Vector4.Dot(W1, x) + B.Y),
                                   MathF.Tanh(Vector4.Dot(W2, x) + B.Z))) + C;

    public void Move(Tangent direction)
    {
        W0 += direction.W0;
        W1 += direction.W1;
        W2 += direction.W2;
        B += direction.B;
        V += direction.V;
        C += direction.C;
    }

    public readonly Tangent ZeroTangent() => default;

    /// <summary>The tangent: the same members, a vector space with a flat view of 19 scalars in member order.</summary>
    public struct Tangent : ITangent<Tangent>
    {
        public Vector4 W0, W1, W2;
        public Vector3 B;
        public Vector3 V;
        public float C;

        public static Tangent Zero => default;

        public readonly int Count => 19;

        public static Tangent operator +(Tangent a, Tangent b) => new()
        { W0 = a.W0 + b.W0, W1 = a.W1 + b.W1, W2 = a.W2 + b.W2, B = a.B + b.B, V = a.V + b.V, C = a.C + b.C };

        public static Tangent operator -(Tangent a, Tangent b) => new()
        { W0 = a.W0 - b.W0, W1 = a.W1 - b.W1, W2 = a.W2 - b.W2, B = a.B - b.B, V = a.V - b.V, C = a.C - b.C };

        public static Tangent operator -(Tangent a) => new()
        { W0 = -a.W0, W1 = -a.W1, W2 = -a.W2, B = -a.B, V = -a.V, C = -a.C };

        public static Tangent operator *(double scale, Tangent a)
        {
            float s = (float)scale;
            return new() { W0 = s * a.W0, W1 = s * a.W1, W2 = s * a.W2, B = s * a.B, V = s * a.V, C = s * a.C };
        }

        public static double Dot(Tangent a, Tangent b)
        {
            Span<double> x = stackalloc double[19], y = stackalloc double[19];
            a.CopyTo(x);
            b.CopyTo(y);
            double sum = 0;
            for (int i = 0; i < 19; i++)
                sum += x[i] * y[i];
            return sum;
        }

        public readonly void CopyTo(Span<double> d)
        {
            d = d[..19];
            d[0] = W0.X; d[1] = W0.Y; d[2] = W0.Z; d[3] = W0.W;
            d[4] = W1.X; d[5] = W1.Y; d[6] = W1.Z; d[7] = W1.W;
            d[8] = W2.X; d[9] = W2.Y; d[10] = W2.Z; d[11] = W2.W;
            d[12] = B.X; d[13] = B.Y; d[14] = B.Z;
            d[15] = V.X; d[16] = V.Y; d[17] = V.Z;
            d[18] = C;
        }

        public readonly void CopyTo(Span<float> d)
        {
            d = d[..19];
            W0.CopyTo(d);
            W1.CopyTo(d[4..]);
            W2.CopyTo(d[8..]);
            B.CopyTo(d[12..]);
            V.CopyTo(d[15..]);
            d[18] = C;
        }

        public readonly Tangent FromSpan(ReadOnlySpan<double> s)
        {
            s = s[..19];
            return new()
            {
                W0 = new((float)s[0], (float)s[1], (float)s[2], (float)s[3]),
                W1 = new((float)s[4], (float)s[5], (float)s[6], (float)s[7]),
                W2 = new((float)s[8], (float)s[9], (float)s[10], (float)s[11]),
                B = new((float)s[12], (float)s[13], (float)s[14]),
                V = new((float)s[15], (float)s[16], (float)s[17]),
                C = (float)s[18],
            };
        }

        public readonly Tangent FromSpan(ReadOnlySpan<float> s)
        {
            s = s[..19];
            return new()
            {
                W0 = new(s[..4]), W1 = new(s[4..8]), W2 = new(s[8..12]),
                B = new(s[12..15]), V = new(s[15..18]), C = s[18],
            };
        }
    }
}
