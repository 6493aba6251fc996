namespace Polycloud.Cli.Conventions;

/// <summary>The exit codes every <c>polycloud</c> command uses (docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>Everything was read and every check passed.</summary>
    public const int Ok = 0;

    /// <summary>The command ran, but a resource could not be read or failed a check; the output says which and why.</summary>
    public const int ResourceFailed = 1;

    /// <summary>Bad usage (unknown option, missing argument) or bad configuration (malformed file, unknown resource name, invalid URL).</summary>
    public const int UsageOrConfiguration = 2;
}
