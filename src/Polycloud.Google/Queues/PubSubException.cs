using System.Net;

namespace Polycloud.Google.Queues;

/// <summary>An error response from the Pub/Sub REST API (the native error of the Pub/Sub queue driver).</summary>
public sealed class PubSubException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="status">The Google RPC status name, for example <c>NOT_FOUND</c>.</param>
    /// <param name="message">The service's message.</param>
    public PubSubException(HttpStatusCode statusCode, string? status, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
    }

    /// <summary>Creates the exception.</summary>
    public PubSubException()
        : this(0, null, "The Pub/Sub request failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public PubSubException(string message)
        : this(0, null, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public PubSubException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The Google RPC status name (<c>NOT_FOUND</c>, <c>PERMISSION_DENIED</c>, …), when the body had one.</summary>
    public string? Status { get; }
}
