using System.Collections.Frozen;

namespace Polycloud.Billing.Internal;

/// <summary>
/// Native service identifier → FOCUS ServiceCategory tables. A service not listed maps to <c>Other</c>,
/// which FOCUS defines for exactly that case.
/// </summary>
internal static class ServiceCategories
{
    private static readonly FrozenDictionary<string, string> Aws = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["AmazonEC2"] = "Compute", ["AWSLambda"] = "Compute", ["AmazonECS"] = "Compute", ["AmazonEKS"] = "Compute",
        ["AWSBatch"] = "Compute", ["AmazonLightsail"] = "Compute", ["AWSStates"] = "Integration", ["AmazonStates"] = "Integration",
        ["AmazonS3"] = "Storage", ["AmazonEFS"] = "Storage", ["AmazonFSx"] = "Storage", ["AmazonS3GlacierDeepArchive"] = "Storage",
        ["AmazonGlacier"] = "Storage", ["AWSBackup"] = "Storage", ["AWSStorageGateway"] = "Storage", ["AmazonECR"] = "Developer Tools",
        ["AmazonRDS"] = "Databases", ["AmazonDynamoDB"] = "Databases", ["AmazonElastiCache"] = "Databases", ["AmazonRedshift"] = "Analytics",
        ["AmazonDocDB"] = "Databases", ["AmazonNeptune"] = "Databases", ["AmazonMemoryDB"] = "Databases",
        ["AmazonVPC"] = "Networking", ["AmazonCloudFront"] = "Networking", ["AmazonRoute53"] = "Networking", ["AWSELB"] = "Networking",
        ["AWSDataTransfer"] = "Networking", ["AWSDirectConnect"] = "Networking", ["AmazonApiGateway"] = "Networking",
        ["AWSGlobalAccelerator"] = "Networking", ["AWSTransitGateway"] = "Networking",
        ["AWSQueueService"] = "Integration", ["AmazonSNS"] = "Integration", ["AmazonMQ"] = "Integration", ["AmazonEventBridge"] = "Integration",
        ["AWSEvents"] = "Integration", ["AmazonKinesis"] = "Analytics", ["AmazonAthena"] = "Analytics", ["AWSGlue"] = "Analytics",
        ["AmazonES"] = "Analytics", ["AmazonQuickSight"] = "Analytics", ["ElasticMapReduce"] = "Analytics",
        ["AmazonCloudWatch"] = "Management and Governance", ["AWSCloudTrail"] = "Management and Governance",
        ["AWSConfig"] = "Management and Governance", ["AWSSystemsManager"] = "Management and Governance",
        ["AWSCloudShell"] = "Developer Tools", ["AWSCodeBuild"] = "Developer Tools", ["AWSCodePipeline"] = "Developer Tools",
        ["AWSCostExplorer"] = "Management and Governance", ["AWSCloudFormation"] = "Management and Governance",
        ["awskms"] = "Security", ["AWSSecretsManager"] = "Security", ["AWSSecurityHub"] = "Security", ["awswaf"] = "Security",
        ["AmazonGuardDuty"] = "Security", ["AmazonCognito"] = "Identity", ["AWSDirectoryService"] = "Identity",
        ["AWSIoT"] = "Internet of Things", ["AWSMigrationHubRefactorSpaces"] = "Migration", ["AWSDatabaseMigrationSvc"] = "Migration",
        ["AmazonSageMaker"] = "AI and Machine Learning", ["AmazonBedrock"] = "AI and Machine Learning", ["AmazonRekognition"] = "AI and Machine Learning",
        ["AmazonSES"] = "Business Applications", ["AmazonConnect"] = "Business Applications", ["AWSAmplify"] = "Web",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Azure resource provider namespaces (ConsumedService) and meter categories.</summary>
    private static readonly FrozenDictionary<string, string> Azure = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft.Compute"] = "Compute", ["Microsoft.ContainerService"] = "Compute", ["Microsoft.ContainerInstance"] = "Compute",
        ["Microsoft.Web"] = "Web", ["Microsoft.Batch"] = "Compute", ["Microsoft.ClassicCompute"] = "Compute",
        ["Microsoft.Storage"] = "Storage", ["Microsoft.ClassicStorage"] = "Storage", ["Microsoft.RecoveryServices"] = "Storage",
        ["Microsoft.NetApp"] = "Storage", ["Microsoft.Network"] = "Networking", ["Microsoft.Cdn"] = "Networking",
        ["Microsoft.Sql"] = "Databases", ["Microsoft.DocumentDB"] = "Databases", ["Microsoft.DBforMySQL"] = "Databases",
        ["Microsoft.DBforPostgreSQL"] = "Databases", ["Microsoft.Cache"] = "Databases",
        ["Microsoft.EventHub"] = "Integration", ["Microsoft.ServiceBus"] = "Integration", ["Microsoft.Logic"] = "Integration",
        ["Microsoft.EventGrid"] = "Integration", ["Microsoft.ApiManagement"] = "Integration",
        ["Microsoft.DataFactory"] = "Analytics", ["Microsoft.Synapse"] = "Analytics", ["Microsoft.Databricks"] = "Analytics",
        ["Microsoft.Kusto"] = "Analytics", ["Microsoft.StreamAnalytics"] = "Analytics",
        ["Microsoft.Insights"] = "Management and Governance", ["Microsoft.OperationalInsights"] = "Management and Governance",
        ["Microsoft.Automation"] = "Management and Governance", ["Microsoft.KeyVault"] = "Security", ["Microsoft.Security"] = "Security",
        ["Microsoft.AAD"] = "Identity", ["Microsoft.AzureActiveDirectory"] = "Identity",
        ["Microsoft.MachineLearningServices"] = "AI and Machine Learning", ["Microsoft.CognitiveServices"] = "AI and Machine Learning",
        ["Microsoft.Devices"] = "Internet of Things", ["Microsoft.ContainerRegistry"] = "Developer Tools",
        ["Microsoft.Migrate"] = "Migration", ["Microsoft.Media"] = "Media",
        // Meter categories (used when ConsumedService is empty).
        ["Virtual Machines"] = "Compute", ["Storage"] = "Storage", ["Bandwidth"] = "Networking", ["Virtual Network"] = "Networking",
        ["Azure App Service"] = "Web", ["SQL Database"] = "Databases", ["Azure Cosmos DB"] = "Databases",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Google Cloud service descriptions.</summary>
    private static readonly FrozenDictionary<string, string> Gcp = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Compute Engine"] = "Compute", ["Kubernetes Engine"] = "Compute", ["Cloud Run"] = "Compute", ["Cloud Functions"] = "Compute",
        ["App Engine"] = "Compute", ["Cloud Storage"] = "Storage", ["Filestore"] = "Storage", ["Cloud SQL"] = "Databases",
        ["Cloud Spanner"] = "Databases", ["Cloud Bigtable"] = "Databases", ["Cloud Firestore"] = "Databases", ["Cloud Memorystore for Redis"] = "Databases",
        ["BigQuery"] = "Analytics", ["Dataflow"] = "Analytics", ["Cloud Dataproc"] = "Analytics", ["Cloud Pub/Sub"] = "Integration",
        ["Networking"] = "Networking", ["Cloud DNS"] = "Networking", ["Cloud CDN"] = "Networking", ["Cloud Load Balancing"] = "Networking",
        ["Cloud Interconnect"] = "Networking", ["Cloud Logging"] = "Management and Governance", ["Cloud Monitoring"] = "Management and Governance",
        ["Secret Manager"] = "Security", ["Cloud Key Management Service (KMS)"] = "Security", ["Identity Platform"] = "Identity",
        ["Vertex AI"] = "AI and Machine Learning", ["Artifact Registry"] = "Developer Tools", ["Cloud Build"] = "Developer Tools",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static string ForAws(string? productCode) => Lookup(Aws, productCode);

    public static string ForAzure(string? consumedService, string? meterCategory) =>
        consumedService is not null && Azure.TryGetValue(consumedService, out var c) ? c : Lookup(Azure, meterCategory);

    public static string ForGcp(string? serviceDescription) => Lookup(Gcp, serviceDescription);

    private static string Lookup(FrozenDictionary<string, string> map, string? key) =>
        key is not null && map.TryGetValue(key, out var category) ? category : "Other";
}
