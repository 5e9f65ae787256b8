// The building thermal simulation behind differentiable Swift's speed claims (shared/bench/building-simulation.md),
// written as a C# user would with a flat parameter array: the 5×5 layout of the PyTorch and TensorFlow versions, one
// row per parameter group, a timestep loop over N steps, every operation bracketed as the specification's §2.3.
// In double and in float (the published versions are float32); gradients are Nabla's.
using System;
using Nabla;

namespace Nabla.Workloads;

public static partial class BuildingSimulation
{
    /// <summary>Parameters: 25 entries, [row, col] at index 5·row + col (the spec's §2.1 table).</summary>
    public const int ParameterCount = 25;

    // Indices into the parameter array ([row, col] = 5·row + col).
    public const int TubeSpacing = 0, TubeDiameter = 1, TubeThickness = 2, TubeResistivity = 3;
    public const int SlabTemp = 5, SlabArea = 6, SlabCp = 7, SlabDensity = 8, SlabThickness = 9;
    public const int QuantaPower = 10, QuantaTemp = 11, QuantaFlow = 12, QuantaDensity = 13, QuantaCp = 14;
    public const int TankTemp = 15, TankVolume = 16, TankCp = 17, TankDensity = 18, TankMass = 19;
    public const int StartingTemp = 20;

    /// <summary>Timestep (s).</summary>
    public const double Dt = 0.1;
    /// <summary>The originals' π; in float it rounds to exactly Swift's Float.pi.</summary>
    public const double Pi = 3.14159265359;
    public const double GeometryCoeff = 10.0;
    /// <summary>The target slab temperature the loss measures against.</summary>
    public const double Target = 27.344767;

    /// <summary>The published length of a run.</summary>
    public const int DefaultSteps = 20;

    /// <summary>The original parameters (§2.1), in the 5×5 layout; unused slots are 0.</summary>
    public static double[] DefaultParameters()
    {
        var p = new double[ParameterCount];
        p[TubeSpacing] = 0.50292; p[TubeDiameter] = 0.019; p[TubeThickness] = 0.001588; p[TubeResistivity] = 2.43;
        p[SlabTemp] = 21.1111111; p[SlabArea] = 100.0; p[SlabCp] = 0.2; p[SlabDensity] = 2242.58; p[SlabThickness] = 0.101;
        p[QuantaPower] = 0.0; p[QuantaTemp] = 60.0; p[QuantaFlow] = 0.0006309; p[QuantaDensity] = 1000.0; p[QuantaCp] = 4180.0;
        p[TankTemp] = 70.0; p[TankVolume] = 0.0757082; p[TankCp] = 4180.0; p[TankDensity] = 1000.0; p[TankMass] = 75.708;
        p[StartingTemp] = 33.3;
        return p;
    }

    /// <summary>The original parameters in float (each the float nearest the double, as float32 tensors hold them).</summary>
    public static float[] DefaultParametersF() => Array.ConvertAll(DefaultParameters(), v => (float)v);

    /// <summary>The slab temperature after <paramref name="steps"/> timesteps (the spec's <c>pred</c>).</summary>
    [Differentiable]
    public static double Predict(double[] parameters, int steps)
    {
        double tubeSpacing = parameters[0], diameter = parameters[1], tubeThickness = parameters[2], resistivity = parameters[3];
        double slabArea = parameters[6], slabCp = parameters[7], slabDensity = parameters[8], slabThickness = parameters[9];
        double quantaTemp = parameters[11], flow = parameters[12], quantaDensity = parameters[13], quantaCp = parameters[14];
        double tankTemp = parameters[15], tankVolume = parameters[16], tankCp = parameters[17], tankDensity = parameters[18];
        double startingTemp = parameters[20];

        double slabT = startingTemp, tankT = tankTemp, qT = quantaTemp;
        for (int step = 0; step < steps; step++)
        {
            // 1. The source tank heats the fluid; the tank loses what the fluid gains.
            double sourcePower = ((tankT - qT) * (flow * quantaDensity)) * quantaCp;
            tankT = tankT + (((sourcePower * Dt) / tankCp) / (tankVolume * tankDensity));
            // 2. The fluid takes up the source power.
            qT = qT + (((sourcePower * Dt) / quantaCp) / ((flow * Dt) * quantaDensity));
            // 3. Slab ↔ fluid exchange through the tube wall.
            double tubeArea = ((slabArea / tubeSpacing) * Pi) * diameter;
            double resistance = ((resistivity * tubeThickness) / tubeArea) * GeometryCoeff;
            double conductance = 1 / resistance;
            double loadPower = (slabT - qT) * conductance;
            // 4. The fluid takes up the load power; 5. the slab gives it.
            qT = qT + (((loadPower * Dt) / quantaCp) / ((flow * Dt) * quantaDensity));
            slabT = slabT + (((-loadPower * Dt) / slabCp) / ((slabArea * slabThickness) * slabDensity));
        }
        return slabT;
    }

    /// <summary>The loss |pred − 27.344767| after <paramref name="steps"/> timesteps.</summary>
    [Differentiable]
    public static double Loss(double[] parameters, int steps) => Math.Abs(Predict(parameters, steps) - Target);

    /// <summary>Loss and its gradient with respect to all 25 parameter slots, by Nabla.</summary>
    [ValueWithGradientOf(nameof(Loss))]
    public static partial (double Value, double[] Gradient) LossWithGradient(double[] parameters, int steps);

    /// <summary>The gradient of the loss with respect to all 25 parameter slots, by Nabla.</summary>
    [GradientOf(nameof(Loss))]
    public static partial double[] LossGradient(double[] parameters, int steps);

    // float: the same program in float, as the published float32 versions compute it (constants rounded to float once).

    public const float DtF = (float)Dt;
    public const float PiF = (float)Pi;
    public const float GeometryCoeffF = (float)GeometryCoeff;
    public const float TargetF = (float)Target;

    /// <summary>The slab temperature after <paramref name="steps"/> timesteps, in float.</summary>
    [Differentiable]
    public static float PredictF(float[] parameters, int steps)
    {
        float tubeSpacing = parameters[0], diameter = parameters[1], tubeThickness = parameters[2], resistivity = parameters[3];
        float slabArea = parameters[6], slabCp = parameters[7], slabDensity = parameters[8], slabThickness = parameters[9];
        float quantaTemp = parameters[11], flow = parameters[12], quantaDensity = parameters[13], quantaCp = parameters[14];
        float tankTemp = parameters[15], tankVolume = parameters[16], tankCp = parameters[17], tankDensity = parameters[18];
        float startingTemp = parameters[20];

        float slabT = startingTemp, tankT = tankTemp, qT = quantaTemp;
        for (int step = 0; step < steps; step++)
        {
            float sourcePower = ((tankT - qT) * (flow * quantaDensity)) * quantaCp;
            tankT = tankT + (((sourcePower * DtF) / tankCp) / (tankVolume * tankDensity));
            qT = qT + (((sourcePower * DtF) / quantaCp) / ((flow * DtF) * quantaDensity));
            float tubeArea = ((slabArea / tubeSpacing) * PiF) * diameter;
            float resistance = ((resistivity * tubeThickness) / tubeArea) * GeometryCoeffF;
            float conductance = 1 / resistance;
            float loadPower = (slabT - qT) * conductance;
            qT = qT + (((loadPower * DtF) / quantaCp) / ((flow * DtF) * quantaDensity));
            slabT = slabT + (((-loadPower * DtF) / slabCp) / ((slabArea * slabThickness) * slabDensity));
        }
        return slabT;
    }

    /// <summary>The loss |pred − 27.344767| in float.</summary>
    [Differentiable]
    public static float LossF(float[] parameters, int steps) => MathF.Abs(PredictF(parameters, steps) - TargetF);

    /// <summary>Loss and its gradient in float, by Nabla.</summary>
    [ValueWithGradientOf(nameof(LossF))]
    public static partial (float Value, float[] Gradient) LossWithGradientF(float[] parameters, int steps);

    /// <summary>The gradient of the float loss, by Nabla.</summary>
    [GradientOf(nameof(LossF))]
    public static partial float[] LossGradientF(float[] parameters, int steps);
}
