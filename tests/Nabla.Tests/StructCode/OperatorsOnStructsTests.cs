// The runtime operators on functions of differentiable types (API.md §3-4): the gradient comes back as T.Tangent.
using System.Numerics;
using Nabla.Tests.Types;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.StructCode;

public partial class OperatorsOnStructsTests
{
    private static readonly Vector2[] Inputs = { new(0, 0), new(0, 1), new(1, 0), new(1, 1) };
    private static readonly float[] AndGate = { 0, 0, 0, 1 };

    /// <summary>The seed's perceptron: an AND gate learned with valueWithGradient in a loop of 100 steps.</summary>
    [Fact]
    public void Perceptron_LearnsTheAndGate()
    {
        var xs = Inputs;
        var ys = AndGate;
        var model = new Perceptron { Weight = new Vector2(0.3f, -0.6f), Bias = 0 };
        float first = 0, last = 0;
        for (int step = 0; step < 100; step++)
        {
            var (loss, gradient) = ValueWithGradient(m =>
            {
                float total = 0;
                for (int i = 0; i < xs.Length; i++)
                {
                    float error = ys[i] - m.Predict(xs[i]);
                    total += error * error / 2;
                }
                return total;
            }, model);
            if (step == 0) first = loss;
            last = loss;
            Perceptron.Tangent g = gradient;
            model.Weight -= g.Weight * 0.1f;
            model.Bias -= g.Bias * 0.1f;
        }
        Assert.True(last < 0.5f * first, $"loss {first} -> {last}");
        Assert.True(last < 0.15f, $"final loss {last}");
    }

    [Fact]
    public void Gradient_IsTheTangent_AndMatchesTheClosedForm()
    {
        var m = new Perceptron { Weight = new Vector2(0.5f, -0.25f), Bias = 0.1f };
        var x = new Vector2(2f, 3f);
        Perceptron.Tangent g = Gradient(p => p.Predict(x) * 2f, m);
        Assert.Equal(2f * x, g.Weight);
        Assert.Equal(2f, g.Bias);
        var (v, pullback) = ValueWithPullback(p => p.Predict(x), m);
        Assert.Equal(m.Predict(x), v);
        Assert.Equal(3f * x, pullback(3f).Weight);
        Assert.Equal(0.5f * x, Vjp(p => p.Predict(x), m, 0.5f).Weight);
        var (v2, t) = Perceptron.Predict_Jvp(m, x, new Perceptron.Tangent { Weight = Vector2.UnitY, Bias = 1f }, Vector2.Zero);
        Assert.Equal(v, v2);
        Assert.Equal(x.Y + 1f, t);
    }

    [Fact]
    public void ForwardModeOperators_TakeTheTangentType_AndAgreeWithReverseMode()
    {
        // Jvp and ValueWithDifferential on a struct: the direction is a T.Tangent, and ∂f·v equals the gradient · v.
        var s = new StructCode.Spring { K = 2, Rest = 0.5 };
        double scale = 1.5;
        var direction = new StructCode.Spring.Tangent { K = 0.25, Rest = -2 };
        var g = Gradient(x => scale * Energy(x), s);
        double expected = g.K * direction.K + g.Rest * direction.Rest;
        var (v, t) = Jvp(x => scale * Energy(x), s, direction);
        Assert.Equal(scale * Energy(s), v, 12);
        Assert.Equal(expected, t, 12);
        var (v2, t2) = Jvp(StructCode.StructFunctions.PotentialEnergyOfSpring, s, direction);   // the same function, as a method group
        Assert.Equal(Energy(s), v2, 12);
        Assert.Equal(expected / scale, t2, 12);
        var (v3, differential) = ValueWithDifferential(x => scale * Energy(x), s);
        Assert.Equal(v, v3, 12);
        Assert.Equal(expected, differential(direction), 12);
        scale = -3;   // read at each call
        Assert.Equal(-2 * expected, Jvp(x => scale * Energy(x), s, direction).Tangent, 12);
        var m = new Perceptron { Weight = new Vector2(0.5f, -0.25f), Bias = 0.1f };
        var input = new Vector2(2f, 3f);
        var (pv, pt) = Jvp(p => p.Predict(input), m, new Perceptron.Tangent { Weight = Vector2.UnitY, Bias = 1f });
        Assert.Equal(m.Predict(input), pv);
        Assert.Equal(input.Y + 1f, pt);
    }

    [Differentiable]
    private static double Energy(StructCode.Spring s) => s.Energy(1.0) + s.K;

    [Fact]
    public void MethodGroups_AndStaticLambdas()
    {
        var s = new StructCode.Spring { K = 2, Rest = 0.5 };
        var (v, g) = ValueWithGradient(StructCode.StructFunctions.PotentialEnergyOfSpring, s);
        Assert.Equal(s.Energy(1.0) + s.K, v, 12);
        Assert.Equal(0.5 * 0.25 + 1, g.K, 12);
        Assert.Equal(-2 * 0.5, g.Rest, 12);
        var g2 = Gradient(x => Energy(x), s);
        Assert.Equal(g, g2);
    }
}

/// <summary>API.md §4, as a user would write it: a loss over a data set of tuples, Adam over the model.</summary>
public static partial class ApiExample
{
    [Differentiable]
    public static float Loss(Perceptron m, [NoDerivative] (Vector2 Input, float Target)[] data)
    {
        float total = 0;
        foreach (var (input, target) in data)
        {
            float e = m.Predict(input) - target;
            total += e * e;
        }
        return total / data.Length;
    }
}

public partial class OperatorsOnStructsTests
{
    [Fact]
    public void ApiMd_Section4_AdamOverAPerceptron()
    {
        var data = new (Vector2 Input, float Target)[] { (new(0, 0), 0), (new(0, 1), 1), (new(1, 0), 1), (new(1, 1), 2) };
        var model = new Perceptron();
        var opt = new Adam<Perceptron, Perceptron.Tangent>(learningRate: 0.01);
        float first = 0, loss = 0;
        for (int step = 0; step < 500; step++)
        {
            (loss, var g) = ValueWithGradient(m => ApiExample.Loss(m, data), model);
            if (step == 0) first = loss;
            opt.Update(ref model, g);
        }
        Assert.True(loss < 0.05f * first, $"{first} -> {loss}");
        Assert.Equal(1f, model.Weight.X, 1);
        Assert.Equal(1f, model.Weight.Y, 1);
    }
}

public partial class OperatorsOnStructsTests
{
    [Fact]
    public void TupleAndVectorInputs_ToTheOperators()
    {
        // A tuple's tangent is a tuple of the same shape: the general overloads return it.
        var g = Gradient(t => t.Item1 * t.Item1 * t.Item2, (2.0, 3.0));
        Assert.Equal((12.0, 4.0), g);
        var (v, gv) = ValueWithGradient(p => Vector3.Dot(p, p) + p.X, new Vector3(1, 2, 3));
        Assert.Equal(15f, v);
        Assert.Equal(new Vector3(3, 4, 6), gv);
        var (_, tangent) = Jvp(p => p.Length(), new Vector2(3, 4), new Vector2(1, 0));
        Assert.Equal(0.6f, tangent, 6);
        double d = Derivative(x => ToPolarRadius(x), 2.0);
        Assert.Equal(1.0, d, 12);
    }

    [Differentiable]
    private static double ToPolarRadius(double x) => StructCode.Tuples.ToPolar(x, 0.0).R;
}
