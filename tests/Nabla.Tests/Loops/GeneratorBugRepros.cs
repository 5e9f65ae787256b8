// The smallest functions that show each generator bug found by the loop tests, with the exact answer
// expected. They fail until the generator is fixed; the larger tests that found them are named beside each.
using System;
using Nabla;
using Xunit;

namespace Nabla.Tests.Loops;

public static partial class Repros
{
    /// <summary>Fibonacci: b_n = F(n+1)·x, two loop-carried locals rotated through a temporary.</summary>
    [Differentiable]
    public static double Fibonacci(double x, int n)
    {
        double a = 0, b = x;
        for (int k = 0; k < n; k++)
        {
            double next = a + b;
            a = b;
            b = next;
        }
        return b;
    }

    /// <summary>Two loop-carried locals swapped: after an odd number of swaps a is x.</summary>
    [Differentiable]
    public static double Swap(double x, int n)
    {
        double a = 1, b = x;
        for (int k = 0; k < n; k++)
        {
            double t = a;
            a = b;
            b = t;
        }
        return 3 * a + b;
    }

    /// <summary>Writes a[i], having read b[i]; called with one array for both. (Without the loop it is right.)</summary>
    [Differentiable]
    public static double WriteAfterReadOfAnAlias(double[] a, double[] b)
    {
        for (int i = 0; i < a.Length; i++) a[i] = a[i] * b[i];
        return a[0];
    }

    /// <summary>Squares x[0] in place.</summary>
    [Differentiable]
    public static double SquareInPlace(double[] x)
    {
        x[0] = x[0] * x[0];
        return x[0];
    }
}

public class GeneratorBugReproTests
{
    // Found by LoopFormTests.TwoLoopCarriedLocalsWithARunTimeTripCount.
    [Theory]
    [InlineData(3, 3.0)]  // b = 3x
    [InlineData(4, 5.0)]  // b = 5x
    [InlineData(5, 8.0)]  // b = 8x
    public void LoopCarriedLocalsRotatedThroughATemporary(int n, double expected)
    {
        double forward = Repros.Fibonacci_Jvp(0.7, n, 1).Tangent;
        double reverse = Repros.Fibonacci_ValueWithGradient(0.7, n).Gradient;
        Assert.True(forward == expected && reverse == expected, $"expected {expected}, forward {forward}, reverse {reverse}");
    }

    [Theory]
    [InlineData(1, 3.0)] // a = x, b = 1
    [InlineData(2, 1.0)] // a = 1, b = x
    [InlineData(3, 3.0)]
    public void LoopCarriedLocalsSwapped(int n, double expected)
    {
        double forward = Repros.Swap_Jvp(0.7, n, 1).Tangent;
        double reverse = Repros.Swap_ValueWithGradient(0.7, n).Gradient;
        Assert.True(forward == expected && reverse == expected, $"expected {expected}, forward {forward}, reverse {reverse}");
    }

    // Found by MutationTests.SameArrayPassedTwiceWrittenThroughOneReadThroughTheOther.
    [Fact]
    public void ReadThroughOneNameOfAnArrayWrittenThroughTheOther()
    {
        // f(x) = x0², so the gradient is 2·x0 = 1 at x0 = 0.5.
        var x = new[] { 0.5 };
        var dx = new[] { 1.0 };
        double forward = Repros.WriteAfterReadOfAnAlias_Jvp(x, x, dx, dx).Tangent;
        var y = new[] { 0.5 };
        var (value, (da, db)) = Repros.WriteAfterReadOfAnAlias_ValueWithGradient(y, y);
        Assert.Equal(0.25, value);
        Assert.Same(da, db);
        Assert.True(forward == 1.0 && da[0] == 1.0, $"expected 1, forward {forward}, reverse {da[0]}");
    }

    // Found by VectorFunctionLoopTests.CumulativeProductInPlaceReturningTheInput (through Autodiff.JacobianReverse).
    [Fact]
    public void PullbackCalledTwiceOnAFunctionThatMutatesItsInput()
    {
        // f(x) = x0² written in place: f'(3) = 6 however many times the pullback is called.
        var (value, pullback) = Repros.SquareInPlace_ValueWithPullback(new[] { 3.0 });
        Assert.Equal(9.0, value);
        double first = pullback(1)[0];
        double second = pullback(1)[0];
        Assert.True(first == 6 && second == 6, $"expected 6 twice, got {first} then {second}");
    }
}
