using System.Text.Json.Serialization;

namespace Polycloud.Google.Queues;

#pragma warning disable CA1812 // Instantiated by System.Text.Json.
#pragma warning disable CA2227 // Collection properties are set by the serializer.

internal sealed class PublishRequest
{
    public List<PubsubMessage> Messages { get; set; } = [];
}

internal sealed class PublishResponse
{
    public List<string>? MessageIds { get; set; }
}

internal sealed class PubsubMessage
{
    public string? Data { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }

    public string? MessageId { get; set; }

    public DateTimeOffset? PublishTime { get; set; }

    public string? OrderingKey { get; set; }
}

internal sealed class PullRequest
{
    public int MaxMessages { get; set; }

    public bool? ReturnImmediately { get; set; }
}

internal sealed class PullResponse
{
    public List<ReceivedPubsubMessage>? ReceivedMessages { get; set; }
}

internal sealed class ReceivedPubsubMessage
{
    public string? AckId { get; set; }

    public PubsubMessage? Message { get; set; }

    public int? DeliveryAttempt { get; set; }
}

internal sealed class AcknowledgeRequest
{
    public List<string> AckIds { get; set; } = [];
}

internal sealed class ModifyAckDeadlineRequest
{
    public List<string> AckIds { get; set; } = [];

    public int AckDeadlineSeconds { get; set; }
}

internal sealed class ErrorResponse
{
    public ErrorBody? Error { get; set; }
}

internal sealed class ErrorBody
{
    public int Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }
}

/// <summary>Source-generated JSON for the Pub/Sub REST API (camelCase, nulls omitted).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PublishRequest))]
[JsonSerializable(typeof(PublishResponse))]
[JsonSerializable(typeof(PullRequest))]
[JsonSerializable(typeof(PullResponse))]
[JsonSerializable(typeof(AcknowledgeRequest))]
[JsonSerializable(typeof(ModifyAckDeadlineRequest))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class PubSubJsonContext : JsonSerializerContext;
