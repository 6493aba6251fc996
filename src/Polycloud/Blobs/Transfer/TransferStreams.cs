using System.Security.Cryptography;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use, not a security primitive.

namespace Polycloud.Blobs.Transfer;

/// <summary>Reads a source forward, hashing (MD5 and CRC32C) what passes, paced by the bandwidth limit, reporting bytes.</summary>
internal sealed class HashingReadStream(Stream inner, TokenBucket? bandwidth, Action<long> onBytes) : Stream
{
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly Crc32c _crc = new();

    public long BytesRead { get; private set; }

    public string Md5Hex() => Convert.ToHexStringLower(_md5.GetCurrentHash());

    public uint Crc32c => _crc.Value;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            if (bandwidth is not null)
            {
                await bandwidth.TakeAsync(n, cancellationToken).ConfigureAwait(false);
            }

            _md5.AppendData(buffer.Span[..n]);
            _crc.Append(buffer.Span[..n]);
            BytesRead += n;
            onBytes(n);
        }

        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _md5.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Reports progress at most every interval (by the time provider), and once at the end.</summary>
internal sealed class ProgressReporter
{
    private readonly IProgress<BlobTransferProgress>? _progress;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly long _start;
    private readonly object _gate = new();
    private readonly Func<IReadOnlyList<string>> _current;
    private long _last;
    private long _bytes;
    private int _objects;
    private int _failed;
    private int _parts;

    public ProgressReporter(IProgress<BlobTransferProgress>? progress, TimeProvider time, TimeSpan interval, int objectsTotal, long bytesTotal, Func<IReadOnlyList<string>> current)
    {
        _progress = progress;
        _time = time;
        _interval = interval;
        _start = _last = time.GetTimestamp();
        ObjectsTotal = objectsTotal;
        BytesTotal = bytesTotal;
        _current = current;
    }

    public int ObjectsTotal { get; }

    public long BytesTotal { get; }

    public void AddBytes(long n)
    {
        Interlocked.Add(ref _bytes, n);
        Maybe();
    }

    public void ObjectDone(bool failed)
    {
        Interlocked.Increment(ref _objects);
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }

        Maybe();
    }

    public void PartSent()
    {
        Interlocked.Increment(ref _parts);
        Maybe();
    }

    public void Final() => Report(true);

    private void Maybe()
    {
        if (_progress is null)
        {
            return;
        }

        lock (_gate)
        {
            long now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_last, now) < _interval)
            {
                return;
            }

            _last = now;
        }

        Report(false);
    }

    private void Report(bool final)
    {
        if (_progress is null)
        {
            return;
        }

        var elapsed = _time.GetElapsedTime(_start);
        long bytes = Interlocked.Read(ref _bytes);
        double rate = elapsed > TimeSpan.Zero ? bytes / elapsed.TotalSeconds : 0;
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, BytesTotal - bytes) / rate) : null;
        _progress.Report(new BlobTransferProgress(Volatile.Read(ref _objects), ObjectsTotal, bytes, BytesTotal, rate, final ? TimeSpan.Zero : eta,
            final ? [] : _current(), Volatile.Read(ref _failed), final) { PartsSent = Volatile.Read(ref _parts) });
    }
}
