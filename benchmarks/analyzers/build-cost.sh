#!/usr/bin/env bash
# Build-time cost of the Polycloud lock-in analyzers on samples/LockInPort/Before.
# Compiles the sample N times with and without the analyzers (alternating, after one warm-up each), forcing the
# compiler to run every time, and prints the median wall-clock build time of each. Then one build with
# -p:ReportAnalyzer=true prints the compiler's own per-analyzer execution time.
# Usage: benchmarks/analyzers/build-cost.sh [iterations=5]
set -euo pipefail
iterations="${1:-5}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
project="$root/samples/LockInPort/Before/LockInPort.Before.csproj"

dotnet build "$root/src/Polycloud.Analyzers/Polycloud.Analyzers.csproj" -c Release -v:q -nologo >/dev/null
dotnet restore "$project" -v:q >/dev/null

build() { # $1 = true|false
  local start end
  start=$(date +%s%N)
  dotnet build "$project" -c Release --no-restore --no-incremental -p:BuildProjectReferences=false \
    -p:PolycloudAnalyzers="$1" -v:q -nologo -clp:NoSummary >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

build true >/dev/null; build false >/dev/null   # warm-up (build server, disk cache)
with=(); without=()
for _ in $(seq "$iterations"); do
  with+=("$(build true)")
  without+=("$(build false)")
done

with_median=$(printf '%s\n' "${with[@]}" | median)
without_median=$(printf '%s\n' "${without[@]}" | median)
echo "builds per variant: $iterations"
echo "with analyzers (ms):    ${with[*]}  median $with_median"
echo "without analyzers (ms): ${without[*]}  median $without_median"
echo "difference of medians (ms): $(( with_median - without_median ))"

echo "compiler-reported analyzer time (ReportAnalyzer):"
dotnet build "$project" -c Release --no-restore --no-incremental -p:BuildProjectReferences=false \
  -p:PolycloudAnalyzers=true -p:ReportAnalyzer=true -v:d -nologo \
  | grep -E "Total analyzer execution time|^ *[0-9.<]+ +[0-9]+ +(Polycloud\.|Microsoft\.CodeAnalysis\.(CSharp\.)?NetAnalyzers,)" \
  | sed 's/^ *//' | head -20
