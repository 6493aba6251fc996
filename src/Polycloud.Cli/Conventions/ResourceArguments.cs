using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Queues;

namespace Polycloud.Cli.Conventions;

/// <summary>A resource named on the command line or in configuration, not opened yet.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Name">The configured name, or the URL (redacted) when given as a URL.</param>
/// <param name="Url">The redacted URL, for display.</param>
/// <param name="Open">Opens it: a blob bucket, message queue or function (each has <c>GetLocationAsync</c>).</param>
/// <param name="OwnedByCommand"><see langword="true"/> for a URL from the command line: the command disposes what it opens
/// (configured resources belong to their factories).</param>
internal sealed record ResourceReference(ResourceKind Kind, string Name, string Url, Func<object> Open, bool OwnedByCommand = false);

/// <summary>
/// The resource arguments every command shares: each is a URL (<c>mem://x</c>, <c>s3://b?region=…</c>) or the name of
/// a resource configured under <c>Polycloud:Blobs</c>, <c>Polycloud:Queues</c> or <c>Polycloud:Functions</c>. A URL
/// whose scheme several kinds use (<c>mem://</c>, <c>file://</c>) is a blob bucket unless prefixed with <c>queue:</c>
/// or <c>function:</c> (<c>queue:mem://jobs</c>). No argument means every configured resource.
/// </summary>
internal static class ResourceArguments
{
    /// <summary>The <c>resources</c> argument.</summary>
    public static Argument<string[]> Argument() => new("resources")
    {
        Description = "Resource URLs (mem://x, s3://bucket?region=eu-west-1, queue:mem://jobs) or configured names; default: every configured resource.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Resolves the arguments (or every configured resource); throws <see cref="CliUsageException"/> for an unknown name or a bad URL.</summary>
    public static IReadOnlyList<ResourceReference> Resolve(IReadOnlyList<string> arguments, IServiceProvider services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Polycloud");
        var buckets = services.GetRequiredService<IBlobBucketFactory>();
        var queues = services.GetRequiredService<IMessageQueueFactory>();
        var functions = services.GetRequiredService<ICloudFunctionFactory>();
        var opener = services.GetRequiredService<PolycloudOpener>();
        var list = new List<ResourceReference>();
        if (arguments.Count == 0)
        {
            AddConfigured(list, section, buckets, queues, functions, null);
            return list;
        }

        foreach (string argument in arguments)
        {
            if (argument.StartsWith('-'))
            {
                throw new CliUsageException($"unknown option '{argument}'. Run 'polycloud --help' for usage.");
            }

            if (argument.Contains("://", StringComparison.Ordinal))
            {
                list.Add(FromUrl(argument, opener));
            }
            else if (!AddConfigured(list, section, buckets, queues, functions, argument))
            {
                var all = buckets.Names.Concat(queues.Names).Concat(functions.Names).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToArray();
                throw new CliUsageException(
                    $"no resource named '{argument}' is configured under Polycloud:Blobs, Polycloud:Queues or Polycloud:Functions. Configured: {(all.Length == 0 ? "none" : string.Join(", ", all))}. Give a URL such as 'mem://name' instead.");
            }
        }

        return list;
    }

    private static bool AddConfigured(List<ResourceReference> list, IConfiguration section, IBlobBucketFactory buckets, IMessageQueueFactory queues, ICloudFunctionFactory functions, string? only)
    {
        bool found = false;
        foreach (string name in buckets.Names.Where(n => only is null || string.Equals(n, only, StringComparison.OrdinalIgnoreCase)))
        {
            list.Add(new(ResourceKind.Blob, name, RedactedUrl(section.GetSection("Blobs").GetSection(name)), () => buckets.GetBucket(name)));
            found = true;
        }

        foreach (string name in queues.Names.Where(n => only is null || string.Equals(n, only, StringComparison.OrdinalIgnoreCase)))
        {
            list.Add(new(ResourceKind.Queue, name, RedactedUrl(section.GetSection("Queues").GetSection(name)), () => queues.GetQueue(name)));
            found = true;
        }

        foreach (string name in functions.Names.Where(n => only is null || string.Equals(n, only, StringComparison.OrdinalIgnoreCase)))
        {
            list.Add(new(ResourceKind.Function, name, RedactedUrl(section.GetSection("Functions").GetSection(name)), () => functions.GetFunction(name)));
            found = true;
        }

        return found;
    }

    /// <summary>The configured URL with its settings, secrets replaced by <c>***</c> (<see cref="CloudUrl.ToString"/>).</summary>
    private static string RedactedUrl(IConfigurationSection resource)
    {
        string? url = resource.Value ?? resource["Url"];
        if (string.IsNullOrEmpty(url))
        {
            return "(no url)";
        }

        var settings = resource.GetChildren()
            .Where(c => c.Value is not null && !string.Equals(c.Key, "Url", StringComparison.OrdinalIgnoreCase))
            .Select(c => new KeyValuePair<string, string>(c.Key, c.Value!));
        try
        {
            return CloudUrl.Parse(url, settings).ToString();
        }
        catch (CloudException)
        {
            return "(invalid url)";
        }
    }

    private static ResourceReference FromUrl(string argument, PolycloudOpener opener)
    {
        ResourceKind? kind = null;
        string url = argument;
        foreach (var (prefix, k) in new[] { ("blob:", ResourceKind.Blob), ("queue:", ResourceKind.Queue), ("function:", ResourceKind.Function) })
        {
            if (argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !argument.StartsWith(prefix + "//", StringComparison.Ordinal))
            {
                kind = k;
                url = argument[prefix.Length..];
            }
        }

        CloudUrl parsed;
        try
        {
            parsed = CloudUrl.Parse(url);
        }
        catch (CloudException e)
        {
            throw new CliUsageException(e.Message);
        }

        string redacted = parsed.ToString();
        kind ??= opener.BlobSchemes.Contains(parsed.Scheme) ? ResourceKind.Blob
            : opener.QueueSchemes.Contains(parsed.Scheme) ? ResourceKind.Queue
            : opener.FunctionSchemes.Contains(parsed.Scheme) ? ResourceKind.Function
            : throw new CliUsageException($"no provider is registered for the scheme '{parsed.Scheme}' (in '{redacted}'). Blob schemes: {string.Join(", ", opener.BlobSchemes)}; queue schemes: {string.Join(", ", opener.QueueSchemes)}; function schemes: {string.Join(", ", opener.FunctionSchemes)}.");
        Func<object> open = kind switch
        {
            ResourceKind.Blob => () => opener.OpenBucket(url),
            ResourceKind.Queue => () => opener.OpenQueue(url),
            _ => () => opener.OpenFunction(url),
        };
        return new ResourceReference(kind.Value, redacted, redacted, open, OwnedByCommand: true);
    }
}
