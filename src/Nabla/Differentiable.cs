// The protocols of differentiable types (Swift's Differentiable and its TangentVector), written
// generic-math style so that optimizers and user code are generic over models without reflection.
using System;

namespace Nabla;

/// <summary>
/// A tangent (and cotangent) vector: the type gradients of a differentiable type come back as.
/// <c>[Differentiable]</c> types get a synthesized memberwise <c>Tangent</c> implementing it.
/// </summary>
/// <remarks>
/// The flat view lists the tangent's real scalars in member order (nested tangents and arrays
/// flattened in place); optimizers work on it. <see cref="FromSpan(ReadOnlySpan{double})"/> is an
/// instance member because a tangent with array members has a shape (the arrays' lengths) that only
/// an existing tangent knows; for fixed-shape tangents <c>TSelf.Zero.FromSpan(values)</c> works.
/// </remarks>
public interface ITangent<TSelf> where TSelf : ITangent<TSelf>
{
    /// <summary>The zero tangent (array members are empty: zero of any length).</summary>
    static abstract TSelf Zero { get; }

    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf value);
    /// <summary>Scales every component.</summary>
    static abstract TSelf operator *(double scale, TSelf value);

    /// <summary>The Euclidean inner product of the flat views.</summary>
    static abstract double Dot(TSelf left, TSelf right);

    /// <summary>How many real scalars the flat view has.</summary>
    int Count { get; }

    /// <summary>Writes the flat view into <paramref name="destination"/> (at least <see cref="Count"/> long).</summary>
    void CopyTo(Span<double> destination);

    /// <summary>Writes the flat view, rounded to <c>float</c>, into <paramref name="destination"/>.</summary>
    void CopyTo(Span<float> destination);

    /// <summary>A tangent shaped like this one whose flat view is <paramref name="source"/>.</summary>
    TSelf FromSpan(ReadOnlySpan<double> source);

    /// <summary>A tangent shaped like this one whose flat view is <paramref name="source"/>.</summary>
    TSelf FromSpan(ReadOnlySpan<float> source);
}

/// <summary>
/// A differentiable type: its values can be moved along a tangent (Swift's <c>move(by:)</c>).
/// </summary>
public interface IDifferentiable<TSelf, TTangent>
    where TSelf : IDifferentiable<TSelf, TTangent>
    where TTangent : ITangent<TTangent>
{
    /// <summary>Moves this value along <paramref name="direction"/>: every member <c>m += direction.m</c>.</summary>
    void Move(TTangent direction);

    /// <summary>The zero tangent shaped like this value (array members as long as this value's).</summary>
    TTangent ZeroTangent();
}
