using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Queues;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Polycloud.Aws.Queues;
using Polycloud.Azure.Queues;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Queues;

namespace Polycloud.Benchmarks.Queues;

/// <summary>
/// SQS: the raw AWSSDK.SQS call against the same call through <see cref="MessageQueue"/> over
/// <see cref="SqsQueueDriver"/>, on one <see cref="AmazonSQSClient"/>. Each category is one pair; the raw call is its
/// baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class SqsQueueBenchmarks
{
    private static readonly List<string> All = ["All"];
    private static readonly List<string> SystemAttributes = ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId"];
    private AmazonSQSClient _client = null!;
    private string _queueUrl = null!;
    private MessageQueue _queue = null!;
    private QueueMessage[] _batch = null!;

    /// <summary>The client the pairs share.</summary>
    protected AmazonSQSClient Client => _client;

    /// <summary>The URL of the queue the pairs use.</summary>
    protected string QueueUrl => _queueUrl;

    /// <summary>Creates the client the pairs share.</summary>
    protected abstract AmazonSQSClient CreateClient();

    /// <summary>Returns the URL of the queue the pairs use, creating it where there is a server to create it on.</summary>
    protected abstract Task<string> CreateQueueAsync(AmazonSQSClient client);

    /// <summary>Makes sure a message is there for the receive pair (emulators only; the same raw call on both sides).</summary>
    protected virtual Task BeforeReceiveAsync(AmazonSQSClient client, string queueUrl) => Task.CompletedTask;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _client = CreateClient();
        _queueUrl = await CreateQueueAsync(_client);
        _queue = new MessageQueue(new SqsQueueDriver(_client, _queueUrl));
        _batch = Enumerable.Range(0, 10).Select(_ => new QueueMessage(SqsInProcessHandler.Body)).ToArray();
    }

    [GlobalCleanup]
    public virtual void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("send")]
    public Task<SendMessageResponse> Raw_Send() => _client.SendMessageAsync(new SendMessageRequest { QueueUrl = _queueUrl, MessageBody = SqsInProcessHandler.Body });

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

        return _client.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = _queueUrl, Entries = entries });
    }

    [Benchmark, BenchmarkCategory("send-batch-10")]
    public Task<IReadOnlyList<string>> Portable_SendBatch() => _queue.SendBatchAsync(_batch);

    [Benchmark(Baseline = true), BenchmarkCategory("receive+complete")]
    public async Task<string> Raw_ReceiveComplete()
    {
        await BeforeReceiveAsync(_client, _queueUrl);
        var received = await _client.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = _queueUrl,
            MaxNumberOfMessages = 1,
            VisibilityTimeout = 30,
            MessageAttributeNames = All,
            MessageSystemAttributeNames = SystemAttributes,
        });
        var m = received.Messages[0];
        await _client.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = _queueUrl, ReceiptHandle = m.ReceiptHandle });
        return m.Body;
    }

    [Benchmark, BenchmarkCategory("receive+complete")]
    public async Task<BinaryData> Portable_ReceiveComplete()
    {
        await BeforeReceiveAsync(_client, _queueUrl);
        var received = await _queue.ReceiveAsync(1);
        var m = received[0];
        await _queue.CompleteAsync(m);
        return m.Body;
    }
}

/// <summary>The SQS pairs over the in-process transport (<see cref="SqsInProcessHandler"/>).</summary>
[OverheadSuite("SQS", BenchTransport.InProcess)]
public class SqsQueueInProcessBenchmarks : SqsQueueBenchmarks
{
    /// <inheritdoc/>
    protected override AmazonSQSClient CreateClient() => new(
        new BasicAWSCredentials("bench", "bench"),
        new AmazonSQSConfig { ServiceURL = "http://sqs.local", AuthenticationRegion = "us-east-1", HttpClientFactory = new InProcessHttpClientFactory(new SqsInProcessHandler()), MaxErrorRetry = 0 });

    /// <inheritdoc/>
    protected override Task<string> CreateQueueAsync(AmazonSQSClient client) => Task.FromResult("http://sqs.local/000000000000/bench");
}

/// <summary>
/// The SQS pairs against fauxqs over loopback (<c>POLYCLOUD_TEST_FAUXQS</c>, default http://127.0.0.1:4566; any
/// credentials, signed for us-east-1), in a queue of its own that cleanup deletes. The receive+complete pair first
/// sends one message with the same raw call on both sides, so there is always one to receive.
/// </summary>
[OverheadSuite("SQS", BenchTransport.Emulator)]
public class SqsQueueLoopbackBenchmarks : SqsQueueBenchmarks
{
    private readonly string _name = "bench-" + Guid.NewGuid().ToString("N")[..10];

    /// <inheritdoc/>
    protected override AmazonSQSClient CreateClient() => new(
        new BasicAWSCredentials("test", "test"),
        new AmazonSQSConfig
        {
            ServiceURL = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_FAUXQS") is { Length: > 0 } e ? e : "http://127.0.0.1:4566",
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    /// <inheritdoc/>
    protected override async Task<string> CreateQueueAsync(AmazonSQSClient client)
        => (await client.CreateQueueAsync(new CreateQueueRequest { QueueName = _name })).QueueUrl;

    /// <inheritdoc/>
    protected override Task BeforeReceiveAsync(AmazonSQSClient client, string queueUrl)
        => client.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = SqsInProcessHandler.Body });

    /// <inheritdoc/>
    public override void Cleanup()
    {
        // Best effort: the emulators are throwaway servers, but shared.
        try
        {
            Client.DeleteQueueAsync(QueueUrl).GetAwaiter().GetResult();
        }
        catch (AmazonServiceException)
        {
        }

        base.Cleanup();
    }
}

/// <summary>
/// Azure Storage queues: the raw Azure.Storage.Queues call against the same call through <see cref="MessageQueue"/> over
/// <see cref="AzureQueueDriver"/>, on one <see cref="QueueClient"/> (Base64 message encoding, as the driver expects).
/// Each category is one pair; the raw call is its baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class AzureQueueBenchmarks
{
    /// <summary>The well-known key of Azurite's <c>devstoreaccount1</c> account.</summary>
    protected const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);
    private static readonly BinaryData Body = BinaryData.FromString(AzureQueueInProcessHandler.Body);
    private QueueClient _client = null!;
    private MessageQueue _queue = null!;
    private QueueMessage[] _batch = null!;

    /// <summary>The queue client the pairs share.</summary>
    protected QueueClient Client => _client;

    /// <summary>Creates the queue client the pairs share.</summary>
    protected abstract QueueClient CreateClient();

    /// <summary>Creates the queue (emulators only).</summary>
    protected virtual Task PrepareAsync(QueueClient client) => Task.CompletedTask;

    /// <summary>Makes sure a message is there for the receive pair (emulators only; the same raw call on both sides).</summary>
    protected virtual Task BeforeReceiveAsync(QueueClient client) => Task.CompletedTask;

    /// <summary>Sends the benchmark body with the raw SDK call of the send pair.</summary>
    protected static Task<Response<global::Azure.Storage.Queues.Models.SendReceipt>> RawSendAsync(QueueClient client)
        => client.SendMessageAsync(Body, null, NeverExpires);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _client = CreateClient();
        _queue = new MessageQueue(new AzureQueueDriver(_client, clientEncodesBase64: true));
        _batch = Enumerable.Range(0, 10).Select(_ => new QueueMessage(Body)).ToArray();
        await PrepareAsync(_client);
    }

    [GlobalCleanup]
    public virtual void Cleanup()
    {
    }

    [Benchmark(Baseline = true), BenchmarkCategory("send")]
    public async Task<string> Raw_Send() => (await _client.SendMessageAsync(Body, null, NeverExpires)).Value.MessageId;

    [Benchmark, BenchmarkCategory("send")]
    public Task<string> Portable_Send() => _queue.SendAsync(Body);

    [Benchmark(Baseline = true), BenchmarkCategory("send-batch-10")]
    public async Task<int> Raw_SendBatch()
    {
        // Azure has no batch send: ten concurrent Put Message calls, as the portable driver does.
        var tasks = new Task<Response<global::Azure.Storage.Queues.Models.SendReceipt>>[10];
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
        await BeforeReceiveAsync(_client);
        var received = await _client.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30));
        var m = received.Value[0];
        await _client.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        return m.Body;
    }

    [Benchmark, BenchmarkCategory("receive+complete")]
    public async Task<BinaryData> Portable_ReceiveComplete()
    {
        await BeforeReceiveAsync(_client);
        var received = await _queue.ReceiveAsync(1);
        var m = received[0];
        await _queue.CompleteAsync(m);
        return m.Body;
    }
}

/// <summary>The Azure queue pairs over the in-process transport (<see cref="AzureQueueInProcessHandler"/>, shared-key signing).</summary>
[OverheadSuite("Azure Queue", BenchTransport.InProcess)]
public class AzureQueueInProcessBenchmarks : AzureQueueBenchmarks
{
    private HttpClient _http = null!;

    /// <inheritdoc/>
    protected override QueueClient CreateClient()
    {
        _http = new HttpClient(new AzureQueueInProcessHandler());
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Transport = new HttpClientTransport(_http) };
        options.Retry.MaxRetries = 0;
        return new QueueClient(new Uri("http://127.0.0.1:10001/devstoreaccount1/bench"), new StorageSharedKeyCredential("devstoreaccount1", DevelopmentAccountKey), options);
    }

    /// <inheritdoc/>
    public override void Cleanup() => _http.Dispose();
}

/// <summary>
/// The Azure queue pairs against Azurite over loopback (<c>POLYCLOUD_TEST_AZURITE_QUEUE</c>, default
/// http://127.0.0.1:10001/devstoreaccount1; the well-known <c>devstoreaccount1</c> key), in a queue of its own that
/// cleanup deletes. The receive+complete pair first sends one message with the same raw call on both sides, so there is
/// always one to receive.
/// </summary>
[OverheadSuite("Azure Queue", BenchTransport.Emulator)]
public class AzureQueueLoopbackBenchmarks : AzureQueueBenchmarks
{
    private readonly string _name = "bench-" + Guid.NewGuid().ToString("N")[..10];

    /// <inheritdoc/>
    protected override QueueClient CreateClient()
    {
        string endpoint = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_AZURITE_QUEUE") is { Length: > 0 } e ? e : "http://127.0.0.1:10001/devstoreaccount1";
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 0;
        return new QueueClient(new Uri($"{endpoint.TrimEnd('/')}/{_name}"), new StorageSharedKeyCredential("devstoreaccount1", DevelopmentAccountKey), options);
    }

    /// <inheritdoc/>
    protected override Task PrepareAsync(QueueClient client) => client.CreateAsync();

    /// <inheritdoc/>
    protected override Task BeforeReceiveAsync(QueueClient client) => RawSendAsync(client);

    /// <inheritdoc/>
    public override void Cleanup() => Client.DeleteIfExists();
}
