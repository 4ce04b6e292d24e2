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
dotnet build -c Release --nologo -v quiet
dotnet run -c Release --no-build -- run --steps 30 --store "$work/results.db"
dotnet run -c Release --no-build -- report --store "$work/results.db"
echo "package smoke test: OK"
