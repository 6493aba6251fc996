namespace Polycloud.Billing;

/// <summary>Where a data transfer charge sends (or receives) data.</summary>
public enum DataTransferKind
{
    /// <summary>Out of the provider to the internet. Transfer to another cloud over the internet is billed as this.</summary>
    InternetEgress,
    /// <summary>Over a dedicated link (Direct Connect, ExpressRoute, Cloud Interconnect, Cross-Cloud Interconnect).</summary>
    DedicatedInterconnect,
    /// <summary>Between regions of the same provider.</summary>
    InterRegion,
    /// <summary>Between zones or within a region.</summary>
    IntraRegion,
    /// <summary>Into the provider (usually free).</summary>
    Ingress,
    /// <summary>To the provider's CDN edge or other provider-internal destinations.</summary>
    Other,
}

/// <summary>Recognises data transfer charges from their description, meter and service, across providers.</summary>
public static class DataTransferClassifier
{
    /// <summary>Classifies a record; null when it is not a data transfer charge (tax rows never are).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The kind of transfer, or null.</returns>
    public static DataTransferKind? Classify(FocusRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.ChargeCategory == "Tax")
        {
            return null; // tax on a transfer service is tax, not transfer
        }

        var text = string.Join(' ', record.ChargeDescription, record.SkuMeter, record.ServiceName);
        bool isTransfer = Has(text, "data transfer") || Has(text, "datatransfer") || Has(text, "bandwidth") || Has(text, "out-bytes") ||
            Has(text, "in-bytes") || Has(text, "regional-bytes") || Has(text, "egress") || Has(text, "ingress") ||
            Has(text, "inter-region") || Has(text, "interconnect") || Has(text, "directconnect") || Has(text, "direct connect") ||
            Has(text, "expressroute");
        if (!isTransfer)
        {
            return null;
        }

        if (Has(text, "interconnect") || Has(text, "direct connect") || Has(text, "directconnect") || Has(text, "expressroute"))
        {
            return DataTransferKind.DedicatedInterconnect;
        }

        if (Has(text, "cloudfront") || Has(text, " cdn"))
        {
            return DataTransferKind.Other;
        }

        if (Has(text, "intra-region") || Has(text, "intra region") || Has(text, "intraregion") || Has(text, "regional data transfer") ||
            Has(text, "regional-bytes") || Has(text, "between ec2 azs") || Has(text, "inter-zone") || Has(text, "inter zone") ||
            Has(text, "between zones") || Has(text, "intrazone"))
        {
            return DataTransferKind.IntraRegion;
        }

        if (Has(text, "-aws-out-bytes") || Has(text, "-aws-in-bytes") || Has(text, "inter-region") || Has(text, "inter region") ||
            Has(text, "interregion") || Has(text, "data transfer to ") || Has(text, "data transfer from ") || Has(text, "between regions") ||
            Has(text, "continent"))
        {
            return DataTransferKind.InterRegion;
        }

        if (Has(text, "data transfer in") || Has(text, "in-bytes") || Has(text, "ingress") || Has(text, "inbound"))
        {
            return DataTransferKind.Ingress;
        }

        if (Has(text, "internet") || Has(text, "data transfer out") || Has(text, "out-bytes") || Has(text, "egress") || Has(text, "outbound"))
        {
            return DataTransferKind.InternetEgress;
        }

        return DataTransferKind.Other;
    }

    private static bool Has(string text, string fragment) => text.Contains(fragment, StringComparison.OrdinalIgnoreCase);
}
