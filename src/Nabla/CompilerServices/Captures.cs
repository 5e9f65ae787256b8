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

    private static readonly object ClosedOver = new();

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
