using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Returned by <c>services.AddPolycloud(configuration)</c> and <c>builder.AddPolycloud()</c>; provider packages add their schemes to it
/// (<c>.AddAws()</c>, <c>.AddAzure()</c>, <c>.AddGoogle()</c>).
/// </summary>
public sealed class PolycloudBuilder
{
    internal PolycloudBuilder(IServiceCollection services, IConfiguration? configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The <c>Polycloud</c> configuration section, or <see langword="null"/> when none was given.</summary>
    public IConfiguration? Configuration { get; }
}
