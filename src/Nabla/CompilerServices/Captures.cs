// Reads the values an inline lambda captured, so that generated derivative code can use them.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;

namespace Nabla.CompilerServices;

/// <summary>
/// Reads a lambda's captured variables out of its closure (<see cref="Delegate.Target"/>). Used by
/// generated interceptors: the generator differentiates the lambda's body with its captured variables
/// as data parameters, and the interceptor passes their current values, read at every call.
/// </summary>
/// <remarks>
/// C# keeps a captured local or parameter in a field of the same name on the closure object, captured
/// <c>this</c> in a field <c>&lt;&gt;4__this</c> (or, when <c>this</c> is all a lambda captures, the target is
/// <c>this</c> itself), and variables of enclosing scopes behind <c>CS$&lt;&gt;8__locals…</c> fields. A reader
/// is resolved once per closure type and cached by the interceptor; with dynamic code available it is a
/// compiled field load.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Captures
{
    /// <summary>The name generated code passes for a captured <c>this</c>.</summary>
    public const string This = "this";

    /// <summary>
    /// The closure of a delegate made from a lambda expression: <see cref="Delegate.Target"/>, read as one field load
    /// where the runtime keeps it in <c>Delegate._target</c> (CoreCLR, Mono).
    /// </summary>
    /// <remarks>
    /// <see cref="Delegate.Target"/> is a call that also handles open static and multicast delegates. A lambda written at
    /// the call site is neither (C# makes it a delegate closed over its closure, over <c>this</c> or over its cached
    /// singleton), and generated interceptors call this only for such lambdas; a delegate of a static method (whose
    /// field holds the delegate itself) still gets <see cref="Delegate.Target"/>. A runtime without the field
    /// (NativeAOT) reads <see cref="Delegate.Target"/>.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object? TargetOf(Delegate lambda)
    {
        if (!TargetFieldWorks) return lambda.Target;
        object? target = TargetField(lambda);
        return ReferenceEquals(target, lambda) ? lambda.Target : target;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_target")]
    private static extern ref object? TargetField(Delegate function);

    // Read once: a constant to the optimizing JIT, so TargetOf is one load.
    private static readonly bool TargetFieldWorks = ProbeTargetField();

    private static int Zero() => 0;

    private static bool ProbeTargetField()
    {
        try
        {
            var closure = new object();
            Func<int> closed = closure.GetHashCode;
            Func<int> open = Zero;
            return ReferenceEquals(TargetField(closed), closure) && ReferenceEquals(closed.Target, closure) &&
                   TargetField(open) is var self && (self is null || ReferenceEquals(self, open));
        }
        catch (Exception e) when (e is MissingFieldException or MissingMemberException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>A reader of the captured variable <paramref name="name"/> from closures of type <paramref name="closureType"/>.</summary>
    /// <exception cref="InvalidOperationException">The closure has no such variable (a compiler layout Nabla does not know).</exception>
    public static Func<object, T> Reader<T>(Type closureType, string name)
    {
        var path = new List<FieldInfo>();
        if (!Find(closureType, name, path, depth: 0))
        {
            if (name == This && typeof(T).IsAssignableFrom(closureType))
                return static target => (T)target;
            throw new InvalidOperationException(
                $"Nabla could not find the captured variable '{name}' in the closure {closureType}. " +
                "Pass the value as a lambda parameter marked [NoDerivative] or call a named [Differentiable] method instead, and report this layout.");
        }
        if (RuntimeFeature.IsDynamicCodeCompiled)
            return Compile<T>(closureType, path);
        var fields = path.ToArray();
        return target =>
        {
            object? current = target;
            foreach (var f in fields) current = f.GetValue(current);
            return (T)current!;
        };
    }

    /// <summary>
    /// The captured variable <paramref name="name"/> of closures of <paramref name="target"/>'s type, read at each call
    /// with no delegate call when it is a field of the closure itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">The closure has no such variable (a compiler layout Nabla does not know).</exception>
    public static CapturedVariable<T> Variable<T>(object target, string name)
    {
        var type = target.GetType();
        var path = new List<FieldInfo>();
        // A lambda that captures only 'this' has 'this' as its target; generated code reads that directly, and the
        // reader below handles it for any other caller.
        Find(type, name, path, depth: 0);
        if (path.Count == 1 && path[0].FieldType == typeof(T) && FieldOffset<T>(target, path[0]) is nint offset)
            return new CapturedVariable<T>(offset, null);
        return new CapturedVariable<T>(0, Reader<T>(type, name));
    }

    /// <summary>Where <paramref name="field"/> lies in objects of <paramref name="target"/>'s type, from the start of their data.</summary>
    private static nint? FieldOffset<T>(object target, FieldInfo field)
    {
        try
        {
            var reference = TypedReference.MakeTypedReference(target, new[] { field });
            ref T value = ref __refvalue(reference, T);
            return Unsafe.ByteOffset(ref CapturedVariable<T>.Data(target), ref Unsafe.As<T, byte>(ref value));
        }
        catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidCastException)
        {
            return null;   // a runtime without typed references: the reader delegate instead
        }
    }

    private static readonly object ClosedOver = new();

    // The fields sought are a closure's: the lambda's own body reads them, so trimming keeps them.
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Closure fields are referenced by the lambda body that reads them.")]
    private static bool Find(Type type, string name, List<FieldInfo> path, int depth)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        string fieldName = name == This ? "<>4__this" : name;
        var direct = type.GetField(fieldName, Instance);
        if (direct != null)
        {
            path.Add(direct);
            return true;
        }
        if (depth > 16) return false;
        foreach (var f in type.GetFields(Instance))
        {
            if (!f.Name.StartsWith("CS$<>8__locals", StringComparison.Ordinal)) continue;
            path.Add(f);
            if (Find(f.FieldType, name, path, depth + 1)) return true;
            path.RemoveAt(path.Count - 1);
        }
        return false;
    }

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only called when RuntimeFeature.IsDynamicCodeCompiled.")]
    private static Func<object, T> Compile<T>(Type closureType, List<FieldInfo> path)
    {
        // The first parameter is a dummy the delegate is closed over: a closed delegate calls straight in,
        // an open static one goes through a shuffle thunk on every call.
        var method = new DynamicMethod("NablaReadCapture", typeof(T), new[] { typeof(object), typeof(object) }, closureType.Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_1);
        il.Emit(OpCodes.Castclass, closureType);
        foreach (var f in path) il.Emit(OpCodes.Ldfld, f);
        var last = path[path.Count - 1].FieldType;
        if (last.IsValueType && !typeof(T).IsValueType) il.Emit(OpCodes.Box, last);
        il.Emit(OpCodes.Ret);
        return (Func<object, T>)method.CreateDelegate(typeof(Func<object, T>), ClosedOver);
    }
}

/// <summary>One captured variable of one closure type: read from the closure object at a fixed offset.</summary>
/// <remarks>
/// Generated interceptors resolve it once per closure type (the type is checked at every call before reading), so
/// reading a captured local costs a load, not a delegate call.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class CapturedVariable<T>
{
    private readonly nint _offset;
    private readonly Func<object, T>? _reader;

    internal CapturedVariable(nint offset, Func<object, T>? reader)
    {
        _offset = offset;
        _reader = reader;
    }

    /// <summary>The variable's current value in <paramref name="target"/>, a closure of the type this was made for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read(object target)
    {
        if (_reader != null) return ReadThroughDelegate(target);
        return Unsafe.As<byte, T>(ref Unsafe.AddByteOffset(ref Data(target), _offset));
    }

    // Out of line: a delegate call inlined into the caller's loop costs it registers on every iteration.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private T ReadThroughDelegate(object target) => _reader!(target);

    internal static ref byte Data(object target) => ref Unsafe.As<RawData>(target).Data;

    // The layout of every object's fields after its header: the first field's address (as CommunityToolkit's ObjectMarshal).
    private sealed class RawData
    {
#pragma warning disable CS0649
        public byte Data;
#pragma warning restore CS0649
    }
}
