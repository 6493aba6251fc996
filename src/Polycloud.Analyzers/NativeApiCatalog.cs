using System;
using System.Collections.Generic;

namespace Polycloud.Analyzers
{
    /// <summary>
    /// The one table that maps native cloud SDK APIs to their portable Polycloud equivalents. Everything the analyzers
    /// know about cloud SDKs is data in this file: add a service, a client type or a member here and every rule, the
    /// code fix and the lock-in report pick it up. Each member entry is checked by a test against the real SDK packages.
    /// </summary>
    internal static class NativeApiCatalog
    {
        internal const string Aws = "AWS";
        internal const string Azure = "Azure";
        internal const string Google = "Google";

        private const string BlobBucket = "Polycloud.Blobs.BlobBucket";
        private const string MessageQueue = "Polycloud.Queues.MessageQueue";
        private const string CloudFunction = "Polycloud.Functions.CloudFunction";
        private const string Databases = "Polycloud.Databases data source (services.AddPolycloud(configuration).AddDatabases())";
        private const string AddPolycloud = "services.AddPolycloud(configuration)";

        /// <summary>
        /// Namespaces that belong to a cloud SDK, longest match wins. <c>Portable</c> is the Polycloud type that covers the
        /// service, or <c>null</c> when the service is provider-only (every use is a lock-in hotspot).
        /// </summary>
        internal static readonly ServiceEntry[] Services =
        {
            // AWS
            new ServiceEntry("Amazon", Aws, "AWS SDK", null),
            new ServiceEntry("Amazon.Runtime", Aws, "SDK core", null),
            new ServiceEntry("Amazon.Util", Aws, "SDK core", null),
            new ServiceEntry("Amazon.S3", Aws, "S3", BlobBucket),
            new ServiceEntry("Amazon.SQS", Aws, "SQS", MessageQueue),
            new ServiceEntry("Amazon.SimpleNotificationService", Aws, "SNS", null),
            new ServiceEntry("Amazon.Lambda", Aws, "Lambda", CloudFunction),
            new ServiceEntry("Amazon.DynamoDBv2", Aws, "DynamoDB", null),
            new ServiceEntry("Amazon.RDS", Aws, "RDS", null),
            new ServiceEntry("Amazon.RDS.Util", Aws, "RDS", Databases),
            new ServiceEntry("Amazon.Kinesis", Aws, "Kinesis", null),
            new ServiceEntry("Amazon.KinesisFirehose", Aws, "Kinesis Firehose", null),
            new ServiceEntry("Amazon.EC2", Aws, "EC2", null),
            new ServiceEntry("Amazon.EventBridge", Aws, "EventBridge", null),
            new ServiceEntry("Amazon.StepFunctions", Aws, "Step Functions", null),
            new ServiceEntry("Amazon.SecretsManager", Aws, "Secrets Manager", null),
            new ServiceEntry("Amazon.SimpleSystemsManagement", Aws, "Systems Manager", null),
            new ServiceEntry("Amazon.CloudWatch", Aws, "CloudWatch", null),
            new ServiceEntry("Amazon.Extensions.NETCore.Setup", Aws, "SDK setup", AddPolycloud, ServiceKind.Registration),

            // Azure
            new ServiceEntry("Azure", Azure, "SDK core", null),
            new ServiceEntry("Azure.Core", Azure, "SDK core", null),
            new ServiceEntry("Azure.Identity", Azure, "Identity", null),
            new ServiceEntry("Azure.Storage", Azure, "Storage", null),
            new ServiceEntry("Azure.Storage.Blobs", Azure, "Blob Storage", BlobBucket),
            new ServiceEntry("Azure.Storage.Files.DataLake", Azure, "Data Lake Storage", null),
            new ServiceEntry("Azure.Storage.Files.Shares", Azure, "Files", null),
            new ServiceEntry("Azure.Storage.Queues", Azure, "Queue Storage", MessageQueue),
            new ServiceEntry("Azure.Messaging.ServiceBus", Azure, "Service Bus", MessageQueue),
            new ServiceEntry("Azure.Messaging.EventHubs", Azure, "Event Hubs", null),
            new ServiceEntry("Azure.Messaging.EventGrid", Azure, "Event Grid", null),
            new ServiceEntry("Azure.Data.Tables", Azure, "Table Storage", null),
            new ServiceEntry("Azure.Security.KeyVault", Azure, "Key Vault", null),
            new ServiceEntry("Azure.ResourceManager", Azure, "Resource Manager", null),
            new ServiceEntry("Microsoft.Azure", Azure, "Azure SDK", null),
            new ServiceEntry("Microsoft.Azure.Cosmos", Azure, "Cosmos DB", null),
            new ServiceEntry("Microsoft.Azure.Functions", Azure, "Functions", CloudFunction),
            new ServiceEntry("Microsoft.Azure.WebJobs", Azure, "Functions", CloudFunction),
            new ServiceEntry("Microsoft.WindowsAzure", Azure, "Azure SDK (legacy)", null),
            new ServiceEntry("Microsoft.Extensions.Azure", Azure, "client registration", AddPolycloud, ServiceKind.Registration),

            // Google Cloud (Google.Protobuf and other general-purpose Google libraries are not cloud SDKs)
            new ServiceEntry("Google.Cloud", Google, "Cloud client libraries", null),
            new ServiceEntry("Google.Cloud.Storage", Google, "Cloud Storage", BlobBucket),
            new ServiceEntry("Google.Cloud.PubSub", Google, "Pub/Sub", MessageQueue),
            new ServiceEntry("Google.Cloud.Functions", Google, "Cloud Functions", CloudFunction),
            new ServiceEntry("Google.Cloud.Firestore", Google, "Firestore", null),
            new ServiceEntry("Google.Cloud.BigQuery", Google, "BigQuery", null),
            new ServiceEntry("Google.Cloud.Spanner", Google, "Spanner", null),
            new ServiceEntry("Google.Apis", Google, "API client libraries", null),
            new ServiceEntry("Google.Apis.Storage", Google, "Cloud Storage", BlobBucket),
            new ServiceEntry("Google.Apis.Auth", Google, "Auth", null),
            new ServiceEntry("Google.Api.Gax", Google, "GAX", null),
        };

        /// <summary>
        /// Types outside the namespaces above that still belong to a cloud SDK (matched by full metadata name).
        /// </summary>
        internal static readonly ServiceEntry[] LooseTypes =
        {
            new ServiceEntry("Google.GoogleApiException", Google, "API client libraries", null),
        };

        /// <summary>
        /// Types in a service that has a portable equivalent which nevertheless model a provider-only feature (storage
        /// classes, server-side encryption settings, lifecycle rules, access tiers): their use is a lock-in hotspot.
        /// </summary>
        internal static readonly string[] ProviderOnlyTypes =
        {
            "Amazon.S3.ServerSideEncryptionMethod",
            "Amazon.S3.S3StorageClass",
            "Amazon.S3.S3CannedACL",
            "Amazon.S3.Model.PutLifecycleConfigurationRequest",
            "Amazon.S3.Model.LifecycleConfiguration",
            "Amazon.S3.Model.LifecycleRule",
            "Amazon.S3.Model.PutBucketPolicyRequest",
            "Amazon.S3.Model.PutBucketVersioningRequest",
            "Amazon.S3.Model.PutBucketNotificationRequest",
            "Amazon.S3.Model.RestoreObjectRequest",
            "Amazon.SQS.Model.SetQueueAttributesRequest",
            "Amazon.SQS.Model.PurgeQueueRequest",
            "Azure.Storage.Blobs.Models.AccessTier",
            "Azure.Storage.Blobs.Models.BlobImmutabilityPolicy",
            "Azure.Storage.Blobs.Models.BlobLegalHoldResult",
            "Azure.Storage.Blobs.Models.PublicAccessType",
            "Azure.Storage.Blobs.Models.RehydratePriority",
            "Google.Cloud.Storage.V1.PredefinedObjectAcl",
            "Google.Cloud.Storage.V1.PredefinedBucketAcl",
        };

        /// <summary>
        /// Assemblies whose DI / configuration glue lives in <c>Microsoft.Extensions.*</c> namespaces
        /// (for example <c>services.AddAWSService&lt;IAmazonS3&gt;()</c>). Matched by assembly name prefix.
        /// </summary>
        internal static readonly KeyValuePair<string, string>[] CloudAssemblyPrefixes =
        {
            new KeyValuePair<string, string>("AWSSDK.", Aws),
            new KeyValuePair<string, string>("Amazon.", Aws),
            new KeyValuePair<string, string>("Azure.", Azure),
            new KeyValuePair<string, string>("Microsoft.Azure.", Azure),
            new KeyValuePair<string, string>("Microsoft.Extensions.Azure", Azure),
            new KeyValuePair<string, string>("Google.Cloud.", Google),
            new KeyValuePair<string, string>("Google.Apis", Google),
            new KeyValuePair<string, string>("Google.Api.Gax", Google),
        };

        /// <summary>
        /// Client types and their operations with a portable equivalent. A group lists every type that declares the
        /// operations (the client class, its interface, base classes); members are looked up on the declaring type.
        /// Operations of a listed client type that are missing here are reported as provider-only features.
        /// </summary>
        internal static readonly ClientEntry[] Clients =
        {
            // ---- AWS S3 ----
            new ClientEntry(BlobBucket, new[] { "Amazon.S3.IAmazonS3", "Amazon.S3.AmazonS3Client" })
                .Map("PutObjectAsync", "UploadAsync")
                .Map("GetObjectAsync", "OpenReadAsync")
                .Map("GetObjectMetadataAsync", "GetPropertiesAsync")
                .Map("ListObjectsV2Async", "ListAsync")
                .Map("ListObjectsAsync", "ListAsync")
                .Map("CopyObjectAsync", "CopyAsync")
                .Map("DeleteObjectAsync", "DeleteAsync")
                .Map("GetPreSignedURLAsync", "GetSignedUrlAsync")
                .Map("GetPreSignedURL", "GetSignedUrlAsync"),
            new ClientEntry(BlobBucket, new[] { "Amazon.S3.Transfer.TransferUtility", "Amazon.S3.Transfer.ITransferUtility" })
                .Map("UploadAsync", "UploadAsync")
                .Map("DownloadAsync", "DownloadToAsync")
                .Map("OpenStreamAsync", "OpenReadAsync"),

            // ---- AWS SQS ----
            new ClientEntry(MessageQueue, new[] { "Amazon.SQS.IAmazonSQS", "Amazon.SQS.AmazonSQSClient" })
                .Map("SendMessageAsync", "SendAsync")
                .Map("SendMessageBatchAsync", "SendBatchAsync")
                .Map("ReceiveMessageAsync", "ReceiveAsync")
                .Map("DeleteMessageAsync", "CompleteAsync")
                .Map("ChangeMessageVisibilityAsync", "RenewLeaseAsync or AbandonAsync"),

            // ---- Azure Blob Storage ----
            new ClientEntry(BlobBucket, new[] { "Azure.Storage.Blobs.BlobContainerClient" })
                .Map("UploadBlobAsync", "UploadAsync")
                .Map("GetBlobsAsync", "ListAsync")
                .Map("DeleteBlobAsync", "DeleteAsync")
                .Map("DeleteBlobIfExistsAsync", "DeleteIfExistsAsync"),
            new ClientEntry(BlobBucket, new[]
                {
                    "Azure.Storage.Blobs.BlobClient",
                    "Azure.Storage.Blobs.Specialized.BlobBaseClient",
                    "Azure.Storage.Blobs.Specialized.BlockBlobClient",
                })
                .Map("UploadAsync", "UploadAsync")
                .Map("OpenReadAsync", "OpenReadAsync")
                .Map("DownloadContentAsync", "ReadAllAsync")
                .Map("DownloadToAsync", "DownloadToAsync")
                .Map("GetPropertiesAsync", "GetPropertiesAsync")
                .Map("ExistsAsync", "ExistsAsync")
                .Map("DeleteAsync", "DeleteAsync")
                .Map("DeleteIfExistsAsync", "DeleteIfExistsAsync")
                .Map("StartCopyFromUriAsync", "CopyAsync")
                .Map("GenerateSasUri", "GetSignedUrlAsync"),
            new ClientEntry(BlobBucket, new[] { "Azure.Storage.Blobs.BlobServiceClient" }),

            // ---- Azure Queue Storage ----
            new ClientEntry(MessageQueue, new[] { "Azure.Storage.Queues.QueueClient" })
                .Map("SendMessageAsync", "SendAsync")
                .Map("ReceiveMessagesAsync", "ReceiveAsync")
                .Map("DeleteMessageAsync", "CompleteAsync")
                .Map("UpdateMessageAsync", "RenewLeaseAsync or AbandonAsync"),
            new ClientEntry(MessageQueue, new[] { "Azure.Storage.Queues.QueueServiceClient" }),

            // ---- Google Cloud Storage ----
            new ClientEntry(BlobBucket, new[] { "Google.Cloud.Storage.V1.StorageClient" })
                .Map("UploadObjectAsync", "UploadAsync")
                .Map("DownloadObjectAsync", "DownloadToAsync")
                .Map("GetObjectAsync", "GetPropertiesAsync")
                .Map("ListObjectsAsync", "ListAsync")
                .Map("CopyObjectAsync", "CopyAsync")
                .Map("DeleteObjectAsync", "DeleteAsync")
                .Map("Create", "a bucket opened from configuration or a gs:// URL")
                .Map("CreateAsync", "a bucket opened from configuration or a gs:// URL"),
            new ClientEntry(BlobBucket, new[] { "Google.Cloud.Storage.V1.UrlSigner" })
                .Map("SignAsync", "GetSignedUrlAsync")
                .Map("Sign", "GetSignedUrlAsync"),
        };

        /// <summary>
        /// Native status codes (HTTP) and the portable <c>Polycloud.CloudErrorCode</c> member they become, as the drivers'
        /// one status table (<c>Polycloud.Drivers.CloudErrors</c>, docs/errors.md) maps them. Used by the exception code
        /// fix to rewrite <c>when (e.StatusCode == HttpStatusCode.NotFound)</c> filters. 409 is not here: it becomes
        /// AlreadyExists or PreconditionFailed depending on the native code, so a filter on it alone has no mechanical
        /// rewrite.
        /// </summary>
        internal static readonly KeyValuePair<int, string>[] HttpStatusToErrorCode =
        {
            new KeyValuePair<int, string>(400, "InvalidArgument"),
            new KeyValuePair<int, string>(401, "Unauthenticated"),
            new KeyValuePair<int, string>(403, "PermissionDenied"),
            new KeyValuePair<int, string>(404, "NotFound"),
            new KeyValuePair<int, string>(408, "Timeout"),
            new KeyValuePair<int, string>(412, "PreconditionFailed"),
            new KeyValuePair<int, string>(429, "Throttled"),
            new KeyValuePair<int, string>(500, "Unavailable"),
            new KeyValuePair<int, string>(501, "NotSupported"),
            new KeyValuePair<int, string>(502, "Unavailable"),
            new KeyValuePair<int, string>(503, "Unavailable"),
            new KeyValuePair<int, string>(504, "Timeout"),
        };

        /// <summary>Native string error codes (S3, SQS, Azure Storage, GCS) and their portable <c>CloudErrorCode</c> member.</summary>
        internal static readonly KeyValuePair<string, string>[] NativeErrorCodeToErrorCode =
        {
            new KeyValuePair<string, string>("NoSuchKey", "NotFound"),
            new KeyValuePair<string, string>("NoSuchBucket", "NotFound"),
            new KeyValuePair<string, string>("NotFound", "NotFound"),
            new KeyValuePair<string, string>("BlobNotFound", "NotFound"),
            new KeyValuePair<string, string>("ContainerNotFound", "NotFound"),
            new KeyValuePair<string, string>("QueueNotFound", "NotFound"),
            new KeyValuePair<string, string>("MessageNotFound", "NotFound"),
            new KeyValuePair<string, string>("AWS.SimpleQueueService.NonExistentQueue", "NotFound"),
            new KeyValuePair<string, string>("QueueDoesNotExist", "NotFound"),
            new KeyValuePair<string, string>("BucketAlreadyExists", "AlreadyExists"),
            new KeyValuePair<string, string>("BucketAlreadyOwnedByYou", "AlreadyExists"),
            new KeyValuePair<string, string>("BlobAlreadyExists", "AlreadyExists"),
            new KeyValuePair<string, string>("ContainerAlreadyExists", "AlreadyExists"),
            new KeyValuePair<string, string>("QueueAlreadyExists", "AlreadyExists"),
            new KeyValuePair<string, string>("PreconditionFailed", "PreconditionFailed"),
            new KeyValuePair<string, string>("ConditionNotMet", "PreconditionFailed"),
            new KeyValuePair<string, string>("AccessDenied", "PermissionDenied"),
            new KeyValuePair<string, string>("AuthorizationFailure", "PermissionDenied"),
            new KeyValuePair<string, string>("AuthorizationPermissionMismatch", "PermissionDenied"),
            new KeyValuePair<string, string>("InvalidAccessKeyId", "Unauthenticated"),
            new KeyValuePair<string, string>("SignatureDoesNotMatch", "Unauthenticated"),
            new KeyValuePair<string, string>("AuthenticationFailed", "Unauthenticated"),
            new KeyValuePair<string, string>("SlowDown", "Throttled"),
            new KeyValuePair<string, string>("ServerBusy", "Throttled"),
            new KeyValuePair<string, string>("ThrottlingException", "Throttled"),
            new KeyValuePair<string, string>("RequestThrottled", "Throttled"),
            new KeyValuePair<string, string>("InvalidArgument", "InvalidArgument"),
            new KeyValuePair<string, string>("InvalidBucketName", "InvalidArgument"),
            new KeyValuePair<string, string>("InternalError", "Unavailable"),
            new KeyValuePair<string, string>("ServiceUnavailable", "Unavailable"),
            new KeyValuePair<string, string>("RequestTimeout", "Timeout"),
            new KeyValuePair<string, string>("OperationTimedOut", "Timeout"),
        };

        internal static string? ErrorCodeForHttpStatus(int status)
        {
            foreach (var pair in HttpStatusToErrorCode)
            {
                if (pair.Key == status)
                {
                    return pair.Value;
                }
            }

            return null;
        }

        internal static string? ErrorCodeForNativeCode(string nativeCode)
        {
            foreach (var pair in NativeErrorCodeToErrorCode)
            {
                if (string.Equals(pair.Key, nativeCode, StringComparison.Ordinal))
                {
                    return pair.Value;
                }
            }

            return null;
        }
    }

    internal enum ServiceKind
    {
        Api,
        Registration,
    }

    /// <summary>A cloud SDK namespace (or loose type) and the service it belongs to.</summary>
    internal sealed class ServiceEntry
    {
        public ServiceEntry(string name, string provider, string service, string? portable, ServiceKind kind = ServiceKind.Api)
        {
            Name = name;
            Provider = provider;
            Service = service;
            Portable = portable;
            Kind = kind;
        }

        public string Name { get; }

        public string Provider { get; }

        public string Service { get; }

        public string? Portable { get; }

        public ServiceKind Kind { get; }
    }

    /// <summary>A group of native client types and the portable equivalents of their operations.</summary>
    internal sealed class ClientEntry
    {
        private readonly List<KeyValuePair<string, string>> _members = new List<KeyValuePair<string, string>>();

        public ClientEntry(string portableType, string[] typeNames)
        {
            PortableType = portableType;
            TypeNames = typeNames;
        }

        public string PortableType { get; }

        public IReadOnlyList<string> TypeNames { get; }

        public IReadOnlyList<KeyValuePair<string, string>> Members => _members;

        public ClientEntry Map(string nativeMember, string portableMember)
        {
            _members.Add(new KeyValuePair<string, string>(nativeMember, portableMember));
            return this;
        }
    }
}
