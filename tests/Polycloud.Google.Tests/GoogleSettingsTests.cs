using System.Text.Json;
using Polycloud.Google.Functions;
using Polycloud.Google.Queues;
using Polycloud.Google.Tests.Functions;
using Xunit;

namespace Polycloud.Google.Tests;

/// <summary>One vocabulary for every Google URL: the settings GoogleSettings reads, shared by gs, gcppubsub and gcf.</summary>
public sealed class GoogleSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void PubSub_OldUnauthenticated_StillWorks_AsAnonymous()
    {
        var url = CloudUrl.Parse("gcppubsub://projects/p1/topics/orders?subscription=orders-worker&unauthenticated=true");
        var driver = (PubSubQueueDriver)new PubSubQueueDriverFactory().Create(url, null);
        Assert.Equal("projects/p1/topics/orders", driver.Topic);
        Assert.Equal(new ObsoleteSetting("gcppubsub", "unauthenticated", "anonymous"), Assert.Single(url.ObsoleteSettings));
    }

    [Fact]
    public void PubSub_ShortTopic_TakesTheProjectSetting()
    {
        using var queue = new PolycloudOpener().AddGoogle().OpenQueue("gcppubsub://orders?project=acme-prod&subscription=orders-worker&anonymous=true");
        var driver = queue.As<PubSubQueueDriver>();
        Assert.Equal("projects/acme-prod/topics/orders", driver.Topic);
        Assert.Equal("projects/acme-prod/subscriptions/orders-worker", driver.Subscription);
    }

    [Fact]
    public void PubSub_ShortTopic_WithoutAProject_IsRefusedNamingProject_OrUsesTheEnvironment()
    {
        var opener = new PolycloudOpener().AddGoogle();
        string? fromEnvironment = Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT") is { Length: > 0 } a ? a
            : Environment.GetEnvironmentVariable("GCLOUD_PROJECT") is { Length: > 0 } b ? b : null;
        if (fromEnvironment is null)
        {
            var ex = Assert.Throws<CloudException>(() => opener.OpenQueue("gcppubsub://orders?subscription=orders-worker&anonymous=true"));
            Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
            Assert.Contains("'project'", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            using var queue = opener.OpenQueue("gcppubsub://orders?subscription=orders-worker&anonymous=true");
            Assert.Equal($"projects/{fromEnvironment}/topics/orders", queue.As<PubSubQueueDriver>().Topic);
        }
    }

    [Theory]
    [InlineData("gcppubsub://projects/p1/topics/orders?subscription=orders-worker&project=other1", "project")]
    [InlineData("gcppubsub://projects/p1/topics/orders?subscription=orders-worker&anonymous=true&unauthenticated=true", "unauthenticated")]
    [InlineData("gcppubsub://orders?subscription=orders-worker&project=Not_A_Project", "project")]
    [InlineData("gcppubsub://projects/p1/topics/orders?subscription=orders-worker&anonymous=true&credentialsFile=/nonexistent.json", "credentialsFile")]
    [InlineData("gcppubsub://projects/p1/topics/orders?subscription=orders-worker&credentialsFile=/nonexistent.json", "credentialsFile")]
    public void PubSub_BadOrConflictingSettings_FailNamingTheSetting(string url, string setting)
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddGoogle().OpenQueue(url));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Functions_OldAuthNone_StillWorks_AsAnonymous()
    {
        var url = CloudUrl.Parse("gcf://my-project/europe-west1/resize?auth=none");
        new CloudFunctionsDriverFactory().Create(url, null);
        Assert.Equal(new ObsoleteSetting("gcf", "auth=none", "anonymous=true"), Assert.Single(url.ObsoleteSettings));
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddGoogle().OpenFunction("gcf://p/r/f?anonymous=true&auth=idtoken"));
        Assert.Contains("anonymous", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Functions_CredentialsFile_SignsTheIdToken_ThatReachesTheFunction()
    {
        // credentialsFile is a setting of every Google URL: here the service-account key (whose token_uri is a loopback
        // token endpoint) mints the ID token that functions-framework's whoami function receives.
        using var tokens = new FakeTokenEndpoint("unused", 3600);
        string url = CloudFunctionsConformanceTests.Url("POLYCLOUD_TEST_GCF_WHOAMI", 8084) + "/whoami";
        await using var fn = new PolycloudOpener().AddGoogle().OpenFunction("gcf+" + url, [new("credentialsFile", tokens.KeyFile)]);
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        string? authorization = JsonDocument.Parse(result.Payload.ToMemory()).RootElement.GetProperty("authorization").GetString();
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        Assert.Equal(1, tokens.Requests);
    }

    [Fact]
    public void Storage_ConflictingCredentials_AreRefused()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddGoogle().OpenBucket("gs://bucket-a?anonymous=true&credentialsFile=/k.json"));
        Assert.Contains("anonymous", ex.Message, StringComparison.Ordinal);
    }
}
