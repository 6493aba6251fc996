#!/usr/bin/env bash
# Runs the fault suites (tests/Polycloud.FaultProxy) through the blob and queue drivers against the local emulators
# (fauxqs 4566, Azurite 10000/10001, Cloud Storage emulator 9199, Pub/Sub emulator 8681), longer than the test run.
#   bash eng/chaos.sh [operations] [seed] [rate]     defaults: 2000 operations per suite, seed 20261207, rate 0.2
# Each suite prints a "FAULTS <provider>" report (operations, faults by kind, retries, failures by code, violations).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export POLYCLOUD_FAULT_OPERATIONS="${1:-2000}"
export POLYCLOUD_FAULT_SEED="${2:-20261207}"
export POLYCLOUD_FAULT_RATE="${3:-0.2}"
status=0
for p in Aws Azure Google; do
  project="$root/tests/Polycloud.$p.Tests"
  dotnet build -c Release --nologo -v quiet "$project" >/dev/null
  dotnet test "$project" -c Release --no-build --filter "FullyQualifiedName~.Faults." \
    --logger "console;verbosity=detailed" | grep -E "^\s+(FAULTS|operations|requests|notes|violations|  )|Passed |Failed |Skipped " || status=1
done
exit $status
