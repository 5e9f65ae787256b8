using System;
using System.Linq;
using System.Numerics;
using Nabla.Tests.Types;
using Xunit;
using static Nabla.Tests.StructCode.StructFunctions;

namespace Nabla.Tests.StructCode;

public class StructCodeTests
{
    private static readonly Body SomeBody = new() { Mass = 1.3, Height = 0.7, Id = 4 };

    [Fact]
    public void FieldReads() =>
        StructCheck.Scalar<Body, Body.Tangent>(PotentialEnergy, b => PotentialEnergy_ValueWithGradient(b), (b, d) => PotentialEnergy_Jvp(b, d), SomeBody);

    [Fact]
    public void FieldReads_ClosedForm()
    {
        var (_, g) = PotentialEnergy_ValueWithGradient(SomeBody);
        Assert.Equal(9.81 * 0.7, g.Mass, 12);
        Assert.Equal(1.3 * 9.81, g.Height, 12);
    }

    [Fact]
    public void DataMembersFlowThrough() =>
        StructCheck.Scalar<Particle, Particle.Tangent>(ParticleEnergy, p => ParticleEnergy_ValueWithGradient(p), (p, d) => ParticleEnergy_Jvp(p, d),
            new Particle { X = 0.4, V = -1.2, Id = 3, Label = "p" });

    [Fact]
    public void StructAndScalar()
    {
        StructCheck.Scalar<Body, Body.Tangent>(b => Mixed(b, 0.8), b => { var r = Mixed_ValueWithGradient(b, 0.8); return (r.Value, r.Gradient.Item1); },
            (b, d) => Mixed_Jvp(b, 0.8, d, 0), SomeBody);
        var (_, (_, dg)) = Mixed_ValueWithGradient(SomeBody, 0.8);
        Assert.Equal(SomeBody.Mass * Math.Sin(SomeBody.Height), dg, 12);
    }

    [Fact]
    public void LocalCopiesAndFieldWrites() =>
        StructCheck.Scalar<Body, Body.Tangent>(LocalCopy, b => LocalCopy_ValueWithGradient(b), (b, d) => LocalCopy_Jvp(b, d), SomeBody);

    [Fact]
    public void StructResult_ForwardAgainstReverse()
    {
        var s = new State { Position = 0.3, Velocity = -0.8 };
        var p = new Params(2.0, 0.3);
        var ds = new State.Tangent { Position = 0.7, Velocity = -0.2 };
        var dp = new Params.Tangent { Stiffness = 0.4, Damping = 1.1 };
        var (value, tangent) = Step_Jvp(s, p, 0.1, ds, dp, 0.5);
        Assert.Equal(Step(s, p, 0.1), value);
        var cot = new State.Tangent { Position = 1.5, Velocity = 0.25 };
        var (v2, (gs, gp, gdt)) = Step_Vjp(s, p, 0.1, cot);
        Assert.Equal(value, v2);
        double left = State.Tangent.Dot(cot, tangent);
        double right = State.Tangent.Dot(gs, ds) + Params.Tangent.Dot(gp, dp) + gdt * 0.5;
        StructCheck.Close(left, right, 1e-12, "<cot, J dx> = <J^T cot, dx>");
        // Finite differences of <cot, Step> along the same direction.
        double h = 1e-6;
        State Shift(State x, double e) { x.Move(e * ds); return x; }
        Params ShiftP(Params x, double e) { x.Move(e * dp); return x; }
        double F(double e) { var r = Step(Shift(s, e), ShiftP(p, e), 0.1 + 0.5 * e); return cot.Position * r.Position + cot.Velocity * r.Velocity; }
        StructCheck.Close((F(h) - F(-h)) / (2 * h), left, 1e-6, "finite differences");
        var (v3, pullback) = Step_ValueWithPullback(s, p, 0.1);
        var (gs2, gp2, gdt2) = pullback(cot);
        Assert.Equal(gs, gs2);
        Assert.Equal(gp, gp2);
        Assert.Equal(gdt, gdt2);
    }

    [Fact]
    public void TimeSteppingThroughStructCalls() =>
        StructCheck.Scalar<Params, Params.Tangent>(p => Simulate(p, 0.9), p => { var r = Simulate_ValueWithGradient(p, 0.9); return (r.Value, r.Gradient.Item1); },
            (p, d) => Simulate_Jvp(p, 0.9, d, 0), new Params(3.0, 0.4));

    [Fact]
    public void WithExpressions() =>
        StructCheck.Scalar<State, State.Tangent>(WithExpression, s => WithExpression_ValueWithGradient(s), (s, d) => WithExpression_Jvp(s, d),
            new State { Position = 1.1, Velocity = 0.6 });

    [Fact]
    public void PositionalRecords()
    {
        var (v, (dk, dc)) = Positional_ValueWithGradient(1.5, 0.5);
        Assert.Equal(1.5 * 0.5 * 1.5, v, 12);
        Assert.Equal(2 * 1.5 * 0.5, dk, 12);
        Assert.Equal(1.5 * 1.5, dc, 12);
        var (_, t) = Positional_Jvp(1.5, 0.5, 0.3, -0.7);
        StructCheck.Close(dk * 0.3 - dc * 0.7, t, 1e-12, "forward against reverse");
    }

    [Theory]
    [InlineData(0.8, 0.4)]
    [InlineData(-0.8, 0.4)]
    public void BranchesOverStructLocals(double position, double velocity) =>
        StructCheck.Scalar<State, State.Tangent>(Branchy, s => Branchy_ValueWithGradient(s), (s, d) => Branchy_Jvp(s, d),
            new State { Position = position, Velocity = velocity });

    [Fact]
    public void NestedStructsAndRecordProperties()
    {
        var p = new Pendulum { Bob = new Particle { X = 0.3, V = 1.7, Id = 2 }, Length = 2.5, Range = new Interval(-0.4, 0.9) };
        StructCheck.Scalar<Pendulum, Pendulum.Tangent>(Nested, x => Nested_ValueWithGradient(x), (x, d) => Nested_Jvp(x, d), p);
    }

    private static Vector3 A = new(0.3f, -1.2f, 0.8f), B = new(1.1f, 0.4f, -0.5f);

    private static float Component(Vector3 v, int k) => k == 0 ? v.X : k == 1 ? v.Y : v.Z;
    private static Vector3 Unit(int k) => k == 0 ? Vector3.UnitX : k == 1 ? Vector3.UnitY : Vector3.UnitZ;

    [Fact]
    public void Vector3Methods_AgainstFiniteDifferences()
    {
        var (value, (ga, gb)) = VectorMath_ValueWithGradient(A, B);
        Assert.Equal(VectorMath(A, B), value, 5);
        for (int k = 0; k < 3; k++)
        {
            // Central differences in double of the float function, with a float-sized step.
            float h = 1e-2f;
            double fa = (VectorMath(A + h * Unit(k), B) - (double)VectorMath(A - h * Unit(k), B)) / (2 * h);
            double fb = (VectorMath(A, B + h * Unit(k)) - (double)VectorMath(A, B - h * Unit(k))) / (2 * h);
            StructCheck.Close(fa, Component(ga, k), 2e-3, "d/da" + k);
            StructCheck.Close(fb, Component(gb, k), 2e-3, "d/db" + k);
            var (_, ta) = VectorMath_Jvp(A, B, Unit(k), Vector3.Zero);
            var (_, tb) = VectorMath_Jvp(A, B, Vector3.Zero, Unit(k));
            StructCheck.Close(Component(ga, k), ta, 1e-5, "forward a" + k);
            StructCheck.Close(Component(gb, k), tb, 1e-5, "forward b" + k);
        }
    }

    [Fact]
    public void Vector3Operators_ClosedForm()
    {
        // f(a, b, s) = a s + b / 2 - a * b: J_a = diag(s - b), J_b = diag(1/2 - a), J_s = a.
        var cot = new Vector3(0.5f, -1f, 2f);
        var (value, (ga, gb, gs)) = VectorOps_Vjp(A, B, 1.5f, cot);
        Assert.Equal(VectorOps(A, B, 1.5f), value);
        Assert.Equal(cot * (new Vector3(1.5f) - B), ga);
        Assert.Equal(cot * (new Vector3(0.5f) - A), gb);
        Assert.Equal(Vector3.Dot(cot, A), gs, 5);
        var (_, t) = VectorOps_Jvp(A, B, 1.5f, Vector3.UnitY, Vector3.Zero, 0f);
        Assert.Equal(new Vector3(0, 1.5f - B.Y, 0), t);
    }

    [Fact]
    public void PerceptronPredict()
    {
        var m = new Perceptron { Weight = new Vector2(0.5f, -0.25f), Bias = 0.1f, Seed = 7 };
        var x = new Vector2(2f, 3f);
        var (v, (gm, gx)) = Predict_ValueWithGradient(m, x);
        Assert.Equal(m.Predict(x), v, 6);
        Assert.Equal(x, gm.Weight);
        Assert.Equal(1f, gm.Bias);
        Assert.Equal(m.Weight, gx);
    }

    private static readonly Spring SomeSpring = new() { K = 2.5, Rest = 0.4 };

    [Fact]
    public void InstanceMethods_ThisIsAnInput()
    {
        StructCheck.Scalar<Spring, Spring.Tangent>(s => s.Energy(1.3), s => { var r = Spring.Energy_ValueWithGradient(s, 1.3); return (r.Value, r.Gradient.Item1); },
            (s, d) => Spring.Energy_Jvp(s, 1.3, d, 0), SomeSpring);
        var (_, (ds, dx)) = Spring.Energy_ValueWithGradient(SomeSpring, 1.3);
        Assert.Equal(0.5 * 0.9 * 0.9, ds.K, 12);
        Assert.Equal(-2.5 * 0.9, ds.Rest, 12);
        Assert.Equal(2.5 * 0.9, dx, 12);
    }

    [Fact]
    public void InstanceMethods_CallsOnThis() =>
        StructCheck.Scalar<Spring, Spring.Tangent>(s => s.Total(1.3), s => { var r = Spring.Total_ValueWithGradient(s, 1.3); return (r.Value, r.Gradient.Item1); },
            (s, d) => Spring.Total_Jvp(s, 1.3, d, 0), SomeSpring);

    [Fact]
    public void InstanceMethods_WrtLeavesThisOut()
    {
        var (v, dx) = Spring.EnergyInX_ValueWithGradient(SomeSpring, 1.3);
        Assert.Equal(SomeSpring.Energy(1.3), v, 12);
        Assert.Equal(2.5 * 0.9, dx, 12);
    }

    [Fact]
    public void InstanceMethods_CalledFromOtherCode() =>
        StructCheck.Scalar<Spring, Spring.Tangent>(s => UseSpring(s, 0.7), s => { var r = UseSpring_ValueWithGradient(s, 0.7); return (r.Value, r.Gradient.Item1); },
            (s, d) => UseSpring_Jvp(s, 0.7, d, 0), SomeSpring);

    [Fact]
    public void PerceptronPredict_InstanceMethod()
    {
        var m = new Perceptron { Weight = new Vector2(0.5f, -0.25f), Bias = 0.1f, Seed = 7 };
        var x = new Vector2(2f, 3f);
        var (v, (gm, gx)) = PredictThroughMethod_ValueWithGradient(m, x);
        float p = m.Predict(x);
        Assert.Equal(p * p, v, 5);
        Assert.Equal(2 * p * x, gm.Weight);
        Assert.Equal(2 * p, gm.Bias, 5);
        Assert.Equal(2 * p * m.Weight, gx);
        var (v2, (gm2, gx2)) = Perceptron.Predict_ValueWithGradient(m, x);
        Assert.Equal(p, v2);
        Assert.Equal(x, gm2.Weight);
        Assert.Equal(m.Weight, gx2);
    }
}

public class ArrayMemberTests
{
    private static LinearModel Model() => new() { Weights = new[] { 0.5, -1.25, 2.0 }, Bias = 0.3, Scale = new[] { 1.0, 2.0, 0.5 } };

    [Fact]
    public void ArrayMembers_Direct() =>
        StructCheck.Scalar<LinearModel, LinearModel.Tangent>(ArrayMemberFunctions.Direct, m => ArrayMemberFunctions.Direct_ValueWithGradient(m),
            (m, d) => ArrayMemberFunctions.Direct_Jvp(m, d), Model());

    [Fact]
    public void ArrayMembers_ThroughInstanceMethodsAndLoops()
    {
        var x = new[] { 1.0, -0.5, 2.0 };
        StructCheck.Scalar<LinearModel, LinearModel.Tangent>(m => ArrayMemberFunctions.Loss(m, x, 0.7),
            m => { var r = ArrayMemberFunctions.Loss_ValueWithGradient(m, x, 0.7); return (r.Value, r.Gradient.Item1); },
            (m, d) => ArrayMemberFunctions.Loss_Jvp(m, x, 0.7, d, 0), Model());
    }

    [Fact]
    public void ArrayMembers_SplitFormAndPullback()
    {
        var x = new[] { 1.0, -0.5, 2.0 };
        var m = Model();
        var (v, (g, _)) = ArrayMemberFunctions.Loss_ValueWithGradient(m, x, 0.7);
        var (v2, pullback) = ArrayMemberFunctions.Loss_ValueWithPullback(m, x, 0.7);
        Assert.Equal(v, v2);
        var (g2, _) = pullback(1.0);
        Assert.Equal(g.Weights, g2.Weights);
        Assert.Equal(g.Bias, g2.Bias);
        var (g3, _) = pullback(2.0);
        for (int i = 0; i < 3; i++) Assert.Equal(2 * g.Weights[i], g3.Weights[i], 12);
        // The instance method's own split halves: shadows of the array members travel in a tangent struct.
        var shadows = m.ZeroTangent();
        var dx = new double[3];
        double p = LinearModel.Predict_Primal(m, x, shadows, dx, out var residuals);
        Assert.Equal(m.Predict(x), p);
        var dm = LinearModel.Predict_Pullback(in residuals, 1.0);
        Assert.Same(shadows.Weights, dm.Weights);
        for (int i = 0; i < 3; i++) Assert.Equal(x[i] * m.Scale[i], dm.Weights[i], 12);
        Assert.Equal(1.0, dm.Bias);
        for (int i = 0; i < 3; i++) Assert.Equal(m.Weights[i] * m.Scale[i], dx[i], 12);
    }
}

public class GenericMathTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Theory]
    [InlineData(-1.5)]
    [InlineData(0.7)]
    public void Softplus_DoubleAndFloat(double x)
    {
        var (v, g) = GenericMath.Softplus_ValueWithGradient(x);
        Assert.Equal(Math.Log(1 + Math.Exp(x)), v, 12);
        Assert.Equal(Sigmoid(x), g, 12);
        var (vf, gf) = GenericMath.Softplus_ValueWithGradient((float)x);
        Assert.Equal((float)Math.Log(1 + Math.Exp(x)), vf, 5);
        Assert.Equal((float)Sigmoid(x), gf, 5);
        Assert.Equal(Sigmoid(x), GenericMath.Softplus_Jvp(x, 1.0).Tangent, 12);
        Assert.Equal((float)Sigmoid(x), GenericMath.Softplus_Jvp((float)x, 1f).Tangent, 5);
    }

    [Fact]
    public void LoopsBranchesAndCalls_AgainstFiniteDifferences()
    {
        double x = 0.6, y = -1.3, h = 1e-6;
        var (v, (gx, gy)) = GenericMath.Polynomial_ValueWithGradient(x, y);
        Assert.Equal(GenericMath.Polynomial(x, y), v, 12);
        StructCheck.Close((GenericMath.Polynomial(x + h, y) - GenericMath.Polynomial(x - h, y)) / (2 * h), gx, 1e-6, "d/dx");
        StructCheck.Close((GenericMath.Polynomial(x, y + h) - GenericMath.Polynomial(x, y - h)) / (2 * h), gy, 1e-6, "d/dy");
        var (vf, (gxf, gyf)) = GenericMath.Polynomial_ValueWithGradient((float)x, (float)y);
        StructCheck.Close(v, vf, 1e-5, "float value");
        StructCheck.Close(gx, gxf, 1e-4, "float d/dx");
        StructCheck.Close(gy, gyf, 1e-4, "float d/dy");
        var (_, t) = GenericMath.Polynomial_Jvp(x, y, 0.3, -0.8);
        StructCheck.Close(0.3 * gx - 0.8 * gy, t, 1e-12, "forward against reverse");
    }

    [Fact]
    public void Arrays()
    {
        var v = new[] { 3.0, -4.0 };
        var (n, g) = GenericMath.Norm_ValueWithGradient(v);
        Assert.Equal(5.0, n, 12);
        Assert.Equal(0.6, g[0], 12);
        Assert.Equal(-0.8, g[1], 12);
        var (nf, gf) = GenericMath.Norm_ValueWithGradient(new[] { 3f, -4f });
        Assert.Equal(5f, nf);
        Assert.Equal(0.6f, gf[0], 6);
    }

    [Fact]
    public void CalledFromOtherCode()
    {
        double x = 0.4;
        var (_, g) = GenericMath.UsesSoftplus_ValueWithGradient(x);
        double sp(double z) => Math.Log(1 + Math.Exp(z));
        Assert.Equal(Sigmoid(x) * sp(2 * x) + sp(x) * 2 * Sigmoid(2 * x), g, 12);
    }
}

public class ClassTests
{
    /// <summary>Layer.Offset is a Vector2: its gradient is rounded to float, and finite differences move it in float steps.</summary>
    private const double FloatMembers = 1e-4;

    private static readonly double[] X = { 0.4, -0.3, 0.8 };
    private static Layer NewLayer() => new() { W = new[] { 0.2, -0.5, 0.7 }, B = 0.3, Offset = new Vector2(0.5f, -1.5f), Id = 9 };

    [Fact]
    public void InstanceMethodOfAClass() =>
        StructCheck.Scalar<Layer, Layer.Tangent>(l => l.Apply(X), l => { var r = Layer.Apply_ValueWithGradient(l, X); return (r.Value, r.Gradient.Item1); },
            (l, d) => Layer.Apply_Jvp(l, X, d, new double[3]), NewLayer(), h: 1e-3, tolerance: FloatMembers, forwardTolerance: FloatMembers);

    [Fact]
    public void ClassParameter() =>
        StructCheck.Scalar<Layer, Layer.Tangent>(l => ClassFunctions.Loss(l, X), l => ClassFunctions.Loss_ValueWithGradient(l, X),
            (l, d) => ClassFunctions.Loss_Jvp(l, X, d), NewLayer(), h: 1e-3, tolerance: FloatMembers, forwardTolerance: FloatMembers);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ClassReferencesThroughBranches(bool first)
    {
        var a = NewLayer();
        var b = NewLayer();
        b.B = -0.8;
        var (v, (ga, gb)) = ClassFunctions.Pick_ValueWithGradient(a, b, first);
        Assert.Equal(ClassFunctions.Pick(a, b, first), v, 12);
        StructCheck.Scalar<Layer, Layer.Tangent>(l => ClassFunctions.Pick(l, b, first), l => (ClassFunctions.Pick_ValueWithGradient(l, b, first).Value, ClassFunctions.Pick_ValueWithGradient(l, b, first).Gradient.Item1),
            (l, d) => ClassFunctions.Pick_Jvp(l, b, first, d, b.ZeroTangent()), a, h: 1e-3, tolerance: FloatMembers, forwardTolerance: FloatMembers);
        StructCheck.Scalar<Layer, Layer.Tangent>(l => ClassFunctions.Pick(a, l, first), l => (ClassFunctions.Pick_ValueWithGradient(a, l, first).Value, ClassFunctions.Pick_ValueWithGradient(a, l, first).Gradient.Item2),
            (l, d) => ClassFunctions.Pick_Jvp(a, l, first, a.ZeroTangent(), d), b, h: 1e-3, tolerance: FloatMembers, forwardTolerance: FloatMembers);
        _ = ga;
        _ = gb;
    }

    [Fact]
    public void TwoReferencesToOneObject_ShareOneTangent()
    {
        var a = NewLayer();
        var (_, g) = ClassFunctions.TwoReferences_ValueWithGradient(a);
        Assert.Equal(2 * a.B, g.B, 12);
        Assert.Equal(Math.Cos(a.Offset.X), g.Offset.X, 6);
        StructCheck.Scalar<Layer, Layer.Tangent>(ClassFunctions.TwoReferences, l => ClassFunctions.TwoReferences_ValueWithGradient(l),
            (l, d) => ClassFunctions.TwoReferences_Jvp(l, d), a, h: 1e-3, tolerance: FloatMembers, forwardTolerance: FloatMembers);
    }

    [Fact]
    public void SubclassWithBaseMembers()
    {
        var l = new ScaledLayer { W = new[] { 0.2, -0.5, 0.7 }, B = 0.3, Offset = new Vector2(0.5f, -1.5f), Gain = 1.7 };
        StructCheck.Scalar<ScaledLayer, ScaledLayer.Tangent>(s => ClassFunctions.Subclass(s, X), s => ClassFunctions.Subclass_ValueWithGradient(s, X),
            (s, d) => ClassFunctions.Subclass_Jvp(s, X, d), l, h: 1e-3, tolerance: FloatMembers, forwardTolerance: FloatMembers);
    }
}

public class CrossAssemblyStructTests
{
    [Fact]
    public void StructCodeInAnotherAssembly()
    {
        var p = new Nabla.Tests.Library.LibParticle { Position = new Vector3(0.5f, -1f, 2f), Velocity = new Vector3(1.5f, 0.25f, -0.75f), Mass = 2.5 };
        StructCheck.Scalar<Nabla.Tests.Library.LibParticle, Nabla.Tests.Library.LibParticle.Tangent>(CrossAssemblyStructs.Energy,
            x => CrossAssemblyStructs.Energy_ValueWithGradient(x), (x, d) => CrossAssemblyStructs.Energy_Jvp(x, d), p,
            h: 1e-3, tolerance: 1e-4, forwardTolerance: 1e-6);
    }
}

public class ConstructorAndPropertyTests
{
    [Theory]
    [InlineData(1.2, 0.7)]
    [InlineData(-0.4, 2.0)]
    public void DifferentiableConstructor(double x, double y)
    {
        double h = 1e-6;
        var (v, (gx, gy)) = ConstructorsAndProperties.RoundTrip_ValueWithGradient(x, y);
        Assert.Equal(ConstructorsAndProperties.RoundTrip(x, y), v, 12);
        StructCheck.Close((ConstructorsAndProperties.RoundTrip(x + h, y) - ConstructorsAndProperties.RoundTrip(x - h, y)) / (2 * h), gx, 1e-6, "d/dx");
        StructCheck.Close((ConstructorsAndProperties.RoundTrip(x, y + h) - ConstructorsAndProperties.RoundTrip(x, y - h)) / (2 * h), gy, 1e-6, "d/dy");
        var (_, t) = ConstructorsAndProperties.RoundTrip_Jvp(x, y, 0.3, -0.9);
        StructCheck.Close(0.3 * gx - 0.9 * gy, t, 1e-12, "forward against reverse");
        // The constructor's own derivatives: New_Jvp gives the tangent of the value it builds.
        var (p, dp) = Polar.New_Jvp(x, y, 1, 0);
        Assert.Equal(new Polar(x, y).Radius, p.Radius, 12);
        Assert.Equal(x / Math.Sqrt(x * x + y * y), dp.Radius, 12);
    }

    [Fact]
    public void DifferentiablePropertyGetters()
    {
        var p = new Polar { Radius = 1.5, Angle = 0.6 };
        StructCheck.Scalar<Polar, Polar.Tangent>(ConstructorsAndProperties.ReadProperties, q => ConstructorsAndProperties.ReadProperties_ValueWithGradient(q),
            (q, d) => ConstructorsAndProperties.ReadProperties_Jvp(q, d), p);
        var (x, g) = Polar.X_ValueWithGradient(p);
        Assert.Equal(p.X, x, 12);
        Assert.Equal(Math.Cos(0.6), g.Radius, 12);
        Assert.Equal(-1.5 * Math.Sin(0.6), g.Angle, 12);
    }
}

public class MutatingMethodTests
{
    [Fact]
    public void MethodsThatChangeThis()
    {
        var b = new Body2D { Position = new Vector2(0, 2), Velocity = new Vector2(3, 1), Drag = 0.1f };
        StructCheck.Scalar<Body2D, Body2D.Tangent>(x => MutatingMethods.Flight(x, 0.05f), x => { var r = MutatingMethods.Flight_ValueWithGradient(x, 0.05f); return (r.Value, r.Gradient.Item1); },
            (x, d) => MutatingMethods.Flight_Jvp(x, 0.05f, d, 0f), b, h: 1e-2, tolerance: 2e-3, forwardTolerance: 1e-4);
        // The method's own derivative: the new value of 'this' and its tangent.
        var (after, tangent) = Body2D.Step_Jvp(b, 0.05f, new Body2D.Tangent { Velocity = Vector2.UnitX }, 0f);
        var copy = b;
        copy.Step(0.05f);
        Assert.Equal(copy.Position, after.Position);
        Assert.Equal(0.05f * (1 - 0.1f * 0.05f), tangent.Position.X, 6);
    }
}

public class StructArrayTests
{
    private static Particle[] Particles() => new[]
    {
        new Particle { X = 0.1, V = 1.0, Id = 1 }, new Particle { X = 0.9, V = -0.4, Id = 2 }, new Particle { X = 2.2, V = 0.3, Id = 3 },
    };

    private static double[] Flat(Particle.Tangent[] g) => g.SelectMany(t => new[] { t.X, t.V }).ToArray();

    /// <summary>Central differences of f over the X and V of every element, moving a copy of the array.</summary>
    private static double[] Fd(Func<Particle[], double> f, Particle[] ps, double h = 1e-6)
    {
        var result = new double[2 * ps.Length];
        for (int k = 0; k < result.Length; k++)
        {
            double Shifted(double e)
            {
                var copy = (Particle[])ps.Clone();
                if (k % 2 == 0) copy[k / 2].X += e; else copy[k / 2].V += e;
                return f(copy);
            }
            result[k] = (Shifted(h) - Shifted(-h)) / (2 * h);
        }
        return result;
    }

    [Fact]
    public void ArrayOfStructsAsInput()
    {
        var ps = Particles();
        var (v, (g, dk)) = StructArrays.Energy_ValueWithGradient(ps, 2.5);
        Assert.Equal(StructArrays.Energy(ps, 2.5), v, 12);
        var fd = Fd(p => StructArrays.Energy(p, 2.5), ps);
        var flat = Flat(g);
        for (int k = 0; k < fd.Length; k++) StructCheck.Close(fd[k], flat[k], 1e-6, "gradient[" + k + "]");
        var dps = new Particle.Tangent[3];
        dps[1].X = 1;
        var (_, t) = StructArrays.Energy_Jvp(ps, 2.5, dps, 0.5);
        StructCheck.Close(flat[2] + 0.5 * dk, t, 1e-12, "forward against reverse");
    }

    [Fact]
    public void ElementMembersWrittenInPlace()
    {
        var (v, (g, _)) = StructArrays.Advance_ValueWithGradient(Particles(), 0.1);
        Assert.Equal(StructArrays.Advance(Particles(), 0.1), v, 12);
        var fd = Fd(p => StructArrays.Advance(p, 0.1), Particles());
        var flat = Flat(g);
        for (int k = 0; k < fd.Length; k++) StructCheck.Close(fd[k], flat[k], 1e-6, "gradient[" + k + "]");
    }

    [Fact]
    public void ArrayOfVectors()
    {
        var points = new[] { new Vector3(1, 2, 3), new Vector3(-1, 0.5f, 2), new Vector3(0.25f, -2, 1) };
        var target = new Vector3(0.5f, 0.5f, 0.5f);
        var (v, (gp, gt)) = StructArrays.Centroid_ValueWithGradient(points, target);
        var c = (points[0] + points[1] + points[2]) / 3;
        Assert.Equal(Vector3.DistanceSquared(c, target), v, 5);
        for (int i = 0; i < 3; i++)
        {
            var expected = 2 * (c - target) / 3;
            Assert.Equal(expected.X, gp[i].X, 5);
            Assert.Equal(expected.Z, gp[i].Z, 5);
        }
        Assert.Equal(-2 * (c - target).Y, gt.Y, 5);
    }

    [Fact]
    public void LocalArrayOfStructs()
    {
        var (v, (ga, gb)) = StructArrays.Local_ValueWithGradient(0.7, -0.2);
        // s = Σ a·i·(b + i): ∂a = Σ i(b + i), ∂b = Σ a·i.
        Assert.Equal(StructArrays.Local(0.7, -0.2), v, 12);
        Assert.Equal((1 * (-0.2 + 1)) + (2 * (-0.2 + 2)), ga, 12);
        Assert.Equal(0.7 * 3, gb, 12);
    }
}

public class QuaternionTests
{
    [Fact]
    public void Quaternions_AgainstSystemNumericsAndFiniteDifferences()
    {
        var q = new Quaternion(0.3f, -0.5f, 0.2f, 0.8f);
        var v = new Vector3(1.5f, -0.25f, 0.75f);
        // The lowered product agrees with System.Numerics' own rotation.
        var rotated = Vector3.Transform(v, Quaternion.Normalize(q));
        var u = Quaternion.Normalize(q);
        float expected = rotated.X + 2 * rotated.Y * rotated.Z + Quaternion.Dot(u, Quaternion.Inverse(q)) + Quaternion.Concatenate(q, u).W;
        Assert.Equal(expected, Quaternions.Rotated(q, v), 4);
        var (value, (gq, gv)) = Quaternions.Rotated_ValueWithGradient(q, v);
        Assert.Equal(Quaternions.Rotated(q, v), value, 5);
        float h = 1e-2f;
        float[] Components(Quaternion x) => new[] { x.X, x.Y, x.Z, x.W };
        Quaternion With(Quaternion x, int k, float e) { var c = Components(x); c[k] += e; return new Quaternion(c[0], c[1], c[2], c[3]); }
        var g = Components(gq);
        for (int k = 0; k < 4; k++)
        {
            double fd = ((double)Quaternions.Rotated(With(q, k, h), v) - Quaternions.Rotated(With(q, k, -h), v)) / (2 * h);
            StructCheck.Close(fd, g[k], 2e-3, "d/dq" + k);
            var unit = new float[4];
            unit[k] = 1;
            var (_, t) = Quaternions.Rotated_Jvp(q, v, new Quaternion(unit[0], unit[1], unit[2], unit[3]), Vector3.Zero);
            StructCheck.Close(g[k], t, 1e-4, "forward q" + k);
        }
        var (_, tv) = Quaternions.Rotated_Jvp(q, v, default, Vector3.UnitY);
        StructCheck.Close(gv.Y, tv, 1e-4, "forward v");
    }
}

public class TupleTests
{
    [Fact]
    public void TuplesAsLocalsResultsAndDeconstruction()
    {
        double x = 0.8, y = -0.6, h = 1e-6;
        var (v, (gx, gy)) = Tuples.UsesTuples_ValueWithGradient(x, y);
        Assert.Equal(Tuples.UsesTuples(x, y), v, 12);
        StructCheck.Close((Tuples.UsesTuples(x + h, y) - Tuples.UsesTuples(x - h, y)) / (2 * h), gx, 1e-6, "d/dx");
        StructCheck.Close((Tuples.UsesTuples(x, y + h) - Tuples.UsesTuples(x, y - h)) / (2 * h), gy, 1e-6, "d/dy");
        // A tuple result: its tangent is a tuple of tangents.
        var (value, tangent) = Tuples.ToPolar_Jvp(x, y, 1, 0);
        Assert.Equal(1.0, value.R, 12);
        Assert.Equal(x, tangent.Item1, 12);
        Assert.Equal(-y / (x * x + y * y), tangent.Item2, 12);
        var (_, (cx, cy)) = Tuples.ToPolar_Vjp(x, y, (1.0, 0.0));
        Assert.Equal(x, cx, 12);
        Assert.Equal(y, cy, 12);
    }
}

public class StructRegressionTests
{
    [Theory]
    [InlineData(0.7, 1.3)]
    [InlineData(-0.4, 0.6)]
    public void CompoundAssignmentToAMemberWithABranchingRightHandSide(double x, double y)
    {
        double h = 1e-6;
        var (v, (gx, gy)) = StructRegressions.CompoundWithConditional_ValueWithGradient(x, y);
        Assert.Equal(StructRegressions.CompoundWithConditional(x, y), v, 12);
        StructCheck.Close((StructRegressions.CompoundWithConditional(x + h, y) - StructRegressions.CompoundWithConditional(x - h, y)) / (2 * h), gx, 1e-6, "d/dx");
        StructCheck.Close((StructRegressions.CompoundWithConditional(x, y + h) - StructRegressions.CompoundWithConditional(x, y - h)) / (2 * h), gy, 1e-6, "d/dy");
    }
}
