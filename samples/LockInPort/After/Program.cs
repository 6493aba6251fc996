using LockInPort.Receipts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polycloud;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Which cloud holds the receipts is configuration only: Polycloud:Blobs:receipts and Polycloud:Queues:receipt-events.
builder.Services.AddPolycloud(builder.Configuration).AddAws().AddAzure().AddGoogle();
builder.Services.AddSingleton<ReceiptService>();

using var host = builder.Build();
var service = host.Services.GetRequiredService<ReceiptService>();
if (args.Length == 2)
{
    await service.ArchiveAsync(args[0], await File.ReadAllBytesAsync(args[1]));
}

foreach (string id in await service.ListAsync())
{
    Console.WriteLine(id);
}
