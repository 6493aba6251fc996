using Microsoft.CodeAnalysis;

namespace Polycloud.Analyzers
{
    /// <summary>The diagnostic IDs reported by the Polycloud lock-in analyzers.</summary>
    public static class DiagnosticIds
    {
        /// <summary>A native cloud SDK API is used where Polycloud has a portable equivalent.</summary>
        public const string NativeApiWithPortableEquivalent = "PC0001";

        /// <summary>A provider-only cloud feature (no Polycloud equivalent): a lock-in hotspot.</summary>
        public const string ProviderOnlyFeature = "PC0002";

        /// <summary>A native cloud client is registered in dependency injection or configured from the SDK's own settings.</summary>
        public const string NativeClientRegistration = "PC0003";

        /// <summary>A provider-specific exception is caught.</summary>
        public const string ProviderExceptionCaught = "PC0004";

        /// <summary>A cloud coordinate (ARN, endpoint host, bucket URL, resource ID) is hard-coded in a string literal.</summary>
        public const string HardCodedCloudCoordinate = "PC0005";

        /// <summary>The Polycloud escape hatch to a native client is used.</summary>
        public const string NativeEscapeHatch = "PC0006";
    }

    /// <summary>Names of the properties every lock-in diagnostic carries (read by the code fix and the lock-in report).</summary>
    public static class DiagnosticProperties
    {
        /// <summary>The cloud provider ("AWS", "Azure", "Google Cloud").</summary>
        public const string Provider = "Provider";

        /// <summary>The provider's service ("S3", "Blob Storage", …).</summary>
        public const string Service = "Service";

        /// <summary>The portable Polycloud equivalent; absent when there is none.</summary>
        public const string Portable = "Portable";
    }

    internal static class Descriptors
    {
        private const string Category = "Portability";
        private const string HelpBase = "https://github.com/polycloud-dev/polycloud/blob/main/docs/analyzers.md#";

        internal static readonly DiagnosticDescriptor NativeApiWithPortableEquivalent = new DiagnosticDescriptor(
            DiagnosticIds.NativeApiWithPortableEquivalent,
            title: "Native cloud SDK API with a portable equivalent",
            messageFormat: "'{0}' ties this code to {1} {2}; use the portable '{3}'",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Application code calls a cloud provider's SDK directly although Polycloud offers a portable API for the same operation. Switching providers would mean rewriting this code.",
            helpLinkUri: HelpBase + "pc0001",
            customTags: "PolycloudLockIn");

        internal static readonly DiagnosticDescriptor ProviderOnlyFeature = new DiagnosticDescriptor(
            DiagnosticIds.ProviderOnlyFeature,
            title: "Provider-only cloud feature (lock-in hotspot)",
            messageFormat: "'{0}' is a provider-only {1} {2} feature with no Polycloud equivalent: a lock-in hotspot",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "Application code uses a feature only one provider has. It cannot be ported mechanically; keep it behind an adapter or accept the lock-in deliberately.",
            helpLinkUri: HelpBase + "pc0002",
            customTags: "PolycloudLockIn");

        internal static readonly DiagnosticDescriptor NativeClientRegistration = new DiagnosticDescriptor(
            DiagnosticIds.NativeClientRegistration,
            title: "Native cloud client registered in dependency injection",
            messageFormat: "'{0}' registers a native {1} client; register portable resources with '{2}'",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "The host wires a provider's SDK client into the container, so every consumer depends on that provider. Polycloud registers portable resources from configuration.",
            helpLinkUri: HelpBase + "pc0003",
            customTags: "PolycloudLockIn");

        internal static readonly DiagnosticDescriptor ProviderExceptionCaught = new DiagnosticDescriptor(
            DiagnosticIds.ProviderExceptionCaught,
            title: "Provider-specific exception caught",
            messageFormat: "Catching '{0}' ties error handling to {1}; catch 'Polycloud.CloudException' and test its ErrorCode",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Polycloud maps every provider error to Polycloud.CloudException with a portable CloudErrorCode; native exceptions stay available as InnerException.",
            helpLinkUri: HelpBase + "pc0004",
            customTags: "PolycloudLockIn");

        internal static readonly DiagnosticDescriptor HardCodedCloudCoordinate = new DiagnosticDescriptor(
            DiagnosticIds.HardCodedCloudCoordinate,
            title: "Hard-coded cloud coordinate",
            messageFormat: "The literal contains a hard-coded {0} ({1}); read it from configuration",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "ARNs, account IDs, endpoint host names, bucket URLs and resource IDs in code pin the application to one provider, account and region.",
            helpLinkUri: HelpBase + "pc0005",
            customTags: "PolycloudLockIn");

        internal static readonly DiagnosticDescriptor NativeEscapeHatch = new DiagnosticDescriptor(
            DiagnosticIds.NativeEscapeHatch,
            title: "Native escape hatch used",
            messageFormat: "'{0}' reaches the native client{1}: a deliberate, visible lock-in point",
            category: Category,
            defaultSeverity: DiagnosticSeverity.Info,
            isEnabledByDefault: true,
            description: "As<T>() and TryAs<T>() hand out the provider's native client. This is supported, but the code after it only works on that provider.",
            helpLinkUri: HelpBase + "pc0006",
            customTags: "PolycloudLockIn");
    }
}
