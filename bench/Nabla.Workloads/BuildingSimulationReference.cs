// The building simulation's expected values (shared/bench/building-simulation.md §3: PyTorch running the original code,
// default parameters, 20 timesteps), in the 5×5 parameter layout; the tests and the benchmarks' --verify check against them.
namespace Nabla.Workloads;

public static class BuildingSimulationReference
{
    public const int Steps = 20;

    public const double Prediction64 = 37.97974213009393;
    public const double Loss64 = 10.634975130093931;
    public const float Prediction32 = 37.97974395751953f;
    public const float Loss32 = 10.634977340698242f;

    /// <summary>The slots whose gradient is zero by construction: slab.temp, quanta.power, tank.mass and the padding.</summary>
    public static readonly int[] ZeroSlots = { 4, BuildingSimulation.SlabTemp, BuildingSimulation.QuantaPower, BuildingSimulation.TankMass, 21, 22, 23, 24 };

    /// <summary>dLoss/dθ, PyTorch float64, ten significant digits (≤1e-9 relative is achievable in double, the spec says).</summary>
    public static readonly double[] Gradient64 =
    {
        -8.722791744e+00, 2.308877065e+02, -2.762510343e+03, -1.805294825e+00, 0,
        0, 3.842512279e-05, -2.191511956e+01, -1.954455989e-03, -4.339627635e+01,
        0, -1.013382559e-04, 1.612087077e+00, 1.017065737e-06, 2.433171620e-07,
        1.275871352e-01, -6.418826516e-02, -1.162578473e-06, -4.859578016e-06, 0,
        8.725142031e-01, 0, 0, 0, 0,
    };

    /// <summary>dLoss/dθ, PyTorch float32 (the published precision; check a float implementation to ~1e-4 relative).</summary>
    public static readonly double[] Gradient32 =
    {
        -8.722795486e+00, 2.308878021e+02, -2.762511963e+03, -1.805295587e+00, 0,
        0, 3.842473961e-05, -2.191512871e+01, -1.954456558e-03, -4.339628983e+01,
        0, -1.013386063e-04, 1.612022400e+00, 1.017055183e-06, 2.433089321e-07,
        1.275871396e-01, -6.418827921e-02, -1.162578883e-06, -4.859579349e-06, 0,
        8.725142479e-01, 0, 0, 0, 0,
    };
}
