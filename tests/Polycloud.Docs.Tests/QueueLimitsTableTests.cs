using System.Globalization;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Docs.Tests;

/// <summary>
/// docs/queues.md's provider matrix states each provider's batch limits; the queue enforces its driver's capabilities.
/// Both must say the same: every column is opened (no call is made) and its capabilities compared with the table.
/// </summary>
public sealed class QueueLimitsTableTests
{
    private const string Page = "docs/queues.md";

    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["Memory"] = "mem://docs-limits",
        ["SQLite"] = "sqlite://" + Path.Combine(Path.GetTempPath(), "polycloud-docs-tests", "limits.db") + "?queue=limits",
        ["Amazon SQS"] = "sqs://limits?region=us-east-1&endpoint=http://127.0.0.1:4566",
        ["Azure Storage queues"] = "azqueue://limits?connectionString=UseDevelopmentStorage%3Dtrue",
        ["Google Pub/Sub"] = "gcppubsub://projects/p/topics/limits?subscription=limits&anonymous=true",
    };

    [Fact]
    public void The_batch_limits_in_the_provider_matrix_are_the_ones_enforced()
    {
        var (columns, rows) = ReadMatrix();
        Assert.Equal(Examples.Keys.Order(StringComparer.Ordinal), columns.Order(StringComparer.Ordinal));
        var batches = rows["Receive batch / send batch"];
        var attributes = rows["Max attributes"];
        var opener = new PolycloudOpener().AddAws().AddAzure().AddGoogle();
        for (int i = 0; i < columns.Count; i++)
        {
            using var queue = opener.OpenQueue(Examples[columns[i]]);
            var parts = batches[i].Split('/', StringSplitOptions.TrimEntries);
            Assert.True(parts.Length == 2, $"{Page}: '{batches[i]}' in column {columns[i]} is not 'receive / send'.");
            Assert.Equal(queue.Capabilities.MaxReceiveBatch, int.Parse(parts[0], CultureInfo.InvariantCulture));
            Assert.Equal(queue.Capabilities.MaxSendBatch, int.Parse(parts[1], CultureInfo.InvariantCulture));
            Assert.Equal(queue.Capabilities.MaxAttributes, int.Parse(attributes[i].Split(' ')[0], CultureInfo.InvariantCulture));

            // The limit the table states is the one the queue enforces, before any call.
            var ex = Assert.Throws<AggregateException>(() => queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = queue.Capabilities.MaxReceiveBatch + 1 }, TestContext.Current.CancellationToken).Wait(TestContext.Current.CancellationToken));
            var cloud = Assert.IsType<CloudException>(ex.InnerException);
            Assert.Equal(CloudErrorCode.InvalidArgument, cloud.ErrorCode);
            Assert.Contains($"at most {queue.Capabilities.MaxReceiveBatch} messages", cloud.Message, StringComparison.Ordinal);
            Assert.Equal(queue.Provider, cloud.Provider);
        }
    }

    private static (List<string> Columns, Dictionary<string, string[]> Rows) ReadMatrix()
    {
        var lines = File.ReadAllLines(MarkdownPages.FullPath(Page));
        int start = Array.FindIndex(lines, l => l == "## Provider matrix");
        Assert.True(start >= 0, $"{Page} has no '## Provider matrix' section.");
        int header = Array.FindIndex(lines, start, l => l.StartsWith('|'));
        var columns = Cells(lines[header]).Skip(1).ToList();
        var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (int i = header + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            rows[cells[0]] = [.. cells.Skip(1)];
        }

        return (columns, rows);
    }

    private static List<string> Cells(string line) => [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];
}
