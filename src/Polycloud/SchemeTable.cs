namespace Polycloud;

/// <summary>A case-insensitive map from URL scheme to the factory that opens it, for one capability.</summary>
internal sealed class SchemeTable<TFactory>
    where TFactory : class
{
    private readonly string _capability;
    private readonly string _example;
    private readonly Dictionary<string, TFactory> _factories = new(StringComparer.OrdinalIgnoreCase);

    public SchemeTable(string capability, string example)
    {
        _capability = capability;
        _example = example;
    }

    public IReadOnlyCollection<string> Schemes
    {
        get
        {
            lock (_factories)
            {
                return _factories.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    public void Add(string scheme, TFactory factory)
    {
        lock (_factories)
        {
            _factories[scheme] = factory;
        }
    }

    public TFactory Resolve(CloudUrl url)
    {
        lock (_factories)
        {
            if (_factories.TryGetValue(url.Scheme, out var factory))
            {
                return factory;
            }
        }

        throw CloudException.InvalidArgument(
            "url",
            $"no {_capability} provider is registered for the scheme '{url.Scheme}' (in '{url}'). Registered schemes: {string.Join(", ", Schemes)}. "
            + $"Reference the provider package and register it, for example {_example}.");
    }
}
