// The synthesized Tangent of each kind of differentiable type (issue 4): Zero, +, -, scaling, Dot, Count, the flat view
// and its order, checked against values computed by hand from the members.
using System;
using System.Numerics;
using Nabla.Tests.Library;
using Xunit;

namespace Nabla.Tests.Types;

public class TangentTests
{
    [Fact]
    public void StructWithDataMembers_HasOnlyItsRealMembers()
    {
        var fields = typeof(Particle.Tangent).GetFields();
        Assert.Equal(new[] { "X", "V" }, Array.ConvertAll(fields, f => f.Name));
        Assert.All(fields, f => Assert.Equal(typeof(double), f.FieldType));
        Assert.Equal(2, Particle.Tangent.Zero.Count);
    }

    [Fact]
    public void StructArithmetic_IsMemberwise()
    {
        var a = new Particle.Tangent { X = 1.5, V = -2 };
        var b = new Particle.Tangent { X = 0.25, V = 4 };
        Assert.Equal(new Particle.Tangent { X = 1.75, V = 2 }, a + b);
        Assert.Equal(new Particle.Tangent { X = 1.25, V = -6 }, a - b);
        Assert.Equal(new Particle.Tangent { X = -1.5, V = 2 }, -a);
        Assert.Equal(new Particle.Tangent { X = 3, V = -4 }, 2 * a);
        Assert.Equal(new Particle.Tangent { X = 3, V = -4 }, a * 2);
        Assert.Equal(1.5 * 0.25 + -2.0 * 4, Particle.Tangent.Dot(a, b));
        Assert.Equal(a, a + Particle.Tangent.Zero);
        Assert.NotEqual(a, b);
        Assert.True(a == new Particle.Tangent { X = 1.5, V = -2 });
        Assert.Equal("Tangent { X = 1.5, V = -2 }", a.ToString());
    }

    [Fact]
    public void FlatView_ListsMembersInDeclarationOrder_AndRoundTrips()
    {
        var t = new Pendulum.Tangent
        {
            Bob = new Particle.Tangent { X = 1, V = 2 },
            Length = 3,
            Range = new Interval.Tangent { Lo = 4, Hi = 5 },
        };
        Assert.Equal(5, t.Count);
        var flat = new double[5];
        t.CopyTo(flat);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5 }, flat);
        Assert.Equal(t, Pendulum.Tangent.Zero.FromSpan(flat));
        var single = new float[6];
        t.CopyTo(single);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 0 }, single);
        Assert.Equal(t, Pendulum.Tangent.Zero.FromSpan((ReadOnlySpan<float>)single));
        Assert.Throws<ArgumentException>(() => t.CopyTo(new double[4]));
        Assert.Throws<ArgumentException>(() => t.FromSpan(new double[4]));
    }

    [Fact]
    public void Vectors_AreTheirOwnTangents()
    {
        Assert.Equal(typeof(Vector3), typeof(Kinematics.Tangent).GetField("Velocity")!.FieldType);
        var a = new Kinematics.Tangent { Position = new(1, 2), Velocity = new(3, 4, 5), Color = new(6, 7, 8, 9) };
        var b = new Kinematics.Tangent { Position = new(1, 1), Velocity = new(0, 1, 2), Color = new(1, 0, 0, 1) };
        Assert.Equal(9, a.Count);
        Assert.Equal(1 + 2 + 0 + 4 + 10 + 6 + 0 + 0 + 9, Kinematics.Tangent.Dot(a, b));
        Assert.Equal(new Kinematics.Tangent { Position = new(0.5f, 1), Velocity = new(1.5f, 2, 2.5f), Color = new(3, 3.5f, 4, 4.5f) }, 0.5 * a);
        Assert.Equal(new Kinematics.Tangent { Position = new(2, 3), Velocity = new(3, 5, 7), Color = new(7, 7, 8, 10) }, a + b);
        var flat = new double[9];
        a.CopyTo(flat);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, flat);
        Assert.Equal(a, Kinematics.Tangent.Zero.FromSpan(flat));
    }

    [Fact]
    public void Perceptron_FromApiMd_HasAFloatTangent()
    {
        var fields = typeof(Perceptron.Tangent).GetFields();
        Assert.Equal(new[] { "Weight", "Bias" }, Array.ConvertAll(fields, f => f.Name));
        Assert.Equal(typeof(Vector2), fields[0].FieldType);
        Assert.Equal(typeof(float), fields[1].FieldType);
        var g = new Perceptron.Tangent { Weight = new(0.5f, -1), Bias = 0.25f };
        Span<float> flat = stackalloc float[3];
        g.CopyTo(flat);
        Assert.Equal(new float[] { 0.5f, -1, 0.25f }, flat.ToArray());
        Assert.Equal(g, Perceptron.Tangent.Zero.FromSpan((ReadOnlySpan<float>)flat));
        Assert.Equal(0.25 + 1 + 0.0625, Perceptron.Tangent.Dot(g, g));
        // Scaling by a double rounds each product to float once.
        Assert.Equal((float)(0.1 * 0.25f), (0.1 * g).Bias);
        Assert.Equal(new Vector2((float)(0.1 * 0.5f), (float)(0.1 * -1f)), (0.1 * g).Weight);
        var model = new Perceptron { Weight = new(1, 2), Bias = 3, Seed = 42 };
        model.Move(-2 * g);
        Assert.Equal(new Vector2(0, 4), model.Weight);
        Assert.Equal(2.5f, model.Bias);
        Assert.Equal(42, model.Seed);
        Assert.Equal(4 * 1 + 2.5f, model.Predict(new Vector2(3, 1)));
    }

    [Fact]
    public void ClassTangent_IncludesBaseClassMembersFirst()
    {
        var names = Array.ConvertAll(typeof(Circle.Tangent).GetFields(), f => f.Name);
        Assert.Equal(new[] { "Area", "Corners", "Depth", "Radius" }, names);
        var t = new Circle.Tangent { Area = 1, Corners = new double[] { 2, 3 }, Depth = 4, Radius = 5 };
        Assert.Equal(5, t.Count);
        var flat = new double[5];
        t.CopyTo(flat);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5 }, flat);
    }

    [Fact]
    public void Arrays_AddElementWise_AndEmptyActsAsZeroOfAnyLength()
    {
        var a = new Cloud.Tangent { Xs = new double[] { 1, 2, 3 } };
        var b = new Cloud.Tangent { Xs = new double[] { 10, 20, 30 } };
        Assert.Equal(new double[] { 11, 22, 33 }, (a + b).Xs);
        Assert.Equal(new double[] { -9, -18, -27 }, (a - b).Xs);
        Assert.Equal(new double[] { 2, 4, 6 }, (2 * a).Xs);
        Assert.Equal(10 + 40 + 90, Cloud.Tangent.Dot(a, b));

        var zero = Cloud.Tangent.Zero;
        Assert.Empty(zero.Xs);
        Assert.Empty(zero.Particles);
        Assert.Empty(zero.Grid);
        Assert.Equal(new double[] { 1, 2, 3 }, (zero + a).Xs);
        Assert.Equal(new double[] { 1, 2, 3 }, (a + zero).Xs);
        Assert.Equal(new double[] { -1, -2, -3 }, (zero - a).Xs);
        Assert.Equal(0, Cloud.Tangent.Dot(zero, a));
        // The sum owns its arrays: writing into it does not change an operand.
        var sum = zero + a;
        sum.Xs[0] = 100;
        Assert.Equal(1, a.Xs[0]);
        // default(Tangent) (null arrays) is a zero too.
        Assert.Equal(new double[] { 1, 2, 3 }, (default(Cloud.Tangent) + a).Xs);
        Assert.Equal(zero, default(Cloud.Tangent));

        var c = new Cloud.Tangent { Xs = new double[] { 1, 2 } };
        Assert.Throws<ArgumentException>(() => a + c);
        Assert.Throws<ArgumentException>(() => Cloud.Tangent.Dot(a, c));
    }

    [Fact]
    public void NestedArrays_StructArrays_Matrices_AndMembersOfClassType()
    {
        var t = new Cloud.Tangent
        {
            Xs = new double[] { 1 },
            Particles = new[] { new Particle.Tangent { X = 2, V = 3 }, new Particle.Tangent { X = 4, V = 5 } },
            Rows = new[] { new double[] { 6, 7 }, new double[] { 8 } },
            Points = new[] { new Vector3(9, 10, 11) },
            Grid = new double[,] { { 12, 13 }, { 14, 15 } },
            Outline = new Shape.Tangent { Area = 16, Corners = new double[] { 17 }, Depth = 18 },
        };
        Assert.Equal(18, t.Count);
        var flat = new double[18];
        t.CopyTo(flat);
        var expected = new double[18];
        for (int i = 0; i < 18; i++) expected[i] = i + 1;
        Assert.Equal(expected, flat);

        var doubled = t.FromSpan(Array.ConvertAll(flat, x => 2 * x));
        Assert.Equal(2 * t, doubled);
        Assert.Equal(t + t, doubled);
        Assert.Equal(new double[] { 12, 14 }, doubled.Rows[0]);
        Assert.Equal(30, doubled.Grid[1, 1]);
        Assert.Equal(new Particle.Tangent { X = 8, V = 10 }, doubled.Particles[1]);
        Assert.Equal(34, doubled.Outline.Corners[0]);

        double sumOfSquares = 0;
        for (int i = 1; i <= 18; i++) sumOfSquares += i * i;
        Assert.Equal(sumOfSquares, Cloud.Tangent.Dot(t, t));
        Assert.Equal(2 * sumOfSquares, Cloud.Tangent.Dot(t, doubled));

        var back = new float[18];
        doubled.CopyTo(back);
        Assert.Equal(doubled, t.FromSpan((ReadOnlySpan<float>)back));
        Assert.Equal(-1 * t, -t);
        var none = t - t;
        Assert.Equal(t.Count, none.Count);
        Assert.Equal(0, Cloud.Tangent.Dot(none, none));
        Assert.Contains("Rows = [[6, 7], [8]]", t.ToString());
    }

    [Fact]
    public void Tuples_HaveTuplesOfTangents()
    {
        Assert.Equal(typeof((double, float)), typeof(Tupled.Tangent).GetField("Pair")!.FieldType);
        Assert.Equal(typeof((Vector2, double[])), typeof(Tupled.Tangent).GetField("Mixed")!.FieldType);
        Assert.Null(typeof(Tupled.Tangent).GetField("Data"));
        var t = new Tupled.Tangent { Pair = (1, 2f), Mixed = (new Vector2(3, 4), new double[] { 5, 6 }) };
        Assert.Equal(6, t.Count);
        var flat = new double[6];
        t.CopyTo(flat);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, flat);
        var u = t + t;
        Assert.Equal((2.0, 4f), (u.Pair.A, u.Pair.B));
        Assert.Equal(new double[] { 10, 12 }, u.Mixed.Item2);
        Assert.Equal(91, Tupled.Tangent.Dot(t, t));
        Assert.Equal(u, t.FromSpan(Array.ConvertAll(flat, x => 2 * x)));
    }

    [Fact]
    public void GenericType_WithAnIeeeFloatParameter()
    {
        Assert.Equal(typeof(float), typeof(Pair<float>.Tangent).GetField("First")!.FieldType);
        var a = new Pair<float>.Tangent { First = 1, Second = 2, Rest = new float[] { 3 } };
        Assert.Equal(3, a.Count);
        Assert.Equal(14, Pair<float>.Tangent.Dot(a, a));
        Assert.Equal(new Pair<float>.Tangent { First = 0.5f, Second = 1, Rest = new float[] { 1.5f } }, 0.5 * a);
        var flat = new double[3];
        a.CopyTo(flat);
        Assert.Equal(new double[] { 1, 2, 3 }, flat);
        Assert.Equal(a, a.FromSpan(flat));

        var p = new Pair<double> { First = 1, Second = 2, Rest = new double[] { 3, 4 } };
        p.Move(new Pair<double>.Tangent { First = 0.5, Second = -1, Rest = new double[] { 1, 1 } });
        Assert.Equal((1.5, 1.0), (p.First, p.Second));
        Assert.Equal(new double[] { 4, 5 }, p.Rest);
        Assert.Equal(4, p.ZeroTangent().Count);
    }

    [Fact]
    public void TypesFromAnotherAssembly_NestAndDerive()
    {
        Assert.Equal(typeof(LibPoint.Tangent), typeof(UsesLibrary.Tangent).GetField("Point")!.FieldType);
        var t = new UsesLibrary.Tangent
        {
            Point = new LibPoint.Tangent { X = 1, Velocity = new(2, 3), History = new double[] { 4 } },
            Pair = new Pair<double>.Tangent { First = 5, Second = 6, Rest = new double[] { 7 } },
            Scale = 8,
        };
        Assert.Equal(8, t.Count);
        var flat = new double[8];
        t.CopyTo(flat);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }, flat);

        Assert.Equal(new[] { "Mass", "Charges", "Radius" }, Array.ConvertAll(typeof(Planet.Tangent).GetFields(), f => f.Name));
        var planet = new Planet { Mass = 10, Charges = new float[] { 1, 2 }, Radius = 3, Name = "p" };
        planet.Move(new Planet.Tangent { Mass = -1, Charges = new float[] { 0.5f, 0.5f }, Radius = 1 });
        Assert.Equal(9, planet.Mass);
        Assert.Equal(new float[] { 1.5f, 2.5f }, planet.Charges);
        Assert.Equal(4, planet.Radius);
        var zero = planet.ZeroTangent();
        Assert.Equal(new float[] { 0, 0 }, zero.Charges);
        Assert.Equal(4, zero.Count);
    }
}
