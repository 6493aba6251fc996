using Google.Apis.Auth.OAuth2;
using Google.Cloud.Storage.V1;
using Polycloud.Blobs.Drivers;

namespace Polycloud.Google.Blobs;

/// <summary>
/// Opens <c>gs://bucket</c> URLs as Google Cloud Storage buckets. Register it with <c>builder.AddGoogle()</c> or
/// <c>opener.AddGoogle()</c>.
/// </summary>
/// <remarks>
/// <para>Settings (query parameters, or keys next to <c>Url</c> in configuration):</para>
/// <list type="bullet">
/// <item><c>credentialsFile</c>: path to a service-account JSON key file; URLs are signed with that key.</item>
/// <item><c>anonymous=true</c>: send no credentials (public buckets, the local emulator).</item>
/// <item><c>endpoint</c>: the JSON API base URI, for example <c>http://127.0.0.1:9199/</c> for the emulator.</item>
/// </list>
/// <para>Without <c>credentialsFile</c> or <c>anonymous</c>, the <see cref="GoogleCredential"/> registered in the
/// application's services is used, else application default credentials
/// (<c>GOOGLE_APPLICATION_CREDENTIALS</c>, the gcloud CLI's file, or the metadata server on Google Cloud).
/// Signed URLs need a credential that can sign: a service account, an impersonated or a Compute Engine credential.</para>
/// </remarks>
public sealed class GcsBlobDriverFactory : IBlobDriverFactory
{
    private static readonly string[] SchemeList = ["gs"];
    private readonly Action<StorageClientBuilder>? _configureClient;

    /// <summary>Creates the factory.</summary>
    public GcsBlobDriverFactory()
    {
    }

    /// <summary>Creates the factory with a hook that adjusts every client before it is built.</summary>
    /// <param name="configureClient">Called with the builder after the URL's settings are applied, for example to set
    /// an <c>HttpClientFactory</c> or an <c>ApplicationName</c>.</param>
    public GcsBlobDriverFactory(Action<StorageClientBuilder> configureClient)
    {
        _configureClient = configureClient ?? throw CloudException.InvalidArgument(nameof(configureClient), "a configuration callback is required; use the parameterless constructor for none.");
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IBlobDriver Create(CloudUrl url, IServiceProvider? services)
    {
        if (url is null)
        {
            throw CloudException.InvalidArgument(nameof(url), "a parsed URL is required.");
        }

        string bucket = url.Host;
        ValidateBucketName(bucket, url);
        if (url.Path.Length > 0 && url.Path != "/")
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has a path; a gs:// URL names a bucket only ('gs://bucket'). Use key prefixes for folders.");
        }

        var google = GoogleSettings.Read(url, GoogleSettingKinds.Endpoint | GoogleSettingKinds.Anonymous);
        url.ThrowIfUnknownSettings(GcsBlobDriver.Provider);

        var builder = new StorageClientBuilder();
        if (google.Endpoint is { } endpoint)
        {
            string baseUri = endpoint.AbsoluteUri;
            builder.BaseUri = baseUri.EndsWith('/') ? baseUri : baseUri + "/";
        }

        UrlSigner? signer = null;
        if (google.Anonymous)
        {
            builder.UnauthenticatedAccess = true;
        }
        else if (google.LoadServiceAccount(GcsBlobDriver.Provider) is { } serviceAccount)
        {
            builder.GoogleCredential = serviceAccount.ToGoogleCredential();
            signer = UrlSigner.FromCredential(serviceAccount);
        }
        else
        {
            var credential = google.GetCredential(services, GcsBlobDriver.Provider) ?? GetApplicationDefault(url);
            builder.GoogleCredential = credential;
            signer = TryCreateSigner(credential);
        }

        _configureClient?.Invoke(builder);
        var client = builder.Build();
        return new GcsBlobDriver(client, bucket, signer, ownsClient: true);
    }

    private static void ValidateBucketName(string bucket, CloudUrl url)
    {
        if (bucket.Length is < 3 or > 222)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' needs a bucket name of 3 to 222 characters after 'gs://', for example 'gs://my-bucket'.");
        }

        if ((!char.IsAsciiLetterLower(bucket[0]) && !char.IsAsciiDigit(bucket[0])) || (!char.IsAsciiLetterLower(bucket[^1]) && !char.IsAsciiDigit(bucket[^1])))
        {
            throw CloudException.InvalidArgument("url", $"the bucket name '{bucket}' must start and end with a lower-case letter or digit.");
        }

        foreach (char c in bucket)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not '-' and not '_' and not '.')
            {
                throw CloudException.InvalidArgument("url", $"the bucket name '{bucket}' may contain only lower-case letters, digits, '-', '_' and '.', not '{c}'.");
            }
        }
    }

    private static GoogleCredential GetApplicationDefault(CloudUrl url)
    {
        try
        {
            return GoogleCredential.GetApplicationDefault();
        }
        catch (InvalidOperationException ex)
        {
            throw new CloudException(
                CloudErrorCode.Unauthenticated,
                $"{GcsBlobDriver.Provider}: no Google credentials for '{url}'. Set GOOGLE_APPLICATION_CREDENTIALS, run 'gcloud auth application-default login', set credentialsFile, register a GoogleCredential in the services, or use anonymous=true for public buckets and the emulator.",
                GcsBlobDriver.Provider,
                ex);
        }
    }

    private static UrlSigner? TryCreateSigner(GoogleCredential credential)
    {
        try
        {
            return UrlSigner.FromCredential(credential);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            // User credentials cannot sign: the bucket reports SignedUrls = false.
            return null;
        }
    }
}
