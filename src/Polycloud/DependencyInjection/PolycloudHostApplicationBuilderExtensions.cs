using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud;
using Polycloud.DependencyInjection;
using Polycloud.Diagnostics;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers Polycloud on a host application builder (<c>Host.CreateApplicationBuilder</c>,
/// <c>WebApplication.CreateBuilder</c>), in the manner of the .NET Aspire client integrations.</summary>
public static class PolycloudHostApplicationBuilderExtensions
{
    /// <summary>
    /// Registers Polycloud and every resource named in the <c>Polycloud</c> section of
    /// <see cref="IHostApplicationBuilder.Configuration"/>, as <c>services.AddPolycloud(configuration)</c> does; unless
    /// <see cref="PolycloudSettings.DisableHealthChecks"/> is set, adds one health check per configured resource
    /// (<c>services.AddHealthChecks().AddPolycloud()</c>); and applies <see cref="PolycloudSettings.DisableTracing"/>.
    /// Settings are read from the section (<c>Polycloud:DisableHealthChecks</c>, <c>Polycloud:DisableTracing</c>), then
    /// changed by <paramref name="configureSettings"/>. To export Polycloud's spans and metrics with OpenTelemetry, add
    /// <see cref="PolycloudDiagnostics.ActivitySourceName"/> and <see cref="PolycloudDiagnostics.MeterName"/> to its
    /// tracer and meter providers.
    /// </summary>
    /// <param name="builder">The host application builder.</param>
    /// <param name="configureSettings">Changes the settings after they are read from configuration, or <see langword="null"/>.</param>
    /// <param name="sectionName">The configuration section. Default: <c>Polycloud</c>.</param>
    /// <returns>The builder on which provider packages register their schemes (<c>.AddAws()</c>, <c>.AddAzure()</c>, <c>.AddGoogle()</c>).</returns>
    public static PolycloudBuilder AddPolycloud(this IHostApplicationBuilder builder, Action<PolycloudSettings>? configureSettings = null, string sectionName = "Polycloud")
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a host application builder is required.");
        }

        if (string.IsNullOrEmpty(sectionName))
        {
            throw CloudException.InvalidArgument(nameof(sectionName), "a section name is required (default 'Polycloud').");
        }

        var settings = new PolycloudSettings();
        builder.Configuration.GetSection(sectionName).Bind(settings);
        configureSettings?.Invoke(settings);

        var polycloud = builder.Services.AddPolycloud(builder.Configuration, sectionName);
        builder.Services.TryAddSingleton(settings);
        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddPolycloud();
        }

        if (settings.DisableTracing)
        {
            PolycloudDiagnostics.TracingDisabled = true;
        }

        return polycloud;
    }
}
