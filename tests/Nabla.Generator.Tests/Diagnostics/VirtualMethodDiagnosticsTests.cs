// Virtual [Differentiable] methods: calls dispatch by type to the overrides, so an override without a derivative is
// an error at the call (never the base's derivative used for it in silence), and overrides compile without warnings.
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class VirtualMethodDiagnosticsTests
{
    [Fact]
    public void OverrideWithoutDerivative_NABLA0001AtTheCall()
    {
        var run = Verify("""
            using System;
            using Nabla;
            public partial class Model { [Differentiable] public virtual double F(double x) => x * x; }
            public partial class Tuned : Model { public override double F(double x) => 3 * x; }
            public static partial class C
            {
                [Differentiable] public static double G(Model m, double x) => {|NABLA0001:m.F(x)|} + x;
            }
            """);
        Assert.Contains("'Tuned.F'", run.Message("NABLA0001"));
    }

    [Fact]
    public void AbstractBaseAndOverrides_CompileWithoutWarnings()
    {
        var run = Verify("""
            using System;
            using Nabla;
            public abstract partial class Model { [Differentiable] public abstract double F(double x); }
            public partial class A : Model { [Differentiable] public override double F(double x) => x * x; }
            public partial class B : A { [Differentiable] public override double F(double x) => Math.Sin(x); }
            public static partial class C
            {
                [Differentiable] public static double G(Model m, double x) => m.F(x) + x;
            }
            """);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id.StartsWith("CS")));
    }
}
