// NABLA0011 (warning): a readonly field, get-only or init-only auto-property of differentiable type cannot be
// changed by Move, so it is left out of the Tangent (as Swift leaves out `let` properties); reported at its
// identifier, silenced by [NoDerivative].
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0011Tests
{
    [Fact]
    public void ImmutableMembers_AreReportedAndLeftOut()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial class C
            {
                public double X;
                public readonly double {|NABLA0011:R|} = 1;
                public double {|NABLA0011:GetOnly|} { get; } = 2;
                public double InitOnly { get; init; }
                public double PrivateSet { get; private set; }
                [NoDerivative] public readonly double Quiet = 3;
                public readonly int Data = 4;
            }
            """);
        string source = run.Source("DifferentiableType");
        Assert.Contains("public double X;", source);
        Assert.Contains("public double PrivateSet;", source);
        Assert.DoesNotContain("public double R;", source);
        Assert.DoesNotContain("GetOnly", source);
        // An init-only auto-property is differentiated: Move changes its backing field through an UnsafeAccessor.
        Assert.Contains("public double InitOnly;", source);
        Assert.Contains("Name = \"<InitOnly>k__BackingField\")", source);
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, d.Severity));
    }

    [Fact]
    public void Message_SaysWhatKindOfMemberAndTheFixes()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct S
            {
                public double X;
                public readonly double {|NABLA0011:R|};
            }
            """);
        Assert.Equal("'R' of differentiable type 'S' is a readonly field, which Move cannot change: it is left out of 'S.Tangent'; " +
                     "make it mutable to differentiate it, or mark it [NoDerivative] to say so", run.Message("NABLA0011"));
    }

    [Fact]
    public void PositionalRecordClass_InitOnlyParametersAreDifferentiated()
    {
        // A positional record's properties are init-only: differentiated, moved through their backing fields (they were
        // NABLA0011 and left out, so a record of reals had no derivative at all).
        var run = Verify(Usings + """
            [Differentiable]
            public partial record class Point(double X, [NoDerivative] double Y)
            {
                public double Z { get; set; }
            }
            """);
        string source = run.Source("DifferentiableType");
        Assert.Contains("public double X;", source);
        Assert.DoesNotContain("public double Y;", source);
        Assert.Contains("public double Z;", source);
    }

    [Fact]
    public void PositionalRecordStruct_ParametersAreMutable()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial record struct Point(double X, double Y);
            """);
        Assert.Contains("public double Y;", run.Source("DifferentiableType"));
    }
}
