using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Functions;
using Polycloud.Functions.Drivers;
using Xunit;

namespace Polycloud.Tests;

/// <summary>The one cache behind the named buckets, queues, functions and databases, seen through functions opened by a
/// counting driver.</summary>
public sealed class NamedResourceCacheTests
{
    private static ServiceProvider Build(CountingFunctionDriverFactory factory, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionDriverFactory>(factory));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task ManyParallelResolves_OpenTheResourceOnce()
    {
        var factory = new CountingFunctionDriverFactory();
        await using var sp = Build(factory, new() { ["Polycloud:Functions:resize"] = "counting://resize" });
        const int callers = 32;
        using var ready = new CountdownEvent(callers);
        factory.BeforeCreate = () => ready.Wait(TestContext.Current.CancellationToken);

        var resolves = Enumerable.Range(0, callers).Select(i => Task.Factory.StartNew(
            () =>
            {
                ready.Signal();
                return i % 2 == 0
                    ? sp.GetRequiredKeyedService<CloudFunction>("resize")
                    : sp.GetRequiredService<ICloudFunctionFactory>().GetFunction("RESIZE");
            },
            TestContext.Current.CancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        var functions = await Task.WhenAll(resolves);

        Assert.Equal(1, factory.Creates);
        Assert.All(functions, f => Assert.Same(functions[0], f));
    }

    [Fact]
    public async Task DisposingTheContainer_DisposesEachOpenedResourceExactlyOnce()
    {
        var factory = new CountingFunctionDriverFactory();
        var sp = Build(factory, new()
        {
            ["Polycloud:Functions:a"] = "counting://a",
            ["Polycloud:Functions:b"] = "counting://b",
            ["Polycloud:Functions:unused"] = "counting://unused",
        });
        _ = sp.GetRequiredKeyedService<CloudFunction>("a");
        _ = sp.GetRequiredService<ICloudFunctionFactory>().GetFunction("b");
        _ = sp.GetRequiredKeyedService<CloudFunction>("a");

        await sp.DisposeAsync();
        await sp.DisposeAsync();

        Assert.Equal(2, factory.Creates);
        Assert.Equal(["a", "b"], factory.Disposed.Order(StringComparer.Ordinal));
        Assert.Throws<ObjectDisposedException>(() => sp.GetRequiredService<ICloudFunctionFactory>());
    }

    [Fact]
    public async Task SyncDisposeOfTheFactory_DisposesTheOpenedResourcesOnce_AndLaterGetsFail()
    {
        var factory = new CountingFunctionDriverFactory();
        await using var sp = Build(factory, new() { ["Polycloud:Functions:a"] = "counting://a" });
        var functions = sp.GetRequiredService<ICloudFunctionFactory>();
        _ = functions.GetFunction("a");

        ((IDisposable)functions).Dispose();
        ((IDisposable)functions).Dispose();

        Assert.Equal(["a"], factory.Disposed);
        Assert.Throws<ObjectDisposedException>(() => functions.GetFunction("a"));
    }

    [Fact]
    public async Task OpenFailure_IsACloudExceptionNamingTheConfigurationPath_AndIsNotCached()
    {
        var factory = new CountingFunctionDriverFactory { Fail = true };
        await using var sp = Build(factory, new() { ["Polycloud:Functions:resize"] = "counting://resize" });

        var ex = Assert.Throws<CloudException>(() => sp.GetRequiredKeyedService<CloudFunction>("resize"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'Polycloud:Functions:resize'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Polycloud:Functions:resize", ex.Data["ConfigurationPath"]);
        Assert.Equal("size", ex.Data["ArgumentName"]);

        factory.Fail = false;
        Assert.Equal("resize", sp.GetRequiredKeyedService<CloudFunction>("resize").Name);
        Assert.Equal(2, factory.Creates);
    }

    [Fact]
    public async Task UnknownScheme_NamesTheConfigurationPath()
    {
        await using var sp = Build(new CountingFunctionDriverFactory(), new() { ["Polycloud:Functions:resize"] = "nosuch://resize" });
        var ex = Assert.Throws<CloudException>(() => sp.GetRequiredService<ICloudFunctionFactory>().GetFunction("resize"));
        Assert.Contains("'Polycloud:Functions:resize'", ex.Message, StringComparison.Ordinal);
    }

    private sealed class CountingFunctionDriverFactory : IFunctionDriverFactory
    {
        private int _creates;

        public IReadOnlyList<string> Schemes { get; } = ["counting"];

        public int Creates => Volatile.Read(ref _creates);

        public System.Collections.Concurrent.ConcurrentQueue<string> Disposed { get; } = new();

        public bool Fail { get; set; }

        public Action? BeforeCreate { get; set; }

        public IFunctionDriver Create(CloudUrl url, IServiceProvider? services)
        {
            Interlocked.Increment(ref _creates);
            BeforeCreate?.Invoke();
            if (Fail)
            {
                throw CloudException.InvalidArgument("size", "a size is required.");
            }

            return new CountingDriver(url.Host, this);
        }
    }

    private sealed class CountingDriver(string name, CountingFunctionDriverFactory factory) : IFunctionDriver
    {
        public string ProviderName => "counting";

        public string FunctionName => name;

        public FunctionCapabilities Capabilities { get; } = new();

        public ValueTask<FunctionResult> InvokeAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
            => ValueTask.FromResult(new FunctionResult(payload, 200));

        public Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
            => throw CloudException.NotSupported(ProviderName, "events");

        public CloudErrorCode ClassifyError(Exception exception) => CloudErrorCode.Internal;

        public bool TryAs<T>([NotNullWhen(true)] out T? value)
            where T : class
        {
            value = null;
            return false;
        }

        public ValueTask DisposeAsync()
        {
            factory.Disposed.Enqueue(name);
            return ValueTask.CompletedTask;
        }
    }
}
