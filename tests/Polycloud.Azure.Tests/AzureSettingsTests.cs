using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.Azure.Blobs;
using Polycloud.Azure.Functions;
using Polycloud.Azure.Tests.Blobs;
using Polycloud.Azure.Tests.Queues;
using Polycloud.TestSupport.Logging;
using Xunit;

namespace Polycloud.Azure.Tests;

/// <summary>One vocabulary for every Azure URL: the settings AzureSettings reads, shared by azblob, azqueue and azfunc.</summary>
public sealed class AzureSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Queue_AcceptsTheSharedStorageSettings_EndpointAndAccountKey_AgainstAzurite()
    {
        string name = "pc-settings-" + Guid.NewGuid().ToString("N")[..12];
        var raw = new QueueClient(AzureQueueConformanceTests.ConnectionString, name);
        await raw.CreateAsync(cancellationToken: Ct);
        try
        {
            var opener = new PolycloudOpener().AddAzure();
            await using var queue = opener.OpenQueue(
                $"azqueue://{name}?endpoint={Uri.EscapeDataString(AzureQueueConformanceTests.QueueEndpoint)}&account={Azurite.AccountName}",
                [new("accountKey", Azurite.AccountKey)]);
            await queue.SendAsync("hello", Ct);
            var received = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(5), Ct));
            Assert.Equal("hello", received.Body.ToString());
            await queue.CompleteAsync(received, Ct);
        }
        finally
        {
            await raw.DeleteIfExistsAsync(Ct);
        }
    }

    [Fact]
    public async Task Queue_OldServiceUri_StillWorks_AndIsLoggedOnceAsObsolete()
    {
        string name = "pc-settings-" + Guid.NewGuid().ToString("N")[..12];
        var raw = new QueueClient(AzureQueueConformanceTests.ConnectionString, name);
        await raw.CreateAsync(cancellationToken: Ct);
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs);
        services.AddPolycloud().AddAzure();
        await using var provider = services.BuildServiceProvider();
        var opener = provider.GetRequiredService<PolycloudOpener>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                await using var queue = opener.OpenQueue(
                    $"azqueue://{name}?serviceUri={Uri.EscapeDataString(AzureQueueConformanceTests.QueueEndpoint)}&account={Azurite.AccountName}",
                    [new("accountKey", Azurite.AccountKey)]);
                await queue.SendAsync("old name " + i, Ct);
            }

            Assert.Equal(2, (await raw.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
            var warning = Assert.Single(logs.Logs, l => l.Message.Contains("serviceUri", StringComparison.Ordinal));
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains("use 'endpoint'", warning.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Azurite.AccountKey, string.Concat(logs.Logs.Select(l => l.Message)), StringComparison.Ordinal);
        }
        finally
        {
            await raw.DeleteIfExistsAsync(Ct);
        }
    }

    [Theory]
    [InlineData("azqueue://q?endpoint=http://a.example&serviceUri=http://b.example", "serviceUri")]
    [InlineData("azqueue://q?account=acct&credential=password", "credential")]
    [InlineData("azqueue://q?account=acct&managedIdentityClientId=not-a-guid", "managedIdentityClientId")]
    [InlineData("azqueue://q?account=acct&anonymous=true", "anonymous")] // queues always need a credential: not a queue setting
    [InlineData("azblob://data?account=acct&anonymous=true&credential=azureCli", "anonymous")]
    [InlineData("azblob://data?account=acct&credential=environment&managedIdentityClientId=00000000-0000-0000-0000-000000000001", "managedIdentityClientId")]
    [InlineData("azfunc://app/f?endpoint=http://a.example&baseUrl=http://b.example", "baseUrl")]
    [InlineData("azfunc://app/f?anonymous=true&key=k", "anonymous")]
    [InlineData("azfunc://app/f?auth=none&key=k", "anonymous")]
    public void BadOrConflictingSettings_FailNamingTheSetting(string url, string setting)
    {
        var opener = new PolycloudOpener().AddAzure();
        var ex = Assert.Throws<CloudException>(() =>
        {
            if (url.StartsWith("azqueue", StringComparison.Ordinal))
            {
                opener.OpenQueue(url);
            }
            else if (url.StartsWith("azblob", StringComparison.Ordinal))
            {
                opener.OpenBucket(url);
            }
            else
            {
                opener.OpenFunction(url);
            }
        });
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains(setting, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blob_Anonymous_SendsNoCredential_AndSignsNoUrls()
    {
        var opener = new PolycloudOpener().AddAzure();
        await using var bucket = opener.OpenBucket($"azblob://public?endpoint={Uri.EscapeDataString(Azurite.Endpoint.ToString())}&anonymous=true");
        Assert.False(bucket.Capabilities.SignedUrls);
        var container = bucket.As<BlobContainerClient>();
        Assert.False(container.CanGenerateSasUri);
        Assert.Equal(CloudErrorCode.NotSupported, (await Assert.ThrowsAsync<CloudException>(() => bucket.GetSignedUrlAsync("k", null, Ct))).ErrorCode);
    }

    [Theory]
    [InlineData(null, typeof(DefaultAzureCredential))]
    [InlineData("default", typeof(DefaultAzureCredential))]
    [InlineData("managedIdentity", typeof(ManagedIdentityCredential))]
    [InlineData("workloadIdentity", typeof(WorkloadIdentityCredential))]
    [InlineData("environment", typeof(EnvironmentCredential))]
    [InlineData("AZURECLI", typeof(AzureCliCredential))]
    public void CredentialKind_PicksTheEntraCredential(string? kind, Type expected)
    {
        var url = CloudUrl.Parse("azblob://data?account=acct" + (kind is null ? string.Empty : "&credential=" + kind));
        var settings = AzureSettings.Read(url, AzureSettingsScope.Storage);
        var credential = settings.GetTokenCredential(null, static () => new DefaultAzureCredential());
        Assert.IsType(expected, credential);
    }

    [Fact]
    public void CredentialFromServices_IsUsed_UnlessTheUrlNamesAKind()
    {
        var registered = new StaticCredential();
        var services = new ServiceCollection().AddSingleton<TokenCredential>(registered).BuildServiceProvider();
        var fromServices = AzureSettings.Read(CloudUrl.Parse("azqueue://q?account=acct"), AzureSettingsScope.Queue).GetTokenCredential(services, static () => new DefaultAzureCredential());
        Assert.Same(registered, fromServices);
        var named = AzureSettings.Read(CloudUrl.Parse("azqueue://q?account=acct&credential=azureCli"), AzureSettingsScope.Queue).GetTokenCredential(services, static () => new DefaultAzureCredential());
        Assert.IsType<AzureCliCredential>(named);
    }

    [Fact]
    public void Functions_OldNames_BaseUrlAndAuthNone_StillWork_AsEndpointAndAnonymous()
    {
        var factory = new AzureFunctionsDriverFactory();
        var url = CloudUrl.Parse("azfunc://my-app/resize?baseUrl=http://127.0.0.1:7071/api&auth=none");
        var driver = (AzureFunctionsDriver)factory.Create(url, null);
        Assert.Equal(new Uri("http://127.0.0.1:7071/api/resize"), driver.Url);
        Assert.Equal(
            [new ObsoleteSetting("azfunc", "baseUrl", "endpoint"), new ObsoleteSetting("azfunc", "auth=none", "anonymous=true")],
            url.ObsoleteSettings);

        var current = CloudUrl.Parse("azfunc://my-app/resize?endpoint=http://127.0.0.1:7071/api&anonymous=true");
        Assert.Equal(new Uri("http://127.0.0.1:7071/api/resize"), ((AzureFunctionsDriver)factory.Create(current, null)).Url);
        Assert.Empty(current.ObsoleteSettings);
    }

    [Fact]
    public void Functions_ReadTheEntraCredential_AsBlobsAndQueuesDo()
    {
        var registered = new StaticCredential();
        var services = new ServiceCollection().AddSingleton<TokenCredential>(registered).BuildServiceProvider();
        var factory = new AzureFunctionsDriverFactory();

        var fromServices = (AzureFunctionsDriver)factory.Create(CloudUrl.Parse("azfunc://my-app/resize?scope=api://app/.default"), services);
        Assert.True(fromServices.TryAs<TokenCredential>(out var credential));
        Assert.Same(registered, credential);

        var named = (AzureFunctionsDriver)factory.Create(CloudUrl.Parse("azfunc://my-app/resize?scope=api://app/.default&credential=azureCli"), services);
        Assert.True(named.TryAs<TokenCredential>(out credential));
        Assert.IsType<AzureCliCredential>(credential);

        var withKey = (AzureFunctionsDriver)factory.Create(CloudUrl.Parse("azfunc://my-app/resize?key=k"), services);
        Assert.False(withKey.TryAs<TokenCredential>(out _));

        var ex = Assert.Throws<CloudException>(() => factory.Create(CloudUrl.Parse("azfunc://my-app/resize?key=k&credential=azureCli"), services));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'credential'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("auth=entra", ex.Message, StringComparison.Ordinal);
    }

    private sealed class StaticCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("t", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
