#!/usr/bin/env bash
# Run on the device machine with .device-kit carried (see scripts/device-kit.sh): trains QuickStart's points POINTS (default 0,2: dense and 95 % sparse) for
# STEPS steps on the CPU kernels and on CUDA (BACKEND=ilgpu-cpu rehearses it without a GPU), from the same seed, and
# compares the per-step losses; then the same for two language models of DataScarcity's quick preset (LM_POINTS,
# default 79,106: width 64 dense and at density 0.125, U = 64 k tokens; LM_STEPS steps, default 100) on the Brown
# corpus the kit carries. Stores and logs go to $OUT when it is set, else to a temp folder.
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
# compare NAME: the "step N/M, loss X" lines of NAME-cpu.log and NAME-BACKEND.log side by side (the losses are printed
# to 4 decimals: a coarse check; DeviceTrainingTests and DeviceLanguageModelTests compare every step to 1e-3 where an
# SDK is available).
compare() {
  paste <(grep -o 'step [0-9]*/[0-9]*, loss [0-9.]*' "$out/$1-cpu.log") <(grep -o 'step [0-9]*/[0-9]*, loss [0-9.]*' "$out/$1-$backend.log") |
    awk -v b="$backend" -v name="$1" '$2 != $6 { print "step lines out of step: " $0; exit 1 } { c = $4; d = $8; r = (c > d ? c - d : d - c) / (c > 1e-6 ? c : 1e-6); if (r > w) w = r; n++ }
      END { printf "%s: %d progress lines compared, worst relative loss difference cpu vs %s: %.2e\n", name, n, b, w; exit (n == 0 || w > 1e-3) }'
}
# train NAME BACKEND ARGS…: one run of the kit's example NAME, timed; its log kept.
train() {
  local name="$1" b="$2" start=$SECONDS
  shift 2
  if ! "$kit/dotnet/dotnet" "$kit/$name/$name.dll" "$@" --store "$out/$name-$b.db" --backend "$b" > "$out/$name-$b.log" 2>&1; then
    cat "$out/$name-$b.log"
    exit 1
  fi
  echo "$name $b: $((SECONDS - start)) s wall; $(grep -E '^backend' "$out/$name-$b.log" || echo 'vectorized CPU kernels')"
  grep -E '^  done' "$out/$name-$b.log" || true
}
for b in cpu "$backend"; do
  train QuickStart "$b" run --points "${POINTS:-0,2}" --steps "$steps"
done
compare QuickStart
for b in cpu "$backend"; do
  train DataScarcity "$b" Quick run --points "${LM_POINTS:-79,106}" --steps "${LM_STEPS:-100}" --data-dir "$kit/brown"
done
compare DataScarcity
