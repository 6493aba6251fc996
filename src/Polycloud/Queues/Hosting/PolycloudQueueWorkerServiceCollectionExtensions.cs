using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polycloud;
using Polycloud.DependencyInjection;
using Polycloud.Queues;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers hosted queue workers.</summary>
public static class PolycloudQueueWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Runs the processing loop of the queue configured as <c>Polycloud:Queues:{queueName}</c> as a hosted service for
    /// the life of the host: up to <see cref="QueueWorkerOptions.MaxConcurrency"/> messages at once, each handled by a
    /// <typeparamref name="THandler"/> resolved from a new scope; a message is completed when its handler returns and
    /// comes back when it throws. When the host stops, the worker stops receiving, lets running handlers finish for
    /// <see cref="QueueWorkerOptions.ShutdownGracePeriod"/>, then cancels their tokens (their messages come back).
    /// Options are read from <c>Polycloud:Workers:{queueName}</c>, then changed by <paramref name="configure"/>.
    /// Requires <c>services.AddPolycloud(configuration)</c> (or <c>builder.AddPolycloud()</c>).
    /// </summary>
    /// <typeparam name="THandler">The handler; registered as a scoped service unless it already is.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="queueName">The configured queue name.</param>
    /// <param name="configure">Changes the options, or <see langword="null"/>.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="CloudException">InvalidArgument when the name is empty or a worker for that queue is already registered.</exception>
    public static IServiceCollection AddQueueWorker<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, string queueName, Action<QueueWorkerOptions>? configure = null)
        where THandler : class, IQueueMessageHandler
    {
        if (services is null)
        {
            throw CloudException.InvalidArgument(nameof(services), "a service collection is required.");
        }

        if (string.IsNullOrEmpty(queueName))
        {
            throw CloudException.InvalidArgument(nameof(queueName), "a queue name (as in 'Polycloud:Queues:{name}') is required.");
        }

        if (services.Any(d => d.ServiceType == typeof(QueueWorkerRegistration) && d.ImplementationInstance is QueueWorkerRegistration r && string.Equals(r.QueueName, queueName, StringComparison.OrdinalIgnoreCase)))
        {
            throw CloudException.InvalidArgument(nameof(queueName), $"a worker for the queue '{queueName}' is already registered; raise its MaxConcurrency instead of adding a second one.");
        }

        services.AddSingleton(new QueueWorkerRegistration(queueName));
        services.TryAddScoped<THandler>();
        services.AddOptions<QueueWorkerOptions>(queueName)
            .Configure<IServiceProvider>((options, sp) => sp.GetService<PolycloudConfigurationRoot>()?.Section?.GetSection("Workers").GetSection(queueName).Bind(options));
        if (configure is not null)
        {
            services.Configure(queueName, configure);
        }

        services.AddSingleton<IHostedService>(sp => new QueueWorker<THandler>(
            queueName,
            sp.GetRequiredService<IMessageQueueFactory>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<IOptionsMonitor<QueueWorkerOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}

/// <summary>Records that a queue has a worker, so that a second registration for it fails clearly.</summary>
internal sealed record QueueWorkerRegistration(string QueueName);
