// Checks generated derivatives against central finite differences, and forward mode against reverse mode.
using System;
using System.Globalization;
using System.Reflection;
using Nabla.CompilerServices;

namespace Nabla;

/// <summary>
/// The outcome of a <see cref="GradCheck"/>: whether every gradient component agreed, and the worst component.
/// </summary>
/// <remarks>
/// A component passes when <c>|analytic − numeric| ≤ atol + rtol·|numeric|</c> and, where forward mode was checked,
/// <c>|forward − analytic| ≤ atol + rtol·|analytic|</c>. The worst component is the one whose error is the largest
/// multiple of its tolerance (over both comparisons).
/// </remarks>
/// <param name="Passed">True when every component passed both comparisons.</param>
/// <param name="WorstIndex">The index of the worst component (the parameter position for functions of scalars,
/// the array index for a vector input); -1 when there were no components.</param>
/// <param name="Analytic">The worst component of the gradient under test (reverse mode, or the given gradient function).</param>
/// <param name="Numeric">The central finite difference for the worst component.</param>
/// <param name="Forward">The forward-mode derivative (JVP along the unit direction) for the worst component; NaN when forward mode was not checked.</param>
/// <param name="AbsoluteError">The worst component's <c>|analytic − numeric|</c>.</param>
/// <param name="RelativeError">The worst component's <c>|analytic − numeric| / max(|analytic|, |numeric|)</c> (0 when both are 0).</param>
/// <param name="Message">A readable description naming the worst component, its index and the values compared.</param>
public readonly record struct GradCheckResult(
    bool Passed,
    int WorstIndex,
    double Analytic,
    double Numeric,
    double Forward,
    double AbsoluteError,
    double RelativeError,
    string Message)
{
    /// <summary>The readable description, <see cref="Message"/>.</summary>
    public override string ToString() => Message ?? string.Empty;
}

/// <summary>Thrown by <see cref="GradCheck"/>'s <c>Assert</c> methods when a derivative disagrees with finite differences or with the other mode.</summary>
public sealed class GradCheckException : Exception
{
    /// <summary>Creates the exception for a failed check; the message is <see cref="GradCheckResult.Message"/>.</summary>
    /// <param name="result">The failed check.</param>
    public GradCheckException(GradCheckResult result)
        : base(result.Message)
    {
        Result = result;
    }

    /// <summary>The failed check, with the worst component and its values.</summary>
    public GradCheckResult Result { get; }
}

/// <summary>
/// Numerical checks of derivatives (JAX's <c>check_grads</c>, PyTorch's <c>gradcheck</c>): compares a gradient with
/// central finite differences, and forward mode (JVP) with reverse mode (gradient).
/// </summary>
/// <remarks>
/// <para>
/// For each input component <c>i</c> the numeric derivative is the central difference
/// <c>(f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h)</c> with step <c>h = eps · max(1, |xᵢ|)</c>; the divisor is the step actually
/// taken after rounding <c>xᵢ ± h</c> to the input's precision. Its error is about <c>h²·|f‴|/6</c> (truncation) plus
/// <c>ulp(f)/h</c> (rounding), so a check can fail near a kink, a singularity or a branch switch even when the
/// derivative is right; choose <c>x</c> away from them.
/// </para>
/// <para>
/// A component passes when <c>|analytic − numeric| ≤ atol + rtol·|numeric|</c>. For functions whose derivatives Nabla
/// generated, forward mode is checked too: the JVP along the unit direction <c>eᵢ</c> must equal gradient component
/// <c>i</c> within <c>atol + rtol·|analytic|</c>.
/// </para>
/// <para>
/// <see cref="float"/> functions are evaluated in <see cref="float"/> and compared in <see cref="double"/>, with
/// defaults suited to single precision: <c>eps = 1e-3</c>, <c>atol = rtol = 1e-3</c>.
/// </para>
/// </remarks>
public static class GradCheck
{
    private const double DoubleEps = 1e-6;
    private const double SingleEps = 1e-3;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // ---------------------------------------------------------------------------------------------
    // double functions of one to four scalars
    // ---------------------------------------------------------------------------------------------

    /// <summary>Checks the generated derivative <c>f′(x)</c> against the central difference, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The point at which to check.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |x|)</c>; default <c>1e-6</c>.</param>
    /// <returns>The outcome, with the worst component.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<double, double> f, double x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        double[] analytic = [Autodiff.Gradient(f, x)];
        double[] forward = [Autodiff.Jvp(f, x, 1.0).Tangent];
        double[] numeric = CentralDifferences(p => f(p[0]), [x], eps ?? DoubleEps, single: false);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    /// <summary>Checks the generated gradient <c>(∂f/∂x, ∂f/∂y)</c> against central differences, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-6</c>.</param>
    /// <returns>The outcome, with the worst component (0 for <paramref name="x"/>, 1 for <paramref name="y"/>).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<double, double, double> f, double x, double y,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        var (gx, gy) = Autodiff.Gradient(f, x, y);
        double[] analytic = [gx, gy];
        double[] forward =
        [
            Autodiff.Jvp(f, x, y, 1.0, 0.0).Tangent,
            Autodiff.Jvp(f, x, y, 0.0, 1.0).Tangent,
        ];
        double[] numeric = CentralDifferences(p => f(p[0], p[1]), [x, y], eps ?? DoubleEps, single: false);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    /// <summary>Checks the generated gradient <c>(∂f/∂x, ∂f/∂y, ∂f/∂z)</c> against central differences, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-6</c>.</param>
    /// <returns>The outcome, with the worst component (the parameter position).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<double, double, double, double> f, double x, double y, double z,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        var (gx, gy, gz) = Autodiff.Gradient(f, x, y, z);
        double[] analytic = [gx, gy, gz];
        double[] forward =
        [
            Autodiff.Jvp(f, x, y, z, 1.0, 0.0, 0.0).Tangent,
            Autodiff.Jvp(f, x, y, z, 0.0, 1.0, 0.0).Tangent,
            Autodiff.Jvp(f, x, y, z, 0.0, 0.0, 1.0).Tangent,
        ];
        double[] numeric = CentralDifferences(p => f(p[0], p[1], p[2]), [x, y, z], eps ?? DoubleEps, single: false);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    /// <summary>Checks the generated gradient <c>(∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂w)</c> against central differences, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-6</c>.</param>
    /// <returns>The outcome, with the worst component (the parameter position).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<double, double, double, double, double> f, double x, double y, double z, double w,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        var (gx, gy, gz, gw) = Autodiff.Gradient(f, x, y, z, w);
        double[] analytic = [gx, gy, gz, gw];
        double[] forward =
        [
            Autodiff.Jvp(f, x, y, z, w, 1.0, 0.0, 0.0, 0.0).Tangent,
            Autodiff.Jvp(f, x, y, z, w, 0.0, 1.0, 0.0, 0.0).Tangent,
            Autodiff.Jvp(f, x, y, z, w, 0.0, 0.0, 1.0, 0.0).Tangent,
            Autodiff.Jvp(f, x, y, z, w, 0.0, 0.0, 0.0, 1.0).Tangent,
        ];
        double[] numeric = CentralDifferences(p => f(p[0], p[1], p[2], p[3]), [x, y, z, w], eps ?? DoubleEps, single: false);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    // ---------------------------------------------------------------------------------------------
    // float functions of one to four scalars: evaluated in float, compared in double
    // ---------------------------------------------------------------------------------------------

    /// <summary>Checks the generated derivative <c>f′(x)</c> of a single-precision function against the central difference, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The point at which to check.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |x|)</c>; default <c>1e-3</c>.</param>
    /// <returns>The outcome, with the worst component.</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<float, float> f, float x,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        double[] analytic = [Autodiff.Gradient(f, x)];
        double[] forward = [Autodiff.Jvp(f, x, 1f).Tangent];
        double[] numeric = CentralDifferences(p => f((float)p[0]), [x], eps ?? SingleEps, single: true);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    /// <summary>Checks the generated gradient <c>(∂f/∂x, ∂f/∂y)</c> of a single-precision function against central differences, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-3</c>.</param>
    /// <returns>The outcome, with the worst component (the parameter position).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<float, float, float> f, float x, float y,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        var (gx, gy) = Autodiff.Gradient(f, x, y);
        double[] analytic = [gx, gy];
        double[] forward =
        [
            Autodiff.Jvp(f, x, y, 1f, 0f).Tangent,
            Autodiff.Jvp(f, x, y, 0f, 1f).Tangent,
        ];
        double[] numeric = CentralDifferences(p => f((float)p[0], (float)p[1]), [x, y], eps ?? SingleEps, single: true);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    /// <summary>Checks the generated gradient <c>(∂f/∂x, ∂f/∂y, ∂f/∂z)</c> of a single-precision function against central differences, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-3</c>.</param>
    /// <returns>The outcome, with the worst component (the parameter position).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<float, float, float, float> f, float x, float y, float z,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        var (gx, gy, gz) = Autodiff.Gradient(f, x, y, z);
        double[] analytic = [gx, gy, gz];
        double[] forward =
        [
            Autodiff.Jvp(f, x, y, z, 1f, 0f, 0f).Tangent,
            Autodiff.Jvp(f, x, y, z, 0f, 1f, 0f).Tangent,
            Autodiff.Jvp(f, x, y, z, 0f, 0f, 1f).Tangent,
        ];
        double[] numeric = CentralDifferences(p => f((float)p[0], (float)p[1], (float)p[2]), [x, y, z], eps ?? SingleEps, single: true);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    /// <summary>Checks the generated gradient <c>(∂f/∂x, ∂f/∂y, ∂f/∂z, ∂f/∂w)</c> of a single-precision function against central differences, and forward mode against reverse mode.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-3</c>.</param>
    /// <returns>The outcome, with the worst component (the parameter position).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<float, float, float, float, float> f, float x, float y, float z, float w,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        var (gx, gy, gz, gw) = Autodiff.Gradient(f, x, y, z, w);
        double[] analytic = [gx, gy, gz, gw];
        double[] forward =
        [
            Autodiff.Jvp(f, x, y, z, w, 1f, 0f, 0f, 0f).Tangent,
            Autodiff.Jvp(f, x, y, z, w, 0f, 1f, 0f, 0f).Tangent,
            Autodiff.Jvp(f, x, y, z, w, 0f, 0f, 1f, 0f).Tangent,
            Autodiff.Jvp(f, x, y, z, w, 0f, 0f, 0f, 1f).Tangent,
        ];
        double[] numeric = CentralDifferences(p => f((float)p[0], (float)p[1], (float)p[2], (float)p[3]), [x, y, z, w], eps ?? SingleEps, single: true);
        return Compare(f, analytic, numeric, forward, atol, rtol);
    }

    // ---------------------------------------------------------------------------------------------
    // Functions of one array
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Checks the generated gradient <c>∇f(x)</c> of a function of an array against central differences in each
    /// component, and forward mode (JVP along each unit direction <c>eᵢ</c>) against reverse mode.
    /// </summary>
    /// <param name="f">A differentiable function of one array.</param>
    /// <param name="x">The point at which to check; not modified.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-6</c>.</param>
    /// <returns>The outcome, with the worst component (the array index).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<double[], double> f, double[] x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        ArgumentNullException.ThrowIfNull(x);
        double[]? analytic = Autodiff.Gradient(f, (double[])x.Clone());
        if (analytic is null || analytic.Length != x.Length)
            return LengthMismatch(f, "generated gradient", analytic?.Length, x.Length);
        double[] forward = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double[] direction = new double[x.Length];
            direction[i] = 1.0;
            forward[i] = Autodiff.Jvp(f, (double[])x.Clone(), direction).Tangent;
        }
        double[] numeric = CentralDifferences(p => f((double[])p.Clone()), x, eps ?? DoubleEps, single: false);
        return Compare(f, analytic, numeric, forward, atol, rtol, vector: true);
    }

    /// <summary>
    /// Checks the generated gradient <c>∇f(x)</c> of a single-precision function of an array against central
    /// differences in each component, and forward mode (JVP along each <c>eᵢ</c>) against reverse mode.
    /// </summary>
    /// <param name="f">A differentiable function of one array.</param>
    /// <param name="x">The point at which to check; not modified.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-3</c>.</param>
    /// <returns>The outcome, with the worst component (the array index).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check([Differentiable] Func<float[], float> f, float[] x,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        ArgumentNullException.ThrowIfNull(x);
        float[]? gradient = Autodiff.Gradient(f, (float[])x.Clone());
        if (gradient is null || gradient.Length != x.Length)
            return LengthMismatch(f, "generated gradient", gradient?.Length, x.Length);
        double[] forward = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float[] direction = new float[x.Length];
            direction[i] = 1f;
            forward[i] = Autodiff.Jvp(f, (float[])x.Clone(), direction).Tangent;
        }
        double[] numeric = CentralDifferences(p => f(ToSingle(p)), ToDouble(x), eps ?? SingleEps, single: true);
        return Compare(f, ToDouble(gradient), numeric, forward, atol, rtol, vector: true);
    }

    /// <summary>
    /// Checks a hand-written (or any) gradient function against central differences of <paramref name="f"/> in each
    /// component: <c>gradient(x)[i] ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / (2h)</c>. Forward mode is not checked.
    /// </summary>
    /// <param name="f">The function; it need not be differentiable by Nabla.</param>
    /// <param name="gradient">The gradient under test; must return an array of <paramref name="x"/>'s length.</param>
    /// <param name="x">The point at which to check; not modified.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step, scaled by <c>max(1, |xᵢ|)</c>; default <c>1e-6</c>.</param>
    /// <returns>The outcome, with the worst component (the array index).</returns>
    public static GradCheckResult Check(Func<double[], double> f, Func<double[], double[]> gradient, double[] x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
    {
        Validate(f, atol, rtol, eps);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(x);
        double[]? analytic = gradient((double[])x.Clone());
        if (analytic is null || analytic.Length != x.Length)
            return LengthMismatch(f, "gradient function", analytic?.Length, x.Length);
        double[] numeric = CentralDifferences(p => f((double[])p.Clone()), x, eps ?? DoubleEps, single: false);
        return Compare(f, analytic, numeric, forward: null, atol, rtol, vector: true);
    }

    // ---------------------------------------------------------------------------------------------
    // Assert: Check, throwing GradCheckException on failure
    // ---------------------------------------------------------------------------------------------

    /// <summary>As <see cref="Check(Func{double, double}, double, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The point at which to check.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-6</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<double, double> f, double x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        => ThrowIfFailed(Check(f, x, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{double, double, double}, double, double, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-6</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<double, double, double> f, double x, double y,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        => ThrowIfFailed(Check(f, x, y, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{double, double, double, double}, double, double, double, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-6</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<double, double, double, double> f, double x, double y, double z,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        => ThrowIfFailed(Check(f, x, y, z, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{double, double, double, double, double}, double, double, double, double, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-6</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<double, double, double, double, double> f, double x, double y, double z, double w,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        => ThrowIfFailed(Check(f, x, y, z, w, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{float, float}, float, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The point at which to check.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-3</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<float, float> f, float x,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
        => ThrowIfFailed(Check(f, x, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{float, float, float}, float, float, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-3</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<float, float, float> f, float x, float y,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
        => ThrowIfFailed(Check(f, x, y, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{float, float, float, float}, float, float, float, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-3</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<float, float, float, float> f, float x, float y, float z,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
        => ThrowIfFailed(Check(f, x, y, z, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{float, float, float, float, float}, float, float, float, float, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function.</param>
    /// <param name="x">The first input.</param>
    /// <param name="y">The second input.</param>
    /// <param name="z">The third input.</param>
    /// <param name="w">The fourth input.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-3</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<float, float, float, float, float> f, float x, float y, float z, float w,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
        => ThrowIfFailed(Check(f, x, y, z, w, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{double[], double}, double[], double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function of one array.</param>
    /// <param name="x">The point at which to check; not modified.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-6</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<double[], double> f, double[] x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        => ThrowIfFailed(Check(f, x, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{float[], float}, float[], double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">A differentiable function of one array.</param>
    /// <param name="x">The point at which to check; not modified.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-3</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert([Differentiable] Func<float[], float> f, float[] x,
        double atol = 1e-3, double rtol = 1e-3, double? eps = null)
        => ThrowIfFailed(Check(f, x, atol, rtol, eps));

    /// <summary>As <see cref="Check(Func{double[], double}, Func{double[], double[]}, double[], double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">The function.</param>
    /// <param name="gradient">The gradient under test.</param>
    /// <param name="x">The point at which to check; not modified.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-6</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert(Func<double[], double> f, Func<double[], double[]> gradient, double[] x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        => ThrowIfFailed(Check(f, gradient, x, atol, rtol, eps));

    // ---------------------------------------------------------------------------------------------
    // A function of a [Differentiable] struct or class, over the flat view of its tangent
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Checks the generated gradient of a scalar function of a <c>[Differentiable]</c> value against central differences
    /// along each component of its tangent's flat view (<see cref="ITangent{TSelf}.CopyTo(Span{double})"/> order), and
    /// forward mode against reverse mode.
    /// </summary>
    /// <param name="f">An inline lambda of one differentiable value (its derivatives are registered where it is passed).</param>
    /// <param name="x">The point at which to check. The differences move copies of a struct; a class, or a struct with
    /// array members, is moved by <c>+h</c>, <c>−2h</c> and <c>+h</c> along each component and so returns to where it
    /// was (exactly, for members whose moves do not round: most, the step being a power of two).</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance (relative to the numeric derivative).</param>
    /// <param name="eps">Finite-difference step along each unit tangent, rounded to a power of two (not scaled: the tangent
    /// does not tell the member's magnitude); default <c>1e-6</c>, so <c>2⁻²⁰</c>.</param>
    /// <returns>The outcome, with the worst component (its index in the flat view).</returns>
    /// <exception cref="NotDifferentiableException"><paramref name="f"/> has no generated derivative.</exception>
    public static GradCheckResult Check<T, TT>([Differentiable] Func<T, double> f, IDifferentiable<T, TT> x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT>
    {
        Validate(f, atol, rtol, eps);
        ArgumentNullException.ThrowIfNull(x);
        T point = (T)x;
        TT zero = point.ZeroTangent();
        int n = zero.Count;
        TT gradient = Autodiff.ValueWithGradientOf<Func<T, (double Value, TT Gradient)>>(f)(point).Gradient;
        double[] analytic = new double[n];
        // A gradient with empty array members is zero of any length (ITangent.Zero).
        if (gradient.Count == n) gradient.CopyTo(analytic);
        else if (gradient.Count != 0) return LengthMismatch(f, "generated gradient's flat view", gradient.Count, n);
        var jvp = Autodiff.JvpOf<Func<T, TT, (double Value, double Tangent)>>(f);
        var unit = new double[n];
        double[] forward = new double[n];
        double[] numeric = new double[n];
        // A power of two: x + h − 2h + h is then exactly x for members not much smaller than h (a class is moved back).
        double h = Math.ScaleB(1.0, (int)Math.Round(Math.Log2(eps ?? DoubleEps)));
        bool shared = System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>();
        for (int i = 0; i < n; i++)
        {
            unit[i] = 1;
            forward[i] = jvp(point, zero.FromSpan(unit)).Tangent;
            unit[i] = h;
            TT step = zero.FromSpan(unit);
            unit[i] = -2 * h;
            TT back = zero.FromSpan(unit);
            unit[i] = 0;
            double plus, minus;
            if (!shared)
            {
                T p = point;
                p.Move(step);
                plus = f(p);
                p = point;
                p.Move(-1.0 * step);
                minus = f(p);
            }
            else
            {
                point.Move(step);
                plus = f(point);
                point.Move(back);
                minus = f(point);
                point.Move(step);
            }
            numeric[i] = (plus - minus) / (2 * h);
        }
        return Compare(f, analytic, numeric, forward, atol, rtol, vector: true);
    }

    /// <summary>As <see cref="Check{T, TT}(Func{T, double}, IDifferentiable{T, TT}, double, double, double?)"/>; throws <see cref="GradCheckException"/> when the check fails.</summary>
    /// <param name="f">An inline lambda of one differentiable value.</param>
    /// <param name="x">The point at which to check.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="eps">Finite-difference step; default <c>1e-6</c>.</param>
    /// <returns>The passed check.</returns>
    /// <exception cref="GradCheckException">The check failed; the message names the worst component.</exception>
    public static GradCheckResult Assert<T, TT>([Differentiable] Func<T, double> f, IDifferentiable<T, TT> x,
        double atol = 1e-6, double rtol = 1e-6, double? eps = null)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT>
        => ThrowIfFailed(Check(f, x, atol, rtol, eps));

    // ---------------------------------------------------------------------------------------------
    // Implementation
    // ---------------------------------------------------------------------------------------------

    private static GradCheckResult ThrowIfFailed(GradCheckResult result) =>
        result.Passed ? result : throw new GradCheckException(result);

    private static void Validate(Delegate f, double atol, double rtol, double? eps)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!(atol >= 0)) throw new ArgumentOutOfRangeException(nameof(atol), atol, "The absolute tolerance must be a non-negative number.");
        if (!(rtol >= 0)) throw new ArgumentOutOfRangeException(nameof(rtol), rtol, "The relative tolerance must be a non-negative number.");
        if (eps is double e && !(e > 0 && double.IsFinite(e)))
            throw new ArgumentOutOfRangeException(nameof(eps), e, "The finite-difference step must be a positive finite number.");
    }

    /// <summary>
    /// Central differences of <paramref name="eval"/> at <paramref name="x"/> in each component. With
    /// <paramref name="single"/>, the perturbed points are rounded to <see cref="float"/> before evaluation and the
    /// divisor is the step actually taken, so that rounding of <c>xᵢ ± h</c> does not bias the quotient.
    /// </summary>
    private static double[] CentralDifferences(Func<double[], double> eval, double[] x, double eps, bool single)
    {
        double[] point = (double[])x.Clone();
        double[] numeric = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i];
            double h = eps * Math.Max(1.0, Math.Abs(xi));
            double plus = xi + h, minus = xi - h;
            if (single)
            {
                plus = (float)plus;
                minus = (float)minus;
            }
            point[i] = plus;
            double fPlus = eval(point);
            point[i] = minus;
            double fMinus = eval(point);
            point[i] = xi;
            numeric[i] = (fPlus - fMinus) / (plus - minus);
        }
        return numeric;
    }

    private static GradCheckResult Compare(Delegate f, double[] analytic, double[] numeric, double[]? forward,
        double atol, double rtol, bool vector = false)
    {
        string name = DerivativeRegistry.Describe(f.Method);
        int n = analytic.Length;
        int arity = vector ? 1 : n;
        if (n == 0)
            return new GradCheckResult(true, -1, double.NaN, double.NaN, double.NaN, 0, 0,
                $"GradCheck passed for {name}: no input components to check.");

        // The worst component: a failing one before any passing one, then the largest error as a multiple of its tolerance.
        int worst = 0, failures = 0;
        double worstScore = double.NegativeInfinity;
        bool worstFailed = false, worstIsForward = false;
        for (int i = 0; i < n; i++)
        {
            double a = analytic[i], num = numeric[i];
            bool ok = Within(a, num, atol, rtol, out double score);
            bool forwardWorse = false;
            if (forward is not null)
            {
                bool forwardOk = Within(forward[i], a, atol, rtol, out double forwardScore);
                ok &= forwardOk;
                if (forwardScore > score)
                {
                    score = forwardScore;
                    forwardWorse = true;
                }
            }
            if (!ok) failures++;
            if ((!ok && !worstFailed) || (!ok == worstFailed && score > worstScore))
            {
                worstScore = score;
                worst = i;
                worstFailed = !ok;
                worstIsForward = forwardWorse;
            }
        }

        double wa = analytic[worst], wn = numeric[worst];
        double wf = forward is null ? double.NaN : forward[worst];
        double abs = Math.Abs(wa - wn);
        double rel = abs == 0 ? 0 : abs / Math.Max(Math.Abs(wa), Math.Abs(wn));
        string component = DescribeComponent(f, worst, arity, vector);
        bool passed = failures == 0;

        string message;
        if (passed)
        {
            string forwardNote = forward is null ? "" : string.Create(Inv, $", forward mode {wf}");
            message = string.Create(Inv,
                $"GradCheck passed for {name} ({n} component{(n == 1 ? "" : "s")}, atol {atol}, rtol {rtol}); closest to failing is {component}: gradient {wa} vs central difference {wn} (absolute error {abs}, relative error {rel}){forwardNote}.");
        }
        else if (worstIsForward)
        {
            double tolerance = atol + rtol * Math.Abs(wa);
            message = string.Create(Inv,
                $"GradCheck failed for {name}: {FailureCount(failures, n)}; worst is {component}: forward mode (JVP along the unit direction) gives {wf} but reverse mode (gradient) gives {wa}; |difference| {Math.Abs(wf - wa)} exceeds atol + rtol·|gradient| = {tolerance}. Central difference: {wn}.");
        }
        else
        {
            double tolerance = atol + rtol * Math.Abs(wn);
            string forwardNote = forward is null ? "" : string.Create(Inv, $" Forward mode gives {wf}.");
            message = string.Create(Inv,
                $"GradCheck failed for {name}: {FailureCount(failures, n)}; worst is {component}: gradient {wa} vs central difference {wn}; absolute error {abs} (relative {rel}) exceeds atol + rtol·|numeric| = {tolerance}.{forwardNote}");
        }
        return new GradCheckResult(passed, worst, wa, wn, wf, abs, rel, message);
    }

    /// <summary>
    /// Whether <c>|value − reference| ≤ atol + rtol·|reference|</c>, and how large the error is relative to that
    /// tolerance (NaN errors count as infinitely large).
    /// </summary>
    private static bool Within(double value, double reference, double atol, double rtol, out double score)
    {
        double error = Math.Abs(value - reference);
        double tolerance = atol + rtol * Math.Abs(reference);
        bool ok = error <= tolerance;
        if (double.IsNaN(error) || double.IsNaN(tolerance))
            score = double.PositiveInfinity;
        else if (tolerance > 0)
            score = error / tolerance;
        else
            score = error == 0 ? 0 : double.PositiveInfinity;
        return ok;
    }

    private static string FailureCount(int failures, int n) =>
        n == 1 ? "the derivative disagrees" : string.Create(Inv, $"{failures} of {n} components disagree");

    /// <summary>Names component <paramref name="index"/>: the parameter for functions of scalars, the array element for a vector input.</summary>
    private static string DescribeComponent(Delegate f, int index, int arity, bool vector)
    {
        if (vector)
            return string.Create(Inv, $"component {index} ({ParameterName(f.Method, 0, arity) ?? "x"}[{index}])");
        string? parameter = ParameterName(f.Method, index, arity);
        return parameter is null
            ? string.Create(Inv, $"component {index} (parameter {index} of {arity})")
            : string.Create(Inv, $"component {index} (parameter '{parameter}')");
    }

    private static string? ParameterName(MethodInfo method, int index, int arity)
    {
        ParameterInfo[] parameters = method.GetParameters();
        // A delegate closed over a static method's first argument has one parameter fewer than the method.
        int position = parameters.Length - arity + index;
        return position >= 0 && position < parameters.Length && !string.IsNullOrEmpty(parameters[position].Name)
            ? parameters[position].Name
            : null;
    }

    private static GradCheckResult LengthMismatch(Delegate f, string what, int? actual, int expected)
    {
        string name = DerivativeRegistry.Describe(f.Method);
        string got = actual is int length ? string.Create(Inv, $"an array of length {length}") : "null";
        return new GradCheckResult(false, -1, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
            string.Create(Inv, $"GradCheck failed for {name}: the {what} returned {got}, expected an array of length {expected}."));
    }

    private static float[] ToSingle(double[] values)
    {
        float[] result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = (float)values[i];
        return result;
    }

    private static double[] ToDouble(float[] values)
    {
        double[] result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i];
        return result;
    }
}
