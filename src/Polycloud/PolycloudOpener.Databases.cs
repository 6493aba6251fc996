using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.Databases;

namespace Polycloud;

public sealed partial class PolycloudOpener
{
    private readonly Dictionary<string, IDatabaseAuthProvider> _databaseAuth = new(StringComparer.OrdinalIgnoreCase);
    private bool _databaseAuthFromServices;

    /// <summary>The registered cloud database authentication modes (besides <c>password</c> and <c>none</c>).</summary>
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
    /// Opens a database from its URL: <c>postgresql://host:5432/db?user=app&amp;auth=aws-iam&amp;region=eu-west-1</c>,
    /// <c>mysql://host/db?user=app&amp;auth=password</c> (password as a setting from configuration), or
    /// <c>sqlite:///var/data/app.db</c>. No connection is made until the first use.
    /// </summary>
    /// <param name="url">The database URL.</param>
    /// <param name="settings">Settings that do not belong in the URL, such as <c>Password</c>.</param>
    /// <param name="name">The name to report in errors and health checks; default: the database name.</param>
    /// <returns>The database. Dispose it when done (it owns the connection pools).</returns>
    public CloudDatabase OpenDatabase(string url, IEnumerable<KeyValuePair<string, string>>? settings = null, string? name = null)
    {
        if (url is not null && url.Contains("://", StringComparison.Ordinal) && url.Contains('?', StringComparison.Ordinal)
            && url[url.IndexOf('?', StringComparison.Ordinal)..].Contains("password=", StringComparison.OrdinalIgnoreCase))
        {
            throw CloudException.InvalidArgument("url", "the database URL carries a password; URLs end up in logs. Give the password as a setting from configuration ('Polycloud:Databases:<name>:Password') or a secret store.");
        }

        var parsed = CloudUrl.Parse(url!, settings);
        return DatabaseOpener.Open(
            parsed,
            name,
            mode =>
            {
                lock (_databaseAuth)
                {
                    LoadDatabaseAuthFromServices();
                    return _databaseAuth.GetValueOrDefault(mode);
                }
            },
            DatabaseAuthModes,
            _services,
            _services?.GetService<ILoggerFactory>());
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
