using Polycloud.Testing.Conformance.Functions;
using Polycloud.Functions;
using Xunit;

namespace Polycloud.Azure.Tests.Functions;

/// <summary>
/// The function conformance suite against Azure Functions HTTP triggers, served by <see cref="FunctionsHostStub"/> (an
/// in-test server following the documented HTTP trigger contract: no Functions host emulator runs here), with a function key.
/// </summary>
public sealed class AzureFunctionsConformanceTests : FunctionConformanceTests, IAsyncLifetime
{
    private static readonly PolycloudOpener Opener = new PolycloudOpener().AddAzure();
    private readonly FunctionsHostStub _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    protected override CloudFunction Open(ConformanceFunction which) => which switch
    {
        ConformanceFunction.Echo => OpenAt("echo"),
        ConformanceFunction.Fail => OpenAt("fail"),
        ConformanceFunction.Slow => OpenAt("slow"),
        _ => OpenAt("missing-" + Guid.NewGuid().ToString("N")[..8]),
    };

    private CloudFunction OpenAt(string function)
        => Opener.OpenFunction($"azfunc://my-app/{function}", [new("endpoint", _host.BaseUrl), new("key", FunctionsHostStub.Key)]);
}
