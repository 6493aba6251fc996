using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Polycloud.Analyzers.Tests;

internal static class D
{
    public static DiagnosticResult Portable(int location, string what, string provider, string service, string portable)
        => new DiagnosticResult(DiagnosticIds.NativeApiWithPortableEquivalent, DiagnosticSeverity.Warning).WithLocation(location).WithArguments(what, provider, service, portable);

    public static DiagnosticResult Hotspot(int location, string what, string provider, string service)
        => new DiagnosticResult(DiagnosticIds.ProviderOnlyFeature, DiagnosticSeverity.Info).WithLocation(location).WithArguments(what, provider, service);

    public static DiagnosticResult Registration(int location, string what, string provider)
        => new DiagnosticResult(DiagnosticIds.NativeClientRegistration, DiagnosticSeverity.Warning).WithLocation(location).WithArguments(what, provider, "services.AddPolycloud(configuration)");

    public static DiagnosticResult Catch(int location, string type, string providerService)
        => new DiagnosticResult(DiagnosticIds.ProviderExceptionCaught, DiagnosticSeverity.Warning).WithLocation(location).WithArguments(type, providerService);

    public static DiagnosticResult Coordinate(int location, string kind, string text)
        => new DiagnosticResult(DiagnosticIds.HardCodedCloudCoordinate, DiagnosticSeverity.Warning).WithLocation(location).WithArguments(kind, text);

    public static DiagnosticResult EscapeHatch(int location, string what, string suffix)
        => new DiagnosticResult(DiagnosticIds.NativeEscapeHatch, DiagnosticSeverity.Info).WithLocation(location).WithArguments(what, suffix);
}
