// The building thermal simulation (shared/bench/building-simulation.md) written as the Swift original is: one
// [Differentiable] struct per parameter group (tube, slab, quanta, tank), SimParams holding them, a function per
// physical update taking and returning structs, and a timestep loop over struct state. The arithmetic is the
// specification's §2.3, bracketed as the flat version (BuildingSimulation.cs) so the two agree to rounding.
// In float here: the same program as BuildingSimulationStructs.cs (double), as the published float32 versions compute
// it; generic types are not differentiated, so the float structs are a second copy.
using System;
using Nabla;

namespace Nabla.Workloads;

/// <summary>The PEX tube that carries the fluid through the slab.</summary>
[Differentiable]
public partial struct TubeF
{
    public float TubeSpacing, Diameter, Thickness, Resistivity;
}

/// <summary>The concrete slab (the building).</summary>
[Differentiable]
public partial struct SlabF
{
    public float Temp, Area, Cp, Density, Thickness;
}

/// <summary>The fluid: its power, temperature, flow and properties.</summary>
[Differentiable]
public partial struct QuantaF
{
    public float Power, Temp, Flow, Density, Cp;
}

/// <summary>The source tank.</summary>
[Differentiable]
public partial struct TankF
{
    public float Temp, Volume, Cp, Density, Mass;
}

/// <summary>All the parameters of the simulation (Swift's SimParams).</summary>
[Differentiable]
public partial struct SimParamsF
{
    public TubeF Tube;
    public SlabF Slab;
    public QuantaF Quanta;
    public TankF Tank;
    public float StartingTemp;
}

/// <summary>Swift's TankAndQuanta: the result of updateSourceTank.</summary>
[Differentiable]
public partial struct TankAndQuantaF
{
    public TankF Tank;
    public QuantaF Quanta;
}

/// <summary>Swift's QuantaAndPower: the result of computeLoadPower.</summary>
[Differentiable]
public partial struct QuantaAndPowerF
{
    public QuantaF Quanta;
    public float Power;
}

public static partial class BuildingSimulationStructsF
{
    public const float Dt = BuildingSimulation.DtF;
    public const float Pi = BuildingSimulation.PiF;
    public const float GeometryCoeff = BuildingSimulation.GeometryCoeffF;
    public const float Target = BuildingSimulation.TargetF;

    /// <summary>The original parameters (§2.1) in float: each the float nearest the decimal, as float32 tensors hold them.</summary>
    public static SimParamsF DefaultParameters() => new()
    {
        Tube = new TubeF { TubeSpacing = 0.50292f, Diameter = 0.019f, Thickness = 0.001588f, Resistivity = 2.43f },
        Slab = new SlabF { Temp = 21.1111111f, Area = 100.0f, Cp = 0.2f, Density = 2242.58f, Thickness = 0.101f },
        Quanta = new QuantaF { Power = 0.0f, Temp = 60.0f, Flow = 0.0006309f, Density = 1000.0f, Cp = 4180.0f },
        Tank = new TankF { Temp = 70.0f, Volume = 0.0757082f, Cp = 4180.0f, Density = 1000.0f, Mass = 75.708f },
        StartingTemp = 33.3f,
    };

    /// <summary>A gradient in the flat version's 5×5 layout (BuildingSimulation's indices), to compare the two.</summary>
    public static float[] ToFlat(SimParamsF.Tangent g)
    {
        var f = new float[BuildingSimulation.ParameterCount];
        f[0] = g.Tube.TubeSpacing; f[1] = g.Tube.Diameter; f[2] = g.Tube.Thickness; f[3] = g.Tube.Resistivity;
        f[5] = g.Slab.Temp; f[6] = g.Slab.Area; f[7] = g.Slab.Cp; f[8] = g.Slab.Density; f[9] = g.Slab.Thickness;
        f[10] = g.Quanta.Power; f[11] = g.Quanta.Temp; f[12] = g.Quanta.Flow; f[13] = g.Quanta.Density; f[14] = g.Quanta.Cp;
        f[15] = g.Tank.Temp; f[16] = g.Tank.Volume; f[17] = g.Tank.Cp; f[18] = g.Tank.Density; f[19] = g.Tank.Mass;
        f[20] = g.StartingTemp;
        return f;
    }

    /// <summary>The thermal resistance of the tube wall.</summary>
    [Differentiable]
    public static float ComputeResistance(SlabF floor, TubeF tube)
    {
        float tubingSurfaceArea = ((floor.Area / tube.TubeSpacing) * Pi) * tube.Diameter;
        float resistance = (tube.Resistivity * tube.Thickness) / tubingSurfaceArea;
        return resistance * GeometryCoeff;
    }

    /// <summary>Slab ↔ fluid exchange: the fluid's power is set to what it takes; the load is what the slab gives.</summary>
    [Differentiable]
    public static QuantaAndPowerF ComputeLoadPower(SlabF floor, TubeF tube, QuantaF quanta)
    {
        float conductance = 1 / ComputeResistance(floor, tube);
        float power = (floor.Temp - quanta.Temp) * conductance;
        var updated = quanta;
        updated.Power = power;
        return new QuantaAndPowerF { Quanta = updated, Power = -power };
    }

    /// <summary>The fluid takes up its power over one timestep.</summary>
    [Differentiable]
    public static QuantaF UpdateQuanta(QuantaF quanta)
    {
        float workingMass = (quanta.Flow * Dt) * quanta.Density;
        float workingEnergy = quanta.Power * Dt;
        float tempRise = (workingEnergy / quanta.Cp) / workingMass;
        var updated = quanta;
        updated.Temp = quanta.Temp + tempRise;
        updated.Power = 0;
        return updated;
    }

    /// <summary>The slab gives (or takes) <paramref name="power"/> over one timestep.</summary>
    [Differentiable]
    public static SlabF UpdateBuildingModel(float power, SlabF floor)
    {
        float floorMass = (floor.Area * floor.Thickness) * floor.Density;
        return floor with { Temp = floor.Temp + (((power * Dt) / floor.Cp) / floorMass) };
    }

    /// <summary>The source tank heats the fluid; the tank loses what the fluid gains.</summary>
    [Differentiable]
    public static TankAndQuantaF UpdateSourceTank(TankF store, QuantaF quanta)
    {
        float massPerTime = quanta.Flow * quanta.Density;
        float power = ((store.Temp - quanta.Temp) * massPerTime) * quanta.Cp;
        float tankMass = store.Volume * store.Density;
        float tempRise = ((power * Dt) / store.Cp) / tankMass;
        return new TankAndQuantaF
        {
            Tank = store with { Temp = store.Temp + tempRise },
            Quanta = quanta with { Power = power },
        };
    }

    /// <summary>The slab temperature after <paramref name="steps"/> timesteps (the spec's <c>pred</c>).</summary>
    [Differentiable]
    public static float Simulate(SimParamsF simParams, int steps)
    {
        var tube = simParams.Tube;
        var slab = simParams.Slab;
        var tank = simParams.Tank;
        var quanta = simParams.Quanta;
        slab.Temp = simParams.StartingTemp;
        for (int step = 0; step < steps; step++)
        {
            var tankAndQuanta = UpdateSourceTank(tank, quanta);
            tank = tankAndQuanta.Tank;
            quanta = UpdateQuanta(tankAndQuanta.Quanta);
            var quantaAndPower = ComputeLoadPower(slab, tube, quanta);
            quanta = UpdateQuanta(quantaAndPower.Quanta);
            slab = UpdateBuildingModel(quantaAndPower.Power, slab);
        }
        return slab.Temp;
    }

    /// <summary>The loss |pred − 27.344767| after <paramref name="steps"/> timesteps (Swift's fullPipe).</summary>
    [Differentiable]
    public static float Loss(SimParamsF simParams, int steps) => MathF.Abs(Simulate(simParams, steps) - Target);
}
