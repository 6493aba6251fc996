namespace Polycloud.Queues.Drivers;

/// <summary>Helpers for queue drivers.</summary>
public static class QueueDriverHelpers
{
    /// <summary>Gives the text a message was created from (<c>new QueueMessage(string)</c>), so that a driver for a
    /// service whose message bodies are strings can send it without decoding the UTF-8 body again.</summary>
    /// <param name="message">The message.</param>
    /// <param name="text">The original text.</param>
    /// <returns><see langword="true"/> when the message was created from text.</returns>
    public static bool TryGetOriginalText(QueueMessage message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        ArgumentNullException.ThrowIfNull(message);
        text = message.OriginalText;
        return text is not null;
    }
}
