// The building thermal simulation (shared/bench/building-simulation.md) written as the Swift original is: one
// [Differentiable] struct per parameter group (tube, slab, quanta, tank), SimParams holding them, a function per
// physical update taking and returning structs, and a timestep loop over struct state. The arithmetic is the
// specification's §2.3, bracketed as the flat version (BuildingSimulation.cs) so the two agree to rounding.
// In double here; BuildingSimulationStructsF.cs is the same program in float (generic types are not differentiated,
// so the float structs are a second copy).
using System;
using Nabla;

namespace Nabla.Workloads;

/// <summary>The PEX tube that carries the fluid through the slab.</summary>
[Differentiable]
public partial struct Tube
{
    public double TubeSpacing, Diameter, Thickness, Resistivity;
}

/// <summary>The concrete slab (the building).</summary>
[Differentiable]
public partial struct Slab
{
    public double Temp, Area, Cp, Density, Thickness;
}

/// <summary>The fluid: its power, temperature, flow and properties.</summary>
[Differentiable]
public partial struct Quanta
{
    public double Power, Temp, Flow, Density, Cp;
}

/// <summary>The source tank.</summary>
[Differentiable]
public partial struct Tank
{
    public double Temp, Volume, Cp, Density, Mass;
}

/// <summary>All the parameters of the simulation (Swift's SimParams).</summary>
[Differentiable]
public partial struct SimParams
{
    public Tube Tube;
    public Slab Slab;
    public Quanta Quanta;
    public Tank Tank;
    public double StartingTemp;
}

/// <summary>Swift's TankAndQuanta: the result of updateSourceTank.</summary>
[Differentiable]
public partial struct TankAndQuanta
{
    public Tank Tank;
    public Quanta Quanta;
}

/// <summary>Swift's QuantaAndPower: the result of computeLoadPower.</summary>
[Differentiable]
public partial struct QuantaAndPower
{
    public Quanta Quanta;
    public double Power;
}

public static partial class BuildingSimulationStructs
{
    public const double Dt = BuildingSimulation.Dt;
    public const double Pi = BuildingSimulation.Pi;
    public const double GeometryCoeff = BuildingSimulation.GeometryCoeff;
    public const double Target = BuildingSimulation.Target;

    /// <summary>The original parameters (§2.1).</summary>
    public static SimParams DefaultParameters() => new()
    {
        Tube = new Tube { TubeSpacing = 0.50292, Diameter = 0.019, Thickness = 0.001588, Resistivity = 2.43 },
        Slab = new Slab { Temp = 21.1111111, Area = 100.0, Cp = 0.2, Density = 2242.58, Thickness = 0.101 },
        Quanta = new Quanta { Power = 0.0, Temp = 60.0, Flow = 0.0006309, Density = 1000.0, Cp = 4180.0 },
        Tank = new Tank { Temp = 70.0, Volume = 0.0757082, Cp = 4180.0, Density = 1000.0, Mass = 75.708 },
        StartingTemp = 33.3,
    };

    /// <summary>A gradient in the flat version's 5×5 layout (BuildingSimulation's indices), to compare the two.</summary>
    public static double[] ToFlat(SimParams.Tangent g)
    {
        var f = new double[BuildingSimulation.ParameterCount];
        f[0] = g.Tube.TubeSpacing; f[1] = g.Tube.Diameter; f[2] = g.Tube.Thickness; f[3] = g.Tube.Resistivity;
        f[5] = g.Slab.Temp; f[6] = g.Slab.Area; f[7] = g.Slab.Cp; f[8] = g.Slab.Density; f[9] = g.Slab.Thickness;
        f[10] = g.Quanta.Power; f[11] = g.Quanta.Temp; f[12] = g.Quanta.Flow; f[13] = g.Quanta.Density; f[14] = g.Quanta.Cp;
        f[15] = g.Tank.Temp; f[16] = g.Tank.Volume; f[17] = g.Tank.Cp; f[18] = g.Tank.Density; f[19] = g.Tank.Mass;
        f[20] = g.StartingTemp;
        return f;
    }

    /// <summary>The thermal resistance of the tube wall.</summary>
    [Differentiable]
    public static double ComputeResistance(Slab floor, Tube tube)
    {
        double tubingSurfaceArea = ((floor.Area / tube.TubeSpacing) * Pi) * tube.Diameter;
        double resistance = (tube.Resistivity * tube.Thickness) / tubingSurfaceArea;
        return resistance * GeometryCoeff;
    }

    /// <summary>Slab ↔ fluid exchange: the fluid's power is set to what it takes; the load is what the slab gives.</summary>
    [Differentiable]
    public static QuantaAndPower ComputeLoadPower(Slab floor, Tube tube, Quanta quanta)
    {
        double conductance = 1 / ComputeResistance(floor, tube);
        double power = (floor.Temp - quanta.Temp) * conductance;
        var updated = quanta;
        updated.Power = power;
        return new QuantaAndPower { Quanta = updated, Power = -power };
    }

    /// <summary>The fluid takes up its power over one timestep.</summary>
    [Differentiable]
    public static Quanta UpdateQuanta(Quanta quanta)
    {
        double workingMass = (quanta.Flow * Dt) * quanta.Density;
        double workingEnergy = quanta.Power * Dt;
        double tempRise = (workingEnergy / quanta.Cp) / workingMass;
        var updated = quanta;
        updated.Temp = quanta.Temp + tempRise;
        updated.Power = 0;
        return updated;
    }

    /// <summary>The slab gives (or takes) <paramref name="power"/> over one timestep.</summary>
    [Differentiable]
    public static Slab UpdateBuildingModel(double power, Slab floor)
    {
        double floorMass = (floor.Area * floor.Thickness) * floor.Density;
        return floor with { Temp = floor.Temp + (((power * Dt) / floor.Cp) / floorMass) };
    }

    /// <summary>The source tank heats the fluid; the tank loses what the fluid gains.</summary>
    [Differentiable]
    public static TankAndQuanta UpdateSourceTank(Tank store, Quanta quanta)
    {
        double massPerTime = quanta.Flow * quanta.Density;
        double power = ((store.Temp - quanta.Temp) * massPerTime) * quanta.Cp;
        double tankMass = store.Volume * store.Density;
        double tempRise = ((power * Dt) / store.Cp) / tankMass;
        return new TankAndQuanta
        {
            Tank = store with { Temp = store.Temp + tempRise },
            Quanta = quanta with { Power = power },
        };
    }

    /// <summary>The slab temperature after <paramref name="steps"/> timesteps (the spec's <c>pred</c>).</summary>
    [Differentiable]
    public static double Simulate(SimParams simParams, int steps)
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
    public static double Loss(SimParams simParams, int steps) => Math.Abs(Simulate(simParams, steps) - Target);
}
