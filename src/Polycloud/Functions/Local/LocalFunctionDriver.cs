using System.Diagnostics.CodeAnalysis;
using Polycloud.Functions.Drivers;

namespace Polycloud.Functions.Local;

/// <summary>
/// Invokes a function registered in a <see cref="LocalFunctionRegistry"/>, in process. Opened as <c>local://name</c>
/// (settings: <c>maxPayloadBytes</c>, to reproduce a cloud provider's limit locally). A function that throws is a function
/// error (type: the exception's type name, message: its message); a name with no function is NotFound.
/// </summary>
public sealed partial class LocalFunctionDriver : IFunctionDriver, Polycloud.Drivers.IResourceLocationProvider
{
    private readonly LocalFunctionRegistry _registry;

    /// <summary>Creates the driver.</summary>
    /// <param name="registry">The registry holding the function.</param>
    /// <param name="functionName">The function name.</param>
    /// <param name="maxPayloadBytes">A payload limit to enforce, or <see langword="null"/> for none.</param>
    public LocalFunctionDriver(LocalFunctionRegistry registry, string functionName, long? maxPayloadBytes = null)
    {
        _registry = registry ?? throw CloudException.InvalidArgument(nameof(registry), "a local function registry is required.");
        LocalFunctionRegistry.ValidateName(functionName, nameof(functionName));
        FunctionName = functionName;
        Capabilities = new FunctionCapabilities
        {
            EventInvocation = true,
            Qualifiers = true,
            ClientContext = true,
            BinaryPayloads = true,
            MaxPayloadBytes = maxPayloadBytes,
            MaxEventPayloadBytes = maxPayloadBytes,
        };
    }

    /// <inheritdoc/>
    public string ProviderName => "local";

    /// <inheritdoc/>
    public string FunctionName { get; }

    /// <inheritdoc/>
    public FunctionCapabilities Capabilities { get; }

    /// <inheritdoc/>
    public async ValueTask<FunctionResult> InvokeAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
    {
        var handler = Find();
        var context = new LocalFunctionContext(FunctionName, options.Qualifier, contentType, options.ClientContext, isEvent: false, cancellationToken);
        try
        {
            var response = await handler(payload, context).ConfigureAwait(false) ?? BinaryData.Empty;
            return new FunctionResult(response, 200, null, options.Qualifier ?? "$LATEST", response.MediaType);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var error = new FunctionError(ex.GetType().FullName ?? ex.GetType().Name, ex.Message);
            return new FunctionResult(BinaryData.FromString(error.ToString()), 500, error, options.Qualifier ?? "$LATEST", "text/plain");
        }
    }

    /// <inheritdoc/>
    public Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var handler = Find();
        var context = new LocalFunctionContext(FunctionName, options.Qualifier, contentType, options.ClientContext, isEvent: true, _registry.ShutdownToken);
        _registry.StartEvent(FunctionName, handler, payload, context);
        return Task.FromResult(new FunctionEventReceipt(202, null));
    }

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => CloudErrorCode.Unknown;

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _registry as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private LocalFunctionHandler Find()
        => _registry.TryGet(FunctionName, out var handler)
            ? handler
            : throw new CloudException(
                CloudErrorCode.NotFound,
                $"local: no local function named '{FunctionName}' is registered. Registered: {(_registry.Names.Count == 0 ? "none" : string.Join(", ", _registry.Names))}. Register it with builder.AddLocalFunction(\"{FunctionName}\", handler) or opener.AddLocalFunction(...).",
                "local");
}

/// <summary>Opens <c>local://name</c> against a registry.</summary>
internal sealed class LocalFunctionDriverFactory(Func<LocalFunctionRegistry> registry) : IFunctionDriverFactory
{
    public IReadOnlyList<string> Schemes { get; } = ["local"];

    public IFunctionDriver Create(CloudUrl url, IServiceProvider? services)
    {
        if (url.Path.Length > 0 && url.Path != "/")
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has a path; a local function URL is 'local://name'.");
        }

        long? max = url.GetInt64("maxPayloadBytes", 1, long.MaxValue);
        url.ThrowIfUnknownSettings("local");
        return new LocalFunctionDriver(registry(), url.Host, max);
    }
}
