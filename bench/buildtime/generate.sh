#!/usr/bin/env bash
# Writes the build-time project of issue 6 (docs/performance.md, "Build time"): N [Differentiable] methods,
# a quarter each scalar with Math calls, array loops with Exp, branches with a fixed loop, array locals
# with Sqrt; one project compiled with the generator and the same sources compiled without it.
#   bash bench/buildtime/generate.sh [dir=/tmp/buildtime] [count=200]
# Env: OUTPUT_TYPE (Library, default, or Exe); ACCESS (public, default, or internal); USES (quarter, default: a
# quarter of the methods, of every kind, are called through Autodiff.ValueWithGradient on a method group, in Uses.cs;
# none; or all); GENERATOR (the Nabla.Generator.dll to use, default this repository's Release build: a copy of an
# older build makes the "before" project of compare.sh).
# Needs src/Nabla and src/Nabla.Generator built in Release (dotnet build src/Nabla -c Release).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=${1:-/tmp/buildtime}
count=${2:-200}
output_type=${OUTPUT_TYPE:-Library}
access=${ACCESS:-public}
uses=${USES:-quarter}
runtime="$root/src/Nabla/bin/Release/net10.0/Nabla.dll"
generator=${GENERATOR:-$root/src/Nabla.Generator/bin/Release/netstandard2.0/Nabla.Generator.dll}
[ -f "$runtime" ] && [ -f "$generator" ] || { echo "build src/Nabla in Release first" >&2; exit 1; }
mkdir -p "$dir/WithGenerator" "$dir/WithoutGenerator"

{
  echo "using System;"
  echo "using Nabla;"
  echo "namespace BuildTime;"
  echo "$access static partial class Fns"
  echo "{"
  for ((i = 0; i < count; i++)); do
    c=$(( i % 7 + 1 ))
    case $(( i % 4 )) in
      0) echo "    [Differentiable] $access static double F$i(double x, double y) => Math.Sin(x * $c) * y + x * x / (1 + y * y) + Math.Log(1 + x * x) * Math.Cos(y);" ;;
      1) cat <<CS
    [Differentiable] $access static double F$i(double[] a, double w)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += Math.Exp(-a[i] * w * $c) * a[i];
        return s;
    }
CS
      ;;
      2) cat <<CS
    [Differentiable] $access static double F$i(double x, double y)
    {
        double z = x;
        if (x > y) z = x * y + $c; else z = Math.Tanh(x - y);
        for (int i = 0; i < 3; i++) z = z * 0.5 + Math.Cos(z) * y;
        return z;
    }
CS
      ;;
      3) cat <<CS
    [Differentiable] $access static double F$i(double[] p, double[] q)
    {
        var t = new double[p.Length];
        double e = 0;
        for (int i = 0; i < p.Length; i++) { t[i] = p[i] - q[i] * $c; e += t[i] * t[i]; }
        return Math.Sqrt(e + 1e-9);
    }
CS
      ;;
    esac
  done
  echo "}"
  [ "$output_type" = Exe ] && echo "internal static class Program { private static void Main() => Uses.Run(); }"
  true
} > "$dir/Functions.cs"

{
  echo "using System;"
  echo "using Nabla;"
  echo "namespace BuildTime;"
  echo "$access static class Uses"
  echo "{"
  echo "    public static double Run()"
  echo "    {"
  echo "        double s = 0;"
  echo "        double[] a = { 1, 2, 3 }, b = { 3, 2, 1 };"
  for ((i = 0; i < count; i++)); do
    case $uses in none) continue ;; quarter) (( (i / 4) % 4 == 0 )) || continue ;; esac
    case $(( i % 4 )) in
      0|2) echo "        s += Autodiff.ValueWithGradient(Fns.F$i, 0.5, 2.0).Value;" ;;
      1) echo "        s += Autodiff.ValueWithGradient(Fns.F$i, a, 0.5).Value;" ;;
      3) echo "        s += Autodiff.ValueWithGradient(Fns.F$i, a, b).Value;" ;;
    esac
  done
  echo "        return s;"
  echo "    }"
  echo "}"
} > "$dir/Uses.cs"

project() { # name, extra items
  cat > "$dir/$1/$1.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <OutputType>$output_type</OutputType>
    <Nullable>enable</Nullable>
    <ImplicitUsings>disable</ImplicitUsings>
    <InterceptorsNamespaces>\$(InterceptorsNamespaces);Nabla.Generated</InterceptorsNamespaces>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="../Functions.cs" />
    <Compile Include="../Uses.cs" />
    <Reference Include="$runtime" />
$2
  </ItemGroup>
</Project>
XML
}
project WithGenerator "    <Analyzer Include=\"$generator\" />"
project WithoutGenerator ""
echo "wrote $dir ($count methods, $output_type, $access, uses: $uses)"
