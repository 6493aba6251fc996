using Google.Apis.Auth.OAuth2;
using Polycloud.Drivers;

namespace Polycloud.Google;

/// <summary>Which Google settings, beyond <c>credentialsFile</c>, a resource understands.</summary>
[Flags]
public enum GoogleSettingKinds
{
    /// <summary>Only <c>credentialsFile</c>.</summary>
    Credentials = 0,

    /// <summary><c>endpoint</c>: the service root (an emulator, a private endpoint).</summary>
    Endpoint = 1,

    /// <summary><c>project</c>: the project that owns the resource.</summary>
    Project = 2,

    /// <summary><c>anonymous</c>: send no credentials (public data, emulators).</summary>
    Anonymous = 4,
}

/// <summary>
/// The settings every Google Cloud resource URL understands, read the same way for each: <c>project</c>,
/// <c>endpoint</c>, <c>credentialsFile</c> and <c>anonymous</c> — each resource the ones of its
/// <see cref="GoogleSettingKinds"/>.
/// </summary>
/// <remarks>
/// <para>Credentials, in order: <c>anonymous=true</c> (none), the service-account key in <c>credentialsFile</c>, a
/// <see cref="GoogleCredential"/> registered in the application's services, then Application Default Credentials,
/// looked up at the first call (never when the resource is opened: the lookup may ask the metadata server).</para>
/// <para>Project, in order: the <c>project</c> setting, <c>GOOGLE_CLOUD_PROJECT</c>, <c>GCLOUD_PROJECT</c>, the
/// project of the service-account key.</para>
/// </remarks>
public sealed class GoogleSettings : ProviderSettings
{
    private ServiceAccountCredential? _serviceAccount;

    private GoogleSettings(string? project, Uri? endpoint, string? credentialsFile, bool anonymous)
        : base(endpoint)
    {
        Project = project;
        CredentialsFile = credentialsFile;
        Anonymous = anonymous;
    }

    /// <summary>The <c>project</c> setting, or <see langword="null"/>.</summary>
    public string? Project { get; }

    /// <summary>The <c>credentialsFile</c> setting: the path of a service-account JSON key, or <see langword="null"/>.</summary>
    public string? CredentialsFile { get; }

    /// <summary>The <c>anonymous</c> setting: send no credentials.</summary>
    public bool Anonymous { get; }

    /// <summary>
    /// Reads the Google settings of a URL (and marks them as known, so that <see cref="CloudUrl.ThrowIfUnknownSettings"/>
    /// accepts them) and checks that they fit together. Call it before the capability reads its own settings and
    /// checks for unknown ones.
    /// </summary>
    /// <param name="url">The resource URL with its settings.</param>
    /// <param name="kinds">Which settings beyond <c>credentialsFile</c> the resource understands.</param>
    /// <param name="obsoleteAnonymousName">The old name of <c>anonymous</c> for this scheme, still accepted for one
    /// release (with a warning), or <see langword="null"/>.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CloudException">InvalidArgument naming the setting and the rule.</exception>
    public static GoogleSettings Read(CloudUrl url, GoogleSettingKinds kinds, string? obsoleteAnonymousName = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        string? project = kinds.HasFlag(GoogleSettingKinds.Project) ? ReadString(url, "project") : null;
        Uri? endpoint = kinds.HasFlag(GoogleSettingKinds.Endpoint) ? ReadEndpoint(url) : null;
        string? credentialsFile = ReadString(url, "credentialsFile");
        bool anonymous = kinds.HasFlag(GoogleSettingKinds.Anonymous) && ReadBoolean(url, "anonymous", obsoleteAnonymousName);
        if (anonymous && credentialsFile is not null)
        {
            throw CloudException.InvalidArgument("anonymous", $"'{url}' sets both anonymous=true and credentialsFile; choose one.");
        }

        if (project is not null && !IsProjectId(project))
        {
            throw CloudException.InvalidArgument("project", $"'{project}' is not a Google Cloud project ID: lower-case letters, digits and hyphens, starting with a letter.");
        }

        return new GoogleSettings(project, endpoint, credentialsFile, anonymous);
    }

    /// <summary>The service-account key of <c>credentialsFile</c>, or <see langword="null"/> when the setting is absent.</summary>
    /// <param name="provider">The provider name, for errors.</param>
    /// <returns>The credential, or <see langword="null"/>.</returns>
    /// <exception cref="CloudException">InvalidArgument when the file is missing or is not a service-account key.</exception>
    public ServiceAccountCredential? LoadServiceAccount(string provider)
    {
        if (CredentialsFile is null || _serviceAccount is not null)
        {
            return _serviceAccount;
        }

        if (!File.Exists(CredentialsFile))
        {
            throw CloudException.InvalidArgument("credentialsFile", $"the service-account key file '{CredentialsFile}' does not exist.");
        }

        try
        {
            return _serviceAccount = CredentialFactory.FromFile<ServiceAccountCredential>(CredentialsFile);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException or Newtonsoft.Json.JsonException)
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument 'credentialsFile': '{CredentialsFile}' is not a readable service-account JSON key file: {ex.Message}", provider, ex);
        }
    }

    /// <summary>
    /// The credential named by the settings or registered in <paramref name="services"/>, or <see langword="null"/>
    /// for anonymous access or Application Default Credentials (tell them apart with <see cref="Anonymous"/>).
    /// </summary>
    /// <param name="services">The application's services, or <see langword="null"/>.</param>
    /// <param name="provider">The provider name, for errors.</param>
    /// <returns>The credential, or <see langword="null"/>.</returns>
    public GoogleCredential? GetCredential(IServiceProvider? services, string provider)
    {
        if (Anonymous)
        {
            return null;
        }

        return LoadServiceAccount(provider)?.ToGoogleCredential() ?? services?.GetService(typeof(GoogleCredential)) as GoogleCredential;
    }

    /// <summary>The project (see the remarks of <see cref="GoogleSettings"/> for the order), or <see langword="null"/>.</summary>
    /// <param name="provider">The provider name, for errors.</param>
    /// <returns>The project ID, or <see langword="null"/>.</returns>
    public string? FindProject(string provider)
    {
        if (Project is not null)
        {
            return Project;
        }

        foreach (string variable in (ReadOnlySpan<string>)["GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT"])
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
            {
                return fromEnvironment;
            }
        }

        return LoadServiceAccount(provider)?.ProjectId is { Length: > 0 } fromKey ? fromKey : null;
    }

    private static bool IsProjectId(string project)
    {
        // Project IDs are lower-case letters, digits and hyphens; old domain-scoped ones carry 'example.com:'.
        foreach (char c in project)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not '-' and not '.' and not ':')
            {
                return false;
            }
        }

        return project.Length > 0 && char.IsAsciiLetterLower(project[0]);
    }
}
