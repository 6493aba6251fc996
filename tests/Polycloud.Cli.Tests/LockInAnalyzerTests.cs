using Amazon.S3;
using Azure.Storage.Blobs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Polycloud.Cli.LockIn;

namespace Polycloud.Cli.Tests;

/// <summary>The analysis engine on in-memory projects (no MSBuild), with the real SDK assemblies referenced.</summary>
public class LockInAnalyzerTests
{
    private static Project CreateProject(AdhocWorkspace workspace, string name, params (string Path, string Text)[] files)
    {
        var references = new[] { typeof(object), typeof(AmazonS3Client), typeof(Amazon.Runtime.AmazonServiceException), typeof(BlobClient), typeof(global::Azure.Response) }
            .Select(t => t.Assembly.Location)
            .Concat(Directory.GetFiles(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.*.dll"))
            .Distinct()
            .Where(p => { try { System.Reflection.AssemblyName.GetAssemblyName(p); return true; } catch (BadImageFormatException) { return false; } })
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            name,
            name,
            LanguageNames.CSharp,
            filePath: $"/src/{name}/{name}.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary),
            metadataReferences: references));
        foreach (var (path, text) in files)
        {
            project = workspace.AddDocument(DocumentInfo.Create(
                DocumentId.CreateNewId(project.Id),
                Path.GetFileName(path),
                loader: TextLoader.From(TextAndVersion.Create(SourceText.From(text), VersionStamp.Default)),
                filePath: path)).Project;
        }

        return project;
    }

    [Fact]
    public async Task Counts_sites_per_service_and_leaves_portable_projects_at_zero()
    {
        using var workspace = new AdhocWorkspace();
        CreateProject(workspace, "Native", ("/src/Native/Store.cs", """
            using System.Threading.Tasks;
            using Amazon.S3;
            public class Store
            {
                public Task Put(IAmazonS3 s3) => s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest());
                public Task Tier(Azure.Storage.Blobs.BlobClient blob) => blob.SetAccessTierAsync(Azure.Storage.Blobs.Models.AccessTier.Cool);
                public string Arn = "arn:aws:sqs:us-east-1:123456789012:q";
            }
            """));
        CreateProject(workspace, "Portable", ("/src/Portable/Plain.cs", "public class Plain { public string Url = \"https://example.com\"; }"));

        var report = await LockInAnalyzer.AnalyzeAsync("/src/All.sln", workspace.CurrentSolution.Projects, cancellationToken: TestContext.Current.CancellationToken);

        var native = report.Projects.Single(p => p.Name == "Native");
        var s3 = native.Services.Single(s => s.Provider == "AWS" && s.Service == "S3");
        Assert.Equal(3, s3.Sites); // parameter type, PutObjectAsync, new PutObjectRequest
        Assert.Equal(3, s3.WithPortableEquivalent);
        var blob = native.Services.Single(s => s.Provider == "Azure" && s.Service == "Blob Storage");
        Assert.Equal(3, blob.Sites); // parameter type, SetAccessTierAsync, AccessTier.Cool
        Assert.Equal(1, blob.WithPortableEquivalent);
        Assert.Equal(1, native.Services.Single(s => s.Service == "coordinates").Sites);
        Assert.Equal(1, native.Files);
        Assert.True(native.Score > 0);

        var portable = report.Projects.Single(p => p.Name == "Portable");
        Assert.Equal(0, portable.Sites);
        Assert.Equal(0, portable.Score);
        Assert.All(report.Findings, f => Assert.StartsWith("/src/Native/", f.FilePath, StringComparison.Ordinal));
    }

    [Fact]
    public void Solution_project_lists_are_read_from_sln_and_slnx()
    {
        var dir = Directory.CreateTempSubdirectory("lockin-sln").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "A.sln"), """
                Microsoft Visual Studio Solution File, Format Version 12.00
                Project("{2150E333-8FDC-42A3-9474-1A3956D46DE8}") = "src", "src", "{11111111-1111-1111-1111-111111111111}"
                EndProject
                Project("{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}") = "App", "src\App\App.csproj", "{22222222-2222-2222-2222-222222222222}"
                EndProject
                """);
            File.WriteAllText(Path.Combine(dir, "B.slnx"), """<Solution><Folder Name="/src/"><Project Path="src/App/App.csproj" /></Folder></Solution>""");

            var expected = Path.Combine(dir, "src", "App", "App.csproj");
            Assert.Equal([expected], LockInAnalyzer.SolutionProjectPaths(Path.Combine(dir, "A.sln")));
            Assert.Equal([expected], LockInAnalyzer.SolutionProjectPaths(Path.Combine(dir, "B.slnx")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Targets_are_resolved_from_files_and_folders_with_clear_errors()
    {
        var dir = Directory.CreateTempSubdirectory("lockin-target").FullName;
        try
        {
            var csproj = Path.Combine(dir, "App.csproj");
            File.WriteAllText(csproj, "<Project />");
            Assert.Equal(csproj, LockInAnalyzer.ResolveTarget(dir));
            Assert.Equal(csproj, LockInAnalyzer.ResolveTarget(csproj));

            File.WriteAllText(Path.Combine(dir, "notes.txt"), "x");
            Assert.Contains("not a solution", Assert.Throws<ArgumentException>(() => LockInAnalyzer.ResolveTarget(Path.Combine(dir, "notes.txt"))).Message, StringComparison.Ordinal);
            Assert.Throws<FileNotFoundException>(() => LockInAnalyzer.ResolveTarget(Path.Combine(dir, "missing.sln")));

            File.WriteAllText(Path.Combine(dir, "Other.csproj"), "<Project />");
            Assert.Contains("several", Assert.Throws<ArgumentException>(() => LockInAnalyzer.ResolveTarget(dir)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
