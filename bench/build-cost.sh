#!/usr/bin/env bash
# Build-time cost of SparseDsl's analyzers and generator on the examples, as `dotnet build` reports it:
# each example is recompiled (--no-incremental, dependencies already built) with -p:ReportAnalyzer=true, and
# the compiler's own timing of SparseDsl.Analyzers and SparseDsl.Generator is set against the Csc task and the
# whole command. Usage: bench/build-cost.sh [repetitions]   (prints a markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build examples/QuickStart -c Release --nologo -v q > /dev/null
dotnet build examples/SetStudy -c Release --nologo -v q > /dev/null
echo "| example | run | whole build (s) | Csc task (s) | SparseDsl.Analyzers (s) | SparseDsl.Generator (s) | ours / Csc | ours / build |"
echo "|---|---|---|---|---|---|---|---|"
for example in QuickStart SetStudy; do
  for run in $(seq 1 "$reps"); do
    start=$(date +%s.%N)
    dotnet build "examples/$example" -c Release --nologo --no-incremental --no-dependencies \
      -p:ReportAnalyzer=true -v:d -clp:PerformanceSummary > "$log" 2>&1
    end=$(date +%s.%N)
    analyzers=$(grep -E '^\s+[0-9.]+\s+[0-9<]+\s+SparseDsl\.Analyzers, ' "$log" | awk '{print $1}' | head -1)
    generator=$(grep -E '^\s+[0-9.]+\s+[0-9<]+\s+SparseDsl\.Generator, ' "$log" | awk '{print $1}' | head -1)
    csc_ms=$(grep -E '^\s+[0-9]+ ms  Csc ' "$log" | awk '{print $1}' | head -1)
    awk -v ex="$example" -v run="$run" -v s="$start" -v e="$end" -v a="${analyzers:-0}" -v g="${generator:-0}" -v c="${csc_ms:-0}" 'BEGIN {
      wall = e - s; csc = c / 1000; ours = a + g;
      printf "| %s | %d | %.2f | %.2f | %.3f | %.3f | %.0f %% | %.0f %% |\n", ex, run, wall, csc, a, g, 100 * ours / csc, 100 * ours / wall }'
  done
done
