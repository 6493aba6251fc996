using Microsoft.Extensions.DependencyInjection;
using Polycloud.Blobs;

namespace Polycloud.Cli.Conventions;

/// <summary>A bucket and a key prefix named on the command line.</summary>
/// <param name="Display">The bucket as printed: the configured name, or the URL with secrets replaced by <c>***</c>.</param>
/// <param name="Prefix">The key prefix ("" for the whole bucket).</param>
/// <param name="Bucket">The opened bucket.</param>
/// <param name="OwnedByCommand"><see langword="true"/> when opened from a URL (the command disposes it).</param>
/// <param name="Reference">What reopens the same bucket in another process: the URL as given (without the prefix), or the configured name.</param>
internal sealed record BlobLocation(string Display, string Prefix, BlobBucket Bucket, bool OwnedByCommand, string Reference) : IAsyncDisposable
{
    /// <inheritdoc/>
    public ValueTask DisposeAsync() => OwnedByCommand ? Bucket.DisposeAsync() : ValueTask.CompletedTask;
}

/// <summary>
/// The bucket arguments of the <c>blob</c> commands: a URL whose path is the key prefix
/// (<c>s3://bucket/photos/2024/?region=eu-west-1</c>; <c>file://</c> URLs, whose path is the folder, take
/// <c>prefix=photos/</c> in the query, which every URL accepts), or a configured name, optionally with a prefix after a
/// colon (<c>docs:photos/2024/</c>). Resolution opens the bucket without any network call.
/// </summary>
internal static class BlobLocations
{
    /// <summary>Resolves one argument; throws <see cref="CliUsageException"/> for an unknown name or an invalid URL or setting.</summary>
    /// <param name="argument">The argument.</param>
    /// <param name="role">What the argument is (<c>SRC</c>, <c>DST</c>, <c>LOCATION</c>), for messages.</param>
    /// <param name="services">The services built from the configuration.</param>
    public static BlobLocation Resolve(string argument, string role, IServiceProvider services)
    {
        if (string.IsNullOrWhiteSpace(argument) || argument.StartsWith('-'))
        {
            throw new CliUsageException($"{role}: '{argument}' is not a bucket: give a URL (s3://bucket/prefix/?region=…) or a configured name (docs, docs:prefix/).");
        }

        if (argument.StartsWith("blob:", StringComparison.OrdinalIgnoreCase) && !argument.StartsWith("blob://", StringComparison.OrdinalIgnoreCase))
        {
            argument = argument["blob:".Length..];
        }

        return argument.Contains("://", StringComparison.Ordinal) ? FromUrl(argument, role, services) : FromName(argument, role, services);
    }

    /// <summary>Splits a URL argument into the bucket URL and the key prefix (from the path, or from a <c>prefix=</c> setting).</summary>
    internal static (string Url, string Prefix) SplitUrl(string argument, string role)
    {
        int q = argument.IndexOf('?', StringComparison.Ordinal);
        string head = q < 0 ? argument : argument[..q];
        string query = q < 0 ? string.Empty : argument[(q + 1)..];
        string? prefix = null;
        var kept = new List<string>();
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("prefix=", StringComparison.OrdinalIgnoreCase))
            {
                prefix = Uri.UnescapeDataString(pair["prefix=".Length..].Replace('+', ' '));
            }
            else
            {
                kept.Add(pair);
            }
        }

        int schemeEnd = head.IndexOf("://", StringComparison.Ordinal);
        string scheme = head[..schemeEnd];
        if (!string.Equals(scheme, "file", StringComparison.OrdinalIgnoreCase))
        {
            int slash = head.IndexOf('/', schemeEnd + 3);
            if (slash >= 0)
            {
                string pathPrefix = Uri.UnescapeDataString(head[(slash + 1)..]);
                head = head[..slash];
                if (pathPrefix.Length > 0)
                {
                    if (prefix is not null)
                    {
                        throw new CliUsageException($"{role}: '{argument}' gives the key prefix twice (in the path and as prefix=); give it once.");
                    }

                    prefix = pathPrefix;
                }
            }
        }

        return (kept.Count == 0 ? head : head + "?" + string.Join('&', kept), prefix ?? string.Empty);
    }

    private static BlobLocation FromUrl(string argument, string role, IServiceProvider services)
    {
        var (url, prefix) = SplitUrl(argument, role);
        var opener = services.GetRequiredService<PolycloudOpener>();
        string redacted;
        try
        {
            var parsed = CloudUrl.Parse(url);
            redacted = parsed.ToString();
            if (!opener.BlobSchemes.Contains(parsed.Scheme))
            {
                throw new CliUsageException($"{role}: no blob provider is registered for the scheme '{parsed.Scheme}' (in '{redacted}'). Blob schemes: {string.Join(", ", opener.BlobSchemes)}.");
            }
        }
        catch (CloudException e)
        {
            throw new CliUsageException($"{role}: {e.Message}");
        }

        try
        {
            return new BlobLocation(redacted, prefix, opener.OpenBucket(url), OwnedByCommand: true, url);
        }
        catch (CloudException e)
        {
            throw new CliUsageException($"{role}: cannot open '{redacted}': {e.Message}");
        }
    }

    private static BlobLocation FromName(string argument, string role, IServiceProvider services)
    {
        int colon = argument.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? argument : argument[..colon];
        string prefix = colon < 0 ? string.Empty : argument[(colon + 1)..];
        var buckets = services.GetRequiredService<IBlobBucketFactory>();
        string? configured = buckets.Names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        if (configured is null)
        {
            var names = buckets.Names.Order(StringComparer.Ordinal).ToArray();
            throw new CliUsageException(
                $"{role}: no bucket named '{name}' is configured under Polycloud:Blobs. Configured: {(names.Length == 0 ? "none" : string.Join(", ", names))}. Give a URL such as 's3://bucket/prefix/?region=eu-west-1' instead.");
        }

        try
        {
            return new BlobLocation(configured, prefix, buckets.GetBucket(configured), OwnedByCommand: false, configured);
        }
        catch (CloudException e)
        {
            throw new CliUsageException($"{role}: the bucket '{configured}' cannot be opened: {e.Message}");
        }
    }
}
