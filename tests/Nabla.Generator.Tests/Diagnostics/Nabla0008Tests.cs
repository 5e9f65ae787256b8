// NABLA0008: a differentiated value passed to a parameter the callee's Wrt leaves out, here the receiver of an instance
// method whose Wrt names only its parameters.
using Xunit;
using static Nabla.Generator.Tests.Harness.DiagnosticVerifier;

namespace Nabla.Generator.Tests.Diagnostics;

public class Nabla0008Tests
{
    [Theory]
    [InlineData("class")]
    [InlineData("struct")]
    public void ActiveReceiverOfAMethodWhoseWrtLeavesThisOut_IsReportedAtTheCall(string kind)
    {
        // Was CS0029 in generated code for a class (the call site expected the receiver's cotangent too), and for a
        // struct a derivative that silently included the receiver's.
        var run = Verify(Usings + $$"""
            [Differentiable]
            public partial {{kind}} Model
            {
                public double W;

                [Differentiable(Wrt = "input")]
                public double Predict(double input) => W * input;
            }

            public static partial class C
            {
                [Differentiable]
                public static double Loss(Model m, double x) => {|NABLA0008:m.Predict(x)|} * 2;

                [Differentiable]
                public static double LossOfInput([NoDerivative] Model m, double x) => m.Predict(x) * 2;
            }
            """);
        Assert.StartsWith("The argument for 'this' of 'Model.Predict' depends on a differentiation input of 'Loss', but 'Model.Predict' is not differentiated with respect to 'this'", run.Message("NABLA0008"));
    }
}
