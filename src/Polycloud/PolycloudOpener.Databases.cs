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

    /// <summary>
    /// The application's services given to the constructor, or <see langword="null"/>: what the opener passes to every
    /// driver factory, for a capability package that opens its resources on this opener (as <c>OpenDatabase</c> does).
    /// </summary>
    public IServiceProvider? Services => _services;

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

    /// <summary>
    /// The database authentication provider registered for <paramref name="mode"/> (with <see cref="AddDatabaseAuth"/> or
    /// in the application's services), or <see langword="null"/>.
    /// </summary>
    /// <param name="mode">The mode, case-insensitive, for example <c>aws-iam</c>.</param>
    /// <returns>The provider, or <see langword="null"/>.</returns>
    public IDatabaseAuthProvider? FindDatabaseAuth(string mode)
    {
        if (mode is null)
        {
            throw CloudException.InvalidArgument(nameof(mode), "a database authentication mode such as 'aws-iam' is required.");
        }

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
