using System.Runtime.CompilerServices;
using System.Text;
using Polycloud.Blobs;
using Polycloud.Drivers;
using Xunit;

namespace Polycloud.Tests.Drivers;

/// <summary>
/// Third-party drivers are written against the same public surface as the built-in ones: the core opens its internals to
/// its own tests and benchmarks only, and the <c>Polycloud.Drivers</c> namespace holds a deliberate list of types.
/// </summary>
public sealed class DriverSurfaceTests
{
    [Fact]
    public void Core_OpensItsInternalsToItsTestsAndBenchmarksOnly()
    {
        var friends = typeof(PolycloudOpener).Assembly.GetCustomAttributes(typeof(InternalsVisibleToAttribute), inherit: false)
            .Cast<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["Polycloud.Benchmarks", "Polycloud.Tests"], friends);
    }

    [Fact]
    public void DriversNamespace_HoldsTheDocumentedDriverAuthorTypes()
    {
        var types = typeof(PolycloudOpener).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Polycloud.Drivers")
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(["BoundedReadStream", "CloudErrors", "IResourceLocationProvider", "ProviderSettings", "SortedKeyPager"], types);
    }

    [Theory]
    [InlineData(0, 3, "abc")]
    [InlineData(2, 3, "cde")]
    [InlineData(8, 5, "ij")]
    [InlineData(0, 0, "")]
    public async Task BoundedReadStream_GivesTheWindowAfterTheSkip(long skip, long length, string expected)
    {
        await using var stream = new BoundedReadStream(new MemoryStream(Encoding.ASCII.GetBytes("abcdefghij")), length, skip);
        using var reader = new StreamReader(stream);
        Assert.Equal(expected, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
        Assert.Equal(length, stream.Length);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
    }

    [Fact]
    public void BoundedReadStream_DisposesTheInnerStreamAndItsOwner()
    {
        var inner = new MemoryStream([1, 2, 3]);
        var owner = new Owner();
        new BoundedReadStream(inner, 2, owner: owner).Dispose();
        Assert.False(inner.CanRead);
        Assert.True(owner.Disposed);
    }

    [Theory]
    [InlineData(-1, 0, "length")]
    [InlineData(0, -1, "skip")]
    public void BoundedReadStream_RejectsNegativeCounts(long length, long skip, string argument)
    {
        var ex = Assert.Throws<CloudException>(() => new BoundedReadStream(new MemoryStream(), length, skip));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains($"'{argument}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SortedKeyPager_CollapsesPrefixesAndPagesWithItsOwnTokens()
    {
        string[] keys = ["a/1", "a/2", "b", "c/1", "d"];
        var first = SortedKeyPager.Page(keys, string.Empty, "/", 2, null, k => new BlobItem { Key = k });
        Assert.Equal(["a/", "b"], first.Items.Select(i => i.Key));
        Assert.True(first.Items[0].IsPrefix);
        var second = SortedKeyPager.Page(keys, string.Empty, "/", 2, first.ContinuationToken, k => new BlobItem { Key = k });
        Assert.Equal(["c/", "d"], second.Items.Select(i => i.Key));
        Assert.Null(second.ContinuationToken);

        var ex = Assert.Throws<CloudException>(() => SortedKeyPager.Page(keys, string.Empty, null, 2, "not-a-token", k => new BlobItem { Key = k }));
        Assert.Contains("'continuationToken'", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<CloudException>(() => SortedKeyPager.Page(keys, string.Empty, null, 0, null, k => new BlobItem { Key = k }));
        Assert.Contains("'pageSize'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderSettings_ReadsSharedSettingsAndRejectsBadOnesNamingThem()
    {
        var url = CloudUrl.Parse("example://bucket?endpoint=http://127.0.0.1:9000&mode=FAST&token=&flag=1");
        var settings = ExampleSettings.Read(url);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), settings.Endpoint);
        Assert.Equal("fast", settings.Mode);
        Assert.Null(settings.Token);
        Assert.True(settings.Flag);
        url.ThrowIfUnknownSettings("example");

        var ex = Assert.Throws<CloudException>(() => ExampleSettings.Read(CloudUrl.Parse("example://bucket?mode=slow")));
        Assert.Equal("Invalid argument 'mode': the setting 'mode' must be one of fast, safe, not 'slow'.", ex.Message);
        ex = Assert.Throws<CloudException>(() => ExampleSettings.Read(CloudUrl.Parse("example://bucket?endpoint=ftp://host")));
        Assert.Contains("'endpoint'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class Owner : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private sealed class ExampleSettings : ProviderSettings
    {
        private ExampleSettings(Uri? endpoint, string? mode, string? token, bool flag)
            : base(endpoint)
        {
            Mode = mode;
            Token = token;
            Flag = flag;
        }

        public string? Mode { get; }

        public string? Token { get; }

        public bool Flag { get; }

        public static ExampleSettings Read(CloudUrl url)
            => new(ReadEndpoint(url), ReadChoice(url, "mode", ["fast", "safe"]), ReadString(url, "token"), ReadBoolean(url, "flag"));
    }
}
