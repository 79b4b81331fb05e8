using Microsoft.Extensions.Diagnostics.HealthChecks;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Api.Health;

/// <summary>Ready when the store answers a small read within <see cref="Timeout"/>.</summary>
internal sealed class StoreHealthCheck(ISotopiaStore store) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await store.ListPoliciesAsync(timeout.Token);
            return HealthCheckResult.Healthy("the store answers");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the store did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the store is unreachable: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
