#!/usr/bin/env bash
# Times rebuilds of the project bench/buildtime/generate.sh wrote: touch the source, build without the
# generator, then with it, back to back, RUNS times; then one build with -p:ReportAnalyzer=true for the
# generator's own time. Prints the load average before each pair.
#   bash bench/buildtime/measure.sh [dir=/tmp/buildtime] [runs=5]
# Env: SHARED=true builds through the compiler server (VBCSCompiler, .NET's default: the compiler and the generator
# stay loaded and jitted between builds); otherwise UseSharedCompilation is left as the environment sets it (this
# machine sets UseSharedCompilation=false: every build starts a fresh csc that jits the compiler's and the
# generator's code again).
set -euo pipefail
dir=${1:-/tmp/buildtime}
runs=${2:-5}
shared=()
[ "${SHARED:-}" = true ] && shared=(-p:UseSharedCompilation=true)
build() { # project → seconds
  touch "$dir/Functions.cs"
  local start end
  start=$(date +%s.%N)
  dotnet build "$dir/$1/$1.csproj" -c Release --no-restore -nologo -v q -clp:ErrorsOnly "${shared[@]}" >"$dir/$1.log" 2>&1 || { cat "$dir/$1.log"; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
for p in WithoutGenerator WithGenerator; do
  dotnet restore "$dir/$p/$p.csproj" -nologo -v q >/dev/null
  build "$p" >/dev/null   # warm up: build server, analyzer load
done
echo "run  load(1m)  without  with  added"
for ((r = 1; r <= runs; r++)); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  a=$(build WithoutGenerator)
  b=$(build WithGenerator)
  printf '%d  %s  %.2f  %.2f  %.2f\n' "$r" "$load" "$a" "$b" "$(echo "$b - $a" | bc)"
done
touch "$dir/Functions.cs"
# ReportAnalyzer makes the build use a fresh csc whatever UseSharedCompilation says: the generator's time here is cold.
dotnet build "$dir/WithGenerator/WithGenerator.csproj" -c Release --no-restore -nologo -v d -p:ReportAnalyzer=true >"$dir/report.log" 2>&1
echo "generator time (-p:ReportAnalyzer=true, a fresh csc):"
grep -E "Total generator execution time|Nabla.Generator.NablaGenerator" "$dir/report.log" | sed 's/^ */  /' | sort -u
uptime
