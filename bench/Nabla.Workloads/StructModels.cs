// One model written twice (issue 4's performance check): a two-mass spring–damper chain stepped through time and
// compared with an observed trajectory, its parameters and state as [Differentiable] structs, and as flat arrays
// and locals. Both compute the same misfit; their gradients ÷ their primals should be alike.
using Nabla;

namespace Nabla.Workloads;

/// <summary>Positions and velocities of the two masses.</summary>
[Differentiable]
public partial struct ChainState
{
    public double X0, V0, X1, V1;
}

/// <summary>Stiffnesses, dampings and the second mass (the first is 1).</summary>
[Differentiable]
public partial struct ChainParameters
{
    public double K0, K1, C0, C1, Mass1;
}

public static partial class StructChain
{
    /// <summary>One semi-implicit Euler step: the wall–mass 0 spring (K0, C0) and the mass 0–mass 1 spring (K1, C1).</summary>
    [Differentiable]
    public static ChainState Step(ChainState s, ChainParameters p, double dt)
    {
        double stretch = s.X1 - s.X0, rate = s.V1 - s.V0;
        double coupling = p.K1 * stretch + p.C1 * rate;
        double a0 = -p.K0 * s.X0 - p.C0 * s.V0 + coupling;
        double a1 = -coupling / p.Mass1;
        var next = s;
        next.V0 += a0 * dt;
        next.V1 += a1 * dt;
        next.X0 += next.V0 * dt;
        next.X1 += next.V1 * dt;
        return next;
    }

    [Differentiable]
    public static double Misfit(ChainParameters p, [NoDerivative] double[] observed, [NoDerivative] double dt)
    {
        var s = new ChainState { X0 = 1, X1 = -0.5 };
        double misfit = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            s = Step(s, p, dt);
            double d = s.X1 - observed[i];
            misfit += d * d;
        }
        return misfit;
    }
}

public static partial class FlatChain
{
    /// <summary>The same model: p = (K0, K1, C0, C1, Mass1), the state in locals.</summary>
    [Differentiable]
    public static double Misfit(double[] p, [NoDerivative] double[] observed, [NoDerivative] double dt)
    {
        double x0 = 1, v0 = 0, x1 = -0.5, v1 = 0;
        double misfit = 0;
        for (int i = 0; i < observed.Length; i++)
        {
            double stretch = x1 - x0, rate = v1 - v0;
            double coupling = p[1] * stretch + p[3] * rate;
            double a0 = -p[0] * x0 - p[2] * v0 + coupling;
            double a1 = -coupling / p[4];
            v0 += a0 * dt;
            v1 += a1 * dt;
            x0 += v0 * dt;
            x1 += v1 * dt;
            double d = x1 - observed[i];
            misfit += d * d;
        }
        return misfit;
    }

    /// <summary>An observation: the chain with parameters (3, 2, 0.2, 0.1, 1.5), 1,000 steps of 0.01.</summary>
    public static double[] Observed()
    {
        var s = new ChainState { X0 = 1, X1 = -0.5 };
        var p = new ChainParameters { K0 = 3, K1 = 2, C0 = 0.2, C1 = 0.1, Mass1 = 1.5 };
        var observed = new double[1000];
        for (int i = 0; i < observed.Length; i++)
        {
            s = StructChain.Step(s, p, 0.01);
            observed[i] = s.X1;
        }
        return observed;
    }
}
