// An immutable array compared by contents, so incremental pipeline models cache correctly.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Nabla.Generator;

internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T>
{
    private readonly T[]? _items;

    public EquatableArray(T[] items) => _items = items;

    public int Length => _items?.Length ?? 0;
    public T this[int index] => _items![index];
    public T[] ToArray() => _items?.ToArray() ?? Array.Empty<T>();

    public bool Equals(EquatableArray<T> other) =>
        (_items ?? Array.Empty<T>()).SequenceEqual(other._items ?? Array.Empty<T>());

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        int hash = 17;
        if (_items != null)
            foreach (var item in _items)
                hash = hash * 31 + (item?.GetHashCode() ?? 0);
        return hash;
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
