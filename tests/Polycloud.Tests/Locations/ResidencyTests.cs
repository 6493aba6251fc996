using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polycloud.DependencyInjection;
using Polycloud.Residency;
using Xunit;

namespace Polycloud.Tests.Locations;

public sealed class ResidencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("eu-*", "eu-west-1", true)]
    [InlineData("eu-*", "EU-WEST-1", true)]
    [InlineData("europe-*", "europe-west1", true)]
    [InlineData("eu-*", "us-east-1", false)]
    [InlineData("eu", "eu", true)]
    [InlineData("eu", "eur4", false)]
    [InlineData("eu-?est-1", "eu-west-1", true)]
    [InlineData("*", "anything", true)]
    [InlineData("us-*-1", "us-east-1", true)]
    [InlineData("us-*-1", "us-east-2", false)]
    public void Patterns_match_regions(string pattern, string region, bool matches)
        => Assert.Equal(matches, ResidencyPolicy.Matches(pattern, region));

    [Fact]
    public void Policy_is_read_from_configuration_and_a_resource_rule_replaces_the_default()
    {
        var policy = ResidencyPolicy.FromConfiguration(Polycloud(new()
        {
            ["Residency:Default:0"] = "eu-*",
            ["Residency:Default:1"] = "local",
            ["Residency:Resources:archive:0"] = "us-east-1",
            ["Residency:OnUnknown"] = "warn",
        }))!;

        Assert.Equal(["eu-*", "local"], policy.Default);
        Assert.Equal(ResidencyUnknownAction.Warn, policy.OnUnknown);
        Assert.Equal("Residency:Resources:archive [us-east-1]", policy.RuleFor("ARCHIVE")!.Value.Rule);
        Assert.Equal("Residency:Default [eu-*, local]", policy.RuleFor("docs")!.Value.Rule);
    }

    [Theory]
    [InlineData("Residency:OnUnknown", "Ignore")]
    [InlineData("Residency:Default:0", "")]
    [InlineData("Residency:Regions:0", "eu-*")]
    public void Malformed_policy_is_an_error_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<CloudException>(() => ResidencyPolicy.FromConfiguration(Polycloud(new() { [key] = value, ["Residency:Resources:x:0"] = "eu-*" })));
        Assert.Equal(CloudErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("Polycloud:Residency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_starts_when_every_local_resource_is_allowed()
    {
        using var host = BuildHost(new()
        {
            ["Polycloud:Blobs:docs"] = "mem://docs",
            ["Polycloud:Queues:jobs"] = "mem://jobs",
            ["Polycloud:Residency:Default:0"] = "local",
        });

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task Host_fails_to_start_with_one_exception_listing_every_violation()
    {
        using var host = BuildHost(new()
        {
            ["Polycloud:Blobs:docs"] = "mem://docs",
            ["Polycloud:Blobs:archive"] = "mem://archive",
            ["Polycloud:Queues:jobs"] = "mem://jobs",
            ["Polycloud:Queues:allowed"] = "mem://allowed",
            ["Polycloud:Residency:Default:0"] = "eu-*",
            ["Polycloud:Residency:Default:1"] = "europe-*",
            ["Polycloud:Residency:Resources:archive:0"] = "us-east-1",
            ["Polycloud:Residency:Resources:allowed:0"] = "loc*",
        });

        var error = await Assert.ThrowsAsync<ResidencyViolationException>(() => host.StartAsync(Ct));

        Assert.Equal(CloudErrorCode.PreconditionFailed, error.ErrorCode);
        Assert.Equal(["archive", "docs", "jobs"], error.Violations.Select(v => v.ResourceName).Order(StringComparer.Ordinal));
        Assert.All(error.Violations, v => Assert.Equal("local", v.Region));
        Assert.Contains("'archive' (Blob, memory) is in 'local', which breaks Residency:Resources:archive [us-east-1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'docs' (Blob, memory) is in 'local', which breaks Residency:Default [eu-*, europe-*]", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'allowed'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resource_whose_region_cannot_be_read_fails_the_check_unless_unknown_only_warns()
    {
        // A driver from outside Polycloud that does not report where it lives.
        var settings = new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:broken"] = "thirdparty://x",
            ["Polycloud:Residency:Default:0"] = "local",
        };
        using (var host = BuildHost(settings))
        {
            var error = await Assert.ThrowsAsync<ResidencyViolationException>(() => host.StartAsync(Ct));
            var violation = Assert.Single(error.Violations);
            Assert.Equal(ResidencyStatus.Unknown, violation.Status);
            Assert.Equal("broken", violation.ResourceName);
        }

        settings["Polycloud:Residency:OnUnknown"] = "Warn";
        using (var host = BuildHost(settings))
        {
            await host.StartAsync(Ct);
            await host.StopAsync(Ct);
        }
    }

    [Fact]
    public async Task Without_a_residency_section_no_check_is_registered()
    {
        using var host = BuildHost(new() { ["Polycloud:Blobs:broken"] = "thirdparty://x" });
        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task The_policy_can_be_given_in_code()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Polycloud:Blobs:docs"] = "mem://docs" });
        builder.Services.AddPolycloud(builder.Configuration).AddResidencyPolicy(new ResidencyPolicy { Default = ["us-*"] });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<ResidencyViolationException>(() => host.StartAsync(Ct));
        Assert.Equal("docs", Assert.Single(error.Violations).ResourceName);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddPolycloud(builder.Configuration);
        builder.Services.AddSingleton<Polycloud.Blobs.Drivers.IBlobDriverFactory>(new ThirdPartyFactory());
        return builder.Build();
    }

    private sealed class ThirdPartyFactory : Polycloud.Blobs.Drivers.IBlobDriverFactory
    {
        public IReadOnlyList<string> Schemes { get; } = ["thirdparty"];

        public Polycloud.Blobs.Drivers.IBlobDriver Create(CloudUrl url, IServiceProvider? services) => new LocalLocationTests.ThirdPartyDriver();
    }

    private static IConfigurationSection Polycloud(Dictionary<string, string?> settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(kv => "Polycloud:" + kv.Key, kv => kv.Value)).Build().GetSection("Polycloud");
}
