using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Polycloud.Residency;

namespace Polycloud.DependencyInjection;

/// <summary>Registers the residency check that runs when the host starts.</summary>
public static class PolycloudBuilderResidencyExtensions
{
    /// <summary>
    /// Checks, when the host starts, that every configured bucket, queue and function lives in a region the policy
    /// allows, and fails startup with one <see cref="ResidencyViolationException"/> listing every violation.
    /// <c>services.AddPolycloud(configuration)</c> already does this when the <c>Polycloud:Residency</c> section exists;
    /// call this to give the policy in code instead.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="policy">The policy; <see langword="null"/> to read <c>Polycloud:Residency</c> from configuration.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CloudException">InvalidArgument when no policy is given and the configuration has none.</exception>
    public static PolycloudBuilder AddResidencyPolicy(this PolycloudBuilder builder, ResidencyPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        policy ??= ResidencyPolicy.FromConfiguration(builder.Configuration)
            ?? throw CloudException.InvalidArgument(nameof(policy), "no policy was given and the configuration has no 'Polycloud:Residency' section.");
        Register(builder.Services, policy);
        return builder;
    }

    /// <summary>Registers the check when the <c>Residency</c> section exists (from <c>AddPolycloud(configuration)</c>).</summary>
    internal static void AddIfConfigured(IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration? section)
    {
        if (ResidencyPolicy.FromConfiguration(section) is { } policy)
        {
            Register(services, policy);
        }
    }

    private static void Register(IServiceCollection services, ResidencyPolicy policy)
    {
        services.RemoveAll<ResidencyPolicy>();
        services.AddSingleton(policy);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ResidencyStartupCheck>());
    }
}
