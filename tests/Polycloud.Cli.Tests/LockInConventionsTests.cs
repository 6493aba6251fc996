using System.Text.Json.Nodes;
using Xunit;

namespace Polycloud.Cli.Tests;

/// <summary><c>polycloud lockin</c> follows the shared conventions: <c>--json</c>, and usage errors exit 2.</summary>
public sealed class LockInConventionsTests(LockInPortSample sample) : IClassFixture<LockInPortSample>
{
    [Fact]
    public async Task Json_option_is_the_same_as_format_json()
    {
        var output = new StringWriter();
        int exit = await CliApplication.RunAsync(["lockin", sample.Before, "--json"], output, new StringWriter(), TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        var json = JsonNode.Parse(output.ToString())!;
        Assert.NotNull(json["projects"]);
        Assert.NotNull(json["findings"]);
    }

    [Fact]
    public async Task Unknown_option_exits_2()
    {
        var error = new StringWriter();
        int exit = await CliApplication.RunAsync(["lockin", sample.Before, "--no-such-option"], new StringWriter(), error, TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.Contains("--no-such-option", error.ToString(), StringComparison.Ordinal);
    }
}
