#!/usr/bin/env bash
# Compares two generators in the build: the Csc task's time (MSBuild's -clp:PerformanceSummary, so MSBuild's own
# overhead is left out) of the WithGenerator projects of two directories that generate.sh wrote (the first with
# GENERATOR pointing at a copy of the older Nabla.Generator.dll), alternated build by build through one compiler
# server, and of a WithoutGenerator project; medians. Alternating makes both sides see the same machine load.
#   bash bench/buildtime/compare.sh before-dir after-dir [runs=10]
set -euo pipefail
before=$1
after=$2
runs=${3:-10}
csc() { # dir project → ms
  touch "$1/Functions.cs"
  dotnet build "$1/$2/$2.csproj" -c Release --no-restore -nologo -v q -p:UseSharedCompilation=true -clp:PerformanceSummary 2>&1 |
    awk '$3 == "Csc" { print $1 }'
}
for d in "$before" "$after"; do
  for p in WithGenerator WithoutGenerator; do dotnet restore "$d/$p/$p.csproj" -nologo -v q >/dev/null; done
done
for ((r = 0; r < 4; r++)); do   # warm the server: its JIT tiers the compiler's and both generators' code up
  csc "$before" WithGenerator >/dev/null; csc "$after" WithGenerator >/dev/null; csc "$after" WithoutGenerator >/dev/null
done
b=(); a=(); w=()
for ((r = 0; r < runs; r++)); do
  b+=("$(csc "$before" WithGenerator)"); a+=("$(csc "$after" WithGenerator)"); w+=("$(csc "$after" WithoutGenerator)")
done
echo "Csc ms, before: ${b[*]}"
echo "Csc ms, after:  ${a[*]}"
echo "Csc ms, without the generator: ${w[*]}"
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
mb=$(median "${b[@]}"); ma=$(median "${a[@]}"); mw=$(median "${w[@]}")
echo "medians: without $mw ms; before $mb ms (+$((${mb%.*} - ${mw%.*}))); after $ma ms (+$((${ma%.*} - ${mw%.*})))"
uptime
