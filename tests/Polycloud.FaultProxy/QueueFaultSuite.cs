using Polycloud.Queues;

namespace Polycloud.FaultProxy;

/// <summary>
/// Seeded queue operations (send; receive, handle, complete) through a faulty proxy, then a drain of the queue directly.
/// Rules: a failure is a <see cref="CloudException"/> with a transient code; every message whose send succeeded is
/// handled and completed, in the run or in the drain (no message lost); a message is completed only by its handler; a
/// delivery nobody sent is a violation. Duplicates (a send retried after the service stored it, a redelivery after a
/// lost completion) are counted: the queues deliver at least once.
/// </summary>
public static class QueueFaultSuite
{
    /// <summary>Runs <paramref name="operations"/> operations, drains the queue directly, and returns the report.</summary>
    /// <param name="name">The provider, for the report.</param>
    /// <param name="viaProxy">The queue whose driver talks to the proxy.</param>
    /// <param name="direct">The same queue, talking to the emulator directly (the oracle and the drain).</param>
    /// <param name="proxy">The proxy.</param>
    /// <param name="profile">The faults.</param>
    /// <param name="operations">How many operations.</param>
    /// <param name="lease">The lease each receive asks for: a message whose receive answer was lost comes back after it.</param>
    /// <param name="drainFor">How long the drain may wait for leased messages to come back.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="longPolls">Whether receives may wait for messages (up to a second), or all return at once.</param>
    public static async Task<FaultRunReport> RunAsync(string name, MessageQueue viaProxy, MessageQueue direct, FaultInjectingProxy proxy, FaultProfile profile, int operations, TimeSpan lease, TimeSpan drainFor, CancellationToken cancellationToken, bool longPolls = true)
    {
        ArgumentNullException.ThrowIfNull(viaProxy);
        ArgumentNullException.ThrowIfNull(direct);
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(profile);
        var report = new FaultRunReport { Name = name, Profile = profile };
        var random = new Random(profile.Seed);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var maybeSent = new HashSet<string>(StringComparer.Ordinal);
        var completed = new HashSet<string>(StringComparer.Ordinal);
        var deliveries = new Dictionary<string, int>(StringComparer.Ordinal);
        int next = 0;
        proxy.SetProfile(profile);
        try
        {
            for (int i = 0; i < operations; i++)
            {
                report.Operations++;
                if (random.Next(100) < 50)
                {
                    string body = $"m-{next++:D4}-{random.Next():x8}";
                    await BlobFaultSuite.Step(report, $"send {body}", () => viaProxy.SendAsync(body, cancellationToken), _ =>
                    {
                        sent.Add(body);
                        return Task.CompletedTask;
                    }, () =>
                    {
                        maybeSent.Add(body);
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                }
                else
                {
                    var options = new QueueReceiveOptions { MaxMessages = random.Next(1, 6), LeaseDuration = lease, WaitTime = TimeSpan.FromSeconds(longPolls ? random.Next(2) : 0 * random.Next(2)) };
                    var received = new List<ReceivedMessage>();
                    await BlobFaultSuite.Step(report, "receive", () => viaProxy.ReceiveAsync(options, cancellationToken), got =>
                    {
                        received.AddRange(got);
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                    foreach (var message in received)
                    {
                        string body = message.Body.ToString();
                        Handle(report, body, sent, maybeSent, deliveries, completed);
                        report.Operations++;
                        await BlobFaultSuite.Step(report, $"complete {body}", async () => { await viaProxy.CompleteAsync(message, cancellationToken).ConfigureAwait(false); return true; }, _ =>
                        {
                            completed.Add(body);
                            return Task.CompletedTask;
                        }).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            proxy.SetProfile(null);
            report.Collect(proxy);
        }

        // The drain: directly, until every message whose send succeeded is accounted for (leases of lost receives end).
        var drained = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTimeOffset.UtcNow + drainFor;
        bool Outstanding() => sent.Any(b => !completed.Contains(b) && !drained.Contains(b));
        int emptyAfterDone = 0;
        while (DateTimeOffset.UtcNow < deadline && (Outstanding() || emptyAfterDone < 1))
        {
            var got = await direct.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 10, LeaseDuration = TimeSpan.FromSeconds(60), WaitTime = TimeSpan.FromSeconds(1) }, cancellationToken).ConfigureAwait(false);
            if (got.Count == 0 && !Outstanding())
            {
                emptyAfterDone++;
            }

            foreach (var message in got)
            {
                string body = message.Body.ToString();
                Handle(report, body, sent, maybeSent, deliveries, completed);
                drained.Add(body);
                await direct.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (string body in sent.Where(b => !completed.Contains(b) && !drained.Contains(b)))
        {
            if (deliveries.ContainsKey(body))
            {
                // Handled; its completion failed, and it did not come back: the failure hit after the service deleted it.
                report.Note("completion failed after the service applied it");
            }
            else
            {
                report.Violations.Add($"message {body}: its send succeeded, it was never delivered (lost)");
            }
        }

        report.Notes["messages sent (send succeeded)"] = sent.Count;
        report.Notes["messages whose send failed"] = maybeSent.Count;
        report.Notes["failed sends delivered anyway"] = maybeSent.Count(b => deliveries.ContainsKey(b));
        report.Notes["completed in the run"] = completed.Count;
        report.Notes["delivered in the drain"] = drained.Count;
        report.Notes["duplicate deliveries"] = deliveries.Values.Sum(n => n - 1);
        return report;
    }

    private static void Handle(FaultRunReport report, string body, HashSet<string> sent, HashSet<string> maybeSent, Dictionary<string, int> deliveries, HashSet<string> completed)
    {
        if (!sent.Contains(body) && !maybeSent.Contains(body))
        {
            report.Violations.Add($"message {body}: delivered, never sent");
        }

        if (completed.Contains(body))
        {
            report.Note("delivered again after a completion succeeded");
        }

        deliveries[body] = deliveries.GetValueOrDefault(body) + 1;
    }
}
