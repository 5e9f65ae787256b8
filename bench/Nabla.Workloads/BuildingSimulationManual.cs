// A hand-written gradient of the building simulation's loss (BuildingSimulation.Loss and LossF): the adjoint a
// careful person writes, the practical lower bound for Nabla's generated one.
//
// Forward sweep: the loop-invariant quantities once (tube conductance G, the fluid's flow·ρ and flow·dt·ρ, the tank's
// and the slab's thermal masses), then the steps, storing the state (slabT, tankT, qT) at the start of each — three
// values per step, nothing else. Reverse sweep: from the stored state, each step's intermediates are recomputed in
// the forward's exact operation order (so they are bitwise the forward's values) and the step's adjoint applied, each
// operation's adjoint as the program computes it (LossAndGradient, the reference Nabla must equal to 1e-12); or,
// faster, with the divisions by invariants as multiplications by reciprocals (LossAndGradientReciprocal: divisions
// are most of what a step costs). The adjoints of the invariants are summed over the steps and carried back to the
// parameters once at the end.
// Generic over double and float; the JIT compiles each separately, with no generic overhead.
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Nabla.Workloads.BuildingSimulation;

namespace Nabla.Workloads;

public static class BuildingSimulationManual
{
    /// <summary>Per-thread storage for the states of the forward sweep, grown as needed and kept.</summary>
    private static class States<T>
    {
        [ThreadStatic] private static T[]? t_buffer;

        public static T[] Get(int length)
        {
            var b = t_buffer;
            if (b == null || b.Length < length) t_buffer = b = new T[Math.Max(length, 3 * 64)];
            return b;
        }
    }

    /// <summary>The loss in double and its gradient, written into <paramref name="gradient"/> (25 entries).</summary>
    public static double LossAndGradient(double[] parameters, int steps, double[] gradient) =>
        LossAndGradient<double, Exact>(parameters, steps, gradient);

    /// <summary>The loss in float and its gradient, written into <paramref name="gradient"/> (25 entries).</summary>
    public static float LossAndGradient(float[] parameters, int steps, float[] gradient) =>
        LossAndGradient<float, Exact>(parameters, steps, gradient);

    /// <summary>
    /// The same with the reverse sweep's divisions by invariants turned into multiplications by reciprocals, and the
    /// invariant divisors' adjoints summed over the steps before the one division: fewer divisions per step, the same
    /// gradient up to rounding, except in entries that are themselves rounding-sized (at 10,000 steps the tube's
    /// entries are 1e-12 of the gradient and sums of terms that cancel; there the two differ at 1e-4 of the entry).
    /// </summary>
    public static double LossAndGradientReciprocal(double[] parameters, int steps, double[] gradient) =>
        LossAndGradient<double, Reciprocal>(parameters, steps, gradient);

    /// <inheritdoc cref="LossAndGradientReciprocal(double[], int, double[])"/>
    public static float LossAndGradientReciprocal(float[] parameters, int steps, float[] gradient) =>
        LossAndGradient<float, Reciprocal>(parameters, steps, gradient);

    /// <summary>How the reverse sweep divides; a type argument, so the JIT compiles each mode without the other.</summary>
    public interface IReverseMode { static abstract bool Reciprocals { get; } }
    public struct Exact : IReverseMode { public static bool Reciprocals => false; }
    public struct Reciprocal : IReverseMode { public static bool Reciprocals => true; }

    public static T LossAndGradient<T, TReverse>(T[] p, int steps, T[] gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReverse : struct, IReverseMode
    {
        if (p.Length < ParameterCount || gradient.Length < ParameterCount)
            throw new ArgumentException($"Parameters and gradient need {ParameterCount} entries each.");
        T dt = T.CreateTruncating(Dt), pi = T.CreateTruncating(Pi), geometry = T.CreateTruncating(GeometryCoeff);
        T target = T.CreateTruncating(Target);

        T tubeSpacing = p[TubeSpacing], diameter = p[TubeDiameter], tubeThickness = p[TubeThickness], resistivity = p[TubeResistivity];
        T slabArea = p[SlabArea], slabCp = p[SlabCp], slabDensity = p[SlabDensity], slabThickness = p[SlabThickness];
        T flow = p[QuantaFlow], quantaDensity = p[QuantaDensity], quantaCp = p[QuantaCp];
        T tankVolume = p[TankVolume], tankCp = p[TankCp], tankDensity = p[TankDensity];

        // Invariants, each bracketed as the loop body computes it.
        T flowRho = flow * quantaDensity;                     // c1
        T flowDt = flow * dt;
        T flowDtRho = flowDt * quantaDensity;                  // c2
        T tankMass = tankVolume * tankDensity;                 // m_t
        T areaOverSpacing = slabArea / tubeSpacing;
        T areaPi = areaOverSpacing * pi;
        T tubeArea = areaPi * diameter;                        // A
        T rt = resistivity * tubeThickness;
        T rtOverA = rt / tubeArea;
        T resistance = rtOverA * geometry;                     // R
        T conductance = T.One / resistance;                    // G
        T slabVolume = slabArea * slabThickness;
        T slabMass = slabVolume * slabDensity;                 // m_s

        // Forward sweep, storing the state at the start of every step.
        T[] states = States<T>.Get(3 * steps);
        ref T s0 = ref MemoryMarshal.GetArrayDataReference(states);
        T slabT = p[StartingTemp], tankT = p[TankTemp], qT = p[QuantaTemp];
        for (int k = 0; k < steps; k++)
        {
            ref T s = ref Unsafe.Add(ref s0, 3 * k);
            s = slabT; Unsafe.Add(ref s, 1) = tankT; Unsafe.Add(ref s, 2) = qT;
            T sourcePower = ((tankT - qT) * flowRho) * quantaCp;
            T sourceDt = sourcePower * dt;
            tankT = tankT + ((sourceDt / tankCp) / tankMass);
            qT = qT + ((sourceDt / quantaCp) / flowDtRho);
            T loadPower = (slabT - qT) * conductance;
            qT = qT + (((loadPower * dt) / quantaCp) / flowDtRho);
            slabT = slabT + (((-loadPower * dt) / slabCp) / slabMass);
        }
        T difference = slabT - target;
        T loss = T.Abs(difference);

        // Reverse sweep. bX is the adjoint of X.
        T bSlabT = difference > T.Zero ? T.One : difference < T.Zero ? -T.One : T.Zero;
        T bTankT = T.Zero, bQT = T.Zero;
        T bFlowRho = T.Zero, bFlowDtRho = T.Zero, bTankMass = T.Zero, bConductance = T.Zero, bSlabMass = T.Zero;
        // Reciprocal mode: Σ over steps of (adjoint of x/m)·(x/m) for each invariant divisor m; its adjoint is −(that sum)/m.
        T bFlowDtRhoSum = T.Zero, bTankMassSum = T.Zero, bSlabMassSum = T.Zero;
        T rFlowDtRho = T.One / flowDtRho, rQuantaCp = T.One / quantaCp, rTankMass = T.One / tankMass, rTankCp = T.One / tankCp;
        T rSlabMass = T.One / slabMass, rSlabCp = T.One / slabCp;
        T bQuantaCp = T.Zero, bTankCp = T.Zero, bSlabCp = T.Zero;
        for (int k = steps - 1; k >= 0; k--)
        {
            ref T s = ref Unsafe.Add(ref s0, 3 * k);
            T slab = s, tank = Unsafe.Add(ref s, 1), q = Unsafe.Add(ref s, 2);
            if (TReverse.Reciprocals)
            {
                // Recompute the step's intermediates (dividing by an invariant is multiplying by its reciprocal here).
                T dTq = tank - q;
                T dTqRho = dTq * flowRho;
                T sourceDt = (dTqRho * quantaCp) * dt;
                T tankHeat = sourceDt * rTankCp;
                T fluidHeat = sourceDt * rQuantaCp;
                T dSq = slab - (q + fluidHeat * rFlowDtRho);
                T loadDt = (dSq * conductance) * dt;
                T loadHeat = loadDt * rQuantaCp;
                T slabHeat = -loadDt * rSlabCp;

                // 5. slabT' = slab + slabHeat / m_s
                T bSlabHeat = bSlabT * rSlabMass;
                bSlabMassSum += bSlabHeat * slabHeat;
                T bNegLoadDt = bSlabHeat * rSlabCp;
                bSlabCp -= bNegLoadDt * slabHeat;
                // 4. qT'' = q1 + loadHeat / c2, loadHeat = (loadPower·dt) / Cq
                T bLoadHeat = bQT * rFlowDtRho;
                bFlowDtRhoSum += bLoadHeat * loadHeat;
                T bLoadDt = bLoadHeat * rQuantaCp;
                bQuantaCp -= bLoadDt * loadHeat;
                T bLoadPower = (bLoadDt - bNegLoadDt) * dt;
                // 3. loadPower = (slab − q1)·G
                bConductance += bLoadPower * dSq;
                T bDSq = bLoadPower * conductance;
                T bSlab = bSlabT + bDSq;
                T bQ1 = bQT - bDSq;
                // 2. q1 = q + fluidHeat / c2, fluidHeat = (sourcePower·dt) / Cq
                T bFluidHeat = bQ1 * rFlowDtRho;
                bFlowDtRhoSum += bFluidHeat * fluidHeat;
                T bSourceDtFluid = bFluidHeat * rQuantaCp;
                bQuantaCp -= bSourceDtFluid * fluidHeat;
                // 1. tankT' = tank + tankHeat / m_t, tankHeat = (sourcePower·dt) / Cp_tank; sourcePower = ((tank − q)·c1)·Cq
                T bTankHeat = bTankT * rTankMass;
                bTankMassSum += bTankHeat * tankHeat;
                T bSourceDtTank = bTankHeat * rTankCp;
                bTankCp -= bSourceDtTank * tankHeat;
                T bSourcePower = (bSourceDtFluid + bSourceDtTank) * dt;
                bQuantaCp += bSourcePower * dTqRho;
                T bDTqRho = bSourcePower * quantaCp;
                bFlowRho += bDTqRho * dTq;
                T bDTq = bDTqRho * flowRho;
                bTankT = bTankT + bDTq;
                bQT = bQ1 - bDTq;
                bSlabT = bSlab;
            }
            else
            {
                // Recompute the step's intermediates.
                T dTq = tank - q;
                T dTqRho = dTq * flowRho;
                T sourcePower = dTqRho * quantaCp;
                T sourceDt = sourcePower * dt;
                T tankHeat = sourceDt / tankCp;
                T fluidHeat = sourceDt / quantaCp;
                T fluidRise = fluidHeat / flowDtRho;
                T q1 = q + fluidRise;
                T dSq = slab - q1;
                T loadPower = dSq * conductance;
                T loadHeat = (loadPower * dt) / quantaCp;
                T loadRise = loadHeat / flowDtRho;
                T slabHeat = (-loadPower * dt) / slabCp;

                // 5. slabT' = slab + slabHeat / m_s
                T bSlabHeat = bSlabT / slabMass;
                bSlabMass -= bSlabHeat * (slabHeat / slabMass);
                T bNegLoadDt = bSlabHeat / slabCp;
                bSlabCp -= bNegLoadDt * slabHeat;
                T bLoadPower = -(bNegLoadDt * dt);
                // 4. qT'' = q1 + loadHeat / c2
                T bLoadHeat = bQT / flowDtRho;
                bFlowDtRho -= bLoadHeat * loadRise;
                T bLoadDt = bLoadHeat / quantaCp;
                bQuantaCp -= bLoadDt * loadHeat;
                bLoadPower += bLoadDt * dt;
                // 3. loadPower = (slab − q1)·G
                bConductance += bLoadPower * dSq;
                T bDSq = bLoadPower * conductance;
                T bSlab = bSlabT + bDSq;
                T bQ1 = bQT - bDSq;
                // 2. q1 = q + fluidHeat / c2
                T bFluidHeat = bQ1 / flowDtRho;
                bFlowDtRho -= bFluidHeat * fluidRise;
                T bSourceDtFluid = bFluidHeat / quantaCp;
                bQuantaCp -= bSourceDtFluid * fluidHeat;
                // 1. tankT' = tank + tankHeat / m_t, and the source power
                T bTankHeat = bTankT / tankMass;
                bTankMass -= bTankHeat * (tankHeat / tankMass);
                T bSourceDtTank = bTankHeat / tankCp;
                bTankCp -= bSourceDtTank * tankHeat;
                T bSourcePower = (bSourceDtFluid + bSourceDtTank) * dt;
                bQuantaCp += bSourcePower * dTqRho;
                T bDTqRho = bSourcePower * quantaCp;
                bFlowRho += bDTqRho * dTq;
                T bDTq = bDTqRho * flowRho;
                bTankT = bTankT + bDTq;
                bQT = bQ1 - bDTq;
                bSlabT = bSlab;
            }
        }

        // The invariants, back to the parameters.
        if (TReverse.Reciprocals)
        {
            bFlowDtRho = -(bFlowDtRhoSum * rFlowDtRho);
            bTankMass = -(bTankMassSum * rTankMass);
            bSlabMass = -(bSlabMassSum * rSlabMass);
        }
        Array.Clear(gradient, 0, ParameterCount);
        // G = 1 / R, R = ((ρ_tube·t_tube) / A)·10, A = ((area / spacing)·π)·d
        T bResistance = -(bConductance * conductance / resistance);
        T bRtOverA = bResistance * geometry;
        T bRt = bRtOverA / tubeArea;
        T bTubeArea = -(bRt * rtOverA);
        gradient[TubeResistivity] = bRt * tubeThickness;
        gradient[TubeThickness] = bRt * resistivity;
        gradient[TubeDiameter] = bTubeArea * areaPi;
        T bAreaOverSpacing = bTubeArea * diameter * pi;
        T bSlabAreaTube = bAreaOverSpacing / tubeSpacing;
        gradient[TubeSpacing] = -(bAreaOverSpacing * (areaOverSpacing / tubeSpacing));
        // m_s = (area·thickness)·ρ_slab
        gradient[SlabDensity] = bSlabMass * slabVolume;
        T bSlabVolume = bSlabMass * slabDensity;
        gradient[SlabArea] = bSlabAreaTube + bSlabVolume * slabThickness;
        gradient[SlabThickness] = bSlabVolume * slabArea;
        gradient[SlabCp] = bSlabCp;
        // c1 = flow·ρ_q, c2 = (flow·dt)·ρ_q
        gradient[QuantaFlow] = bFlowRho * quantaDensity + bFlowDtRho * quantaDensity * dt;
        gradient[QuantaDensity] = bFlowRho * flow + bFlowDtRho * flowDt;
        gradient[QuantaCp] = bQuantaCp;
        // m_t = volume·ρ_tank
        gradient[TankVolume] = bTankMass * tankDensity;
        gradient[TankDensity] = bTankMass * tankVolume;
        gradient[TankCp] = bTankCp;
        // The initial state.
        gradient[StartingTemp] = bSlabT;
        gradient[TankTemp] = bTankT;
        gradient[QuantaTemp] = bQT;
        return loss;
    }
}
