using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Tests.Hosting;

/// <summary>
/// A hosted worker's settings reach its processing loop: every <see cref="QueueProcessOptions"/> setting is a
/// <see cref="QueueWorkerOptions"/> setting of the same name and type and is carried over, and every worker setting is
/// either carried over or one the worker itself uses. A property added to one type and not mapped fails here.
/// </summary>
public sealed class QueueWorkerOptionsMappingTests
{
    /// <summary>Processing options the worker supplies itself (its clock, its error log), not read from configuration.</summary>
    private static readonly string[] SuppliedByTheWorker = [nameof(QueueProcessOptions.TimeProvider), nameof(QueueProcessOptions.OnError)];

    /// <summary>Worker options the worker uses itself, not passed to the processing loop.</summary>
    private static readonly string[] UsedByTheWorker = [nameof(QueueWorkerOptions.ShutdownGracePeriod)];

    private static PropertyInfo[] Properties<T>() => typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    [Fact]
    public void Every_processing_setting_is_a_worker_setting_of_the_same_type()
    {
        var worker = Properties<QueueWorkerOptions>().ToDictionary(p => p.Name);
        foreach (var p in Properties<QueueProcessOptions>().Where(p => !SuppliedByTheWorker.Contains(p.Name)))
        {
            Assert.True(worker.TryGetValue(p.Name, out var w), $"QueueWorkerOptions has no '{p.Name}' (QueueProcessOptions has): add it, or list it as supplied by the worker.");
            Assert.Equal(p.PropertyType, w.PropertyType);
            Assert.True(w.CanWrite, $"QueueWorkerOptions.{p.Name} must be settable to be bound from configuration.");
        }
    }

    [Fact]
    public void Every_worker_setting_reaches_the_processing_loop_or_is_the_workers_own()
    {
        var process = Properties<QueueProcessOptions>().Select(p => p.Name).ToHashSet();
        foreach (var w in Properties<QueueWorkerOptions>())
        {
            Assert.True(process.Contains(w.Name) || UsedByTheWorker.Contains(w.Name), $"QueueWorkerOptions.{w.Name} is neither a QueueProcessOptions setting nor used by the worker itself.");
        }
    }

    [Fact]
    public void ToProcessOptions_carries_every_setting_over_and_the_defaults_agree()
    {
        // Defaults: a worker configured with nothing processes as QueueProcessOptions' defaults say.
        var defaults = new QueueWorkerOptions().ToProcessOptions(TimeProvider.System, null);
        var processDefaults = new QueueProcessOptions();
        foreach (var p in Properties<QueueProcessOptions>().Where(p => !SuppliedByTheWorker.Contains(p.Name)))
        {
            Assert.Equal(p.GetValue(processDefaults), p.GetValue(defaults));
        }

        // Every setting changed from its default arrives changed.
        var options = new QueueWorkerOptions();
        var expected = new Dictionary<string, object>();
        foreach (var w in Properties<QueueWorkerOptions>().Where(p => !UsedByTheWorker.Contains(p.Name)))
        {
            object changed = Changed(w.GetValue(options)!);
            w.SetValue(options, changed);
            expected[w.Name] = changed;
        }

        var clock = new FakeTimeProvider();
        Func<QueueProcessError, ValueTask> onError = static _ => ValueTask.CompletedTask;
        var mapped = options.ToProcessOptions(clock, onError);
        foreach (var (name, value) in expected)
        {
            Assert.Equal(value, typeof(QueueProcessOptions).GetProperty(name)!.GetValue(mapped));
        }

        Assert.Same(clock, mapped.TimeProvider);
        Assert.Same(onError, mapped.OnError);

        // A snapshot: changing the bound options later does not reach the mapped ones.
        options.MaxConcurrency = 999;
        Assert.Equal(expected[nameof(QueueWorkerOptions.MaxConcurrency)], mapped.MaxConcurrency);
    }

    private static object Changed(object value) => value switch
    {
        int i => i + 7,
        bool b => !b,
        TimeSpan t => t + TimeSpan.FromSeconds(3),
        _ => throw new InvalidOperationException($"Add a changed value for {value.GetType().Name} to this test."),
    };
}
