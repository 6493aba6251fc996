using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Queues;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Polycloud.Aws.Queues;
using Polycloud.Azure.Queues;
using Polycloud.Queues;

namespace Polycloud.Benchmarks.Queues;

/// <summary>SQS: the raw SDK call and the portable call on the same client and in-process transport.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SqsQueueBenchmarks
{
    private const string QueueUrl = "http://sqs.local/000000000000/bench";
    private static readonly List<string> All = ["All"];
    private static readonly List<string> SystemAttributes = ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId"];
    private AmazonSQSClient _client = null!;
    private MessageQueue _queue = null!;
    private QueueMessage[] _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new AmazonSQSClient(
            new BasicAWSCredentials("bench", "bench"),
            new AmazonSQSConfig { ServiceURL = "http://sqs.local", AuthenticationRegion = "us-east-1", HttpClientFactory = new InProcessHttpClientFactory(new SqsInProcessHandler()), MaxErrorRetry = 0 });
        _queue = new MessageQueue(new SqsQueueDriver(_client, QueueUrl));
        _batch = Enumerable.Range(0, 10).Select(_ => new QueueMessage(SqsInProcessHandler.Body)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("send")]
    public Task<SendMessageResponse> Raw_Send() => _client.SendMessageAsync(new SendMessageRequest { QueueUrl = QueueUrl, MessageBody = SqsInProcessHandler.Body });

    [Benchmark, BenchmarkCategory("send")]
    public Task<string> Portable_Send() => _queue.SendAsync(SqsInProcessHandler.Body);

    [Benchmark(Baseline = true), BenchmarkCategory("send-batch-10")]
    public Task<SendMessageBatchResponse> Raw_SendBatch()
    {
        var entries = new List<SendMessageBatchRequestEntry>(10);
        for (int i = 0; i < 10; i++)
        {
            entries.Add(new SendMessageBatchRequestEntry { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), MessageBody = SqsInProcessHandler.Body });
        }

        return _client.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = QueueUrl, Entries = entries });
    }

    [Benchmark, BenchmarkCategory("send-batch-10")]
    public Task<IReadOnlyList<string>> Portable_SendBatch() => _queue.SendBatchAsync(_batch);

    [Benchmark(Baseline = true), BenchmarkCategory("receive+complete")]
    public async Task<string> Raw_ReceiveComplete()
    {
        var received = await _client.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = QueueUrl,
            MaxNumberOfMessages = 1,
            VisibilityTimeout = 30,
            MessageAttributeNames = All,
            MessageSystemAttributeNames = SystemAttributes,
        });
        var m = received.Messages[0];
        await _client.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = QueueUrl, ReceiptHandle = m.ReceiptHandle });
        return m.Body;
    }

    [Benchmark, BenchmarkCategory("receive+complete")]
    public async Task<BinaryData> Portable_ReceiveComplete()
    {
        var received = await _queue.ReceiveAsync(1);
        var m = received[0];
        await _queue.CompleteAsync(m);
        return m.Body;
    }
}

/// <summary>Azure Storage queues: the raw SDK call and the portable call on the same client and in-process transport.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AzureQueueBenchmarks
{
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);
    private static readonly BinaryData Body = BinaryData.FromString(AzureQueueInProcessHandler.Body);
    private HttpClient _http = null!;
    private QueueClient _client = null!;
    private MessageQueue _queue = null!;
    private QueueMessage[] _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _http = new HttpClient(new AzureQueueInProcessHandler());
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Transport = new HttpClientTransport(_http) };
        options.Retry.MaxRetries = 0;
        _client = new QueueClient(
            new Uri("http://127.0.0.1:10001/devstoreaccount1/bench"),
            new StorageSharedKeyCredential("devstoreaccount1", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="),
            options);
        _queue = new MessageQueue(new AzureQueueDriver(_client, clientEncodesBase64: true));
        _batch = Enumerable.Range(0, 10).Select(_ => new QueueMessage(Body)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _http.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("send")]
    public async Task<string> Raw_Send() => (await _client.SendMessageAsync(Body, null, NeverExpires)).Value.MessageId;

    [Benchmark, BenchmarkCategory("send")]
    public Task<string> Portable_Send() => _queue.SendAsync(Body);

    [Benchmark(Baseline = true), BenchmarkCategory("send-batch-10")]
    public async Task<int> Raw_SendBatch()
    {
        // Azure has no batch send: ten concurrent Put Message calls, as the portable driver does.
        var tasks = new Task<global::Azure.Response<global::Azure.Storage.Queues.Models.SendReceipt>>[10];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = _client.SendMessageAsync(Body, null, NeverExpires);
        }

        return (await Task.WhenAll(tasks)).Length;
    }

    [Benchmark, BenchmarkCategory("send-batch-10")]
    public async Task<int> Portable_SendBatch() => (await _queue.SendBatchAsync(_batch)).Count;

    [Benchmark(Baseline = true), BenchmarkCategory("receive+complete")]
    public async Task<BinaryData> Raw_ReceiveComplete()
    {
        var received = await _client.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30));
        var m = received.Value[0];
        await _client.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        return m.Body;
    }

    [Benchmark, BenchmarkCategory("receive+complete")]
    public async Task<BinaryData> Portable_ReceiveComplete()
    {
        var received = await _queue.ReceiveAsync(1);
        var m = received[0];
        await _queue.CompleteAsync(m);
        return m.Body;
    }
}
