using Microsoft.Extensions.DependencyInjection;
using Polycloud.Databases;

namespace Polycloud;

public sealed partial class PolycloudOpener
{
    private readonly Dictionary<string, IDatabaseAuthProvider> _databaseAuth = new(StringComparer.OrdinalIgnoreCase);
    private bool _databaseAuthFromServices;

    /// <summary>
    /// The registered cloud database authentication modes (besides <c>password</c> and <c>none</c>). Databases are
    /// opened with <c>OpenDatabase</c> from the <c>Polycloud.Databases</c> package.
    /// </summary>
    public IReadOnlyCollection<string> DatabaseAuthModes
    {
        get
        {
            lock (_databaseAuth)
            {
                LoadDatabaseAuthFromServices();
                return _databaseAuth.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>The services given to the constructor, or <see langword="null"/>.</summary>
    internal IServiceProvider? Services => _services;

    /// <summary>Registers a database authentication mode (for example <c>aws-iam</c>).</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>This opener.</returns>
    public PolycloudOpener AddDatabaseAuth(IDatabaseAuthProvider provider)
    {
        if (provider is null)
        {
            throw CloudException.InvalidArgument(nameof(provider), "a database authentication provider is required.");
        }

        lock (_databaseAuth)
        {
            _databaseAuth[provider.Mode] = provider;
        }

        return this;
    }

    /// <summary>The provider registered for <paramref name="mode"/>, or <see langword="null"/>.</summary>
    internal IDatabaseAuthProvider? FindDatabaseAuth(string mode)
    {
        lock (_databaseAuth)
        {
            LoadDatabaseAuthFromServices();
            return _databaseAuth.GetValueOrDefault(mode);
        }
    }

    private void LoadDatabaseAuthFromServices()
    {
        if (_databaseAuthFromServices || _services is null)
        {
            return;
        }

        _databaseAuthFromServices = true;
        foreach (var provider in _services.GetServices<IDatabaseAuthProvider>())
        {
            _databaseAuth.TryAdd(provider.Mode, provider);
        }
    }
}
