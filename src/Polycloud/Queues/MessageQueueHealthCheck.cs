using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.DependencyInjection;

namespace Polycloud.Queues;

/// <summary>Checks that a queue exists and can be read, with <see cref="MessageQueue.GetPropertiesAsync"/>: one
/// read-only call that receives nothing, so no message is leased or delayed by the check. The approximate message
/// count goes into the result's data where the provider reports one. A queue whose driver has no read-only call is
/// reported healthy with <c>probed = false</c> (receiving would lease a message).</summary>
public sealed class MessageQueueHealthCheck : IHealthCheck
{
    private readonly Func<MessageQueue> _queue;

    /// <summary>Creates the check.</summary>
    /// <param name="queue">Gets the queue to check (called at each check; the factories cache the queue).</param>
    public MessageQueueHealthCheck(Func<MessageQueue> queue)
    {
        _queue = queue ?? throw CloudException.InvalidArgument(nameof(queue), "a queue accessor is required.");
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => HealthResults.RunAsync(context, _queue, static q => (q.Provider, q.Name), "queue", async (queue, data) =>
        {
            try
            {
                var properties = await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
                data["probed"] = true;
                if (properties.ApproximateMessageCount is { } count)
                {
                    data["approximateMessageCount"] = count;
                }

                return HealthCheckResult.Healthy($"{queue.Provider}: queue '{queue.Name}' can be read.", data);
            }
            catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotSupported)
            {
                data["probed"] = false;
                return HealthCheckResult.Healthy($"{queue.Provider}: queue '{queue.Name}' is configured; not probed (the driver has no read-only call).", data);
            }
        });
}
