using System.Net;
using System.Text;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;
using Polycloud.Google.Functions;
using Polycloud.Google.Queues;
using Polycloud.Google.Tests.Blobs;
using Polycloud.Queues;

namespace Polycloud.Google.Tests.Locations;

/// <summary>Where Google Cloud resources live: buckets.get at the wire (the emulator lacks it), Pub/Sub's project, Cloud Functions' URL.</summary>
public sealed class GoogleLocationTests
{
    [Theory]
    [InlineData("EUROPE-WEST1", "region", null, "europe-west1", "zonal redundancy in one region")]
    [InlineData("EU", "multi-region", "DEFAULT", "eu", "DEFAULT")]
    [InlineData("EUR4", "dual-region", "ASYNC_TURBO", "eur4", "ASYNC_TURBO")]
    public async Task Bucket_location_comes_from_buckets_get(string gcsLocation, string locationType, string? rpo, string region, string replication)
    {
        var handler = new FakeGcsHandler
        {
            Intercept = r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.EndsWith("/b/pc-bucket", StringComparison.Ordinal)
                ? Json($$"""{"kind":"storage#bucket","name":"pc-bucket","projectNumber":"123456789012","location":"{{gcsLocation}}","locationType":"{{locationType}}"{{(rpo is null ? "" : $",\"rpo\":\"{rpo}\"")}},"storageClass":"STANDARD"}""")
                : null,
        };
        await using var bucket = new BlobBucket(new GcsBlobDriver(handler.CreateClient(), "pc-bucket"));

        var location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Single(handler.Requests);
        Assert.Equal("gcp", location.Provider);
        Assert.Equal("gcp-storage", location.Service);
        Assert.Equal(region, location.Region.Value);
        Assert.Equal(locationType, location.LocationType.Value);
        Assert.Equal(replication, location.Replication.Value);
        Assert.Equal("project 123456789012", location.Account.Value);
        Assert.Equal("STANDARD", location.Details["storageClass"]);
    }

    [Fact]
    public async Task Missing_bucket_is_NotFound()
    {
        var handler = new FakeGcsHandler { Intercept = _ => FakeGcsHandler.JsonError(HttpStatusCode.NotFound, "The specified bucket does not exist.", "notFound") };
        await using var bucket = new BlobBucket(new GcsBlobDriver(handler.CreateClient(), "pc-missing"));

        var error = await Assert.ThrowsAsync<CloudException>(() => bucket.GetLocationAsync(TestContext.Current.CancellationToken));

        Assert.Equal(CloudErrorCode.NotFound, error.ErrorCode);
    }

    [Fact]
    public async Task Bucket_at_the_emulator_is_skipped_when_it_does_not_implement_buckets_get()
    {
        string name = GcsTestEnvironment.NewBucketName("loc");
        var client = GcsTestEnvironment.CreateEmulatorClient();
        await client.UploadObjectAsync(name, "probe", "text/plain", new MemoryStream("x"u8.ToArray()), cancellationToken: TestContext.Current.CancellationToken);
        try
        {
            await using var bucket = new PolycloudOpener().AddGoogle().OpenBucket(GcsTestEnvironment.EmulatorUrl(name));
            ResourceLocation location;
            try
            {
                location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);
            }
            catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)
            {
                Assert.Skip("the Cloud Storage emulator does not implement buckets.get (it answers 404 for a bucket that holds objects); checked at the wire instead.");
                throw;
            }

            Assert.True(location.Region.IsKnown);
        }
        finally
        {
            await client.DeleteObjectAsync(name, "probe", cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData("""{"name":"projects/acme-prod/topics/orders","messageStoragePolicy":{"allowedPersistenceRegions":["europe-west1"]}}""", "europe-west1", "region")]
    [InlineData("""{"name":"projects/acme-prod/topics/orders","messageStoragePolicy":{"allowedPersistenceRegions":["europe-west1","europe-west4"]}}""", "europe-west1,europe-west4", "multi-region")]
    public async Task PubSub_region_is_the_topic_message_storage_policy(string topic, string region, string locationType)
    {
        var handler = new TopicHandler(_ => Json(topic));
        await using var queue = new MessageQueue(new PubSubQueueDriver(new HttpClient(handler), "projects/acme-prod/topics/orders", "orders-worker", endpoint: new Uri("https://pubsub.wire.test/")));

        var location = await queue.GetLocationAsync(TestContext.Current.CancellationToken);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://pubsub.wire.test/v1/projects/acme-prod/topics/orders", request.RequestUri!.AbsoluteUri);
        Assert.Equal("acme-prod", location.Account.Value);
        Assert.Equal(region, location.Region.Value);
        Assert.Equal(locationType, location.LocationType.Value);
    }

    [Fact]
    public async Task PubSub_without_a_storage_policy_or_permission_has_an_unknown_region_with_the_reason()
    {
        var handler = new TopicHandler(_ => Json("""{"name":"projects/acme-prod/topics/orders"}"""));
        await using var queue = new MessageQueue(new PubSubQueueDriver(new HttpClient(handler), "projects/acme-prod/topics/orders", "worker", endpoint: new Uri("https://pubsub.wire.test/")));
        var location = await queue.GetLocationAsync(TestContext.Current.CancellationToken);
        Assert.Equal(LocationValueState.Unknown, location.Region.State);
        Assert.Contains("no message storage policy", location.Region.UnknownReason, StringComparison.Ordinal);
        Assert.Equal("global", location.LocationType.Value);

        var denied = new TopicHandler(_ => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("""{"error":{"code":403,"message":"User not authorized to perform this action.","status":"PERMISSION_DENIED"}}""", Encoding.UTF8, "application/json"),
        });
        await using var queue2 = new MessageQueue(new PubSubQueueDriver(new HttpClient(denied), "projects/acme-prod/topics/orders", "worker", endpoint: new Uri("https://pubsub.wire.test/")));
        location = await queue2.GetLocationAsync(TestContext.Current.CancellationToken);
        Assert.Equal(LocationValueState.Unknown, location.Region.State);
        Assert.Contains("PERMISSION_DENIED", location.Region.UnknownReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resource_in_several_regions_is_allowed_only_when_every_region_is()
    {
        var location = new ResourceLocation { Provider = "gcp", Service = "gcp-pubsub", Kind = ResourceKind.Queue, Name = "q", Region = LocationValue.Known("europe-west1,us-central1") };
        Assert.Equal(Polycloud.Residency.ResidencyStatus.Violation, new Polycloud.Residency.ResidencyPolicy { Default = ["europe-*"] }.Check("q", location).Status);
        Assert.Equal(Polycloud.Residency.ResidencyStatus.Allowed, new Polycloud.Residency.ResidencyPolicy { Default = ["europe-*", "us-*"] }.Check("q", location).Status);
    }

    [Theory]
    [InlineData("gcf://acme-prod/europe-west1/resize", "europe-west1", "acme-prod")]
    [InlineData("gcf://my-project-42/northamerica-northeast1/f", "northamerica-northeast1", "my-project-42")]
    public async Task Cloud_Functions_URL_names_region_and_project(string url, string region, string project)
    {
        await using var function = new PolycloudOpener().AddGoogle().OpenFunction(url + "?auth=none");

        var location = await function.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Equal(region, location.Region.Value);
        Assert.Equal(project, location.Account.Value);
    }

    [Fact]
    public void Cloud_Run_URLs_do_not_name_a_region()
    {
        Assert.Equal((null, null), CloudFunctionsDriver.ParseFunctionHost("resize-abc123-ew.a.run.app"));
    }

    private sealed class TopicHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(respond(request));
        }
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
