// Assembly C: functions that call assembly A's [Differentiable] methods (derivatives found through metadata) and A's
// plain methods, whose rules are declared retroactively in assembly B (tests/Nabla.Tests.Rules).
using System;
using Nabla.Tests.Library;
using Xunit;
using X = Nabla.Tests.CrossAssembly;

namespace Nabla.Tests;

public static partial class CrossAssembly
{
    [Differentiable] public static double SquarePlusSigmoid(double x) => LibFunctions.Square(x) + LibFunctions.Sigmoid(x);

    /// <summary>A's method that itself calls A's methods.</summary>
    [Differentiable] public static double ChainInA(double x) => LibFunctions.SigmoidOfSquare(x) * 2;

    [Differentiable] public static double BilinearOfSquare(double x, double y) => LibFunctions.Bilinear(y, x * x);

    [Differentiable] public static double DataAcrossAssemblies(double x, int k) => LibFunctions.Scale(x, k, 1.5) + x;

    [Differentiable] public static double BranchesInA(double x, double y) => LibFunctions.Branchy(x, y) + LibFunctions.Branchy(y, x);

    [Differentiable] public static float FloatInA(float x) => LibFunctions.SquareF(x) * x;

    // ----- The retroactive case: A's plain methods, B's rules, used here. -----

    [Differentiable] public static double SmoothStepTimesX(double x) => Plain.SmoothStep(x) * x;

    [Differentiable] public static double MulSquareOfSin(double x, double y) => Plain.MulSquare(Math.Sin(x), y) + y;

    /// <summary>B's rule for Softplus is forward mode.</summary>
    [Differentiable] public static double SoftplusOfProduct(double x, double y) => Plain.Softplus(x * y);

    public static readonly Spline Cubic = new();

    /// <summary>B's forward rule over arrays for A's plain method, used in reverse mode here.</summary>
    [Differentiable] public static double WeightedSquaresOfB(double[] a, [NoDerivative] double[] w) => Plain.WeightedSquares(a, w) * a[0];

    /// <summary>B's rules for members of A: an instance method, a property getter and a constructor.</summary>
    [Differentiable] public static double MemberRulesOfB(double x, double y) => Cubic.Eval(x) + new LibPair(x, y * y).Product;
}

public class CrossAssemblyTests
{
    static readonly Differentiated SquarePlusSigmoid = Fn.Of<X.SquarePlusSigmoid_Residuals>(X.SquarePlusSigmoid, X.SquarePlusSigmoid_Jvp, X.SquarePlusSigmoid_ValueWithGradient, X.SquarePlusSigmoid_Primal, X.SquarePlusSigmoid_Pullback, X.SquarePlusSigmoid_ValueWithPullback);
    static readonly Differentiated ChainInA = Fn.Of<X.ChainInA_Residuals>(X.ChainInA, X.ChainInA_Jvp, X.ChainInA_ValueWithGradient, X.ChainInA_Primal, X.ChainInA_Pullback, X.ChainInA_ValueWithPullback);
    static readonly Differentiated BilinearOfSquare = Fn.Of<X.BilinearOfSquare_Residuals>(X.BilinearOfSquare, X.BilinearOfSquare_Jvp, X.BilinearOfSquare_ValueWithGradient, X.BilinearOfSquare_Primal, X.BilinearOfSquare_Pullback, X.BilinearOfSquare_ValueWithPullback);
    static readonly Differentiated BranchesInA = Fn.Of<X.BranchesInA_Residuals>(X.BranchesInA, X.BranchesInA_Jvp, X.BranchesInA_ValueWithGradient, X.BranchesInA_Primal, X.BranchesInA_Pullback, X.BranchesInA_ValueWithPullback);
    static readonly Differentiated FloatInA = Fn.Of<X.FloatInA_Residuals>(X.FloatInA, X.FloatInA_Jvp, X.FloatInA_ValueWithGradient, X.FloatInA_Primal, X.FloatInA_Pullback, X.FloatInA_ValueWithPullback);
    static readonly Differentiated SmoothStepTimesX = Fn.Of<X.SmoothStepTimesX_Residuals>(X.SmoothStepTimesX, X.SmoothStepTimesX_Jvp, X.SmoothStepTimesX_ValueWithGradient, X.SmoothStepTimesX_Primal, X.SmoothStepTimesX_Pullback, X.SmoothStepTimesX_ValueWithPullback);
    static readonly Differentiated MulSquareOfSin = Fn.Of<X.MulSquareOfSin_Residuals>(X.MulSquareOfSin, X.MulSquareOfSin_Jvp, X.MulSquareOfSin_ValueWithGradient, X.MulSquareOfSin_Primal, X.MulSquareOfSin_Pullback, X.MulSquareOfSin_ValueWithPullback);
    static readonly Differentiated SoftplusOfProduct = Fn.Of<X.SoftplusOfProduct_Residuals>(X.SoftplusOfProduct, X.SoftplusOfProduct_Jvp, X.SoftplusOfProduct_ValueWithGradient, X.SoftplusOfProduct_Primal, X.SoftplusOfProduct_Pullback, X.SoftplusOfProduct_ValueWithPullback);

    static readonly Differentiated MemberRulesOfB = Fn.Of<X.MemberRulesOfB_Residuals>(X.MemberRulesOfB, X.MemberRulesOfB_Jvp, X.MemberRulesOfB_ValueWithGradient, X.MemberRulesOfB_Primal, X.MemberRulesOfB_Pullback, X.MemberRulesOfB_ValueWithPullback);

    [Theory]
    [InlineData(1.5, 2.0)]
    [InlineData(-0.5, 0.25)]
    public void RulesOfBForMembersOfA(double x, double y) =>
        // 2x³ + x·y²
        Check.Gradient(MemberRulesOfB, [x, y], [6 * x * x + y * y, 2 * x * y], value: 2 * x * x * x + x * y * y);

    static Differentiated DataAcrossAssemblies(int k) => Fn.Of<X.DataAcrossAssemblies_Residuals>(
        x => X.DataAcrossAssemblies(x, k), (x, dx) => X.DataAcrossAssemblies_Jvp(x, k, dx), x => X.DataAcrossAssemblies_ValueWithGradient(x, k),
        (double x, out X.DataAcrossAssemblies_Residuals r) => X.DataAcrossAssemblies_Primal(x, k, out r), X.DataAcrossAssemblies_Pullback,
        x => X.DataAcrossAssemblies_ValueWithPullback(x, k), $"DataAcrossAssemblies(x, {k})");

    static double S(double x) => 1 / (1 + Math.Exp(-x));
    static double DS(double x) => S(x) * (1 - S(x));

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void CallsOfADifferentiableMethods(double x) =>
        Check.Gradient(SquarePlusSigmoid, x, 2 * x + DS(x), value: x * x + S(x));

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void ChainInsideA(double x) => Check.Gradient(ChainInA, x, 2 * DS(x * x) * 2 * x);

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-1.5, 0.5)]
    public void TwoInputMethodOfA(double x, double y) =>
        // Bilinear(u, v) = u·v + u at (u, v) = (y, x²).
        Check.Gradient(BilinearOfSquare, [x, y], [y * 2 * x, x * x + 1]);

    [Theory]
    [InlineData(2, 1.5)]
    [InlineData(-1, -0.5)]
    public void DataArgumentsToA(int k, double x) => Check.Gradient(DataAcrossAssemblies(k), x, k * 1.5 + 2 * x + 1);

    [Theory]
    [InlineData(2.0, 1.0)]    // Branchy(x, y): x > y; Branchy(y, x): y ≤ x
    [InlineData(-1.0, 0.5)]   // the other way round
    public void BranchesOfA(double x, double y)
    {
        // Branchy(a, b) = a > b ? sin(a)·b : a·b².
        (double, double) D(double a, double b) => a > b ? (Math.Cos(a) * b, Math.Sin(a)) : (b * b, 2 * a * b);
        var (d1a, d1b) = D(x, y);
        var (d2a, d2b) = D(y, x);
        Check.Gradient(BranchesInA, [x, y], [d1a + d2b, d1b + d2a]);
    }

    [Theory]
    [InlineData(1.5f)]
    [InlineData(-0.75f)]
    public void FloatMethodOfA(float x) => Check.Gradient(FloatInA, x, 3.0 * x * x);

    [Theory]
    [InlineData(-0.5)]   // SmoothStep = 0: derivative 0·x + 0 = 0
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.8)]
    [InlineData(2.0)]    // SmoothStep = 1: derivative 1
    public void RetroactiveRuleOfBForAMethodOfA(double x)
    {
        double s = x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x);
        double ds = x <= 0 || x >= 1 ? 0 : 6 * x * (1 - x);
        Check.Gradient(SmoothStepTimesX, x, ds * x + s, value: s * x);
    }

    [Theory]
    [InlineData(0.5, 2.0)]
    [InlineData(-1.0, -1.5)]
    public void RetroactiveTwoInputRule(double x, double y) =>
        Check.Gradient(MulSquareOfSin, [x, y], [Math.Cos(x) * y * y, 2 * Math.Sin(x) * y + 1]);

    [Theory]
    [InlineData(0.5, 2.0)]
    [InlineData(-1.0, 1.5)]
    [InlineData(0.0, 3.0)]
    public void RetroactiveForwardModeRule(double x, double y)
    {
        double s = S(x * y);
        Check.Gradient(SoftplusOfProduct, [x, y], [y * s, x * s]);
    }

    [Fact]
    public void RetroactiveRuleOverArrays()
    {
        double[] a = [0.5, -1.5, 2.0], w = [1.0, 2.0, 3.0];
        // F = a₀ Σ aᵢ² wᵢ: ∂F/∂a₀ = Σ aᵢ² wᵢ + 2a₀² w₀, ∂F/∂aᵢ = 2 a₀ aᵢ wᵢ.
        double s = 0.25 * 1 + 2.25 * 2 + 4 * 3;
        var g = Autodiff.Gradient(v => X.WeightedSquaresOfB(v, w), a);
        Assert.Equal(s + 2 * 0.25 * 1, g[0], 12);
        Assert.Equal(2 * 0.5 * -1.5 * 2, g[1], 12);
        Assert.Equal(2 * 0.5 * 2.0 * 3, g[2], 12);
        var (_, t) = Autodiff.Jvp(v => X.WeightedSquaresOfB(v, w), a, [0.0, 1.0, 1.0]);
        Assert.Equal(g[1] + g[2], t, 12);
        // The original as a method group: its gradient with respect to w (left out by Wrt) is zeros.
        var (ga, gw) = Autodiff.Gradient(Plain.WeightedSquares, a, w);
        Assert.Equal([1.0, -6.0, 12.0], ga);
        Assert.Equal([0.0, 0.0, 0.0], gw);
    }

    [Fact]
    public void OperatorsFindDerivativesGeneratedInA()
    {
        Assert.Equal(DS(0.7), Autodiff.Gradient(LibFunctions.Sigmoid, 0.7), 15);
        Assert.Equal(2 * 1.25, Autodiff.Derivative(LibFunctions.Square, 1.25));
        Assert.Equal((3.0 + 1, 2.0), Autodiff.Gradient(LibFunctions.Bilinear, 2.0, 3.0));   // (y + 1, x)
    }
}
