namespace Polycloud.FaultProxy;

/// <summary>A fault the proxy can put on one request.</summary>
public enum FaultKind
{
    /// <summary>Forwarded and answered unchanged.</summary>
    None,

    /// <summary>503 in the provider's error format, not forwarded.</summary>
    ServiceUnavailable,

    /// <summary>503 with <c>Retry-After: 1</c>, not forwarded.</summary>
    ServiceUnavailableRetryAfter,

    /// <summary>500 in the provider's error format, not forwarded.</summary>
    InternalServerError,

    /// <summary>429 in the provider's error format, not forwarded.</summary>
    TooManyRequests,

    /// <summary>429 with <c>Retry-After: 1</c>, not forwarded.</summary>
    TooManyRequestsRetryAfter,

    /// <summary>The connection is reset before the request reaches the server.</summary>
    ResetBeforeForward,

    /// <summary>The request reaches the server; its answer is dropped and the connection reset.</summary>
    ResetAfterForward,

    /// <summary>
    /// The request reaches the server; its answer's headers promise the whole body, half of it is sent, then the
    /// connection closes. Only for answers with a body of two bytes or more (otherwise the answer passes unchanged).
    /// </summary>
    CutBody,

    /// <summary>Nothing is forwarded and nothing answered until the client gives up and closes the connection.</summary>
    Stall,
}

/// <summary>How a provider writes an error answer.</summary>
public enum ErrorDialect
{
    /// <summary>S3: <c>&lt;Error&gt;&lt;Code&gt;</c> XML.</summary>
    S3Xml,

    /// <summary>SQS JSON protocol: <c>{"__type": ..., "message": ...}</c> and <c>x-amzn-query-error</c>.</summary>
    SqsJson,

    /// <summary>Azure Storage: <c>x-ms-error-code</c> and <c>&lt;Error&gt;&lt;Code&gt;</c> XML.</summary>
    AzureXml,

    /// <summary>Google JSON APIs (Cloud Storage, Pub/Sub): <c>{"error": {"code", "message", "status", "errors"}}</c>.</summary>
    GoogleJson,
}

/// <summary>
/// A seeded, reproducible fault profile: the proxy draws one number per request from a <see cref="Random"/> made from
/// <see cref="Seed"/>, so the same requests in the same order get the same faults.
/// </summary>
public sealed class FaultProfile
{
    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>The share of requests that get a fault, 0 to 1.</summary>
    public double Rate { get; init; } = 0.2;

    /// <summary>The relative weight of each fault kind when a request gets a fault.</summary>
    public IReadOnlyDictionary<FaultKind, int> Weights { get; init; } = DefaultWeights;

    /// <summary>Every kind weighted alike, stalls less often (each costs a client timeout).</summary>
    public static IReadOnlyDictionary<FaultKind, int> DefaultWeights { get; } = new Dictionary<FaultKind, int>
    {
        [FaultKind.ServiceUnavailable] = 3,
        [FaultKind.ServiceUnavailableRetryAfter] = 2,
        [FaultKind.InternalServerError] = 3,
        [FaultKind.TooManyRequests] = 2,
        [FaultKind.TooManyRequestsRetryAfter] = 2,
        [FaultKind.ResetBeforeForward] = 3,
        [FaultKind.ResetAfterForward] = 3,
        [FaultKind.CutBody] = 4,
        [FaultKind.Stall] = 1,
    };

    /// <inheritdoc/>
    public override string ToString()
        => $"seed {Seed}, rate {Rate:0.##}, weights {string.Join(", ", Weights.Where(w => w.Value > 0).Select(w => $"{w.Key}={w.Value}"))}";
}
