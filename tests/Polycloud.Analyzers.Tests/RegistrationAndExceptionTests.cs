namespace Polycloud.Analyzers.Tests;

public class RegistrationAndExceptionTests
{
    [Fact]
    public async Task Native_clients_registered_in_dependency_injection()
    {
        const string source = """
            using Amazon.S3;
            using Microsoft.Extensions.Azure;
            using Microsoft.Extensions.DependencyInjection;

            static class Startup
            {
                static void Configure(IServiceCollection services)
                {
                    services.{|#0:AddAWSService|}<IAmazonS3>();
                    services.{|#1:AddSingleton|}<IAmazonS3, AmazonS3Client>();
                    services.{|#2:AddAzureClients|}(builder => builder.{|#3:AddBlobServiceClient|}("UseDevelopmentStorage=true"));
                    services.AddSingleton<System.Net.Http.HttpClient>();
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Registration(0, "ServiceCollectionExtensions.AddAWSService<IAmazonS3>", "AWS"),
            D.Registration(1, "ServiceCollectionServiceExtensions.AddSingleton<IAmazonS3, AmazonS3Client>", "AWS"),
            D.Registration(2, "AzureClientServiceCollectionExtensions.AddAzureClients", "Azure"),
            D.Registration(3, "BlobClientBuilderExtensions.AddBlobServiceClient<AzureClientFactoryBuilder>", "Azure"));
    }

    [Fact]
    public async Task Catching_provider_exceptions_is_reported_once_per_catch()
    {
        const string source = """
            using System;
            using System.Net;
            using System.Threading.Tasks;
            using Amazon.S3;

            class Reader
            {
                async Task Run(Func<Task> action)
                {
                    try { await action(); }
                    catch ({|#0:AmazonS3Exception|} e) when (e.StatusCode == HttpStatusCode.NotFound) { }
                    catch ({|#1:Azure.RequestFailedException|} e) when (e.Status == 404) { }
                    catch ({|#2:Google.GoogleApiException|}) { }
                    catch (InvalidOperationException) { }
                    catch (Polycloud.CloudException) { }
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Catch(0, "AmazonS3Exception", "AWS S3"),
            D.Catch(1, "RequestFailedException", "Azure SDK core"),
            D.Catch(2, "GoogleApiException", "Google API client libraries"));
    }
}
