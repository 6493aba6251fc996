using Amazon.Runtime;
using Polycloud.Aws.Databases;
using Xunit;

namespace Polycloud.Aws.Tests.Databases;

/// <summary>The RDS IAM token against published and independently generated values.</summary>
public sealed class RdsAuthTokenTests
{
    /// <summary>
    /// The presigned-URL example in the Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters
    /// (AWS Signature Version 4)" (docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html), section
    /// "An Example": GET examplebucket/test.txt, 2013-05-24T00:00:00Z, us-east-1, expires 86400 s. The page publishes the
    /// canonical request, the string to sign (its hash 3bfa2928…) and this signature and URL.
    /// </summary>
    [Fact]
    public void Presign_ReproducesTheS3DocumentationExample()
    {
        var credentials = new ImmutableCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null);
        string url = RdsAuthTokenGenerator.Presign(
            new Uri("https://examplebucket.s3.amazonaws.com"),
            "/test.txt",
            new Dictionary<string, string>(),
            "s3",
            "us-east-1",
            credentials,
            new DateTime(2013, 5, 24, 0, 0, 0, DateTimeKind.Utc),
            TimeSpan.FromSeconds(86400));

        Assert.Equal(
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
            url);
    }

    /// <summary>
    /// Expected value printed by the official AWS CLI (Debian package awscli 2.9.19) with a frozen clock:
    /// <code>
    /// env -i PATH=/usr/bin:/bin HOME=/tmp/awshome TZ=UTC AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    ///   AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
    ///   faketime -f '2026-01-02 03:04:05' aws rds generate-db-auth-token \
    ///   --hostname mydb.abc.us-east-1.rds.amazonaws.com --port 5432 --username app --region us-east-1
    /// </code>
    /// (<c>faketime '2026-01-02 03:04:05'</c> without <c>-f</c> lets the clock run from that instant, so the CLI signs
    /// a second or two later; <c>-f</c> freezes it and makes the output repeatable.)
    /// </summary>
    [Fact]
    public void Token_IsTheOneTheAwsCliGenerates()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
        string token = RdsAuthTokenGenerator.Generate("mydb.abc.us-east-1.rds.amazonaws.com", 5432, "app", "us-east-1", credentials, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));

        Assert.Equal(
            "mydb.abc.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260102%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20260102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=4dd2908483c1e833b65f9c4da3e0fe608f65fdd32c1907928a77218e21feb0fa",
            token);
    }

    /// <summary>
    /// A session token and a user name that needs encoding, against the same CLI:
    /// <code>
    /// env -i PATH=/usr/bin:/bin HOME=/tmp/awshome TZ=UTC AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    ///   AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
    ///   AWS_SESSION_TOKEN='FwoGZXIvYXdzEXAMPLE/token+with=chars' \
    ///   faketime -f '2026-01-02 03:04:05' aws rds generate-db-auth-token \
    ///   --hostname db.cluster-xyz.eu-west-1.rds.amazonaws.com --port 3306 --username 'app user+ops@x' --region eu-west-1
    /// </code>
    /// </summary>
    [Fact]
    public void Token_WithSessionTokenAndEncodedUser_IsTheOneTheAwsCliGenerates()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE/token+with=chars");
        string token = RdsAuthTokenGenerator.Generate("db.cluster-xyz.eu-west-1.rds.amazonaws.com", 3306, "app user+ops@x", "eu-west-1", credentials, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));

        Assert.Equal(
            "db.cluster-xyz.eu-west-1.rds.amazonaws.com:3306/?Action=connect&DBUser=app%20user%2Bops%40x&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260102%2Feu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=20260102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2Ftoken%2Bwith%3Dchars&X-Amz-Signature=9b1a58707da18119853e5e2210ccfd1d62b40bced45755c0db5a75357f5ea020",
            token);
    }

    /// <summary>The package's own SigV4 presigner (used for Lambda) signs the same request identically.</summary>
    [Fact]
    public void Token_AgreesWithThePackagesOwnSigV4Presigner()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLE/token+with=chars");
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        string token = RdsAuthTokenGenerator.Generate("db.cluster-xyz.eu-west-1.rds.amazonaws.com", 3306, "app user+ops@x", "eu-west-1", credentials, at);
        var other = new Polycloud.Aws.Signing.AwsSigV4Signer("eu-west-1", "rds-db").Presign(
            HttpMethod.Get,
            new Uri("https://db.cluster-xyz.eu-west-1.rds.amazonaws.com:3306/?Action=connect&DBUser=app%20user%2Bops%40x"),
            credentials,
            at,
            TimeSpan.FromMinutes(15),
            Polycloud.Aws.Signing.AwsSigV4Signer.EmptyPayloadHash);

        static string Signature(string url) => url[(url.IndexOf("X-Amz-Signature=", StringComparison.Ordinal) + 16)..];
        Assert.Equal("9b1a58707da18119853e5e2210ccfd1d62b40bced45755c0db5a75357f5ea020", Signature(token));
        Assert.Equal(Signature(token), Signature(other.AbsoluteUri));
    }

    [Fact]
    public void Token_ChangesWithTheClockAndTheInputs()
    {
        var credentials = new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        string token = RdsAuthTokenGenerator.Generate("h.example", 5432, "app", "us-east-1", credentials, at);
        Assert.NotEqual(token, RdsAuthTokenGenerator.Generate("h.example", 5432, "app", "us-east-1", credentials, at.AddSeconds(1)));
        Assert.NotEqual(token, RdsAuthTokenGenerator.Generate("h.example", 5433, "app", "us-east-1", credentials, at));
        Assert.NotEqual(token, RdsAuthTokenGenerator.Generate("h.example", 5432, "app2", "us-east-1", credentials, at));
        Assert.NotEqual(token, RdsAuthTokenGenerator.Generate("h.example", 5432, "app", "us-east-2", credentials, at));
        Assert.StartsWith("h.example:5432/?Action=connect&DBUser=app&", token, StringComparison.Ordinal);
    }
}
