// Checks a function of one differentiable struct (its other inputs fixed by a closure) three ways: the reverse-mode
// gradient against central finite differences taken along the tangent's flat view (Move by a unit tangent), forward
// mode along each unit tangent against the gradient, and the value against the original method.
using System;
using Xunit;

namespace Nabla.Tests.StructCode;

public static class StructCheck
{
    public static void Scalar<T, TT>(Func<T, double> f, Func<T, (double Value, TT Gradient)> valueWithGradient,
        Func<T, TT, (double Value, double Tangent)> jvp, T x, double h = 1e-6, double tolerance = 1e-6, double forwardTolerance = 1e-12)
        where T : IDifferentiable<T, TT> where TT : ITangent<TT>
    {
        var (value, gradient) = valueWithGradient(x);
        Assert.Equal(f(x), value, 10);
        var zero = x.ZeroTangent();
        int n = zero.Count;
        Assert.True(n > 0);
        var flat = new double[n];
        gradient.CopyTo(flat);
        var directions = new TT[n];
        for (int i = 0; i < n; i++)
        {
            var unit = new double[n];
            unit[i] = 1;
            directions[i] = zero.FromSpan(unit);
            // Forward mode first: moving a class's value there and back may round its float members.
            var (v, tangent) = jvp(x, directions[i]);
            Assert.Equal(value, v, 10);
            Close(flat[i], tangent, forwardTolerance, $"forward mode along unit {i} against reverse mode");
        }
        for (int i = 0; i < n; i++)
        {
            var direction = directions[i];
            // Array members are shared by copies of the value: move one value there and back.
            var moved = x;
            moved.Move(h * direction);
            double up = f(moved);
            moved.Move(-2 * h * direction);
            double down = f(moved);
            moved.Move(h * direction);
            double fd = (up - down) / (2 * h);
            Close(fd, flat[i], tolerance, $"gradient[{i}] against finite differences");
        }
    }

    public static void Close(double expected, double actual, double tolerance, string what)
    {
        double scale = Math.Max(1, Math.Abs(expected));
        if (!(Math.Abs(expected - actual) <= tolerance * scale))
            throw new Xunit.Sdk.XunitException($"{what}: expected {expected:R}, got {actual:R}");
    }
}
