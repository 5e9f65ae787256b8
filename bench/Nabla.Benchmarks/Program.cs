// Entry point: checks that every benchmarked gradient agrees with the hand-written one, then runs
// BenchmarkDotNet. "--quick" is a short job (a minute or two); "--verify" only checks.
using System;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace Nabla.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (!Verify())
            return 1;
        if (args.Contains("--verify"))
            return 0;

        // --quick: one process per benchmark, 3 warm-up and 5 measured iterations of 100 ms each.
        // Without it, BenchmarkDotNet's default job chooses the counts until the error is small.
        IConfig config = DefaultConfig.Instance;
        if (args.Contains("--quick"))
            config = config.AddJob(Job.ShortRun.WithId("Quick")
                .WithWarmupCount(3).WithIterationCount(5).WithIterationTime(TimeInterval.FromMilliseconds(100)));

        var bdnArgs = args.Where(a => a != "--quick").ToList();
        if (!bdnArgs.Contains("--filter") && !bdnArgs.Contains("-f"))
            bdnArgs.AddRange(new[] { "--filter", "*" }); // never prompt: CI has no standard input

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(bdnArgs.ToArray(), config);
        BuildingSimulationBenchmarks.Report(summaries);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>
    /// The hand-written gradients are only a fair yardstick if they are right: every form Nabla
    /// generates must agree with them at points that cover every branch.
    /// </summary>
    private static bool Verify()
    {
        int failures = 0;
        void Check(string what, double nabla, double byHand)
        {
            if (!(Math.Abs(nabla - byHand) <= 1e-12 * Math.Max(1, Math.Abs(byHand))))
            {
                Console.Error.WriteLine($"MISMATCH {what}: Nabla {nabla:R}, by hand {byHand:R}");
                failures++;
            }
        }

        foreach (double x in new[] { -1.7, 0.3, 2.2 })
        {
            var h = Kernels.CubedByHand(x);
            Check($"Cubed value at {x}", Kernels.Cubed(x), h.Value);
            Check($"Cubed ValueWithGradient at {x}", Kernels.Cubed_ValueWithGradient(x).Gradient, h.Gradient);
            Kernels.Cubed_Primal(x, out var rc);
            Check($"Cubed Pullback at {x}", Kernels.Cubed_Pullback(in rc, 1.0), h.Gradient);
            Check($"Cubed Jvp at {x}", Kernels.Cubed_Jvp(x, 1.0).Tangent, h.Gradient);
            Check($"Cubed Gradient at {x}", Autodiff.Gradient(Kernels.Cubed, x), h.Gradient);

            var p = Kernels.Poly20ByHand(x);
            Check($"Poly20 value at {x}", Kernels.Poly20(x), p.Value);
            Check($"Poly20 ValueWithGradient at {x}", Kernels.Poly20_ValueWithGradient(x).Gradient, p.Gradient);
            Kernels.Poly20_Primal(x, out var rp);
            Check($"Poly20 Pullback at {x}", Kernels.Poly20_Pullback(in rp, 1.0), p.Gradient);
            Check($"Poly20 Jvp at {x}", Kernels.Poly20_Jvp(x, 1.0).Tangent, p.Gradient);
            Check($"Poly20 Gradient at {x}", Autodiff.Gradient(Kernels.Poly20, x), p.Gradient);
        }

        // Piecewise: x < −1; x < 1 && y > 0; else with z > 0; else with z ≤ 0.
        foreach (var (x, y) in new[] { (-2.0, 0.5), (0.5, 2.0), (0.5, -1.0), (2.0, -3.0), (0.7, 1.3) })
        {
            Kernels.TanhChain_Primal(x, y, out var rt);
            CheckTwo("TanhChain", x, y, Kernels.TanhChain(x, y), Kernels.TanhChainByHand(x, y),
                Kernels.TanhChain_ValueWithGradient(x, y).Gradient,
                Kernels.TanhChain_Pullback(in rt, 1.0),
                (Kernels.TanhChain_Jvp(x, y, 1, 0).Tangent, Kernels.TanhChain_Jvp(x, y, 0, 1).Tangent),
                Autodiff.Gradient(Kernels.TanhChain, x, y));

            Kernels.Piecewise_Primal(x, y, out var rw);
            CheckTwo("Piecewise", x, y, Kernels.Piecewise(x, y), Kernels.PiecewiseByHand(x, y),
                Kernels.Piecewise_ValueWithGradient(x, y).Gradient,
                Kernels.Piecewise_Pullback(in rw, 1.0),
                (Kernels.Piecewise_Jvp(x, y, 1, 0).Tangent, Kernels.Piecewise_Jvp(x, y, 0, 1).Tangent),
                Autodiff.Gradient(Kernels.Piecewise, x, y));
        }

        void CheckTwo(string name, double x, double y, double value, (double Value, (double, double) Gradient) byHand,
                      (double, double) fused, (double, double) pullback, (double, double) jvp, (double, double) op)
        {
            Check($"{name} value at ({x}, {y})", value, byHand.Value);
            foreach (var (form, g) in new[] { ("ValueWithGradient", fused), ("Pullback", pullback), ("Jvp", jvp), ("Gradient", op) })
            {
                Check($"{name} {form} ∂x at ({x}, {y})", g.Item1, byHand.Gradient.Item1);
                Check($"{name} {form} ∂y at ({x}, {y})", g.Item2, byHand.Gradient.Item2);
            }
        }

        // Adam: the library's step on a double[] and the hand-written loop it is benchmarked against agree.
        {
            int n = 1000;
            double[] x = new double[n], y = new double[n], g = new double[n], m = new double[n], v = new double[n];
            var adam = new Adam(learningRate: 1e-3);
            long t = 0;
            for (int step = 0; step < 20; step++)
            {
                for (int i = 0; i < n; i++)
                    g[i] = Math.Sin(i + step) + x[i];
                adam.Update(x, g);
                OptimizerBenchmarks.HandWrittenAdamStep(y, g, m, v, ref t, 1e-3);
            }
            for (int i = 0; i < n; i++)
                Check($"Adam step, element {i}", x[i], y[i]);
        }

        // Rosenbrock, n = 1000 (SecondOrderBenchmarks): gradients against the closed-form gradient, and every
        // Hessian-vector product against the closed-form Hessian, stored densely, times v (relative 1e-10).
        {
            int n = SecondOrderBenchmarks.N;
            double[] x = new double[n], v = new double[n];
            SecondOrderBenchmarks.Fill(x, v);
            var h = Kernels.RosenbrockHessianClosedForm(x);
            var hv = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    hv[i] += h[i, j] * v[j];
            var (value, gradient) = Kernels.RosenbrockValueWithGradient(x);
            Check("Rosenbrock value", value, Kernels.Rosenbrock(x));
            CheckArray("Rosenbrock [ValueWithGradientOf] gradient", gradient, ClosedFormGradient(x), 1e-12);
            CheckArray("Rosenbrock hand-written gradient", Kernels.RosenbrockGradientByHand(x), ClosedFormGradient(x), 1e-12);
            CheckArray("Rosenbrock HessianVectorProduct (method group)", Autodiff.HessianVectorProduct(Kernels.Rosenbrock, x, v), hv, 1e-10);
            CheckArray("Rosenbrock HessianVectorProduct (lambda)", Autodiff.HessianVectorProduct(y => Kernels.Rosenbrock(y), x, v), hv, 1e-10);
            CheckArray("Rosenbrock hand-written HVP", Kernels.RosenbrockHvpByHand(x, v), hv, 1e-10);
        }

        // LambdaOverheadBenchmarks: every call form gives d/dx of x³ (3x²), or of k·x³ with k = 1.5 (4.5x²).
        {
            var bench = new LambdaOverheadBenchmarks();
            bench.Setup();
            foreach (var (form, run, k) in new (string, Action, double)[]
                     {
                         ("direct", bench.Direct, 1), ("lambda", bench.LambdaNoCapture, 1), ("method group", bench.MethodGroup, 1),
                         ("captured local", bench.LambdaCapturedLocal, 1.5), ("captured field", bench.LambdaCapturedField, 1.5),
                     })
            {
                Array.Clear(bench.Gradients);
                run();
                for (int i = 0; i < LambdaOverheadBenchmarks.N; i++)
                    Check($"LambdaOverhead {form} at element {i}", bench.Gradients[i], 3 * k * bench.Inputs[i] * bench.Inputs[i]);
            }
            // TanhChain in x, weight w: both forms against the hand-written partial in x.
            foreach (var (form, run) in new (string, Action)[] { ("TanhChain direct", bench.DirectTanhChain), ("TanhChain captured local", bench.LambdaCapturedLocalTanhChain) })
            {
                Array.Clear(bench.Gradients);
                run();
                for (int i = 0; i < LambdaOverheadBenchmarks.N; i++)
                    Check($"LambdaOverhead {form} at element {i}", bench.Gradients[i], Kernels.TanhChainByHand(bench.Inputs[i], bench.Weight).Gradient.Item1);
            }
        }

        void CheckArray(string what, double[] nabla, double[] expected, double tolerance)
        {
            if (nabla.Length != expected.Length)
            {
                Console.Error.WriteLine($"MISMATCH {what}: length {nabla.Length}, expected {expected.Length}");
                failures++;
                return;
            }
            for (int i = 0; i < expected.Length; i++)
                if (!(Math.Abs(nabla[i] - expected[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i]))))
                {
                    Console.Error.WriteLine($"MISMATCH {what}[{i}]: Nabla {nabla[i]:R}, expected {expected[i]:R}");
                    failures++;
                    return;
                }
        }

        // ∂f/∂x_i of Rosenbrock, written out per element (not the accumulating loop of RosenbrockGradientByHand).
        static double[] ClosedFormGradient(double[] x)
        {
            int n = x.Length;
            var g = new double[n];
            for (int i = 0; i < n; i++)
            {
                if (i < n - 1)
                    g[i] = -400 * x[i] * (x[i + 1] - x[i] * x[i]) - 2 * (1 - x[i]);
                if (i > 0)
                    g[i] += 200 * (x[i] - x[i - 1] * x[i - 1]);
            }
            return g;
        }

        Console.WriteLine(failures == 0
            ? "Checked: every Nabla gradient, and Adam's step, agrees with the hand-written one (relative 1e-12); Rosenbrock's HVPs with the closed-form Hessian times v (1e-10)."
            : $"{failures} gradients disagree with the hand-written ones; not benchmarking.");
        failures += BuildingSimulationBenchmarks.Verify();
        failures += LstmBenchmarks.Verify();
        failures += StructModelBenchmarks.Verify();
        failures += BundleAdjustmentBenchmarks.Verify();
        return failures == 0;
    }
}
