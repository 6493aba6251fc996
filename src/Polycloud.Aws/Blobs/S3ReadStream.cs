using Amazon.S3.Model;

namespace Polycloud.Aws.Blobs;

/// <summary>The body of a GetObject response, read forward; disposing it releases the response and its connection.</summary>
internal sealed class S3ReadStream : Stream
{
    private readonly GetObjectResponse _response;
    private readonly Stream _inner;

    public S3ReadStream(GetObjectResponse response)
    {
        _response = response;
        _inner = response.ResponseStream;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _response.ContentLength;

    public override long Position
    {
        get => throw new NotSupportedException("An S3 download stream reads forward only.");
        set => throw new NotSupportedException("An S3 download stream reads forward only.");
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _inner.ReadAsync(buffer, cancellationToken);

    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        => _inner.CopyToAsync(destination, bufferSize, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("An S3 download stream reads forward only.");

    public override void SetLength(long value) => throw new NotSupportedException("An S3 download stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("An S3 download stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _response.Dispose();
        }

        base.Dispose(disposing);
    }
}
