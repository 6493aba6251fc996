using System.Globalization;
using System.Text.Json;
using Polycloud.Residency;

namespace Polycloud.Blobs.Transfer;

/// <summary>
/// A data-transfer price table: per provider and region group, the price per GiB of internet egress (which also prices
/// inter-cloud transfers: the source provider bills its egress) and of transfers to another region of the same provider
/// (same continent and other continent), each with the title of the provider's public pricing page it was read from and
/// when. Same-region and local transfers cost 0; a route the table does not know is unknown, never 0.
/// </summary>
public sealed class BlobTransferPrices
{
    private static readonly Lazy<BlobTransferPrices> Shipped = new(() =>
    {
        using var stream = typeof(BlobTransferPrices).Assembly.GetManifestResourceStream("Polycloud.Blobs.Transfer.transfer-prices.json")
            ?? throw new InvalidOperationException("the embedded transfer price table is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    });

    private readonly Dictionary<string, ProviderPrices> _providers;
    private readonly List<(string Provider, string Pattern, string Group)> _groups;

    private BlobTransferPrices(string currency, Dictionary<string, ProviderPrices> providers, List<(string, string, string)> groups)
    {
        Currency = currency;
        _providers = providers;
        _groups = groups;
    }

    /// <summary>The table shipped with Polycloud (<c>transfer-prices.json</c>, documented in docs/transfer.md).</summary>
    public static BlobTransferPrices Default => Shipped.Value;

    /// <summary>The currency of the prices.</summary>
    public string Currency { get; }

    /// <summary>Reads a table in the format of the shipped one.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The table.</returns>
    /// <exception cref="CloudException">InvalidArgument when the text is not a price table.</exception>
    public static BlobTransferPrices Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var providers = new Dictionary<string, ProviderPrices>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in root.GetProperty("providers").EnumerateObject())
            {
                var groups = new Dictionary<string, GroupPrices>(StringComparer.OrdinalIgnoreCase);
                foreach (var g in p.Value.GetProperty("groups").EnumerateObject())
                {
                    groups[g.Name] = new GroupPrices(g.Value.GetProperty("internet").GetDecimal(), g.Value.GetProperty("sameContinent").GetDecimal(), g.Value.GetProperty("otherContinent").GetDecimal());
                }

                providers[p.Name] = new ProviderPrices(p.Value.GetProperty("source").GetString()!, p.Value.GetProperty("read").GetString()!, groups);
            }

            var regionGroups = root.GetProperty("regionGroups").EnumerateArray()
                .Select(e => (e.GetProperty("provider").GetString()!, e.GetProperty("pattern").GetString()!, e.GetProperty("group").GetString()!)).ToList();
            return new BlobTransferPrices(root.TryGetProperty("currency", out var c) ? c.GetString()! : "USD", providers, regionGroups);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, "json: not a transfer price table (" + e.Message + ").", null, e);
        }
    }

    /// <summary>Prices <paramref name="bytes"/> moved from one location to another.</summary>
    /// <param name="from">Where the bytes are read (provider as in <see cref="ResourceLocation.Provider"/>, region).</param>
    /// <param name="to">Where they are written.</param>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The route's cost; unknown (null price) when the table has no price for it.</returns>
    public BlobTransferRouteCost Price(ResourceLocation from, ResourceLocation to, long bytes)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        string fromRegion = from.Region.Value ?? "unknown region";
        string toRegion = to.Region.Value ?? "unknown region";
        string route = $"{from.Provider} {fromRegion} → {to.Provider} {toRegion}";
        bool fromLocal = string.Equals(from.Provider, "local", StringComparison.OrdinalIgnoreCase);
        bool toLocal = string.Equals(to.Provider, "local", StringComparison.OrdinalIgnoreCase);
        if (fromLocal)
        {
            return new(route, toLocal ? "local to local: no provider bills it" : "from this machine: ingress is free", bytes, 0m, 0m, null, null);
        }

        if (!_providers.TryGetValue(from.Provider, out var prices))
        {
            return Unknown(route, $"unknown: no prices for provider '{from.Provider}'", bytes);
        }

        if (from.Region.Value is null)
        {
            return Unknown(route, $"unknown: the source region is not known ({from.Region.UnknownReason})", bytes);
        }

        string? fromGroup = GroupOf(from.Provider, from.Region.Value);
        if (fromGroup is null || !prices.Groups.TryGetValue(fromGroup, out var group))
        {
            return Unknown(route, $"unknown: no prices for {from.Provider} region '{from.Region.Value}'", bytes);
        }

        bool sameProvider = string.Equals(from.Provider, to.Provider, StringComparison.OrdinalIgnoreCase);
        if (sameProvider)
        {
            if (to.Region.Value is null)
            {
                return Unknown(route, $"unknown: the destination region is not known ({to.Region.UnknownReason})", bytes);
            }

            if (string.Equals(from.Region.Value, to.Region.Value, StringComparison.OrdinalIgnoreCase))
            {
                return new(route, "same region: free", bytes, 0m, 0m, prices.Source, prices.Read);
            }

            string? toGroup = GroupOf(to.Provider, to.Region.Value);
            if (toGroup is null)
            {
                return Unknown(route, $"unknown: no region group for {to.Provider} region '{to.Region.Value}'", bytes);
            }

            bool sameContinent = string.Equals(fromGroup, toGroup, StringComparison.OrdinalIgnoreCase);
            decimal price = sameContinent ? group.SameContinent : group.OtherContinent;
            return new(route, $"inter-region within {from.Provider} ({(sameContinent ? "same continent, " + fromGroup : fromGroup + " to " + toGroup)})", bytes, price, TransferCost.Multiply(bytes, price), prices.Source, prices.Read);
        }

        string what = toLocal ? "to this machine" : "inter-cloud to " + to.Provider;
        return new(route, $"{what}: {from.Provider} internet egress, {fromGroup}", bytes, group.Internet, TransferCost.Multiply(bytes, group.Internet), prices.Source, prices.Read);
    }

    private string? GroupOf(string provider, string region)
    {
        foreach (var (p, pattern, group) in _groups)
        {
            if (string.Equals(p, provider, StringComparison.OrdinalIgnoreCase) && ResidencyPolicy.Matches(pattern, region))
            {
                return group;
            }
        }

        return null;
    }

    private static BlobTransferRouteCost Unknown(string route, string why, long bytes) => new(route, why, bytes, null, null, null, null);

    private sealed record ProviderPrices(string Source, string Read, Dictionary<string, GroupPrices> Groups);

    private sealed record GroupPrices(decimal Internet, decimal SameContinent, decimal OtherContinent);

    internal static string Format(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
