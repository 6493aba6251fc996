using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.DependencyInjection;
using Polycloud.Functions.Drivers;
using Polycloud.Google.Functions;

namespace Polycloud;

/// <summary>Registers the Google Cloud schemes: <c>gcf://</c>, <c>gcf+https://</c> (functions).</summary>
public static class PolycloudGoogleExtensions
{
    /// <summary>Registers the Google Cloud drivers in the container, for <c>services.AddPolycloud(configuration)</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddGoogle(this PolycloudBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RegisterFunctions(builder);
        return builder;
    }

    /// <summary>Registers the Google Cloud drivers on an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddGoogle(this PolycloudOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        RegisterFunctions(opener);
        return opener;
    }

    private static void RegisterFunctions(PolycloudBuilder builder)
        => builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionDriverFactory, CloudFunctionsDriverFactory>());

    private static void RegisterFunctions(PolycloudOpener opener)
        => opener.AddFunctionDriver(new CloudFunctionsDriverFactory());
}
