using System.Net;
using Polycloud.Azure.Blobs;
using Polycloud.Azure.Tests.Blobs;
using Polycloud.Azure.Tests.Queues;
using Polycloud.Blobs;
using Xunit;

namespace Polycloud.Azure.Tests.Locations;

/// <summary>Where Azure resources live: Get Account Information at Azurite and at the wire; the region from the 'location' setting.</summary>
public sealed class AzureLocationTests
{
    [Fact]
    public async Task Blob_container_at_Azurite_reports_account_and_replication_and_an_unknown_region_with_the_reason()
    {
        var container = await Azurite.CreateContainerAsync("loc");
        try
        {
            await using var bucket = new PolycloudOpener().AddAzure().OpenBucket(
                $"azblob://{container.Name}", [new("connectionString", Azurite.ConnectionString)]);

            var location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);

            Assert.Equal("azure", location.Provider);
            Assert.Equal("azure-blob", location.Service);
            Assert.Equal(container.Name, location.Name);
            Assert.Equal(Azurite.AccountName, location.Account.Value);
            Assert.True(location.Replication.IsKnown, location.Replication.ToString());
            Assert.True(location.Details.ContainsKey("sku"));
            Assert.Equal(LocationValueState.Unknown, location.Region.State);
            Assert.Contains("'location'", location.Region.UnknownReason, StringComparison.Ordinal);
            Assert.DoesNotContain(Azurite.AccountKey, string.Join(";", location.Details.Values), StringComparison.Ordinal);
        }
        finally
        {
            await Azurite.DeleteQuietlyAsync(container);
        }
    }

    [Fact]
    public async Task Blob_container_takes_its_region_from_the_location_setting()
    {
        var container = await Azurite.CreateContainerAsync("loc");
        try
        {
            await using var bucket = new PolycloudOpener().AddAzure().OpenBucket(
                $"azblob://{container.Name}?location=West%20Europe", [new("connectionString", Azurite.ConnectionString)]);

            var location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);

            Assert.Equal("westeurope", location.Region.Value);
        }
        finally
        {
            await Azurite.DeleteQuietlyAsync(container);
        }
    }

    [Theory]
    [InlineData("Standard_RAGZRS", "RA-GZRS")]
    [InlineData("Standard_LRS", "LRS")]
    [InlineData("Premium_ZRS", "ZRS")]
    public async Task Get_Account_Information_answer_maps_to_replication_and_kind(string sku, string replication)
    {
        var handler = new RecordingHandler(_ =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            r.Headers.TryAddWithoutValidation("x-ms-sku-name", sku);
            r.Headers.TryAddWithoutValidation("x-ms-account-kind", "StorageV2");
            r.Headers.TryAddWithoutValidation("x-ms-is-hns-enabled", "true");
            return r;
        });
        await using var bucket = new BlobBucket(new AzureBlobDriver(handler.Container()) { Location = "northeurope" });

        var location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Contains("restype=account", request.Uri.Query, StringComparison.Ordinal);
        Assert.Contains("comp=properties", request.Uri.Query, StringComparison.Ordinal);
        Assert.Equal(replication, location.Replication.Value);
        Assert.Equal(sku, location.Details["sku"]);
        Assert.Equal("StorageV2", location.Details["accountKind"]);
        Assert.Equal("true", location.Details["hierarchicalNamespace"]);
        Assert.Equal(RecordingHandler.Account, location.Account.Value);
        Assert.Equal("northeurope", location.Region.Value);
    }

    [Fact]
    public async Task Queue_at_Azurite_reports_its_account_and_the_configured_region()
    {
        await using var queue = new PolycloudOpener().AddAzure().OpenQueue(
            "azqueue://pc-loc?location=swedencentral", [new("connectionString", AzureQueueConformanceTests.ConnectionString)]);

        var location = await queue.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Equal("azure", location.Provider);
        Assert.Equal("devstoreaccount1", location.Account.Value);
        Assert.Equal("swedencentral", location.Region.Value);
        Assert.Equal(LocationValueState.Unknown, location.Replication.State);
    }

    [Fact]
    public async Task Function_app_is_named_by_its_host()
    {
        await using var function = new PolycloudOpener().AddAzure().OpenFunction("azfunc://orders-app/resize");

        var location = await function.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Equal("orders-app", location.Account.Value);
        Assert.Equal(LocationValueState.Unknown, location.Region.State);
        Assert.Equal("resize", location.Name);
    }
}
