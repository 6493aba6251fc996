#!/usr/bin/env bash
# Kills a transfer with kill -9 in the middle of a multipart upload, restarts it with the same plan and journal, and
# checks the result: every object equal to its source (cmp and MD5 of the large object, a checksum comparison of the
# tree), no finished part sent twice, and no multipart upload left open.
#
#   bash eng/transfer-resume.sh [--size-mib N] [--objects N] [--part-mib N] [--bwlimit-mib N] [--kill-after-parts N] [--s3-to-azure]
#
# Defaults: a 256 MiB object (random, generated in a temporary folder, never committed) and a tree of 2,000 objects of
# 4 KiB, 8 MiB parts, 64 MiB/s, killed once the host reported 2 finished parts. Local by default: file -> file (the
# plan streams every copy, so the large object goes in parts). --s3-to-azure copies from the S3 emulator (port 4566) to
# Azurite (port 10000) instead; both must already be running.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib=256 objects=2000 part_mib=8 bwlimit_mib=64 kill_after=2 route=file
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size_mib=$2; shift 2 ;;
    --objects) objects=$2; shift 2 ;;
    --part-mib) part_mib=$2; shift 2 ;;
    --bwlimit-mib) bwlimit_mib=$2; shift 2 ;;
    --kill-after-parts) kill_after=$2; shift 2 ;;
    --s3-to-azure) route=s3-azure; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/polycloud-resume.XXXXXX")
cleanup() {
  if [ "$route" != file ] && [ -f "$root/tests/Polycloud.TransferHost/bin/Release/net10.0/Polycloud.TransferHost.dll" ]; then
    host rmbucket "$src" >/dev/null 2>&1 || true
    host rmbucket "$dst" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
run=$(date +%s)-$$
case $route in
  file)
    src="file://$work/source?create=true"
    dst="file://$work/destination?create=true" ;;
  s3-azure)
    # The S3 emulator accepts any key pair; these are placeholders, not credentials.
    export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
    src="s3://resume-$run?endpoint=http%3A%2F%2F127.0.0.1%3A4566&forcePathStyle=true&region=us-east-1"
    dst="azblob://resume-$run?connectionString=UseDevelopmentStorage%3Dtrue" ;;
esac

echo "== build the transfer host"
dotnet build "$root/tests/Polycloud.TransferHost/Polycloud.TransferHost.csproj" -c Release -nologo -v:q -clp:NoSummary >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
host() { dotnet "$root/tests/Polycloud.TransferHost/bin/Release/net10.0/Polycloud.TransferHost.dll" "$@"; }

echo "== source: one ${size_mib} MiB object and ${objects} objects of 4 KiB ($route)"
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$work/big.bin"
[ $route = file ] || { host mkbucket "$src"; host mkbucket "$dst"; }
host put "$src" big.bin "$work/big.bin"
host tree "$src" tree/ "$objects" 4096
host plan "$src" "$dst" "$work/plan.json" --streamed
part=$((part_mib * 1024 * 1024))
part_count=$(( (size_mib * 1024 * 1024 + part - 1) / part ))

echo "== first run: kill -9 after $kill_after finished parts"
coproc HOST { exec dotnet "$root/tests/Polycloud.TransferHost/bin/Release/net10.0/Polycloud.TransferHost.dll" \
  "$work/plan.json" "$work/journal.db" "$((bwlimit_mib * 1024 * 1024))" --objects 4 --part-size "$part" --part-concurrency 4 \
  </dev/null 2>"$work/first.err"; }
pid=$HOST_PID
parts=0 killed=no
while IFS= read -r line <&"${HOST[0]}"; do
  case $line in
    "parts "*) parts=${line#parts }
      if [ "$parts" -ge "$kill_after" ]; then kill -9 "$pid"; killed=yes; break; fi ;;
    finished*) echo "  the first run finished before $kill_after parts: $line"; break ;;
  esac
done
wait "$pid" 2>/dev/null || true
[ $killed = yes ] || { echo "FAIL: the first run was not killed mid-upload"; cat "$work/first.err"; exit 1; }
echo "  killed after the host reported $parts parts; journal: $(host journal "$work/journal.db")"
journal_parts=$(host journal "$work/journal.db" | sed 's/.*parts \([0-9]*\).*/\1/')
echo "  open uploads at the destination: $(host uploads "$dst" 2>/dev/null || true)"

echo "== second run: same plan, same journal"
host "$work/plan.json" "$work/journal.db" "$((bwlimit_mib * 1024 * 1024))" --objects 4 --part-size "$part" --part-concurrency 4 \
  | grep -v -E '^(objects|parts) [0-9]+$' | tee "$work/second.out"
sent=$(sed -n 's/^parts sent \([0-9]*\), resumed \([0-9]*\)$/\1/p' "$work/second.out")
resumed=$(sed -n 's/^parts sent \([0-9]*\), resumed \([0-9]*\)$/\2/p' "$work/second.out")

echo "== checks"
status=0
check() { if eval "$2"; then echo "  ok    $1"; else echo "  FAIL  $1"; status=1; fi; }
host get "$dst" big.bin "$work/big.out" >/dev/null
check "big.bin byte-identical (cmp)" 'cmp -s "$work/big.bin" "$work/big.out"'
check "big.bin MD5 $(md5sum <"$work/big.bin" | cut -c1-32)" '[ "$(md5sum <"$work/big.bin")" = "$(md5sum <"$work/big.out")" ]'
check "every object equal by checksum ($(host differ "$src" "$dst" | head -c 200))" 'host differ "$src" "$dst" >/dev/null'
check "parts: $sent sent + $resumed resumed = $part_count" '[ "$((sent + resumed))" -eq "$part_count" ]'
check "parts resumed ($resumed) = parts the journal held at the kill ($journal_parts)" '[ "$resumed" -eq "$journal_parts" ]'
check "no multipart upload open at the destination ($(host uploads "$dst" 2>/dev/null || true))" '[ "$(host uploads "$dst" 2>/dev/null)" = "uploads 0" ]'
check "journal: $(host journal "$work/journal.db")" 'host journal "$work/journal.db" | grep -q "uploads 0, parts 0"'
if [ $route = file ]; then
  check "no staging folder left (.polycloud-uploads)" '[ -z "$(ls -A "$work/destination/.polycloud-uploads" 2>/dev/null)" ]'
fi
[ $status -eq 0 ] && echo "== resume after kill -9: all checks passed" || echo "== resume after kill -9: FAILED"
exit $status
