using System.Text.RegularExpressions;

namespace Polycloud.Docs.Tests;

/// <summary>A fenced code block of a Markdown page.</summary>
/// <param name="Page">The page, relative to the repository root with '/' separators (<c>docs/blobs.md</c>).</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Language">The first word of the info string, lower case (<c>csharp</c>); empty when there is none.</param>
/// <param name="Attributes">The other words of the info string (<c>ignore-compile</c>).</param>
/// <param name="Code">The lines between the fences, without the fence's indentation.</param>
public sealed record CodeBlock(string Page, int Line, string Language, IReadOnlyList<string> Attributes, string Code)
{
    /// <summary>The name of the block in test results: <c>docs/blobs.md:12</c>.</summary>
    public string Id => $"{Page}:{Line}";

    /// <summary>Whether the block is C# (<c>csharp</c>, <c>cs</c> or <c>c#</c>).</summary>
    public bool IsCSharp => Language is "csharp" or "cs" or "c#";
}

/// <summary>The documentation pages (README.md and docs/*.md, found when the tests run) and what they contain.</summary>
public static partial class MarkdownPages
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The repository root: the nearest folder above the test assembly that holds Sdk.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>README.md and every docs/*.md, relative to the root with '/' separators, in ordinal order.</summary>
    public static IReadOnlyList<string> All()
    {
        var pages = new List<string> { "README.md" };
        pages.AddRange(Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md")
            .Select(p => "docs/" + Path.GetFileName(p))
            .Order(StringComparer.Ordinal));
        return pages;
    }

    /// <summary>The full path of a page.</summary>
    public static string FullPath(string page) => Path.Combine(RepositoryRoot, page.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Every fenced code block (``` or ~~~, indented up to three spaces) of a page.</summary>
    public static IReadOnlyList<CodeBlock> CodeBlocks(string page)
    {
        var lines = File.ReadAllLines(FullPath(page));
        var blocks = new List<CodeBlock>();
        for (int i = 0; i < lines.Length; i++)
        {
            var open = FenceLine().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            string indent = open.Groups["indent"].Value;
            string fence = open.Groups["fence"].Value;
            string[] info = open.Groups["info"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var code = new List<string>();
            int j = i + 1;
            for (; j < lines.Length; j++)
            {
                var close = FenceLine().Match(lines[j]);
                if (close.Success && close.Groups["info"].Value.Length == 0 && close.Groups["fence"].Value[0] == fence[0]
                    && close.Groups["fence"].Value.Length >= fence.Length)
                {
                    break;
                }

                string line = lines[j];
                int strip = 0;
                while (strip < indent.Length && strip < line.Length && line[strip] == ' ')
                {
                    strip++;
                }

                code.Add(line[strip..]);
            }

            blocks.Add(new CodeBlock(page, i + 1, info.Length > 0 ? info[0].ToLowerInvariant() : "", info.Skip(1).ToArray(),
                string.Join('\n', code)));
            i = j;
        }

        return blocks;
    }

    /// <summary>The page's lines outside fenced code blocks (1-based line numbers).</summary>
    public static IEnumerable<(int Line, string Text)> LinesOutsideFences(string page)
    {
        var lines = File.ReadAllLines(FullPath(page));
        string? fence = null;
        for (int i = 0; i < lines.Length; i++)
        {
            var match = FenceLine().Match(lines[i]);
            if (fence is null && match.Success)
            {
                fence = match.Groups["fence"].Value;
                continue;
            }

            if (fence is not null)
            {
                if (match.Success && match.Groups["info"].Value.Length == 0 && match.Groups["fence"].Value[0] == fence[0]
                    && match.Groups["fence"].Value.Length >= fence.Length)
                {
                    fence = null;
                }

                continue;
            }

            yield return (i + 1, lines[i]);
        }
    }

    /// <summary>The page's text outside fenced code blocks and inline code spans, line by line.</summary>
    public static IEnumerable<(int Line, string Text)> ProseLines(string page) =>
        LinesOutsideFences(page).Select(l => (l.Line, InlineCode().Replace(l.Text, "")));

    /// <summary>
    /// The anchors of the page's headings as GitHub makes them: lower case, punctuation removed, spaces as hyphens,
    /// <c>-1</c>, <c>-2</c>, … after repeated headings.
    /// </summary>
    public static IReadOnlySet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, text) in LinesOutsideFences(page))
        {
            var heading = Heading().Match(text);
            if (!heading.Success)
            {
                continue;
            }

            string title = heading.Groups["title"].Value.Replace("`", "", StringComparison.Ordinal);
            string slug = new string(title.ToLowerInvariant()
                .Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')
                .Select(c => c == ' ' ? '-' : c)
                .ToArray());
            string anchor = slug;
            for (int n = 1; !anchors.Add(anchor); n++)
            {
                anchor = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    /// <summary>The targets of the Markdown links and images in the page's prose: <c>[text](target)</c>, <c>![alt](target)</c>.</summary>
    public static IEnumerable<(int Line, string Target)> Links(string page) =>
        ProseLines(page).SelectMany(l => InlineLink().Matches(l.Text).Select(m => (l.Line, m.Groups["target"].Value)));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Sdk.sln.");
    }

    [GeneratedRegex(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,})\s*(?<info>[^`]*?)\s*$")]
    private static partial Regex FenceLine();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"(`+)(?!`).*?(?<!`)\1(?!`)")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();
}
