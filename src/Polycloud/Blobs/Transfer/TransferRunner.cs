using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Polycloud.Blobs.Drivers;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use, not a security primitive.

namespace Polycloud.Blobs.Transfer;

/// <summary>Executes one plan.</summary>
internal sealed class TransferRunner
{
    private readonly BlobTransferPlan _plan;
    private readonly BlobTransferOptions _options;
    private readonly BlobBucket _source;
    private readonly BlobBucket _destination;
    private readonly BlobTransferJournal? _journal;
    private readonly TokenBucket? _bandwidth;
    private readonly TokenBucket? _requests;
    private readonly ConcurrentDictionary<string, byte> _current = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<BlobTransferFailure> _failures = new();
    private readonly ConcurrentDictionary<string, byte> _verifiedSources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<BlobTransferPath, long> _bytesByPath = new();
    private readonly ProgressReporter _progress;
    private HashSet<string> _done = new(StringComparer.Ordinal);
    private Dictionary<string, BlobTransferJournal.Upload> _journalUploads = new(StringComparer.Ordinal);
    private int _created;
    private int _updated;
    private int _alreadyDone;
    private int _deleted;
    private int _sourcesDeleted;
    private int _verified;
    private int _partsSent;
    private int _partsResumed;
    private long _bytesCopied;

    public TransferRunner(BlobTransferPlan plan, BlobTransferOptions options)
    {
        _plan = plan;
        _options = options;
        _source = plan.Source.Bucket;
        _destination = plan.Destination.Bucket;
        _journal = options.Journal;
        _bandwidth = TransferLimits.Bandwidth(options);
        _requests = TransferLimits.Requests(options);
        _progress = new ProgressReporter(options.Progress, options.TimeProvider, options.ProgressInterval, plan.Items.Count, plan.Totals.Copy.Bytes,
            () => _current.Keys.ToArray());
    }

    public async Task<BlobTransferResult> RunAsync(CancellationToken cancellationToken)
    {
        long start = _options.TimeProvider.GetTimestamp();
        int deletes = _plan.Totals.Delete.Objects + _plan.Totals.DeleteSource.Objects;
        if (_options.MaxDeletes is { } max && deletes > max)
        {
            throw new CloudException(CloudErrorCode.PreconditionFailed,
                $"transfer: the plan deletes {deletes} objects ({_plan.Totals.Delete.Objects} at the destination, {_plan.Totals.DeleteSource.Objects} sources), more than MaxDeletes = {max}. Nothing was copied or deleted; raise MaxDeletes or narrow the plan.");
        }

        await TransferPlanner.CheckResidencyAsync(_plan.Destination, _options, _plan.Totals.Copy, cancellationToken).ConfigureAwait(false);
        var copies = _plan.Items.Where(i => i.Action is BlobTransferAction.Create or BlobTransferAction.Update).ToArray();
        if (_journal is not null)
        {
            foreach (var stale in await _journal.BeginAsync(_plan.Id, cancellationToken).ConfigureAwait(false))
            {
                await AbortQuietlyAsync(new BlobMultipartUpload(stale.DestinationKey, stale.UploadId)).ConfigureAwait(false);
            }

            _done = await _journal.DoneAsync(cancellationToken).ConfigureAwait(false);
            var needed = copies.Where(c => !_done.Contains(CopyKey(c))).Select(c => c.DestinationKey).ToHashSet(StringComparer.Ordinal);
            foreach (var upload in await _journal.UploadsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (needed.Contains(upload.DestinationKey))
                {
                    _journalUploads[upload.DestinationKey] = upload;
                }
                else
                {
                    await AbortQuietlyAsync(new BlobMultipartUpload(upload.DestinationKey, upload.UploadId)).ConfigureAwait(false);
                    await _journal.RemoveUploadAsync(upload.DestinationKey, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        int skipped = 0;
        foreach (var item in _plan.Items.Where(i => i.Action == BlobTransferAction.SkipEqual))
        {
            skipped++;
            if (item.Reason.StartsWith("equal by md5", StringComparison.Ordinal) || item.Reason.StartsWith("equal by crc32c", StringComparison.Ordinal))
            {
                _verifiedSources[item.SourceKey] = 0;
            }

            _progress.ObjectDone(false);
        }

        await Parallel.ForEachAsync(copies, new ParallelOptions { MaxDegreeOfParallelism = _options.ObjectConcurrency, CancellationToken = cancellationToken },
            (item, ct) => new ValueTask(CopyOneAsync(item, ct))).ConfigureAwait(false);

        string? deletesSkipped = null;
        var extras = _plan.Items.Where(i => i.Action == BlobTransferAction.Delete).ToArray();
        if (extras.Length > 0 && !_failures.IsEmpty)
        {
            deletesSkipped = $"{_failures.Count} copies failed in this run, so none of the {extras.Length} planned deletes ran; fix the failures and sync again.";
        }
        else
        {
            await Parallel.ForEachAsync(extras, new ParallelOptions { MaxDegreeOfParallelism = _options.ObjectConcurrency, CancellationToken = cancellationToken },
                (item, ct) => new ValueTask(DeleteExtraAsync(item, ct))).ConfigureAwait(false);
        }

        var sourceDeletes = _plan.Items.Where(i => i.Action == BlobTransferAction.DeleteSource).ToArray();
        await Parallel.ForEachAsync(sourceDeletes, new ParallelOptions { MaxDegreeOfParallelism = _options.ObjectConcurrency, CancellationToken = cancellationToken },
            (item, ct) => new ValueTask(DeleteSourceAsync(item, ct))).ConfigureAwait(false);

        _progress.Final();
        var cost = await TransferCost.EstimateAsync(_plan.Source, _plan.Destination, _bytesByPath, _options.Prices ?? BlobTransferPrices.Default, cancellationToken).ConfigureAwait(false);
        return new BlobTransferResult
        {
            PlanId = _plan.Id,
            Created = _created,
            Updated = _updated,
            Skipped = skipped,
            AlreadyDone = _alreadyDone,
            Deleted = _deleted,
            SourcesDeleted = _sourcesDeleted,
            Verified = _verified,
            BytesCopied = _bytesCopied,
            BytesByPath = new Dictionary<BlobTransferPath, long>(_bytesByPath),
            PartsSent = _partsSent,
            PartsResumed = _partsResumed,
            Failed = _failures.ToArray(),
            DeletesSkippedReason = deletesSkipped,
            Cost = cost,
            Elapsed = _options.TimeProvider.GetElapsedTime(start),
        };
    }

    private static string CopyKey(BlobTransferItem item) => "copy:" + item.DestinationKey;

    private async Task CopyOneAsync(BlobTransferItem item, CancellationToken cancellationToken)
    {
        if (_done.Contains(CopyKey(item)))
        {
            Interlocked.Increment(ref _alreadyDone);
            _verifiedSources[item.SourceKey] = 0;
            _progress.ObjectDone(false);
            return;
        }

        _current[item.SourceKey] = 0;
        bool failed = true;
        try
        {
            Outcome outcome = default;
            for (int attempt = 1; attempt <= 2; attempt++)
            {
                outcome = await CopyAttemptAsync(item, cancellationToken).ConfigureAwait(false);
                if (outcome.Verified || !outcome.Retry)
                {
                    break;
                }
            }

            if (!outcome.Verified)
            {
                _failures.Enqueue(new BlobTransferFailure(item, outcome.Reason + (outcome.Retry ? " (after one retry)" : string.Empty), null));
                return;
            }

            failed = false;
            Interlocked.Increment(ref item.Action == BlobTransferAction.Create ? ref _created : ref _updated);
            Interlocked.Increment(ref _verified);
            Interlocked.Add(ref _bytesCopied, item.Size);
            _bytesByPath.AddOrUpdate(outcome.Path, item.Size, (_, v) => v + item.Size);
            _verifiedSources[item.SourceKey] = 0;
            if (_journal is not null)
            {
                await _journal.MarkDoneAsync(CopyKey(item), "verified by " + outcome.Reason, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            _failures.Enqueue(new BlobTransferFailure(item, e.Message, ErrorCode(e)) { Exception = e });
        }
        finally
        {
            _current.TryRemove(item.SourceKey, out _);
            _progress.ObjectDone(failed);
        }
    }

    private CloudErrorCode? ErrorCode(Exception e) => e switch
    {
        CloudException c => c.ErrorCode,
        _ => _destination.GetErrorCode(e),
    };

    private readonly record struct Outcome(bool Verified, bool Retry, string Reason, BlobTransferPath Path)
    {
        public static Outcome Ok(string how, BlobTransferPath path) => new(true, false, how, path);

        public static Outcome Fail(string reason, bool retry) => new(false, retry, reason, BlobTransferPath.None);
    }

    private async Task<Outcome> CopyAttemptAsync(BlobTransferItem item, CancellationToken cancellationToken)
    {
        await RequestAsync(cancellationToken).ConfigureAwait(false);
        var props = await _source.GetPropertiesAsync(item.SourceKey, cancellationToken).ConfigureAwait(false);
        if (Changed(item, props.ETag, props.Size) is { } changed)
        {
            return Outcome.Fail(changed, false);
        }

        string? sourceMd5 = item.SourceMD5 ?? Hex.Of(props.ContentMD5) ?? Hex.Recorded(props.Metadata);
        uint? sourceCrc = item.SourceCrc32c ?? props.Crc32c;
        var uploadOptions = UploadOptionsFrom(props);
        var path = item.Path;
        if (path == BlobTransferPath.ServerSide)
        {
            if (_destination.Driver is IBlobServerSideCopyDriver copier)
            {
                await RequestAsync(cancellationToken).ConfigureAwait(false);
                var written = await copier.TryCopyFromAsync(_source.Driver, item.SourceKey, item.DestinationKey, uploadOptions, cancellationToken).ConfigureAwait(false);
                if (written is not null)
                {
                    _progress.AddBytes(item.Size);
                    return await VerifyWrittenAsync(item, sourceMd5, sourceCrc, null, null, BlobTransferPath.ServerSide, cancellationToken).ConfigureAwait(false);
                }
            }

            path = _source.Capabilities.SignedUrls ? BlobTransferPath.FromUrl : BlobTransferPath.Streamed;
        }

        if (path == BlobTransferPath.FromUrl && _destination.Driver is IBlobServerSideCopyDriver urlCopier && _source.Capabilities.SignedUrls)
        {
            await RequestAsync(cancellationToken).ConfigureAwait(false);
            var url = await _source.GetSignedUrlAsync(item.SourceKey, new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromHours(1) }, cancellationToken).ConfigureAwait(false);
            await RequestAsync(cancellationToken).ConfigureAwait(false);
            var written = await urlCopier.TryCopyFromUrlAsync(url, item.Size, item.DestinationKey, uploadOptions, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                _progress.AddBytes(item.Size);
                return await VerifyWrittenAsync(item, sourceMd5, sourceCrc, null, null, BlobTransferPath.FromUrl, cancellationToken).ConfigureAwait(false);
            }
        }

        return await StreamAsync(item, sourceMd5, sourceCrc, uploadOptions, cancellationToken).ConfigureAwait(false);
    }

    private static string? Changed(BlobTransferItem item, string etag, long size)
    {
        if (item.SourceETag is not null && !string.Equals(item.SourceETag, etag, StringComparison.Ordinal))
        {
            return $"source changed since the plan (ETag {etag}, planned {item.SourceETag}); not copied — plan again";
        }

        return size != item.Size ? $"source changed since the plan (size {size}, planned {item.Size}); not copied — plan again" : null;
    }

    private static BlobUploadOptions UploadOptionsFrom(BlobProperties p) => new()
    {
        ContentType = p.ContentType,
        CacheControl = p.CacheControl,
        ContentDisposition = p.ContentDisposition,
        ContentEncoding = p.ContentEncoding,
        ContentLanguage = p.ContentLanguage,
        Metadata = p.Metadata.Count == 0 ? null : new Dictionary<string, string>(p.Metadata, StringComparer.OrdinalIgnoreCase),
    };

    private static BlobUploadOptions With(BlobUploadOptions o, string? md5, bool record)
    {
        var metadata = o.Metadata;
        if (record && md5 is not null)
        {
            metadata = new Dictionary<string, string>(o.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase) { [BlobTransfer.Md5MetadataKey] = md5 };
        }

        return new BlobUploadOptions
        {
            ContentType = o.ContentType,
            CacheControl = o.CacheControl,
            ContentDisposition = o.ContentDisposition,
            ContentEncoding = o.ContentEncoding,
            ContentLanguage = o.ContentLanguage,
            Metadata = metadata,
            ContentMD5 = md5 is null ? (ReadOnlyMemory<byte>?)null : Hex.Bytes(md5),
        };
    }

    private Task<Outcome> StreamAsync(BlobTransferItem item, string? sourceMd5, uint? sourceCrc, BlobUploadOptions uploadOptions, CancellationToken cancellationToken)
    {
        if (_destination.Driver is IBlobMultipartDriver multipart)
        {
            var limits = multipart.MultipartLimits;
            long partSize = Math.Clamp(Math.Max(_options.PartSize, limits.MinPartSize), 1, Math.Max(1, limits.MaxPartSize));
            if (item.Size > 0 && (item.Size + partSize - 1) / partSize > limits.MaxParts)
            {
                partSize = (item.Size + limits.MaxParts - 1) / limits.MaxParts;
            }

            if (item.Size > partSize && partSize <= Array.MaxLength)
            {
                return MultipartAsync(multipart, item, sourceMd5, sourceCrc, uploadOptions, (int)partSize, cancellationToken);
            }
        }

        return SingleAsync(item, sourceMd5, sourceCrc, uploadOptions, cancellationToken);
    }

    private async Task<Outcome> SingleAsync(BlobTransferItem item, string? sourceMd5, uint? sourceCrc, BlobUploadOptions uploadOptions, CancellationToken cancellationToken)
    {
        await RequestAsync(cancellationToken).ConfigureAwait(false);
        await using var download = await _source.OpenReadAsync(item.SourceKey, default, cancellationToken).ConfigureAwait(false);
        if (Changed(item, download.ETag, download.Size) is { } changed)
        {
            return Outcome.Fail(changed, false);
        }

        long counted = 0;
        await using var reader = new HashingReadStream(download.Content, _bandwidth, n =>
        {
            counted += n;
            _progress.AddBytes(n);
        });
        // A driver may send a large stream in parts (and then keep no whole-object MD5): record the source's MD5 then too.
        bool record = !_destination.Capabilities.ContentMD5 || item.Size > _options.PartSize;
        await RequestAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var options = With(uploadOptions, sourceMd5, record);
            options = new BlobUploadOptions
            {
                ContentType = options.ContentType, CacheControl = options.CacheControl, ContentDisposition = options.ContentDisposition,
                ContentEncoding = options.ContentEncoding, ContentLanguage = options.ContentLanguage, Metadata = options.Metadata,
                ContentMD5 = options.ContentMD5, PartSize = _options.PartSize is >= 5 * 1024 * 1024 and <= 2000 * 1024 * 1024 ? _options.PartSize : null,
            };
            await _destination.UploadAsync(item.DestinationKey, reader, options, cancellationToken).ConfigureAwait(false);
        }
        catch (CloudException e) when (e.ErrorCode == CloudErrorCode.InvalidArgument && sourceMd5 is not null && reader.BytesRead == item.Size && reader.Md5Hex() != sourceMd5)
        {
            _progress.AddBytes(-counted);
            return Outcome.Fail($"md5 differs: read {reader.Md5Hex()}, source has {sourceMd5}; the destination refused the content", true);
        }

        if (reader.BytesRead != item.Size)
        {
            _progress.AddBytes(-counted);
            await DeleteBadCopyAsync(item).ConfigureAwait(false);
            return Outcome.Fail($"read {reader.BytesRead} bytes, the source has {item.Size}; the copy was deleted", true);
        }

        var outcome = await VerifyWrittenAsync(item, sourceMd5, sourceCrc, reader.Md5Hex(), reader.Crc32c, BlobTransferPath.Streamed, cancellationToken).ConfigureAwait(false);
        if (!outcome.Verified)
        {
            _progress.AddBytes(-counted);
        }

        return outcome;
    }

    /// <summary>Checks what was written: the MD5 computed while streaming against the source's; without a source hash,
    /// against the destination's reported MD5 or CRC32C; as a last resort by reading the destination back. A copy that
    /// does not verify is deleted.</summary>
    private async Task<Outcome> VerifyWrittenAsync(BlobTransferItem item, string? sourceMd5, uint? sourceCrc, string? streamedMd5, uint? streamedCrc, BlobTransferPath path, CancellationToken cancellationToken)
    {
        string? mismatch = null;
        string? how = null;
        if (sourceMd5 is not null && streamedMd5 is not null)
        {
            (how, mismatch) = Check(streamedMd5 == sourceMd5, "md5 (computed while streaming, equal to the source's)", $"md5 differs: read {streamedMd5}, source has {sourceMd5}");
        }
        else if (sourceCrc is not null && streamedCrc is not null && sourceMd5 is null)
        {
            (how, mismatch) = Check(streamedCrc == sourceCrc, "crc32c (computed while streaming, equal to the source's)", $"crc32c differs: read {streamedCrc:x8}, source has {sourceCrc:x8}");
        }

        if (how is null && mismatch is null)
        {
            await RequestAsync(cancellationToken).ConfigureAwait(false);
            var d = await _destination.GetPropertiesAsync(item.DestinationKey, cancellationToken).ConfigureAwait(false);
            string? destinationMd5 = Hex.Of(d.ContentMD5) ?? Hex.Recorded(d.Metadata);
            string? expectedMd5 = sourceMd5 ?? streamedMd5;
            uint? expectedCrc = sourceCrc ?? streamedCrc;
            if (d.Size != item.Size)
            {
                mismatch = $"size differs after the copy ({d.Size}, source {item.Size})";
            }
            else if (expectedMd5 is not null && destinationMd5 is not null)
            {
                (how, mismatch) = Check(destinationMd5 == expectedMd5, "md5 (destination's, equal to the " + (sourceMd5 is null ? "one computed while streaming)" : "source's)"), $"md5 differs: destination has {destinationMd5}, expected {expectedMd5}");
            }
            else if (expectedCrc is not null && d.Crc32c is { } dc)
            {
                (how, mismatch) = Check(dc == expectedCrc, "crc32c (destination's)", $"crc32c differs: destination has {dc:x8}, expected {expectedCrc:x8}");
            }
            else
            {
                expectedMd5 ??= await ComputeMd5Async(_source, item.SourceKey, cancellationToken).ConfigureAwait(false);
                string back = await ComputeMd5Async(_destination, item.DestinationKey, cancellationToken).ConfigureAwait(false);
                (how, mismatch) = Check(back == expectedMd5, "md5 (read back from the destination; no provider hash was available)", $"md5 differs: read back {back}, expected {expectedMd5}");
            }
        }

        if (mismatch is not null)
        {
            await DeleteBadCopyAsync(item).ConfigureAwait(false);
            return Outcome.Fail(mismatch + "; the unverified copy was deleted", true);
        }

        return Outcome.Ok(how!, path);
    }

    private static (string? How, string? Mismatch) Check(bool ok, string how, string mismatch) => ok ? (how, null) : (null, mismatch);

    private async Task DeleteBadCopyAsync(BlobTransferItem item)
    {
        try
        {
            await _destination.DeleteIfExistsAsync(item.DestinationKey, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CloudException)
        {
            // The failure is reported with the item; a copy that could not be deleted stays unverified in the result.
        }
    }

    private async Task<string> ComputeMd5Async(BlobBucket bucket, string key, CancellationToken cancellationToken)
    {
        await RequestAsync(cancellationToken).ConfigureAwait(false);
        await using var download = await bucket.OpenReadAsync(key, default, cancellationToken).ConfigureAwait(false);
        await using var reader = new HashingReadStream(download.Content, _bandwidth, static _ => { });
        await reader.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        return reader.Md5Hex();
    }

    private async Task<Outcome> MultipartAsync(IBlobMultipartDriver driver, BlobTransferItem item, string? sourceMd5, uint? sourceCrc, BlobUploadOptions uploadOptions, int partSize, CancellationToken cancellationToken)
    {
        int partCount = (int)((item.Size + partSize - 1) / partSize);
        var options = With(uploadOptions, sourceMd5, record: true);
        BlobMultipartUpload? upload = null;
        var confirmed = new Dictionary<int, (BlobUploadedPart Part, byte[]? Md5)>();
        if (_journalUploads.TryGetValue(item.DestinationKey, out var earlier))
        {
            var previous = new BlobMultipartUpload(item.DestinationKey, earlier.UploadId);
            if (earlier.SourceETag == item.SourceETag && earlier.PartSize == partSize)
            {
                try
                {
                    await RequestAsync(cancellationToken).ConfigureAwait(false);
                    var listed = (await driver.ListUploadedPartsAsync(previous, cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.PartNumber);
                    foreach (var (part, md5) in earlier.Parts)
                    {
                        if (listed.TryGetValue(part.PartNumber, out var held) && held.Size == part.Size && held.ETag == part.ETag)
                        {
                            confirmed[part.PartNumber] = (held, md5);
                        }
                    }

                    upload = previous;
                }
                catch (Exception e) when (e is not OperationCanceledException && _destination.GetErrorCode(e) == CloudErrorCode.NotFound)
                {
                    upload = null;
                }
            }
            else
            {
                await AbortQuietlyAsync(previous).ConfigureAwait(false);
            }

            _journalUploads.Remove(item.DestinationKey);
        }

        if (upload is null)
        {
            await RequestAsync(cancellationToken).ConfigureAwait(false);
            upload = await driver.StartMultipartUploadAsync(item.DestinationKey, options, cancellationToken).ConfigureAwait(false);
            if (_journal is not null)
            {
                await _journal.SaveUploadAsync(item.DestinationKey, upload.UploadId, item.SourceETag, partSize, cancellationToken).ConfigureAwait(false);
            }
        }

        long counted = 0;
        bool keepForResume = false;
        bool finished = false;
        try
        {
            await RequestAsync(cancellationToken).ConfigureAwait(false);
            await using var download = await _source.OpenReadAsync(item.SourceKey, default, cancellationToken).ConfigureAwait(false);
            if (Changed(item, download.ETag, download.Size) is { } changed)
            {
                finished = true;
                await AbortAsync(upload, item).ConfigureAwait(false);
                return Outcome.Fail(changed, false);
            }

            using var whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var crc = new Crc32c();
            using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var slots = new SemaphoreSlim(_options.PartConcurrency, _options.PartConcurrency);
            var sent = new List<Task<BlobUploadedPart>>(partCount);
            var parts = new BlobUploadedPart[partCount];
            try
            {
                for (int number = 1; number <= partCount && !failFast.IsCancellationRequested; number++)
                {
                    int length = (int)Math.Min(partSize, item.Size - ((long)(number - 1) * partSize));
                    await slots.WaitAsync(failFast.Token).ConfigureAwait(false);
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
                    bool handedOff = false;
                    try
                    {
                        int read = await download.Content.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, failFast.Token).ConfigureAwait(false);
                        if (read < length)
                        {
                            finished = true;
                            await AbortAsync(upload, item).ConfigureAwait(false);
                            return Outcome.Fail($"the source ended after {((long)(number - 1) * partSize) + read} bytes, planned {item.Size}", true);
                        }

                        if (_bandwidth is not null)
                        {
                            await _bandwidth.TakeAsync(length, failFast.Token).ConfigureAwait(false);
                        }

                        var span = buffer.AsSpan(0, length);
                        whole.AppendData(span);
                        crc.Append(span);
                        byte[] partMd5 = MD5.HashData(span);
                        counted += length;
                        _progress.AddBytes(length);
                        if (confirmed.TryGetValue(number, out var done) && (done.Md5 is null || done.Md5.AsSpan().SequenceEqual(partMd5)))
                        {
                            parts[number - 1] = done.Part;
                            Interlocked.Increment(ref _partsResumed);
                            continue;
                        }

                        handedOff = true;
                        sent.Add(SendPartAsync(driver, upload, number, buffer, length, partMd5, slots, failFast));
                    }
                    finally
                    {
                        if (!handedOff)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                            slots.Release();
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && failFast.IsCancellationRequested)
            {
                // A part failed and stopped the reading: the part's error is thrown below.
            }

            try
            {
                await Task.WhenAll(sent).ConfigureAwait(false);
            }
            catch (Exception) when (sent.FirstOrDefault(t => t.IsFaulted)?.Exception?.InnerException is { } first)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }

            cancellationToken.ThrowIfCancellationRequested();
            foreach (var t in sent)
            {
                var p = t.Result;
                parts[p.PartNumber - 1] = p;
            }

            string streamedMd5 = Convert.ToHexStringLower(whole.GetCurrentHash());
            if (sourceMd5 is not null && streamedMd5 != sourceMd5)
            {
                finished = true;
                await AbortAsync(upload, item).ConfigureAwait(false);
                _progress.AddBytes(-counted);
                return Outcome.Fail($"md5 differs: read {streamedMd5}, source has {sourceMd5}; the upload was aborted, nothing was written", true);
            }

            if (sourceMd5 is null && sourceCrc is { } expectedCrc && crc.Value != expectedCrc)
            {
                finished = true;
                await AbortAsync(upload, item).ConfigureAwait(false);
                _progress.AddBytes(-counted);
                return Outcome.Fail($"crc32c differs: read {crc.Value:x8}, source has {expectedCrc:x8}; the upload was aborted, nothing was written", true);
            }

            await RequestAsync(cancellationToken).ConfigureAwait(false);
            await driver.CompleteMultipartUploadAsync(upload, parts, options, cancellationToken).ConfigureAwait(false);
            finished = true;
            if (_journal is not null)
            {
                await _journal.RemoveUploadAsync(item.DestinationKey, CancellationToken.None).ConfigureAwait(false);
            }

            if (sourceMd5 is not null)
            {
                return Outcome.Ok("md5 (computed while streaming, equal to the source's; every part's tag checked where it is an MD5)", BlobTransferPath.Streamed);
            }

            var outcome = await VerifyWrittenAsync(item, null, sourceCrc, streamedMd5, crc.Value, BlobTransferPath.Streamed, cancellationToken).ConfigureAwait(false);
            if (!outcome.Verified)
            {
                _progress.AddBytes(-counted);
            }

            return outcome;
        }
        catch (Exception) when (_journal is not null)
        {
            // With a journal, an interrupted upload (cancelled, or failed on the way) stays for the next run to resume;
            // that run aborts it if the plan no longer needs it.
            keepForResume = true;
            _progress.AddBytes(-counted);
            throw;
        }
        catch (Exception)
        {
            _progress.AddBytes(-counted);
            throw;
        }
        finally
        {
            if (!finished && !keepForResume)
            {
                // Without a journal nothing could resume it: abort, so that no parts stay behind.
                await AbortQuietlyAsync(upload).ConfigureAwait(false);
            }
        }
    }

    private async Task<BlobUploadedPart> SendPartAsync(IBlobMultipartDriver driver, BlobMultipartUpload upload, int number, byte[] buffer, int length, byte[] partMd5, SemaphoreSlim slots, CancellationTokenSource failFast)
    {
        try
        {
            await RequestAsync(failFast.Token).ConfigureAwait(false);
            var part = await driver.UploadPartAsync(upload, number, buffer.AsMemory(0, length), failFast.Token).ConfigureAwait(false);
            string tag = part.ETag.Trim('"');
            if (tag.Length == 32 && tag.All(char.IsAsciiHexDigit) && !string.Equals(tag, Convert.ToHexStringLower(partMd5), StringComparison.OrdinalIgnoreCase))
            {
                throw new CloudException(CloudErrorCode.Internal, $"part {number} of '{upload.Key}': the destination's tag {tag} is not the MD5 of the bytes sent ({Convert.ToHexStringLower(partMd5)}).", _destination.Provider);
            }

            Interlocked.Increment(ref _partsSent);
            if (_journal is not null)
            {
                await _journal.SavePartAsync(upload.Key, part, partMd5, CancellationToken.None).ConfigureAwait(false);
            }

            _progress.PartSent();
            return part;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await failFast.CancelAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            slots.Release();
        }
    }

    private async Task AbortAsync(BlobMultipartUpload upload, BlobTransferItem item)
    {
        await AbortQuietlyAsync(upload).ConfigureAwait(false);
        if (_journal is not null)
        {
            await _journal.RemoveUploadAsync(item.DestinationKey, CancellationToken.None).ConfigureAwait(false);
        }

    }

    private async Task AbortQuietlyAsync(BlobMultipartUpload upload)
    {
        if (_destination.Driver is not IBlobMultipartDriver driver)
        {
            return;
        }

        try
        {
            await driver.AbortMultipartUploadAsync(upload, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Aborting an upload that is gone is not an error; other failures leave it listed by ListMultipartUploadsAsync.
        }
    }

    private async Task DeleteExtraAsync(BlobTransferItem item, CancellationToken cancellationToken)
    {
        string key = "delete:" + item.DestinationKey;
        if (_done.Contains(key))
        {
            Interlocked.Increment(ref _deleted);
            _progress.ObjectDone(false);
            return;
        }

        bool failed = false;
        try
        {
            await RequestAsync(cancellationToken).ConfigureAwait(false);
            await _destination.DeleteIfExistsAsync(item.DestinationKey, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _deleted);
            if (_journal is not null)
            {
                await _journal.MarkDoneAsync(key, "deleted", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CloudException e)
        {
            failed = true;
            _failures.Enqueue(new BlobTransferFailure(item, e.Message, e.ErrorCode) { Exception = e });
        }
        finally
        {
            _progress.ObjectDone(failed);
        }
    }

    private async Task DeleteSourceAsync(BlobTransferItem item, CancellationToken cancellationToken)
    {
        string key = "delete-source:" + item.SourceKey;
        bool failed = false;
        try
        {
            if (_done.Contains(key))
            {
                Interlocked.Increment(ref _sourcesDeleted);
                return;
            }

            if (!_verifiedSources.ContainsKey(item.SourceKey))
            {
                return; // its copy failed (reported with the copy) or did not verify: the source stays.
            }

            await RequestAsync(cancellationToken).ConfigureAwait(false);
            var props = await _source.GetPropertiesAsync(item.SourceKey, cancellationToken).ConfigureAwait(false);
            if (item.SourceETag is not null && props.ETag != item.SourceETag)
            {
                failed = true;
                _failures.Enqueue(new BlobTransferFailure(item, $"source changed since the plan (ETag {props.ETag}, planned {item.SourceETag}); kept", CloudErrorCode.PreconditionFailed));
                return;
            }

            await RequestAsync(cancellationToken).ConfigureAwait(false);
            await _source.DeleteIfExistsAsync(item.SourceKey, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _sourcesDeleted);
            if (_journal is not null)
            {
                await _journal.MarkDoneAsync(key, "deleted", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CloudException e)
        {
            failed = true;
            _failures.Enqueue(new BlobTransferFailure(item, e.Message, e.ErrorCode) { Exception = e });
        }
        finally
        {
            _progress.ObjectDone(failed);
        }
    }

    private Task RequestAsync(CancellationToken cancellationToken) => _requests?.TakeAsync(1, cancellationToken) ?? Task.CompletedTask;
}
