using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;
using Polycloud.Analyzers;

namespace Polycloud.Cli.LockIn;

/// <summary>
/// Runs the Polycloud lock-in analyzers over a solution or project and builds a <see cref="LockInReport"/>.
/// The project's own <c>.editorconfig</c>/<c>.globalconfig</c> settings (allowed adapter namespaces, severities) apply.
/// </summary>
internal static partial class LockInAnalyzer
{
    private static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers =
        [new NativeCloudApiAnalyzer(), new CloudCoordinateAnalyzer(), new EscapeHatchAnalyzer()];

    private static readonly Lock LocatorLock = new();

    /// <summary>Compiler errors that mean a reference did not resolve (packages not restored, a missing assembly):
    /// type or namespace not found, predefined type missing, metadata file missing, type in an unreferenced assembly.</summary>
    private static readonly HashSet<string> UnresolvedReferenceIds = new(StringComparer.Ordinal) { "CS0006", "CS0012", "CS0234", "CS0246", "CS0518" };

    /// <summary>Loads <paramref name="path"/> (a .sln/.slnx, a .csproj, or a folder holding exactly one of them) with MSBuild and analyses it.</summary>
    public static async Task<LockInReport> AnalyzeAsync(string path, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        var target = ResolveTarget(path);
        EnsureMSBuildRegistered();

        var stopwatch = Stopwatch.StartNew();
        using var workspace = MSBuildWorkspace.Create();
        Solution solution;
        if (IsSolution(target))
        {
            solution = await workspace.OpenSolutionAsync(target, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            solution = (await workspace.OpenProjectAsync(target, cancellationToken: cancellationToken).ConfigureAwait(false)).Solution;
        }

        foreach (var diagnostic in workspace.Diagnostics)
        {
            if (diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
            {
                log?.WriteLine($"warning: {diagnostic.Message}");
            }
        }

        // Opening a project or solution also loads the projects they reference: report only the ones asked for.
        var wanted = IsSolution(target) ? SolutionProjectPaths(target) : new HashSet<string>(StringComparer.OrdinalIgnoreCase) { target };
        var projects = solution.Projects.Where(p => p.FilePath is not null && wanted.Contains(Path.GetFullPath(p.FilePath)));

        return await AnalyzeAsync(target, projects, stopwatch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Analyses already-loaded projects (used by the MSBuild path and by tests with in-memory workspaces).</summary>
    public static async Task<LockInReport> AnalyzeAsync(string target, IEnumerable<Project> projects, Stopwatch? stopwatch = null, CancellationToken cancellationToken = default)
    {
        stopwatch ??= Stopwatch.StartNew();

        // Multi-targeted projects load once per target framework: analyse each project file once.
        var distinct = projects
            .Where(p => p.Language == LanguageNames.CSharp)
            .GroupBy(p => p.FilePath ?? p.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .ToList();

        var results = await Task.WhenAll(distinct.Select(p => AnalyzeProjectAsync(p, cancellationToken))).ConfigureAwait(false);
        stopwatch.Stop();
        return LockInReport.Create(
            target,
            results.Select(r => (r.Name, r.Path, r.Files, r.Lines)),
            [.. results.SelectMany(r => r.Findings)],
            stopwatch.Elapsed) with
        {
            Unresolved = [.. results.Where(r => r.Unresolved is not null).Select(r => r.Unresolved!)],
        };
    }

    private static async Task<(string Name, string Path, int Files, int Lines, List<LockInFinding> Findings, UnresolvedReferences? Unresolved)> AnalyzeProjectAsync(Project project, CancellationToken cancellationToken)
    {
        var name = DisplayName(project);
        var files = 0;
        var lines = 0;
        foreach (var document in project.Documents)
        {
            if (document.FilePath is { } file && IsBuildOutput(file))
            {
                continue;
            }

            var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
            files++;
            lines += text.Lines.Count;
        }

        var findings = new List<LockInFinding>();
        var compilation = await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        if (compilation is null)
        {
            return (name, project.FilePath ?? name, files, lines, findings, new UnresolvedReferences(name, 1, "the project could not be compiled"));
        }

        var unresolved = compilation.GetDiagnostics(cancellationToken)
            .Where(d => d.Severity == DiagnosticSeverity.Error && UnresolvedReferenceIds.Contains(d.Id))
            .ToList();

        var options = new CompilationWithAnalyzersOptions(
            project.AnalyzerOptions,
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: false);
        var diagnostics = await compilation.WithAnalyzers(Analyzers, options)
            .GetAnalyzerDiagnosticsAsync(cancellationToken)
            .ConfigureAwait(false);

        foreach (var diagnostic in diagnostics)
        {
            if (!diagnostic.Id.StartsWith("PC", StringComparison.Ordinal) || diagnostic.Severity == DiagnosticSeverity.Hidden || !diagnostic.Location.IsInSource)
            {
                continue;
            }

            var span = diagnostic.Location.GetLineSpan();
            diagnostic.Properties.TryGetValue(DiagnosticProperties.Provider, out var provider);
            diagnostic.Properties.TryGetValue(DiagnosticProperties.Service, out var service);
            diagnostic.Properties.TryGetValue(DiagnosticProperties.Portable, out var portable);
            findings.Add(new LockInFinding(
                name,
                span.Path,
                span.StartLinePosition.Line + 1,
                span.StartLinePosition.Character + 1,
                span.EndLinePosition.Line + 1,
                span.EndLinePosition.Character + 1,
                diagnostic.Id,
                diagnostic.Severity.ToString().ToLowerInvariant(),
                provider ?? "unknown",
                service ?? "unknown",
                portable,
                diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var summary = unresolved.Count == 0
            ? null
            : new UnresolvedReferences(name, unresolved.Count, $"{unresolved[0].Id}: {unresolved[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
        return (name, project.FilePath ?? name, files, lines, findings, summary);
    }

    /// <summary>Runs <c>dotnet restore</c> on the target (for <c>--restore</c>).</summary>
    /// <returns>The exit code and what restore wrote.</returns>
    public static async Task<(int ExitCode, string Output)> RestoreAsync(string path, CancellationToken cancellationToken)
    {
        var target = ResolveTarget(path);
        using var restore = Process.Start(new ProcessStartInfo("dotnet", ["restore", target, "--verbosity", "quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start 'dotnet restore'.");
        var output = restore.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = restore.StandardError.ReadToEndAsync(cancellationToken);
        await restore.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (restore.ExitCode, (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false)));
    }

    internal static string ResolveTarget(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            var extension = Path.GetExtension(full);
            if (IsSolution(full) || extension.Equals(".csproj", StringComparison.OrdinalIgnoreCase))
            {
                return full;
            }

            throw new ArgumentException($"'{path}' is not a solution (.sln, .slnx) or C# project (.csproj).", nameof(path));
        }

        if (Directory.Exists(full))
        {
            var candidates = Directory.GetFiles(full, "*.sln").Concat(Directory.GetFiles(full, "*.slnx")).ToArray();
            if (candidates.Length == 0)
            {
                candidates = Directory.GetFiles(full, "*.csproj");
            }

            return candidates.Length == 1
                ? candidates[0]
                : throw new ArgumentException(
                    candidates.Length == 0
                        ? $"'{path}' holds no solution or C# project."
                        : $"'{path}' holds several solutions or projects; name one of them.",
                    nameof(path));
        }

        throw new FileNotFoundException($"'{path}' does not exist.", full);
    }

    /// <summary>The project files a .sln or .slnx lists (full paths).</summary>
    internal static HashSet<string> SolutionProjectPaths(string solutionPath)
    {
        var directory = Path.GetDirectoryName(solutionPath)!;
        var text = File.ReadAllText(solutionPath);
        var relative = solutionPath.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase)
            ? System.Xml.Linq.XDocument.Parse(text).Descendants("Project").Select(e => (string?)e.Attribute("Path")).OfType<string>()
            : SlnProjectLine().Matches(text).Select(m => m.Groups["path"].Value);
        return relative
            .Where(r => r.EndsWith("proj", StringComparison.OrdinalIgnoreCase))
            .Select(r => Path.GetFullPath(Path.Combine(directory, r.Replace('\\', Path.DirectorySeparatorChar))))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Project\\(\"\\{[^}]+\\}\"\\)\\s*=\\s*\"[^\"]*\"\\s*,\\s*\"(?<path>[^\"]+)\"", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex SlnProjectLine();

    private static bool IsSolution(string path)
        => path.EndsWith(".sln", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".slnx", StringComparison.OrdinalIgnoreCase);

    private static bool IsBuildOutput(string file)
    {
        var normalized = file.Replace('\\', '/');
        return normalized.Contains("/obj/", StringComparison.Ordinal) || normalized.Contains("/bin/", StringComparison.Ordinal);
    }

    private static string DisplayName(Project project)
    {
        // "MyApp(net8.0)" → "MyApp" for multi-targeted projects.
        var name = project.Name;
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 && name.EndsWith(')') ? name[..paren] : name;
    }

    private static void EnsureMSBuildRegistered()
    {
        lock (LocatorLock)
        {
            if (!MSBuildLocator.IsRegistered)
            {
                MSBuildLocator.RegisterDefaults();
            }
        }
    }
}
