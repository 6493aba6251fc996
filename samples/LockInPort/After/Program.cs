using LockInPort.Adapters;
using LockInPort.Receipts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);

// Which cloud is configuration: Receipts:Provider = aws | azure | google.
builder.Services.AddReceiptAdapters(builder.Configuration.GetSection("Receipts"));
builder.Services.AddSingleton<ReceiptService>();

using var host = builder.Build();
var service = host.Services.GetRequiredService<ReceiptService>();
if (args.Length == 2)
{
    await service.ArchiveAsync(args[0], await File.ReadAllBytesAsync(args[1]));
}
