namespace Polycloud.Functions.Drivers;

/// <summary>
/// Opens function drivers for one or more URL schemes (for example <c>lambda</c>). Provider packages register theirs
/// explicitly (<c>builder.AddAws()</c>, <c>opener.AddAws()</c>); nothing is discovered by scanning assemblies.
/// </summary>
public interface IFunctionDriverFactory
{
    /// <summary>The URL schemes this factory opens, lower case, for example <c>lambda</c>.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>Creates a driver for the URL. Must not make network calls; read every setting and then call
    /// <see cref="CloudUrl.ThrowIfUnknownSettings"/>.</summary>
    /// <param name="url">The parsed URL with any settings from configuration.</param>
    /// <param name="services">The application's services when opened through dependency injection (for credentials,
    /// HTTP client factories, logging), else <see langword="null"/>.</param>
    /// <returns>The driver.</returns>
    IFunctionDriver Create(CloudUrl url, IServiceProvider? services);
}
