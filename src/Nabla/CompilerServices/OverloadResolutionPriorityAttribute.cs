#if !NET9_0_OR_GREATER
namespace System.Runtime.CompilerServices;

/// <summary>The .NET 9 attribute, for the net8.0 build: C# 13 compilers prefer overloads with a higher priority.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
internal sealed class OverloadResolutionPriorityAttribute : Attribute
{
    public OverloadResolutionPriorityAttribute(int priority) => Priority = priority;

    public int Priority { get; }
}
#endif
