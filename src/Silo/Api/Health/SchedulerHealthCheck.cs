using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Api.Health;

/// <summary>Ready while the episode scheduler runs and the silo is not stopping (a stopping silo no longer
/// claims work, so a load balancer should stop sending it requests).</summary>
internal sealed class SchedulerHealthCheck(IEnumerable<IHostedService> services, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the silo is stopping"));
        }
        var scheduler = services.OfType<EpisodeScheduler>().FirstOrDefault();
        var result = scheduler?.ExecuteTask switch
        {
            null => HealthCheckResult.Unhealthy("the episode scheduler has not started"),
            { IsCompleted: true } task => HealthCheckResult.Unhealthy(
                task.IsFaulted ? $"the episode scheduler crashed: {task.Exception?.GetBaseException().Message}" : "the episode scheduler stopped"),
            _ => HealthCheckResult.Healthy("the episode scheduler is running"),
        };
        return Task.FromResult(result);
    }
}
