using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Aws.Functions;
using Polycloud.DependencyInjection;
using Polycloud.Functions.Drivers;

namespace Polycloud;

/// <summary>Registers the AWS schemes: <c>lambda://</c> (functions).</summary>
public static class PolycloudAwsExtensions
{
    /// <summary>Registers the AWS drivers in the container, for <c>services.AddPolycloud(configuration)</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddAws(this PolycloudBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RegisterFunctions(builder);
        return builder;
    }

    /// <summary>Registers the AWS drivers on an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddAws(this PolycloudOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        RegisterFunctions(opener);
        return opener;
    }

    private static void RegisterFunctions(PolycloudBuilder builder)
        => builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionDriverFactory, LambdaFunctionDriverFactory>());

    private static void RegisterFunctions(PolycloudOpener opener)
        => opener.AddFunctionDriver(new LambdaFunctionDriverFactory());
}
