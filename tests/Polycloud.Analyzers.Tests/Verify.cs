using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Polycloud.Analyzers.Tests;

/// <summary>An analyzer test with the real cloud SDKs and (optionally) Polycloud referenced, no downloads.</summary>
internal sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest(bool referencePolycloud = true)
    {
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.Framework);
        TestState.AdditionalReferences.AddRange(TestReferences.CloudSdks);
        if (referencePolycloud)
        {
            TestState.AdditionalReferences.Add(TestReferences.Polycloud);
        }
    }

    /// <summary>Adds a <c>.globalconfig</c> with the given lines.</summary>
    public AnalyzerTest<TAnalyzer> WithGlobalConfig(params string[] lines)
    {
        TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\n" + string.Join("\n", lines) + "\n"));
        return this;
    }
}

/// <summary>A code-fix test with the same references.</summary>
internal sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest(bool referencePolycloud = true)
    {
        ReferenceAssemblies = TestReferences.None;
        foreach (var state in new[] { TestState, FixedState, BatchFixedState })
        {
            state.AdditionalReferences.AddRange(TestReferences.Framework);
            state.AdditionalReferences.AddRange(TestReferences.CloudSdks);
            if (referencePolycloud)
            {
                state.AdditionalReferences.Add(TestReferences.Polycloud);
            }
        }
    }
}

internal static class Verify
{
    public static Task AnalyzerAsync<TAnalyzer>(string source, params DiagnosticResult[] expected)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    public static DiagnosticResult Diagnostic(string id) => new(id, DiagnosticSeverity.Warning);
}
