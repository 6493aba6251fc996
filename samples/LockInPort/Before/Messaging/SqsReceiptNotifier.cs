using Amazon.SQS;
using Amazon.SQS.Model;

namespace LockInPort.Messaging;

/// <summary>Announces archived receipts on an SQS queue and processes the announcements.</summary>
public sealed class SqsReceiptNotifier(IAmazonSQS sqs)
{
    private const string QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/receipts-archived";

    public Task AnnounceAsync(string id, CancellationToken cancellationToken = default)
        => sqs.SendMessageAsync(new SendMessageRequest(QueueUrl, id)
        {
            MessageGroupId = "receipts",
        }, cancellationToken);

    public async Task ProcessAsync(Func<string, Task> handler, CancellationToken cancellationToken = default)
    {
        var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest(QueueUrl)
        {
            MaxNumberOfMessages = 10,
            WaitTimeSeconds = 20,
        }, cancellationToken);

        foreach (var message in response.Messages ?? [])
        {
            try
            {
                await handler(message.Body);
                await sqs.DeleteMessageAsync(QueueUrl, message.ReceiptHandle, cancellationToken);
            }
            catch (InvalidOperationException)
            {
                await sqs.ChangeMessageVisibilityAsync(QueueUrl, message.ReceiptHandle, 0, cancellationToken);
            }
        }
    }
}
