namespace Polycloud.Google.Blobs;

/// <summary>
/// A forward-only view of <c>count</c> bytes starting <c>skip</c> bytes into a response stream, for a server that
/// answered a range request with the whole object. Owns the response.
/// </summary>
internal sealed class GcsRangeStream(Stream inner, HttpResponseMessage response, long skip, long count) : Stream
{
    private readonly long _length = count;
    private long _skip = skip;
    private long _remaining = count;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _length - _remaining;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (_skip > 0)
        {
            int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _skip)]);
            if (n == 0)
            {
                return 0;
            }

            _skip -= n;
        }

        if (_remaining <= 0)
        {
            return 0;
        }

        int read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (_skip > 0)
        {
            int n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _skip)], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return 0;
            }

            _skip -= n;
        }

        if (_remaining <= 0)
        {
            return 0;
        }

        int read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            response.Dispose();
        }

        base.Dispose(disposing);
    }
}
