using Polycloud.Testing.Conformance.Functions;
using Polycloud.Functions;

namespace Polycloud.Aws.Tests.Functions;

/// <summary>
/// The function conformance suite against AWS Lambda, through serverless-offline (eng/emulators/lambda; functions
/// <c>polycloud-dev-echo</c>, <c>-fail</c>, <c>-slow</c>). serverless-offline does not check signatures and cannot throttle:
/// both are checked at the wire in <see cref="LambdaWireTests"/>.
/// </summary>
public sealed class LambdaFunctionConformanceTests : FunctionConformanceTests
{
    internal static string Endpoint => Environment.GetEnvironmentVariable("POLYCLOUD_TEST_LAMBDA") ?? "http://127.0.0.1:3002";

    private static readonly PolycloudOpener Opener = new PolycloudOpener().AddAws();

    protected override CloudFunction Open(ConformanceFunction which) => which switch
    {
        ConformanceFunction.Echo => OpenLambda("polycloud-dev-echo"),
        ConformanceFunction.Fail => OpenLambda("polycloud-dev-fail"),
        ConformanceFunction.Slow => OpenLambda("polycloud-dev-slow"),
        _ => OpenLambda("polycloud-dev-missing-" + Guid.NewGuid().ToString("N")[..8]),
    };

    internal static CloudFunction OpenLambda(string name)
        => Opener.OpenFunction($"lambda://{name}?region=us-east-1&accessKeyId=test&secretAccessKey=test&endpoint={Uri.EscapeDataString(Endpoint)}");
}
