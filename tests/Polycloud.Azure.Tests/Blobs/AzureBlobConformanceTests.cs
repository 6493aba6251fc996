using Azure.Storage.Blobs;
using Polycloud.Azure.Blobs;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;
using Xunit;
using Xunit.v3;

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>The blob conformance suite on Azurite, through a shared-key container client (service SAS for signed URLs).</summary>
public sealed class AzureBlobConformanceTests : BlobConformanceTests
{
    private BlobContainerClient? _container;

    /// <summary>
    /// Cases of the suite that Azurite or the Azure SDK for .NET cannot pass, with the reason, each backed by a test that
    /// checks the driver's request or its refusal at the wire. The suite has no gap flag for these, so they are declared
    /// here by test method and argument.
    /// </summary>
    private static string? KnownGap(string method, object? argument) => (method, argument) switch
    {
        ("WeirdKeys_RoundTripThroughWriteListReadDelete", "back\\slashes\\are\\ok") =>
            "Azurite stores '\\' in a blob name as '/' (the driver sends it escaped as %5C; checked in AzureBlobWireTests.Key_WithBackslash_IsSentEscaped)",
        ("List_WithDelimiter_GroupsIntoPrefixes", "\\") =>
            "Azurite stores '\\' in a blob name as '/' (checked at the wire in AzureBlobWireTests.Key_WithBackslash_IsSentEscaped)",
        ("List_WithDelimiter_GroupsIntoPrefixes", "abc") =>
            "Azurite groups by the first character of a multi-character delimiter only; Azure takes the whole string (checked at the wire in AzureBlobWireTests.List_WithMultiCharacterDelimiter_SendsItWhole)",
        ("WeirdKeys_RoundTripThroughWriteListReadDelete", "/leading-slash" or "dotdot/../../escape" or "./dot-segment") =>
            "the Azure SDK for .NET builds blob URLs with System.Uri, which drops a leading '/' and resolves '.'/'..' segments, so the driver rejects such keys with InvalidArgument instead of touching another blob (checked in AzureBlobWireTests.Keys_TheSdkCannotAddress_AreRejectedBeforeAnyRequest)",
        _ => null,
    };

    public override async ValueTask InitializeAsync()
    {
        if (TestContext.Current.Test is IXunitTest test
            && KnownGap(test.TestMethod.MethodName, test.TestMethodArguments.Length > 0 ? test.TestMethodArguments[0] : null) is { } reason)
        {
            Assert.Skip(reason);
        }

        await base.InitializeAsync();
    }

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        _container = await Azurite.CreateContainerAsync("conf");
        return new BlobBucket(new AzureBlobDriver(_container));
    }

    // Azure's Put Blob protocol: a plain HTTP PUT to a SAS URL must say which kind of blob it creates.
    protected override void PrepareSignedPut(HttpRequestMessage request) => request.Headers.Add("x-ms-blob-type", "BlockBlob");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_container is not null)
        {
            await Azurite.DeleteQuietlyAsync(_container);
        }
    }
}
