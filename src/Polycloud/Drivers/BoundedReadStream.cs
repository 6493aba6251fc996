namespace Polycloud.Drivers;

/// <summary>
/// A read-only, forward-only view of <c>length</c> bytes of an inner stream, after skipping <c>skip</c> bytes of it.
/// A driver returns it from <c>OpenReadAsync</c> when the bytes it has in hand are more than the caller asked for: the
/// content of a file before a trailer, or the whole object when the server ignored a range request. Disposing it
/// disposes the inner stream and, when given, the object the stream came from (an HTTP response), so the caller of
/// <c>OpenReadAsync</c> releases the connection by disposing the download.
/// </summary>
/// <remarks>
/// Reading stops at <c>length</c> bytes even when the inner stream has more; it returns fewer bytes (then 0) when the
/// inner stream ends first. <see cref="Stream.Length"/> is <c>length</c>; seeking and writing are not supported.
/// </remarks>
public sealed class BoundedReadStream : Stream
{
    private readonly Stream _inner;
    private readonly IDisposable? _owner;
    private readonly long _length;
    private long _skip;
    private long _remaining;

    /// <summary>Creates a view of <paramref name="length"/> bytes of <paramref name="inner"/> after its first
    /// <paramref name="skip"/> bytes.</summary>
    /// <param name="inner">The stream to read from; owned (disposed with this stream).</param>
    /// <param name="length">How many bytes to give, 0 or more.</param>
    /// <param name="skip">How many bytes of <paramref name="inner"/> to read and drop first, 0 or more.</param>
    /// <param name="owner">What <paramref name="inner"/> came from (for example an HTTP response), disposed with this
    /// stream, or <see langword="null"/>.</param>
    /// <exception cref="CloudException">InvalidArgument when <paramref name="inner"/> is <see langword="null"/> or not
    /// readable, or a count is negative.</exception>
    public BoundedReadStream(Stream inner, long length, long skip = 0, IDisposable? owner = null)
    {
        if (inner is null || !inner.CanRead)
        {
            throw CloudException.InvalidArgument(nameof(inner), "a readable stream is required.");
        }

        if (length < 0)
        {
            throw CloudException.InvalidArgument(nameof(length), $"the length must be 0 or more, not {length}.");
        }

        if (skip < 0)
        {
            throw CloudException.InvalidArgument(nameof(skip), $"the number of bytes to skip must be 0 or more, not {skip}.");
        }

        _inner = inner;
        _owner = owner;
        _length = length;
        _skip = skip;
        _remaining = length;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => _length;

    /// <inheritdoc/>
    public override long Position
    {
        get => _length - _remaining;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (_skip > 0)
        {
            int skipped = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _skip)]);
            if (skipped == 0)
            {
                return 0;
            }

            _skip -= skipped;
        }

        if (_remaining <= 0)
        {
            return 0;
        }

        int n = _inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= n;
        return n;
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0)
        {
            return 0;
        }

        while (_skip > 0)
        {
            int skipped = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _skip)], cancellationToken).ConfigureAwait(false);
            if (skipped == 0)
            {
                return 0;
            }

            _skip -= skipped;
        }

        if (_remaining <= 0)
        {
            return 0;
        }

        int n = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken).ConfigureAwait(false);
        _remaining -= n;
        return n;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _owner?.Dispose();
        }

        base.Dispose(disposing);
    }
}
