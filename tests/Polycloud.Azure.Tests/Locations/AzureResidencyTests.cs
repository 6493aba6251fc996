using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polycloud.Azure.Tests.Blobs;
using Polycloud.Residency;
using Xunit;

namespace Polycloud.Azure.Tests.Locations;

/// <summary>The startup residency check over an Azurite container: the region comes from the 'location' setting, else it is unknown.</summary>
public sealed class AzureResidencyTests
{
    [Fact]
    public async Task Host_start_checks_an_Azurite_container()
    {
        var container = await Azurite.CreateContainerAsync("res");
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Polycloud:Blobs:eu:Url"] = $"azblob://{container.Name}?location=westeurope",
                ["Polycloud:Blobs:eu:ConnectionString"] = Azurite.ConnectionString,
                ["Polycloud:Blobs:nowhere:Url"] = $"azblob://{container.Name}",
                ["Polycloud:Blobs:nowhere:ConnectionString"] = Azurite.ConnectionString,
                ["Polycloud:Blobs:us:Url"] = $"azblob://{container.Name}?location=eastus",
                ["Polycloud:Blobs:us:ConnectionString"] = Azurite.ConnectionString,
                ["Polycloud:Residency:Default:0"] = "*europe",
            };
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddPolycloud(builder.Configuration).AddAzure();
            using var host = builder.Build();

            var error = await Assert.ThrowsAsync<ResidencyViolationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

            Assert.Equal(2, error.Violations.Count);
            var us = Assert.Single(error.Violations, v => v.ResourceName == "us");
            Assert.Equal(ResidencyStatus.Violation, us.Status);
            Assert.Equal("eastus", us.Region);
            var nowhere = Assert.Single(error.Violations, v => v.ResourceName == "nowhere");
            Assert.Equal(ResidencyStatus.Unknown, nowhere.Status);
            Assert.Contains("'location'", nowhere.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Azurite.AccountKey, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Azurite.DeleteQuietlyAsync(container);
        }
    }
}
