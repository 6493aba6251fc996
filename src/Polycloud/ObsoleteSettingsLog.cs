using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Polycloud;

/// <summary>Logs each obsolete setting a resource URL used, once per process, as a warning naming its replacement.</summary>
internal static partial class ObsoleteSettingsLog
{
    /// <summary>The logger category of the warnings.</summary>
    public const string Category = "Polycloud.Settings";

    private static readonly ConcurrentDictionary<string, byte> Logged = new(StringComparer.OrdinalIgnoreCase);

    public static void Report(CloudUrl url, IServiceProvider? services)
    {
        var obsolete = url.ObsoleteSettings;
        if (obsolete.Count == 0)
        {
            return;
        }

        ILogger? logger = null;
        foreach (var setting in obsolete)
        {
            if (!Logged.TryAdd(setting.Scheme + "\n" + setting.Obsolete, 0))
            {
                continue;
            }

            logger ??= services?.GetService<ILoggerFactory>()?.CreateLogger(Category);
            if (logger is not null)
            {
                LogObsolete(logger, setting.Obsolete, setting.Scheme, setting.Replacement);
            }
            else
            {
                System.Diagnostics.Trace.TraceWarning($"Polycloud: the setting '{setting.Obsolete}' of {setting.Scheme}:// resources is obsolete and will be removed in the next release; use '{setting.Replacement}'.");
            }
        }
    }

    /// <summary>Forgets what was logged (tests).</summary>
    internal static void Reset() => Logged.Clear();

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "The setting '{Obsolete}' of {Scheme}:// resources is obsolete and will be removed in the next release; use '{Replacement}'.")]
    private static partial void LogObsolete(ILogger logger, string obsolete, string scheme, string replacement);
}
