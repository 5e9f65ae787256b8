// Move (Swift's move(by:)) and ZeroTangent of the synthesized differentiable types, generic code over
// IDifferentiable/ITangent, and an allocation-free optimizer step on a fixed-shape struct (issue 4).
using System;
using System.Numerics;
using Xunit;

namespace Nabla.Tests.Types;

public class MoveTests
{
    static void MoveBy<TM, TT>(ref TM model, TT direction) where TM : IDifferentiable<TM, TT> where TT : ITangent<TT> =>
        model.Move(direction);

    /// <summary>Generic code: the squared norm of a zero tangent plus a direction, through the interfaces only.</summary>
    static double Norm2<TM, TT>(TM model, TT direction) where TM : IDifferentiable<TM, TT> where TT : ITangent<TT>
    {
        var t = model.ZeroTangent() + direction;
        return TT.Dot(t, t);
    }

    /// <summary>One plain gradient-descent step through the flat view, as an optimizer over ITangent does.</summary>
    static void SgdStep<TM, TT>(ref TM model, TT gradient, double rate, Span<double> scratch)
        where TM : IDifferentiable<TM, TT> where TT : ITangent<TT>
    {
        gradient.CopyTo(scratch);
        for (int i = 0; i < gradient.Count; i++) scratch[i] *= -rate;
        model.Move(gradient.FromSpan(scratch.Slice(0, gradient.Count)));
    }

    [Fact]
    public void StructMove_MutatesThroughRef_AndLeavesDataAlone()
    {
        var p = new Particle { X = 1, V = 2, Id = 7, Label = "a" };
        MoveBy(ref p, new Particle.Tangent { X = 0.5, V = -1 });
        Assert.Equal((1.5, 1.0, 7, "a"), (p.X, p.V, p.Id, p.Label));
        p.Move(new Particle.Tangent { X = 1, V = 1 });
        Assert.Equal((2.5, 2.0), (p.X, p.V));
    }

    [Fact]
    public void ClassMove_MovesTheObject_AndItsBaseClassMembers()
    {
        var c = new Circle { Area = 1, Corners = new double[] { 1, 2 }, Radius = 3, Filled = true };
        c.SetDepth(4);
        var alias = c;
        alias.Move(new Circle.Tangent { Area = 1, Corners = new double[] { 10, 20 }, Depth = -1, Radius = 0.5 });
        Assert.Equal(2, c.Area);
        Assert.Equal(new double[] { 11, 22 }, c.Corners);
        Assert.Equal(3, c.DepthValue);
        Assert.Equal(3.5, c.Radius);
        Assert.True(c.Filled);
        // A zero tangent moves nothing, whatever the arrays' lengths.
        c.Move(Circle.Tangent.Zero);
        Assert.Equal(new double[] { 11, 22 }, c.Corners);
        Assert.Throws<ArgumentException>(() => c.Move(new Circle.Tangent { Corners = new double[] { 1 } }));
    }

    [Fact]
    public void Records_MoveTheirProperties()
    {
        var r = new Interval(1, 2) { Tag = 3 };
        r.Move(new Interval.Tangent { Lo = -1, Hi = 1 });
        Assert.Equal(new Interval(0, 3) { Tag = 3 }, r);
        Assert.Equal(new[] { "Lo", "Hi" }, Array.ConvertAll(typeof(Interval.Tangent).GetFields(), f => f.Name));

        var s = new Segment { Start = 1, Direction = new Vector3(1, 0, 0), Weights = new double[] { 1, 2, 3 } };
        s.Move(new Segment.Tangent { Start = 2, Direction = new Vector3(0, 1, 0), Weights = new double[] { 1, 1, 1 } });
        Assert.Equal(3, s.Start);
        Assert.Equal(new Vector3(1, 1, 0), s.Direction);
        Assert.Equal(new double[] { 2, 3, 4 }, s.Weights);
    }

    [Fact]
    public void NestedMembers_MoveInPlace_PropertiesThroughACopy()
    {
        var p = new Pendulum { Bob = new Particle { X = 1, V = 1 }, Length = 2, Range = new Interval(0, 1) };
        p.Move(new Pendulum.Tangent { Bob = new Particle.Tangent { X = 1, V = 2 }, Length = 3, Range = new Interval.Tangent { Lo = 4, Hi = 5 } });
        Assert.Equal((2.0, 3.0), (p.Bob.X, p.Bob.V));
        Assert.Equal(5, p.Length);
        Assert.Equal(new Interval(4, 6), p.Range);
    }

    [Fact]
    public void ArraysMoveElementWiseInPlace_AndZeroTangentHasTheirShape()
    {
        var cloud = new Cloud
        {
            Xs = new double[] { 1, 2 },
            Particles = new[] { new Particle { X = 1 }, new Particle { X = 2 }, new Particle { X = 3 } },
            Rows = new[] { new double[] { 1 }, new double[] { 1, 2, 3 } },
            Points = new[] { new Vector3(1, 2, 3) },
            Grid = new double[2, 3],
            Outline = new Shape { Corners = new double[4] },
        };
        var xs = cloud.Xs;
        var zero = cloud.ZeroTangent();
        Assert.Equal(new double[2], zero.Xs);
        Assert.Equal(3, zero.Particles.Length);
        Assert.Equal(new[] { 1, 3 }, Array.ConvertAll(zero.Rows, r => r.Length));
        Assert.Single(zero.Points);
        Assert.Equal((2, 3), (zero.Grid.GetLength(0), zero.Grid.GetLength(1)));
        Assert.Equal(4, zero.Outline.Corners.Length);
        Assert.Equal(2 + 6 + 4 + 3 + 6 + 1 + 4 + 1, zero.Count);

        var ones = zero.FromSpan(Enumerable(zero.Count, 1.0));
        cloud.Move(ones);
        Assert.Same(xs, cloud.Xs);
        Assert.Equal(new double[] { 2, 3 }, cloud.Xs);
        Assert.Equal(new[] { 2.0, 3, 4 }, Array.ConvertAll(cloud.Particles, p => p.X));
        Assert.Equal(new[] { 1.0, 1, 1 }, Array.ConvertAll(cloud.Particles, p => p.V));
        Assert.Equal(new double[] { 2, 3, 4 }, cloud.Rows[1]);
        Assert.Equal(new Vector3(2, 3, 4), cloud.Points[0]);
        Assert.Equal(1, cloud.Grid[1, 2]);
        Assert.Equal(new double[] { 1, 1, 1, 1 }, cloud.Outline.Corners);
        Assert.Equal(1, cloud.Outline.Area);
    }

    [Fact]
    public void NullClassMembersAndNullArrays_HaveZeroTangents_AndStayNull()
    {
        var cloud = new Cloud { Xs = null!, Outline = null! };
        var zero = cloud.ZeroTangent();
        Assert.Null(zero.Xs);
        Assert.Equal(Shape.Tangent.Zero, zero.Outline);
        cloud.Move(new Cloud.Tangent { Outline = new Shape.Tangent { Area = 1 } });
        Assert.Null(cloud.Outline);
        Assert.Throws<ArgumentException>(() => cloud.Move(new Cloud.Tangent { Xs = new double[] { 1 } }));
    }

    [Fact]
    public void DerivedRecord_MovesBaseAndOwnMembers()
    {
        var r = new LabeledSegment { Start = 1, Weights = new double[] { 1 }, Offset = 2, Label = "x" };
        var t = r.ZeroTangent();
        Assert.Equal(new[] { "Start", "Direction", "Weights", "Offset" }, Array.ConvertAll(typeof(LabeledSegment.Tangent).GetFields(), f => f.Name));
        Assert.Equal(1 + 3 + 1 + 1, t.Count);
        r.Move(t.FromSpan(new double[] { 1, 2, 3, 4, 5, 6 }));
        Assert.Equal(2, r.Start);
        Assert.Equal(new Vector3(2, 3, 4), r.Direction);
        Assert.Equal(new double[] { 6 }, r.Weights);
        Assert.Equal(8, r.Offset);
        Assert.Equal("x", r.Label);
    }

    static double[] Enumerable(int n, double value)
    {
        var a = new double[n];
        Array.Fill(a, value);
        return a;
    }

    [Fact]
    public void GenericCode_CompilesAgainstTheSynthesizedTypes()
    {
        var direction = new Kinematics.Tangent { Position = new(3, 4) };
        Assert.Equal(25, Norm2(new Kinematics(), direction));
        Assert.Equal(2, Norm2(new Particle(), new Particle.Tangent { X = 1, V = -1 }));
        Assert.Equal(1 + 4 + 9, Norm2(new Cloud { Xs = new double[3] }, new Cloud.Tangent { Xs = new double[] { 1, 2, 3 } }));
        Assert.Equal(1 + 4, Norm2(new Pair<float> { Rest = Array.Empty<float>() }, new Pair<float>.Tangent { First = 1, Second = 2 }));

        var model = new Perceptron { Weight = new(1, 1), Bias = 1 };
        var g = new Perceptron.Tangent { Weight = new(1, 2), Bias = -4 };
        SgdStep(ref model, g, 0.5, new double[3]);
        Assert.Equal(new Vector2(0.5f, 0), model.Weight);
        Assert.Equal(3, model.Bias);
    }

    [Fact]
    public void OptimizerStepOnAFixedShapeStruct_AllocatesNothing()
    {
        var model = new Kinematics { Position = new(1, 1) };
        var g = new Kinematics.Tangent { Position = new(1, 0), Velocity = new(0, 1, 0), Color = new(1, 1, 1, 1) };
        var momentum = Kinematics.Tangent.Zero;
        var scratch = new double[9];   // made before the measurement: a lambda cannot capture a stackalloc span
        void Step(ref Kinematics m, ref Kinematics.Tangent v, Span<double> s)
        {
            v = 0.9 * v + g;
            m.Move(-0.01 * v);
            v.CopyTo(s);
            v = v.FromSpan(s);
            _ = Kinematics.Tangent.Dot(v, g) + v.Count + (v - g).Count + (-v).Count;
            _ = m.ZeroTangent() == Kinematics.Tangent.Zero;
        }
        for (int i = 0; i < 100; i++) Step(ref model, ref momentum, scratch);
        long allocated = SteadyState.BytesPerBatch(() =>
        {
            for (int i = 0; i < 1000; i++) Step(ref model, ref momentum, scratch);
        });
        Assert.Equal(0, allocated);
        Assert.True(model.Position.X < 1);
    }
}
