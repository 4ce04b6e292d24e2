#!/usr/bin/env bash
# Run on the device machine with .device-kit carried (see scripts/device-kit.sh): trains QuickStart's points POINTS (default 0,2: dense and 95 % sparse) for
# STEPS steps on the CPU kernels and on CUDA (BACKEND=ilgpu-cpu rehearses it without a GPU), from the same seed, and
# compares the per-step losses. Stores and logs go to $OUT when it is set, else to a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${STEPS:-200}"
backend="${BACKEND:-cuda}"
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"
kit="$(mktemp -d)"
# The device machine may lack ICU; nothing here depends on culture data.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
tar xJf .device-kit/kit.tar.xz -C "$kit"
for b in cpu "$backend"; do
  start=$SECONDS
  if ! "$kit/dotnet/dotnet" "$kit/QuickStart/QuickStart.dll" run --points "${POINTS:-0,2}" --steps "$steps" --store "$out/$b.db" --backend "$b" > "$out/$b.log" 2>&1; then
    cat "$out/$b.log"
    exit 1
  fi
  echo "$b: $((SECONDS - start)) s wall; $(grep -E '^backend' "$out/$b.log" || echo 'vectorized CPU kernels')"
  grep -E '^  done' "$out/$b.log" || true
done
# The "step N/M, loss X" lines of both runs, side by side (the losses are printed to 4 decimals: a coarse check; the
# test DeviceTrainingTests compares every step's loss to 1e-3 where an SDK is available).
paste <(grep -o 'step [0-9]*/[0-9]*, loss [0-9.]*' "$out/cpu.log") <(grep -o 'step [0-9]*/[0-9]*, loss [0-9.]*' "$out/$backend.log") |
  awk -v b="$backend" '$2 != $6 { print "step lines out of step: " $0; exit 1 } { c = $4; d = $8; r = (c > d ? c - d : d - c) / (c > 1e-6 ? c : 1e-6); if (r > w) w = r; n++ }
    END { printf "%d progress lines compared, worst relative loss difference cpu vs %s: %.2e\n", n, b, w; exit (n == 0 || w > 1e-3) }'
