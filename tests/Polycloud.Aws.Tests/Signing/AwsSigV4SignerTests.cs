using Amazon.Runtime;
using Polycloud.Aws.Signing;
using Xunit;

namespace Polycloud.Aws.Tests.Signing;

/// <summary>
/// The SigV4 signer against AWS's published vectors.
/// <list type="bullet">
/// <item>"get-vanilla", "get-vanilla-query-order-key-case", "post-vanilla", "post-vanilla-query",
/// "post-x-www-form-urlencoded", "post-sts-header-before": the AWS Signature Version 4 Test Suite
/// (aws-sig-v4-test-suite, formerly in the AWS General Reference, "Signature Version 4 test suite"): credentials
/// AKIDEXAMPLE, region us-east-1, service "service", time 2015-08-30T12:36:00Z.</item>
/// <item>"GET Object" (header signing) and the presigned GET URL: the Amazon S3 API Reference, "Signature Calculations
/// for the Authorization Header" and "Authenticating Requests: Using Query Parameters" (examplebucket, 2013-05-24).</item>
/// </list>
/// </summary>
public sealed class AwsSigV4SignerTests
{
    private const string SuiteAccessKey = "AKIDEXAMPLE";
    private const string SuiteSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string S3AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string S3SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset S3Time = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("get-vanilla", "GET", "https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("get-vanilla-query-order-key-case", "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("post-vanilla", "POST", "https://example.amazonaws.com/", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("post-vanilla-query", "POST", "https://example.amazonaws.com/?Param1=value1", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11")]
    public void SuiteVectors_WithoutBody(string name, string method, string url, string expectedSignature)
    {
        var signer = new AwsSigV4Signer("us-east-1", "service");
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        signer.Sign(request, AwsSigV4Signer.EmptyPayloadHash, new ImmutableCredentials(SuiteAccessKey, SuiteSecretKey, null), SuiteTime);
        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={expectedSignature}",
            Authorization(request));
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void SuiteVector_PostXWwwFormUrlencoded()
    {
        var signer = new AwsSigV4Signer("us-east-1", "service");
        byte[] body = "Param1=value1"u8.ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
        signer.Sign(request, AwsSigV4Signer.HashPayload(body), new ImmutableCredentials(SuiteAccessKey, SuiteSecretKey, null), SuiteTime);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
            Authorization(request));
    }

    [Fact]
    public void SuiteVector_PostStsHeaderBefore_SignsTheSessionToken()
    {
        // post-sts-token/post-sts-header-before: the session token is a signed header.
        const string token = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
        var signer = new AwsSigV4Signer("us-east-1", "service");
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        signer.Sign(request, AwsSigV4Signer.EmptyPayloadHash, new ImmutableCredentials(SuiteAccessKey, SuiteSecretKey, token), SuiteTime);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
            Authorization(request));
        Assert.Equal(token, request.Headers.GetValues("X-Amz-Security-Token").Single());
    }

    [Fact]
    public void S3Example_GetObjectWithRange_HeaderSigning()
    {
        var signer = new AwsSigV4Signer("us-east-1", "s3", doubleEncodePath: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/test.txt");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-9");
        signer.Sign(request, AwsSigV4Signer.EmptyPayloadHash, new ImmutableCredentials(S3AccessKey, S3SecretKey, null), S3Time, addContentSha256Header: true);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            Authorization(request));
    }

    [Fact]
    public void S3Example_PresignedGetUrl()
    {
        var signer = new AwsSigV4Signer("us-east-1", "s3", doubleEncodePath: false);
        var url = signer.Presign(HttpMethod.Get, new Uri("https://examplebucket.s3.amazonaws.com/test.txt"), new ImmutableCredentials(S3AccessKey, S3SecretKey, null), S3Time, TimeSpan.FromSeconds(86400));
        Assert.Equal(
            "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
            url.AbsoluteUri);
    }

    [Fact]
    public void Presign_KeepsTheUrlsOwnQuery_AndAddsTheSessionToken()
    {
        var signer = new AwsSigV4Signer("eu-west-1", "rds-db");
        var url = signer.Presign(HttpMethod.Get, new Uri("https://db.example.eu-west-1.rds.amazonaws.com:5432/?Action=connect&DBUser=app"), new ImmutableCredentials("AKID", "secret", "tok/en+"), S3Time, TimeSpan.FromMinutes(15), AwsSigV4Signer.EmptyPayloadHash);
        string query = url.Query;
        Assert.StartsWith("?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20130524%2Feu-west-1%2Frds-db%2Faws4_request", query, StringComparison.Ordinal);
        Assert.Contains("&X-Amz-Expires=900&X-Amz-Security-Token=tok%2Fen%2B&X-Amz-SignedHeaders=host&X-Amz-Signature=", query, StringComparison.Ordinal);
        Assert.Equal(5432, url.Port);
    }

    [Fact]
    public void NonS3Paths_AreEncodedTwice()
    {
        // A function ARN in the path: ':' is sent as %3A and signed as %253A, as the Lambda service computes it.
        var signer = new AwsSigV4Signer("us-east-1", "lambda");
        var uri = new Uri("https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/" + Uri.EscapeDataString("arn:aws:lambda:us-east-1:123456789012:function:f") + "/invocations");
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Host) };
        string canonical = signer.CanonicalRequest("POST", uri, string.Empty, headers, "host", AwsSigV4Signer.EmptyPayloadHash);
        Assert.Contains("/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Af/invocations\n", canonical, StringComparison.Ordinal);
        var s3 = new AwsSigV4Signer("us-east-1", "s3", doubleEncodePath: false);
        Assert.Contains("/a%20b/c\n", s3.CanonicalRequest("GET", new Uri("https://b.s3.amazonaws.com/a%20b/c"), string.Empty, headers, "host", AwsSigV4Signer.EmptyPayloadHash), StringComparison.Ordinal);
    }

    private static string Authorization(HttpRequestMessage request) => request.Headers.GetValues("Authorization").Single();
}
