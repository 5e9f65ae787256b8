// Control flow: if/else, early return, ?: chains, && and ||, comparisons, a branch on a reassigned local.
// Every test has points on both sides of every branch; at a boundary point the derivative is that of the side the
// code takes (docs/semantics.md) and finite differences are skipped there.
using System;
using Xunit;
using B = Nabla.Tests.Branches;

namespace Nabla.Tests;

public static partial class Branches
{
    [Differentiable]
    public static double Relu(double x) => x > 0 ? x : 0.0;

    [Differentiable]
    public static double Piecewise(double x)
    {
        if (x < -1)
            return -x * x;
        else if (x < 1)
            return x * x * x;
        else
            return 2 * x + Math.Log(x) - 1;
    }

    [Differentiable]
    public static double EarlyReturn(double x, double y)
    {
        if (x > y)
            return x * y;
        double t = x - y;
        return t * t + y;
    }

    [Differentiable]
    public static double TernaryChain(double x) =>
        x < -2 ? -x : x < 0 ? x * x : x < 2 ? Math.Sin(x) : Math.Exp(x - 2) + x;

    [Differentiable]
    public static double AndOr(double x, double y)
    {
        if (x > 0 && y > 0)
            return x * y;
        if (x < -1 || y < -1)
            return x + 2 * y;
        return x * x - y;
    }

    [Differentiable]
    public static double NestedIf(double x, double y, double z)
    {
        double r;
        if (x > 0)
        {
            if (y > 0)
                r = x * y * z;
            else
                r = x + z * z;
        }
        else
        {
            r = Math.Exp(x) * y - z;
        }
        return r;
    }

    /// <summary>Branches on a local that is then reassigned inside the branches: 2|x| for |x| &gt; 2, else 3x²/4 + 1.</summary>
    [Differentiable]
    public static double BranchOnReassignedLocal(double x)
    {
        double t = x * x;
        if (t > 4)
            t = Math.Sqrt(t);
        else
            t = t * 0.25 + 1;
        return t * x;
    }

    [Differentiable]
    public static double MaxByIf(double x, double y)
    {
        if (x >= y)
            return x;
        return y;
    }

    [Differentiable]
    public static double BoolLocal(double x)
    {
        bool big = x * x > 2;
        double r = big ? x : -x;
        if (!big)
            r *= 3;
        return r;
    }

    [Differentiable]
    public static double Comparisons(double x, double y)
    {
        if (x == y)
            return x * y;
        if (x != 0 && x <= y)
            return x - y;
        return x >= 2 * y ? x * y : y * y;
    }

    /// <summary>An if without else that updates an accumulator, then a second one that reads it.</summary>
    [Differentiable]
    public static double Accumulate(double x, double y)
    {
        double acc = x;
        if (y > 0)
            acc += y * y;
        if (acc > 3)
            acc *= x;
        return acc;
    }
}

public class BranchTests
{
    static readonly Differentiated Relu = Fn.Of<B.Relu_Residuals>(B.Relu, B.Relu_Jvp, B.Relu_ValueWithGradient, B.Relu_Primal, B.Relu_Pullback, B.Relu_ValueWithPullback);
    static readonly Differentiated Piecewise = Fn.Of<B.Piecewise_Residuals>(B.Piecewise, B.Piecewise_Jvp, B.Piecewise_ValueWithGradient, B.Piecewise_Primal, B.Piecewise_Pullback, B.Piecewise_ValueWithPullback);
    static readonly Differentiated EarlyReturn = Fn.Of<B.EarlyReturn_Residuals>(B.EarlyReturn, B.EarlyReturn_Jvp, B.EarlyReturn_ValueWithGradient, B.EarlyReturn_Primal, B.EarlyReturn_Pullback, B.EarlyReturn_ValueWithPullback);
    static readonly Differentiated TernaryChain = Fn.Of<B.TernaryChain_Residuals>(B.TernaryChain, B.TernaryChain_Jvp, B.TernaryChain_ValueWithGradient, B.TernaryChain_Primal, B.TernaryChain_Pullback, B.TernaryChain_ValueWithPullback);
    static readonly Differentiated AndOr = Fn.Of<B.AndOr_Residuals>(B.AndOr, B.AndOr_Jvp, B.AndOr_ValueWithGradient, B.AndOr_Primal, B.AndOr_Pullback, B.AndOr_ValueWithPullback);
    static readonly Differentiated NestedIf = Fn.Of<B.NestedIf_Residuals>(B.NestedIf, B.NestedIf_Jvp, B.NestedIf_ValueWithGradient, B.NestedIf_Primal, B.NestedIf_Pullback, B.NestedIf_ValueWithPullback);
    static readonly Differentiated BranchOnReassignedLocal = Fn.Of<B.BranchOnReassignedLocal_Residuals>(B.BranchOnReassignedLocal, B.BranchOnReassignedLocal_Jvp, B.BranchOnReassignedLocal_ValueWithGradient, B.BranchOnReassignedLocal_Primal, B.BranchOnReassignedLocal_Pullback, B.BranchOnReassignedLocal_ValueWithPullback);
    static readonly Differentiated MaxByIf = Fn.Of<B.MaxByIf_Residuals>(B.MaxByIf, B.MaxByIf_Jvp, B.MaxByIf_ValueWithGradient, B.MaxByIf_Primal, B.MaxByIf_Pullback, B.MaxByIf_ValueWithPullback);
    static readonly Differentiated BoolLocal = Fn.Of<B.BoolLocal_Residuals>(B.BoolLocal, B.BoolLocal_Jvp, B.BoolLocal_ValueWithGradient, B.BoolLocal_Primal, B.BoolLocal_Pullback, B.BoolLocal_ValueWithPullback);
    static readonly Differentiated Comparisons = Fn.Of<B.Comparisons_Residuals>(B.Comparisons, B.Comparisons_Jvp, B.Comparisons_ValueWithGradient, B.Comparisons_Primal, B.Comparisons_Pullback, B.Comparisons_ValueWithPullback);
    static readonly Differentiated Accumulate = Fn.Of<B.Accumulate_Residuals>(B.Accumulate, B.Accumulate_Jvp, B.Accumulate_ValueWithGradient, B.Accumulate_Primal, B.Accumulate_Pullback, B.Accumulate_ValueWithPullback);

    [Theory]
    [InlineData(2.5, 1.0, true)]
    [InlineData(1e-3, 1.0, true)]
    [InlineData(-1.0, 0.0, true)]
    [InlineData(0.0, 0.0, false)]   // x > 0 is false at 0: the else side, derivative 0
    public void Relu_(double x, double expected, bool smooth) =>
        Check.Gradient(Relu, x, expected, value: Math.Max(x, 0), finiteDifferences: smooth);

    [Theory]
    [InlineData(-3.0, true)]
    [InlineData(-1.0, false)]   // boundary: x < -1 is false, the x³ side
    [InlineData(-0.5, true)]
    [InlineData(0.7, true)]
    [InlineData(1.0, false)]    // boundary: the log side
    [InlineData(4.0, true)]
    public void Piecewise_(double x, bool smooth)
    {
        double expected = x < -1 ? -2 * x : x < 1 ? 3 * x * x : 2 + 1 / x;
        Check.Gradient(Piecewise, x, expected, finiteDifferences: smooth);
    }

    [Theory]
    [InlineData(3.0, 1.0, true)]     // early return
    [InlineData(-2.0, -5.0, true)]
    [InlineData(1.0, 3.0, true)]     // falls through
    [InlineData(-1.0, 0.5, true)]
    [InlineData(2.0, 2.0, false)]    // x > y false: falls through
    public void EarlyReturn_(double x, double y, bool smooth)
    {
        double[] expected = x > y ? [y, x] : [2 * (x - y), -2 * (x - y) + 1];
        Check.Gradient(EarlyReturn, [x, y], expected, finiteDifferences: smooth);
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(-1.0)]
    [InlineData(0.5)]
    [InlineData(1.5)]
    [InlineData(2.5)]
    [InlineData(4.0)]
    public void TernaryChain_(double x)
    {
        double expected = x < -2 ? -1 : x < 0 ? 2 * x : x < 2 ? Math.Cos(x) : Math.Exp(x - 2) + 1;
        Check.Gradient(TernaryChain, x, expected);
    }

    [Theory]
    [InlineData(1.0, 2.0)]     // && true
    [InlineData(1.0, -2.0)]    // && false on y; || true on y
    [InlineData(-2.0, 1.0)]    // && short-circuits on x; || true on x
    [InlineData(-3.0, -3.0)]   // || true on x (y not evaluated)
    [InlineData(-0.5, 0.5)]    // && false on x; || false
    [InlineData(0.5, -0.5)]    // && false on y; || false
    public void AndOr_(double x, double y)
    {
        double[] expected = x > 0 && y > 0 ? [y, x] : x < -1 || y < -1 ? [1.0, 2.0] : [2 * x, -1.0];
        Check.Gradient(AndOr, [x, y], expected);
    }

    [Theory]
    [InlineData(1.0, 2.0, 3.0)]
    [InlineData(1.5, -1.0, 0.5)]
    [InlineData(-1.0, 2.0, -0.5)]
    [InlineData(-0.2, -3.0, 4.0)]
    public void NestedIf_(double x, double y, double z)
    {
        double[] expected = x > 0
            ? (y > 0 ? [y * z, x * z, x * y] : [1.0, 0.0, 2 * z])
            : [Math.Exp(x) * y, Math.Exp(x), -1.0];
        Check.Gradient(NestedIf, [x, y, z], expected);
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(2.5)]
    public void BranchOnReassignedLocal_(double x) =>
        Check.Gradient(BranchOnReassignedLocal, x, x * x > 4 ? 2 * Math.Abs(x) : 0.75 * x * x + 1);

    [Theory]
    [InlineData(3.0, 1.0, 1.0, 0.0, true)]
    [InlineData(-1.0, 2.0, 0.0, 1.0, true)]
    [InlineData(1.0, 1.0, 1.0, 0.0, false)]   // x >= y: the first return, unlike Math.Max's even split
    public void MaxByIf_(double x, double y, double dx, double dy, bool smooth) =>
        Check.Gradient(MaxByIf, [x, y], [dx, dy], finiteDifferences: smooth);

    [Theory]
    [InlineData(-2.0, 1.0)]
    [InlineData(-1.0, -3.0)]
    [InlineData(0.5, -3.0)]
    [InlineData(3.0, 1.0)]
    public void BoolLocal_(double x, double expected) => Check.Gradient(BoolLocal, x, expected);

    [Theory]
    [InlineData(2.0, 2.0, 2.0, 2.0, false)]   // x == y
    [InlineData(1.0, 3.0, 1.0, -1.0, true)]   // x != 0 && x <= y
    [InlineData(0.0, 3.0, 0.0, 6.0, false)]   // x != 0 false (a tie of x with 0): y²
    [InlineData(5.0, 1.0, 1.0, 5.0, true)]    // x >= 2y: x·y
    [InlineData(3.0, 2.0, 0.0, 4.0, true)]    // x < 2y: y²
    public void Comparisons_(double x, double y, double dx, double dy, bool smooth) =>
        Check.Gradient(Comparisons, [x, y], [dx, dy], finiteDifferences: smooth);

    [Theory]
    [InlineData(1.0, 2.0)]    // acc = 5 > 3: (x + y²)·x
    [InlineData(1.0, 0.5)]    // acc = 1.25: x + y²
    [InlineData(4.0, -1.0)]   // y ≤ 0, acc = 4 > 3: x²
    [InlineData(2.0, -1.0)]   // y ≤ 0, acc = 2: x
    public void Accumulate_(double x, double y)
    {
        double acc = x + (y > 0 ? y * y : 0);
        double dAccDy = y > 0 ? 2 * y : 0;
        double[] expected = acc > 3 ? [acc + x, dAccDy * x] : [1.0, dAccDy];
        Check.Gradient(Accumulate, [x, y], expected);
    }
}
