using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Azure.Functions;
using Polycloud.DependencyInjection;
using Polycloud.Functions.Drivers;

namespace Polycloud;

/// <summary>Registers the Azure schemes: <c>azfunc://</c> (functions).</summary>
public static class PolycloudAzureExtensions
{
    /// <summary>Registers the Azure drivers in the container, for <c>services.AddPolycloud(configuration)</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddAzure(this PolycloudBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RegisterFunctions(builder);
        return builder;
    }

    /// <summary>Registers the Azure drivers on an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddAzure(this PolycloudOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        RegisterFunctions(opener);
        return opener;
    }

    private static void RegisterFunctions(PolycloudBuilder builder)
        => builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionDriverFactory, AzureFunctionsDriverFactory>());

    private static void RegisterFunctions(PolycloudOpener opener)
        => opener.AddFunctionDriver(new AzureFunctionsDriverFactory());
}
