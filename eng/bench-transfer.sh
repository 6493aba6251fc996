#!/usr/bin/env bash
# Transfer benchmark: `polycloud blob sync` against `rclone sync` on the local emulators (see docs/benchmarks-transfer.md).
#   bash eng/bench-transfer.sh            (or: bash eng/bench.sh transfer)
# Scenarios (POLYCLOUD_BENCH_SCENARIOS, default "a b c d"):
#   a  many small objects, S3 (fauxqs) -> Azure Blob (Azurite)
#   b  a few large objects, S3 (fauxqs) -> Azure Blob (Azurite); seeded with Polycloud's multipart upload
#   c  Cloud Storage emulator -> S3 (fauxqs); seeded with Polycloud
#   d  a re-sync with nothing to copy (listing and comparing only), S3 -> Azure Blob
# Sizes: POLYCLOUD_BENCH_SCALE=smoke (default; tiny, under 2 minutes) or full; each size can be overridden:
#   POLYCLOUD_BENCH_ROUNDS, POLYCLOUD_BENCH_TRANSFERS, POLYCLOUD_BENCH_{A,B,C,D}_COUNT, POLYCLOUD_BENCH_{A,B,C,D}_SIZE
#   (bytes); POLYCLOUD_BENCH_BUILD=0 uses the CLI already built in Release instead of building it first.
# Emulators (already running; this script never starts or stops them): POLYCLOUD_TEST_FAUXQS, POLYCLOUD_TEST_AZURITE_BLOB,
# POLYCLOUD_TEST_GCS. Output: a Markdown report on standard output (also written to $POLYCLOUD_BENCH_OUT if set);
# progress on standard error.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

scale="${POLYCLOUD_BENCH_SCALE:-smoke}"
case "$scale" in
  smoke) d_rounds=2; d_a_count=30;   d_a_size=65536;     d_b_count=2; d_b_size=$((12 * 1048576))
         d_c_count=20; d_c_size=65536; d_d_count=100;   d_d_size=1024 ;;
  full)  d_rounds=5; d_a_count=2000; d_a_size=65536;     d_b_count=4; d_b_size=$((256 * 1048576))
         d_c_count=1000; d_c_size=262144; d_d_count=10000; d_d_size=1024 ;;
  *) echo "POLYCLOUD_BENCH_SCALE must be smoke or full (was '$scale')" >&2; exit 2 ;;
esac
rounds="${POLYCLOUD_BENCH_ROUNDS:-$d_rounds}"
transfers="${POLYCLOUD_BENCH_TRANSFERS:-16}"
scenarios="${POLYCLOUD_BENCH_SCENARIOS:-a b c d}"
declare -A count size
count[a]="${POLYCLOUD_BENCH_A_COUNT:-$d_a_count}"; size[a]="${POLYCLOUD_BENCH_A_SIZE:-$d_a_size}"
count[b]="${POLYCLOUD_BENCH_B_COUNT:-$d_b_count}"; size[b]="${POLYCLOUD_BENCH_B_SIZE:-$d_b_size}"
count[c]="${POLYCLOUD_BENCH_C_COUNT:-$d_c_count}"; size[c]="${POLYCLOUD_BENCH_C_SIZE:-$d_c_size}"
count[d]="${POLYCLOUD_BENCH_D_COUNT:-$d_d_count}"; size[d]="${POLYCLOUD_BENCH_D_SIZE:-$d_d_size}"

fauxqs="${POLYCLOUD_TEST_FAUXQS:-http://127.0.0.1:4566}"; fauxqs="${fauxqs%/}"
azurite="${POLYCLOUD_TEST_AZURITE_BLOB:-http://127.0.0.1:10000/devstoreaccount1}"; azurite="${azurite%/}"
gcs="${POLYCLOUD_TEST_GCS:-http://127.0.0.1:9199}"; gcs="${gcs%/}"
az_account=devstoreaccount1
az_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

for tool in rclone python3 /usr/bin/time dotnet; do
  command -v "$tool" >/dev/null || { echo "bench-transfer: '$tool' is needed" >&2; exit 2; }
done
say() { echo "[bench-transfer $(date -u +%H:%M:%S)] $*" >&2; }

# --- Polycloud CLI, Release -------------------------------------------------------------------------------------------
cli_project="$root/src/Polycloud.Cli/Polycloud.Cli.csproj"
if [[ "${POLYCLOUD_BENCH_BUILD:-1}" != 0 ]]; then
  say "building $cli_project (Release)"
  dotnet build "$cli_project" -c Release --nologo -v quiet >/dev/null
fi
cli_dll="$root/src/Polycloud.Cli/bin/Release/net10.0/Polycloud.Cli.dll"
[[ -f "$cli_dll" ]] || { echo "bench-transfer: $cli_dll was not built" >&2; exit 2; }
polycloud() { dotnet "$cli_dll" "$@"; }

# --- rclone remotes, from the environment only ------------------------------------------------------------------------
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
# An account SAS for Azurite (rclone 1.60's azureblob takes no endpoint with an account key). The expiry is a date
# without a time: rclone lower-cases the query, and a 'T' or 'Z' would no longer match the signature.
az_sas="$(python3 - "$az_account" "$az_key" <<'PY'
import base64, hashlib, hmac, sys, urllib.parse
account, key = sys.argv[1], sys.argv[2]
version, perms, expiry = "2020-10-02", "rwdlac", "2099-01-01"
to_sign = "\n".join([account, perms, "b", "sco", "", expiry, "", "", version, ""])
sig = base64.b64encode(hmac.new(base64.b64decode(key), to_sign.encode(), hashlib.sha256).digest()).decode()
print(f"sv={version}&ss=b&srt=sco&sp={perms}&se={expiry}&sig={urllib.parse.quote(sig, safe='')}")
PY
)"
export RCLONE_CONFIG=/dev/null
unset AWS_CA_BUNDLE || true
export RCLONE_CONFIG_S3_TYPE=s3 RCLONE_CONFIG_S3_PROVIDER=Other RCLONE_CONFIG_S3_ENDPOINT="$fauxqs" \
  RCLONE_CONFIG_S3_FORCE_PATH_STYLE=true RCLONE_CONFIG_S3_REGION=us-east-1 \
  RCLONE_CONFIG_S3_ACCESS_KEY_ID=polycloud-test RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=polycloud-test-secret
export RCLONE_CONFIG_AZ_TYPE=azureblob RCLONE_CONFIG_AZ_SAS_URL="$azurite?$az_sas"
export RCLONE_CONFIG_GCS_TYPE=gcs RCLONE_CONFIG_GCS_ENDPOINT="$gcs/storage/v1/" RCLONE_CONFIG_GCS_ANONYMOUS=true
rc_quiet() { rclone "$@" --retries 1 --low-level-retries 2 --contimeout 10s --timeout 120s; }

# Each side: a Polycloud URL and an rclone path for one bucket or container.
pc_url() { # provider bucket
  case "$1" in
    s3) echo "s3://$2?endpoint=$(urlenc "$fauxqs")&forcePathStyle=true&region=us-east-1&accessKeyId=polycloud-test&secretAccessKey=polycloud-test-secret" ;;
    azure) echo "azblob://$2?endpoint=$(urlenc "$azurite")&account=$az_account&accountKey=$(urlenc "$az_key")" ;;
    gcs) echo "gs://$2?endpoint=$(urlenc "$gcs/")&anonymous=true" ;;
  esac
}
rc_path() { case "$1" in s3) echo "s3:$2" ;; azure) echo "az:$2" ;; gcs) echo "gcs:$2" ;; esac; }
make_bucket() { # provider bucket (the Cloud Storage emulator creates a bucket on its first write)
  [[ "$1" == gcs ]] || rc_quiet mkdir "$(rc_path "$1" "$2")" >/dev/null 2>&1
}

run_id="$(date -u +%H%M%S)$RANDOM"
work="$(mktemp -d "${TMPDIR:-/tmp}/pc-bench-transfer.XXXXXX")"
created=()   # "provider bucket" pairs to purge at the end
cleanup() {
  local entry
  for entry in "${created[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    rc_quiet purge "$(rc_path "$1" "$2")" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Writes COUNT files of SIZE random bytes under DIR (keys obj/NNNNNN.bin).
make_files() { # dir count size
  python3 - "$@" <<'PY'
import os, sys
d, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(os.path.join(d, "obj"), exist_ok=True)
for i in range(n):
    with open(os.path.join(d, "obj", f"{i:06d}.bin"), "wb") as f:
        left = size
        while left > 0:
            chunk = min(left, 8 << 20)
            f.write(os.urandom(chunk))
            left -= chunk
PY
}

# Seeds PROVIDER BUCKET with COUNT × SIZE objects written by Polycloud (multipart where an object is larger than a part).
# Polycloud's file driver keeps its own on-disk format, so local files are first staged in an Azurite container by
# rclone, then `polycloud blob cp` writes them to the source bucket.
seed() { # provider bucket count size
  local dir="$work/seed-$2" stage="$2-stage"
  make_bucket "$1" "$2"
  created+=("$1 $2")
  make_files "$dir" "$3" "$4"
  make_bucket azure "$stage"
  created+=("azure $stage")
  rc_quiet copy "$dir" "az:$stage" --transfers "$transfers" >/dev/null 2>"$work/stage-$2.err" \
    || { say "staging $2 with rclone failed: $(head -c 600 "$work/stage-$2.err")"; exit 1; }
  rm -rf "$dir"
  polycloud blob cp "$(pc_url azure "$stage")" "$(pc_url "$1" "$2")" --transfers "$transfers" --json >"$work/seed-$2.json" 2>"$work/seed-$2.err" \
    || { say "seeding $1:$2 failed: $(head -c 600 "$work/seed-$2.err") $(head -c 600 "$work/seed-$2.json")"; exit 1; }
  local copied
  copied=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["copied"])' "$work/seed-$2.json")
  [[ "$copied" == "$3" ]] || { say "seeding $1:$2: Polycloud copied $copied objects, expected $3"; exit 1; }
  rc_quiet purge "az:$stage" >/dev/null 2>&1 || true
}

results="$work/results.tsv"   # scenario tool round order wall_s rss_kb rc check note
notes="$work/notes.md"
: >"$results"; : >"$notes"
one_line() { tr '\n\t' '  ' | sed -e 's/  */ /g' | cut -c1-240; }

# Runs one sync under /usr/bin/time; appends a row to the results.
measure() { # scenario tool round order src_provider src_bucket dst_provider dst_bucket
  local sc="$1" tool="$2" round="$3" order="$4" sp="$5" sb="$6" dp="$7" db="$8"
  local out="$work/$sc-$tool-$round.out" err="$work/$sc-$tool-$round.err" tm="$work/$sc-$tool-$round.time" rc=0
  local start end
  start=$(date +%s%N)
  if [[ "$tool" == polycloud ]]; then
    /usr/bin/time -f '%M' -o "$tm" dotnet "$cli_dll" blob sync "$(pc_url "$sp" "$sb")" "$(pc_url "$dp" "$db")" \
      --transfers "$transfers" --json >"$out" 2>"$err" || rc=$?
  else
    /usr/bin/time -f '%M' -o "$tm" rclone sync "$(rc_path "$sp" "$sb")" "$(rc_path "$dp" "$db")" --transfers "$transfers" \
      --checksum -v --retries 1 --low-level-retries 2 --contimeout 10s --timeout 120s >"$out" 2>"$err" || rc=$?
  fi
  end=$(date +%s%N)
  local wall rss check note=""
  wall=$(python3 -c "print(f'{($end - $start) / 1e9:.3f}')")
  rss=$(tail -1 "$tm" | tr -dc '0-9'); rss="${rss:-0}"
  # The check: what the tool says it copied, and what the destination holds afterwards (listed by rclone).
  if [[ "$tool" == polycloud ]]; then
    check=$(python3 - "$out" <<'PY' 2>/dev/null || echo "no json"
import json, sys
r = json.load(open(sys.argv[1]))
paths = ",".join(f"{k} {v}" for k, v in (r.get("bytesByPath") or {}).items() if v)
print(f"copied {r.get('copied')} skipped {r.get('skipped')} failed {r.get('failed')}, apply {r.get('elapsedSeconds')} s" + (f"; bytes by path: {paths}" if paths else ""))
PY
)
  else
    check="copied $(grep -c -E ': (Copied \(|Updated )' "$err" || true)"
  fi
  local listed expected="${count[$sc]} $((count[$sc] * size[$sc]))"
  listed=$(rc_quiet size --json "$(rc_path "$dp" "$db")" 2>/dev/null | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["count"], r["bytes"])' 2>/dev/null || echo "unlisted")
  check="$check; destination holds ${listed/ / objects, } bytes"
  if [[ $rc -ne 0 ]]; then
    note="exit $rc: $( (grep -h -E 'ERROR|error|Error|failed' "$err" "$out" || cat "$err") | head -3 | one_line)"
  elif [[ "$listed" != "$expected" ]]; then
    rc=99; note="the destination holds ${listed/ / objects, } bytes, expected ${expected/ / objects, } bytes"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sc" "$tool" "$round" "$order" "$wall" "$rss" "$rc" "$check" "$note" >>"$results"
  say "  $sc round $round $tool: ${wall}s, max RSS ${rss} KiB, exit $rc; $check${note:+; $note}"
}

declare -A src_p dst_p title
src_p[a]=s3; dst_p[a]=azure; title[a]="a. many small objects, S3 emulator → Azurite"
src_p[b]=s3; dst_p[b]=azure; title[b]="b. large objects, S3 emulator → Azurite"
src_p[c]=gcs; dst_p[c]=s3;   title[c]="c. GCS emulator → S3 emulator"
src_p[d]=s3; dst_p[d]=azure; title[d]="d. no-change re-sync, S3 emulator → Azurite"

for sc in $scenarios; do
  [[ -n "${src_p[$sc]:-}" ]] || { echo "unknown scenario '$sc' (a, b, c or d)" >&2; exit 2; }
  src="pcb-$run_id-$sc-src"
  say "scenario ${title[$sc]}: seeding ${count[$sc]} × ${size[$sc]} B with Polycloud"
  seed "${src_p[$sc]}" "$src" "${count[$sc]}" "${size[$sc]}"

  if [[ "$sc" == b ]]; then
    # Can rclone itself put one such object into fauxqs? (It is not used to seed; the answer goes into the report.)
    probe="pcb-$run_id-probe"; make_bucket s3 "$probe"; created+=("s3 $probe")
    mkdir -p "$work/probe"; make_files "$work/probe" 1 "${size[b]}"
    # As one PUT (rclone's upload cutoff above the size), then as a multipart upload (5 MiB parts).
    for how in single multipart; do
      if [[ "$how" == single ]]; then flags=(--s3-upload-cutoff "$((size[b] / 1048576 + 1))M"); else flags=(--s3-upload-cutoff 5M --s3-chunk-size 5M); fi
      if rc_quiet copyto "$work/probe/obj/000000.bin" "s3:$probe/$how.bin" "${flags[@]}" >"$work/probe.out" 2>"$work/probe.err"; then
        echo "- rclone uploading one ${size[b]}-byte object to the S3 emulator ($how request): succeeded." >>"$notes"
      else
        echo "- rclone uploading one ${size[b]}-byte object to the S3 emulator ($how request): **failed**: $( (grep -h -o -E '(Failed to copy|failed to finalise): .*' "$work/probe.err" || grep -h -E 'ERROR' "$work/probe.err" || cat "$work/probe.err") | head -1 | sed -e 's/^[0-9/]* [0-9:]* //' | one_line). The sources are seeded with Polycloud's multipart upload instead." >>"$notes"
      fi
    done
    rm -rf "$work/probe"
  fi

  if [[ "$sc" == d ]]; then
    # Each tool first fills a destination of its own (not measured); each round then re-syncs with nothing to copy.
    for tool in polycloud rclone; do
      dst="pcb-$run_id-d-$tool"; make_bucket "${dst_p[d]}" "$dst"; created+=("${dst_p[d]} $dst")
      if [[ "$tool" == polycloud ]]; then
        polycloud blob sync "$(pc_url s3 "$src")" "$(pc_url azure "$dst")" --transfers "$transfers" --json >/dev/null 2>"$work/d-fill.err" \
          || { say "first sync (polycloud) failed: $(head -c 400 "$work/d-fill.err")"; exit 1; }
      else
        rc_quiet sync "s3:$src" "az:$dst" --transfers "$transfers" --checksum >/dev/null 2>"$work/d-fill.err" \
          || { say "first sync (rclone) failed: $(head -c 400 "$work/d-fill.err")"; exit 1; }
      fi
    done
  fi

  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2 == 1)); then order="polycloud rclone"; else order="rclone polycloud"; fi
    pos=0
    for tool in $order; do
      pos=$((pos + 1))
      if [[ "$sc" == d ]]; then
        dst="pcb-$run_id-d-$tool"
      else
        dst="pcb-$run_id-$sc-$tool-$r"; make_bucket "${dst_p[$sc]}" "$dst"
      fi
      measure "$sc" "$tool" "$r" "$pos" "${src_p[$sc]}" "$src" "${dst_p[$sc]}" "$dst"
      if [[ "$sc" != d ]]; then
        rc_quiet purge "$(rc_path "${dst_p[$sc]}" "$dst")" >/dev/null 2>&1 || created+=("${dst_p[$sc]} $dst")
      fi
    done
  done
done

# --- Report -----------------------------------------------------------------------------------------------------------
report="$(python3 - "$results" "$notes" "$scale" "$rounds" "$transfers" "$(rclone version | head -1)" \
  "${count[a]}:${size[a]}" "${count[b]}:${size[b]}" "${count[c]}:${size[c]}" "${count[d]}:${size[d]}" <<'PY'
import statistics, sys
from collections import defaultdict
results, notes, scale, rounds, transfers, rclone_version = sys.argv[1:7]
sizes = dict(zip("abcd", (tuple(int(x) for x in s.split(":")) for s in sys.argv[7:11])))
titles = {"a": "a. many small objects, S3 emulator → Azurite", "b": "b. large objects, S3 emulator → Azurite",
          "c": "c. GCS emulator → S3 emulator", "d": "d. no-change re-sync, S3 emulator → Azurite"}
rows = defaultdict(list)
for line in open(results, encoding="utf-8"):
    sc, tool, rnd, order, wall, rss, rc, check, note = line.rstrip("\n").split("\t")
    rows[(sc, tool)].append(dict(round=int(rnd), order=int(order), wall=float(wall), rss=int(rss), rc=int(rc), check=check, note=note))

def human(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:g} {unit}" if unit == "B" else f"{n:.4g} {unit}"
        n /= 1024

print(f"Scale: **{scale}**, {rounds} rounds, `--transfers {transfers}` for both tools, {rclone_version}.")
print()
print("| Scenario | Tool | Wall time per round, s (position in the round) | Median, s | MB/s | objects/s | Peak RSS, MiB | Failed runs |")
print("|---|---|---|---|---|---|---|---|")
ratios = []
for sc in "abcd":
    med = {}
    for tool in ("polycloud", "rclone"):
        runs = rows.get((sc, tool))
        if not runs:
            continue
        n, size = sizes[sc]
        ok = [r for r in runs if r["rc"] == 0]
        per = ", ".join(f"{r['wall']:.2f} ({r['order']}{'' if r['rc'] == 0 else ', failed'})" for r in sorted(runs, key=lambda r: r["round"]))
        if ok:
            m = statistics.median(r["wall"] for r in ok)
            med[tool] = m
            mbs = "—" if sc == "d" else f"{n * size / 1e6 / m:.2f}"
            ops = f"{n / m:.0f}" if n / m >= 10 else f"{n / m:.2f}"
            ms = f"{m:.2f}"
        else:
            mbs = ops = ms = "failed"
        rss = max(r["rss"] for r in runs) / 1024
        failed = f"{len(runs) - len(ok)} of {len(runs)}"
        name = f"{titles[sc]} ({n} × {human(size)})"
        print(f"| {name} | {tool} | {per} | {ms} | {mbs} | {ops} | {rss:.0f} | {failed} |")
    if "polycloud" in med and "rclone" in med:
        ratios.append((sc, med["rclone"] / med["polycloud"]))
    elif (sc, "polycloud") in rows:
        ratios.append((sc, None))
print()
print("Throughput ratio Polycloud / rclone (median wall time of rclone ÷ median wall time of Polycloud; above 1 means Polycloud is faster):")
print()
print("| Scenario | Polycloud / rclone |")
print("|---|---|")
for sc, ratio in ratios:
    print(f"| {titles[sc]} | {'n/a (a side failed every round)' if ratio is None else f'{ratio:.2f}'} |")
print()
print("Checks (what each run reported it copied; what the destination held afterwards, listed by rclone) and failures:")
print()
for (sc, tool), runs in sorted(rows.items()):
    for r in sorted(runs, key=lambda r: r["round"]):
        print(f"- {sc} round {r['round']} {tool}: {r['check']}" + (f" — **{r['note']}**" if r["note"] else ""))
extra = open(notes, encoding="utf-8").read().strip()
if extra:
    print()
    print(extra)
PY
)"
echo "$report"
[[ -z "${POLYCLOUD_BENCH_OUT:-}" ]] || echo "$report" >"$POLYCLOUD_BENCH_OUT"
