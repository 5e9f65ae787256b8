// Calls between [Differentiable] methods: chains, a callee called twice, the same variable passed to two parameters,
// calls in branches, calls through cut derivatives and [NoDerivative] parameters; the sigmoid/tanh chain, softplus and
// the logistic loss.
using System;
using Xunit;
using C = Nabla.Tests.Calls;
using static Nabla.Autodiff;

namespace Nabla.Tests;

public static partial class Calls
{
    [Differentiable] public static double Square(double x) => x * x;

    [Differentiable] public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>tanh(3·σ(2x) − 1.5).</summary>
    [Differentiable] public static double SigmoidTanhChain(double x) => Math.Tanh(Sigmoid(2 * x) * 3 - 1.5);

    /// <summary>log(1 + eˣ), written stably as max(x, 0) + log(1 + e^−|x|); its derivative is σ(x).</summary>
    [Differentiable] public static double Softplus(double x) => Math.Max(x, 0.0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    /// <summary>The logistic loss of the linear model w·x + b on a sample (x, label ±1): softplus(−label·(w·x + b)).</summary>
    [Differentiable]
    public static double LogisticLoss(double w, double b, [NoDerivative] double x, [NoDerivative] double label) =>
        Softplus(-label * (w * x + b));

    [Differentiable] public static double CallsTwice(double x) => Square(x) + Square(Math.Sin(x));

    [Differentiable] public static double ThreeDeep(double x) => Square(Sigmoid(Square(x)));

    [Differentiable] public static double FourDeep(double x) => Softplus(SigmoidTanhChain(Square(Sigmoid(x))));

    [Differentiable] public static double CallsSwapped(double x, double y) => Polynomials.Bivariate(y, x);

    /// <summary>FourInputs(x, x, y, y) = x² − y² + x²·y: each variable reaches two parameters.</summary>
    [Differentiable] public static double SameVariableTwice(double x, double y) => Polynomials.FourInputs(x, x, y, y);

    [Differentiable] public static double CallsWithData(double x, int n) => DataParams.PowerByInt(x, n) * Square(x);

    [Differentiable] public static double CallInBranch(double x) => x > 0 ? Sigmoid(x) : Square(x) - Sigmoid(-x);

    [Differentiable] public static double CallOnCutArgument(double x) => Square(WithoutDerivative(x)) + x;

    /// <summary>An active y passed to a [NoDerivative] parameter: no derivative flows through it.</summary>
    [Differentiable] public static double ActiveIntoNoDerivative(double x, double y) => NoDerivativeAndWrt.ScaledSquare(x, y) + y;

    [Differentiable]
    public static double ResultReused(double x)
    {
        double s = Sigmoid(x);
        return s * s + s;
    }

    [Differentiable]
    public static double CallsMultiInput(double x, double y, double z) =>
        Polynomials.Trilinear(x, Square(y), z) + MathFunctions.Gaussian(x, y, 1.5);
}

public class CallTests
{
    static readonly Differentiated Square = Fn.Of<C.Square_Residuals>(C.Square, C.Square_Jvp, C.Square_ValueWithGradient, C.Square_Primal, C.Square_Pullback, C.Square_ValueWithPullback);
    static readonly Differentiated Sigmoid = Fn.Of<C.Sigmoid_Residuals>(C.Sigmoid, C.Sigmoid_Jvp, C.Sigmoid_ValueWithGradient, C.Sigmoid_Primal, C.Sigmoid_Pullback, C.Sigmoid_ValueWithPullback);
    static readonly Differentiated SigmoidTanhChain = Fn.Of<C.SigmoidTanhChain_Residuals>(C.SigmoidTanhChain, C.SigmoidTanhChain_Jvp, C.SigmoidTanhChain_ValueWithGradient, C.SigmoidTanhChain_Primal, C.SigmoidTanhChain_Pullback, C.SigmoidTanhChain_ValueWithPullback);
    static readonly Differentiated Softplus = Fn.Of<C.Softplus_Residuals>(C.Softplus, C.Softplus_Jvp, C.Softplus_ValueWithGradient, C.Softplus_Primal, C.Softplus_Pullback, C.Softplus_ValueWithPullback);
    static readonly Differentiated CallsTwice = Fn.Of<C.CallsTwice_Residuals>(C.CallsTwice, C.CallsTwice_Jvp, C.CallsTwice_ValueWithGradient, C.CallsTwice_Primal, C.CallsTwice_Pullback, C.CallsTwice_ValueWithPullback);
    static readonly Differentiated ThreeDeep = Fn.Of<C.ThreeDeep_Residuals>(C.ThreeDeep, C.ThreeDeep_Jvp, C.ThreeDeep_ValueWithGradient, C.ThreeDeep_Primal, C.ThreeDeep_Pullback, C.ThreeDeep_ValueWithPullback);
    static readonly Differentiated FourDeep = Fn.Of<C.FourDeep_Residuals>(C.FourDeep, C.FourDeep_Jvp, C.FourDeep_ValueWithGradient, C.FourDeep_Primal, C.FourDeep_Pullback, C.FourDeep_ValueWithPullback);
    static readonly Differentiated CallsSwapped = Fn.Of<C.CallsSwapped_Residuals>(C.CallsSwapped, C.CallsSwapped_Jvp, C.CallsSwapped_ValueWithGradient, C.CallsSwapped_Primal, C.CallsSwapped_Pullback, C.CallsSwapped_ValueWithPullback);
    static readonly Differentiated SameVariableTwice = Fn.Of<C.SameVariableTwice_Residuals>(C.SameVariableTwice, C.SameVariableTwice_Jvp, C.SameVariableTwice_ValueWithGradient, C.SameVariableTwice_Primal, C.SameVariableTwice_Pullback, C.SameVariableTwice_ValueWithPullback);
    static readonly Differentiated CallInBranch = Fn.Of<C.CallInBranch_Residuals>(C.CallInBranch, C.CallInBranch_Jvp, C.CallInBranch_ValueWithGradient, C.CallInBranch_Primal, C.CallInBranch_Pullback, C.CallInBranch_ValueWithPullback);
    static readonly Differentiated CallOnCutArgument = Fn.Of<C.CallOnCutArgument_Residuals>(C.CallOnCutArgument, C.CallOnCutArgument_Jvp, C.CallOnCutArgument_ValueWithGradient, C.CallOnCutArgument_Primal, C.CallOnCutArgument_Pullback, C.CallOnCutArgument_ValueWithPullback);
    static readonly Differentiated ActiveIntoNoDerivative = Fn.Of<C.ActiveIntoNoDerivative_Residuals>(C.ActiveIntoNoDerivative, C.ActiveIntoNoDerivative_Jvp, C.ActiveIntoNoDerivative_ValueWithGradient, C.ActiveIntoNoDerivative_Primal, C.ActiveIntoNoDerivative_Pullback, C.ActiveIntoNoDerivative_ValueWithPullback);
    static readonly Differentiated ResultReused = Fn.Of<C.ResultReused_Residuals>(C.ResultReused, C.ResultReused_Jvp, C.ResultReused_ValueWithGradient, C.ResultReused_Primal, C.ResultReused_Pullback, C.ResultReused_ValueWithPullback);
    static readonly Differentiated CallsMultiInput = Fn.Of<C.CallsMultiInput_Residuals>(C.CallsMultiInput, C.CallsMultiInput_Jvp, C.CallsMultiInput_ValueWithGradient, C.CallsMultiInput_Primal, C.CallsMultiInput_Pullback, C.CallsMultiInput_ValueWithPullback);

    static Differentiated LogisticLoss(double x, double label) => Fn.Of<C.LogisticLoss_Residuals>(
        (w, b) => C.LogisticLoss(w, b, x, label), (w, b, dw, db) => C.LogisticLoss_Jvp(w, b, x, label, dw, db),
        (w, b) => C.LogisticLoss_ValueWithGradient(w, b, x, label),
        (double w, double b, out C.LogisticLoss_Residuals r) => C.LogisticLoss_Primal(w, b, x, label, out r),
        C.LogisticLoss_Pullback, (w, b) => C.LogisticLoss_ValueWithPullback(w, b, x, label), $"LogisticLoss(w, b, {x}, {label})");

    static Differentiated CallsWithData(int n) => Fn.Of<C.CallsWithData_Residuals>(
        x => C.CallsWithData(x, n), (x, dx) => C.CallsWithData_Jvp(x, n, dx), x => C.CallsWithData_ValueWithGradient(x, n),
        (double x, out C.CallsWithData_Residuals r) => C.CallsWithData_Primal(x, n, out r), C.CallsWithData_Pullback,
        x => C.CallsWithData_ValueWithPullback(x, n), $"CallsWithData(x, {n})");

    static double S(double x) => 1 / (1 + Math.Exp(-x));
    static double DS(double x) => S(x) * (1 - S(x));

    [Theory]
    [InlineData(-3.0)]
    [InlineData(2.5)]
    public void Square_(double x) => Check.Gradient(Square, x, 2 * x);

    [Theory]
    [InlineData(-4.0)]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void Sigmoid_(double x) => Check.Gradient(Sigmoid, x, DS(x), value: S(x));

    [Theory]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    [InlineData(0.4)]
    [InlineData(3.0)]
    public void SigmoidTanhChain_(double x)
    {
        double t = Math.Tanh(3 * S(2 * x) - 1.5);
        Check.Gradient(SigmoidTanhChain, x, (1 - t * t) * 3 * 2 * DS(2 * x), value: t);
    }

    [Theory]
    [InlineData(-30.0)]
    [InlineData(-2.0)]
    [InlineData(0.0)]   // Max's tie (½) and Abs′(0) = 0 combine to σ(0) = ½
    [InlineData(1.5)]
    [InlineData(40.0)]
    public void SoftplusDerivativeIsSigmoid(double x) =>
        Check.Gradient(Softplus, x, S(x), value: x > 30 ? x : Math.Log(1 + Math.Exp(x)));

    [Theory]
    [InlineData(0.5, -0.25, 2.0, 1.0)]
    [InlineData(0.5, -0.25, 2.0, -1.0)]
    [InlineData(-1.5, 2.0, -0.75, 1.0)]
    public void LogisticLoss_(double w, double b, double x, double label)
    {
        double z = -label * (w * x + b);
        Check.Gradient(LogisticLoss(x, label), [w, b], [-label * x * S(z), -label * S(z)], value: Math.Log(1 + Math.Exp(z)));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(2.0)]
    public void CalleeCalledTwice(double x) =>
        Check.Gradient(CallsTwice, x, 2 * x + 2 * Math.Sin(x) * Math.Cos(x));

    [Theory]
    [InlineData(-1.2)]
    [InlineData(0.0)]
    [InlineData(0.8)]
    public void ThreeDeep_(double x)
    {
        double s = S(x * x);
        Check.Gradient(ThreeDeep, x, 2 * s * DS(x * x) * 2 * x, value: s * s);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void FourDeep_(double x)
    {
        // Softplus(T(Q(S(x)))) with T(u) = tanh(3σ(2u) − 1.5), Q(u) = u².
        double a = S(x), q = a * a, t = Math.Tanh(3 * S(2 * q) - 1.5);
        double dT = (1 - t * t) * 6 * DS(2 * q);
        Check.Gradient(FourDeep, x, S(t) * dT * 2 * a * DS(x));
    }

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-1.5, 0.5)]
    public void ArgumentsSwapped(double x, double y) =>
        // Bivariate(u, v) = u²v + 3uv² − v³ + u at (u, v) = (y, x).
        Check.Gradient(CallsSwapped, [x, y], [y * y + 6 * y * x - 3 * x * x, 2 * y * x + 3 * x * x + 1]);

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(-1.5, 0.5)]
    public void SameVariableToTwoParameters(double x, double y) =>
        Check.Gradient(SameVariableTwice, [x, y], [2 * x + 2 * x * y, -2 * y + x * x], value: x * x - y * y + x * x * y);

    [Theory]
    [InlineData(0, 1.5)]
    [InlineData(2, 1.5)]
    [InlineData(3, -0.5)]
    public void CalleeWithDataArgument(int n, double x) =>
        Check.Gradient(CallsWithData(n), x, (n + 2) * Math.Pow(x, n + 1));

    [Theory]
    [InlineData(1.0)]
    [InlineData(-1.0)]
    [InlineData(-0.25)]
    public void CallsInBothBranches(double x) =>
        Check.Gradient(CallInBranch, x, x > 0 ? DS(x) : 2 * x + DS(-x));

    [Theory]
    [InlineData(3.0)]
    [InlineData(-2.0)]
    public void CalleeOnACutArgument(double x) =>
        Check.Gradient(CallOnCutArgument, x, 1.0, value: x * x + x, finiteDifferences: false);

    [Theory]
    [InlineData(2.0, 3.0)]
    [InlineData(-1.0, 0.5)]
    public void ActiveArgumentToANoDerivativeParameter(double x, double y) =>
        // ScaledSquare(x, k) = k·x² with [NoDerivative] k: y's derivative through k is cut; only "+ y" remains.
        Check.Gradient(ActiveIntoNoDerivative, [x, y], [2 * y * x, 1.0], finiteDifferences: false);

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    public void CallResultUsedThreeTimes(double x) =>
        Check.Gradient(ResultReused, x, (2 * S(x) + 1) * DS(x));

    [Theory]
    [InlineData(1.0, 2.0, 3.0)]
    [InlineData(-0.5, 0.75, -1.0)]
    public void CallsOfThreeInputFunctions(double x, double y, double z)
    {
        // Trilinear(x, y², z) = x·y²·z + x·y² + z; Gaussian(x, y, 1.5) = φ((x − y)/1.5)/1.5.
        double u = (x - y) / 1.5, g = Math.Exp(-u * u / 2) / (1.5 * Math.Sqrt(2 * Math.PI));
        double dgdx = -u * g / 1.5;
        double y2 = y * y;
        Check.Gradient(CallsMultiInput, [x, y, z], [y2 * z + y2 + dgdx, 2 * y * (x * z + x) - dgdx, x * y2 + 1]);
    }
}
