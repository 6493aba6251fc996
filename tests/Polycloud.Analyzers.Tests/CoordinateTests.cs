namespace Polycloud.Analyzers.Tests;

public class CoordinateTests
{
    [Fact]
    public async Task Hard_coded_cloud_coordinates_are_reported()
    {
        const string source = """
            class Settings
            {
                const string Topic = {|#0:"arn:aws:sns:us-east-1:123456789012:orders"|};
                string Role = {|#1:"arn:aws:iam::aws:policy/ReadOnlyAccess"|};
                string Endpoint = {|#2:"https://my-bucket.s3.eu-west-1.amazonaws.com/key"|};
                string Blob = {|#3:"https://acct.blob.core.windows.net/container"|};
                string Gcs = {|#4:"https://storage.googleapis.com/bucket/object"|};
                string Gs = {|#5:"gs://bucket/path"|};
                string S3 = {|#6:"s3://bucket/path"|};
                string Resource = {|#7:"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a"|};
                string Interpolated(string key) => $"{|#8:s3://bucket/|}{key}";
                string Connection = {|#9:"DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;EndpointSuffix=core.windows.net"|};
                string PubSub = {|#10:"projects/my-project/topics/orders"|};
            }
            """;
        await Verify.AnalyzerAsync<CloudCoordinateAnalyzer>(
            source,
            D.Coordinate(0, "AWS ARN with account ID 123456789012", "arn:aws:sns:us-east-1:123456789012:orders"),
            D.Coordinate(1, "AWS ARN", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            D.Coordinate(2, "AWS endpoint", "my-bucket.s3.eu-west-1.amazonaws.com"),
            D.Coordinate(3, "Azure Blob Storage endpoint", "acct.blob.core.windows.net"),
            D.Coordinate(4, "Google Cloud Storage endpoint", "storage.googleapis.com"),
            D.Coordinate(5, "Cloud Storage bucket URL", "gs://bucket/path"),
            D.Coordinate(6, "S3 bucket URL", "s3://bucket/path"),
            D.Coordinate(7, "Azure resource ID", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/provide..."),
            D.Coordinate(8, "S3 bucket URL", "s3://bucket/"),
            D.Coordinate(9, "Azure Storage connection string", "AccountName=…"),
            D.Coordinate(10, "Google Cloud resource name", "projects/my-project/topics/orders"));
    }

    [Fact]
    public async Task Ordinary_strings_are_not_coordinates()
    {
        const string source = """
            class Settings
            {
                string A = "https://example.com/data";
                string B = "Amazon and Azure and Google are providers";
                string C = ".amazonaws.com";
                string D = "arn:not-aws:thing";
                string E = "the s3 bucket";
                string F = "https://x.amazonaws.community/";
                string G = "UseDevelopmentStorage=true";
                string H = "mem://cache";
                int I = 123456789;
            }
            """;
        await Verify.AnalyzerAsync<CloudCoordinateAnalyzer>(source);
    }
}
