#!/usr/bin/env bash
# Packs what a GPU machine without the .NET SDK (and without NuGet) needs to train the QuickStart example with
# --backend cuda: this machine's .NET runtime (host + Microsoft.NETCore.App) and the example's Release build, in one
# xz tarball under .device-kit/ (git-ignored), ~30 MB, inside the device tool's 64 MiB carry limit.
# On the device machine (carry .device-kit), scripts/device-check.sh runs the check.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
kit=.device-kit
rm -rf "$kit" && mkdir -p "$kit/stage"
dotnet build examples/QuickStart -c Release -v:q -nologo
# The build holds native libraries (SQLite, Skia) for every platform: the device machine is linux-x64.
mkdir -p "$kit/stage/QuickStart/runtimes"
find examples/QuickStart/bin/Release/net10.0 -maxdepth 1 -type f -exec cp {} "$kit/stage/QuickStart/" \;
cp -r examples/QuickStart/bin/Release/net10.0/runtimes/linux-x64 "$kit/stage/QuickStart/runtimes/"
mkdir -p "$kit/stage/dotnet"
cp -r "$root/dotnet" "$root/host" "$kit/stage/dotnet/"
mkdir -p "$kit/stage/dotnet/shared"
cp -r "$root/shared/Microsoft.NETCore.App" "$kit/stage/dotnet/shared/"
tar cJf "$kit/kit.tar.xz" -C "$kit/stage" .
rm -rf "$kit/stage"
echo "device kit: $kit/kit.tar.xz ($(du -h "$kit/kit.tar.xz" | cut -f1))"
