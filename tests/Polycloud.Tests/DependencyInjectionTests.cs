using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Blobs;
using Xunit;

namespace Polycloud.Tests;

public sealed class DependencyInjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task NamedBuckets_ResolveByKeyAndFromTheFactory_AsOneInstance()
    {
        await using var sp = Build(new() { ["Polycloud:Blobs:images"] = "mem://images", ["Polycloud:Blobs:cache"] = "mem://cache" });
        var images = sp.GetRequiredKeyedService<BlobBucket>("images");
        Assert.Equal("images", images.Name);
        Assert.Same(images, sp.GetRequiredService<IBlobBucketFactory>().GetBucket("images"));
        Assert.Same(images, sp.GetRequiredKeyedService<BlobBucket>("images"));
        Assert.Equal(["cache", "images"], sp.GetRequiredService<IBlobBucketFactory>().Names.Order());
        await images.UploadAsync("a", BinaryData.FromString("1"), null, Ct);
        Assert.False(await sp.GetRequiredKeyedService<BlobBucket>("cache").ExistsAsync("a", Ct));
    }

    [Fact]
    public async Task UnconfiguredName_FailsWithTheConfiguredNames()
    {
        await using var sp = Build(new() { ["Polycloud:Blobs:images"] = "mem://images" });
        var ex = Assert.Throws<CloudException>(() => sp.GetRequiredKeyedService<BlobBucket>("imgs"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'imgs'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Configured: images", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ObjectForm_PassesExtraSettingsToTheProvider()
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var sp = Build(new() { ["Polycloud:Blobs:docs:Url"] = "file://" + dir, ["Polycloud:Blobs:docs:create"] = "true" });
            var docs = sp.GetRequiredKeyedService<BlobBucket>("docs");
            await docs.UploadAsync("x", BinaryData.FromString("1"), null, Ct);
            Assert.True(Directory.Exists(dir));

            await using var bad = Build(new() { ["Polycloud:Blobs:docs:create"] = "true" });
            var ex = Assert.Throws<CloudException>(() => bad.GetRequiredKeyedService<BlobBucket>("docs"));
            Assert.Contains("Polycloud:Blobs:docs:Url", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Fact]
    public async Task SwitchingProvider_IsAConfigurationChangeOnly()
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-switch-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (string url in new[] { "mem://docs", $"file://{dir}?create=true" })
            {
                await using var sp = Build(new() { ["Polycloud:Blobs:docs"] = url });
                var docs = sp.GetRequiredKeyedService<BlobBucket>("docs");
                await docs.UploadAsync("hello.txt", BinaryData.FromString("hi"), new BlobUploadOptions { ContentType = "text/plain" }, Ct);
                Assert.Equal("text/plain", (await docs.GetPropertiesAsync("hello.txt", Ct)).ContentType);
                Assert.Equal(url.StartsWith("mem", StringComparison.Ordinal) ? "memory" : "file", docs.Provider);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BadArguments_AreNamed()
    {
        var services = new ServiceCollection();
        Assert.Contains("'configuration'", Assert.Throws<CloudException>(() => services.AddPolycloud(null!)).Message, StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder().Build();
        Assert.Contains("'sectionName'", Assert.Throws<CloudException>(() => services.AddPolycloud(configuration, string.Empty)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposal_DisposesOpenedBuckets()
    {
        var sp = Build(new() { ["Polycloud:Blobs:a"] = "mem://a" });
        _ = sp.GetRequiredKeyedService<BlobBucket>("a");
        await sp.DisposeAsync();
    }

    [Fact]
    public async Task AddNamedResources_ResolvesAPackagesOwnKindByName_OnceEach_AndRejectsANonStringKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Polycloud:Widgets:a"] = "mem://a" }).Build();
        var services = new ServiceCollection();
        var builder = services.AddPolycloud(configuration);
        int opened = 0;
        builder.AddNamedResources(static (_, name) => new Widget(name));
        builder.AddNamedResources((_, name) => { opened++; return new WidgetCount(name); });
        builder.AddNamedResources((_, name) => { opened += 100; return new WidgetCount(name); });
        Assert.Single(services, d => d.ServiceType == typeof(WidgetCount) && Equals(d.ServiceKey, KeyedService.AnyKey));
        await using var sp = services.BuildServiceProvider();

        Assert.Equal("a", sp.GetRequiredKeyedService<Widget>("a").Name);
        Assert.Same(sp.GetRequiredKeyedService<Widget>("b"), sp.GetRequiredKeyedService<Widget>("b"));
        Assert.NotSame(sp.GetRequiredKeyedService<Widget>("a"), sp.GetRequiredKeyedService<Widget>("b"));
        _ = sp.GetRequiredKeyedService<WidgetCount>("a");
        _ = sp.GetRequiredKeyedService<WidgetCount>("a");
        Assert.Equal(1, opened);
        var ex = Assert.Throws<CloudException>(() => sp.GetRequiredKeyedService<Widget>(42));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'open'", Assert.Throws<CloudException>(() => builder.AddNamedResources<Widget>(null!)).Message, StringComparison.Ordinal);
    }

    private sealed record Widget(string Name);

    private sealed record WidgetCount(string Name);
}
