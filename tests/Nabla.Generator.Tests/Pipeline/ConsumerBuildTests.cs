// Builds a real consumer project with the SDK on this machine, referencing the runtime and the generator
// the way tests/Nabla.Tests does. A generator built against a newer Roslyn than this SDK's compiler is
// skipped with only warning CS9057, and the build then fails on missing generated members: this test
// fails on CS9057, on any error or warning (a #pragma must silence the generator's warnings), and when the
// generated members are missing at run time.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;

namespace Nabla.Generator.Tests.Pipeline;

public class ConsumerBuildTests
{
    private readonly ITestOutputHelper _output;

    public ConsumerBuildTests(ITestOutputHelper output) => _output = output;

    internal static string RepoRoot =>
        typeof(ConsumerBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NablaRepoRoot").Value!;

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private const string Program = """
        using System;
        using Nabla;

        public static partial class Consumer
        {
            [Differentiable]
            public static double Cubed(double x) => x * x * x;

            [GradientOf(nameof(Cubed))]
            public static partial double CubedGradient(double x);

            // A constant on purpose: the pragma must silence the generator's NABLA0016 in a real build.
            [Differentiable]
        #pragma warning disable NABLA0016
            public static double Constant(double x) => 42.0;
        #pragma warning restore NABLA0016

            public static int Main()
            {
                var (value, gradient) = Cubed_ValueWithGradient(2.0);   // generated beside Cubed
                double named = CubedGradient(2.0);                      // generated body of the partial method
                double viaRegistry = Autodiff.Derivative(Cubed, 2.0);   // registered by the module initializer
                Console.WriteLine(FormattableString.Invariant($"NABLA-CONSUMER {value} {gradient} {named} {viaRegistry}"));
                return gradient == 12.0 && named == 12.0 && viaRegistry == 12.0 ? 0 : 1;
            }
        }
        """;

    [Fact]
    [Trait("Category", "SdkBuild")]
    public void ConsumerProject_BuildsWithTheInstalledSdk_WithoutCS9057_AndRuns()
    {
        string root = RepoRoot;
        string dir = Path.Combine(Path.GetTempPath(), "nabla-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <OutputType>Exe</OutputType>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>disable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{root}src/Nabla/Nabla.csproj" />
                    <ProjectReference Include="{root}src/Nabla.Generator/Nabla.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), Program);

            // No build servers or reused nodes: nothing is left running after the test.
            var (buildExit, buildLog) = Run(dir, "build", "-c", Configuration, "--disable-build-servers", "-nodeReuse:false", "-v:q", "-nologo");
            _output.WriteLine(buildLog);
            Assert.DoesNotContain("CS9057", buildLog);
            Assert.True(buildExit == 0, "the consumer build failed:\n" + buildLog);
            Assert.DoesNotMatch(@"\b(error|warning) (CS|NABLA)\d{4}", buildLog);

            string dll = Path.Combine(dir, "bin", Configuration, "net10.0", "Consumer.dll");
            var (runExit, runLog) = Run(dir, dll);
            _output.WriteLine(runLog);
            Assert.Contains("NABLA-CONSUMER 8 12 12 12", runLog);
            Assert.Equal(0, runExit);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    private static (int ExitCode, string Output) Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host runs under `dotnet test`, whose MSBuild variables must not leak into the nested build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                                                              k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(" ", args) + " did not finish in 5 minutes");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }
}
