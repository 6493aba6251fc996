using System.Text.RegularExpressions;
using Xunit;

namespace Polycloud.Docs.Tests;

/// <summary>
/// docs/settings.md lists every setting of every scheme. Each row's example is opened with a setting nobody knows; the
/// error lists the settings the scheme knows, which must be exactly the row's list.
/// </summary>
public sealed partial class SettingsTableTests
{
    private const string Page = "docs/settings.md";

    public static TheoryData<string, string, string> Rows()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (var row in ReadRows())
        {
            rows.Add(row.Capability, row.Example, string.Join(", ", row.Settings));
        }

        return rows;
    }

    [Fact]
    public void TheTable_CoversEverySchemeOfEveryCapability()
    {
        var opener = Opener();
        var rows = ReadRows();
        Assert.NotEmpty(rows);
        foreach (var (capability, schemes) in new[] { ("blobs", opener.BlobSchemes), ("queues", opener.QueueSchemes), ("functions", opener.FunctionSchemes) })
        {
            var documented = rows.Where(r => r.Capability == capability).Select(r => CloudUrl.Parse(r.Example).Scheme).ToHashSet(StringComparer.Ordinal);
            Assert.All(schemes, scheme => Assert.True(documented.Contains(scheme), $"{Page} has no {capability} row for '{scheme}://'."));
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void EveryRow_ListsExactlyTheSettingsTheSchemeKnows(string capability, string example, string documented)
    {
        var opener = Opener();
        string url = example + (example.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "polycloudNoSuchSetting=1";
        var expected = documented == "none" ? [] : documented.Split(", ");
        KeyValuePair<string, string>[] extra = expected.Contains("password") ? [new("password", "not-used")] : [];
        var ex = Assert.Throws<CloudException>(() => Open(opener, capability, url, extra));
        var match = KnownSettings().Match(ex.Message);
        Assert.True(match.Success, $"{example}: expected the unknown-setting error, got: {ex.Message}");
        Assert.Contains("polycloudNoSuchSetting", match.Groups["unknown"].Value, StringComparison.Ordinal);
        var known = match.Groups["known"].Value == "none" ? [] : match.Groups["known"].Value.Split(", ");
        Assert.Equal(expected.Order(StringComparer.OrdinalIgnoreCase), known.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
    }

    private static PolycloudOpener Opener() => new PolycloudOpener().AddAws().AddAzure().AddGoogle();

    private static void Open(PolycloudOpener opener, string capability, string url, KeyValuePair<string, string>[] settings)
    {
        switch (capability)
        {
            case "blobs":
                opener.OpenBucket(url, settings).Dispose();
                break;
            case "queues":
                opener.OpenQueue(url, settings).Dispose();
                break;
            case "functions":
                opener.OpenFunction(url, settings).Dispose();
                break;
            case "databases":
                opener.OpenDatabase(url, settings).Dispose();
                break;
            default:
                Assert.Fail($"{Page}: unknown capability '{capability}'.");
                break;
        }
    }

    internal static List<(string Capability, string Example, string[] Settings)> ReadRows()
    {
        var rows = new List<(string, string, string[])>();
        bool inTable = false;
        foreach (string line in File.ReadLines(MarkdownPages.FullPath(Page)))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inTable = line == "## Every setting of every scheme";
                continue;
            }

            var row = TableRow().Match(line);
            if (inTable && row.Success)
            {
                string settings = row.Groups["settings"].Value.Trim();
                rows.Add((row.Groups["capability"].Value, row.Groups["example"].Value, settings == "none" ? ["none"] : [.. settings.Split(',').Select(s => s.Trim().Trim('`'))]));
            }
        }

        return rows;
    }

    [GeneratedRegex(@"^\| (?<capability>blobs|queues|functions|databases) \| `(?<example>[^`]+)` \| (?<settings>[^|]+) \|$")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"does not know: (?<unknown>[^.]+)\. Known settings: (?<known>[^.]+)\.$")]
    private static partial Regex KnownSettings();
}
