namespace Polycloud.Billing.Internal;

/// <summary>
/// A read-only stream over a ring buffer that is filled asynchronously in large reads (<see cref="FillAsync"/>) and
/// read synchronously. It lets a synchronous parser (Sep's <c>MoveNext</c>) run row after row over data that was
/// read without blocking: the I/O stays asynchronous, once per megabyte or so instead of once per row.
/// </summary>
/// <remarks>
/// A synchronous read that finds the buffer empty before the source has ended reads the source synchronously; the
/// caller keeps enough data buffered (<see cref="Buffered"/>) that this happens only for rows longer than its margin.
/// The source is not owned: disposing this stream leaves it open.
/// </remarks>
internal sealed class ReadAheadStream(Stream source, int capacity) : Stream
{
    private byte[] _ring = new byte[capacity];
    private int _head;
    private int _count;
    private long _position;

    /// <summary>Bytes read from the source and not yet consumed.</summary>
    public int Buffered => _count;

    /// <summary>True once the source has returned end of stream.</summary>
    public bool SourceCompleted { get; private set; }

    /// <summary>Reads from the source until the buffer is full (growing it to <paramref name="minimum"/> bytes if it is smaller) or the source ends.</summary>
    public async ValueTask FillAsync(int minimum, CancellationToken cancellationToken)
    {
        if (minimum > _ring.Length)
        {
            Grow(minimum);
        }

        while (!SourceCompleted && _count < _ring.Length)
        {
            int tail = _head + _count;
            int free;
            if (tail >= _ring.Length)
            {
                tail -= _ring.Length;
                free = _head - tail;
            }
            else
            {
                free = _ring.Length - tail;
            }

            int n = await source.ReadAsync(_ring.AsMemory(tail, free), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                SourceCompleted = true;
            }
            else
            {
                _count += n;
            }
        }
    }

    private void Grow(int minimum)
    {
        var larger = new byte[Math.Max(minimum, _ring.Length * 2)];
        int first = Math.Min(_count, _ring.Length - _head);
        _ring.AsSpan(_head, first).CopyTo(larger);
        _ring.AsSpan(0, _count - first).CopyTo(larger.AsSpan(first));
        _ring = larger;
        _head = 0;
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_count == 0)
        {
            if (SourceCompleted)
            {
                return 0;
            }

            // The caller's margin was not enough (a row longer than the read-ahead window): read synchronously.
            int read = source.Read(buffer);
            if (read == 0)
            {
                SourceCompleted = true;
            }

            _position += read;
            return read;
        }

        int n = Math.Min(buffer.Length, Math.Min(_count, _ring.Length - _head));
        _ring.AsSpan(_head, n).CopyTo(buffer);
        _head += n;
        _count -= n;
        if (_count == 0 || _head == _ring.Length)
        {
            _head = _count == 0 ? 0 : _head - _ring.Length;
        }

        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_count == 0 && !SourceCompleted && !buffer.IsEmpty)
        {
            await FillAsync(1, cancellationToken).ConfigureAwait(false);
        }

        return Read(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    /// <summary>Bytes consumed by readers so far.</summary>
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
