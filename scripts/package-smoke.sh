#!/usr/bin/env bash
# Proves the NuGet package works for a project outside this repository: pack SparseDsl into a local feed,
# create a fresh console project in a temp folder that only adds <PackageReference Include="SparseDsl"/>
# and the QuickStart declarations, build it and run a few training steps.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A unique pre-release version, so the global package cache never serves a stale build.
version="0.1.0-smoke.$(date +%s)"

dotnet pack "$repo/src/Runtime/Runtime.csproj" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet
unzip -l "$work/feed/SparseDsl.$version.nupkg" | grep -E "analyzers/dotnet/cs/|build/|lib/net10.0/" | awk '{print "  " $4}'

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
echo "package smoke test: OK"
