// The samples tour: Nabla's derivatives of ordinary functions, by its operators and by named
// [GradientOf] functions, printed next to the closed forms; exits 1 when any disagree beyond 1e-9.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using Nabla;
using Spectre.Console;
using static Nabla.Samples.Functions;

namespace Nabla.Samples;

public static class Program
{
    /// <summary>Largest accepted |Nabla − closed form| / max(1, |closed form|).</summary>
    private const double Tolerance = 1e-9;

    /// <summary>One partial derivative at one point, computed three ways by Nabla and once by hand.</summary>
    private sealed record Row(
        string Function, string At, double Value, string Partial,
        double ByOperator, double ByNamedGradient, double ByForwardMode, double ClosedForm)
    {
        public double WorstRelativeError
        {
            get
            {
                double scale = Math.Max(1, Math.Abs(ClosedForm));
                double worst = Math.Max(Math.Abs(ByOperator - ClosedForm), Math.Abs(ByNamedGradient - ClosedForm));
                worst = Math.Max(worst, Math.Abs(ByForwardMode - ClosedForm));
                return double.IsNaN(worst) ? double.PositiveInfinity : worst / scale;
            }
        }

        public bool Agrees => WorstRelativeError <= Tolerance;
    }

    public static int Main()
    {
        if (Console.IsOutputRedirected)
        {
            // A log file (CI): plain text, no escape codes, and no wrapping at 80 columns.
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Out = new AnsiConsoleOutput(Console.Out),
            });
            AnsiConsole.Profile.Width = 200;
        }

        var rows = new List<Row>();

        // One input: Gradient (reverse mode), the [GradientOf] function, Derivative (forward mode).
        void One(string name, Func<double, double> f, Func<double, double> named, double x, double closedForm)
            => rows.Add(new Row(name, Format(x), f(x), $"d/dx",
                Autodiff.Gradient(f, x), named(x), Autodiff.Derivative(f, x), closedForm));

        // Two inputs: one row per partial; forward mode is the JVP along that input's unit tangent.
        void Two(string name, Func<double, double, double> f, Func<double, double, (double, double)> named,
                 string xName, string yName, double x, double y, (double X, double Y) closedForm)
        {
            var (gx, gy) = Autodiff.Gradient(f, x, y);
            var (nx, ny) = named(x, y);
            string at = $"{xName}={Format(x)}, {yName}={Format(y)}";
            rows.Add(new Row(name, at, f(x, y), $"∂/∂{xName}", gx, nx, Autodiff.Jvp(f, x, y, 1.0, 0.0).Tangent, closedForm.X));
            rows.Add(new Row(name, at, f(x, y), $"∂/∂{yName}", gy, ny, Autodiff.Jvp(f, x, y, 0.0, 1.0).Tangent, closedForm.Y));
        }

        foreach (double x in new[] { -1.5, 2.0 })
            One("x³", Cubed, CubedGradient, x, 3 * x * x);

        foreach (double x in new[] { -0.5, 1.25 })
            One("3x⁴ − 2x³ + x² − 5x + 7", Polynomial, PolynomialGradient, x, 12 * x * x * x - 6 * x * x + 2 * x - 5);

        foreach (double x in new[] { 0.0, 2.5 })
        {
            double s = 1 / (1 + Math.Exp(-x));
            One("σ(x) = 1 / (1 + e⁻ˣ)", Sigmoid, SigmoidGradient, x, s * (1 - s));
        }

        // Huber: x inside [−1, 1] → x; outside → sign(x). Each branch, and the early return, is exercised.
        foreach (double x in new[] { -2.5, 0.3, 4.0 })
            One("Huber(x), δ = 1", Huber, HuberGradient, x, Math.Abs(x) <= 1 ? x : Math.Sign(x));

        foreach (double x in new[] { 0.5, 3.0 })
            One("e^(sin x)·ln(1 + x²) + √x + atan(x/2)", MathMix, MathMixGradient, x,
                Math.Cos(x) * Math.Exp(Math.Sin(x)) * Math.Log(1 + x * x)
                + Math.Exp(Math.Sin(x)) * 2 * x / (1 + x * x)
                + 0.5 / Math.Sqrt(x)
                + 0.5 / (1 + x * x / 4));

        foreach (var (x, y) in new[] { (-1.2, 1.0), (1.0, 1.0) })
            Two("Rosenbrock (1 − x)² + 100(y − x²)²", Rosenbrock, RosenbrockGradient, "x", "y", x, y,
                (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)));

        foreach (var (v, theta) in new[] { (20.0, Math.PI / 6), (35.0, 0.9) })
            Two("range v²·sin 2θ / g", ProjectileRange, ProjectileRangeGradient, "v", "θ", v, theta,
                (2 * v * Math.Sin(2 * theta) / 9.81, 2 * v * v * Math.Cos(2 * theta) / 9.81));

        foreach (var (r, theta) in new[] { (2.0, 0.3), (0.5, 2.0) })
            Two("|r·(cos θ, sin θ) + (1, 0)|², operators + local function", ShiftedRadius, ShiftedRadiusGradient, "r", "θ", r, theta,
                (2 * r + 2 * Math.Cos(theta), -2 * r * Math.Sin(theta)));

        foreach (double k in new[] { 0.5, 2.0 })
            One("∫₀¹ k·t³ + sin k·t dt, Simpson(t => …, 0, 1, 8)", CubicArea, CubicAreaGradient, k, 0.25 + Math.Cos(k) / 2);

        Print(rows);

        // Second derivatives and derivatives of derivatives, on inline lambdas, against closed forms.
        var checks = new List<(string What, double Nabla, double ClosedForm)>();
        var hessian = Autodiff.Hessian(v => Rosenbrock(v[0], v[1]), new[] { 1.0, 1.0 });
        checks.Add(("Hessian(v => Rosenbrock(v[0], v[1]), (1, 1))[0, 0]", hessian[0, 0], 802));
        checks.Add(("Hessian(v => Rosenbrock(v[0], v[1]), (1, 1))[0, 1]", hessian[0, 1], -400));
        checks.Add(("Hessian(v => Rosenbrock(v[0], v[1]), (1, 1))[1, 1]", hessian[1, 1], 200));
        checks.Add(("Hessian(x => σ(x), 0.5)", Autodiff.Hessian(x => Sigmoid(x), 0.5), SigmoidSecond(0.5)));
        checks.Add(("Derivative(x => x · Derivative(y => x + y, 1), 3)   (no perturbation confusion)",
            Autodiff.Derivative(x => x * Autodiff.Derivative(y => x + y, 1.0), 3.0), 1));
        checks.Add(("Derivative(x => Derivative(Cubed, x), 2)", Autodiff.Derivative(x => Autodiff.Derivative(Cubed, x), 2.0), 12));
        // Third order: ∂/∂x of ∂²f/∂x² = 1200x² − 400y + 2 is 2400x.
        checks.Add(("Gradient(v => Hessian(Rosenbrock, v)[0, 0], (1, 1))[0]   (third order)",
            Autodiff.Gradient(v => Autodiff.Hessian(w => Rosenbrock(w[0], w[1]), v)[0, 0], new[] { 1.0, 1.0 })[0], 2400));
        // Through an interface: the call dispatches to the implementation, to any order. (k x⁴)'' = 12 k x².
        IPotential well = new QuarticWell { Stiffness = 0.5 };
        checks.Add(("Derivative(x => Derivative(t => well.Energy(t), x), 1.5)   (an interface call)",
            Autodiff.Derivative(x => Autodiff.Derivative(t => well.Energy(t), x), 1.5), 12 * 0.5 * 1.5 * 1.5));

        // Results that are not scalars: a velocity along a helix (a tuple) and a pullback of polar coordinates.
        var velocity = Autodiff.Derivative(t => (Math.Cos(t), Math.Sin(t), 0.5 * t), 1.0);
        checks.Add(("Derivative(t => (cos t, sin t, t/2), 1).Item1   (a tuple result)", velocity.Item1, -Math.Sin(1.0)));
        var (_, dTheta) = Autodiff.Vjp((r, th) => (r * Math.Cos(th), r * Math.Sin(th)), 2.0, 0.5, (0.0, 1.0));
        checks.Add(("Vjp((r, θ) => r·(cos θ, sin θ), (2, 0.5), (0, 1)): ∂y/∂θ", dTheta, 2 * Math.Cos(0.5)));

        // A rule for a method of a data object (a yield curve), and a derivative whose result is a [Differentiable] struct.
        var curve = new FlatCurve { Rate = 0.04 };
        checks.Add(("Derivative(T => BondPrice(curve, T), 7.5)   (a rule for curve.Discount)",
            Autodiff.Derivative(maturity => BondPrice(curve, maturity), 7.5), -100 * 0.04 * Math.Exp(-0.04 * 7.5)));
        OscillatorState.Tangent dState = Autodiff.Derivative(k => TypedModels.Step(new OscillatorState { Position = 1 },
            new OscillatorParameters { Stiffness = k, Damping = 0.3 }, 0.1), 4.0);
        checks.Add(("Derivative(k => Step(state, (k, c), 0.1), 4).Position   (a struct result: its Tangent)", dState.Position, -0.1 * 0.1));

        // A physical fit: recover an oscillator's stiffness and damping from its observed trajectory with L-BFGS,
        // the gradient of the misfit coming from an inline lambda that captures the observation.
        const double dt = 0.01, trueK = 4.0, trueC = 0.3;
        double[] observed = Oscillate(trueK, trueC, 1000, dt);
        var parameters = new[] { 2.0, 1.0 };
        var fit = new Lbfgs().Minimize(p => Autodiff.ValueWithGradient(q => OscillatorMisfit(q, observed, dt), p), parameters);
        checks.Add(($"oscillator fit: stiffness k ({fit.Iterations} L-BFGS steps from k = 2, c = 1)", parameters[0], trueK));
        checks.Add(("oscillator fit: damping c", parameters[1], trueC));

        // Differentiable types: gradients come back as the type's Tangent.
        var typed = TypedModelChecks();
        checks.AddRange(typed);

        AnsiConsole.WriteLine();
        var more = new Table().Border(TableBorder.Rounded);
        more.AddColumn("Second order, nested derivatives and a fit");
        more.AddColumn(new TableColumn("Nabla").RightAligned());
        more.AddColumn(new TableColumn("Expected").RightAligned());
        more.AddColumn("");
        int moreFailures = 0;
        foreach (var (what, nabla, expected) in checks)
        {
            // The fits are checked to 1e-6 (arrays) and 1e-3 (the State struct) of the true parameters, the perceptron to
            // 1e-3 of its optimum, the podcast model's error against a bound, the rest to 1e-9.
            double tolerance = what.StartsWith("oscillator", StringComparison.Ordinal) ? 1e-6
                : what.StartsWith("State-struct", StringComparison.Ordinal) ? 1e-3
                : what.StartsWith("perceptron", StringComparison.Ordinal) ? 1e-3
                : what.StartsWith("podcast", StringComparison.Ordinal) ? double.NaN
                : Tolerance;
            bool ok = double.IsNaN(tolerance) ? nabla <= LossBound(what) : Math.Abs(nabla - expected) <= tolerance * Math.Max(1, Math.Abs(expected));
            if (double.IsNaN(tolerance))
            {
                if (!ok) moreFailures++;
                more.AddRow(Markup.Escape(what), Format(nabla), "≤ " + Format(LossBound(what)), ok ? "[green]ok[/]" : "[red]MISMATCH[/]");
                continue;
            }
            if (!ok) moreFailures++;
            more.AddRow(Markup.Escape(what), Format(nabla), Format(expected), ok ? "[green]ok[/]" : "[red]MISMATCH[/]");
        }
        AnsiConsole.Write(more);

        int failures = rows.FindAll(r => !r.Agrees).Count + moreFailures;
        int total = rows.Count + checks.Count;
        if (failures == 0)
        {
            AnsiConsole.MarkupLine($"[green]All {total} results agree with their closed forms (relative error ≤ {Tolerance:0e0}; the fits and the learning checks as marked).[/]");
            return 0;
        }
        AnsiConsole.MarkupLine($"[red]{failures} of {total} results disagree with their closed forms.[/]");
        return 1;
    }

    /// <summary>Learning checks pass when the final loss is below its bound: a fraction of the first loss.</summary>
    private static double LossBound(string what) => 0.01;

    /// <summary>
    /// The seed's perceptron (an AND gate, ValueWithGradient in a loop of 100 steps), the seed's podcast speed model
    /// learning a user's speeds, and an oscillator written with a State struct fitted by L-BFGS.
    /// </summary>
    private static List<(string What, double Nabla, double ClosedForm)> TypedModelChecks()
    {
        var checks = new List<(string, double, double)>();
        var log = new Table().Border(TableBorder.Rounded);
        log.AddColumn("Differentiable types: learning");
        log.AddColumn(new TableColumn("Loss at step 0, 25, 50, 99 (or per 250 steps)").RightAligned());

        // Perceptron: the gradient is a Perceptron.Tangent with a Weight and a Bias.
        Vector2[] inputs = { new(0, 0), new(0, 1), new(1, 0), new(1, 1) };
        float[] andGate = { 0, 0, 0, 1 };
        var perceptron = new Perceptron { Weight = new Vector2(0.4f, -0.7f) };
        var losses = new List<string>();
        float loss = 0;
        for (int step = 0; step < 100; step++)
        {
            (loss, var gradient) = Autodiff.ValueWithGradient(m => TypedModels.PerceptronLoss(m, inputs, andGate), perceptron);
            if (step is 0 or 25 or 50 or 99) losses.Add(loss.ToString("0.0000", CultureInfo.InvariantCulture));
            perceptron.Weight -= gradient.Weight * 0.1f;
            perceptron.Bias -= gradient.Bias * 0.1f;
        }
        log.AddRow("perceptron, AND gate (ValueWithGradient, 100 steps)", string.Join("  ", losses));
        // A line cannot fit AND exactly: the least-squares optimum of the half squared error is 1/8.
        checks.Add(("perceptron AND-gate loss after 100 steps (the linear least-squares optimum is 1/8)", loss, 0.125));

        // Podcast speeds: a user who likes news fast and comedy slow, and skips through advertisements.
        var rng = new Random(7);
        float[] preferCategory = { 0.9f, 1.6f, 1.3f, 1.0f };
        float[] preferSection = { 1.8f, 1.1f, 1.0f, 1.2f };
        int n = 64;
        var categories = new PodcastCategory[n];
        var sections = new PodcastSection[n];
        var speeds = new float[n];
        for (int i = 0; i < n; i++)
        {
            categories[i] = (PodcastCategory)rng.Next(4);
            sections[i] = (PodcastSection)rng.Next(4);
            speeds[i] = Math.Clamp(preferCategory[(int)categories[i]] * preferSection[(int)sections[i]], 0.75f, 2.5f);
        }
        // The speed range starts narrow, so that its clamps are active and MinSpeed and MaxSpeed get gradients.
        var model = new PodcastSpeedModel { MinSpeed = 1f, MaxSpeed = 2f, CategoryMultipliers = new float[] { 1, 1, 1, 1 }, SectionMultipliers = new float[] { 1, 1, 1, 1 } };
        // Adam with a learning rate that steps down: the absolute error's gradient does not shrink near the optimum.
        losses.Clear();
        float error = 0;
        foreach (double rate in new[] { 0.01, 0.001, 0.0001 })
        {
            var adam = new Adam<PodcastSpeedModel, PodcastSpeedModel.Tangent>(learningRate: rate);
            for (int step = 0; step < 1000; step++)
            {
                (error, var gradient) = Autodiff.ValueWithGradient(m => TypedModels.MeanError(m, categories, sections, speeds), model);
                if (step == 0) losses.Add(error.ToString("0.0000", CultureInfo.InvariantCulture));
                adam.Update(ref model, gradient);
            }
        }
        losses.Add(error.ToString("0.0000", CultureInfo.InvariantCulture));
        log.AddRow("podcast speed model, mean absolute error (Adam at 1e-2, 1e-3, 1e-4; 1000 steps each)", string.Join("  ", losses));
        checks.Add(("podcast speed model: mean absolute error after 3000 steps", error, 0));

        // The oscillator again, with a State struct stepped by a [Differentiable] method: L-BFGS on the struct itself.
        const double dt = 0.01;
        var truth = new OscillatorParameters { Stiffness = 4.0, Damping = 0.3 };
        double[] observed = TypedModels.Observe(truth, 1000, dt);
        var guess = new OscillatorParameters { Stiffness = 2.0, Damping = 1.0 };
        var fit = new Lbfgs().Minimize<OscillatorParameters, OscillatorParameters.Tangent>(
            p => { var r = TypedModels.Misfit_ValueWithGradient(p, observed, dt); return (r.Value, r.Gradient.Item1); }, ref guess);
        checks.Add(($"State-struct oscillator fit: stiffness ({fit.Iterations} L-BFGS steps)", guess.Stiffness, truth.Stiffness));
        checks.Add(("State-struct oscillator fit: damping", guess.Damping, truth.Damping));

        AnsiConsole.WriteLine();
        AnsiConsole.Write(log);
        return checks;
    }

    /// <summary>σ″(x) = σ(1 − σ)(1 − 2σ).</summary>
    private static double SigmoidSecond(double x)
    {
        double s = 1 / (1 + Math.Exp(-x));
        return s * (1 - s) * (1 - 2 * s);
    }


    private static void Print(List<Row> rows)
    {
        AnsiConsole.Write(new Rule("[bold]Nabla: derivatives written at compile time[/]").LeftJustified());
        AnsiConsole.MarkupLine("Each function below is ordinary C# marked [blue][[Differentiable]][/] (samples/Nabla.Samples/Functions.cs).");
        AnsiConsole.MarkupLine("[grey]Gradient[/]: Autodiff.Gradient(f, …), reverse mode.  [grey][[GradientOf]][/]: a named partial method the generator filled in.");
        AnsiConsole.MarkupLine("[grey]Forward[/]: Autodiff.Derivative / Autodiff.Jvp, forward mode.  [grey]Closed form[/]: the derivative worked out by hand.");
        AnsiConsole.WriteLine();

        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn(new TableColumn("Function").NoWrap());
        table.AddColumn("At");
        table.AddColumn(new TableColumn("Value").RightAligned());
        table.AddColumn("∂");
        table.AddColumn(new TableColumn("Gradient").RightAligned());
        table.AddColumn(new TableColumn("[[GradientOf]]").RightAligned());
        table.AddColumn(new TableColumn("Forward").RightAligned());
        table.AddColumn(new TableColumn("Closed form").RightAligned());
        table.AddColumn(new TableColumn("Rel. error").RightAligned());
        table.AddColumn("");

        string? previous = null;
        foreach (var r in rows)
        {
            bool first = r.Function != previous;
            if (first && previous != null)
                table.AddEmptyRow();
            previous = r.Function;
            table.AddRow(
                first ? Markup.Escape(r.Function) : "",
                Markup.Escape(r.At),
                Format(r.Value),
                r.Partial,
                Format(r.ByOperator),
                Format(r.ByNamedGradient),
                Format(r.ByForwardMode),
                Format(r.ClosedForm),
                r.WorstRelativeError.ToString("0.0e+0", CultureInfo.InvariantCulture),
                r.Agrees ? "[green]ok[/]" : "[red]MISMATCH[/]");
        }
        AnsiConsole.Write(table);
    }

    private static string Format(double v) => v.ToString("G10", CultureInfo.InvariantCulture);
}
