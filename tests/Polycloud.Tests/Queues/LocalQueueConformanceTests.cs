using Polycloud.Testing.Conformance.Queues;
using Polycloud.Queues.Drivers;
using Polycloud.Queues.Memory;
using Polycloud.Queues.Sqlite;

namespace Polycloud.Tests.Queues;

public sealed class MemoryQueueConformanceTests : QueueConformanceTests
{
    protected override Task<IQueueDriver> CreateDriverAsync(string name)
        => Task.FromResult<IQueueDriver>(MemoryQueueDriver.OpenShared(name));

    protected override IQueueDriver CreateMissingQueueDriver(string name) => MemoryQueueDriver.OpenShared(name, create: false);
}

public sealed class SqliteQueueConformanceTests : QueueConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "polycloud-queue-tests", Guid.NewGuid().ToString("N"));

    protected override Task<IQueueDriver> CreateDriverAsync(string name)
        => Task.FromResult<IQueueDriver>(new SqliteQueueDriver(Path.Combine(_directory, "queues.db"), name));

    protected override IQueueDriver CreateMissingQueueDriver(string name) => new SqliteQueueDriver(Path.Combine(_directory, "missing.db"), name, create: false);

    protected override ValueTask CleanupAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
