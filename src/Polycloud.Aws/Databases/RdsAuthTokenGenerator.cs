using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace Polycloud.Aws.Databases;

/// <summary>
/// Builds RDS IAM authentication tokens: a SigV4 query-presigned <c>GET https://{host}:{port}/?Action=connect&amp;DBUser={user}</c>
/// for the service <c>rds-db</c>, valid for 15 minutes, without the <c>https://</c> prefix — the same string
/// <c>aws rds generate-db-auth-token</c> prints. The signature is computed by AWSSDK.Core's
/// <see cref="AWS4PreSignedUrlSigner"/> at the given time.
/// </summary>
internal static class RdsAuthTokenGenerator
{
    /// <summary>The SigV4 service name of RDS IAM database authentication.</summary>
    public const string ServiceName = "rds-db";

    /// <summary>How long a token is accepted (the maximum RDS allows): 15 minutes.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private static readonly SigningConfig Config = new();

    private static readonly string[] AuthenticationParameterOrder =
        ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature"];

    public static string Generate(string host, int port, string user, string region, ImmutableCredentials credentials, DateTime signedAtUtc)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { ["Action"] = "connect", ["DBUser"] = user };
        string url = Presign(new UriBuilder(Uri.UriSchemeHttps, host, port).Uri, "/", parameters, ServiceName, region, credentials, signedAtUtc, Lifetime);

        // The token names the port even when it is the scheme's default, as the AWS CLI and SDKs do.
        string authority = host + ":" + port.ToString(CultureInfo.InvariantCulture);
        int pathStart = url.IndexOf('/', Uri.UriSchemeHttps.Length + 3);
        return authority + url[pathStart..];
    }

    /// <summary>
    /// Presigns <c>GET {endpoint}{resourcePath}?{parameters}</c> with SigV4 in the query string (signed header:
    /// <c>host</c>) and returns the URL: the parameters in canonical order (by name), then the authentication
    /// parameters, the signature last.
    /// </summary>
    public static string Presign(Uri endpoint, string resourcePath, IReadOnlyDictionary<string, string> parameters, string service, string region, ImmutableCredentials credentials, DateTime signedAtUtc, TimeSpan expires)
    {
        var request = new DefaultRequest(new PresignedRequest(), service)
        {
            HttpMethod = "GET",
            UseQueryString = true,
            Endpoint = endpoint,
            ResourcePath = resourcePath,
        };
        foreach (var p in parameters)
        {
            request.Parameters[p.Key] = p.Value;
        }

        request.Parameters["X-Amz-Expires"] = ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (credentials.UseToken)
        {
            request.Parameters["X-Amz-Security-Token"] = credentials.Token;
        }

        var result = AWS4PreSignedUrlSigner.SignRequest(request, Config, metrics: null, credentials.AccessKey, credentials.SecretKey, service, region, DateTime.SpecifyKind(signedAtUtc, DateTimeKind.Utc));

        // As the AWS CLI prints it: the request's own parameters in canonical order, then the authentication
        // parameters in the order SigV4 lists them, the signature last.
        var query = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            query[AWSSDKUtils.UrlEncode(p.Key, false)] = AWSSDKUtils.UrlEncode(p.Value, false);
        }

        var signed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in result.ForQueryParameters.Split('&'))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            signed[part[..eq]] = part[(eq + 1)..];
        }

        signed["X-Amz-Expires"] = AWSSDKUtils.UrlEncode(request.Parameters["X-Amz-Expires"], false);
        if (credentials.UseToken)
        {
            signed["X-Amz-Security-Token"] = AWSSDKUtils.UrlEncode(credentials.Token, false);
        }

        var pairs = new List<KeyValuePair<string, string>>(query);
        foreach (string name in AuthenticationParameterOrder)
        {
            if (signed.TryGetValue(name, out string? value))
            {
                pairs.Add(new(name, value));
            }
        }

        var url = new StringBuilder(512).Append(endpoint.GetLeftPart(UriPartial.Authority)).Append(resourcePath).Append('?');
        for (int i = 0; i < pairs.Count; i++)
        {
            url.Append(i == 0 ? string.Empty : "&").Append(pairs[i].Key).Append('=').Append(pairs[i].Value);
        }

        return url.ToString();
    }

    private sealed class PresignedRequest : AmazonWebServiceRequest;

    /// <summary>The client configuration the signer reads (service name, no endpoint resolution: the endpoint is given).</summary>
    private sealed class SigningConfig : ClientConfig
    {
        public SigningConfig()
            : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard }]))
        {
                    }

        public override string RegionEndpointServiceName => ServiceName;

        public override string ServiceVersion => "2014-10-31";

        public override string UserAgent => "polycloud";

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
            => new(new UriBuilder(Uri.UriSchemeHttps, "rds.amazonaws.com").Uri.ToString());
    }
}
