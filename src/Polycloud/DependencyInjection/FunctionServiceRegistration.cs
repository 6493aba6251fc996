using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Functions;
using Polycloud.Functions.Local;

namespace Polycloud.DependencyInjection;

/// <summary>The function part of <c>AddPolycloud</c>.</summary>
internal static class FunctionServiceRegistration
{
    public static void AddCore(IServiceCollection services)
    {
        services.TryAddSingleton(static sp =>
        {
            var registry = new LocalFunctionRegistry();
            foreach (var registration in sp.GetServices<LocalFunctionRegistration>())
            {
                registry.Add(registration.Name, registration.Handler);
            }

            return registry;
        });
        services.TryAddSingleton<CloudFunctionFactory>();
        services.TryAddSingleton<ICloudFunctionFactory>(static sp => sp.GetRequiredService<CloudFunctionFactory>());
    }
}

/// <summary>A local function registered with <c>builder.AddLocalFunction</c>, added to the registry when it is created.</summary>
internal sealed record LocalFunctionRegistration(string Name, LocalFunctionHandler Handler);
