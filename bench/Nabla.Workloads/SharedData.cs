// Finds the shared benchmark data (../shared/bench beside the repository, or NABLA_SHARED_DIR).
using System;
using System.IO;

namespace Nabla.Workloads;

public static class SharedData
{
    /// <summary>The folder holding adbench/ and building-simulation.md.</summary>
    public static string BenchDirectory
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("NABLA_SHARED_DIR");
            if (!string.IsNullOrEmpty(fromEnvironment)) return Path.Combine(fromEnvironment, "bench");
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
                {
                    var shared = Path.Combine(dir.FullName, "..", "shared", "bench");
                    if (Directory.Exists(shared)) return Path.GetFullPath(shared);
                }
            }
            throw new DirectoryNotFoundException(
                "The shared benchmark data was not found: expected ../shared/bench beside the repository, or set NABLA_SHARED_DIR.");
        }
    }

    public static string AdBench(params string[] parts) => Path.Combine(BenchDirectory, "adbench", Path.Combine(parts));

    public static double[] ReadValues(string path)
    {
        var tokens = File.ReadAllText(path).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var values = new double[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
            values[i] = double.Parse(tokens[i], System.Globalization.CultureInfo.InvariantCulture);
        return values;
    }
}
