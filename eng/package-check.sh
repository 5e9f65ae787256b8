#!/usr/bin/env bash
# Packs src/Nabla, then builds and runs a fresh console project that references only that package.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/nabla-package-check.XXXXXX")
keep=${NABLA_KEEP_PACKAGE_CHECK:-}
cleanup() { if [ -z "$keep" ]; then rm -rf "$work"; else echo "package-check: kept $work"; fi; }
trap cleanup EXIT

fail() { echo "package-check: FAILED: $*" >&2; exit 1; }

# A version no earlier run used, so a stale package can never be picked up; the consumer also
# restores into its own empty package folder, so the machine's NuGet cache is neither read nor filled.
version="0.0.0-check.$(date +%Y%m%d%H%M%S).$$"
feed="$work/feed"
echo "package-check: packing Nabla $version"
dotnet pack "$root/src/Nabla" -c Release -o "$feed" -p:PackageVersion="$version" -nologo -v quiet
nupkg="$feed/Nabla.$version.nupkg"
[ -f "$nupkg" ] || fail "dotnet pack did not produce $nupkg"

# The package carries the runtime for both target frameworks and the generator as an analyzer.
if command -v unzip >/dev/null; then
  entries=$(unzip -Z1 "$nupkg")
else
  entries=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$nupkg")
fi
for entry in analyzers/dotnet/cs/Nabla.Generator.dll analyzers/dotnet/cs/Nabla.CodeFixes.dll lib/net8.0/Nabla.dll lib/net10.0/Nabla.dll build/Nabla.props buildTransitive/Nabla.props; do
  grep -qxF "$entry" <<<"$entries" || fail "$nupkg has no $entry"
done
echo "package-check: the package has lib/net8.0, lib/net10.0 and analyzers/dotnet/cs/Nabla.Generator.dll and Nabla.CodeFixes.dll"

# A user's first project: outside the repository (no Directory.Build.props reaches it), its own
# nuget.config adding the packed folder to the machine's default sources.
app="$work/app"
mkdir -p "$app"
cd "$app"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="nabla-local" value="$feed" />
  </packageSources>
</configuration>
XML
export NUGET_PACKAGES="$work/packages"
dotnet new console -n Consumer -o . -f net10.0 --no-restore >/dev/null
dotnet add package Nabla --version "$version" >/dev/null

# The program is the example at the top of README.md, so the README's claims are checked too.
readme_block() { # prints the fenced block that follows the line containing marker $1
  awk -v marker="$1" 'index($0, marker) { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$root/README.md"
}
readme_block "<!-- package-check: program" > Program.cs
readme_block "<!-- package-check: output" > "$work/expected.txt"
[ -s Program.cs ] && [ -s "$work/expected.txt" ] || fail "README.md lost its package-check markers"

# CS9057: the generator was built for a newer Roslyn than this SDK's and was skipped. CS8032: it could
# not be loaded. CS8785: it threw. Each would leave the generated members missing or wrong; fail on them.
echo "package-check: building a fresh consumer against Nabla $version"
if ! dotnet build -c Release -nologo -p:WarningsAsErrors="CS9057%3BCS8032%3BCS8785" >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  fail "the consumer project did not build"
fi
if grep -E "CS9057|CS8032|CS8785|error NABLA|warning NABLA" "$work/build.log"; then
  fail "the generator was skipped or reported a problem (above)"
fi

# Invariant culture: numbers print as in the README whatever the machine's locale.
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 dotnet bin/Release/net10.0/Consumer.dll >"$work/output.txt"
cat "$work/output.txt"
diff -u "$work/expected.txt" "$work/output.txt" || fail "the README example printed other numbers than README.md shows"
echo "package-check: passed (Nabla $version from a local feed, generator ran, numbers right)"
