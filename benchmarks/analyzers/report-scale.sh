#!/usr/bin/env bash
# Time of `polycloud lockin` on a generated solution of a few hundred files: the LockInPort "before" sources copied
# into PROJECTS projects of COPIES copies each (namespaces renamed so every copy compiles), plus plain files without
# cloud code so the lock-in density is realistic. Prints the file count, the wall-clock time of the whole command
# (MSBuild load + compilation + analyzers) and the report's own timing line.
# Usage: benchmarks/analyzers/report-scale.sh [projects=4] [copies=10] [plain-files-per-project=30]
set -euo pipefail
projects="${1:-4}"; copies="${2:-10}"; plain="${3:-30}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$root/Directory.Packages.props" "$work/"
cat > "$work/Directory.Build.props" <<'PROPS'
<Project><PropertyGroup><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><NoWarn>$(NoWarn);NU1603</NoWarn></PropertyGroup></Project>
PROPS
dotnet new sln -n Scale --format sln -o "$work" >/dev/null

for p in $(seq "$projects"); do
  dir="$work/App$p"
  mkdir -p "$dir"
  cat > "$dir/App$p.csproj" <<'CSPROJ'
<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="AWSSDK.S3" />
    <PackageReference Include="AWSSDK.SQS" />
    <PackageReference Include="Azure.Storage.Blobs" />
    <PackageReference Include="Azure.Storage.Queues" />
    <PackageReference Include="Google.Cloud.Storage.V1" />
  </ItemGroup>
</Project>
CSPROJ
  for c in $(seq "$copies"); do
    for f in Storage/S3ReceiptStore.cs Storage/AzureReceiptStore.cs Storage/GcsReceiptStore.cs \
             Messaging/SqsReceiptNotifier.cs Messaging/AzureQueueNotifier.cs Receipts/ReceiptService.cs; do
      mkdir -p "$dir/C$c/$(dirname "$f")"
      sed -e "s/namespace LockInPort\./namespace App$p.C$c.LockInPort./" \
          -e "s/^using LockInPort\./using App$p.C$c.LockInPort./" "$root/samples/LockInPort/Before/$f" > "$dir/C$c/$f"
    done
  done
  for i in $(seq "$plain"); do
    cat > "$dir/Plain$i.cs" <<CS
namespace App$p.Domain;

/// <summary>Business logic without cloud code.</summary>
public sealed class Calculator$i
{
    private readonly Dictionary<string, decimal> _totals = new();

    public decimal Add(string account, decimal amount)
    {
        _totals.TryGetValue(account, out var total);
        total += amount;
        _totals[account] = total;
        return total;
    }

    public IReadOnlyList<string> Accounts(decimal minimum)
        => _totals.Where(t => t.Value >= minimum).Select(t => t.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();

    public string Describe(string account) => _totals.TryGetValue(account, out var total) ? \$"{account}: {total:0.00}" : \$"{account}: none";
}
CS
  done
  dotnet sln "$work/Scale.sln" add "$dir/App$p.csproj" >/dev/null
done

files=$(find "$work" -name '*.cs' | wc -l)
lines=$(find "$work" -name '*.cs' -print0 | xargs -0 cat | wc -l)
echo "generated: $projects projects, $files C# files, $lines lines"
dotnet restore "$work/Scale.sln" -v:q >/dev/null

dotnet build "$root/src/Polycloud.Cli/Polycloud.Cli.csproj" -c Release -v:q -nologo >/dev/null
cli="$root/src/Polycloud.Cli/bin/Release/net10.0/Polycloud.Cli.dll"
start=$(date +%s%N)
dotnet "$cli" lockin "$work/Scale.sln" --format table > "$work/report.txt"
end=$(date +%s%N)
grep -E "^\| Total|Lock-in score" "$work/report.txt"
echo "polycloud lockin wall-clock: $(( (end - start) / 1000000 )) ms"
