#!/usr/bin/env bash
# The one command that runs every test: restores and builds the solution, installs and starts the local servers the
# tests talk to (eng/emulators.sh), runs every test project, stops the servers (also on failure or Ctrl-C), and ends
# with each project's passed/failed/skipped counts and the total.
#   bash eng/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Blobs]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RESULTS=artifacts/test-results
CONFIG=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

stop_servers() { bash eng/emulators.sh stop || true; }
trap stop_servers EXIT
trap 'exit 130' INT TERM

started=$SECONDS
echo "== build ($CONFIG)"
dotnet build Sdk.sln -c "$CONFIG" -nologo -clp:NoSummary -v:q || { echo "build failed"; exit 1; }

echo "== start local servers"
bash eng/emulators.sh start || { echo "could not start the local servers the tests need"; exit 1; }

echo "== test"
rm -rf "$RESULTS"; mkdir -p artifacts
dotnet test Sdk.sln -c "$CONFIG" --no-build --results-directory "$RESULTS" \
  --logger "trx" --logger "console;verbosity=normal" "$@" >artifacts/test-output.log 2>&1
rc=$?
stop_servers 2>&1 | sed 's/^/  /'
trap - EXIT
grep -E '^\s*(Failed |Skipped |  Error Message|   at |\[xUnit|Passed!|Failed!|Total tests|Test Run)' artifacts/test-output.log \
  | grep -vE '^\s*\[xUnit.net [0-9:.]+\]\s+(Starting|Finished|Discover)' | tail -n 400 || true

echo
echo "== results (per test project)"
total_p=0 total_f=0 total_s=0
shopt -s nullglob
for trx in "$RESULTS"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  t=$(get total) p=$(get passed) f=$(get failed)
  s=$((t - p - f))
  ((t == 0)) && continue
  name=$(grep -o 'codeBase="[^"]*"' "$trx" | head -1 | sed 's#.*/##; s#\.dll"##; s#"##')
  printf '%-34s %5d passed, %d failed, %d skipped\n' "${name:-$(basename "$trx")}:" "$p" "$f" "$s"
  total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
done
echo "(took $((SECONDS - started)) s; full log: artifacts/test-output.log, TRX files: $RESULTS)"
echo "Total: $total_p passed, $total_f failed, $total_s skipped"
if ((rc == 0 && total_p == 0)); then echo "no test ran"; exit 1; fi
exit $rc
