using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polycloud;
using Polycloud.Blobs;
using Polycloud.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Polycloud in a service collection.</summary>
public static class PolycloudServiceCollectionExtensions
{
    /// <summary>
    /// Registers Polycloud and every resource named in the <c>Polycloud</c> section of <paramref name="configuration"/>:
    /// <c>Polycloud:Blobs:{name}</c> becomes a keyed <see cref="BlobBucket"/> and is available from
    /// <see cref="IBlobBucketFactory"/>; <c>Polycloud:Queues:{name}</c> a keyed <see cref="Polycloud.Queues.MessageQueue"/>
    /// from <see cref="Polycloud.Queues.IMessageQueueFactory"/>; <c>Polycloud:Functions:{name}</c> a keyed
    /// <see cref="Polycloud.Functions.CloudFunction"/>. Databases (<c>Polycloud:Databases:{name}</c>) are registered by
    /// <c>.AddDatabases()</c> from the <c>Polycloud.Databases</c> package. Switching a resource to another cloud is a
    /// configuration change only.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The application configuration (the <c>Polycloud</c> section is read from it).</param>
    /// <param name="sectionName">The section name. Default: <c>Polycloud</c>.</param>
    /// <returns>A builder on which provider packages register their schemes (<c>.AddAws()</c>, <c>.AddAzure()</c>, <c>.AddGoogle()</c>).</returns>
    public static PolycloudBuilder AddPolycloud(this IServiceCollection services, IConfiguration configuration, string sectionName = "Polycloud")
    {
        if (services is null)
        {
            throw CloudException.InvalidArgument(nameof(services), "a service collection is required.");
        }

        if (configuration is null)
        {
            throw CloudException.InvalidArgument(nameof(configuration), "a configuration is required; call AddPolycloud() without arguments to register only the opener.");
        }

        if (string.IsNullOrEmpty(sectionName))
        {
            throw CloudException.InvalidArgument(nameof(sectionName), "a section name is required (default 'Polycloud').");
        }

        return AddCore(services, configuration.GetSection(sectionName));
    }

    /// <summary>Registers Polycloud without configuration: the <see cref="PolycloudOpener"/> only.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder on which provider packages register their schemes.</returns>
    public static PolycloudBuilder AddPolycloud(this IServiceCollection services)
    {
        if (services is null)
        {
            throw CloudException.InvalidArgument(nameof(services), "a service collection is required.");
        }

        return AddCore(services, null);
    }

    /// <summary>
    /// Checks the whole <c>Polycloud</c> section when the host starts (<c>ValidateOnStart</c>): unknown keys, and every
    /// configured resource opened (no network call) so that an unknown scheme, a misspelt or missing setting fails
    /// start-up with all problems listed together, each with its configuration path.
    /// </summary>
    private static void AddConfigurationValidation(IServiceCollection services)
    {
        if (services.Any(static d => d.ServiceType == typeof(IValidateOptions<PolycloudConfigurationStatus>)))
        {
            return;
        }

        services.AddSingleton<IValidateOptions<PolycloudConfigurationStatus>, PolycloudConfigurationValidator>();
        services.AddOptions<PolycloudConfigurationStatus>().ValidateOnStart();
        services.AddSingleton<IPolycloudConfigurationCheck>(static sp => new PolycloudResourceCheck("Blobs", (url, settings, _) => sp.GetRequiredService<PolycloudOpener>().OpenBucket(url, settings)));
        services.AddSingleton<IPolycloudConfigurationCheck>(static sp => new PolycloudResourceCheck("Queues", (url, settings, _) => sp.GetRequiredService<PolycloudOpener>().OpenQueue(url, settings)));
        services.AddSingleton<IPolycloudConfigurationCheck>(static sp => new PolycloudResourceCheck("Functions", (url, settings, _) => sp.GetRequiredService<PolycloudOpener>().OpenFunction(url, settings)));
        services.AddSingleton<IPolycloudConfigurationCheck>(new PolycloudKnownKeys("HealthChecks", "DisableHealthChecks", "DisableTracing", "Residency"));
        services.AddSingleton<IPolycloudConfigurationCheck, QueueWorkerConfigurationCheck>();
        services.AddSingleton<IPolycloudConfigurationCheck>(new UnregisteredSectionCheck(
            "Databases",
            "databases are configured, but no database support is registered: reference the Polycloud.Databases package and call .AddDatabases() on AddPolycloud(...)."));
    }

    /// <summary>
    /// Checks the <c>Polycloud</c> configuration section now, as a host does at start-up: throws one
    /// <see cref="OptionsValidationException"/> listing every problem (unknown or misspelt keys, unknown schemes, unknown,
    /// missing or invalid settings), each with its configuration path. For applications that build a service provider
    /// without a host; a host runs the same check when it starts.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <exception cref="OptionsValidationException">The configuration has problems.</exception>
    public static void ValidatePolycloudConfiguration(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _ = services.GetRequiredService<IOptions<PolycloudConfigurationStatus>>().Value;
    }

    private static PolycloudBuilder AddCore(IServiceCollection services, IConfigurationSection? section)
    {
        services.TryAddSingleton(new PolycloudConfigurationRoot(section));
        services.TryAddSingleton(static sp => new PolycloudOpener(sp));
        services.TryAddSingleton<BlobBucketFactory>();
        services.TryAddSingleton<IBlobBucketFactory>(static sp => sp.GetRequiredService<BlobBucketFactory>());
        PolycloudBuilder.AddKeyed(services, static (sp, name) => sp.GetRequiredService<IBlobBucketFactory>().GetBucket(name));
        MessageQueueFactory.Register(services);
        PolycloudBuilder.AddKeyed(services, static (sp, name) => sp.GetRequiredService<Polycloud.Queues.IMessageQueueFactory>().GetQueue(name));
        FunctionServiceRegistration.AddCore(services);
        PolycloudBuilder.AddKeyed(services, static (sp, name) => sp.GetRequiredService<Polycloud.Functions.ICloudFunctionFactory>().GetFunction(name));
        PolycloudHealthCheckRegistrar.AddCoreSources(services);
        AddConfigurationValidation(services);
        PolycloudBuilderResidencyExtensions.AddIfConfigured(services, section);
        return new PolycloudBuilder(services, section);
    }
}
