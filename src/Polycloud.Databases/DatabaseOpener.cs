using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Npgsql;

namespace Polycloud.Databases;

/// <summary>Turns a database URL into a <see cref="CloudDatabase"/>: engine, endpoint, TLS, pooling and password source.</summary>
internal static class DatabaseOpener
{
    private static readonly string[] CloudHostSuffixes = [".rds.amazonaws.com", ".database.azure.com", ".database.windows.net", ".cloudsql.goog"];

    public static CloudDatabase Open(CloudUrl url, string? name, Func<string, IDatabaseAuthProvider?> findAuth, IEnumerable<string> knownModes, IServiceProvider? services, ILoggerFactory? loggerFactory)
    {
        var engine = url.Scheme switch
        {
            "postgres" or "postgresql" => DatabaseEngine.PostgreSql,
            "mysql" or "mariadb" => DatabaseEngine.MySql,
            "sqlite" => DatabaseEngine.Sqlite,
            _ => throw CloudException.InvalidArgument("url", $"'{url.Scheme}' is not a database scheme; use postgresql://host:5432/db?user=app, mysql://host:3306/db?user=app or sqlite:///path/to/file.db."),
        };

        return engine == DatabaseEngine.Sqlite ? OpenSqlite(url, name) : OpenServer(url, engine, name, findAuth, knownModes, services, loggerFactory);
    }

    private static CloudDatabase OpenSqlite(CloudUrl url, string? name)
    {
        string? mode = url.Get("mode");
        var csb = new SqliteConnectionStringBuilder { Pooling = url.GetBoolean("pooling", true) };
        if (url.Host == "memory")
        {
            string db = url.Path.Trim('/');
            if (db.Length == 0)
            {
                throw CloudException.InvalidArgument("url", $"'{url}' needs a name for the shared in-memory database, as in 'sqlite://memory/cache'.");
            }

            csb.DataSource = db;
            csb.Mode = SqliteOpenMode.Memory;
            csb.Cache = SqliteCacheMode.Shared;
        }
        else
        {
            if (url.Host.Length > 0 || url.Path.Length < 2)
            {
                throw CloudException.InvalidArgument("url", $"'{url}' is not a SQLite URL: use 'sqlite:///absolute/path/app.db' (three slashes) or 'sqlite://memory/name'.");
            }

            csb.DataSource = url.Path;
            csb.Mode = mode switch
            {
                null or "rwc" or "readwritecreate" => SqliteOpenMode.ReadWriteCreate,
                "rw" or "readwrite" => SqliteOpenMode.ReadWrite,
                "ro" or "readonly" => SqliteOpenMode.ReadOnly,
                _ => throw CloudException.InvalidArgument("mode", $"the SQLite mode must be rwc, rw or ro, not '{mode}'."),
            };
            if (csb.Mode == SqliteOpenMode.ReadWriteCreate)
            {
                string? dir = Path.GetDirectoryName(url.Path);
                if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                {
                    throw CloudException.InvalidArgument("url", $"the directory '{dir}' for the SQLite file does not exist.");
                }
            }
        }

        if (url.Get("auth") is { } auth && auth != "none")
        {
            throw CloudException.InvalidArgument("auth", $"SQLite has no authentication; remove 'auth={auth}'.");
        }

        if (url.GetInt64("defaultTimeout", 1, 3600) is { } timeout)
        {
            csb.DefaultTimeout = (int)timeout;
        }

        url.ThrowIfUnknownSettings("sqlite");
        var source = SqliteFactory.Instance.CreateDataSource(csb.ConnectionString);
        return new CloudDatabase(name ?? Path.GetFileNameWithoutExtension(csb.DataSource), DatabaseEngine.Sqlite, "none", source, null, $"sqlite {csb.DataSource}");
    }

    private static CloudDatabase OpenServer(CloudUrl url, DatabaseEngine engine, string? name, Func<string, IDatabaseAuthProvider?> findAuth, IEnumerable<string> knownModes, IServiceProvider? services, ILoggerFactory? loggerFactory)
    {
        string scheme = engine == DatabaseEngine.PostgreSql ? "postgresql" : "mysql";
        int defaultPort = engine == DatabaseEngine.PostgreSql ? 5432 : 3306;
        if (url.Host.Contains('@', StringComparison.Ordinal))
        {
            throw CloudException.InvalidArgument("url", $"the {scheme} URL has credentials before the host ('user:password@host'); give the user as '?user=…' and the password in configuration ('Polycloud:Databases:<name>:Password'), never in the URL.");
        }

        var (host, port) = ParseHostPort(url.Host, defaultPort, "url");
        string database = url.Path.Trim('/');
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw CloudException.InvalidArgument("url", $"'{url}' must name one database after the host, as in '{scheme}://{url.Host}/orders'.");
        }

        string user = url.GetRequired("user", "the database user name");
        string mode = (url.Get("auth") ?? "password").ToLowerInvariant();
        IDatabasePasswordSource? passwords;
        bool verifiedTls;
        switch (mode)
        {
            case "password":
                string password = url.GetRequired("password", $"the password, from configuration such as 'Polycloud:Databases:{name ?? "<name>"}:Password' or a secret store, never in the URL");
                passwords = new StaticPasswordSource(password);
                verifiedTls = IsCloudHost(host);
                break;
            case "none":
                passwords = null;
                verifiedTls = false;
                break;
            default:
                var provider = findAuth(mode) ?? throw CloudException.InvalidArgument(
                    "auth",
                    $"'{mode}' is not a known database authentication mode. Known: {string.Join(", ", knownModes.Append("password").Append("none").Order(StringComparer.Ordinal))}. The cloud modes come with the provider packages (AddAws() for aws-iam, AddAzure() for azure-entra, AddGoogle() for gcp-iam).");
                passwords = provider.Create(url, services);
                verifiedTls = provider.RequiresVerifiedTls || IsCloudHost(host);
                break;
        }

        string? sslMode = url.Get("sslmode");
        string? rootCert = url.Get("sslrootcert");
        if (rootCert is not null && !File.Exists(rootCert))
        {
            throw CloudException.InvalidArgument("sslrootcert", $"the CA bundle '{rootCert}' does not exist.");
        }

        (string Host, int Port)? reader = url.Get("reader") is { Length: > 0 } r ? ParseHostPort(r, port, "reader") : null;
        long? connectTimeout = url.GetInt64("connectTimeout", 1, 600);
        long? commandTimeout = url.GetInt64("commandTimeout", 0, 86_400);
        long? maxPool = url.GetInt64("maxPoolSize", 1, 10_000);
        long? minPool = url.GetInt64("minPoolSize", 0, 10_000);
        string? applicationName = url.Get("applicationName");
        url.ThrowIfUnknownSettings(scheme);

        var connection = new ConnectionSettings(sslMode, verifiedTls, rootCert, connectTimeout, commandTimeout, maxPool, minPool, applicationName);
        string description = $"{scheme}://{host}:{port}/{database} user={user} auth={mode}" + (reader is null ? string.Empty : $" reader={reader.Value.Host}:{reader.Value.Port}");
        DbDataSource Build(string h, int p)
        {
            var endpoint = new DatabaseEndpoint(h, p, database, user);
            return BuildDataSource(engine, endpoint, passwords, connection, loggerFactory);
        }

        var primary = Build(host, port);
        var readerSource = reader is { } rd ? Build(rd.Host, rd.Port) : null;
        return new CloudDatabase(name ?? database, engine, mode, primary, readerSource, description);
    }

    private static DbDataSource BuildDataSource(DatabaseEngine engine, DatabaseEndpoint endpoint, IDatabasePasswordSource? passwords, ConnectionSettings settings, ILoggerFactory? loggerFactory)
    {
        bool postgres = engine == DatabaseEngine.PostgreSql;
        var keywords = postgres ? ConnectionKeywords.Npgsql : ConnectionKeywords.MySql;
        DbConnectionStringBuilder csb = postgres ? new NpgsqlConnectionStringBuilder() : new MySqlConnectionStringBuilder();
        csb[keywords.Host] = endpoint.Host;
        csb["Port"] = endpoint.Port;
        csb["Database"] = endpoint.Database;
        csb[keywords.User] = endpoint.User;
        csb["SSL Mode"] = settings.SslMode is not { } sslMode
            ? (settings.VerifiedTls ? "VerifyFull" : keywords.PreferTls)
            : postgres ? ParseEnum<SslMode>(sslMode, "sslmode").ToString() : ParseEnum<MySqlSslMode>(sslMode, "sslmode").ToString();
        SetIfGiven(csb, keywords.RootCertificate, settings.RootCert);
        SetIfGiven(csb, keywords.ConnectTimeout, settings.ConnectTimeout);
        SetIfGiven(csb, keywords.CommandTimeout, settings.CommandTimeout);
        SetIfGiven(csb, "Maximum Pool Size", settings.MaxPool);
        SetIfGiven(csb, "Minimum Pool Size", settings.MinPool);
        SetIfGiven(csb, "Application Name", settings.ApplicationName);
        if (!postgres && passwords is { RefreshInterval: null })
        {
            // A fixed password: MySqlConnector reads it from the connection string, which it never logs.
            csb["Password"] = passwords.GetPasswordAsync(endpoint, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        if (postgres)
        {
            var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
            if (loggerFactory is not null)
            {
                builder.UseLoggerFactory(loggerFactory);
            }

            if (passwords is { RefreshInterval: { } refresh })
            {
                builder.UsePeriodicPasswordProvider((_, token) => passwords.GetPasswordAsync(endpoint, token), refresh, TimeSpan.FromSeconds(5));
            }
            else if (passwords is not null)
            {
                builder.UsePasswordProvider(_ => passwords.GetPasswordAsync(endpoint, CancellationToken.None).AsTask().GetAwaiter().GetResult(), (_, token) => passwords.GetPasswordAsync(endpoint, token));
            }

            return builder.Build();
        }
        else
        {
            var builder = new MySqlDataSourceBuilder(csb.ConnectionString);
            if (loggerFactory is not null)
            {
                builder.UseLoggerFactory(loggerFactory);
            }

            if (passwords is { RefreshInterval: { } refresh })
            {
                builder.UsePeriodicPasswordProvider((_, token) => passwords.GetPasswordAsync(endpoint, token), refresh, TimeSpan.FromSeconds(5));
            }

            return builder.Build();
        }
    }

    private static void SetIfGiven(DbConnectionStringBuilder builder, string keyword, object? value)
    {
        if (value is not null)
        {
            builder[keyword] = value;
        }
    }

    private static T ParseEnum<T>(string value, string setting)
        where T : struct, Enum
    {
        string normalized = value.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse(normalized, ignoreCase: true, out T result)
            ? result
            : throw CloudException.InvalidArgument(setting, $"'{value}' is not a valid {setting}; use one of: {string.Join(", ", Enum.GetNames<T>())}.");
    }

    private static (string Host, int Port) ParseHostPort(string value, int defaultPort, string setting)
    {
        if (value.Length == 0)
        {
            throw CloudException.InvalidArgument(setting, "a database host is required, as in 'postgresql://db.example.com:5432/orders?user=app'.");
        }

        string host = value;
        int port = defaultPort;
        int colon = value.LastIndexOf(':');
        bool bracketed = value.StartsWith('[');
        if (colon > 0 && (!bracketed || value.LastIndexOf(']') < colon))
        {
            host = value[..colon];
            if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw CloudException.InvalidArgument(setting, $"the port in '{value}' must be a number from 1 to 65535.");
            }
        }

        return (bracketed ? host.Trim('[', ']') : host, port);
    }

    private static bool IsCloudHost(string host)
    {
        foreach (string suffix in CloudHostSuffixes)
        {
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class StaticPasswordSource(string password) : IDatabasePasswordSource
    {
        public TimeSpan? RefreshInterval => null;

        public ValueTask<string> GetPasswordAsync(DatabaseEndpoint endpoint, CancellationToken cancellationToken) => ValueTask.FromResult(password);

        public override string ToString() => "password (hidden)";
    }
}

/// <summary>The connection settings read from a database URL, the same for every engine.</summary>
internal sealed record ConnectionSettings(string? SslMode, bool VerifiedTls, string? RootCert, long? ConnectTimeout, long? CommandTimeout, long? MaxPool, long? MinPool, string? ApplicationName);

/// <summary>The connection string keywords that differ between the PostgreSQL and MySQL clients.</summary>
internal sealed record ConnectionKeywords(string Host, string User, string RootCertificate, string ConnectTimeout, string CommandTimeout, string PreferTls)
{
    public static readonly ConnectionKeywords Npgsql = new("Host", "Username", "Root Certificate", "Timeout", "Command Timeout", "Prefer");

    public static readonly ConnectionKeywords MySql = new("Server", "User ID", "SslCa", "Connection Timeout", "Default Command Timeout", "Preferred");
}
