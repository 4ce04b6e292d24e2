#!/usr/bin/env bash
# The data-scarcity study in one command: trains every point of a preset (a finished point is never trained twice, so
# an interrupted study goes on where it stopped), fits the sparse data-constrained law to the store's runs and writes
# the report (constants, predictions, figures) to examples/DataScarcity/report-<preset>/.
#   examples/DataScarcity/run-study.sh quick   # under 15 minutes on 2 cores
#   examples/DataScarcity/run-study.sh full    # under an hour on one core; add --workers K, or use a cluster (docs/language-models.md)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
preset="${1:-quick}"
shift || true
case "$preset" in
  quick) study=Quick ;;
  full) study=Full ;;
  *) echo "error: unknown preset '$preset'; use quick or full" >&2; exit 2 ;;
esac
store="$here/results-$preset.db"
dotnet build "$here" -c Release --nologo -v quiet
run() { dotnet run --project "$here" -c Release --no-build -- "$study" "$@"; }
run run --store "$store" "$@"
run report --store "$store"
run fit --store "$store" --law sparse-data-constrained --report "$here/report-$preset"
