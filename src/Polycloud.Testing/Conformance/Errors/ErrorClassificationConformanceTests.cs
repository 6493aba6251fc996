using System.Net.Sockets;
using Polycloud.Drivers;
using Xunit;

namespace Polycloud.Testing.Conformance.Errors;

/// <summary>
/// The error classification conformance suite: every driver must map an HTTP status to the code of the core table
/// (docs/errors.md, <see cref="CloudErrors"/>) with the same <see cref="CloudException.IsTransient"/>, map its own native
/// error codes as the documentation lists them, and report transport failures as transient
/// <see cref="CloudErrorCode.Unavailable"/>. Derive a class per driver: implement <see cref="Classify"/> (the driver's
/// classification) and <see cref="CreateNativeException"/> (the exception the driver's
/// SDK raises for an answer with a status and a native code), and list the driver's overrides in
/// <see cref="NativeCodeOverrides"/>. A driver that never sees one of these kinds of failure names the reason instead.
/// </summary>
public abstract class ErrorClassificationConformanceTests
{
    /// <summary>A native code that no provider uses, so that the status decides.</summary>
    protected const string UnlistedNativeCode = "PolycloudConformanceUnlistedCode";

    /// <summary>The core table, as docs/errors.md states it: status, code, transient.</summary>
    public static IReadOnlyList<(int Status, CloudErrorCode Code, bool Transient)> CoreTable { get; } =
    [
        (304, CloudErrorCode.PreconditionFailed, false),
        (400, CloudErrorCode.InvalidArgument, false),
        (401, CloudErrorCode.Unauthenticated, false),
        (403, CloudErrorCode.PermissionDenied, false),
        (404, CloudErrorCode.NotFound, false),
        (405, CloudErrorCode.NotSupported, false),
        (408, CloudErrorCode.Timeout, true),
        (409, CloudErrorCode.PreconditionFailed, false),
        (410, CloudErrorCode.NotFound, false),
        (411, CloudErrorCode.InvalidArgument, false),
        (412, CloudErrorCode.PreconditionFailed, false),
        (413, CloudErrorCode.InvalidArgument, false),
        (415, CloudErrorCode.InvalidArgument, false),
        (416, CloudErrorCode.InvalidArgument, false),
        (418, CloudErrorCode.InvalidArgument, false),
        (422, CloudErrorCode.InvalidArgument, false),
        (429, CloudErrorCode.Throttled, true),
        (499, CloudErrorCode.InvalidArgument, false),
        (500, CloudErrorCode.Unavailable, true),
        (501, CloudErrorCode.NotSupported, false),
        (502, CloudErrorCode.Unavailable, true),
        (503, CloudErrorCode.Unavailable, true),
        (504, CloudErrorCode.Timeout, true),
        (507, CloudErrorCode.Unavailable, true),
        (599, CloudErrorCode.Unavailable, true),
    ];

    /// <summary>The driver's classification of a native exception (its <c>ClassifyError</c>).</summary>
    /// <param name="exception">The native exception.</param>
    /// <returns>The portable code.</returns>
    protected abstract CloudErrorCode Classify(Exception exception);

    /// <summary>
    /// Creates the exception the driver's SDK raises when the service answers <paramref name="status"/> with
    /// <paramref name="nativeCode"/> (for example an <c>AmazonS3Exception</c> with <c>StatusCode</c> and <c>ErrorCode</c>).
    /// Not called when <see cref="NoHttpStatusReason"/> is set.
    /// </summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="nativeCode">The native error code, or <see langword="null"/> for an answer without one.</param>
    /// <returns>The exception.</returns>
    protected virtual Exception CreateNativeException(int status, string? nativeCode)
        => throw new InvalidOperationException($"{GetType().Name} sees HTTP statuses: override CreateNativeException, or set NoHttpStatusReason.");

    /// <summary>Why the driver never sees an HTTP status (a local driver), or <see langword="null"/> when it does.</summary>
    protected virtual string? NoHttpStatusReason => null;

    /// <summary>Why the driver's answers carry no native code beside the status, or <see langword="null"/> when they do.</summary>
    protected virtual string? NoNativeCodeReason => null;

    /// <summary>Why the driver makes no network calls, or <see langword="null"/> when it does.</summary>
    protected virtual string? NoTransportReason => null;

    /// <summary>The driver's native codes that override the status, as docs/errors.md lists them: the status the service
    /// sends the code with, the code, and the portable code it means.</summary>
    protected virtual IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides => [];

    /// <summary>Other native exceptions the driver classifies (typed SDK exceptions, local errors), with the code each
    /// means.</summary>
    protected virtual IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions => [];

    /// <summary>Transport failures as the driver sees them: by default the raw ones; a driver whose SDK wraps them adds
    /// the wrapped forms.</summary>
    protected virtual IEnumerable<(string Name, Exception Exception)> TransportFailures =>
    [
        ("HttpRequestException without a status", new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused))),
        ("SocketException", new SocketException((int)SocketError.HostUnreachable)),
        ("IOException", new IOException("The response ended prematurely.")),
    ];

    [Fact]
    public void CoreTable_IsTheLibrarysTable()
    {
        var wrong = new List<string>();
        foreach (var (status, expected, transient) in CoreTable)
        {
            var actual = CloudErrors.FromHttpStatus(status);
            if (actual != expected || CloudErrors.IsTransient(actual) != transient || new CloudException(actual, "x").IsTransient != transient)
            {
                wrong.Add($"{status}: expected {expected} (transient: {transient}), got {actual} (transient: {CloudErrors.IsTransient(actual)})");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void Status_WithoutNativeCode_MapsByTheCoreTable()
    {
        SkipIf(NoHttpStatusReason);
        AssertCoreTable(null);
    }

    [Fact]
    public void Status_WithAnUnlistedNativeCode_MapsByTheCoreTable()
    {
        SkipIf(NoHttpStatusReason);
        SkipIf(NoNativeCodeReason);
        AssertCoreTable(UnlistedNativeCode);
    }

    [Fact]
    public void NativeCodes_OverrideTheStatus_AsDocumented()
    {
        SkipIf(NoHttpStatusReason);
        SkipIf(NoNativeCodeReason);
        var overrides = NativeCodeOverrides.ToList();
        Assert.NotEmpty(overrides);
        var wrong = new List<string>();
        foreach (var (status, nativeCode, expected) in overrides)
        {
            var actual = Classify(CreateNativeException(status, nativeCode));
            if (actual != expected)
            {
                wrong.Add($"{status} {nativeCode}: expected {expected}, got {actual}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void NativeExceptions_MapAsDocumented()
    {
        var cases = NativeExceptions.ToList();
        if (cases.Count == 0)
        {
            Assert.Skip("The driver classifies no native exception types beside its SDK's status and code exceptions.");
        }

        var wrong = new List<string>();
        foreach (var (name, exception, expected) in cases)
        {
            var actual = Classify(exception);
            if (actual != expected)
            {
                wrong.Add($"{name}: expected {expected}, got {actual}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Fact]
    public void TransportFailures_AreUnavailable_AndTransient()
    {
        SkipIf(NoTransportReason);
        var wrong = new List<string>();
        foreach (var (name, exception) in TransportFailures)
        {
            var actual = Classify(exception);
            if (actual != CloudErrorCode.Unavailable)
            {
                wrong.Add($"{name}: expected Unavailable, got {actual}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.True(new CloudException(CloudErrorCode.Unavailable, "x").IsTransient);
    }

    [Fact]
    public void UnrelatedException_IsUnknown()
        => Assert.Equal(CloudErrorCode.Unknown, Classify(new UnrelatedException()));

    /// <summary>Skips the current test with <paramref name="reason"/> when it is set.</summary>
    /// <param name="reason">The reason, or <see langword="null"/>.</param>
    protected static void SkipIf(string? reason)
    {
        if (reason is not null)
        {
            Assert.Skip(reason);
        }
    }

    private void AssertCoreTable(string? nativeCode)
    {
        var wrong = new List<string>();
        foreach (var (status, expected, transient) in CoreTable)
        {
            var actual = Classify(CreateNativeException(status, nativeCode));
            if (actual != expected || new CloudException(actual, "x").IsTransient != transient)
            {
                wrong.Add($"HTTP {status} {nativeCode ?? "(no native code)"}: expected {expected} (transient: {transient}), got {actual}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    /// <summary>An exception no driver knows.</summary>
    private sealed class UnrelatedException() : Exception("unrelated");
}
