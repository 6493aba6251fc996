using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.Databases;

namespace Polycloud;

/// <summary>Opens databases from their URLs on a <see cref="PolycloudOpener"/>.</summary>
public static class PolycloudOpenerDatabaseExtensions
{
    /// <summary>
    /// Opens a database from its URL: <c>postgresql://host:5432/db?user=app&amp;auth=aws-iam&amp;region=eu-west-1</c>,
    /// <c>mysql://host/db?user=app&amp;auth=password</c> (password as a setting from configuration), or
    /// <c>sqlite:///var/data/app.db</c>. No connection is made until the first use. The cloud authentication modes are
    /// those registered on the opener (<see cref="PolycloudOpener.DatabaseAuthModes"/>).
    /// </summary>
    /// <param name="opener">The opener.</param>
    /// <param name="url">The database URL.</param>
    /// <param name="settings">Settings that do not belong in the URL, such as <c>Password</c>.</param>
    /// <param name="name">The name to report in errors and health checks; default: the database name.</param>
    /// <returns>The database. Dispose it when done (it owns the connection pools).</returns>
    public static CloudDatabase OpenDatabase(this PolycloudOpener opener, string url, IEnumerable<KeyValuePair<string, string>>? settings = null, string? name = null)
    {
        if (opener is null)
        {
            throw CloudException.InvalidArgument(nameof(opener), "an opener is required.");
        }

        if (url is not null && url.Contains("://", StringComparison.Ordinal) && url.Contains('?', StringComparison.Ordinal)
            && url[url.IndexOf('?', StringComparison.Ordinal)..].Contains("password=", StringComparison.OrdinalIgnoreCase))
        {
            throw CloudException.InvalidArgument("url", "the database URL carries a password; URLs end up in logs. Give the password as a setting from configuration ('Polycloud:Databases:<name>:Password') or a secret store.");
        }

        var parsed = CloudUrl.Parse(url!, settings);
        var services = opener.Services;
        return DatabaseOpener.Open(
            parsed,
            name,
            opener.FindDatabaseAuth,
            opener.DatabaseAuthModes,
            services,
            services?.GetService<ILoggerFactory>());
    }
}
