using Microsoft.CodeAnalysis.Testing;
using Polycloud.Analyzers.CodeFixes;

namespace Polycloud.Analyzers.Tests;

public class CodeFixTests
{
    private static Task RunAsync(string source, string fixedSource, params DiagnosticResult[] expected)
    {
        var test = new CodeFixTest<NativeCloudApiAnalyzer, ProviderExceptionCodeFixProvider>
        {
            TestCode = source,
            FixedCode = fixedSource,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Native_catch_with_status_filter_becomes_portable_catch_with_error_code()
    {
        const string source = """
            using System;
            using System.Net;
            using System.Threading.Tasks;
            using Amazon.S3;

            class Reader
            {
                async Task<bool> Exists(Func<Task> read)
                {
                    try
                    {
                        await read();
                        return true;
                    }
                    catch ({|#0:AmazonS3Exception|} e) when (e.StatusCode == HttpStatusCode.NotFound)
                    {
                        Console.WriteLine(e.Message);
                        return false;
                    }
                }
            }
            """;
        const string fixedSource = """
            using System;
            using System.Net;
            using System.Threading.Tasks;
            using Amazon.S3;
            using Polycloud;

            class Reader
            {
                async Task<bool> Exists(Func<Task> read)
                {
                    try
                    {
                        await read();
                        return true;
                    }
                    catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)
                    {
                        Console.WriteLine(e.Message);
                        return false;
                    }
                }
            }
            """;
        await RunAsync(source, fixedSource, D.Catch(0, "AmazonS3Exception", "AWS S3"));
    }

    [Fact]
    public async Task Azure_status_and_native_error_code_filters_are_rewritten()
    {
        const string source = """
            using System;
            using Polycloud;

            class Reader
            {
                void Run(Action action)
                {
                    try { action(); }
                    catch ({|#0:Azure.RequestFailedException|} e) when (e.ErrorCode == "BlobAlreadyExists" || e.ErrorCode == "ConditionNotMet") { throw; }
                    catch ({|#1:Amazon.SQS.AmazonSQSException|}) { }
                }
            }
            """;
        const string fixedSource = """
            using System;
            using Polycloud;

            class Reader
            {
                void Run(Action action)
                {
                    try { action(); }
                    catch (CloudException e) when (e.ErrorCode == CloudErrorCode.AlreadyExists || e.ErrorCode == CloudErrorCode.PreconditionFailed) { throw; }
                    catch (CloudException) { }
                }
            }
            """;
        var test = new CodeFixTest<NativeCloudApiAnalyzer, ProviderExceptionCodeFixProvider> { TestCode = source, FixedCode = fixedSource };
        test.ExpectedDiagnostics.Add(D.Catch(0, "RequestFailedException", "Azure SDK core"));
        test.ExpectedDiagnostics.Add(D.Catch(1, "AmazonSQSException", "AWS SQS"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task No_fix_when_the_handler_uses_native_members()
    {
        const string source = """
            using System;
            using Amazon.S3;

            class Reader
            {
                void Run(Action action)
                {
                    try { action(); }
                    catch ({|#0:AmazonS3Exception|} e) { Console.WriteLine(e.AmazonId2); }
                }
            }
            """;
        await RunAsync(source, source, D.Catch(0, "AmazonS3Exception", "AWS S3"));
    }

    [Fact]
    public async Task No_fix_when_the_filter_is_not_a_known_code_comparison()
    {
        const string source = """
            using System;
            using Amazon.S3;

            class Reader
            {
                void Run(Action action)
                {
                    try { action(); }
                    catch ({|#0:AmazonS3Exception|} e) when (e.Message.Length > 3) { }
                }
            }
            """;
        await RunAsync(source, source, D.Catch(0, "AmazonS3Exception", "AWS S3"));
    }

    [Fact]
    public async Task No_fix_when_the_project_does_not_reference_Polycloud()
    {
        const string source = """
            using System;
            using Amazon.S3;

            class Reader
            {
                void Run(Action action)
                {
                    try { action(); }
                    catch ({|#0:AmazonS3Exception|}) { }
                }
            }
            """;
        var test = new CodeFixTest<NativeCloudApiAnalyzer, ProviderExceptionCodeFixProvider>(referencePolycloud: false) { TestCode = source, FixedCode = source };
        test.ExpectedDiagnostics.Add(D.Catch(0, "AmazonS3Exception", "AWS S3"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
