namespace Polycloud.Drivers;

/// <summary>
/// The base of a provider's settings reader: the one class per provider (<c>AwsSettings</c>, <c>AzureSettings</c>,
/// <c>GoogleSettings</c>, or a third-party provider's own) that reads the settings every resource URL of that provider
/// shares — endpoint, credentials, region or project — so that each of its schemes reads them the same way.
/// </summary>
/// <remarks>
/// <para>A derived class is immutable and has a static <c>Read(CloudUrl url, …)</c> that reads its settings with the
/// helpers below (which mark them as known, so that <see cref="CloudUrl.ThrowIfUnknownSettings"/> accepts them), checks
/// that they fit together — failing with <see cref="CloudException.InvalidArgument(string, string)"/> naming the setting and the rule,
/// before any network call — and passes the endpoint to the constructor. A driver factory calls it first, then reads
/// its capability's own settings, then calls <see cref="CloudUrl.ThrowIfUnknownSettings"/>.</para>
/// <para>Secrets read here (keys, tokens, connection strings) must never be logged or put in error messages;
/// <see cref="CloudUrl.ToString"/> redacts the settings whose names mark them as secret (containing <c>key</c>,
/// <c>secret</c>, <c>password</c>, <c>token</c>, <c>sas</c>, <c>sig</c> or <c>credential</c>).</para>
/// </remarks>
public abstract class ProviderSettings
{
    /// <summary>Initializes the settings shared by every provider.</summary>
    /// <param name="endpoint">The <c>endpoint</c> setting, or <see langword="null"/>.</param>
    protected ProviderSettings(Uri? endpoint)
    {
        Endpoint = endpoint;
    }

    /// <summary>
    /// The <c>endpoint</c> setting: the service root to talk to instead of the provider's public one (an emulator, a
    /// compatible server, a private or sovereign endpoint), or <see langword="null"/>.
    /// </summary>
    public Uri? Endpoint { get; }

    /// <summary>Reads a text setting; an empty value counts as absent.</summary>
    /// <param name="url">The resource URL with its settings.</param>
    /// <param name="name">The setting name, case-insensitive.</param>
    /// <param name="obsoleteName">The name the setting had before, still accepted (with a warning logged once), or
    /// <see langword="null"/>.</param>
    /// <returns>The value, or <see langword="null"/> when absent or empty.</returns>
    /// <exception cref="CloudException">InvalidArgument when both <paramref name="name"/> and
    /// <paramref name="obsoleteName"/> are set.</exception>
    protected static string? ReadString(CloudUrl url, string name, string? obsoleteName = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        string? value = obsoleteName is null ? url.Get(name) : url.Get(name, obsoleteName);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>Reads a boolean setting (<c>true</c>/<c>false</c>/<c>1</c>/<c>0</c>); absent is <see langword="false"/>.</summary>
    /// <param name="url">The resource URL with its settings.</param>
    /// <param name="name">The setting name, case-insensitive.</param>
    /// <param name="obsoleteName">The name the setting had before, or <see langword="null"/>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CloudException">InvalidArgument when the value is not a boolean.</exception>
    protected static bool ReadBoolean(CloudUrl url, string name, string? obsoleteName = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        return obsoleteName is null ? url.GetBoolean(name, defaultValue: false) : url.GetBoolean(name, obsoleteName, defaultValue: false);
    }

    /// <summary>Reads the <c>endpoint</c> setting: an absolute <c>http</c> or <c>https</c> URL.</summary>
    /// <param name="url">The resource URL with its settings.</param>
    /// <param name="obsoleteName">The name the setting had before for this scheme, or <see langword="null"/>.</param>
    /// <returns>The endpoint, or <see langword="null"/>.</returns>
    /// <exception cref="CloudException">InvalidArgument when the value is not an absolute http or https URL.</exception>
    protected static Uri? ReadEndpoint(CloudUrl url, string? obsoleteName = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        return obsoleteName is null ? url.GetUri("endpoint") : url.GetUri("endpoint", obsoleteName);
    }

    /// <summary>Reads a setting that takes one of a few words, compared case-insensitively.</summary>
    /// <param name="url">The resource URL with its settings.</param>
    /// <param name="name">The setting name.</param>
    /// <param name="choices">The accepted words, in their canonical spelling.</param>
    /// <returns>The canonical spelling of the value, or <see langword="null"/> when absent or empty.</returns>
    /// <exception cref="CloudException">InvalidArgument listing the accepted words when the value is another.</exception>
    protected static string? ReadChoice(CloudUrl url, string name, IReadOnlyList<string> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        string? value = ReadString(url, name);
        if (value is null)
        {
            return null;
        }

        foreach (string choice in choices)
        {
            if (string.Equals(choice, value, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw CloudException.InvalidArgument(name, $"the setting '{name}' must be one of {string.Join(", ", choices)}, not '{value}'.");
    }
}
