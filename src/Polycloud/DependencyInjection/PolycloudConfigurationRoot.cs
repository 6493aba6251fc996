using Microsoft.Extensions.Configuration;

namespace Polycloud.DependencyInjection;

/// <summary>Holds the <c>Polycloud</c> configuration section for the factories.</summary>
internal sealed class PolycloudConfigurationRoot(IConfigurationSection? section)
{
    public IConfigurationSection? Section { get; } = section;
}
