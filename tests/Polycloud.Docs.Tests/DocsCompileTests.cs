using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Polycloud.Docs.Tests;

/// <summary>
/// Every C# block (```csharp, ```cs or ```c#) of README.md and docs/*.md compiles. One test case per block, named
/// <c>page:line</c> after the block's opening fence; a failure lists the compiler's errors with their line in the page.
/// <para>How a block is compiled — the rules a page follows:</para>
/// <list type="number">
/// <item>Each block is one C# file, compiled on its own (blocks do not see each other's declarations, so each can be
/// copied alone) with nullable reference types enabled. Only errors fail; warnings (an unused variable, a possible
/// null) do not.</item>
/// <item>The file gets the global usings of an ASP.NET Core project (Microsoft.NET.Sdk.Web with ImplicitUsings, see
/// <see cref="GlobalUsings"/>). Every other namespace — Polycloud's included — needs a <c>using</c> line in the
/// block, as it would in the reader's file.</item>
/// <item>A block that is a whole file — using lines, top-level statements (a Program.cs), namespaces, types — compiles
/// as it is. A fragment of statements is top-level statements too: the compiler wraps it in the Main method of a
/// generated class, exactly as when a reader pastes it into Program.cs.</item>
/// <item>A block of class members — methods, fields or properties written with an access modifier (<c>public</c>,
/// <c>private</c>, <c>protected</c>, <c>internal</c>) outside any type — is wrapped, after its leading using lines,
/// in <c>public sealed partial class Snippet { … }</c>.</item>
/// <item>Nothing else is added: every name a block uses is declared in the block or comes from the global usings and
/// the referenced assemblies. A snippet that works on something it does not create (a bucket, a client) shows it as
/// a parameter of the method it is in.</item>
/// <item>The referenced assemblies are those of the running test: the trusted platform assemblies (.NET, ASP.NET Core,
/// and this project's dependencies) and the other assemblies next to it — every Polycloud library under src/ and its
/// dependencies (cloud SDKs, Npgsql, …), plus the packages the pages show that no Polycloud library brings
/// (AWSSDK.Extensions.NETCore.Setup, Microsoft.Extensions.Azure, OpenTelemetry; see the project file).</item>
/// <item>The System.Text.Json source generator of the .NET SDK runs, as in a build, so a block can declare a
/// <c>JsonSerializerContext</c> and use its generated type information.</item>
/// <item>A block that must not compile (kept rare) says so in its fence: ```csharp ignore-compile. It is reported as a
/// skipped case. Any other word after the language is an error, so a misspelt marker cannot hide a block.</item>
/// </list>
/// </summary>
public sealed class DocsCompileTests(ITestOutputHelper output)
{
    /// <summary>The fence attribute that keeps a block out of the compilation.</summary>
    public const string IgnoreCompile = "ignore-compile";

    /// <summary>The implicit global usings of Microsoft.NET.Sdk.Web (ImplicitUsings enabled).</summary>
    public static readonly string[] GlobalUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    private static readonly Lazy<(ImmutableArray<ISourceGenerator> Generators, string Problem)> Generators = new(LoadGenerators);

    /// <summary>Every C# block of every page, by name (<c>docs/blobs.md:12</c>).</summary>
    public static TheoryData<string> CSharpBlocks()
    {
        var data = new TheoryData<string>();
        foreach (var block in AllCSharpBlocks())
        {
            data.Add(block.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void Block_compiles(string id)
    {
        var block = AllCSharpBlocks().Single(b => b.Id == id);
        var unknown = block.Attributes.Where(a => a != IgnoreCompile).ToList();
        Assert.True(unknown.Count == 0,
            $"{id}: unknown word(s) in the fence info string: {string.Join(", ", unknown)}. The only one is '{IgnoreCompile}'.");
        if (block.Attributes.Contains(IgnoreCompile))
        {
            Assert.Skip($"{id} is marked ```{block.Language} {IgnoreCompile}.");
        }

        var errors = Compile(block);
        Assert.True(errors.Count == 0, $"{id} does not compile:\n{string.Join('\n', errors)}\n\nThe block as compiled:\n{Wrap(block).Text}");
    }

    [Fact]
    public void Every_page_is_counted()
    {
        // A summary in the test output: how many C# blocks each page has, and how many are not compiled.
        var blocks = AllCSharpBlocks();
        foreach (var page in blocks.GroupBy(b => b.Page))
        {
            int ignored = page.Count(b => b.Attributes.Contains(IgnoreCompile));
            output.WriteLine($"{page.Key}: {page.Count() - ignored} compiled, {ignored} {IgnoreCompile}"
                + (ignored > 0 ? $" ({string.Join(", ", page.Where(b => b.Attributes.Contains(IgnoreCompile)).Select(b => b.Line))})" : ""));
        }

        int total = blocks.Count, skipped = blocks.Count(b => b.Attributes.Contains(IgnoreCompile));
        output.WriteLine($"total: {total - skipped} compiled, {skipped} {IgnoreCompile}");
        Assert.NotEmpty(blocks);
        Assert.True(skipped * 10 <= total, $"{skipped} of {total} C# blocks are marked {IgnoreCompile}; keep it under one in ten.");
    }

    private static List<CodeBlock> AllCSharpBlocks() =>
        MarkdownPages.All().SelectMany(MarkdownPages.CodeBlocks).Where(b => b.IsCSharp).ToList();

    /// <summary>The block as the file that is compiled, the line (0-based) where lines were inserted, and how many.</summary>
    private static (string Text, int InsertedAt, int Inserted) Wrap(CodeBlock block)
    {
        var tree = CSharpSyntaxTree.ParseText(block.Code, ParseOptions);
        var root = (CompilationUnitSyntax)tree.GetRoot();
        if (!root.Members.Any(IsClassMember))
        {
            return (block.Code, 0, 0);
        }

        // Class members: keep the using lines at the top of the file and put the rest in a class.
        int bodyStart = root.Usings.Count > 0 ? root.Usings.Last().FullSpan.End : 0;
        string usings = block.Code[..bodyStart];
        int usingLines = usings.Count(c => c == '\n');
        var text = new StringBuilder(usings)
            .Append("public sealed partial class Snippet\n{\n")
            .Append(block.Code[bodyStart..])
            .Append("\n}\n");
        return (text.ToString(), usingLines, 2);

        static bool IsClassMember(MemberDeclarationSyntax member) => member switch
        {
            BaseTypeDeclarationSyntax or DelegateDeclarationSyntax or BaseNamespaceDeclarationSyntax => false,
            GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax f } => f.Modifiers.Any(IsAccessModifier),
            GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax d } => d.Modifiers.Any(IsAccessModifier),
            GlobalStatementSyntax => false,
            _ => true, // methods, fields, properties, incomplete members
        };

        static bool IsAccessModifier(SyntaxToken t) =>
            t.IsKind(SyntaxKind.PublicKeyword) || t.IsKind(SyntaxKind.PrivateKeyword) || t.IsKind(SyntaxKind.ProtectedKeyword)
            || t.IsKind(SyntaxKind.InternalKeyword);
    }

    /// <summary>Compiles a block; returns its errors, each located at its line in the page.</summary>
    private static List<string> Compile(CodeBlock block)
    {
        var (text, insertedAt, inserted) = Wrap(block);
        var tree = CSharpSyntaxTree.ParseText(text, ParseOptions, path: block.Page);
        var globalUsings = CSharpSyntaxTree.ParseText(
            string.Concat(GlobalUsings.Select(u => $"global using {u};\n")), ParseOptions, path: "GlobalUsings.g.cs");
        bool hasTopLevelStatements = ((CompilationUnitSyntax)tree.GetRoot()).Members.OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "DocBlock",
            [globalUsings, tree],
            References.Value,
            new CSharpCompilationOptions(
                hasTopLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));

        var (generators, problem) = Generators.Value;
        CSharpGeneratorDriver.Create(generators, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics);
        var errors = generatorDiagnostics.Concat(generated.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                int line = span.StartLinePosition.Line;
                line = line < insertedAt ? line : line < insertedAt + inserted ? insertedAt : line - inserted;
                string where = span.Path == block.Page ? $"{block.Page}:{block.Line + 1 + line}" : span.Path;
                return $"  {where}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToList();
        if (errors.Count > 0 && problem.Length > 0)
        {
            errors.Add("  (the System.Text.Json source generator did not run: " + problem + ")");
        }

        return errors;
    }

    private static (ImmutableArray<ISourceGenerator>, string) LoadGenerators()
    {
        // dotnet/shared/Microsoft.NETCore.App/<version>/ -> dotnet/packs/Microsoft.NETCore.App.Ref/<version>/analyzers/dotnet/cs
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
        string packs = Path.Combine(runtime.Parent!.Parent!.Parent!.FullName, "packs", "Microsoft.NETCore.App.Ref");
        string? pack = Directory.Exists(packs)
            ? Directory.GetDirectories(packs)
                .Where(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) && v.Major == Environment.Version.Major)
                .OrderByDescending(d => Version.Parse(Path.GetFileName(d).Split('-')[0]))
                .FirstOrDefault()
            : null;
        string dll = Path.Combine(pack ?? packs, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll");
        if (!File.Exists(dll))
        {
            return ([], $"{dll} does not exist");
        }

        var failures = new List<string>();
        var reference = new AnalyzerFileReference(dll, new DefaultContextLoader());
        reference.AnalyzerLoadFailed += (_, e) => failures.Add($"{e.ErrorCode}: {e.Message}");
        var generators = reference.GetGenerators(LanguageNames.CSharp);
        return (generators, generators.IsEmpty ? $"no generator loaded from {dll} {string.Join("; ", failures)}" : "");
    }

    private sealed class DefaultContextLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The trusted platform assemblies first (.NET, ASP.NET Core and this project's dependencies as the host resolved
        // them), then any other assembly next to the test assembly; one assembly per simple name.
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string tpa = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "";
        var candidates = tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"));
        foreach (string path in candidates)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (!byName.ContainsKey(name) && IsManagedAssembly(path))
            {
                byName[name] = path;
            }
        }

        return [.. byName.Values.Order(StringComparer.Ordinal).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
