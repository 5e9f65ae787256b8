// NABLA0010: a member of a differentiable type whose type is neither differentiable nor data, reported at
// the member's identifier; data members and [NoDerivative] members are silent.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0010Tests
{
    [Fact]
    public void MembersOfUntrackedTypes_AreReportedAtTheirIdentifiers()
    {
        var run = Verify(Usings + """
            public class Holder { public double Value; }

            [Differentiable]
            public partial struct S
            {
                public double X;
                public List<double> {|NABLA0010:Weights|};
                public object {|NABLA0010:Anything|}, {|NABLA0010:Else|};
                public Holder {|NABLA0010:Held|};
                public Func<double, double> {|NABLA0010:F|};
                public List<double> {|NABLA0010:Property|} { get; set; }
                public (double, int) {|NABLA0010:Mixed|};
                public decimal[] Prices;
            }
            """);
        Assert.Contains("public double X;", run.Source("DifferentiableType"));
        Assert.DoesNotContain("Weights", run.Source("DifferentiableType"));
    }

    [Fact]
    public void Message_NamesTheMemberTypeAndTheFixes()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial class Model
            {
                public double Bias;
                public List<double> {|NABLA0010:Weights|} = new();
            }
            """);
        Assert.Equal("'Weights' of differentiable type 'Model' has type 'System.Collections.Generic.List<double>', which is neither differentiable nor data: " +
                     "mark it [NoDerivative], or give it a differentiable type (double, float, Vector2/3/4, a [Differentiable] type, or arrays and tuples of them)",
            run.Message("NABLA0010"));
    }

    [Fact]
    public void UnconstrainedTypeParameter_IsReported_IeeeFloatIsNot()
    {
        Verify(Usings + """
            [Differentiable]
            public partial struct Box<T, U> where U : System.Numerics.IFloatingPointIeee754<U>
            {
                public T {|NABLA0010:Item|};
                public U Real;
                public U[] Reals;
            }
            """);
    }

    [Fact]
    public void DataAndNoDerivativeMembers_AreSilent()
    {
        var run = Verify(Usings + """
            public enum Kind { A, B }
            public class Holder { public double Value; }

            [Differentiable]
            public partial record class R
            {
                public int Count2;
                public long L;
                public bool B;
                public char C;
                public string Name = "";
                public Kind K;
                public int? Maybe;
                public double? MaybeReal;
                public DateTime When;
                public Guid Id;
                public int[] Indices = Array.Empty<int>();
                public (int, string) Pair;
                [NoDerivative] public Holder Held = new();
                [NoDerivative] public List<double> History { get; set; } = new();
                [field: NoDerivative] public List<double> Field { get; set; } = new();
                public double Value { get; set; }
                public static List<double> Shared = new();
                public double Computed => Value * 2;
            }
            """);
        Assert.Contains("public double Value;", run.Source("DifferentiableType"));
        Assert.DoesNotContain("Maybe", run.Source("DifferentiableType"));
    }
}
