using Polycloud.Functions.Local;

namespace Polycloud.Tests.Functions;

/// <summary>A local function that runs until its invocation is cancelled, and tells when it started and when it was cancelled.</summary>
internal sealed class BlockingFunction
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask<BinaryData> RunAsync(BinaryData payload, LocalFunctionContext context)
    {
        Started.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult();
            throw;
        }

        return payload;
    }
}
