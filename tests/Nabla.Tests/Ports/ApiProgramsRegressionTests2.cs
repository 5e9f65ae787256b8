// What the second round of programs written from API.md alone found (session 20), against closed forms.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

[Differentiable]
public partial class ApiBaseLayer
{
    public double Scale;

    [Differentiable]
    public virtual double Apply(double x) => Scale * x * x;
}

[Differentiable]
public partial class ApiDerivedLayer : ApiBaseLayer
{
    public double B;

    [Differentiable]
    public override double Apply(double x) => base.Apply(x) + B * x;
}

public static partial class ApiLayers
{
    [Differentiable]
    public static double Use(ApiBaseLayer layer, double x) => layer.Apply(x);
}

public class ApiProgramsRegressionTests2
{
    [Fact]
    public void OverrideCallingTheBaseMethod()
    {
        // base.Apply(x) dispatched virtually back to the override: a stack overflow in both modes.
        ApiBaseLayer layer = new ApiDerivedLayer { Scale = 0.5, B = 4 };
        Assert.Equal(0.5 * 1.4 + 4, Derivative(x => layer.Apply(x), 0.7), 12);
        Assert.Equal(0.5 * 1.4 + 4, Gradient(x => layer.Apply(x), 0.7), 12);
        var g = Gradient(m => ApiLayers.Use(m, 0.7), layer);
        Assert.Equal(0.49, g.Scale, 12);
        Assert.Equal(0.5 * 0.49 + 4 * 0.7, ApiLayers.Use(layer, 0.7), 12);
    }
}

[Differentiable]
public partial record ApiRecordParams(double A, double B)
{
    [Differentiable]
    public double Eval(double x) => A * Math.Exp(B * x);
}

[Differentiable]
public partial record ApiLine
{
    public double Slope { get; init; }
    public double Intercept { get; init; }
}

[Differentiable]
public partial struct ApiInitStruct
{
    public double A { get; init; }
    public double B { get; init; }

    public ApiInitStruct(double a, double b)
    {
        A = a;
        B = b;
    }
}

public static partial class ApiRecords
{
    [Differentiable]
    public static double LineLoss(ApiLine l) => (l.Slope * 2 + l.Intercept - 5) * (l.Slope * 2 + l.Intercept - 5);

    [Differentiable]
    public static double Product(ApiInitStruct s) => s.A * s.B;
}

public class ApiRecordTests
{
    [Fact]
    public void PositionalRecordClass()
    {
        // Its properties are init-only: they were left out of the tangent (NABLA0011), so the record had no derivative.
        var p = new ApiRecordParams(2.0, 0.5);
        var g = Gradient(q => q.Eval(1.2), p);
        Assert.Equal(Math.Exp(0.6), g.A, 12);
        Assert.Equal(2.0 * 1.2 * Math.Exp(0.6), g.B, 12);
        p.Move(g);   // through the backing fields
        Assert.Equal(2.0 + Math.Exp(0.6), p.A, 12);
        Assert.Equal(0.5 + 2.4 * Math.Exp(0.6), p.B, 12);
    }

    [Fact]
    public void InitOnlyMembersTrainWithAnOptimizer()
    {
        var line = new ApiLine { Slope = 1, Intercept = 1 };
        var sgd = new Sgd<ApiLine, ApiLine.Tangent>(learningRate: 0.05);
        for (int i = 0; i < 200; i++) sgd.Update(ref line, Gradient(ApiRecords.LineLoss, line));
        Assert.Equal(5.0, line.Slope * 2 + line.Intercept, 9);
        var s = new ApiInitStruct(3, 4);
        var gs = Gradient(ApiRecords.Product, s);
        Assert.Equal((4.0, 3.0), (gs.A, gs.B));
        s.Move(gs);
        Assert.Equal((7.0, 7.0), (s.A, s.B));
    }
}

public static partial class ApiNormal
{
    /// <summary>The standard normal CDF by its Taylor series (no derivative of its own: the rule gives it).</summary>
    public static double Cdf(double x)
    {
        double z = x / Math.Sqrt(2), t = z, s = z;
        for (int n = 1; n < 60; n++)
        {
            t *= -z * z / n;
            s += t / (2 * n + 1);
        }
        return 0.5 + s / Math.Sqrt(Math.PI);
    }

    [Differentiable]
    public static double Pdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    [DerivativeOf(typeof(ApiNormal), nameof(Cdf))]
    public static (double Value, Func<double, double> Pullback) CdfRule(double x)
    {
        double p = Pdf(x);
        return (Cdf(x), dy => dy * p);
    }

    [Differentiable]
    public static double Price(double x) => Cdf(x) * x;
}

public class ApiRuleHelperTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(-1.2)]
    public void HessianThroughARuleCallingADifferentiableHelper(double x)
    {
        // The rule's partial calls Pdf: differentiable here. (With Pdf unmarked it was C# errors in the generated code;
        // now NABLA0015 saying to mark the helper.)
        double pdf = ApiNormal.Pdf(x);
        Assert.Equal(-x * pdf, Autodiff.Hessian(u => ApiNormal.Cdf(u), x), 12);   // a method group with a rule is NABLA0014 here
        Assert.Equal(2 * pdf - x * x * pdf, Autodiff.Hessian(ApiNormal.Price, x), 12);
    }
}

[Differentiable]
public partial struct ApiPair
{
    public double A;
    public double B;
}

[Differentiable]
public partial struct ApiScale
{
    public double C;
}

public static partial class ApiTwoInputs
{
    [Differentiable]
    public static double ModelAndPoint(ApiPair s, double x) => s.A * x * x + s.B * Math.Sin(x);

    [Differentiable]
    public static double WeightsAndModel(double[] w, ApiPair s) => w[0] * s.A + w[1] * s.B * s.B;

    [Differentiable]
    public static double TwoModels(ApiPair s, ApiScale q) => s.A * q.C * q.C + s.B;
}

public class ApiTwoInputTests
{
    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.4)]
    public void GradientOfAStructAndAnotherInput(double x)
    {
        // API.md §3: Gradient(f, x, y) returns (dx, dy), a [Differentiable] input's as its Tangent (was NABLA0013).
        var s = new ApiPair { A = 2, B = 3 };
        var (ds, dx) = Gradient(ApiTwoInputs.ModelAndPoint, s, x);
        Assert.Equal(x * x, ds.A, 12);
        Assert.Equal(Math.Sin(x), ds.B, 12);
        Assert.Equal(2 * 2 * x + 3 * Math.Cos(x), dx, 12);
        var (value, (ls, lx)) = ValueWithGradient((q, t) => q.A * t * t + q.B * Math.Sin(t), s, x);
        Assert.Equal(ApiTwoInputs.ModelAndPoint(s, x), value, 12);
        Assert.Equal((ds.A, ds.B, dx), (ls.A, ls.B, lx));
        double k = 10;
        var (ks, kx) = Gradient((q, t) => k * q.A * t, s, x);   // k captured
        Assert.Equal((k * x, 0.0, k * 2), (ks.A, ks.B, kx));
    }

    [Fact]
    public void GradientOfAnArrayAndAStruct_AndOfTwoStructs()
    {
        var s = new ApiPair { A = 2, B = 3 };
        var (dw, ds) = Gradient(ApiTwoInputs.WeightsAndModel, new[] { 1.0, 2.0 }, s);
        Assert.Equal(new[] { 2.0, 9.0 }, dw);
        Assert.Equal((1.0, 12.0), (ds.A, ds.B));
        var (d1, d2) = Gradient(ApiTwoInputs.TwoModels, s, new ApiScale { C = 5 });
        Assert.Equal((25.0, 1.0, 20.0), (d1.A, d1.B, d2.C));
    }
}

public class ApiLocalFunctionTests
{
    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.7)]
    public void LambdaCallingAStaticLocalFunction(double x)
    {
        // The local function is declared again inside the lambda's synthesized method (was NABLA0013: "The name 'Quartic'
        // does not exist in the current context").
        [Differentiable] static double Quartic(double z) => z * z * z * z;
        static double Shifted(double z) => Math.Sin(z) + 1;
        Assert.Equal(4 * x * x * x + 1, Gradient(z => Quartic(z) + z, x), 12);
        Assert.Equal(4 * x * x * x + Math.Cos(x), Derivative(z => Quartic(z) + Shifted(z), x), 12);
        Assert.Equal(12 * x * x - Math.Sin(x), Hessian(z => Quartic(z) + Shifted(z), x), 11);
    }
}

[Differentiable]
public partial class ApiCheckedModel
{
    public double K;
    public double[] W = Array.Empty<double>();
}

public class ApiGradCheckOfTypesTests
{
    [Fact]
    public void GradCheckOfAStructAndOfAClassWithArrays()
    {
        // API.md §7 on a [Differentiable] value (was NotDifferentiableException: the lambda was not registered).
        var s = new ApiPair { A = 2, B = 3 };
        var result = GradCheck.Check(q => q.A * Math.Sin(q.B) + q.A * q.A, s);
        Assert.True(result.Passed, result.Message);
        var m = new ApiCheckedModel { K = 1.5, W = new[] { 0.5, -1.0 } };
        Assert.True(GradCheck.Check(q => q.K * q.W[0] * q.W[1] + Math.Exp(q.W[0]), m).Passed);
        Assert.Equal(1.5, m.K);                          // moved back exactly
        Assert.Equal(new[] { 0.5, -1.0 }, m.W);
        GradCheck.Assert(q => q.A * q.B, s);
    }

    [Fact]
    public void GradCheckOfATypeFindsAWrongRule()
    {
        // A rule with a wrong derivative: the check must fail, naming the component (component 1, B).
        var s = new ApiPair { A = 2, B = 3 };
        var result = GradCheck.Check(q => q.A + WrongRules.Twice(q.B), s);
        Assert.False(result.Passed);
        Assert.Equal(1, result.WorstIndex);
        Assert.Throws<GradCheckException>(() => GradCheck.Assert(q => q.A + WrongRules.Twice(q.B), s));
    }
}

public static class WrongRules
{
    public static double Twice(double x) => 2 * x;

    [DerivativeOf(typeof(WrongRules), nameof(Twice))]
    public static (double Value, Func<double, double> Pullback) TwiceRule(double x) => (2 * x, dy => 3 * dy);   // wrong on purpose
}

[Differentiable]
public partial class ApiDenseLayer
{
    public double[] W = Array.Empty<double>();
    public double[] B = Array.Empty<double>();

    [Differentiable]
    public double Unit(double[] x, int j)
    {
        double s = B[j];
        for (int i = 0; i < x.Length; i++) s += W[j * x.Length + i] * x[i];
        return Math.Tanh(s);
    }
}

[Differentiable]
public partial class ApiTwoLayerNet
{
    public ApiDenseLayer Hidden = new();
    public ApiDenseLayer Output = new();

    [Differentiable]
    public double Predict(double[] x)
    {
        var h = new double[2];
        for (int j = 0; j < 2; j++) h[j] = Hidden.Unit(x, j);
        return Output.Unit(h, 0);
    }
}

[Differentiable]
public partial class ApiHolder
{
    public ApiDenseLayer A = new();
    public ApiArrays S;

    /// <summary>Reads its member's array member directly (was NABLA0002 "of a value that is not a parameter").</summary>
    [Differentiable]
    public double Sq()
    {
        double s = 0;
        foreach (var w in A.W) s += w * w;
        return s + A.B[0] * S.V[1];
    }
}

[Differentiable]
public partial struct ApiArrays
{
    public double[] V;
}

public class ApiNestedClassTests
{
    [Fact]
    public void ArrayMembersOfMembersReadInAnInstanceMethod()
    {
        var o = new ApiHolder { A = new ApiDenseLayer { W = new[] { 1.5, -2.0, 0.5 }, B = new[] { 4.0 } }, S = new ApiArrays { V = new[] { 7.0, 3.0 } } };
        var g = Gradient(m => m.Sq(), o);
        Assert.Equal(new[] { 3.0, -4.0, 1.0 }, g.A.W);
        Assert.Equal(new[] { 3.0 }, g.A.B);
        Assert.Equal(new[] { 0.0, 4.0 }, g.S.V);
        var d = o.ZeroTangent();
        d.A.W[1] = 1;
        d.S.V[1] = 2;
        Assert.Equal(-4.0 + 2 * 4.0, Jvp(m => m.Sq(), o, d).Tangent, 12);
    }

    [Fact]
    public void ArrayMembersOfAClassHeldByAClass()
    {
        // The shadows of net.Hidden.W were made at the entry, but the callee was given fresh zeros for them: an MLP of
        // layer classes had zero weight gradients and never trained (silent).
        var net = new ApiTwoLayerNet
        {
            Hidden = new ApiDenseLayer { W = new[] { 0.3, -0.2, 0.5, 0.1 }, B = new[] { 0.05, -0.1 } },
            Output = new ApiDenseLayer { W = new[] { 0.7, -0.4 }, B = new[] { 0.2 } },
        };
        var x = new[] { 1.5, -0.5 };
        var g = Gradient(n => n.Predict(x), net);
        double[] flat = new double[g.Count];
        g.CopyTo(flat);
        Assert.Equal(4 + 2 + 2 + 1, flat.Length);
        Assert.Contains(flat, v => v != 0);
        // Against central differences, moving each parameter of the model itself.
        double[][] parameters = { net.Hidden.W, net.Hidden.B, net.Output.W, net.Output.B };
        int k = 0;
        foreach (var array in parameters)
            for (int i = 0; i < array.Length; i++, k++)
            {
                double saved = array[i], h = 1e-6;
                array[i] = saved + h;
                double plus = net.Predict(x);
                array[i] = saved - h;
                double minus = net.Predict(x);
                array[i] = saved;
                Assert.Equal((plus - minus) / (2 * h), flat[k], 8);
            }
        Assert.Equal(flat[0], g.Hidden.W[0]);
        var direction = net.ZeroTangent();
        direction.Output.W[1] = 1;
        Assert.Equal(g.Output.W[1], Jvp(n => n.Predict(x), net, direction).Tangent, 12);
    }
}

[Differentiable]
public partial struct ApiRiskModel
{
    public double[] W;
    public double Rho;

    [Differentiable]
    public double Risk() => Math.Sqrt(W[0] * W[0] + Rho * W[1] * W[1]);
}

public static partial class ApiRisk
{
    [Differentiable]
    public static double Objective(double[] w)
    {
        var p = new ApiRiskModel { W = w, Rho = 0.3 };
        return p.Risk();
    }
}

public class ApiStructWithArraySecondOrderTests
{
    [Theory]
    [InlineData(0.6, 0.8)]
    [InlineData(-1.1, 0.25)]
    public void HessianThroughAnInstanceMethodOfAStructWithAnArrayMember(double a, double b)
    {
        // Was NABLA0015: instance methods of structs with array members were not inlined, so had no second derivatives.
        double r = Math.Sqrt(a * a + 0.3 * b * b), r3 = r * r * r;
        var h = Hessian(ApiRisk.Objective, new[] { a, b });
        Assert.Equal(0.3 * b * b / r3, h[0, 0], 12);
        Assert.Equal(-0.3 * a * b / r3, h[0, 1], 12);
        Assert.Equal(h[0, 1], h[1, 0], 14);
        Assert.Equal(0.3 * a * a / r3, h[1, 1], 12);
        // A nested derivative's lambda building the struct with an object initializer (was NABLA0013 "reads 'this'").
        Assert.Equal(h[0, 0], Derivative(t => Derivative(u => new ApiRiskModel { W = new[] { u, b }, Rho = 0.3 }.Risk(), t), a), 12);
        var hv = HessianVectorProduct(ApiRisk.Objective, new[] { a, b }, new[] { 1.0, 2.0 });
        Assert.Equal(h[0, 0] + 2 * h[0, 1], hv[0], 12);
        Assert.Equal(h[1, 0] + 2 * h[1, 1], hv[1], 12);
    }
}
