#!/usr/bin/env bash
# Runs test projects with the wall clock a year ahead (libfaketime, FAKETIME=+365d), to catch tests and code that
# depend on today's date. Builds first at the real time (a build under a shifted clock sees every file as stale), then
# runs the built tests under faketime. The monotonic clock is not shifted (FAKETIME_DONT_FAKE_MONOTONIC=1): the .NET
# runtime's timers and Stopwatch keep working, only the calendar moves. The test assemblies are xunit v3 programs and
# are run directly (dotnet <project>.dll): under faketime the `dotnet test` host never connects to its test process.
#   bash eng/faketime-check.sh                 # the projects that need no local servers
#   bash eng/faketime-check.sh --emulators     # also the projects that talk to the local servers (already running)
#   OFFSET=-400d bash eng/faketime-check.sh    # another offset
#   bash eng/faketime-check.sh -- -class Polycloud.Tests.CloudUrlTests   # arguments after -- go to the xunit runner
# Needs the faketime command (Debian/Ubuntu: apt-get install faketime). Not part of eng/test.sh.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CONFIG=${CONFIGURATION:-Release}
OFFSET=${OFFSET:-+365d}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v faketime >/dev/null || { echo "faketime is not installed (apt-get install faketime)"; exit 2; }

projects=(Polycloud.Tests Polycloud.Billing.Tests Polycloud.Networking.Tests Polycloud.Analyzers.Tests Polycloud.Docs.Tests)
if [[ "${1:-}" == "--emulators" ]]; then
  shift
  projects+=(Polycloud.Aws.Tests Polycloud.Azure.Tests Polycloud.Google.Tests Polycloud.Databases.Tests)
fi
[[ "${1:-}" == "--" ]] && shift

real=$(date -u +%F)
shifted=$(FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$OFFSET" date -u +%F)
echo "== real date $real, shifted date $shifted ($OFFSET)"
[[ "$real" != "$shifted" ]] || { echo "faketime did not shift the clock"; exit 2; }

mkdir -p artifacts/faketime
failed=0
for p in "${projects[@]}"; do
  echo "== build $p"
  dotnet build "tests/$p" -c "$CONFIG" -nologo -clp:NoSummary -v:q >"artifacts/faketime/$p.build.log" 2>&1 \
    || { echo "   build failed (artifacts/faketime/$p.build.log)"; failed=1; continue; }
  echo "== test $p under faketime $OFFSET"
  dll=$(ls "tests/$p/bin/$CONFIG"/net*/"$p.dll" | head -1)
  FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$OFFSET" \
    dotnet "$dll" -noColor "$@" >"artifacts/faketime/$p.log" 2>&1
  rc=$?
  grep -E 'Total: ' "artifacts/faketime/$p.log" | sed 's/^ */   /'
  grep -E '\[FAIL\]' "artifacts/faketime/$p.log" | sed 's/^ */   /'
  [[ $rc -eq 0 ]] || failed=1
done
exit $failed
