using Xunit;

namespace Polycloud.Tests;

/// <summary>The core package stays free of the database drivers and the YAML parser, which live in Polycloud.Databases and Polycloud.Networking.</summary>
public sealed class DependencyWeightTests
{
    [Theory]
    [InlineData("Npgsql")]
    [InlineData("MySqlConnector")]
    [InlineData("YamlDotNet")]
    [InlineData("Polycloud.Databases")]
    [InlineData("Polycloud.Networking")]
    public void Core_DoesNotReference(string assembly)
        => Assert.DoesNotContain(typeof(PolycloudOpener).Assembly.GetReferencedAssemblies(), a => a.Name == assembly);

    [Fact]
    public void Core_RegistersDatabaseAuthModesWithoutTheDatabasePackage()
    {
        var opener = new PolycloudOpener().AddDatabaseAuth(new NoAuth());
        Assert.Equal(["test-mode"], opener.DatabaseAuthModes);
    }

    private sealed class NoAuth : Databases.IDatabaseAuthProvider
    {
        public string Mode => "test-mode";

        public bool RequiresVerifiedTls => false;

        public Databases.IDatabasePasswordSource Create(CloudUrl url, IServiceProvider? services) => throw new NotSupportedException();
    }
}
