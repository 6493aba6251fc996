using System.Collections.Concurrent;

namespace Polycloud.Functions.Local;

/// <summary>
/// A local function: a delegate run in process for <c>local://name</c>. Return the response payload; throw to report a
/// function error (the caller gets a <see cref="FunctionResult"/> with <see cref="FunctionResult.FunctionError"/> set).
/// </summary>
/// <param name="payload">The request payload.</param>
/// <param name="context">The function name, qualifier, content type, client context and cancellation token.</param>
/// <returns>The response payload.</returns>
public delegate ValueTask<BinaryData> LocalFunctionHandler(BinaryData payload, LocalFunctionContext context);

/// <summary>What a local function knows about its invocation.</summary>
public sealed class LocalFunctionContext
{
    internal LocalFunctionContext(string functionName, string? qualifier, string contentType, IReadOnlyDictionary<string, string>? clientContext, bool isEvent, CancellationToken cancellationToken)
    {
        FunctionName = functionName;
        Qualifier = qualifier;
        ContentType = contentType;
        ClientContext = clientContext;
        IsEvent = isEvent;
        CancellationToken = cancellationToken;
    }

    /// <summary>The function name.</summary>
    public string FunctionName { get; }

    /// <summary>The qualifier the caller asked for, or <see langword="null"/>.</summary>
    public string? Qualifier { get; }

    /// <summary>The payload's media type.</summary>
    public string ContentType { get; }

    /// <summary>The caller's context values, or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string>? ClientContext { get; }

    /// <summary><see langword="true"/> for an event (asynchronous) invocation, whose result nobody receives.</summary>
    public bool IsEvent { get; }

    /// <summary>
    /// Fires when the caller cancels or the call times out (request/response), or when the registry is disposed (event).
    /// </summary>
    public CancellationToken CancellationToken { get; }
}

/// <summary>Describes an event invocation of a local function that failed; nobody waits for its result.</summary>
public sealed class LocalFunctionEventFailedEventArgs : EventArgs
{
    internal LocalFunctionEventFailedEventArgs(string functionName, Exception exception)
    {
        FunctionName = functionName;
        Exception = exception;
    }

    /// <summary>The function name.</summary>
    public string FunctionName { get; }

    /// <summary>What the function threw.</summary>
    public Exception Exception { get; }
}

/// <summary>
/// The in-process functions behind <c>local://name</c>: the embedded default, so the same calling code runs on a laptop
/// and in a test with no cloud account. Register with <c>builder.AddLocalFunction("resize", handler)</c> (dependency
/// injection) or <c>opener.AddLocalFunction("resize", handler)</c>. Functions may be added or replaced at any time; a
/// name with no function answers NotFound. Thread-safe.
/// </summary>
public sealed class LocalFunctionRegistry : IAsyncDisposable, IDisposable
{
    private int _disposed;

    private readonly ConcurrentDictionary<string, LocalFunctionHandler> _handlers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<Task, byte> _pendingEvents = new();

    /// <summary>Raised when an event invocation's function throws (its caller has already moved on).</summary>
    public event EventHandler<LocalFunctionEventFailedEventArgs>? EventInvocationFailed;

    /// <summary>The registered function names.</summary>
    public IReadOnlyCollection<string> Names => _handlers.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Registers (or replaces) a function.</summary>
    /// <param name="name">The function name: 1 to 128 characters, letters, digits, '-', '_' or '.'.</param>
    /// <param name="handler">The function.</param>
    /// <returns>This registry.</returns>
    public LocalFunctionRegistry Add(string name, LocalFunctionHandler handler)
    {
        ValidateName(name, nameof(name));
        _handlers[name] = handler ?? throw CloudException.InvalidArgument(nameof(handler), "a function delegate is required.");
        return this;
    }

    /// <summary>Registers (or replaces) a synchronous function.</summary>
    /// <param name="name">The function name.</param>
    /// <param name="handler">The function: payload in, payload out.</param>
    /// <returns>This registry.</returns>
    public LocalFunctionRegistry Add(string name, Func<BinaryData, BinaryData> handler)
    {
        if (handler is null)
        {
            throw CloudException.InvalidArgument(nameof(handler), "a function delegate is required.");
        }

        return Add(name, (payload, _) => ValueTask.FromResult(handler(payload)));
    }

    /// <summary>Removes a function.</summary>
    /// <param name="name">The function name.</param>
    /// <returns><see langword="true"/> when a function was removed.</returns>
    public bool Remove(string name) => name is not null && _handlers.TryRemove(name, out _);

    /// <summary>Tells whether a function is registered.</summary>
    /// <param name="name">The function name.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool Contains(string name) => name is not null && _handlers.ContainsKey(name);

    /// <summary>Waits until every event invocation started so far has finished (for tests and orderly shutdown).</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when they have.</returns>
    public Task WhenEventsIdleAsync(CancellationToken cancellationToken = default)
        => Task.WhenAll(_pendingEvents.Keys).WaitAsync(cancellationToken);

    /// <summary>Cancels running event invocations and waits for them. Disposing again does nothing.</summary>
    /// <returns>A task that completes when they have stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_pendingEvents.Keys).ConfigureAwait(false);
        _shutdown.Dispose();
    }

    /// <summary>Cancels running event invocations and blocks until they have stopped (for a container disposed
    /// synchronously). Disposing again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _shutdown.Cancel();
        Task.WhenAll(_pendingEvents.Keys).GetAwaiter().GetResult();
        _shutdown.Dispose();
    }

    internal static void ValidateName(string name, string argumentName)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128)
        {
            throw CloudException.InvalidArgument(argumentName, "a function name of 1 to 128 characters is required.");
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw CloudException.InvalidArgument(argumentName, $"the function name '{name}' may contain only ASCII letters, digits, '-', '_' and '.'.");
            }
        }
    }

    internal bool TryGet(string name, out LocalFunctionHandler handler) => _handlers.TryGetValue(name, out handler!);

    internal CancellationToken ShutdownToken => _shutdown.Token;

    internal void StartEvent(string name, LocalFunctionHandler handler, BinaryData payload, LocalFunctionContext context)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await handler(payload, context).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                EventInvocationFailed?.Invoke(this, new LocalFunctionEventFailedEventArgs(name, ex));
            }
        });
        _pendingEvents.TryAdd(task, 0);
        task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _pendingEvents, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
