namespace Polycloud.Blobs;

/// <summary>
/// The content stream <see cref="BlobBucket.OpenReadAsync"/> returns: the driver's stream, read through, with two rules of
/// the portable contract added. A failure while reading (a connection reset, a body cut short) is a
/// <see cref="CloudException"/> classified by the driver, like a failure of the call that opened the read. And a read
/// that ends before the promised <see cref="BlobDownload.ContentLength"/> bytes arrived throws <c>Unavailable</c>: a cut
/// read is never returned as if it were complete.
/// </summary>
internal sealed class CheckedDownloadStream(Stream inner, long expected, Func<Exception, Exception> map, string what, string provider) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => expected;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException("A blob download stream reads forward only.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CloudException)
        {
            throw map(ex);
        }

        return Count(n, buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not CloudException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw map(ex);
        }

        return Count(n, buffer.Length);
    }

    private int Count(int n, int asked)
    {
        if (n == 0 && asked > 0 && _read < expected)
        {
            throw new CloudException(CloudErrorCode.Unavailable, $"{provider}: the {what} ended after {_read} of {expected} bytes.", provider, new EndOfStreamException());
        }

        _read += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A blob download stream reads forward only.");

    public override void SetLength(long value) => throw new NotSupportedException("A blob download stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A blob download stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
