using System.Text.RegularExpressions;
using Xunit;

namespace Polycloud.Docs.Tests;

/// <summary>
/// The pages point only at what exists: every relative link and image of README.md and docs/*.md names an existing
/// file or folder (and, with <c>#anchor</c>, a heading of that page), and every <c>samples/…</c> path the pages name
/// exists. Links with a scheme (<c>https:</c>, <c>mailto:</c>) are not followed.
/// </summary>
public sealed partial class DocsLinkTests
{
    /// <summary>Every page, by path.</summary>
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (string page in MarkdownPages.All())
        {
            data.Add(page);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Relative_links_point_at_existing_files_and_headings(string page)
    {
        var broken = new List<string>();
        foreach (var (line, target) in MarkdownPages.Links(page))
        {
            if (Scheme().IsMatch(target))
            {
                continue;
            }

            int hash = target.IndexOf('#', StringComparison.Ordinal);
            string path = Uri.UnescapeDataString(hash >= 0 ? target[..hash] : target);
            string? anchor = hash >= 0 ? target[(hash + 1)..] : null;
            string linked = path.Length == 0
                ? page
                : Path.GetRelativePath(MarkdownPages.RepositoryRoot,
                    Path.GetFullPath(Path.Combine(Path.GetDirectoryName(MarkdownPages.FullPath(page))!, path))).Replace('\\', '/');
            string full = MarkdownPages.FullPath(linked);
            if (linked.StartsWith("..", StringComparison.Ordinal) || (!File.Exists(full) && !Directory.Exists(full)))
            {
                broken.Add($"{page}:{line}: '{target}' — {linked} does not exist");
            }
            else if (anchor is { Length: > 0 } && linked.EndsWith(".md", StringComparison.Ordinal) && File.Exists(full)
                     && !MarkdownPages.Anchors(linked).Contains(anchor))
            {
                broken.Add($"{page}:{line}: '{target}' — {linked} has no heading with the anchor #{anchor}");
            }
        }

        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Samples_named_exist(string page)
    {
        // Anywhere in the page, code blocks included: "dotnet run --project samples/QuickStart" must keep working.
        var missing = new List<string>();
        var lines = File.ReadAllLines(MarkdownPages.FullPath(page));
        for (int i = 0; i < lines.Length; i++)
        {
            foreach (Match m in SamplePath().Matches(lines[i]))
            {
                string path = m.Value.TrimEnd('.');
                string full = MarkdownPages.FullPath(path);
                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    missing.Add($"{page}:{i + 1}: {path} does not exist");
                }
            }
        }

        Assert.True(missing.Count == 0, "Samples that do not exist:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Readme_names_every_sample()
    {
        string readme = File.ReadAllText(MarkdownPages.FullPath("README.md"));
        var samples = Directory.GetDirectories(Path.Combine(MarkdownPages.RepositoryRoot, "samples")).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(samples);
        var unnamed = samples.Where(s => !readme.Contains(s!, StringComparison.Ordinal)).ToList();
        Assert.True(unnamed.Count == 0, "README.md does not name the samples " + string.Join(", ", unnamed));
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"(?<![\w/.-])samples/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")]
    private static partial Regex SamplePath();
}
