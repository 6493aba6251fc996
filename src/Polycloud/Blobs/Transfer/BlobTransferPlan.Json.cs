using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Polycloud.Blobs.Transfer;

/// <content>JSON form of a plan, for workers that apply a shard.</content>
public sealed partial class BlobTransferPlan
{
    private const int JsonVersion = 1;

    /// <summary>Writes the plan as JSON: the endpoints as URLs (<see cref="BlobEndpoint.Url"/>, required), the mode, the
    /// comparison, the items and the cost. Run options (concurrency, journal, ...) are not included: a worker passes its own.</summary>
    /// <returns>The JSON text.</returns>
    /// <exception cref="CloudException">InvalidArgument when an endpoint has no URL.</exception>
    public string ToJson()
    {
        if (Source.Url is null || Destination.Url is null)
        {
            throw CloudException.InvalidArgument(Source.Url is null ? "Source.Url" : "Destination.Url",
                "a plan is written as JSON with its buckets as URLs; create the endpoint with Url set (for example new BlobEndpoint(bucket, prefix) { Url = \"s3://bucket\" }).");
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", JsonVersion);
            w.WriteString("id", Id);
            w.WriteString("mode", Mode.ToString());
            w.WriteString("comparison", Comparison.ToString());
            WriteEndpoint(w, "source", Source);
            WriteEndpoint(w, "destination", Destination);
            w.WriteStartArray("items");
            foreach (var i in Items)
            {
                w.WriteStartObject();
                w.WriteString("sourceKey", i.SourceKey);
                w.WriteString("destinationKey", i.DestinationKey);
                w.WriteString("action", i.Action.ToString());
                w.WriteString("reason", i.Reason);
                w.WriteNumber("size", i.Size);
                w.WriteString("path", i.Path.ToString());
                if (i.SourceETag is not null)
                {
                    w.WriteString("sourceETag", i.SourceETag);
                }

                if (i.SourceMD5 is not null)
                {
                    w.WriteString("sourceMd5", i.SourceMD5);
                }

                if (i.SourceCrc32c is { } crc)
                {
                    w.WriteNumber("sourceCrc32c", crc);
                }

                if (i.SourceLastModified is { } lm)
                {
                    w.WriteString("sourceLastModified", lm);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var n in Notes)
            {
                w.WriteStringValue(n);
            }

            w.WriteEndArray();
            w.WriteStartObject("cost");
            w.WriteString("currency", Cost.Currency);
            w.WriteStartArray("routes");
            foreach (var r in Cost.Routes)
            {
                w.WriteStartObject();
                w.WriteString("route", r.Route);
                w.WriteString("explanation", r.Explanation);
                w.WriteNumber("bytes", r.Bytes);
                if (r.PricePerGiB is { } p)
                {
                    w.WriteNumber("pricePerGiB", p);
                }

                if (r.PriceSource is not null)
                {
                    w.WriteString("priceSource", r.PriceSource);
                }

                if (r.PriceDate is not null)
                {
                    w.WriteString("priceDate", r.PriceDate);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a plan written by <see cref="ToJson"/>, opening its buckets with <paramref name="opener"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="opener">The opener that knows the plan's URL schemes.</param>
    /// <param name="options">The options the plan is applied with by default.</param>
    /// <returns>The plan.</returns>
    public static BlobTransferPlan FromJson(string json, PolycloudOpener opener, BlobTransferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(opener);
        return FromJson(json, url => opener.OpenBucket(url), options);
    }

    /// <summary>Reads a plan written by <see cref="ToJson"/>, opening its buckets with <paramref name="openBucket"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="openBucket">Opens a bucket from its URL.</param>
    /// <param name="options">The options the plan is applied with by default.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="CloudException">InvalidArgument when the text is not a plan, or its identity does not match its items.</exception>
    public static BlobTransferPlan FromJson(string json, Func<string, BlobBucket> openBucket, BlobTransferOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(openBucket);
        if (string.IsNullOrWhiteSpace(json))
        {
            throw CloudException.InvalidArgument(nameof(json), "the JSON text of a plan is required.");
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            int version = root.GetProperty("version").GetInt32();
            if (version != JsonVersion)
            {
                throw CloudException.InvalidArgument(nameof(json), $"plan format version {version} is not supported (this version reads {JsonVersion}).");
            }

            var mode = Enum.Parse<BlobTransferMode>(root.GetProperty("mode").GetString()!);
            var comparison = Enum.Parse<BlobComparison>(root.GetProperty("comparison").GetString()!);
            var source = ReadEndpoint(root.GetProperty("source"), openBucket);
            var destination = ReadEndpoint(root.GetProperty("destination"), openBucket);
            var items = new List<BlobTransferItem>();
            foreach (var e in root.GetProperty("items").EnumerateArray())
            {
                items.Add(new BlobTransferItem(
                    e.GetProperty("sourceKey").GetString()!,
                    e.GetProperty("destinationKey").GetString()!,
                    Enum.Parse<BlobTransferAction>(e.GetProperty("action").GetString()!),
                    e.GetProperty("reason").GetString()!,
                    e.GetProperty("size").GetInt64(),
                    Enum.Parse<BlobTransferPath>(e.GetProperty("path").GetString()!),
                    e.TryGetProperty("sourceETag", out var etag) ? etag.GetString() : null)
                {
                    SourceMD5 = e.TryGetProperty("sourceMd5", out var md5) ? md5.GetString() : null,
                    SourceCrc32c = e.TryGetProperty("sourceCrc32c", out var crc) ? crc.GetUInt32() : null,
                    SourceLastModified = e.TryGetProperty("sourceLastModified", out var lm) ? lm.GetDateTimeOffset() : null,
                });
            }

            var notes = root.TryGetProperty("notes", out var ns) ? ns.EnumerateArray().Select(n => n.GetString()!).ToArray() : [];
            var routes = new List<BlobTransferRouteCost>();
            string currency = "USD";
            if (root.TryGetProperty("cost", out var cost))
            {
                currency = cost.GetProperty("currency").GetString() ?? "USD";
                foreach (var r in cost.GetProperty("routes").EnumerateArray())
                {
                    long bytes = r.GetProperty("bytes").GetInt64();
                    decimal? price = r.TryGetProperty("pricePerGiB", out var p) ? p.GetDecimal() : null;
                    routes.Add(new BlobTransferRouteCost(r.GetProperty("route").GetString()!, r.GetProperty("explanation").GetString()!, bytes, price,
                        TransferCost.Multiply(bytes, price),
                        r.TryGetProperty("priceSource", out var s) ? s.GetString() : null, r.TryGetProperty("priceDate", out var d) ? d.GetString() : null));
                }
            }

            string id = PlanIdentity.Compute(source, destination, mode, items);
            string claimed = root.GetProperty("id").GetString()!;
            if (!string.Equals(id, claimed, StringComparison.Ordinal))
            {
                throw CloudException.InvalidArgument(nameof(json), $"the plan's id {claimed} does not match its content ({id}); the plan was changed after it was written.");
            }

            return new BlobTransferPlan(id, source, destination, mode, comparison, items, new BlobTransferCostEstimate(routes) { Currency = currency }, notes, options ?? BlobTransferOptions.Default);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, "json: not a transfer plan written by BlobTransferPlan.ToJson (" + e.Message + ").", null, e);
        }
    }

    private static void WriteEndpoint(Utf8JsonWriter w, string name, BlobEndpoint endpoint)
    {
        w.WriteStartObject(name);
        w.WriteString("url", endpoint.Url);
        w.WriteString("prefix", endpoint.Prefix);
        w.WriteEndObject();
    }

    private static BlobEndpoint ReadEndpoint(JsonElement e, Func<string, BlobBucket> open)
    {
        string url = e.GetProperty("url").GetString()!;
        return new BlobEndpoint(open(url), e.GetProperty("prefix").GetString() ?? string.Empty) { Url = url };
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
