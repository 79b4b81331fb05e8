using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SotopiaPi.Silo.Api.Health;

/// <summary>Ready while this silo is active in Orleans' membership (joining, shutting down or voted out is not).</summary>
internal sealed class MembershipHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var membership = services.GetService(typeof(IClusterMembershipService)) as IClusterMembershipService;
        var local = services.GetService(typeof(ILocalSiloDetails)) as ILocalSiloDetails;
        if (membership is null || local is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("no Orleans silo runs in this process"));
        }
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("active in the cluster")
            : HealthCheckResult.Unhealthy($"not active in the cluster ({status.ToString().ToLowerInvariant()})"));
    }
}
