#!/usr/bin/env bash
# Proves the NuGet packages work for a project outside this repository: pack SparseDsl, SparseDsl.Templates and
# SparseDsl.Tool (linux-x64) into a local feed, then
# - a fresh console project that only adds <PackageReference Include="SparseDsl"/> and the QuickStart declarations
#   builds clean, runs a few training steps and reports, and an invalid declaration fails at the argument;
# - `dotnet new sparsedsl-study` from the template package builds warning-free, trains and draws its figures;
# - `dotnet tool install SparseDsl.Tool` installs and draws a fit's figures;
# - a study's build output stays within 40 MB and the installed tool within 60 MB (docs/package.md).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A unique pre-release package version, so the global package cache never serves a stale build. Only the package's
# version: the assemblies keep the repository's Version, so packing reuses the Release build `dotnet test` just made.
version="0.1.0-smoke.$(date +%s)"
study_limit_mb=40
tool_limit_mb=60

dotnet pack "$repo/src/Runtime/Runtime.csproj" -c Release -o "$work/feed" -p:PackageVersion="$version" --nologo -v quiet
echo "package smoke test: SparseDsl packed (${SECONDS}s)"
dotnet pack "$repo/src/Template/Template.csproj" -c Release -o "$work/feed" -p:PackageVersion="$version" --nologo -v quiet
dotnet pack "$repo/src/Cli/Cli.csproj" -c Release -o "$work/feed" -p:PackageVersion="$version" -p:SparseDslToolRids=linux-x64 --nologo -v quiet
echo "package smoke test: SparseDsl.Templates and SparseDsl.Tool packed (${SECONDS}s)"
# (Listings go to files first: `unzip … | grep -q` fails under pipefail when grep stops reading early.)
unzip -l "$work/feed/SparseDsl.$version.nupkg" > "$work/package.txt"
unzip -p "$work/feed/SparseDsl.$version.nupkg" SparseDsl.nuspec > "$work/nuspec.xml"
unzip -l "$work/feed/SparseDsl.$version.snupkg" > "$work/symbols.txt"
grep -E "analyzers/dotnet/cs/|build/|lib/net10.0/|README.md" "$work/package.txt" | awk '{print "  " $4}'
# IntelliSense, readme, licence, symbols.
for f in lib/net10.0/SparseDsl.Runtime.xml lib/net10.0/SparseDsl.Language.xml README.md; do
  grep -q " $f\$" "$work/package.txt" || { echo "package smoke test: $f missing from the package"; exit 1; }
done
grep -q '<license type="expression">MIT</license>' "$work/nuspec.xml" || { echo "package smoke test: no licence expression"; exit 1; }
grep -q "lib/net10.0/SparseDsl.Runtime.pdb" "$work/symbols.txt" || { echo "package smoke test: no symbols package"; exit 1; }

# Megabytes under a folder (du's 1 MiB blocks, rounded up), or fail above a limit.
size_mb() { du -s --block-size=1M "$1" | cut -f1; }
check_size() {
  local what="$1" dir="$2" limit="$3" mb
  mb="$(size_mb "$dir")"
  echo "package smoke test: $what $mb MB (limit $limit MB) (${SECONDS}s)"
  if [ "$mb" -gt "$limit" ]; then du -s --block-size=1M "$dir"/* "$dir"/runtimes/* 2>/dev/null | sort -n | tail -8; echo "package smoke test: $what is over $limit MB"; exit 1; fi
}

mkdir -p "$work/app"
cat > "$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$work/feed" />
    <add key="nuget" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > "$work/app/App.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SparseDsl" Version="$version" />
  </ItemGroup>
</Project>
XML
cp "$repo/examples/QuickStart/QuickStart.cs" "$work/app/Study.cs"

cd "$work/app"
# The package's analyzers, code fixes and generator must load in the compiler without a word (CS8032 would say
# an assembly could not be loaded), and the valid study must build clean.
build_log="$work/build.log"
dotnet build -c Release --nologo -v quiet -clp:NoSummary > "$build_log" 2>&1 || { cat "$build_log"; exit 1; }
if grep -E "warning|error" "$build_log"; then echo "package smoke test: the valid study did not build clean"; exit 1; fi
check_size "a study's build output" "$work/app/bin/Release/net10.0" "$study_limit_mb"
dotnet run -c Release --no-build -- run --steps 30 --store "$work/results.db"
dotnet run -c Release --no-build -- report --store "$work/results.db"

# An invalid declaration fails the build with the analyzers' SPD error at the argument, and nothing else.
sed -i 's/Grid("sparsity", "0, 0.8, 0.95")/Grid("sparsity", "0, 0.8, 1.2")/' Study.cs
if dotnet build -c Release --nologo -v quiet -clp:NoSummary > "$build_log" 2>&1; then
  echo "package smoke test: a grid sparsity of 1.2 built without an error"; exit 1
fi
grep -q "error SPD307: Value 1.2 of grid axis 'sparsity'" "$build_log" || { cat "$build_log"; echo "package smoke test: no SPD307 from the package's analyzers"; exit 1; }
if grep -E "error CS|warning CS|AD0001" "$build_log"; then echo "package smoke test: follow-on compiler diagnostics"; exit 1; fi
grep -o "Study.cs([0-9,]*): error SPD307" "$build_log" | head -1

# The new user's slip: partial layers in a [SparseModel] class declared without 'partial'. The compiler stops at that
# declaration error (one CS0260) before it runs analyzers, so the package's generator reports the SPD diagnostics:
# SPD001 at the class name, and the other declarations' errors (the grid's SPD307) still.
sed -i 's/public partial class SmallMlp/public class SmallMlp/' Study.cs
if dotnet build -c Release --nologo -v quiet -clp:NoSummary > "$build_log" 2>&1; then
  echo "package smoke test: a [SparseModel] class without 'partial' built without an error"; exit 1
fi
grep -q "error SPD001: \[SparseModel\] class 'SmallMlp' must be partial" "$build_log" || { cat "$build_log"; echo "package smoke test: no SPD001 for a class without 'partial'"; exit 1; }
grep -q "error SPD307: Value 1.2 of grid axis 'sparsity'" "$build_log" || { cat "$build_log"; echo "package smoke test: SPD307 lost beside SPD001"; exit 1; }
if grep -E "error CS|warning CS|AD0001" "$build_log" | grep -v "error CS0260: Missing partial modifier on declaration of type 'SmallMlp'"; then
  echo "package smoke test: compiler diagnostics beyond the one CS0260"; exit 1
fi
grep -o "Study.cs([0-9,]*): error SPD001" "$build_log" | head -1
echo "package smoke test: the hand-written study checked (${SECONDS}s)"

# The template: installed from the local feed into a private hive (the user's templates are left alone), a project
# created from it references this version of the package, builds warning-free, trains and draws its figures.
hive="$work/hive"
dotnet new install "$work/feed/SparseDsl.Templates.$version.nupkg" --debug:custom-hive "$hive" > "$work/new.log" 2>&1 || { cat "$work/new.log"; exit 1; }
mkdir -p "$work/new"
cd "$work/new"
dotnet new sparsedsl-study -n MyStudy --debug:custom-hive "$hive" > "$work/new.log" 2>&1 || { cat "$work/new.log"; exit 1; }
cp "$work/app/nuget.config" MyStudy/
cd MyStudy
grep -q "<PackageReference Include=\"SparseDsl\" Version=\"$version\" />" MyStudy.csproj || { cat MyStudy.csproj; echo "package smoke test: the template does not reference SparseDsl $version"; exit 1; }
dotnet build -c Release --nologo -v quiet -clp:NoSummary > "$build_log" 2>&1 || { cat "$build_log"; exit 1; }
if grep -E "warning|error" "$build_log"; then echo "package smoke test: the template's study did not build clean"; exit 1; fi
check_size "the template study's build output" "$work/new/MyStudy/bin/Release/net10.0" "$study_limit_mb"
dotnet run -c Release --no-build -- run --steps 60 --store "$work/template.db" > "$work/run.log" 2>&1 || { cat "$work/run.log"; exit 1; }
tail -2 "$work/run.log"
dotnet run -c Release --no-build -- report --store "$work/template.db" --plot "$work/template-plots" > "$work/report.log" 2>&1 || { cat "$work/report.log"; exit 1; }
ls "$work/template-plots"/*-updates.png "$work/template-plots"/*-updates.svg > /dev/null || { cat "$work/report.log"; echo "package smoke test: report --plot drew no PNG and SVG"; exit 1; }

# The tool: the linux-x64 package installs within its limit and draws a fit's figures (native SkiaSharp present).
dotnet tool install SparseDsl.Tool --version "$version" --tool-path "$work/tool" --add-source "$work/feed" > "$work/tool.log" 2>&1 || { cat "$work/tool.log"; exit 1; }
check_size "the installed tool" "$work/tool" "$tool_limit_mb"
"$work/tool/sparsedsl" fit --law data-constrained --csv "$repo/tests/Runtime.Tests/TestData/datablations_c4_runs.csv" \
  --freeze a=6.255414,b=7.3049974,e=0.6254804,alpha=0.3526596 --starts 2 --plot "$work/tool-plots" > "$work/fit.log" 2>&1 || { cat "$work/fit.log"; exit 1; }
for f in loss_vs_tokens iso_loss residuals; do
  [ -s "$work/tool-plots/$f.png" ] && [ -s "$work/tool-plots/$f.svg" ] || { cat "$work/fit.log"; echo "package smoke test: the tool drew no $f.png/.svg"; exit 1; }
done
echo "package smoke test: OK (${SECONDS}s)"
