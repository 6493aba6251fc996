#!/usr/bin/env bash
# Measures Polycloud's overhead over the native SDKs.
#   bash eng/bench.sh gate [provider...]       in-process transport, short job; prints per-pair ratios and
#                                              "max overhead ratio: X.XX (operation)"; exits 1 above 1.10
#   bash eng/bench.sh emulators [provider...]  starts the local emulators, runs the same pairs over loopback, stops
#                                              them (a server already listening on its port is used and left running)
#   bash eng/bench.sh loopback [provider...]   the loopback pairs against emulators you started yourself
#   bash eng/bench.sh transfer                 polycloud blob sync against rclone sync on the emulators you started
#                                              (eng/bench-transfer.sh; POLYCLOUD_BENCH_SCALE=smoke|full)
#   bash eng/bench.sh [BenchmarkDotNet args]   anything else, e.g. --filter '*S3InProcess*' --job short
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/benchmarks/Polycloud.Benchmarks"
if [[ "${1:-}" == transfer ]]; then
  shift
  exec bash "$root/eng/bench-transfer.sh" "$@"
fi
cd "$project"

dotnet build -c Release --nologo -v quiet "$project" >/dev/null
run() { dotnet "$project/bin/Release/net10.0/Polycloud.Benchmarks.dll" "$@"; }

case "${1:-gate}" in
  gate)
    shift || true
    run gate "$@"
    ;;
  emulators)
    shift
    export POLYCLOUD_EMULATORS="${POLYCLOUD_EMULATORS:-$HOME/.cache/polycloud-emulators}"
    # The blob pairs overwrite 1 MB blobs thousands of times; Azurite frees that content only periodically.
    export POLYCLOUD_AZURITE_EXTENT_MB="${POLYCLOUD_AZURITE_EXTENT_MB:-8192}"
    bash "$root/eng/emulators.sh" start azurite fauxqs gcs gcf lambda
    trap 'bash "$root/eng/emulators.sh" stop' EXIT
    run loopback "$@"
    ;;
  loopback)
    shift
    run loopback "$@"
    ;;
  *)
    run "$@"
    ;;
esac
