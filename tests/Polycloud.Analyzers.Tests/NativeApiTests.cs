namespace Polycloud.Analyzers.Tests;

public class NativeApiTests
{
    [Fact]
    public async Task S3_calls_creations_and_parameters_name_the_portable_equivalent()
    {
        const string source = """
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            class Uploader
            {
                async Task Run(IAmazonS3 {|#0:s3|})
                {
                    await s3.{|#1:PutObjectAsync|}(new {|#2:PutObjectRequest|} { BucketName = "b", Key = "k" });
                    using var response = await s3.{|#3:GetObjectAsync|}("b", "k");
                    var client = new {|#4:AmazonS3Client|}();
                    await client.{|#5:DeleteObjectAsync|}("b", "k");
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Portable(0, "IAmazonS3", "AWS", "S3", "Polycloud.Blobs.BlobBucket"),
            D.Portable(1, "IAmazonS3.PutObjectAsync", "AWS", "S3", "Polycloud.Blobs.BlobBucket.UploadAsync"),
            D.Portable(2, "new PutObjectRequest", "AWS", "S3", "Polycloud.Blobs.BlobBucket"),
            D.Portable(3, "IAmazonS3.GetObjectAsync", "AWS", "S3", "Polycloud.Blobs.BlobBucket.OpenReadAsync"),
            D.Portable(4, "new AmazonS3Client", "AWS", "S3", "Polycloud.Blobs.BlobBucket"),
            D.Portable(5, "AmazonS3Client.DeleteObjectAsync", "AWS", "S3", "Polycloud.Blobs.BlobBucket.DeleteAsync"));
    }

    [Fact]
    public async Task Provider_only_operations_are_lower_severity_hotspots()
    {
        const string source = """
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            class Lifecycle
            {
                async Task Run(AmazonS3Client {|#0:s3|})
                {
                    await s3.{|#1:PutLifecycleConfigurationAsync|}(new {|#2:PutLifecycleConfigurationRequest|} { BucketName = "b" });
                    var region = Amazon.RegionEndpoint.{|#3:USEast1|};
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Portable(0, "AmazonS3Client", "AWS", "S3", "Polycloud.Blobs.BlobBucket"),
            D.Hotspot(1, "AmazonS3Client.PutLifecycleConfigurationAsync", "AWS", "S3"),
            D.Hotspot(2, "new PutLifecycleConfigurationRequest", "AWS", "S3"),
            D.Hotspot(3, "RegionEndpoint.USEast1", "AWS", "AWS SDK"));
    }

    [Fact]
    public async Task Sqs_operations_map_to_the_message_queue()
    {
        const string source = """
            using System.Threading.Tasks;
            using Amazon.SQS;

            class Worker
            {
                async Task Run(IAmazonSQS {|#0:sqs|})
                {
                    await sqs.{|#1:SendMessageAsync|}("https://queue", "hello");
                    var received = await sqs.{|#2:ReceiveMessageAsync|}("https://queue");
                    await sqs.{|#3:DeleteMessageAsync|}("https://queue", "handle");
                    await sqs.{|#4:PurgeQueueAsync|}("https://queue");
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Portable(0, "IAmazonSQS", "AWS", "SQS", "Polycloud.Queues.MessageQueue"),
            D.Portable(1, "IAmazonSQS.SendMessageAsync", "AWS", "SQS", "Polycloud.Queues.MessageQueue.SendAsync"),
            D.Portable(2, "IAmazonSQS.ReceiveMessageAsync", "AWS", "SQS", "Polycloud.Queues.MessageQueue.ReceiveAsync"),
            D.Portable(3, "IAmazonSQS.DeleteMessageAsync", "AWS", "SQS", "Polycloud.Queues.MessageQueue.CompleteAsync"),
            D.Hotspot(4, "IAmazonSQS.PurgeQueueAsync", "AWS", "SQS"));
    }

    [Fact]
    public async Task Azure_blob_and_queue_clients_including_inherited_members()
    {
        const string source = """
            using System;
            using System.IO;
            using System.Threading.Tasks;
            using Azure.Storage.Blobs;
            using Azure.Storage.Queues;

            class Store
            {
                private readonly BlobContainerClient {|#0:_container|} = new {|#1:BlobContainerClient|}("UseDevelopmentStorage=true", "c");

                async Task Run(Stream data, QueueClient {|#2:queue|})
                {
                    var blob = _container.{|#3:GetBlobClient|}("k");
                    await blob.{|#4:UploadAsync|}(data, overwrite: true);
                    await blob.{|#5:DownloadToAsync|}(Stream.Null);
                    await blob.{|#6:SetAccessTierAsync|}(Azure.Storage.Blobs.Models.AccessTier.{|#7:Cool|});
                    await queue.{|#8:SendMessageAsync|}("hi");
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Portable(0, "BlobContainerClient", "Azure", "Blob Storage", "Polycloud.Blobs.BlobBucket"),
            D.Portable(1, "new BlobContainerClient", "Azure", "Blob Storage", "Polycloud.Blobs.BlobBucket"),
            D.Portable(2, "QueueClient", "Azure", "Queue Storage", "Polycloud.Queues.MessageQueue"),
            D.Hotspot(3, "BlobContainerClient.GetBlobClient", "Azure", "Blob Storage"),
            D.Portable(4, "BlobClient.UploadAsync", "Azure", "Blob Storage", "Polycloud.Blobs.BlobBucket.UploadAsync"),
            D.Portable(5, "BlobBaseClient.DownloadToAsync", "Azure", "Blob Storage", "Polycloud.Blobs.BlobBucket.DownloadToAsync"),
            D.Hotspot(6, "BlobBaseClient.SetAccessTierAsync", "Azure", "Blob Storage"),
            D.Hotspot(7, "AccessTier.Cool", "Azure", "Blob Storage"),
            D.Portable(8, "QueueClient.SendMessageAsync", "Azure", "Queue Storage", "Polycloud.Queues.MessageQueue.SendAsync"));
    }

    [Fact]
    public async Task Google_storage_client()
    {
        const string source = """
            using System.IO;
            using System.Threading.Tasks;
            using Google.Cloud.Storage.V1;

            class Store
            {
                async Task Run(Stream data)
                {
                    var client = StorageClient.{|#1:Create|}();
                    await client.{|#2:UploadObjectAsync|}("bucket", "k", "text/plain", data);
                    await client.{|#3:GetBucketAsync|}("bucket");
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Portable(1, "StorageClient.Create", "Google", "Cloud Storage", "Polycloud.Blobs.BlobBucket (a bucket opened from configuration or a gs:// URL)"),
            D.Portable(2, "StorageClient.UploadObjectAsync", "Google", "Cloud Storage", "Polycloud.Blobs.BlobBucket.UploadAsync"),
            D.Hotspot(3, "StorageClient.GetBucketAsync", "Google", "Cloud Storage"));
    }

    [Fact]
    public async Task Fields_properties_return_types_generic_arguments_and_inheritance()
    {
        const string source = """
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using Amazon.S3;
            using Azure.Storage.Blobs;

            class {|#0:MyS3|} : AmazonS3Client
            {
            }

            class Holder
            {
                public List<BlobClient> {|#1:Blobs|} { get; } = new();
                private IAmazonS3[] {|#2:_clients|} = [];
                public Task<IAmazonS3> {|#3:Get|}() => Task.FromResult(_clients[0]);
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            D.Portable(0, "AmazonS3Client", "AWS", "S3", "Polycloud.Blobs.BlobBucket"),
            D.Portable(1, "List<BlobClient>", "Azure", "Blob Storage", "Polycloud.Blobs.BlobBucket"),
            D.Portable(2, "IAmazonS3[]", "AWS", "S3", "Polycloud.Blobs.BlobBucket"),
            D.Portable(3, "Task<IAmazonS3>", "AWS", "S3", "Polycloud.Blobs.BlobBucket"));
    }

    [Fact]
    public async Task Polycloud_apis_and_plain_dotnet_never_trigger()
    {
        const string source = """
            using System;
            using System.IO;
            using System.Net.Http;
            using System.Threading.Tasks;
            using Polycloud;

            class Service
            {
                async Task<string> Run(HttpClient http, Stream data)
                {
                    try
                    {
                        return await http.GetStringAsync("https://example.com/data");
                    }
                    catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)
                    {
                        throw CloudException.NotSupported("memory", "x");
                    }
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(source);
    }

    [Fact]
    public async Task Types_declared_in_the_analysed_code_are_not_native_even_in_an_sdk_namespace()
    {
        const string source = """
            namespace Amazon.S3.Fakes
            {
                public class FakeBucket { public void Put() { } }
            }

            class User
            {
                void Run() => new Amazon.S3.Fakes.FakeBucket().Put();
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(source);
    }

    [Fact]
    public async Task Nothing_is_reported_when_no_cloud_sdk_is_referenced()
    {
        var test = new AnalyzerTest<NativeCloudApiAnalyzer>(referencePolycloud: false)
        {
            TestCode = "class C { void M() { System.Console.WriteLine(); } }",
        };
        test.TestState.AdditionalReferences.Clear();
        test.TestState.AdditionalReferences.AddRange(TestReferences.Framework);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
