using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SotopiaPi.Silo.Api.Health;

/// <summary>Ready once the store's schema migrations were applied at start-up.</summary>
internal sealed class MigrationsHealthCheck(SiloReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.MigrationsApplied
            ? HealthCheckResult.Healthy("schema up to date")
            : HealthCheckResult.Unhealthy("schema migrations not applied"));
}
