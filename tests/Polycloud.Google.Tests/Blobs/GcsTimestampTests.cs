using System.Globalization;
using Polycloud.Google.Blobs;
using Xunit;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Polycloud.Google.Tests.Blobs;

/// <summary>The fast reader of Cloud Storage timestamps agrees with the client library's parser, instant and offset.</summary>
public sealed class GcsTimestampTests
{
    [Theory]
    [InlineData("2026-11-25T14:41:24.123Z")]
    [InlineData("2026-11-25T14:41:24Z")]
    [InlineData("2024-02-29T23:59:59.999Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("2026-11-25T14:41:24.123+05:30")]
    [InlineData("2026-11-25T14:41:24-08:00")]
    [InlineData("2026-01-01T00:30:00+14:00")]
    public void ReadsWhatTheLibraryReads(string text)
    {
        var library = new GcsObject { UpdatedRaw = text }.UpdatedDateTimeOffset;
        Assert.True(GcsTimestamp.TryParse(text, out var fast));
        Assert.Equal(library, fast);
        Assert.Equal(library!.Value.Offset, fast.Offset);
        Assert.Equal(library.Value.Ticks, fast.Ticks);
        Assert.Equal(DateTimeOffset.Parse(text, CultureInfo.InvariantCulture), fast);
        Assert.Equal(fast, GcsTimestamp.Updated(new GcsObject { UpdatedRaw = text }));
    }

    [Theory]
    [InlineData("2026-11-25T14:41:24.1Z")]
    [InlineData("2026-11-25T14:41:24.1234567Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("2026-11-25t14:41:24.5z")]
    public void ReadsOtherValidRfc3339Times_AsTheBaseLibraryDoes(string text)
    {
        // The client library refuses these (FormatException); RFC 3339 allows them, and they read as .NET reads them.
        Assert.True(GcsTimestamp.TryParse(text, out var fast));
        var bcl = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
        Assert.Equal(bcl, fast);
        Assert.Equal(bcl.Offset, fast.Offset);
        Assert.Equal(bcl.Ticks, fast.Ticks);
    }

    [Theory]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-11-25T24:00:00Z")]
    [InlineData("2026-11-25T14:41:60Z")]
    [InlineData("2026-11-25T14:41:24.12345678Z")]
    [InlineData("2026-11-25T14:41:24.Z")]
    [InlineData("2026-11-25T14:41:24")]
    [InlineData("2026-11-25 14:41:24Z")]
    [InlineData("2026-11-25T14:41:24+0530")]
    [InlineData("2026-11-25T14:41:24+15:00")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("26-11-25T14:41:24Z")]
    [InlineData("2026-11-25T14:41:24.123Zjunk")]
    [InlineData("")]
    public void RefusesOtherLayoutsAndInvalidTimes(string text)
        => Assert.False(GcsTimestamp.TryParse(text, out _));

    [Fact]
    public void OtherLayouts_FallBackToTheLibrary()
    {
        var o = new GcsObject { UpdatedRaw = "2026-11-25T14:41:24.123456789Z" };
        Assert.Equal(o.UpdatedDateTimeOffset, GcsTimestamp.Updated(o));
        Assert.Null(GcsTimestamp.Updated(new GcsObject()));
    }
}
