using Polycloud.Cli;

return await CliApplication.RunAsync(args).ConfigureAwait(false);
