using System.Collections.Immutable;
using Amazon.S3;
using Amazon.SQS;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Google.Cloud.Storage.V1;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Polycloud.Analyzers.Tests;

/// <summary>
/// Compilation references for the analyzer tests, built offline: the .NET reference assemblies from the installed SDK's
/// packs folder and the real cloud SDK assemblies restored for this test project.
/// </summary>
internal static class TestReferences
{
    private static readonly string[] NotUnderTest =
    [
        "xunit", "Microsoft.CodeAnalysis", "Microsoft.TestPlatform", "Microsoft.VisualStudio", "testhost", "NuGet",
        "Polycloud", "Microsoft.DiaSymReader", "Humanizer", "System.Composition", "Microsoft.Testing", "Microsoft.Build",
    ];

    /// <summary>No package download: the framework comes from <see cref="Framework"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    /// <summary>The .NET reference assemblies of the running SDK.</summary>
    public static ImmutableArray<MetadataReference> Framework { get; } = LoadFramework();

    /// <summary>AWSSDK.S3/SQS/Core, Azure.Storage.Blobs/Queues, Google.Cloud.Storage.V1 and their dependencies.</summary>
    public static ImmutableArray<MetadataReference> CloudSdks { get; } = LoadCloudSdks();

    /// <summary>The Polycloud assembly (CloudException, CloudErrorCode).</summary>
    public static MetadataReference Polycloud { get; } = MetadataReference.CreateFromFile(typeof(CloudException).Assembly.Location);

    private static ImmutableArray<MetadataReference> LoadFramework()
    {
        // typeof(object) lives in <dotnet>/shared/Microsoft.NETCore.App/<version>/; the reference pack is <dotnet>/packs/Microsoft.NETCore.App.Ref/<version>/ref/net10.0.
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var dotnetRoot = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var refDir = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Select(v => Path.Combine(v, "ref", "net10.0"))
                .Where(Directory.Exists)
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
        var dir = refDir ?? runtimeDir;
        return [.. Directory.GetFiles(dir, "*.dll").Where(IsManaged).Select(f => (MetadataReference)MetadataReference.CreateFromFile(f))];
    }

    private static ImmutableArray<MetadataReference> LoadCloudSdks()
    {
        // Touch one type per package so the test fails loudly if a package goes missing.
        Type[] anchors = [typeof(AmazonS3Client), typeof(AmazonSQSClient), typeof(BlobClient), typeof(QueueClient), typeof(StorageClient)];
        var baseDir = Path.GetDirectoryName(anchors[0].Assembly.Location)!;
        var frameworkNames = Framework.Select(r => Path.GetFileName(((PortableExecutableReference)r).FilePath!)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return
        [
            .. Directory.GetFiles(baseDir, "*.dll")
                .Where(f => !frameworkNames.Contains(Path.GetFileName(f)))
                .Where(f => !NotUnderTest.Any(p => Path.GetFileName(f).StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                .Where(IsManaged)
                .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f)),
        ];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
