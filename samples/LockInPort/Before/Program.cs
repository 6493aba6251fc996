using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Amazon.SQS;
using LockInPort.Messaging;
using LockInPort.Receipts;
using LockInPort.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);

builder.Services.AddDefaultAWSOptions(builder.Configuration.GetAWSOptions());
builder.Services.AddAWSService<IAmazonS3>();
builder.Services.AddAWSService<IAmazonSQS>();
builder.Services.AddAzureClients(clients =>
{
    clients.AddBlobServiceClient(builder.Configuration.GetConnectionString("receipts"));
    clients.AddQueueServiceClient(builder.Configuration.GetConnectionString("receipts"));
});

builder.Services.AddSingleton<S3ReceiptStore>();
builder.Services.AddSingleton<SqsReceiptNotifier>();
builder.Services.AddSingleton<ReceiptService>();

using var host = builder.Build();
var service = host.Services.GetRequiredService<ReceiptService>();
if (args.Length == 2)
{
    await service.ArchiveAsync(args[0], await File.ReadAllBytesAsync(args[1]));
}
