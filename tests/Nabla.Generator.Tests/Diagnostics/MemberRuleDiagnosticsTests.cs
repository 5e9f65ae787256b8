// Rules for members (API.md §6) as callers see them: a receiver outside the rule's Wrt is data, and passing an active
// one is NABLA0008 at the call; second derivatives through such a rule are not generated, and say why.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class MemberRuleDiagnosticsTests
{
    private const string Planar = """
        [Differentiable]
        public partial struct P2
        {
            public double A, B;
            public double Along(double sx, double sy) => sx * A + sy * B;
            public double Prod => A * B;
        }

        public static class Rules
        {
            [DerivativeOf(typeof(P2), nameof(P2.Along), Wrt = "sx, sy")]
            public static (double Value, Func<double, (double, double)> Pullback) Along(P2 p, double sx, double sy) => (p.Along(sx, sy), dy => (dy * p.A, dy * p.B));

            [DerivativeOf(typeof(P2), nameof(P2.Prod))]
            public static (double Value, Func<double, P2.Tangent> Pullback) Prod(P2 p) => (p.Prod, dy => new P2.Tangent { A = dy * p.B, B = dy * p.A });
        }

        """;

    [Fact]
    public void ActiveReceiverOutsideTheRulesWrt_IsNabla0008()
    {
        var run = Verify(Usings + Planar + """
            public static partial class C
            {
                [Differentiable] public static double F(double x, double s) => {|NABLA0008:new P2 { A = x, B = 1 }.Along(s, s)|};
                [Differentiable] public static double G(double s) => new P2 { A = 2, B = 1 }.Along(s, s * s);
            }
            """);
        Assert.StartsWith("The argument for 'this' of 'P2.Along' depends on a differentiation input of 'F', but 'P2.Along' is not differentiated with respect to 'this'", run.Message("NABLA0008"));
    }

    [Fact]
    public void SecondDerivativeThroughAMemberRule_SaysFirstOrderOnly()
    {
        var run = Verify(Usings + Planar + """
            public static partial class C
            {
                [Differentiable] public static double H(double x, double y) => new P2 { A = x, B = y }.Prod * x;
                public static double Mixed(double x) => Autodiff.Derivative({|NABLA0013:x => Autodiff.Derivative(y => H(x, y), 2.0)|}, x);
            }
            """);
        Assert.Contains("'P2.Prod' has no differentiable first derivative", run.Message("NABLA0013"));
        Assert.Contains("or that is for a member, a constructor, struct values or arrays: such rules give first derivatives only", run.Message("NABLA0013"));
    }
}
