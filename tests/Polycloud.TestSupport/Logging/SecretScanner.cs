using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace Polycloud.TestSupport.Logging;

/// <summary>
/// Looks for credentials in what a test run produced: log lines, exception messages and their <c>ToString()</c>,
/// exception data and <see cref="CloudException"/> properties, span tags. It knows the secrets the fixtures use (added
/// with <see cref="Add"/>, in their raw and URL-escaped forms) and the shapes a secret has on the wire (a SAS
/// <c>sig=</c>, an AWS <c>X-Amz-Signature=</c>, a bearer token, a <c>Password=</c> in a connection string).
/// </summary>
public sealed partial class SecretScanner : IDisposable
{
    /// <summary>Azurite's well-known development account key.</summary>
    public const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The secret access key of the AWS documentation examples, used by the AWS fixtures.</summary>
    public const string AwsExampleSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private static long _totalLines;
    private static long _totalSecrets;
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _leaks = new();
    private readonly ConcurrentQueue<string> _spanText = new();
    private ActivityListener? _listener;
    private long _lines;

    /// <summary>Creates a scanner that knows the well-known fixture secrets.</summary>
    public SecretScanner()
    {
        Add(AzuriteAccountKey);
        Add(AwsExampleSecretKey);
    }

    /// <summary>Log lines, messages and tags scanned by every scanner in this process.</summary>
    public static long TotalLinesScanned => Interlocked.Read(ref _totalLines);

    /// <summary>Secrets known to every scanner in this process (counted per scanner).</summary>
    public static long TotalSecretsChecked => Interlocked.Read(ref _totalSecrets);

    /// <summary>The secrets this scanner looks for.</summary>
    public int SecretCount => _secrets.Count;

    /// <summary>What this scanner has scanned.</summary>
    public long LinesScanned => Interlocked.Read(ref _lines);

    /// <summary>The leaks found so far.</summary>
    public IReadOnlyCollection<string> Leaks => [.. _leaks];

    /// <summary>Adds a secret (at least 4 characters) to look for, with its URL-escaped form.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>This scanner.</returns>
    public SecretScanner Add(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (secret.Length < 4)
        {
            throw new ArgumentException("a secret that short would match everywhere; use a longer test secret.", nameof(secret));
        }

        if (_secrets.Add(secret))
        {
            Interlocked.Increment(ref _totalSecrets);
        }

        _secrets.Add(Uri.EscapeDataString(secret));
        return this;
    }

    /// <summary>Also scans the tags and events of every span of the given activity sources, until disposed.</summary>
    /// <param name="sourcePrefix">The activity source name prefix, for example <c>Polycloud</c>.</param>
    /// <returns>This scanner.</returns>
    public SecretScanner ListenToSpans(string sourcePrefix = "Polycloud")
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name.StartsWith(sourcePrefix, StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                _spanText.Enqueue(a.DisplayName);
                foreach (var tag in a.TagObjects)
                {
                    _spanText.Enqueue($"{tag.Key}={tag.Value}");
                }

                foreach (var e in a.Events)
                {
                    _spanText.Enqueue(e.Name);
                    foreach (var tag in e.Tags)
                    {
                        _spanText.Enqueue($"{tag.Key}={tag.Value}");
                    }
                }

                if (a.StatusDescription is { } status)
                {
                    _spanText.Enqueue(status);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        return this;
    }

    /// <summary>Scans one piece of text.</summary>
    /// <param name="where">Where it came from, for the report.</param>
    /// <param name="text">The text.</param>
    public void Scan(string where, string? text)
    {
        Interlocked.Increment(ref _lines);
        Interlocked.Increment(ref _totalLines);
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (string secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                _leaks.Enqueue($"{where}: contains the secret '{Mask(secret)}': {text}");
            }
        }

        foreach (var regex in new[] { SasSignature(), AwsSignature(), BearerToken(), ConnectionStringPassword(), UrlPassword() })
        {
            if (regex.Match(text) is { Success: true } m)
            {
                _leaks.Enqueue($"{where}: contains '{Mask(m.Value)}': {text}");
            }
        }
    }

    /// <summary>Scans captured log entries (message and exception).</summary>
    /// <param name="logs">The logs.</param>
    public void ScanLogs(IEnumerable<CapturedLog> logs)
    {
        foreach (var log in logs)
        {
            Scan($"log {log.Category} {log.Level}", log.Message);
            if (log.Exception is not null)
            {
                ScanException(log.Exception);
            }
        }
    }

    /// <summary>Scans an exception: message, <c>ToString()</c>, data, public string properties, inner exceptions.</summary>
    /// <param name="exception">The exception.</param>
    public void ScanException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        string type = exception.GetType().Name;
        Scan(type + ".Message", exception.Message);
        Scan(type + ".ToString()", exception.ToString());
        foreach (DictionaryEntry entry in exception.Data)
        {
            Scan($"{type}.Data[{entry.Key}]", Convert.ToString(entry.Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var property in exception.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name is not ("StackTrace" or "TargetSite") && property.PropertyType.IsValueType is false)
            {
                object? value;
                try
                {
                    value = property.GetValue(exception);
                }
                catch (TargetInvocationException)
                {
                    continue;
                }

                if (value is string or Uri)
                {
                    Scan($"{type}.{property.Name}", value.ToString());
                }
            }
        }

        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions)
            {
                ScanException(inner);
            }
        }
        else if (exception.InnerException is { } inner)
        {
            ScanException(inner);
        }
    }

    /// <summary>Fails with every leak found, after scanning the collected span text.</summary>
    public void AssertNoLeaks()
    {
        while (_spanText.TryDequeue(out var text))
        {
            Scan("span", text);
        }

        Assert.True(_leaks.IsEmpty, $"{_leaks.Count} secret(s) in logs or errors:\n" + string.Join("\n", _leaks));
        Assert.True(LinesScanned > 0, "nothing was scanned");
        TestContext.Current.TestOutputHelper?.WriteLine($"secret scan: {SecretCount} secret forms checked, {LinesScanned} lines scanned, 0 leaks");
    }

    /// <inheritdoc/>
    public void Dispose() => _listener?.Dispose();

    private static string Mask(string secret) => secret.Length <= 8 ? "****" : secret[..4] + "…" + secret[^2..];

    [GeneratedRegex(@"[?&]sig=(?!REDACTED)[A-Za-z0-9%+/=]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex SasSignature();

    [GeneratedRegex(@"X-Amz-Signature=[0-9a-f]{16,}", RegexOptions.IgnoreCase)]
    private static partial Regex AwsSignature();

    [GeneratedRegex(@"Bearer\s+(?!REDACTED)[A-Za-z0-9._~+/-]{8,}=*")]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"(?<![A-Za-z])(Password|Pwd)\s*=\s*(?!REDACTED|\*)[^;&\s'""]{3,}", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"://[^/\s:@]+:(?!REDACTED|\*)[^/\s@]{3,}@")]
    private static partial Regex UrlPassword();
}
