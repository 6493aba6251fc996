namespace Polycloud.Functions;

/// <summary>
/// Gives the functions named in configuration (<c>Polycloud:Functions:{name}</c>). Registered by
/// <c>services.AddPolycloud(configuration)</c>; each named function is also a keyed service
/// (<c>[FromKeyedServices("resize")] CloudFunction resize</c>).
/// </summary>
public interface ICloudFunctionFactory
{
    /// <summary>The configured function names.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Gets the function configured under <paramref name="name"/>. The same instance is returned every time.</summary>
    /// <param name="name">The name, as in <c>Polycloud:Functions:{name}</c>.</param>
    /// <returns>The function; the container owns it.</returns>
    /// <exception cref="CloudException">InvalidArgument when no function has that name or its URL is invalid.</exception>
    CloudFunction GetFunction(string name);
}
