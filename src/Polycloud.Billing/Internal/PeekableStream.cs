namespace Polycloud.Billing.Internal;

/// <summary>A read-only stream that lets the first bytes be inspected before handing the whole stream on.</summary>
internal sealed class PeekableStream(Stream inner, bool ownsInner) : Stream
{
    private byte[] _prefix = [];
    private int _prefixPos;

    public async ValueTask<ReadOnlyMemory<byte>> PeekAsync(int count, CancellationToken cancellationToken)
    {
        if (_prefix.Length - _prefixPos >= count)
        {
            return _prefix.AsMemory(_prefixPos, count);
        }

        var buffer = new byte[count];
        int have = _prefix.Length - _prefixPos;
        _prefix.AsSpan(_prefixPos).CopyTo(buffer);
        while (have < count)
        {
            int n = await inner.ReadAsync(buffer.AsMemory(have), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            have += n;
        }

        _prefix = buffer[..have];
        _prefixPos = 0;
        return _prefix;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefixPos < _prefix.Length)
        {
            int n = Math.Min(buffer.Length, _prefix.Length - _prefixPos);
            _prefix.AsSpan(_prefixPos, n).CopyTo(buffer);
            _prefixPos += n;
            return n;
        }

        return inner.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefixPos < _prefix.Length)
        {
            return new ValueTask<int>(Read(buffer.Span));
        }

        return inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsInner)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (ownsInner)
        {
            await inner.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
