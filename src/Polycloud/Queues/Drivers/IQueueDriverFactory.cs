namespace Polycloud.Queues.Drivers;

/// <summary>
/// Opens queue drivers for one or more URL schemes (for example <c>sqs</c>). Provider packages register theirs
/// explicitly (<c>builder.AddAws()</c>, <c>opener.AddAws()</c>); nothing is discovered by scanning assemblies.
/// </summary>
public interface IQueueDriverFactory
{
    /// <summary>The URL schemes this factory opens, lower case, for example <c>sqs</c>.</summary>
    IReadOnlyList<string> Schemes { get; }

    /// <summary>Creates a driver for the URL. Must not make network calls; read every setting and then call
    /// <see cref="CloudUrl.ThrowIfUnknownSettings"/>. The portable settings <c>deadLetterQueue</c> and
    /// <c>maxDeliveries</c> are read by the opener before the factory is called.</summary>
    /// <param name="url">The parsed URL with any settings from configuration.</param>
    /// <param name="services">The application's services when opened through dependency injection, else <see langword="null"/>.</param>
    /// <returns>The driver.</returns>
    IQueueDriver Create(CloudUrl url, IServiceProvider? services);
}
