using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Polycloud.Drivers;

namespace Polycloud.Aws;

/// <summary>
/// The settings every AWS resource URL understands (<c>s3://</c>, <c>sqs://</c>, <c>lambda://</c>, and databases with
/// <c>auth=aws-iam</c>), read the same way for each: <c>region</c>, <c>endpoint</c>, <c>profile</c>,
/// <c>accessKeyId</c> + <c>secretAccessKey</c> (+ <c>sessionToken</c>), and for S3 <c>forcePathStyle</c>.
/// </summary>
/// <remarks>
/// <para>Region, in order: the <c>region</c> setting, the profile's region, <c>AWS_REGION</c>,
/// <c>AWS_DEFAULT_REGION</c>, the default profile's region (<c>AWS_PROFILE</c> or <c>default</c> in the shared
/// files); with an <c>endpoint</c> and none of these, <c>us-east-1</c> (the region an S3- or SQS-compatible server signs
/// for). Opening never asks the instance metadata service.</para>
/// <para>Credentials, in order: the keys from the settings, the profile, an <see cref="AWSCredentials"/> registered in
/// the application's services, then the SDK's default chain (environment, shared files, container or instance role).</para>
/// </remarks>
public sealed class AwsSettings : ProviderSettings
{
    private readonly string? _secretAccessKey;
    private readonly string? _sessionToken;
    private CredentialProfile? _profile;
    private bool _profileLoaded;

    private AwsSettings(string? region, Uri? endpoint, string? profile, string? accessKeyId, string? secretAccessKey, string? sessionToken, bool forcePathStyle)
        : base(endpoint)
    {
        Region = region;
        Profile = profile;
        AccessKeyId = accessKeyId;
        _secretAccessKey = secretAccessKey;
        _sessionToken = sessionToken;
        ForcePathStyle = forcePathStyle;
    }

    /// <summary>The <c>region</c> setting, or <see langword="null"/>.</summary>
    public string? Region { get; }

    /// <summary>The <c>profile</c> setting (a profile of the shared config or credentials file), or <see langword="null"/>.</summary>
    public string? Profile { get; }

    /// <summary>The <c>accessKeyId</c> setting, or <see langword="null"/>. The secret key is never exposed.</summary>
    public string? AccessKeyId { get; }

    /// <summary>The <c>forcePathStyle</c> setting (S3 only): address buckets as <c>endpoint/bucket</c>.</summary>
    public bool ForcePathStyle { get; }

    /// <summary><see langword="true"/> when the URL names where or how to connect (region, endpoint, profile or keys).</summary>
    public bool HasConnectionSettings => Region is not null || Endpoint is not null || Profile is not null || AccessKeyId is not null;

    /// <summary>
    /// Reads the AWS settings of a URL (and marks them as known, so that <see cref="CloudUrl.ThrowIfUnknownSettings"/>
    /// accepts them). Call it before the capability reads its own settings and checks for unknown ones; then
    /// <see cref="Validate"/>.
    /// </summary>
    /// <param name="url">The resource URL with its settings.</param>
    /// <param name="pathStyle">Whether the capability understands <c>forcePathStyle</c> (S3).</param>
    /// <param name="endpoint">Whether the capability understands <c>endpoint</c> (not databases, whose host is the endpoint).</param>
    /// <returns>The settings.</returns>
    public static AwsSettings Read(CloudUrl url, bool pathStyle = false, bool endpoint = true)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new AwsSettings(
            ReadString(url, "region"),
            endpoint ? ReadEndpoint(url) : null,
            ReadString(url, "profile"),
            ReadString(url, "accessKeyId"),
            ReadString(url, "secretAccessKey"),
            ReadString(url, "sessionToken"),
            pathStyle && ReadBoolean(url, "forcePathStyle"));
    }

    /// <summary>
    /// Checks the settings' form and that they fit together (a region name, both keys or neither, a session token only
    /// with keys, a profile that exists). Makes no network call.
    /// </summary>
    /// <exception cref="CloudException">InvalidArgument naming the setting and the rule.</exception>
    public void Validate()
    {
        if (Region is not null && !IsRegionName(Region))
        {
            throw CloudException.InvalidArgument("region", $"'{Region}' is not an AWS region name such as 'us-east-1' or 'eu-west-1'.");
        }

        if ((AccessKeyId is null) != (_secretAccessKey is null))
        {
            throw CloudException.InvalidArgument(
                AccessKeyId is null ? "accessKeyId" : "secretAccessKey",
                "the settings 'accessKeyId' and 'secretAccessKey' go together: set both, or neither to use a profile or the default credential chain.");
        }

        if (_sessionToken is not null && AccessKeyId is null)
        {
            throw CloudException.InvalidArgument("sessionToken", "a session token needs 'accessKeyId' and 'secretAccessKey' too.");
        }

        if (Profile is not null && LoadProfile() is null)
        {
            throw CloudException.InvalidArgument("profile", $"the AWS profile '{Profile}' is not in the shared config or credentials files.");
        }
    }

    /// <summary>
    /// The credentials to sign with: the keys from the settings, the profile's, an <see cref="AWSCredentials"/> in
    /// <paramref name="services"/>, or <see langword="null"/> for the SDK's default chain.
    /// </summary>
    /// <param name="services">The application's services, or <see langword="null"/>.</param>
    /// <returns>The credentials, or <see langword="null"/>.</returns>
    public AWSCredentials? GetCredentials(IServiceProvider? services)
    {
        Validate();
        if (AccessKeyId is not null)
        {
            return _sessionToken is null
                ? new BasicAWSCredentials(AccessKeyId, _secretAccessKey)
                : new SessionAWSCredentials(AccessKeyId, _secretAccessKey, _sessionToken);
        }

        if (Profile is not null)
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetAWSCredentials(Profile, out AWSCredentials? credentials))
            {
                throw CloudException.InvalidArgument("profile", $"the AWS profile '{Profile}' has no usable credentials.");
            }

            return credentials;
        }

        return services?.GetService(typeof(AWSCredentials)) as AWSCredentials;
    }

    /// <summary>
    /// The region to use (see the remarks of <see cref="AwsSettings"/> for the order), or <see langword="null"/> when
    /// none is found.
    /// </summary>
    /// <returns>The region name, or <see langword="null"/>.</returns>
    public string? FindRegion()
    {
        Validate();
        if (Region is not null)
        {
            return Region;
        }

        if (LoadProfile()?.Region?.SystemName is { Length: > 0 } fromProfile)
        {
            return fromProfile;
        }

        foreach (string variable in (ReadOnlySpan<string>)["AWS_REGION", "AWS_DEFAULT_REGION"])
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
            {
                return fromEnvironment;
            }
        }

        if (Profile is null)
        {
            string defaultProfile = Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } p ? p : "default";
            if (new CredentialProfileStoreChain().TryGetProfile(defaultProfile, out var found) && found.Region?.SystemName is { Length: > 0 } fromDefault)
            {
                return fromDefault;
            }
        }

        return Endpoint is not null ? "us-east-1" : null;
    }

    /// <summary>The region to use, or an error naming the <c>region</c> setting when none is found.</summary>
    /// <param name="url">The URL, for the message.</param>
    /// <returns>The region name.</returns>
    /// <exception cref="CloudException">InvalidArgument when no region is set or found.</exception>
    public string GetRegion(CloudUrl url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return FindRegion() ?? throw CloudException.InvalidArgument(
            "region",
            $"'{url}' needs the setting 'region' (for example '{url.Scheme}://{url.Host}{url.Path}?region=us-east-1'), a profile with a region, or the AWS_REGION environment variable.");
    }

    /// <summary>
    /// Points an AWS SDK client configuration at the region, or at the endpoint (signing for the region) when one is set.
    /// </summary>
    /// <typeparam name="TConfig">The client configuration type, for example <c>AmazonS3Config</c>.</typeparam>
    /// <param name="config">The configuration.</param>
    /// <param name="url">The URL, for error messages.</param>
    /// <returns>The configuration.</returns>
    public TConfig Configure<TConfig>(TConfig config, CloudUrl url)
        where TConfig : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        string region = GetRegion(url);
        if (Endpoint is not null)
        {
            config.ServiceURL = Endpoint.ToString();
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        return config;
    }

    /// <summary>Whether a string has the form of an AWS region name (lower-case letters, digits and dashes).</summary>
    /// <param name="region">The candidate.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public static bool IsRegionName(string? region)
    {
        if (string.IsNullOrEmpty(region) || region.Length > 64 || !char.IsAsciiLetterLower(region[0]) || !region.Contains('-', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in region)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private CredentialProfile? LoadProfile()
    {
        if (!_profileLoaded)
        {
            _profile = Profile is not null && new CredentialProfileStoreChain().TryGetProfile(Profile, out var found) ? found : null;
            _profileLoaded = true;
        }

        return _profile;
    }
}
