// Emits a compilation (user code plus generated code) into a collectible AssemblyLoadContext so that
// tests can call the generated derivatives through reflection.
using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Nabla.Generator.Tests.Harness;

internal sealed class EmittedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    public EmittedAssembly(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, "emit failed:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        // Nabla.dll and the framework resolve from the default context, where the test already loaded them.
        _context = new AssemblyLoadContext("NablaGeneratorTest", isCollectible: true);
        Assembly = _context.LoadFromStream(stream);
    }

    public Assembly Assembly { get; }

    public Type Type(string name) => Assembly.GetType(name, throwOnError: true)!;

    /// <summary>Calls the static method <paramref name="type"/>.<paramref name="method"/> with arguments of matching types.</summary>
    public object? Call(string type, string method, params object[] args)
    {
        var candidates = Type(type).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.Name == method && m.GetParameters().Length == args.Length &&
                        m.GetParameters().Zip(args, (p, a) => p.ParameterType == a.GetType()).All(x => x))
            .ToList();
        Assert.True(candidates.Count == 1, $"expected one {type}.{method}({string.Join(", ", args.Select(a => a.GetType().Name))}), found {candidates.Count}");
        return candidates[0].Invoke(null, args);
    }

    public void Dispose() => _context.Unload();
}
