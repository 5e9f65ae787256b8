// Generator bugs that make the generated code fail to compile (or crash the generator). Their repros would break the
// build of the whole suite, so each is behind a symbol and its test is skipped by default. To reproduce one:
//
//   dotnet test tests/Nabla.Tests -c Release -p:NablaBugRepro=ACCESSIBILITY      (CS0052 in generated code)
//   dotnet test tests/Nabla.Tests -c Release -p:NablaBugRepro=PARAM_RESIDUALS    (CS0100 in generated code)
//   dotnet test tests/Nabla.Tests -c Release -p:NablaBugRepro=PARAM_VALUE        (CS0136, CS0165 in generated code)
//   dotnet test tests/Nabla.Tests -c Release -p:NablaBugRepro=HINT_NAMES         (CS8785: the generator throws)
//
// Once the generator is fixed, the build with the symbol passes and the test (no longer skipped) checks the numbers;
// then remove the #if and the Skip.
using System;
using Xunit;

#if NABLA_BUG_ACCESSIBILITY
namespace Nabla.Tests
{
    public static partial class AccessibilityRepro
    {
        // A public differentiable method calling a private (or internal) one: the public Outer_Residuals struct gets a
        // public field of the private type Inner_Residuals. error CS0052: Inconsistent accessibility.
        [Differentiable] private static double Inner(double x) => x * x;
        [Differentiable] public static double Outer(double x) => Inner(x) * 3;
    }
}
#endif

#if NABLA_BUG_PARAM_RESIDUALS
namespace Nabla.Tests
{
    public static partial class ParamResidualsRepro
    {
        // F_Primal(double residuals, out F_Residuals residuals): error CS0100: The parameter name 'residuals' is a duplicate.
        [Differentiable] public static double F(double residuals) => residuals * residuals;
    }
}
#endif

#if NABLA_BUG_PARAM_VALUE
namespace Nabla.Tests
{
    public static partial class ParamValueRepro
    {
        // F_ValueWithPullback(double value) declares a local 'value': error CS0136 and CS0165.
        [Differentiable] public static double F(double value) => value * value;
    }
}
#endif

#if NABLA_BUG_HINT_NAMES
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
#endif

namespace Nabla.Tests
{
    public class GeneratorBugReproTests
    {
#if NABLA_BUG_ACCESSIBILITY
        [Fact]
#else
        [Fact(Skip = "generator bug: a public [Differentiable] method calling a private/internal one gives CS0052 in generated code; build with -p:NablaBugRepro=ACCESSIBILITY")]
#endif
        public void PublicMethodCallingAPrivateDifferentiableMethod()
        {
#if NABLA_BUG_ACCESSIBILITY
            foreach (double x in new[] { -1.5, 0.0, 2.0 })
                Check.Gradient(Fn.Of<AccessibilityRepro.Outer_Residuals>(AccessibilityRepro.Outer, AccessibilityRepro.Outer_Jvp,
                    AccessibilityRepro.Outer_ValueWithGradient, AccessibilityRepro.Outer_Primal, AccessibilityRepro.Outer_Pullback,
                    AccessibilityRepro.Outer_ValueWithPullback), x, 6 * x, value: 3 * x * x);
#endif
        }

#if NABLA_BUG_PARAM_RESIDUALS
        [Fact]
#else
        [Fact(Skip = "generator bug: a parameter named 'residuals' collides with F_Primal's out parameter (CS0100); build with -p:NablaBugRepro=PARAM_RESIDUALS")]
#endif
        public void ParameterNamedResiduals()
        {
#if NABLA_BUG_PARAM_RESIDUALS
            foreach (double x in new[] { -1.5, 2.0 })
                Check.Gradient(Fn.Of<ParamResidualsRepro.F_Residuals>(ParamResidualsRepro.F, ParamResidualsRepro.F_Jvp,
                    ParamResidualsRepro.F_ValueWithGradient, ParamResidualsRepro.F_Primal, ParamResidualsRepro.F_Pullback,
                    ParamResidualsRepro.F_ValueWithPullback), x, 2 * x);
#endif
        }

#if NABLA_BUG_PARAM_VALUE
        [Fact]
#else
        [Fact(Skip = "generator bug: a parameter named 'value' collides with a local of F_ValueWithPullback (CS0136, CS0165); build with -p:NablaBugRepro=PARAM_VALUE")]
#endif
        public void ParameterNamedValue()
        {
#if NABLA_BUG_PARAM_VALUE
            foreach (double x in new[] { -1.5, 2.0 })
                Check.Gradient(Fn.Of<ParamValueRepro.F_Residuals>(ParamValueRepro.F, ParamValueRepro.F_Jvp,
                    ParamValueRepro.F_ValueWithGradient, ParamValueRepro.F_Primal, ParamValueRepro.F_Pullback,
                    ParamValueRepro.F_ValueWithPullback), x, 2 * x);
#endif
        }

#if NABLA_BUG_HINT_NAMES
        [Fact]
#else
        [Fact(Skip = "generator bug: namespace A_B + class C and namespace A + class B_C share a hint name; the generator throws (CS8785); build with -p:NablaBugRepro=HINT_NAMES")]
#endif
        public void ClassesWhoseFlattenedNamesCollide()
        {
#if NABLA_BUG_HINT_NAMES
            Assert.Equal(2.0, Repro_Hint.C.F_ValueWithGradient(1.0).Gradient);
            Assert.Equal(3.0, Repro.Hint_C.F_ValueWithGradient(1.0).Gradient);
#endif
        }
    }
}
