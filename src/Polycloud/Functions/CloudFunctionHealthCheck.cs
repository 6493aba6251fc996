using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.DependencyInjection;

namespace Polycloud.Functions;

/// <summary>
/// Checks a function. Without a probe payload it does not invoke the function (an invocation can cost money and have
/// effects, and no provider has a read-only call that proves a function can run): it opens the function, which checks
/// its configuration, and reports <see cref="HealthStatus.Healthy"/> with <c>probed = false</c>. With a probe payload it
/// invokes the function once and is healthy when the call returns without a function error.
/// </summary>
public sealed class CloudFunctionHealthCheck : IHealthCheck
{
    private readonly Func<CloudFunction> _function;
    private readonly BinaryData? _probePayload;

    /// <summary>Creates the check.</summary>
    /// <param name="function">Gets the function to check (called at each check; the factories cache the function).</param>
    /// <param name="probePayload">The payload to invoke the function with at each check, or <see langword="null"/> to
    /// never invoke it.</param>
    public CloudFunctionHealthCheck(Func<CloudFunction> function, BinaryData? probePayload = null)
    {
        _function = function ?? throw CloudException.InvalidArgument(nameof(function), "a function accessor is required.");
        _probePayload = probePayload;
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => HealthResults.RunAsync(context, _function, static f => (f.Provider, f.Name), "function", async (function, data) =>
        {
            data["probed"] = _probePayload is not null;
            if (_probePayload is null)
            {
                return HealthCheckResult.Healthy($"{function.Provider}: function '{function.Name}' is configured; not probed (configure a probe payload to invoke it).", data);
            }

            var result = await function.InvokeAsync(_probePayload, null, cancellationToken).ConfigureAwait(false);
            data["statusCode"] = result.StatusCode;
            if (result.FunctionError is { } error)
            {
                data["functionError"] = error.Type;
                return HealthResults.Failed(context, $"{function.Provider}: function '{function.Name}' answered the probe with a function error: {error.Type}: {error.Message}", null, data);
            }

            return HealthCheckResult.Healthy($"{function.Provider}: function '{function.Name}' answered the probe.", data);
        });
}
