// Regression (issue 7, the building simulation with structs): a struct carried through a loop by a callee that
// changes one member (`s = Cool(s, …)`, `with { Temp = … }`) leaves its other members unchanged. Once the callee is
// inlined and the struct split into leaves, those members must not stay loop variables: before the fix every one of
// them was a block parameter of the loop header, what was computed from them (the plate's mass) was not moved out of
// the loop, and reverse mode taped them all every iteration (the struct building simulation pushed 39 doubles a step
// against the flat version's 11). The struct and the flat form must now tape the same.
using System;
using Xunit;

namespace Nabla.Tests.StructCode;

[Differentiable]
public partial struct Plate
{
    public double Temp, Area, Thickness, Density, Cp;
}

[Differentiable]
public partial struct PlateAndLoss
{
    public Plate Plate;
    public double Loss;
}

public static partial class StructLoopInvariantFunctions
{
    [Differentiable]
    public static Plate Cool(Plate p, double ambient)
    {
        double mass = (p.Area * p.Thickness) * p.Density;
        return p with { Temp = p.Temp + ((ambient - p.Temp) * 0.1) / (mass * p.Cp) };
    }

    [Differentiable]
    public static PlateAndLoss CoolAndLose(Plate p, double ambient)
    {
        var cooled = Cool(p, ambient);
        return new PlateAndLoss { Plate = cooled, Loss = cooled.Temp * 1e-3 };
    }

    /// <summary>The struct form: the plate passes through callees every step.</summary>
    [Differentiable]
    public static double Structs(Plate p, double ambient, int steps)
    {
        var plate = p;
        double loss = 0;
        for (int i = 0; i < steps; i++)
        {
            var r = CoolAndLose(plate, ambient);
            plate = r.Plate;
            loss += r.Loss;
        }
        return plate.Temp + loss;
    }

    /// <summary>The same with the plate's members in locals.</summary>
    [Differentiable]
    public static double Flat(double temp, double area, double thickness, double density, double cp, double ambient, int steps)
    {
        double loss = 0;
        for (int i = 0; i < steps; i++)
        {
            double mass = (area * thickness) * density;
            temp = temp + ((ambient - temp) * 0.1) / (mass * cp);
            loss += temp * 1e-3;
        }
        return temp + loss;
    }
}

public class StructLoopInvariantTests
{
    private static readonly Plate P = new() { Temp = 40, Area = 2.5, Thickness = 0.1, Density = 3.0, Cp = 0.9 };

    [Fact]
    public void StructMembersAConstantCalleeLeavesAloneAreNotTapedEachIteration()
    {
        StructLoopInvariantFunctions.Structs_Primal(P, 20, 100, out var structs);
        StructLoopInvariantFunctions.Flat_Primal(P.Temp, P.Area, P.Thickness, P.Density, P.Cp, 20, 100, out var flat);
        int structCount = structs.tapedouble.Count, flatCount = flat.tapedouble.Count;
        StructLoopInvariantFunctions.Structs_Pullback(in structs, 1);
        StructLoopInvariantFunctions.Flat_Pullback(in flat, 1);
        Assert.Equal(flatCount, structCount);
    }

    [Fact]
    public void StructGradientEqualsTheFlatOne()
    {
        var (value, (g, gAmbient)) = StructLoopInvariantFunctions.Structs_ValueWithGradient(P, 20, 100);
        var (flatValue, fg) = StructLoopInvariantFunctions.Flat_ValueWithGradient(P.Temp, P.Area, P.Thickness, P.Density, P.Cp, 20, 100);
        Assert.Equal(flatValue, value);
        var expected = new[] { fg.Item1, fg.Item2, fg.Item3, fg.Item4, fg.Item5, fg.Item6 };
        var actual = new[] { g.Temp, g.Area, g.Thickness, g.Density, g.Cp, gAmbient };
        for (int k = 0; k < expected.Length; k++)
            StructCheck.Close(expected[k], actual[k], 1e-12, $"d/d#{k}");
        StructCheck.Scalar<Plate, Plate.Tangent>(p => StructLoopInvariantFunctions.Structs(p, 20, 100),
            p => { var r = StructLoopInvariantFunctions.Structs_ValueWithGradient(p, 20, 100); return (r.Value, r.Gradient.Item1); },
            (p, d) => StructLoopInvariantFunctions.Structs_Jvp(p, 20, 100, d, 0), P);
    }
}
