using Microsoft.Extensions.DependencyInjection;
using Polycloud.DependencyInjection;
using Polycloud.Functions.Local;

namespace Polycloud;

/// <summary>Registers in-process functions (<c>local://name</c>) through dependency injection.</summary>
public static class PolycloudBuilderFunctionExtensions
{
    /// <summary>
    /// Registers (or replaces) an in-process function, opened as <c>local://{name}</c> (for example from
    /// <c>"Polycloud:Functions:resize": "local://resize"</c>). The same calling code then runs against the cloud function
    /// by changing only the configured URL.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddPolycloud(...)</c>.</param>
    /// <param name="name">The function name.</param>
    /// <param name="handler">The function; throw from it to report a function error.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddLocalFunction(this PolycloudBuilder builder, string name, LocalFunctionHandler handler)
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a Polycloud builder is required.");
        }

        LocalFunctionRegistry.ValidateName(name, nameof(name));
        if (handler is null)
        {
            throw CloudException.InvalidArgument(nameof(handler), "a function delegate is required.");
        }

        builder.Services.AddSingleton(new LocalFunctionRegistration(name, handler));
        return builder;
    }
}
