// Regressions for generator bugs found by the end-to-end suite (each once broke the build of generated code or
// crashed the generator): a public method calling a less visible one, parameters named like generated locals,
// and types whose flattened names collide.
using System;
using Xunit;

namespace Nabla.Tests
{
    public static partial class AccessibilityRepro
    {
        // A public differentiable method calling a private (or internal) one: the public Outer_Residuals struct gets a
        // public field of the private type Inner_Residuals. error CS0052: Inconsistent accessibility.
        [Differentiable] private static double Inner(double x) => x * x;
        [Differentiable] public static double Outer(double x) => Inner(x) * 3;

        // Recursive, so not inlined: its residuals really are a field of the caller's.
        [Differentiable] private static double PowerOf(double x, int n) => n == 0 ? 1 : x * PowerOf(x, n - 1);
        [Differentiable] public static double CallsPrivateRecursive(double x) => PowerOf(x, 3) + x;
    }
}

namespace Nabla.Tests
{
    public static partial class ParamResidualsRepro
    {
        // F_Primal(double residuals, out F_Residuals residuals): error CS0100: The parameter name 'residuals' is a duplicate.
        [Differentiable] public static double F(double residuals) => residuals * residuals;
    }
}

namespace Nabla.Tests
{
    public static partial class ParamValueRepro
    {
        // F_ValueWithPullback(double value) declares a local 'value': error CS0136 and CS0165.
        [Differentiable] public static double F(double value) => value * value;
    }
}

// Two classes whose namespace and name flatten to the same hint name, Nabla_Tests_Repro_Hint_C.F.Nabla.g.cs: the
// generator throws ArgumentException from AddSource (warning CS8785) and contributes nothing, so every generated
// member of the assembly is missing.
namespace Nabla.Tests.Repro_Hint
{
    public static partial class C { [Differentiable] public static double F(double x) => 2 * x; }
}
namespace Nabla.Tests.Repro
{
    public static partial class Hint_C { [Differentiable] public static double F(double x) => 3 * x; }
}

// Methods (and types) whose names differ only in case, as code ported from C has (fn2 and Fn2): hint names are compared
// ignoring case, so their files had the same name and the generator contributed nothing (CS8785, found porting Clad).
namespace Nabla.Tests.CaseRepro
{
    public static partial class P
    {
        [Differentiable] public static double fn2(double x) => x * x;
        [Differentiable] public static double Fn2(double x) => 3 * x;
        [Differentiable] public static double FN2(double[] x) => 5 * x[0] * x[0];
    }
    public static partial class Q { [Differentiable] public static double G(double x) => 2 * x * x; }
    public static partial class q { [Differentiable] public static double G(double x) => 4 * x * x; }
}

namespace Nabla.Tests
{
    public class GeneratorBugReproTests
    {
        [Fact]
        public void PublicMethodCallingAPrivateDifferentiableMethod()
        {
            foreach (double x in new[] { -1.5, 0.0, 2.0 })
                Check.Gradient(Fn.Of<AccessibilityRepro.Outer_Residuals>(AccessibilityRepro.Outer, AccessibilityRepro.Outer_Jvp,
                    AccessibilityRepro.Outer_ValueWithGradient, AccessibilityRepro.Outer_Primal, AccessibilityRepro.Outer_Pullback,
                    AccessibilityRepro.Outer_ValueWithPullback), x, 6 * x, value: 3 * x * x);
        }

        [Fact]
        public void PublicMethodCallingAPrivateRecursiveMethod()
        {
            foreach (double x in new[] { -1.5, 0.5, 2.0 })
            {
                var (value, gradient) = AccessibilityRepro.CallsPrivateRecursive_ValueWithGradient(x);
                Assert.Equal(x * x * x + x, value, 12);
                Assert.Equal(3 * x * x + 1, gradient, 12);
                Assert.Equal(gradient, AccessibilityRepro.CallsPrivateRecursive_Jvp(x, 1).Tangent, 12);
            }
        }

        [Fact]
        public void ParameterNamedResiduals()
        {
            foreach (double x in new[] { -1.5, 2.0 })
                Check.Gradient(Fn.Of<ParamResidualsRepro.F_Residuals>(ParamResidualsRepro.F, ParamResidualsRepro.F_Jvp,
                    ParamResidualsRepro.F_ValueWithGradient, ParamResidualsRepro.F_Primal, ParamResidualsRepro.F_Pullback,
                    ParamResidualsRepro.F_ValueWithPullback), x, 2 * x);
        }

        [Fact]
        public void ParameterNamedValue()
        {
            foreach (double x in new[] { -1.5, 2.0 })
                Check.Gradient(Fn.Of<ParamValueRepro.F_Residuals>(ParamValueRepro.F, ParamValueRepro.F_Jvp,
                    ParamValueRepro.F_ValueWithGradient, ParamValueRepro.F_Primal, ParamValueRepro.F_Pullback,
                    ParamValueRepro.F_ValueWithPullback), x, 2 * x);
        }

        [Fact]
        public void ClassesWhoseFlattenedNamesCollide()
        {
            Assert.Equal(2.0, Repro_Hint.C.F_ValueWithGradient(1.0).Gradient);
            Assert.Equal(3.0, Repro.Hint_C.F_ValueWithGradient(1.0).Gradient);
        }

        [Fact]
        public void NamesDifferingOnlyInCase()
        {
            Assert.Equal(6.0, Autodiff.Gradient(CaseRepro.P.fn2, 3.0));
            Assert.Equal(3.0, Autodiff.Gradient(CaseRepro.P.Fn2, 3.0));
            Assert.Equal(2.0, Autodiff.Hessian(CaseRepro.P.fn2, 3.0));
            Assert.Equal(0.0, Autodiff.Hessian(CaseRepro.P.Fn2, 3.0));
            Assert.Equal(new[] { 20.0 }, Autodiff.Gradient(CaseRepro.P.FN2, new[] { 2.0 }));
            Assert.Equal(8.0, Autodiff.Derivative(CaseRepro.Q.G, 2.0));
            Assert.Equal(16.0, Autodiff.Derivative(CaseRepro.q.G, 2.0));
        }
    }
}
