namespace Polycloud.Cli.LockIn;

/// <summary>One lock-in site found by the analyzers.</summary>
/// <param name="Project">The project name.</param>
/// <param name="FilePath">The absolute source file path.</param>
/// <param name="Line">1-based start line.</param>
/// <param name="Column">1-based start column.</param>
/// <param name="EndLine">1-based end line.</param>
/// <param name="EndColumn">1-based end column.</param>
/// <param name="RuleId">The diagnostic ID (PC0001…PC0006).</param>
/// <param name="Severity">The effective severity (error, warning, info).</param>
/// <param name="Provider">The cloud provider.</param>
/// <param name="Service">The provider's service.</param>
/// <param name="Portable">The portable equivalent, or <see langword="null"/> when there is none.</param>
/// <param name="Message">The diagnostic message.</param>
internal sealed record LockInFinding(
    string Project,
    string FilePath,
    int Line,
    int Column,
    int EndLine,
    int EndColumn,
    string RuleId,
    string Severity,
    string Provider,
    string Service,
    string? Portable,
    string Message)
{
    /// <summary>Whether Polycloud has a portable equivalent for this site.</summary>
    public bool HasPortableEquivalent => Portable is not null;
}

/// <summary>Lock-in sites of one provider service in one project.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="Service">The service.</param>
/// <param name="Sites">Number of lock-in sites.</param>
/// <param name="WithPortableEquivalent">How many of them have a portable equivalent.</param>
internal sealed record ServiceSummary(string Provider, string Service, int Sites, int WithPortableEquivalent)
{
    /// <summary>Share of sites with a portable equivalent, 0–1.</summary>
    public double PortableShare => Sites == 0 ? 1 : (double)WithPortableEquivalent / Sites;
}

/// <summary>Lock-in summary of one project.</summary>
/// <param name="Name">The project name.</param>
/// <param name="Path">The project file.</param>
/// <param name="Files">C# source files analysed.</param>
/// <param name="Lines">Source lines analysed.</param>
/// <param name="Services">Per provider/service counts, most sites first.</param>
internal sealed record ProjectSummary(string Name, string Path, int Files, int Lines, IReadOnlyList<ServiceSummary> Services)
{
    /// <summary>All lock-in sites.</summary>
    public int Sites => Services.Sum(s => s.Sites);

    /// <summary>Sites with a portable equivalent.</summary>
    public int WithPortableEquivalent => Services.Sum(s => s.WithPortableEquivalent);

    /// <summary>Share of sites with a portable equivalent, 0–1.</summary>
    public double PortableShare => Sites == 0 ? 1 : (double)WithPortableEquivalent / Sites;

    /// <summary>Weighted sites (see <see cref="LockInScore"/>).</summary>
    public double WeightedSites { get; init; }

    /// <summary>The lock-in score, 0 (none) to 100.</summary>
    public int Score => LockInScore.Compute(WeightedSites, Lines);
}

/// <summary>The whole report: per project, plus totals.</summary>
/// <param name="Target">The solution or project analysed.</param>
/// <param name="Projects">Per-project summaries.</param>
/// <param name="Findings">Every site, in file order.</param>
/// <param name="Elapsed">Wall-clock time of the analysis.</param>
internal sealed record LockInReport(string Target, IReadOnlyList<ProjectSummary> Projects, IReadOnlyList<LockInFinding> Findings, TimeSpan Elapsed)
{
    /// <summary>Projects whose references did not resolve (packages not restored): their lock-in cannot be seen.</summary>
    public IReadOnlyList<UnresolvedReferences> Unresolved { get; init; } = [];

    /// <summary>All sites.</summary>
    public int Sites => Projects.Sum(p => p.Sites);

    /// <summary>Sites with a portable equivalent.</summary>
    public int WithPortableEquivalent => Projects.Sum(p => p.WithPortableEquivalent);

    /// <summary>Share of sites with a portable equivalent, 0–1.</summary>
    public double PortableShare => Sites == 0 ? 1 : (double)WithPortableEquivalent / Sites;

    /// <summary>Source lines analysed.</summary>
    public int Lines => Projects.Sum(p => p.Lines);

    /// <summary>The lock-in score of everything analysed, 0–100.</summary>
    public int Score => LockInScore.Compute(Projects.Sum(p => p.WeightedSites), Lines);

    /// <summary>Builds a report from findings and per-project sizes.</summary>
    public static LockInReport Create(string target, IEnumerable<(string Name, string Path, int Files, int Lines)> projects, IReadOnlyList<LockInFinding> findings, TimeSpan elapsed)
    {
        var summaries = new List<ProjectSummary>();
        foreach (var project in projects)
        {
            var own = findings.Where(f => f.Project == project.Name).ToList();
            var services = own
                .GroupBy(f => (f.Provider, f.Service))
                .Select(g => new ServiceSummary(g.Key.Provider, g.Key.Service, g.Count(), g.Count(f => f.HasPortableEquivalent)))
                .OrderByDescending(s => s.Sites)
                .ThenBy(s => s.Provider, StringComparer.Ordinal)
                .ThenBy(s => s.Service, StringComparer.Ordinal)
                .ToList();
            summaries.Add(new ProjectSummary(project.Name, project.Path, project.Files, project.Lines, services)
            {
                WeightedSites = own.Sum(LockInScore.Weight),
            });
        }

        var ordered = findings
            .OrderBy(f => f.Project, StringComparer.Ordinal)
            .ThenBy(f => f.FilePath, StringComparer.Ordinal)
            .ThenBy(f => f.Line)
            .ThenBy(f => f.Column)
            .ToList();
        return new LockInReport(target, summaries, ordered, elapsed);
    }
}

/// <summary>
/// The single lock-in score. Each site is weighted — 1 when Polycloud has a portable equivalent (a mechanical port),
/// 3 for a provider-only feature (a redesign), 2 for a native escape hatch (deliberate, but provider-bound code follows).
/// With <c>D</c> the weighted sites per 1,000 source lines, <c>score = 100 × D / (D + 25)</c>: 0 means no lock-in,
/// 25 weighted sites per 1,000 lines scores 50, and the score approaches 100 as lock-in gets denser (any lock-in
/// scores at least 1; the maximum is 99). It compares
/// projects of different sizes, and the same project before and after a port.
/// </summary>
internal static class LockInScore
{
    /// <summary>The weighted sites per 1,000 lines that score 50.</summary>
    public const double HalfScoreDensity = 25;

    /// <summary>The weight of one site.</summary>
    public static double Weight(LockInFinding finding)
        => finding.RuleId == "PC0006" ? 2 : finding.HasPortableEquivalent ? 1 : 3;

    /// <summary>Computes the score from weighted sites and source lines.</summary>
    public static int Compute(double weightedSites, int lines)
    {
        if (weightedSites <= 0)
        {
            return 0;
        }

        var density = weightedSites * 1000.0 / Math.Max(lines, 1);
        var score = (int)Math.Round(100 * density / (density + HalfScoreDensity), MidpointRounding.AwayFromZero);

        // 0 is reserved for "no lock-in at all", and the curve never reaches 100.
        return Math.Clamp(score, 1, 99);
    }
}

/// <summary>A project whose references did not resolve.</summary>
/// <param name="Project">The project name.</param>
/// <param name="Errors">How many compiler errors say a type, namespace or assembly was not found.</param>
/// <param name="First">The first of them.</param>
internal sealed record UnresolvedReferences(string Project, int Errors, string First);
