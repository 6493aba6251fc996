using Microsoft.Data.Sqlite;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;
using Polycloud.Testing.Conformance.Errors;
using Polycloud.Functions.Local;
using Polycloud.Queues.Memory;
using Polycloud.Queues.Sqlite;

namespace Polycloud.Tests;

/// <summary>The error classification conformance suite on the memory blob driver, which raises only portable errors.</summary>
public sealed class MemoryBlobErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly MemoryBlobDriver _driver = new("errors");

    protected override string? NoHttpStatusReason => "the memory blob driver keeps blobs in the process: there is no HTTP status, and it raises only CloudException";

    protected override string? NoTransportReason => "the memory blob driver makes no network calls";

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);
}

/// <summary>The error classification conformance suite on the file system blob driver: file system exceptions.</summary>
public sealed class FileBlobErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly FileBlobDriver _driver = new(Path.GetTempPath());

    protected override string? NoHttpStatusReason => "the file system blob driver reads and writes files: there is no HTTP status";

    protected override string? NoTransportReason => "the file system blob driver makes no network calls (an IOException is a file system failure, listed below)";

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("FileNotFoundException", new FileNotFoundException("missing"), CloudErrorCode.NotFound),
        ("DirectoryNotFoundException", new DirectoryNotFoundException("missing"), CloudErrorCode.NotFound),
        ("UnauthorizedAccessException", new UnauthorizedAccessException("denied"), CloudErrorCode.PermissionDenied),
        ("PathTooLongException", new PathTooLongException("long"), CloudErrorCode.InvalidArgument),
        ("IOException (sharing violation, disk full)", new IOException("busy"), CloudErrorCode.Unavailable),
    ];

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);
}

/// <summary>The error classification conformance suite on the memory queue driver, which raises only portable errors.</summary>
public sealed class MemoryQueueErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly MemoryQueueDriver _driver = new("errors");

    protected override string? NoHttpStatusReason => "the memory queue driver keeps messages in the process: there is no HTTP status, and it raises only CloudException";

    protected override string? NoTransportReason => "the memory queue driver makes no network calls";

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);
}

/// <summary>The error classification conformance suite on the SQLite queue driver: SQLite result codes.</summary>
public sealed class SqliteQueueErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly SqliteQueueDriver _driver = new(Path.Combine(Path.GetTempPath(), "polycloud-errors-" + Guid.NewGuid().ToString("N") + ".db"), "errors", create: false);

    protected override string? NoHttpStatusReason => "the SQLite queue driver works on a local database file: there is no HTTP status";

    protected override string? NoTransportReason => "the SQLite queue driver makes no network calls (an IOException is a file system failure, listed below)";

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("SQLITE_BUSY", new SqliteException("database is locked", 5), CloudErrorCode.Unavailable),
        ("SQLITE_LOCKED", new SqliteException("table is locked", 6), CloudErrorCode.Unavailable),
        ("SQLITE_READONLY", new SqliteException("read-only", 8), CloudErrorCode.PermissionDenied),
        ("SQLITE_AUTH", new SqliteException("not authorized", 23), CloudErrorCode.PermissionDenied),
        ("SQLITE_CANTOPEN", new SqliteException("cannot open", 14), CloudErrorCode.NotFound),
        ("SQLITE_FULL", new SqliteException("disk full", 13), CloudErrorCode.Unavailable),
        ("SQLITE_IOERR", new SqliteException("disk I/O error", 10), CloudErrorCode.Unavailable),
        ("SQLITE_CORRUPT", new SqliteException("malformed", 11), CloudErrorCode.Internal),
        ("UnauthorizedAccessException", new UnauthorizedAccessException("denied"), CloudErrorCode.PermissionDenied),
        ("IOException", new IOException("busy"), CloudErrorCode.Unavailable),
    ];

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);
}

/// <summary>The error classification conformance suite on the in-process function driver, which raises only portable
/// errors (a handler's own exception is a function error in the result, not a failure of the call).</summary>
public sealed class LocalFunctionErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly LocalFunctionDriver _driver = new(new LocalFunctionRegistry(), "errors");

    protected override string? NoHttpStatusReason => "the local function driver calls a handler in the process: there is no HTTP status";

    protected override string? NoTransportReason => "the local function driver makes no network calls";

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);
}
