using System.Globalization;
using System.Text;

namespace Polycloud.Billing.Validation;

/// <summary>How serious a rule violation is.</summary>
public enum FocusRuleSeverity
{
    /// <summary>The data is not FOCUS-conformant.</summary>
    Error,
    /// <summary>The data can be read, but deviates from what FOCUS asks for (format, casing, consistency within tolerance).</summary>
    Warning,
}

/// <summary>One offending value.</summary>
/// <param name="RowNumber">1-based data row number, or 0 for a file-level finding (a missing column).</param>
/// <param name="Column">Column concerned, if any.</param>
/// <param name="Value">The offending value as found, if any.</param>
/// <param name="Message">What is wrong.</param>
public sealed record FocusViolation(long RowNumber, string? Column, string? Value, string Message);

/// <summary>The outcome of one rule over a whole dataset.</summary>
/// <param name="RuleId">Stable identifier, for example <c>VAL-ALLOWED-VALUE</c>.</param>
/// <param name="Description">What the rule checks.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="ViolationCount">How many values broke the rule.</param>
/// <param name="Examples">The first few violations (see <see cref="FocusValidationOptions.MaxExamplesPerRule"/>).</param>
public sealed record FocusRuleResult(string RuleId, string Description, FocusRuleSeverity Severity, long ViolationCount, IReadOnlyList<FocusViolation> Examples);

/// <summary>Result of <see cref="FocusValidator"/>: per rule, how often it was broken and example rows.</summary>
public sealed class FocusValidationReport
{
    internal FocusValidationReport(string? source, BillingExportFormat format, string version, long rowCount, IReadOnlyList<FocusRuleResult> rules)
    {
        Source = source;
        Format = format;
        Version = version;
        RowCount = rowCount;
        Rules = rules;
    }

    /// <summary>File checked, if known.</summary>
    public string? Source { get; }

    /// <summary>Format of the source; anything but <see cref="BillingExportFormat.Focus"/> was checked after conversion.</summary>
    public BillingExportFormat Format { get; }

    /// <summary>FOCUS version the data was checked against.</summary>
    public string Version { get; }

    /// <summary>Rows checked.</summary>
    public long RowCount { get; }

    /// <summary>Every rule that was evaluated, including those without violations.</summary>
    public IReadOnlyList<FocusRuleResult> Rules { get; }

    /// <summary>Rules with at least one violation.</summary>
    public IEnumerable<FocusRuleResult> Violations => Rules.Where(r => r.ViolationCount > 0);

    /// <summary>True when no error-severity rule was broken.</summary>
    public bool IsConformant => !Rules.Any(r => r.Severity == FocusRuleSeverity.Error && r.ViolationCount > 0);

    /// <summary>The result for a rule id, or null when the rule was not evaluated.</summary>
    /// <param name="ruleId">Rule identifier.</param>
    /// <returns>The rule result.</returns>
    public FocusRuleResult? this[string ruleId] => Rules.FirstOrDefault(r => r.RuleId == ruleId);

    /// <summary>A Markdown summary: one table row per broken rule with its count and first example.</summary>
    /// <returns>Markdown text.</returns>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"FOCUS {Version} check of {Source ?? "data"} ({Format}, {RowCount} rows): ")
          .AppendLine(IsConformant ? "conformant." : "not conformant.")
          .AppendLine()
          .AppendLine("| Rule | Severity | Violations | Example |")
          .AppendLine("|---|---|---:|---|");
        foreach (var rule in Violations)
        {
            var example = rule.Examples.Count > 0 ? rule.Examples[0] : null;
            var text = example is null ? string.Empty : $"row {example.RowNumber}: {example.Message}";
            sb.Append(CultureInfo.InvariantCulture, $"| {rule.RuleId} | {rule.Severity} | {rule.ViolationCount} | {Output.MarkdownTable.Escape(text)} |").AppendLine();
        }

        return sb.ToString();
    }
}

/// <summary>Options for <see cref="FocusValidator"/>.</summary>
public sealed class FocusValidationOptions
{
    /// <summary>FOCUS version to check mandatory columns against: <c>1.0</c>, <c>1.1</c> or <c>1.2</c> (default).</summary>
    public string Version { get; init; } = "1.2";

    /// <summary>Example violations kept per rule (default 5).</summary>
    public int MaxExamplesPerRule { get; init; } = 5;

    /// <summary>Relative tolerance for cost = unit price × quantity checks (default 0.1 %), on top of one cent.</summary>
    public decimal CostTolerance { get; init; } = 0.001m;
}
