#!/usr/bin/env bash
# Brings src/Runtime and src/Language's PublicAPI.Unshipped.txt up to date with the code (docs/package.md).
# The PublicApiAnalyzers fail the build when a public member is added (RS0016) or one that is listed is gone
# (RS0017); this script builds once with those as warnings, adds each new member to PublicAPI.Unshipped.txt,
# drops vanished ones from it, and marks vanished shipped ones *REMOVED*. Review the diff: it is the change of
# what users call. At a release, move the Unshipped lines into PublicAPI.Shipped.txt.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
dotnet build "$repo/src/Runtime/Runtime.csproj" -c Release --nologo -v quiet -p:TreatWarningsAsErrors=false \
  -p:WarningsAsErrors= > "$log" 2>&1 || true
for project in Runtime Language; do
  dir="$repo/src/$project"
  unshipped="$dir/PublicAPI.Unshipped.txt"
  shipped="$dir/PublicAPI.Shipped.txt"
  added="$(grep -F "[$dir/$project.csproj]" "$log" | grep -F "RS0016" \
    | sed -n "s/.*Symbol '\(.*\)' is not part of the declared public API.*/\1/p" | LC_ALL=C sort -u || true)"
  removed="$(grep -F "[$dir/$project.csproj]" "$log" | grep -F "RS0017" \
    | sed -n "s/.*Symbol '\(.*\)' is part of the declared API, but is either not public or could not be found.*/\1/p" | LC_ALL=C sort -u || true)"
  {
    grep -v '^#nullable enable$' "$unshipped" | grep -vxF -f <(printf '%s\n' "$removed") || true
    printf '%s\n' "$added"
    while IFS= read -r line; do
      if [ -n "$line" ] && grep -qxF -- "$line" "$shipped"; then printf '*REMOVED*%s\n' "$line"; fi
    done <<< "$removed"
  } | sed '/^$/d' | LC_ALL=C sort -u > "$unshipped.new"
  { echo '#nullable enable'; cat "$unshipped.new"; } > "$unshipped"
  rm -f "$unshipped.new"
  echo "$project: $(printf '%s' "$added" | grep -c . || true) added, $(printf '%s' "$removed" | grep -c . || true) removed"
done
if grep -E "error" "$log" | grep -vE "RS001[67]" | grep -q .; then
  grep -E "error" "$log" | grep -vE "RS001[67]" | head -20
  echo "the build has other errors; fix them and run this again"; exit 1
fi
