namespace Polycloud.Billing.Internal;

/// <summary>
/// Checks that records carry the FOCUS columns a consumer needs, so that records read with a column projection that
/// lacks one fail clearly instead of adding up nulls. Records of one read share one <see cref="FocusColumnSet"/>
/// instance, so the per-record cost is a reference comparison.
/// </summary>
internal sealed class ColumnGuard(FocusColumnSet required, string argumentName, string consumer)
{
    private FocusColumnSet? _accepted;

    public void Check(FocusRecord record)
    {
        var columns = record.Columns;
        if (ReferenceEquals(columns, _accepted))
        {
            return;
        }

        if (!columns.IsSupersetOf(required))
        {
            throw CloudException.InvalidArgument(
                argumentName,
                $"Record {record.SourceRowNumber} was read without the column(s) {required.Except(columns)} that {consumer} needs: " +
                "read the file without FocusReadOptions.Columns, or with a column set that includes them, or pass the file path instead of records.");
        }

        _accepted = columns;
    }
}
