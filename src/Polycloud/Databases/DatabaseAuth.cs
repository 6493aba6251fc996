namespace Polycloud.Databases;

// The authentication contract for databases lives in the core package so that the provider packages (Polycloud.Aws,
// Polycloud.Azure, Polycloud.Google) implement their modes without depending on the database drivers; the opener that
// uses them is in the Polycloud.Databases package.

/// <summary>A database endpoint: where to connect and as whom (never the password).</summary>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The TCP port.</param>
/// <param name="Database">The database name.</param>
/// <param name="User">The user name.</param>
public sealed record DatabaseEndpoint(string Host, int Port, string Database, string User)
{
    /// <inheritdoc/>
    public override string ToString() => $"{User}@{Host}:{Port}/{Database}";
}

/// <summary>
/// Gives passwords (static, or short-lived IAM tokens) for a database. Token sources are asked again before the
/// token expires, without dropping the connection pool; passwords never appear in logs or exception messages.
/// </summary>
public interface IDatabasePasswordSource
{
    /// <summary>How often to fetch a new password, or <see langword="null"/> when the password never changes.</summary>
    TimeSpan? RefreshInterval { get; }

    /// <summary>Returns the password (or token) to connect to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The endpoint being connected to (the primary or a reader).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The password.</returns>
    ValueTask<string> GetPasswordAsync(DatabaseEndpoint endpoint, CancellationToken cancellationToken);
}

/// <summary>
/// An authentication mode for databases (<c>auth=password</c>, <c>auth=aws-iam</c>, <c>auth=azure-entra</c>,
/// <c>auth=gcp-iam</c>). Provider packages register theirs with <c>AddAws()</c>, <c>AddAzure()</c>, <c>AddGoogle()</c>.
/// </summary>
public interface IDatabaseAuthProvider
{
    /// <summary>The value of the <c>auth</c> setting this provider handles, lower case.</summary>
    string Mode { get; }

    /// <summary>Whether connections with this mode must use TLS with full certificate verification by default.</summary>
    bool RequiresVerifiedTls { get; }

    /// <summary>Creates the password source for one database. Reads its settings from <paramref name="url"/>
    /// (for example <c>region</c>) and makes no network call.</summary>
    /// <param name="url">The database URL with its settings.</param>
    /// <param name="services">The application's services, or <see langword="null"/>.</param>
    /// <returns>The password source.</returns>
    IDatabasePasswordSource Create(CloudUrl url, IServiceProvider? services);
}
