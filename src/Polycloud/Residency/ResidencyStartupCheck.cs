using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Queues;

namespace Polycloud.Residency;

/// <summary>
/// Checks every configured blob bucket, queue and function against the residency policy when the host starts, and
/// fails startup with one <see cref="ResidencyViolationException"/> listing every violation.
/// </summary>
internal sealed partial class ResidencyStartupCheck(
    ResidencyPolicy policy,
    IBlobBucketFactory buckets,
    IMessageQueueFactory queues,
    ICloudFunctionFactory functions,
    ILoggerFactory? loggerFactory = null) : IHostedService
{
    private readonly ILogger _logger = (ILogger?)loggerFactory?.CreateLogger("Polycloud.Residency") ?? NullLogger.Instance;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var failures = new List<ResidencyCheck>();
        foreach (var (kind, name, read) in Resources())
        {
            if (policy.RuleFor(name) is null)
            {
                continue;
            }

            ResidencyCheck check;
            try
            {
                check = policy.Check(name, await read(cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A resource that cannot be opened or asked has an unknown region.
                check = new ResidencyCheck(name, kind, ResidencyStatus.Unknown, null, policy.RuleFor(name)!.Value.Rule,
                    $"'{name}' ({kind}): its location could not be read: {e.Message}");
            }

            if (check.Fails(policy.OnUnknown))
            {
                failures.Add(check);
            }
            else if (check.Status == ResidencyStatus.Unknown)
            {
                LogUnknown(_logger, check.Message);
            }
            else
            {
                LogAllowed(_logger, check.Message);
            }
        }

        if (failures.Count > 0)
        {
            throw new ResidencyViolationException(failures);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private IEnumerable<(ResourceKind Kind, string Name, Func<CancellationToken, Task<ResourceLocation>> Read)> Resources()
    {
        foreach (string name in buckets.Names)
        {
            yield return (ResourceKind.Blob, name, ct => buckets.GetBucket(name).GetLocationAsync(ct));
        }

        foreach (string name in queues.Names)
        {
            yield return (ResourceKind.Queue, name, ct => queues.GetQueue(name).GetLocationAsync(ct));
        }

        foreach (string name in functions.Names)
        {
            yield return (ResourceKind.Function, name, ct => functions.GetFunction(name).GetLocationAsync(ct));
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Residency: {Message} (OnUnknown is Warn)")]
    private static partial void LogUnknown(ILogger logger, string message);

    [LoggerMessage(EventId = 41, Level = LogLevel.Debug, Message = "Residency: {Message}")]
    private static partial void LogAllowed(ILogger logger, string message);
}
