using Microsoft.Extensions.DependencyInjection;
using Polycloud.Functions;
using Polycloud.Functions.Drivers;
using Polycloud.Functions.Local;

namespace Polycloud;

/// <summary>Opening functions: <c>local://name</c> always, and the schemes provider packages add
/// (<c>lambda://</c>, <c>azfunc://</c>, <c>gcf://</c>).</summary>
public sealed partial class PolycloudOpener
{
    private readonly SchemeTable<IFunctionDriverFactory> _functions = new("function", "'services.AddPolycloud(configuration).AddAws()' or 'opener.AddAws()'");
    private readonly object _functionsInitGate = new();
    private LocalFunctionRegistry? _localFunctions;
    private bool _functionsInitialized;

    /// <summary>The registered function URL schemes.</summary>
    public IReadOnlyCollection<string> FunctionSchemes
    {
        get
        {
            EnsureFunctions();
            return _functions.Schemes;
        }
    }

    /// <summary>
    /// The in-process functions behind <c>local://name</c>: the <see cref="LocalFunctionRegistry"/> registered in the
    /// application's services when there is one, else this opener's own.
    /// </summary>
    public LocalFunctionRegistry LocalFunctions
    {
        get
        {
            EnsureFunctions();
            return _localFunctions!;
        }
    }

    /// <summary>Registers a function driver factory for its schemes, replacing any earlier one for the same scheme.</summary>
    /// <param name="factory">The factory.</param>
    /// <returns>This opener.</returns>
    public PolycloudOpener AddFunctionDriver(IFunctionDriverFactory factory)
    {
        if (factory is null)
        {
            throw CloudException.InvalidArgument(nameof(factory), "a function driver factory is required.");
        }

        EnsureFunctions();
        foreach (string scheme in factory.Schemes)
        {
            _functions.Add(scheme, factory);
        }

        return this;
    }

    /// <summary>Registers (or replaces) an in-process function, opened as <c>local://{name}</c>.</summary>
    /// <param name="name">The function name.</param>
    /// <param name="handler">The function; throw from it to report a function error.</param>
    /// <returns>This opener.</returns>
    public PolycloudOpener AddLocalFunction(string name, LocalFunctionHandler handler)
    {
        LocalFunctions.Add(name, handler);
        return this;
    }

    /// <summary>Opens a function from its URL. No network call is made until the first invocation.</summary>
    /// <param name="url">For example <c>local://resize</c>, <c>lambda://resize?region=eu-west-1&amp;qualifier=prod</c>,
    /// <c>azfunc://my-app/resize</c>, <c>gcf://my-project/europe-west1/resize</c>, or
    /// <c>gcf+https://resize-abc123-ew.a.run.app</c>. Settings every provider understands: <c>timeout</c> (the default
    /// per-call timeout, for example <c>00:00:30</c> or <c>30s</c>) and <c>maxAttempts</c> (throttling retries).</param>
    /// <param name="settings">Settings that do not belong in the URL (for example a function key from a secret store).</param>
    /// <returns>The function. Dispose it when done.</returns>
    /// <exception cref="CloudException">InvalidArgument when the URL is malformed, its scheme is not registered, or a
    /// setting is missing, unknown or invalid.</exception>
    public CloudFunction OpenFunction(string url, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        EnsureFunctions();
        var parsed = CloudUrl.Parse(url, settings);
        var factory = _functions.Resolve(parsed);
        TimeSpan? timeout = parsed.Get("timeout") is { } t ? ParseTimeout(t) : null;
        long? attempts = parsed.GetInt64("maxAttempts", 1, 20);
        var options = new CloudFunctionOptions
        {
            DefaultTimeout = timeout ?? CloudFunctionOptions.Default.DefaultTimeout,
            Retry = attempts is { } a ? new FunctionRetryOptions { MaxAttempts = (int)a } : new FunctionRetryOptions(),
        };

        var function = new CloudFunction(factory.Create(parsed, _services), options);
        ObsoleteSettingsLog.Report(parsed, _services);
        return function;
    }

    private static TimeSpan ParseTimeout(string value)
    {
        if (string.Equals(value, "infinite", StringComparison.OrdinalIgnoreCase))
        {
            return System.Threading.Timeout.InfiniteTimeSpan;
        }

        if (value.Length > 1 && value[^1] is 's' or 'S'
            && double.TryParse(value.AsSpan(0, value.Length - 1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            && seconds > 0 && seconds <= int.MaxValue / 1000.0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        throw CloudException.InvalidArgument("timeout", $"the setting 'timeout' must be a positive duration such as '30s' or '00:00:30', or 'infinite'; not '{value}'.");
    }

    private void EnsureFunctions()
    {
        if (Volatile.Read(ref _functionsInitialized))
        {
            return;
        }

        lock (_functionsInitGate)
        {
            if (_functionsInitialized)
            {
                return;
            }

            _localFunctions = _services?.GetService<LocalFunctionRegistry>() ?? new LocalFunctionRegistry();
            var registry = _localFunctions;
            _functions.Add("local", new LocalFunctionDriverFactory(() => registry));
            if (_services is not null)
            {
                foreach (var factory in _services.GetServices<IFunctionDriverFactory>())
                {
                    foreach (string scheme in factory.Schemes)
                    {
                        _functions.Add(scheme, factory);
                    }
                }
            }

            Volatile.Write(ref _functionsInitialized, true);
        }
    }
}
