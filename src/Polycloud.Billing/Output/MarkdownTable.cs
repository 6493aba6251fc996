namespace Polycloud.Billing.Output;

internal static class MarkdownTable
{
    public static string Escape(string? text) =>
        (text ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal);
}
