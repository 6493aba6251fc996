namespace Polycloud.Databases;

/// <summary>
/// Gives the databases named in configuration (<c>Polycloud:Databases:{name}</c>). Registered by
/// <c>services.AddPolycloud(configuration).AddDatabases()</c>; each database is also a keyed <see cref="CloudDatabase"/> and a keyed
/// <see cref="System.Data.Common.DbDataSource"/> (the primary), so <c>[FromKeyedServices("orders")] DbDataSource db</c> works.
/// </summary>
public interface ICloudDatabaseFactory
{
    /// <summary>The configured database names.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Gets the database configured under <paramref name="name"/>; the same instance every time.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The database, owned by the container.</returns>
    CloudDatabase GetDatabase(string name);
}
