using System.Globalization;
using ScottPlot;

namespace Polycloud.Billing;

/// <summary>Options for <see cref="CostChart"/>.</summary>
public sealed class CostChartOptions
{
    /// <summary>Image width in pixels (default 1000).</summary>
    public int Width { get; init; } = 1000;

    /// <summary>Image height in pixels (default 500).</summary>
    public int Height { get; init; } = 500;

    /// <summary>Chart title (default "Daily cost by provider").</summary>
    public string Title { get; init; } = "Daily cost by provider";

    /// <summary>Cost column plotted (EffectiveCost by default).</summary>
    public CostMetric Metric { get; init; } = CostMetric.EffectiveCost;
}

/// <summary>Renders cost charts as PNG images (ScottPlot).</summary>
public static class CostChart
{
    /// <summary>Renders daily cost by provider (one line per provider and currency) as a PNG image.</summary>
    /// <param name="records">Records.</param>
    /// <param name="options">Size, title and metric.</param>
    /// <param name="cancellationToken">Cancels the aggregation.</param>
    /// <returns>PNG bytes.</returns>
    public static async Task<byte[]> RenderDailyByProviderPngAsync(IAsyncEnumerable<FocusRecord> records, CostChartOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new CostChartOptions();
        var table = await new CostQuery().GroupBy(CostDimension.Provider).Per(CostGranularity.Day).Measure(options.Metric)
            .ExecuteAsync(records, cancellationToken).ConfigureAwait(false);
        return RenderPng(table, options);
    }

    /// <summary>Renders daily cost by provider to a PNG file.</summary>
    /// <param name="records">Records.</param>
    /// <param name="path">Destination file.</param>
    /// <param name="options">Size, title and metric.</param>
    /// <param name="cancellationToken">Cancels the aggregation and the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static async Task RenderDailyByProviderPngAsync(IAsyncEnumerable<FocusRecord> records, string path, CostChartOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw CloudException.InvalidArgument(nameof(path), "A destination path is required.");
        }

        var png = await RenderDailyByProviderPngAsync(records, options, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(path, png, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Renders a daily <see cref="CostTable"/> whose first dimension names the series (for example a provider) as a PNG
    /// line chart; days without cost for a series are drawn as zero.
    /// </summary>
    /// <param name="table">A table from a query with <see cref="CostGranularity.Day"/>.</param>
    /// <param name="options">Size and title.</param>
    /// <returns>PNG bytes.</returns>
    public static byte[] RenderPng(CostTable table, CostChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        options ??= new CostChartOptions();
        if (table.Granularity != CostGranularity.Day)
        {
            throw CloudException.InvalidArgument(nameof(table), "The table must be bucketed per day.");
        }

        if (options.Width < 100 || options.Height < 100)
        {
            throw CloudException.InvalidArgument(nameof(options), "Width and Height must be at least 100 pixels.");
        }

        var plot = new Plot();
        var days = table.Items.Select(r => r.Period!.Value).Distinct().Order().ToList();
        if (days.Count > 0)
        {
            var allDays = Enumerable.Range(0, days[^1].DayNumber - days[0].DayNumber + 1).Select(i => days[0].AddDays(i)).ToArray();
            var xs = allDays.Select(d => d.ToDateTime(TimeOnly.MinValue).ToOADate()).ToArray();
            var palette = new ScottPlot.Palettes.Category10();
            int index = 0;
            foreach (var series in table.Items.GroupBy(r => (Name: table.Dimensions.Count > 0 ? r.Keys[0] : "Total", r.Currency)).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
            {
                var byDay = series.ToDictionary(r => r.Period!.Value, r => r.Cost);
                var ys = allDays.Select(d => (double)byDay.GetValueOrDefault(d)).ToArray();
                var scatter = plot.Add.Scatter(xs, ys);
                scatter.LegendText = string.Create(CultureInfo.InvariantCulture, $"{series.Key.Name ?? "(none)"} ({series.Key.Currency})");
                scatter.Color = palette.GetColor(index++);
                scatter.LineWidth = 2;
                scatter.MarkerSize = 4;
            }

            plot.Axes.DateTimeTicksBottom();
            plot.ShowLegend(Alignment.UpperLeft);
        }

        plot.Title(options.Title);
        plot.YLabel(table.Metric.ToString());
        plot.XLabel("Day (UTC)");
        return plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
    }
}
