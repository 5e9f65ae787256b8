using System.ComponentModel;

namespace Nabla.CompilerServices;

/// <summary>
/// Tells apart the constructor the generator writes into a [Differentiable] struct (which sets every
/// member, for derivative code that rebuilds values member by member) from the user's constructors.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ConstructionTag
{
}
