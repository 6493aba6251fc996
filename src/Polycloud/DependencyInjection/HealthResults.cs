using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Polycloud.DependencyInjection;

/// <summary>The shape the Polycloud health checks share: open the resource (an open failure is the check's failure),
/// then one cheap call whose <see cref="CloudException"/> is reported with the provider, the resource and the error code.</summary>
internal static class HealthResults
{
    /// <summary>Runs one check.</summary>
    /// <typeparam name="T">The resource type.</typeparam>
    /// <param name="context">The health check context.</param>
    /// <param name="open">Gets the resource (the factories cache it).</param>
    /// <param name="describe">The provider and the resource name, for the data and the messages.</param>
    /// <param name="noun">The resource in a sentence: <c>bucket</c>, <c>queue</c>, <c>function</c>, <c>database</c>.</param>
    /// <param name="probe">The call; returns the healthy (or otherwise decided) result, with the shared data to add to.</param>
    /// <returns>The result.</returns>
    public static async Task<HealthCheckResult> RunAsync<T>(
        HealthCheckContext? context,
        Func<T> open,
        Func<T, (string Provider, string Name)> describe,
        string noun,
        Func<T, Dictionary<string, object>, ValueTask<HealthCheckResult>> probe)
    {
        T resource;
        try
        {
            resource = open();
        }
        catch (CloudException e)
        {
            return Failed(context, e.Message, e);
        }

        var (provider, name) = describe(resource);
        var data = Data(provider, name);
        try
        {
            return await probe(resource, data).ConfigureAwait(false);
        }
        catch (CloudException e)
        {
            return Failed(context, $"{provider}: {noun} '{name}': {e.ErrorCode}: {e.Message}", e, data);
        }
    }

    public static HealthCheckResult Failed(HealthCheckContext? context, string description, Exception? exception, Dictionary<string, object>? data = null)
    {
        data ??= [];
        if (exception is CloudException ce)
        {
            data["errorCode"] = ce.ErrorCode.ToString();
        }

        return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, description, exception, data);
    }

    public static Dictionary<string, object> Data(string provider, string resource)
        => new(StringComparer.Ordinal) { ["provider"] = provider, ["resource"] = resource };
}
