using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Polycloud.Docs.Tests;

/// <summary>
/// src/Polycloud/ConfigurationSchema.json (written by eng/gen-config-schema.py from docs/settings.md) lets editors
/// complete and check the "Polycloud" section of appsettings.json: it agrees with the settings table, accepts the
/// samples' configuration and refuses the mistakes the start-up check refuses.
/// </summary>
public sealed class ConfigurationSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath)));

    private static string SchemaPath => Path.Combine(MarkdownPages.RepositoryRoot, "src", "Polycloud", "ConfigurationSchema.json");

    [Fact]
    public void EverySchemeOfTheTable_HasExactlyItsSettings_InTheSchema()
    {
        var polycloud = JsonNode.Parse(File.ReadAllText(SchemaPath))!["properties"]!["Polycloud"]!["properties"]!;
        foreach (var group in SettingsTableTests.ReadRows().GroupBy(r => (r.Capability, Scheme: CloudUrl.Parse(r.Example).Scheme)))
        {
            string key = char.ToUpperInvariant(group.Key.Capability[0]) + group.Key.Capability[1..];
            var conditions = polycloud[key]!["additionalProperties"]!["oneOf"]![1]!["allOf"]!.AsArray();
            var condition = Assert.Single(conditions, c => c!["if"]!["properties"]!["Url"]!["pattern"]!.GetValue<string>() == "^" + System.Text.RegularExpressions.Regex.Escape(group.Key.Scheme) + "://");
            var allowed = condition!["then"]!["propertyNames"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            var expected = group.SelectMany(r => r.Settings).Where(s => s != "none").Append("url").ToHashSet(StringComparer.OrdinalIgnoreCase);
            Assert.Equal(expected.Order(StringComparer.OrdinalIgnoreCase), allowed.Select(a => a.ToLowerInvariant()).Distinct().Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("samples/QuickStart/appsettings.json")]
    public void TheSamplesConfiguration_IsValid(string file)
        => AssertValid(File.ReadAllText(Path.Combine(MarkdownPages.RepositoryRoot, file)));

    [Fact]
    public void AConfigurationUsingEveryForm_IsValid()
        => AssertValid("""
            { "Polycloud": {
                "Blobs": { "docs": "s3://docs?region=eu-west-1", "archive": { "Url": "azblob://archive?account=acme", "Credential": "managedIdentity" } },
                "Queues": { "orders": { "Url": "sqs://orders", "region": "eu-west-1", "DeadLetterQueue": "sqs://orders-dlq" } },
                "Functions": { "resize": "gcf://acme/europe-west1/resize" },
                "Databases": { "main": { "Url": "postgresql://db/app?user=app", "Password": "from-a-secret-store" } },
                "Workers": { "orders": { "MaxConcurrency": 8, "ShutdownGracePeriod": "00:00:15" } },
                "DisableTracing": false
            } }
            """);

    [Theory]
    [InlineData("""{ "Polycloud": { "Queus": { "orders": "mem://orders" } } }""")]
    [InlineData("""{ "Polycloud": { "Blobs": { "docs": "ftp://docs" } } }""")]
    [InlineData("""{ "Polycloud": { "Blobs": { "docs": { "Url": "s3://docs", "Regoin": "eu-west-1" } } } }""")]
    [InlineData("""{ "Polycloud": { "Queues": { "orders": { "Url": "sqs://orders", "account": "acme" } } } }""")]
    [InlineData("""{ "Polycloud": { "Queues": { "orders": { "DeadLetterQueue": "mem://dlq" } } } }""")]
    [InlineData("""{ "Polycloud": { "Workers": { "orders": { "MaxConcurency": 8 } } } }""")]
    public void Mistakes_AreRefused(string json)
    {
        var result = Schema.Value.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.False(result.IsValid, json);
    }

    private static void AssertValid(string json)
    {
        var result = Schema.Value.Evaluate(JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Details?.Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }
}
