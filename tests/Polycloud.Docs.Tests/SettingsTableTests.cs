using System.Text.RegularExpressions;
using Xunit;

namespace Polycloud.Docs.Tests;

public sealed class SettingsDumpTests
{
    [Fact]
    public void Dump()
    {
        var opener = new PolycloudOpener().AddAws().AddAzure().AddGoogle();
        var lines = new List<string>();
        void Try(string cap, string url, Action<string> open)
        {
            try { open(url + (url.Contains('?') ? "&" : "?") + "zzz=1"); lines.Add($"{cap} {url}: OPENED"); }
            catch (CloudException ex) { lines.Add($"{cap} {url}: {ex.Message}"); }
        }
        foreach (var u in new[] { "mem://b", "file:///tmp", "s3://bucket", "azblob://data", "gs://bucket" }) Try("blob", u, x => opener.OpenBucket(x));
        foreach (var u in new[] { "mem://q", "sqlite:///tmp/q.db", "sqs://q", "azqueue://q", "gcppubsub://projects/p/topics/t?subscription=s" }) Try("queue", u, x => opener.OpenQueue(x));
        foreach (var u in new[] { "local://f", "lambda://f", "azfunc://app/f", "gcf://proj/region/f", "gcf+https://host/f" }) Try("function", u, x => opener.OpenFunction(x));
        foreach (var u in new[] { "sqlite:///tmp/x.db", "postgresql://host/db?user=u", "mysql://host/db?user=u", "postgresql://host/db?user=u&auth=aws-iam&region=us-east-1", "postgresql://host/db?user=u&auth=azure-entra", "postgresql://host/db?user=u&auth=gcp-iam" }) Try("database", u, x => opener.OpenDatabase(x, [new("password", "x")]));
        File.WriteAllLines("/tmp/dump/settings.txt", lines);
    }
}
