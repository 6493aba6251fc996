namespace Polycloud.Cli.Tests;

/// <summary><c>polycloud lockin</c> on a project whose packages are not restored: it says so and fails, never passes
/// a CI gate with a report that misses what did not resolve; <c>--restore</c> restores first.</summary>
public sealed class LockInUnresolvedTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "polycloud-lockin-" + Guid.NewGuid().ToString("N"));

    public LockInUnresolvedTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteProject(string name, string packageReference, string code)
    {
        string dir = Path.Combine(_directory, name);
        Directory.CreateDirectory(dir);
        string project = Path.Combine(dir, name + ".csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>{packageReference}</ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Code.cs"), code);
        return project;
    }

    [Fact]
    public async Task A_project_whose_packages_are_not_restored_is_reported_and_fails_with_exit_code_3()
    {
        string project = WriteProject(
            "Unrestored",
            """<PackageReference Include="AWSSDK.S3" Version="3.7.400" />""",
            "public static class Store { public static object Client() => new Amazon.S3.AmazonS3Client(); }");
        Assert.False(File.Exists(Path.Combine(_directory, "Unrestored", "obj", "project.assets.json")));

        var (exit, output, error) = await CliRun.RunAsync("lockin", project, "--max-score", "100");
        Assert.Equal(3, exit);
        Assert.Contains("references did not resolve", error, StringComparison.Ordinal);
        Assert.Contains("Unrestored", error, StringComparison.Ordinal);
        Assert.Contains("--restore", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Lock-in score", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_restore_a_project_is_restored_first_and_reported()
    {
        string project = WriteProject("Plain", string.Empty, "public static class Plain { public static int Answer() => 42; }");
        var (before, _, beforeError) = await CliRun.RunAsync("lockin", project);
        Assert.True(before == 3 || before == 0, beforeError);

        var (exit, output, error) = await CliRun.RunAsync("lockin", project, "--restore", "--max-score", "0");
        Assert.True(exit == 0, error);
        Assert.True(File.Exists(Path.Combine(_directory, "Plain", "obj", "project.assets.json")));
        Assert.Contains("Plain", output, StringComparison.Ordinal);
    }
}
