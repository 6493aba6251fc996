using Polycloud.Testing.Conformance.Functions;
using Polycloud.Functions;

namespace Polycloud.Google.Tests.Functions;

/// <summary>
/// The function conformance suite against Google Cloud Functions HTTP functions served by functions-framework
/// (eng/emulators/gcf: echo on 8081, fail on 8082, slow on 8083), without authentication (<c>anonymous=true</c>).
/// </summary>
public sealed class CloudFunctionsConformanceTests : FunctionConformanceTests
{
    private static readonly PolycloudOpener Opener = new PolycloudOpener().AddGoogle();

    internal static string Url(string variable, int port) => Environment.GetEnvironmentVariable(variable) ?? $"http://127.0.0.1:{port}";

    protected override string? NotFoundSkipReason =>
        "functions-framework serves one function on every path of its port, so it cannot answer 404 for an unknown function; the 404 mapping is checked at the wire in CloudFunctionsWireTests.MissingFunction_IsNotFound";

    protected override string? JsonScalarSkipReason =>
        "functions-framework parses application/json strictly (objects and arrays only) and answers 400 before the function runs for a top-level scalar such as 7; deployed Node.js functions run on the same framework. Object payloads round-trip in the other echo tests";

    protected override CloudFunction Open(ConformanceFunction which) => which switch
    {
        ConformanceFunction.Echo => OpenAt(Url("POLYCLOUD_TEST_GCF_ECHO", 8081)),
        ConformanceFunction.Fail => OpenAt(Url("POLYCLOUD_TEST_GCF_FAIL", 8082)),
        ConformanceFunction.Slow => OpenAt(Url("POLYCLOUD_TEST_GCF_SLOW", 8083)),
        _ => OpenAt(Url("POLYCLOUD_TEST_GCF_ECHO", 8081) + "/missing"),
    };

    private static CloudFunction OpenAt(string url) => Opener.OpenFunction("gcf+" + url + "?anonymous=true");
}
