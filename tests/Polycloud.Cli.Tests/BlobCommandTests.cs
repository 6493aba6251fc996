using System.Text;
using System.Text.Json;
using Polycloud.Blobs;

namespace Polycloud.Cli.Tests;

/// <summary><c>polycloud blob ls|cp|sync|migrate</c> end to end on file buckets: listings, plans, runs, output modes, usage errors, exit codes.</summary>
public sealed class BlobCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pc-blob-cli-" + Guid.NewGuid().ToString("N"));

    public BlobCommandTests() => Directory.CreateDirectory(_dir);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Src => $"file://{_dir}/src?create=true";

    private string Dst => $"file://{_dir}/dst?create=true";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Ls_shows_objects_with_size_and_hash_and_sub_prefixes_as_folders()
    {
        await SeedAsync("src", ("a.txt", "hello"), ("photos/2024/x.jpg", "xx"), ("photos/y.jpg", "yyy"));

        var (exit, output, error) = await RunAsync("blob", "ls", Src);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        string[] lines = Lines(output);
        Assert.Equal(["KEY", "SIZE", "MODIFIED", "HASH"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        string[] a = lines.Single(l => l.StartsWith("a.txt", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("5", a[1]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", a[2]);
        Assert.True(a[3] == "md5:5d41402abc4b2a76b9719d911017c592" || a[3].StartsWith("unknown [", StringComparison.Ordinal), a[3]);
        Assert.Contains(lines, l => l.StartsWith("photos/", StringComparison.Ordinal) && l.EndsWith('-'));
        Assert.DoesNotContain(lines, l => l.Contains("x.jpg", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ls_recursive_json_with_a_prefix_and_a_configured_name()
    {
        await SeedAsync("src", ("a.txt", "hello"), ("photos/2024/x.jpg", "xx"), ("photos/y.jpg", "yyy"));
        WriteSettings($$"""{ "Polycloud": { "Blobs": { "docs": "file://{{_dir}}/src" } } }""");

        foreach (string location in new[] { $"file://{_dir}/src?prefix=photos/", "docs:photos/" })
        {
            var (exit, output, _) = await RunAsync("blob", "ls", location, "--recursive", "--json");

            Assert.Equal(0, exit);
            using var doc = JsonDocument.Parse(output);
            Assert.Equal("photos/", doc.RootElement.GetProperty("prefix").GetString());
            Assert.True(doc.RootElement.GetProperty("recursive").GetBoolean());
            Assert.Equal(["photos/2024/x.jpg", "photos/y.jpg"], doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(2, doc.RootElement.GetProperty("objects").GetInt32());
            Assert.Equal(5, doc.RootElement.GetProperty("bytes").GetInt64());
            Assert.All(doc.RootElement.GetProperty("items").EnumerateArray(), i => Assert.Equal("object", i.GetProperty("type").GetString()));
        }
    }

    [Fact]
    public async Task Sync_dry_run_json_is_the_plan_and_writes_nothing()
    {
        await SeedAsync("src", ("same.txt", "same"), ("new1.txt", "one"), ("sub/new2.txt", "two!"));
        await SeedAsync("dst", ("same.txt", "same"), ("extra.txt", "gone"));

        var (exit, output, error) = await RunAsync("blob", "sync", Src, Dst, "--delete", "--dry-run", "--json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("dryRun").GetBoolean());
        Assert.Equal("sync", root.GetProperty("mode").GetString());
        Assert.Equal(2, root.GetProperty("totals").GetProperty("create").GetProperty("objects").GetInt32());
        Assert.Equal(7, root.GetProperty("totals").GetProperty("create").GetProperty("bytes").GetInt64());
        Assert.Equal(1, root.GetProperty("totals").GetProperty("skipEqual").GetProperty("objects").GetInt32());
        Assert.Equal(1, root.GetProperty("totals").GetProperty("delete").GetProperty("objects").GetInt32());
        var delete = root.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("action").GetString() == "delete");
        Assert.Equal("extra.txt", delete.GetProperty("destinationKey").GetString());
        Assert.Equal(["extra.txt", "same.txt"], await KeysAsync("dst"));
    }

    [Fact]
    public async Task Cp_copies_with_a_plain_summary_and_a_second_run_skips_everything()
    {
        await SeedAsync("src", ("a.txt", "alpha"), ("b/c.txt", "charlie"), ("empty", string.Empty));

        var (exit, output, error) = await RunAsync("blob", "cp", Src, Dst + "&prefix=backup/");

        Assert.Equal(0, exit);
        Assert.Contains("progress: 3/3 objects", error, StringComparison.Ordinal); // redirected: plain progress lines on standard error
        Assert.EndsWith("(done)", error.TrimEnd(), StringComparison.Ordinal);
        var summary = Summary(output);
        Assert.Equal("ok", summary["RESULT"]);
        Assert.Equal("3", summary["COPIED"]);
        Assert.Equal("0", summary["FAILED"]);
        Assert.Equal("12 B", summary["BYTES"]);
        Assert.Equal(["backup/a.txt", "backup/b/c.txt", "backup/empty"], await KeysAsync("dst"));
        Assert.Equal("charlie", await ReadAsync("dst", "backup/b/c.txt"));

        (exit, output, error) = await RunAsync("blob", "cp", Src, Dst + "&prefix=backup/", "--json");
        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error); // no progress output with --json
        using var doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, doc.RootElement.GetProperty("copied").GetInt32());
        Assert.Equal(3, doc.RootElement.GetProperty("skipped").GetInt32());
        Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Sync_deletes_extras_only_with_delete_and_max_deletes_refuses_before_deleting()
    {
        await SeedAsync("src", ("keep.txt", "keep"));
        await SeedAsync("dst", ("extra1.txt", "x"), ("extra2.txt", "y"));

        var (exit, _, error) = await RunAsync("blob", "sync", Src, Dst, "--delete", "--max-deletes", "1");
        Assert.Equal(1, exit);
        Assert.Contains("polycloud blob sync", error, StringComparison.Ordinal);
        Assert.Contains("extra1.txt", await KeysAsync("dst"));

        (exit, _, _) = await RunAsync("blob", "sync", Src, Dst);
        Assert.Equal(0, exit);
        Assert.Equal(["extra1.txt", "extra2.txt", "keep.txt"], await KeysAsync("dst"));

        (exit, var output, _) = await RunAsync("blob", "sync", Src, Dst, "--delete", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(2, doc.RootElement.GetProperty("deleted").GetInt32());
        Assert.Equal(["keep.txt"], await KeysAsync("dst"));
    }

    [Fact]
    public async Task Migrate_with_delete_source_moves_the_objects()
    {
        await SeedAsync("src", ("m1.txt", "move me"), ("m2/x.bin", "me too"));

        var (exit, output, _) = await RunAsync("blob", "migrate", Src, Dst, "--delete-source", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(2, doc.RootElement.GetProperty("copied").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("sourcesDeleted").GetInt32());
        Assert.Empty(await KeysAsync("src"));
        Assert.Equal("move me", await ReadAsync("dst", "m1.txt"));
    }

    [Fact]
    public async Task A_run_with_failed_items_exits_1_and_the_notes_say_which_and_why()
    {
        // A key of 963 characters is valid at the source; under a 100-character destination prefix it is longer than
        // the 1024 bytes every provider accepts, so its copy fails while the other object is copied.
        string longKey = string.Join('/', Enumerable.Range(0, 4).Select(i => new string((char)('a' + i), 240)));
        await SeedAsync("src", ("short.txt", "fine"), (longKey, "too long at the destination"));
        string prefix = new string('p', 99) + "/";

        var (exit, output, _) = await RunAsync("blob", "cp", Src, Dst + "&prefix=" + prefix);

        Assert.Equal(1, exit);
        var summary = Summary(output);
        Assert.Equal("FAILED", summary["RESULT"]);
        Assert.StartsWith("1", summary["FAILED"], StringComparison.Ordinal);
        Assert.Equal("1", summary["COPIED"]);
        Assert.Contains("[1] failed: " + longKey[..20], output, StringComparison.Ordinal);
        Assert.Equal([prefix + "short.txt"], await KeysAsync("dst"));
    }

    [Theory]
    [InlineData("--bwlimit", "blob", "sync", "SRC", "DST", "--bwlimit", "5X")]
    [InlineData("--transfers", "blob", "sync", "SRC", "DST", "--transfers", "0")]
    [InlineData("--max-deletes", "blob", "sync", "SRC", "DST", "--max-deletes", "-1")]
    [InlineData("no bucket named 'nosuchname'", "blob", "cp", "nosuchname", "DST")]
    [InlineData("--delete-source", "blob", "migrate", "SRC", "DST")]
    [InlineData("--checksum", "blob", "cp", "SRC", "DST", "--checksum", "--size-only")]
    [InlineData("nosuchscheme", "blob", "ls", "nosuchscheme://x")]
    [InlineData("twice", "blob", "ls", "s3://bucket/a/?region=us-east-1&prefix=b/")]
    [InlineData("--delete", "blob", "cp", "SRC", "DST", "--delete")]
    [InlineData("--shards", "blob", "cp", "SRC", "DST", "--queue", "queue:mem://q", "--shards", "0")]
    [InlineData("DST has the secret setting", "blob", "cp", "SRC", "DST", "--queue", "queue:mem://q")]
    public async Task Bad_arguments_exit_2_naming_the_argument_before_any_network_call(string named, params string[] args)
    {
        // The destination is an S3 endpoint nothing listens on: any network call would fail differently (exit 1).
        string[] resolved = args.Select(a => a switch { "SRC" => Src, "DST" => "s3://pc-never?endpoint=http%3A%2F%2F127.0.0.1%3A9&region=us-east-1&accessKeyId=a&secretAccessKey=b", _ => a }).ToArray();

        var (exit, output, error) = await RunAsync(resolved);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_destination_that_cannot_be_listed_exits_1()
    {
        await SeedAsync("src", ("a.txt", "a"));

        var (exit, output, error) = await RunAsync("blob", "cp", Src, "s3://pc-never?endpoint=http%3A%2F%2F127.0.0.1%3A9&region=us-east-1&accessKeyId=a&secretAccessKey=b");

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("cannot plan", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secretAccessKey=b", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_the_result_is_a_table_and_the_live_progress_runs()
    {
        await SeedAsync("src", ("a.txt", "alpha"), ("b.txt", "bravo"));
        var output = new StringWriter();
        var error = new StringWriter();
        var root = CliApplication.CreateRootCommand(output, interactive: true, currentDirectory: _dir);

        int exit = await root.Parse(["blob", "cp", Src, Dst]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error }, Ct);

        Assert.Equal(0, exit);
        Assert.Contains("│", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Copied", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(["a.txt", "b.txt"], await KeysAsync("dst"));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>The summary table (plain): header and one row, split at the header's column starts.</summary>
    private static Dictionary<string, string> Summary(string output)
    {
        string[] lines = Lines(output);
        int h = Array.FindIndex(lines, l => l.StartsWith("RESULT", StringComparison.Ordinal));
        string header = lines[h], row = lines[h + 1];
        var starts = new List<int>();
        for (int i = 0; i < header.Length; i++)
        {
            if (header[i] != ' ' && (i == 0 || (header[i - 1] == ' ' && i >= 2 && header[i - 2] == ' ')))
            {
                starts.Add(i);
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int c = 0; c < starts.Count; c++)
        {
            int end = c + 1 < starts.Count ? starts[c + 1] : header.Length;
            string name = header[starts[c]..end].Trim();
            string value = c + 1 < starts.Count ? row[starts[c]..Math.Min(end, row.Length)] : row[Math.Min(starts[c], row.Length)..];
            result[name] = value.Trim();
        }

        return result;
    }

    private async Task SeedAsync(string bucket, params (string Key, string Content)[] objects)
    {
        await using var b = new PolycloudOpener().OpenBucket($"file://{_dir}/{bucket}?create=true");
        foreach (var (key, content) in objects)
        {
            await b.UploadAsync(key, Encoding.UTF8.GetBytes(content), null, Ct);
        }
    }

    private async Task<string[]> KeysAsync(string bucket)
    {
        await using var b = new PolycloudOpener().OpenBucket($"file://{_dir}/{bucket}?create=true");
        var keys = new List<string>();
        await foreach (var item in b.ListAsync(null, Ct))
        {
            keys.Add(item.Key);
        }

        return keys.Order(StringComparer.Ordinal).ToArray();
    }

    private async Task<string> ReadAsync(string bucket, string key)
    {
        await using var b = new PolycloudOpener().OpenBucket($"file://{_dir}/{bucket}");
        return (await b.ReadAllAsync(key, default, Ct)).ToString();
    }

    private void WriteSettings(string json) => File.WriteAllText(Path.Combine(_dir, "appsettings.json"), json);

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApplication.RunAsync(args, output, error, _dir, Ct);
        return (exit, output.ToString(), error.ToString());
    }
}
