// L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with a strong-Wolfe line search (Nocedal & Wright, Algorithms 3.5 and 3.6),
// for smooth deterministic problems, on a double[] or on a model of a differentiable type through its tangent's flat view.
using System;

namespace Nabla;

/// <summary>Why <see cref="Lbfgs"/> stopped.</summary>
public enum LbfgsStopReason
{
    /// <summary>Converged: the gradient's Euclidean norm fell to <see cref="Lbfgs.GradientTolerance"/> or below.</summary>
    GradientTolerance,

    /// <summary>Converged: an iteration decreased the value by no more than <see cref="Lbfgs.FunctionTolerance"/> relative to it.</summary>
    FunctionTolerance,

    /// <summary>Not converged: <see cref="Lbfgs.MaxIterations"/> iterations were taken.</summary>
    MaxIterations,

    /// <summary>
    /// Not converged: within <see cref="Lbfgs.MaxLineSearchEvaluations"/> evaluations the line search found no step along
    /// the search direction that decreases the value sufficiently (typically rounding error near a minimum, with a
    /// tolerance tighter than the arithmetic allows, or a function that is not smooth). The point is the last accepted one.
    /// </summary>
    LineSearchFailed,

    /// <summary>Not converged: the value or gradient at the starting point is infinite or NaN.</summary>
    NonFiniteStart,
}

/// <summary>The outcome of <see cref="Lbfgs"/>.</summary>
/// <typeparam name="TPoint">A <see cref="double"/>[] or the model type.</typeparam>
/// <param name="Point">The final point: the same array or model that was passed in, updated in place.</param>
/// <param name="Value">The function's value at <paramref name="Point"/>.</param>
/// <param name="GradientNorm">The Euclidean norm of the gradient at <paramref name="Point"/>.</param>
/// <param name="Iterations">The number of accepted steps.</param>
/// <param name="Evaluations">The number of times the function (value and gradient) was evaluated.</param>
/// <param name="Reason">Why the minimizer stopped.</param>
public readonly record struct LbfgsResult<TPoint>(
    TPoint Point, double Value, double GradientNorm, int Iterations, int Evaluations, LbfgsStopReason Reason)
{
    /// <summary>Whether a convergence test was met (<see cref="LbfgsStopReason.GradientTolerance"/> or <see cref="LbfgsStopReason.FunctionTolerance"/>).</summary>
    public bool Converged => Reason is LbfgsStopReason.GradientTolerance or LbfgsStopReason.FunctionTolerance;
}

/// <summary>
/// The limited-memory BFGS quasi-Newton minimizer for smooth deterministic functions, with a line search that
/// satisfies the strong Wolfe conditions.
/// </summary>
/// <remarks>
/// <para>
/// <b>Function.</b> The function returns its value and gradient together, which is what
/// <c>[ValueWithGradientOf]</c> and <c>Autodiff.ValueWithGradient</c> produce: <c>Func&lt;double[], (double Value,
/// double[] Gradient)&gt;</c> for a vector, <c>Func&lt;TModel, (double Value, TTangent Gradient)&gt;</c> for a model.
/// It must be deterministic and, for the guarantees below, continuously differentiable; for noisy minibatch losses use
/// <see cref="Adam"/>. The point is updated in place: the array's elements, or the model (a struct through the
/// <see langword="ref"/>, a class object by mutation). A model is moved to each trial point and the function called on
/// it; an array's trial points are written into an internal array of the same length, which the function receives (it
/// must not keep it), and the caller's array receives each accepted point.
/// </para>
/// <para>
/// <b>Algorithm.</b> The search direction <c>d = −H·g</c> comes from the two-loop recursion over the last
/// <see cref="HistorySize"/> pairs <c>s = x₊ − x</c>, <c>y = g₊ − g</c>, with initial scaling <c>H₀ = (sᵀy / yᵀy)·I</c>
/// (Nocedal and Wright, Algorithm 7.4). A pair with <c>sᵀy ≤ 0</c> (impossible after a strong Wolfe step in exact
/// arithmetic) is not stored. The first step, and any step after the direction failed to descend (the history is then
/// cleared), is steepest descent with trial step length 1 (<c>α = 1/‖g‖</c>); later steps try <c>α = 1</c> first.
/// The line search brackets and zooms with safeguarded cubic interpolation (Algorithms 3.5 and 3.6) until
/// <c>f(x + αd) ≤ f(x) + c₁·α·gᵀd</c> and <c>|g(x + αd)ᵀd| ≤ c₂·|gᵀd|</c>, with <c>c₁ = 10⁻⁴</c>, <c>c₂ = 0.9</c>;
/// a trial value that is infinite or NaN counts as too long a step. If the evaluations run out, the best point with
/// sufficient decrease found is accepted without the curvature condition; with none, the search fails.
/// </para>
/// <para>
/// <b>Stopping.</b> Converged when <c>‖g‖₂ ≤ GradientTolerance</c> (checked at the start too), or when one iteration's
/// decrease <c>f − f₊ ≤ FunctionTolerance·max(|f|, |f₊|)</c>. Not converged after <see cref="MaxIterations"/>
/// iterations or when the line search fails; <see cref="LbfgsResult{TPoint}.Reason"/> says which. The gradient test is
/// absolute: scale the problem, or rely on the function test, when gradients are naturally large. The function test is
/// relative without a floor, so for a minimum value of exactly 0 it only stops a run that has stalled, and the
/// gradient test decides (a floor of 1, as some libraries use, stops at <c>f ≈ FunctionTolerance</c>, that is with
/// <c>x</c> only about <c>√FunctionTolerance</c> from the minimizer).
/// </para>
/// <para>
/// <b>Allocation.</b> The instance keeps its buffers (<c>(2m + 4)·n</c> doubles) and reuses them across iterations and
/// across calls with the same length <c>n</c>; the minimizer itself allocates nothing else for arrays and fixed-shape
/// tangents. What the function allocates (a generated gradient is a new array per call) is the function's. Instances are
/// not thread-safe.
/// </para>
/// </remarks>
public sealed class Lbfgs
{
    private const double C1 = 1e-4, C2 = 0.9;

    private int _n = -1;
    private double[] _s = Array.Empty<double>(), _y = Array.Empty<double>();   // HistorySize rows of n, ring buffer
    private double[] _rho = Array.Empty<double>(), _a = Array.Empty<double>();
    private double[] _g = Array.Empty<double>(), _gTrial = Array.Empty<double>(), _d = Array.Empty<double>();
    private double[] _work = Array.Empty<double>();   // the trial point (arrays) or the model's displacement (models)

    /// <summary>Creates the minimizer.</summary>
    /// <param name="historySize">The number <c>m ≥ 1</c> of correction pairs kept.</param>
    /// <param name="gradientTolerance">Stop when <c>‖g‖₂</c> is at most this (≥ 0).</param>
    /// <param name="functionTolerance">Stop when an iteration decreases the value by at most this times <c>max(|f|, |f₊|)</c> (≥ 0; 0 turns the test off except for no decrease at all).</param>
    /// <param name="maxIterations">Stop after this many iterations (≥ 0).</param>
    /// <param name="maxLineSearchEvaluations">The most function evaluations one line search may take (≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of its range.</exception>
    public Lbfgs(int historySize = 10, double gradientTolerance = 1e-8, double functionTolerance = 1e-15,
                 int maxIterations = 1000, int maxLineSearchEvaluations = 40)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        if (!(gradientTolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(gradientTolerance), gradientTolerance, "The tolerance must not be negative.");
        if (!(functionTolerance >= 0))
            throw new ArgumentOutOfRangeException(nameof(functionTolerance), functionTolerance, "The tolerance must not be negative.");
        ArgumentOutOfRangeException.ThrowIfNegative(maxIterations);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineSearchEvaluations, 1);
        HistorySize = historySize;
        GradientTolerance = gradientTolerance;
        FunctionTolerance = functionTolerance;
        MaxIterations = maxIterations;
        MaxLineSearchEvaluations = maxLineSearchEvaluations;
    }

    /// <summary>The number <c>m</c> of correction pairs kept.</summary>
    public int HistorySize { get; }

    /// <summary>Converged when the gradient's Euclidean norm is at most this.</summary>
    public double GradientTolerance { get; }

    /// <summary>Converged when an iteration decreases the value by at most this times <c>max(|f|, |f₊|)</c>.</summary>
    public double FunctionTolerance { get; }

    /// <summary>The most iterations (accepted steps).</summary>
    public int MaxIterations { get; }

    /// <summary>The most function evaluations in one line search.</summary>
    public int MaxLineSearchEvaluations { get; }

    /// <summary>Minimizes <paramref name="function"/> starting from <paramref name="point"/>, which is updated in place.</summary>
    /// <param name="function">The value and gradient (an array as long as the point) of a smooth function.</param>
    /// <param name="point">The starting point; on return, the final point.</param>
    /// <returns>The final point (<paramref name="point"/>), value, gradient norm, counts and the reason for stopping.</returns>
    /// <exception cref="ArgumentException">The function returned a gradient of the wrong length.</exception>
    public LbfgsResult<double[]> Minimize(Func<double[], (double Value, double[] Gradient)> function, double[] point)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(point);
        EnsureBuffers(point.Length);
        var problem = new ArrayProblem { Function = function, Point = point, Trial = _work };
        var (value, norm, iterations, evaluations, reason) = Run(ref problem);
        return new LbfgsResult<double[]>(point, value, norm, iterations, evaluations, reason);
    }

    /// <summary>Minimizes <paramref name="function"/> over a model, starting from <paramref name="model"/>, which is updated in place.</summary>
    /// <typeparam name="TModel">The model: a struct (updated through the <see langword="ref"/>) or a class (mutated).</typeparam>
    /// <typeparam name="TTangent">The model's tangent type.</typeparam>
    /// <param name="function">The value and gradient of a smooth function of the model. It is called on <paramref name="model"/> moved to each trial point.</param>
    /// <param name="model">The starting model; on return, the final one.</param>
    /// <returns>The final model, value, gradient norm, counts and the reason for stopping.</returns>
    /// <exception cref="ArgumentException">The function returned gradients of different lengths.</exception>
    public LbfgsResult<TModel> Minimize<TModel, TTangent>(Func<TModel, (double Value, TTangent Gradient)> function, ref TModel model)
        where TModel : IDifferentiable<TModel, TTangent>
        where TTangent : ITangent<TTangent>
    {
        ArgumentNullException.ThrowIfNull(function);
        if (model is null)
            throw new ArgumentNullException(nameof(model));
        var problem = new ModelProblem<TModel, TTangent> { Function = function, Model = model };
        try
        {
            var (value, norm, iterations, evaluations, reason) = Run(ref problem);
            return new LbfgsResult<TModel>(problem.Model, value, norm, iterations, evaluations, reason);
        }
        finally
        {
            model = problem.Model;
        }
    }

    /// <summary>The point being minimized over, as the algorithm sees it: a base point <c>x</c> and evaluations at <c>x + α·d</c>.</summary>
    private interface IProblem
    {
        /// <summary>Evaluates at the base point; returns the value and the length of the flat gradient.</summary>
        double Start(out int count);

        /// <summary>Writes the gradient from <see cref="Start"/> into <paramref name="destination"/>.</summary>
        void StartGradient(Span<double> destination);

        /// <summary>The value at <c>x + α·d</c>; its flat gradient into <paramref name="gradient"/>. <paramref name="work"/> is scratch of length n.</summary>
        double Evaluate(ReadOnlySpan<double> direction, double alpha, Span<double> gradient, Span<double> work);

        /// <summary>Makes <c>x + α·d</c> the base point (α = 0 returns to the base point).</summary>
        void Accept(ReadOnlySpan<double> direction, double alpha, Span<double> work);
    }

    private struct ArrayProblem : IProblem
    {
        public Func<double[], (double Value, double[] Gradient)> Function;
        public double[] Point;
        public double[] Trial;         // exactly as long as Point: the function sees trial points in it
        private double[]? _startGradient;
        private double _trialAlpha;

        public double Start(out int count)
        {
            count = Point.Length;
            var (value, gradient) = Function(Point);
            _startGradient = Checked(gradient, count);
            _trialAlpha = double.NaN;
            return value;
        }

        public void StartGradient(Span<double> destination) => _startGradient.AsSpan().CopyTo(destination);

        public double Evaluate(ReadOnlySpan<double> direction, double alpha, Span<double> gradient, Span<double> work)
        {
            double[] x = Point, trial = Trial;
            for (int i = 0; i < x.Length; i++)
                trial[i] = x[i] + alpha * direction[i];
            _trialAlpha = alpha;
            var (value, g) = Function(trial);
            Checked(g, x.Length).AsSpan().CopyTo(gradient);
            return value;
        }

        public void Accept(ReadOnlySpan<double> direction, double alpha, Span<double> work)
        {
            if (alpha == 0)
                return;
            if (alpha == _trialAlpha)
                Trial.AsSpan().CopyTo(Point);   // bit for bit the point the last gradient belongs to
            else
                for (int i = 0; i < Point.Length; i++)
                    Point[i] += alpha * direction[i];
            _trialAlpha = double.NaN;
        }

        private static double[] Checked(double[] gradient, int count)
        {
            if (gradient is null || gradient.Length != count)
                throw new ArgumentException($"The function returned a gradient of length {gradient?.Length.ToString() ?? "null"} at a point of length {count}.", "function");
            return gradient;
        }
    }

    private struct ModelProblem<TModel, TTangent> : IProblem
        where TModel : IDifferentiable<TModel, TTangent>
        where TTangent : ITangent<TTangent>
    {
        public Func<TModel, (double Value, TTangent Gradient)> Function;
        public TModel Model;
        private TTangent _template;    // the latest gradient: the shape FromSpan needs
        private int _count;
        private double _at;            // the model is at base + _at·d

        public double Start(out int count)
        {
            var (value, gradient) = Function(Model);
            _template = gradient;
            count = _count = gradient.Count;
            _at = 0;
            return value;
        }

        public void StartGradient(Span<double> destination) => _template.CopyTo(destination);

        public double Evaluate(ReadOnlySpan<double> direction, double alpha, Span<double> gradient, Span<double> work)
        {
            MoveTo(direction, alpha, work);
            var (value, g) = Function(Model);
            if (g.Count != _count)
                throw new ArgumentException($"The function returned a gradient with {g.Count} scalars, earlier {_count}.", "function");
            g.CopyTo(gradient);
            _template = g;
            return value;
        }

        public void Accept(ReadOnlySpan<double> direction, double alpha, Span<double> work)
        {
            MoveTo(direction, alpha, work);
            _at = 0;
        }

        /// <summary>Moves the model from <c>base + _at·d</c> to <c>base + α·d</c>.</summary>
        private void MoveTo(ReadOnlySpan<double> direction, double alpha, Span<double> work)
        {
            double by = alpha - _at;
            if (by == 0)
                return;
            for (int i = 0; i < _count; i++)
                work[i] = by * direction[i];
            Model.Move(_template.FromSpan(work[.._count]));
            _at = alpha;
        }
    }

    private void EnsureBuffers(int n)
    {
        if (_n == n)
            return;
        int m = HistorySize;
        _s = new double[checked(m * n)];
        _y = new double[m * n];
        _rho = new double[m];
        _a = new double[m];
        _g = new double[n];
        _gTrial = new double[n];
        _d = new double[n];
        _work = new double[n];
        _n = n;
    }

    private (double Value, double GradientNorm, int Iterations, int Evaluations, LbfgsStopReason Reason) Run<TProblem>(ref TProblem problem)
        where TProblem : struct, IProblem
    {
        int evaluations = 1;
        double f = problem.Start(out int n);
        EnsureBuffers(n);
        int m = HistorySize;
        double[] g = _g, gTrial = _gTrial;
        Span<double> d = _d, work = _work;
        problem.StartGradient(g);
        double gNorm = Math.Sqrt(Dot(g, g));
        if (!double.IsFinite(f) || !double.IsFinite(gNorm))
            return (f, gNorm, 0, evaluations, LbfgsStopReason.NonFiniteStart);
        if (gNorm <= GradientTolerance)
            return (f, gNorm, 0, evaluations, LbfgsStopReason.GradientTolerance);

        int stored = 0, newest = m - 1;
        double gamma = 1;
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            // d = −H·g by the two-loop recursion; steepest descent when there is no history or d does not descend.
            double slope = double.NaN;
            if (stored > 0)
            {
                TwoLoop(g, d, stored, newest, gamma);
                slope = Dot(g, d);
            }
            bool steepest = !(slope < 0) || !double.IsFinite(slope);
            if (steepest)
            {
                stored = 0;
                for (int i = 0; i < n; i++)
                    d[i] = -g[i];
                slope = -gNorm * gNorm;
            }

            if (!LineSearch(ref problem, f, slope, steepest ? 1 / gNorm : 1, d, gTrial, work, ref evaluations,
                            out double alpha, out double fNext))
            {
                problem.Accept(d, 0, work);
                return (f, gNorm, iteration, evaluations, LbfgsStopReason.LineSearchFailed);
            }
            problem.Accept(d, alpha, work);

            // The new pair s = α·d, y = g₊ − g, kept when sᵀy > 0 (always, after a strong Wolfe step, bar rounding).
            int slot = (newest + 1) % m;
            Span<double> s = _s.AsSpan(slot * n, n), y = _y.AsSpan(slot * n, n);
            double sy = 0, yy = 0;
            for (int i = 0; i < n; i++)
            {
                double si = alpha * d[i], yi = gTrial[i] - g[i];
                s[i] = si;
                y[i] = yi;
                sy += si * yi;
                yy += yi * yi;
            }
            if (sy > 0 && yy > 0 && double.IsFinite(sy) && double.IsFinite(yy) && sy / yy > 0)
            {
                newest = slot;
                _rho[slot] = 1 / sy;
                gamma = sy / yy;
                stored = Math.Min(stored + 1, m);
            }
            else if (stored == m)
            {
                stored--;   // the slot just overwritten held the oldest pair
            }

            (g, gTrial) = (gTrial, g);
            double fPrevious = f;
            f = fNext;
            gNorm = Math.Sqrt(Dot(g, g));
            if (gNorm <= GradientTolerance)
                return (f, gNorm, iteration + 1, evaluations, LbfgsStopReason.GradientTolerance);
            if (fPrevious - f <= FunctionTolerance * Math.Max(Math.Abs(fPrevious), Math.Abs(f)))
                return (f, gNorm, iteration + 1, evaluations, LbfgsStopReason.FunctionTolerance);
        }
        return (f, gNorm, MaxIterations, evaluations, LbfgsStopReason.MaxIterations);
    }

    /// <summary>
    /// The two-loop recursion (Nocedal and Wright, Algorithm 7.4): <paramref name="d"/> = −H·g with H the L-BFGS inverse
    /// Hessian of the <paramref name="stored"/> newest pairs and H₀ = <paramref name="gamma"/>·I.
    /// </summary>
    private void TwoLoop(ReadOnlySpan<double> g, Span<double> d, int stored, int newest, double gamma)
    {
        int m = HistorySize, n = g.Length;
        g.CopyTo(d);
        int k = newest;
        for (int j = 0; j < stored; j++)
        {
            double a = _rho[k] * Dot(_s.AsSpan(k * n, n), d);
            _a[k] = a;
            Axpy(-a, _y.AsSpan(k * n, n), d);
            k = (k - 1 + m) % m;
        }
        for (int i = 0; i < n; i++)
            d[i] *= gamma;
        k = (newest - stored + 1 + m) % m;
        for (int j = 0; j < stored; j++)
        {
            double b = _rho[k] * Dot(_y.AsSpan(k * n, n), d);
            Axpy(_a[k] - b, _s.AsSpan(k * n, n), d);
            k = (k + 1) % m;
        }
        for (int i = 0; i < n; i++)
            d[i] = -d[i];
    }

    /// <summary>
    /// Finds α with f(x + αd) ≤ f(x) + c₁·α·slope and |∇f(x + αd)ᵀd| ≤ c₂·|slope| (Nocedal and Wright, Algorithm 3.5,
    /// bracketing by doubling). On return <paramref name="gradient"/> holds the gradient at the accepted point, which is
    /// the last point evaluated. If the evaluations run out, a point found with sufficient decrease is accepted
    /// without the curvature condition (its pair may then be skipped); with none, the search fails.
    /// </summary>
    private bool LineSearch<TProblem>(ref TProblem problem, double f0, double slope, double alpha, Span<double> d,
                                      Span<double> gradient, Span<double> work, ref int evaluations,
                                      out double accepted, out double value)
        where TProblem : struct, IProblem
    {
        double decrease = C1 * slope, curvature = -C2 * slope;
        double previous = 0, fPrevious = f0, dPrevious = slope;
        int left = MaxLineSearchEvaluations;
        for (int i = 0; left > 0; i++)
        {
            left--;
            double phi = problem.Evaluate(d, alpha, gradient, work);
            evaluations++;
            double dphi = Dot(gradient, d);
            bool finite = double.IsFinite(phi) && double.IsFinite(dphi);
            if (!finite || phi > f0 + alpha * decrease || (i > 0 && phi >= fPrevious))
                return Zoom(ref problem, f0, decrease, curvature, previous, fPrevious, dPrevious, alpha, phi, dphi,
                            d, gradient, work, ref left, ref evaluations, out accepted, out value);
            if (Math.Abs(dphi) <= curvature)
            {
                accepted = alpha;
                value = phi;
                return true;
            }
            if (dphi >= 0)
                return Zoom(ref problem, f0, decrease, curvature, alpha, phi, dphi, previous, fPrevious, dPrevious,
                            d, gradient, work, ref left, ref evaluations, out accepted, out value);
            (previous, fPrevious, dPrevious) = (alpha, phi, dphi);
            alpha *= 2;
        }
        // Out of evaluations while still extending: the last point had sufficient decrease.
        return Fallback(ref problem, previous, fPrevious, d, gradient, work, ref evaluations, out accepted, out value);
    }

    /// <summary>
    /// Algorithm 3.6: shrinks the bracket [lo, hi] (lo: sufficient decrease, the lowest value so far; hi: the other end)
    /// by safeguarded cubic interpolation, bisection when an end is not finite.
    /// </summary>
    private static bool Zoom<TProblem>(ref TProblem problem, double f0, double decrease, double curvature,
                                       double lo, double fLo, double dLo, double hi, double fHi, double dHi,
                                       Span<double> d, Span<double> gradient, Span<double> work,
                                       ref int left, ref int evaluations, out double accepted, out double value)
        where TProblem : struct, IProblem
    {
        while (left > 0)
        {
            double lower = Math.Min(lo, hi), width = Math.Abs(hi - lo);
            if (width <= 1e-16 * Math.Max(Math.Abs(lo), Math.Abs(hi)))
                break;
            double alpha = double.IsFinite(fHi) && double.IsFinite(dHi) ? CubicMinimizer(lo, fLo, dLo, hi, fHi, dHi) : double.NaN;
            alpha = double.IsNaN(alpha) ? lower + 0.5 * width : Math.Clamp(alpha, lower + 0.1 * width, lower + 0.9 * width);

            left--;
            double phi = problem.Evaluate(d, alpha, gradient, work);
            evaluations++;
            double dphi = Dot(gradient, d);
            if (!(double.IsFinite(phi) && double.IsFinite(dphi)) || phi > f0 + alpha * decrease || phi >= fLo)
            {
                (hi, fHi, dHi) = (alpha, phi, dphi);
            }
            else
            {
                if (Math.Abs(dphi) <= curvature)
                {
                    accepted = alpha;
                    value = phi;
                    return true;
                }
                if (dphi * (hi - lo) >= 0)
                    (hi, fHi, dHi) = (lo, fLo, dLo);
                (lo, fLo, dLo) = (alpha, phi, dphi);
            }
        }
        return Fallback(ref problem, lo, fLo, d, gradient, work, ref evaluations, out accepted, out value);
    }

    /// <summary>Accepts <paramref name="alpha"/> (sufficient decrease, no curvature) by evaluating there again, or fails if it is 0.</summary>
    private static bool Fallback<TProblem>(ref TProblem problem, double alpha, double fAlpha, Span<double> d,
                                           Span<double> gradient, Span<double> work, ref int evaluations,
                                           out double accepted, out double value)
        where TProblem : struct, IProblem
    {
        accepted = alpha;
        value = fAlpha;
        if (alpha == 0)
            return false;
        value = problem.Evaluate(d, alpha, gradient, work);
        evaluations++;
        return true;
    }

    /// <summary>The minimizer of the cubic matching values and slopes at a and b (Nocedal and Wright, (3.59)); NaN if it has none.</summary>
    private static double CubicMinimizer(double a, double fa, double da, double b, double fb, double db)
    {
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double d2Squared = d1 * d1 - da * db;
        if (!(d2Squared >= 0))
            return double.NaN;
        double d2 = Math.CopySign(Math.Sqrt(d2Squared), b - a);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
            sum += x[i] * y[i];
        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] += a * x[i];
    }
}
