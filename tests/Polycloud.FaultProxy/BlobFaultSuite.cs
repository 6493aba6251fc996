using Polycloud.Blobs;

namespace Polycloud.FaultProxy;

/// <summary>
/// Seeded blob operations (upload, read whole, read as a stream, exists, list, delete) through a faulty proxy, each checked
/// against the emulator directly. Rules: a success returns the right data; a failure is a <see cref="CloudException"/>
/// whose code is transient (a retry could help); a failed upload leaves the old object, the new one whole (the fault hit
/// after the service stored it), or nothing, never part of one; a cut read throws, it never returns short data.
/// </summary>
public static class BlobFaultSuite
{
    /// <summary>Runs <paramref name="operations"/> operations and returns the report (violations included, not thrown).</summary>
    /// <param name="name">The provider, for the report.</param>
    /// <param name="viaProxy">The bucket whose driver talks to the proxy.</param>
    /// <param name="direct">The same bucket, talking to the emulator directly (the oracle).</param>
    /// <param name="proxy">The proxy.</param>
    /// <param name="profile">The faults.</param>
    /// <param name="operations">How many operations.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="knownGap">An emulator's known wrong answer: the reason to count a failure as a note, or null.</param>
    public static async Task<FaultRunReport> RunAsync(string name, BlobBucket viaProxy, BlobBucket direct, FaultInjectingProxy proxy, FaultProfile profile, int operations, CancellationToken cancellationToken, Func<CloudException, string?>? knownGap = null)
    {
        ArgumentNullException.ThrowIfNull(viaProxy);
        ArgumentNullException.ThrowIfNull(direct);
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(profile);
        var report = new FaultRunReport { Name = name, Profile = profile, KnownGap = knownGap };
        var random = new Random(profile.Seed);
        var model = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        int next = 0;
        proxy.SetProfile(profile);
        try
        {
            for (int i = 0; i < operations; i++)
            {
                int roll = random.Next(100);
                string? existing = model.Count == 0 ? null : model.Keys.ElementAt(random.Next(model.Count));
                report.Operations++;
                if (roll < 35 || existing is null)
                {
                    string key = existing is not null && random.Next(3) == 0 ? existing : $"f/{next++:D4}";
                    byte[] data = new byte[random.Next(4) == 0 ? random.Next(2) : random.Next(1, 96 * 1024)];
                    random.NextBytes(data);
                    byte[]? before = model.GetValueOrDefault(key);
                    async Task Verify(bool ok)
                    {
                        byte[]? stored = await ReadDirect(direct, key, cancellationToken).ConfigureAwait(false);
                        if (ok)
                        {
                            Check(report, stored is not null && stored.AsSpan().SequenceEqual(data), $"upload {key}: succeeded but the service holds {Describe(stored)}, not the {data.Length} bytes sent");
                            model[key] = data;
                        }
                        else if (stored is not null && stored.AsSpan().SequenceEqual(data) && (before is null || !before.AsSpan().SequenceEqual(data)))
                        {
                            report.Note("upload failed after the service stored it");
                            model[key] = data;
                        }
                        else if (stored is null && before is not null && report.LastFailure?.Message.Contains("the short object was removed", StringComparison.Ordinal) == true)
                        {
                            // The service replaced the old object with a short one; the driver removed it and failed.
                            report.Note("failed upload: the service stored a short object, the driver removed it");
                            model.Remove(key);
                        }
                        else
                        {
                            bool unchanged = before is null ? stored is null : stored is not null && stored.AsSpan().SequenceEqual(before);
                            Check(report, unchanged, $"upload {key}: failed and left {Describe(stored)} (before: {Describe(before)}, sent {data.Length} bytes)");
                        }
                    }

                    await Step(report, $"upload {key} ({data.Length} bytes)", () => viaProxy.UploadAsync(key, data, cancellationToken: cancellationToken), _ => Verify(true), () => Verify(false)).ConfigureAwait(false);
                }
                else if (roll < 55)
                {
                    byte[] expected = model[existing];
                    await Step(report, $"read {existing}", async () => (await viaProxy.ReadAllAsync(existing, cancellationToken: cancellationToken).ConfigureAwait(false)).ToArray(), got =>
                    {
                        Check(report, got.AsSpan().SequenceEqual(expected), $"read {existing}: returned {got.Length} bytes that are not the {expected.Length} stored");
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                }
                else if (roll < 65)
                {
                    byte[] expected = model[existing];
                    await Step(report, $"stream {existing}", async () =>
                    {
                        await using var download = await viaProxy.OpenReadAsync(existing, cancellationToken: cancellationToken).ConfigureAwait(false);
                        using var copy = new MemoryStream();
                        await download.Content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                        return copy.ToArray();
                    }, got =>
                    {
                        Check(report, got.AsSpan().SequenceEqual(expected), $"stream {existing}: returned {got.Length} bytes that are not the {expected.Length} stored");
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                }
                else if (roll < 75)
                {
                    bool present = random.Next(2) == 0;
                    string key = present ? existing : $"missing/{i}";
                    await Step(report, $"exists {key}", () => viaProxy.ExistsAsync(key, cancellationToken), got =>
                    {
                        Check(report, got == present, $"exists {key}: said {got}");
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                }
                else if (roll < 85)
                {
                    await Step(report, "list", async () =>
                    {
                        var keys = new List<string>();
                        await foreach (var item in viaProxy.ListAsync(new BlobListOptions { PageSize = 7 }, cancellationToken).ConfigureAwait(false))
                        {
                            keys.Add(item.Key);
                        }

                        return keys;
                    }, keys =>
                    {
                        Check(report, keys.Order(StringComparer.Ordinal).SequenceEqual(model.Keys), $"list: returned {keys.Count} keys [{string.Join(",", keys.Take(5))}...], the bucket holds {model.Count}");
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                }
                else
                {
                    async Task Verify(bool ok)
                    {
                        byte[]? stored = await ReadDirect(direct, existing, cancellationToken).ConfigureAwait(false);
                        if (ok || stored is null)
                        {
                            Check(report, stored is null, $"delete {existing}: succeeded but the blob is still there");
                            if (!ok)
                            {
                                report.Note("delete failed after the service deleted");
                            }

                            model.Remove(existing);
                        }
                        else
                        {
                            Check(report, stored.AsSpan().SequenceEqual(model[existing]), $"delete {existing}: failed and the blob changed");
                        }
                    }

                    await Step(
                        report,
                        $"delete {existing}",
                        async () =>
                        {
                            try
                            {
                                await viaProxy.DeleteAsync(existing, cancellationToken).ConfigureAwait(false);
                            }
                            catch (CloudException ex) when (ex.ErrorCode == CloudErrorCode.NotFound)
                            {
                                // The blob was there (the oracle says so before the call): the first attempt deleted it,
                                // its answer was lost, and the client's retry found nothing. Checked below: it is gone.
                                report.Note("delete reported NotFound: a retry after the service deleted");
                            }

                            return true;
                        },
                        _ => Verify(true),
                        () => Verify(false)).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            proxy.SetProfile(null);
            report.Collect(proxy);
        }

        return report;
    }

    internal static async Task Step<T>(FaultRunReport report, string what, Func<Task<T>> operation, Func<T, Task> onSuccess, Func<Task>? onFailure = null)
    {
        T result;
        try
        {
            result = await operation().ConfigureAwait(false);
        }
        catch (CloudException ex)
        {
            report.Failed(ex.ErrorCode);
            report.LastFailure = ex;
            if (!ex.IsTransient && report.KnownGap?.Invoke(ex) is { } gap)
            {
                report.Note("known emulator gap: " + gap);
            }
            else if (!ex.IsTransient)
            {
                report.Violations.Add($"{what}: failed with {ex.ErrorCode}, not a transient code: {ex.GetType().Name}: {Flatten(ex)}");
            }

            if (onFailure is not null)
            {
                await onFailure().ConfigureAwait(false);
            }

            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !TestCancelled(ex))
        {
            report.FailuresByCode["(not CloudException)"] = report.FailuresByCode.GetValueOrDefault("(not CloudException)") + 1;
            report.Violations.Add($"{what}: threw {Flatten(ex)}, not a CloudException");
            if (onFailure is not null)
            {
                await onFailure().ConfigureAwait(false);
            }

            return;
        }

        report.Succeeded++;
        await onSuccess(result).ConfigureAwait(false);
    }

    private static bool TestCancelled(Exception ex) => ex is OperationCanceledException oce && oce.CancellationToken.IsCancellationRequested;

    internal static string Flatten(Exception ex)
    {
        var parts = new List<string>();
        for (var e = ex; e is not null && parts.Count < 4; e = e.InnerException)
        {
            parts.Add($"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }

        return string.Join(" <- ", parts);
    }

    private static void Check(FaultRunReport report, bool ok, string violation)
    {
        if (!ok)
        {
            report.Violations.Add(violation);
        }
    }

    private static string Describe(byte[]? data) => data is null ? "no blob" : $"{data.Length} bytes";

    private static async Task<byte[]?> ReadDirect(BlobBucket direct, string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await direct.ReadAllAsync(key, cancellationToken: cancellationToken).ConfigureAwait(false)).ToArray();
        }
        catch (CloudException ex) when (ex.ErrorCode == CloudErrorCode.NotFound)
        {
            return null;
        }
    }
}
