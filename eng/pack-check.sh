#!/usr/bin/env bash
# Proves that a driver author can use Polycloud from its packages, not from this repository: packs Polycloud and
# Polycloud.Testing into a temporary folder (under a version of their own, so that no package cached from an earlier
# run is used), copies samples/LatencyBlobDriver (a third-party blob driver and its tests) out of the repository,
# turns its project references into package references, restores it from that folder plus the machine's usual
# package sources (a nuget.config that adds the folder and clears nothing), builds it and runs its conformance suite.
# Fails when a pack warns, when the consumer does not build, or when no test passes or one fails.
#   bash eng/pack-check.sh            # takes a few minutes (two packs, a restore, a build, the suite)
#   KEEP=1 bash eng/pack-check.sh     # keep the temporary folder to look at the packages and the consumer
# Not part of eng/test.sh (too slow for every run); run it after changing package metadata or the public surface the
# conformance suites use.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
repo=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/polycloud-pack-check.XXXXXX")
base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
version="${base:-0.1.0}-packcheck.$(date -u +%Y%m%d%H%M%S).$$"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"

cleanup() {
  # The run's own version of the two packages leaves the machine's package cache again.
  rm -rf "$packages/polycloud/$version" "$packages/polycloud.testing/$version"
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$work"; else echo "kept: $work"; fi
}
trap cleanup EXIT

echo "== pack Polycloud and Polycloud.Testing $version into $work/packages"
for project in src/Polycloud/Polycloud.csproj src/Polycloud.Testing/Polycloud.Testing.csproj; do
  log="$work/pack-$(basename "$project" .csproj).log"
  if ! dotnet pack "$project" -c Release -o "$work/packages" -p:Version="$version" -nologo >"$log" 2>&1; then
    cat "$log"; echo "pack failed: $project"; exit 1
  fi
  if grep -E ': warning [A-Z]+[0-9]+' "$log" | sort -u | grep .; then
    echo "pack warned: $project (fix the package metadata)"; exit 1
  fi
done
ls "$work/packages"

echo "== the consumer: samples/LatencyBlobDriver, referencing the packages"
mkdir -p "$work/consumer"
cp -r samples/LatencyBlobDriver/src samples/LatencyBlobDriver/tests "$work/consumer/"
rm -rf "$work"/consumer/*/bin "$work"/consumer/*/obj
# Project references to the repository become package references; central versions come from the repository's list.
sed -i 's:<ProjectReference Include="../../../src/Polycloud/Polycloud.csproj" />:<PackageReference Include="Polycloud" />:' "$work/consumer/src/LatencyBlobDriver.csproj"
sed -i 's:<ProjectReference Include="../../../src/Polycloud.Testing/Polycloud.Testing.csproj" />:<PackageReference Include="Polycloud.Testing" />:' "$work/consumer/tests/LatencyBlobDriver.Tests.csproj"
if grep -q '\.\./\.\./\.\./src' "$work"/consumer/*/*.csproj; then
  echo "the consumer still references the repository:"; grep -n '\.\./\.\./\.\./src' "$work"/consumer/*/*.csproj; exit 1
fi
sed "s:^</Project>:  <ItemGroup Label=\"Packed by this check\">\n    <PackageVersion Include=\"Polycloud\" Version=\"$version\" />\n    <PackageVersion Include=\"Polycloud.Testing\" Version=\"$version\" />\n  </ItemGroup>\n</Project>:" \
  Directory.Packages.props >"$work/consumer/Directory.Packages.props"
cat >"$work/consumer/Directory.Build.props" <<'EOF'
<Project>
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <LangVersion>latest</LangVersion>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <NoWarn>$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
</Project>
EOF
# The folder of packages, added to the machine's own sources (no <clear/>: everything else restores as usual).
cat >"$work/consumer/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="polycloud-pack-check" value="$work/packages" />
  </packageSources>
</configuration>
EOF

echo "== build and run the conformance suite against the packages"
cd "$work/consumer"
dotnet build tests/LatencyBlobDriver.Tests.csproj -c Release -nologo -v:q -clp:NoSummary
# The restore took Polycloud from the folder: its assets name the run's version.
grep -q "\"Polycloud/$version\"" tests/obj/project.assets.json || { echo "Polycloud $version was not restored from the packages"; exit 1; }
set +e
dotnet test tests/LatencyBlobDriver.Tests.csproj -c Release --no-build -nologo >"$work/test.log" 2>&1
rc=$?
set -e
grep -E '(Passed|Failed)!|Total tests|error' "$work/test.log" || true
summary=$(grep -E '(Passed|Failed)!' "$work/test.log" | tail -1)
passed=$(sed -n 's/.*Passed: *\([0-9]*\).*/\1/p' <<<"$summary")
if ((rc != 0)) || [[ -z "$passed" ]] || ((passed == 0)); then
  tail -n 60 "$work/test.log"; echo "the conformance suite did not pass against the packages"; exit 1
fi
echo "pack check: OK ($summary)"
cd "$repo"
