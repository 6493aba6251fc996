// Polycloud quick start: the same code on a local folder, S3, Azure Blob Storage or Google Cloud Storage.
// Where the "documents" bucket lives is configuration only (appsettings.json, environment, command line):
//   dotnet run --project samples/QuickStart
//   dotnet run --project samples/QuickStart -- --Polycloud:Blobs:documents=mem://documents
//   dotnet run --project samples/QuickStart -- --Polycloud:Blobs:documents="s3://my-bucket?region=eu-west-1"
//   dotnet run --project samples/QuickStart -- --Polycloud:Blobs:documents:Url=azblob://docs --Polycloud:Blobs:documents:ConnectionString="…"
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polycloud;
using Polycloud.Blobs;
using QuickStart;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddPolycloud(builder.Configuration).AddAws().AddAzure().AddGoogle();

using var host = builder.Build();
var documents = host.Services.GetRequiredKeyedService<BlobBucket>("documents");
await new DocumentArchive(documents, Console.Out).RunAsync();
