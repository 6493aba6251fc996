using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Polycloud.DependencyInjection;

/// <summary>The result shapes the Polycloud health checks share.</summary>
internal static class HealthResults
{
    public static HealthCheckResult Failed(HealthCheckContext? context, string description, Exception exception, Dictionary<string, object>? data = null)
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
