namespace Polycloud.Networking.Tests;

internal static class Fixture
{
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath));

    public static FlowEndpoint At(string address, params string[] tags) => new(System.Net.IPAddress.Parse(address)) { Tags = tags };

    public static CloudException InvalidArgument(Action action)
    {
        var exception = Assert.Throws<CloudException>(action);
        Assert.Equal(CloudErrorCode.InvalidArgument, exception.ErrorCode);
        return exception;
    }
}
