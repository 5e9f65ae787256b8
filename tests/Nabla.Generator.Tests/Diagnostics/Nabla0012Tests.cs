// NABLA0012: a [Differentiable] type that cannot carry a Tangent and a Move (readonly struct, static class, ref
// struct, file-local type), reported at its name; and members whose tangent could not be written (a name the
// Tangent's own members take, a member holding the type itself), reported at the member.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0012Tests
{
    [Fact]
    public void ReadonlyStruct()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public readonly partial struct {|NABLA0012:P|}
            {
                public readonly double X;
            }
            """);
        Assert.Equal("'P' cannot be a differentiable type: Move changes the value's members in place, which a readonly struct forbids: remove 'readonly'",
            run.Message("NABLA0012"));
        Assert.Empty(run.Generated);
    }

    [Fact]
    public void ReadonlyRecordStruct()
    {
        Verify(Usings + """
            [Differentiable]
            public readonly partial record struct {|NABLA0012:P|}(double X);
            """);
    }

    [Fact]
    public void StaticClass()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public static partial class {|NABLA0012:Holder|}
            {
                public static double X;
            }
            """);
        Assert.EndsWith("a static class has no values to move", run.Message("NABLA0012"));
    }

    [Fact]
    public void RefStruct()
    {
        Verify(Usings + """
            [Differentiable]
            public ref partial struct {|NABLA0012:R|}
            {
                public double X;
            }
            """);
    }

    [Fact]
    public void FileLocalType()
    {
        var run = Verify(Usings + """
            [Differentiable]
            file partial struct {|NABLA0012:Hidden|}
            {
                public double X;
            }
            """);
        Assert.Contains("file-local", run.Message("NABLA0012"));
    }

    [Fact]
    public void MemberNamedLikeATangentMember_IsReportedAtTheMember()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct Histogram
            {
                public double {|NABLA0012:Count|};
                public double {|NABLA0012:Zero|} { get; set; }
                public double Mean;
                [NoDerivative] public double Dot;
            }
            """);
        Assert.Contains("public double Mean;", run.Source("DifferentiableType"));
    }

    [Fact]
    public void StructHoldingAnArrayOfItself_IsReportedAtTheMember()
    {
        // (It made the compiler overflow its stack: the struct's lowered type was built from its members' types.)
        var run = Verify(Usings + """
            [Differentiable]
            public partial struct Node
            {
                public double Value;
                public Node[] {|NABLA0012:Children|};
                [NoDerivative] public Node[][] Cache;
            }
            """);
        Assert.Contains("its member 'Children' holds an array of 'Node' itself, which a differentiable struct cannot do yet: make 'Node' a class", run.Message("NABLA0012"));
    }

    [Fact]
    public void ClassHoldingItself_IsReportedAtTheMember_AnArrayOfItselfIsFine()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial class Node
            {
                public double Value;
                public Node {|NABLA0012:Next|};
                public Node[] Children = Array.Empty<Node>();
            }
            """);
        Assert.Contains("holds a 'Node' directly", run.Message("NABLA0012"));
        Assert.Contains("public global::Node.Tangent[] Children;", run.Source("DifferentiableType"));
    }

    [Fact]
    public void MembersTakingGeneratedNames_AreReported()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial class Walker
            {
                public double X;
                public int {|NABLA0012:Move|};
                public double {|NABLA0012:ZeroTangent|}() => 0;
            }
            """);
        Assert.Empty(run.Generated);
    }

    [Fact]
    public void APartialTangentMayAddMembers_AndMoveMayHaveOverloads()
    {
        var run = Verify(Usings + """
            [Differentiable]
            public partial class Walker
            {
                public double X;
                public void Move(double by) => X += by;

                public partial struct Tangent
                {
                    public double Norm => System.Math.Sqrt(Dot(this, this));
                }
            }
            """);
        Assert.Contains("public double X;", run.Source("DifferentiableType"));
    }

    [Fact]
    public void MemberHidingADifferentiableBaseMember_IsReportedAtTheMember()
    {
        Verify(Usings + """
            [Differentiable]
            public partial class Base
            {
                public double X;
            }

            [Differentiable]
            public partial class Derived : Base
            {
                public new double {|NABLA0012:X|};
                public double Y;
            }
            """);
    }

    [Fact]
    public void ClassesHoldingEachOther_AreReportedAtTheMembersThatCloseTheCycle()
    {
        Verify(Usings + """
            [Differentiable]
            public partial class Parent
            {
                public double Value;
                public Child {|NABLA0012:First|};
            }

            [Differentiable]
            public partial class Child
            {
                public double Weight;
                public (double, Parent) {|NABLA0012:Owner|};
                [NoDerivative] public Parent Cached;
            }
            """);
    }

    [Fact]
    public void TypeNamedTangent()
    {
        Verify(Usings + """
            [Differentiable]
            public partial struct {|NABLA0012:Tangent|}
            {
                public double X;
            }
            """);
    }
}
