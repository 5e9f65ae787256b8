// Adjoint arithmetic for values generated code computes speculatively (hoisted out of loops): a zero
// adjoint stays zero even where the partial derivative is infinite, as it would had the value never
// been computed.
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Nabla.CompilerServices;

[EditorBrowsable(EditorBrowsableState.Never)]
public static class Adjoints
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MultiplyOrZero(double adjoint, double partial) => adjoint == 0 ? 0 : adjoint * partial;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyOrZero(float adjoint, float partial) => adjoint == 0 ? 0 : adjoint * partial;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DivideOrZero(double adjoint, double divisor) => adjoint == 0 ? 0 : adjoint / divisor;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DivideOrZero(float adjoint, float divisor) => adjoint == 0 ? 0 : adjoint / divisor;
}
