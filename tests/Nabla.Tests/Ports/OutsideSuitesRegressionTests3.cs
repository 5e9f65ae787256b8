// What the third round of outside suites found (session 21: diagnostics round 3, PyTorch/HIPS autograd ports, BCL
// rules, realistic programs), each against closed forms.
using System;
using Xunit;
using static Nabla.Autodiff;

namespace Nabla.Tests.Ports;

public static partial class Workspaces
{
    [Differentiable]
    public static double Cubic(double x, [NoDerivative] double[] work)
    {
        work[0] = x * x;
        work[1] = work[0] * x;
        return work[1] + work[0];
    }

    [Differentiable]
    public static double CallsWithFreshWorkspace(double x) => Cubic(x, new double[2]);
}

public class OutsideSuitesRegressionTests3
{
    static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.4)]
    public void WorkspaceParameter_CarriesDerivativesWhenInlined(double x)
    {
        // x³ + x²: a [NoDerivative] array the callee writes differentiated values into (was 0 once inlined: the
        // workspace's derivative was cut with its initial contents).
        double expected = 3 * x * x + 2 * x;
        Close(expected, Derivative(Workspaces.CallsWithFreshWorkspace, x));
        Close(expected, Gradient(Workspaces.CallsWithFreshWorkspace, x));
        Close(expected, Gradient(t => Workspaces.Cubic(t, new double[2]), x));
        Close(expected, Derivative(t => Workspaces.Cubic(t, new double[2]), x));
        Close(6 * x + 2, Hessian(Workspaces.CallsWithFreshWorkspace, x));
    }
}
