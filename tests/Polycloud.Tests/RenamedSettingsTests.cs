using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.TestSupport.Logging;
using Xunit;

namespace Polycloud.Tests;

/// <summary>Renamed settings: the old name still works for one release, is recorded, and is never listed as a known setting.</summary>
public sealed class RenamedSettingsTests
{
    [Fact]
    public void OldName_StillWorks_AndIsRecorded()
    {
        var url = CloudUrl.Parse("azqueue://orders?serviceUri=http://127.0.0.1:10001/devstoreaccount1");
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), url.GetUri("endpoint", "serviceUri"));
        url.ThrowIfUnknownSettings("test");
        var obsolete = Assert.Single(url.ObsoleteSettings);
        Assert.Equal(new ObsoleteSetting("azqueue", "serviceUri", "endpoint"), obsolete);
    }

    [Fact]
    public void NewName_IsNotObsolete()
    {
        var url = CloudUrl.Parse("azqueue://orders?endpoint=http://127.0.0.1:10001/devstoreaccount1");
        Assert.NotNull(url.GetUri("endpoint", "serviceUri"));
        Assert.Empty(url.ObsoleteSettings);
    }

    [Fact]
    public void BothNames_AreAnError_NamingTheOldOne()
    {
        var url = CloudUrl.Parse("azqueue://orders?endpoint=http://a.example&serviceUri=http://b.example");
        var ex = Assert.Throws<CloudException>(() => url.GetUri("endpoint", "serviceUri"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'serviceUri'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("keep 'endpoint' only", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OldName_IsAccepted_ButNotListedAsKnown()
    {
        var url = CloudUrl.Parse("gcppubsub://t?unauthenticated=true&colour=red");
        Assert.True(url.GetBoolean("anonymous", "unauthenticated", false));
        var ex = Assert.Throws<CloudException>(() => url.ThrowIfUnknownSettings("test"));
        Assert.Contains("does not know: colour. Known settings: anonymous.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warning_IsLoggedOncePerSchemeAndSetting_NamingTheReplacement()
    {
        ObsoleteSettingsLog.Reset();
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs).BuildServiceProvider();
        for (int i = 0; i < 3; i++)
        {
            var url = CloudUrl.Parse("azfunc://app/f?auth=none");
            url.ReportObsolete("auth=none", "anonymous=true");
            ObsoleteSettingsLog.Report(url, services);
        }

        var other = CloudUrl.Parse("gcf://p/r/f?auth=none");
        other.ReportObsolete("auth=none", "anonymous=true");
        ObsoleteSettingsLog.Report(other, services);

        var warnings = logs.Logs.Where(l => l.Category == ObsoleteSettingsLog.Category).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        Assert.Equal("The setting 'auth=none' of azfunc:// resources is obsolete and will be removed in the next release; use 'anonymous=true'.", warnings[0].Message);
        Assert.Contains("gcf://", warnings[1].Message, StringComparison.Ordinal);
    }
}
