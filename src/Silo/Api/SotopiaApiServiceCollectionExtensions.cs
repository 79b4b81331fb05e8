using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SotopiaPi.Silo.Api.Campaigns;
using SotopiaPi.Silo.Api.Datasets;
using SotopiaPi.Silo.Api.Dashboard;
using SotopiaPi.Silo.Api.Health;
using SotopiaPi.Silo.Api.Silos;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Api;

/// <summary>Adds the services of the silo's HTTP API (an Orleans silo with <c>AddSotopiaSilo</c> is expected too).</summary>
public static class SotopiaApiServiceCollectionExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <param name="services">The host's services.</param>
    /// <param name="apiToken">The bearer token every /api request must carry, or null for none (loopback only;
    /// the silo host enforces that rule).</param>
    /// <param name="datasetsRoot">The folder API imports may read from, or null: imports through the API are off
    /// (except the shipped starter dataset).</param>
    public static IServiceCollection AddSotopiaApi(this IServiceCollection services, string? apiToken, string? datasetsRoot = null)
    {
        if (services.Any(d => d.ServiceType == typeof(ApiMarker)))
        {
            return services;
        }
        services.AddSingleton<ApiMarker>();
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestBodyHandler>();
        services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = BadRequestBodyHandler.MaxRequestBodyBytes);
        services.Configure<JsonOptions>(o => ApiJson.Apply(o.SerializerOptions));
        services.AddSingleton(new ApiTokenValidator(apiToken));
        services.AddSingleton(new DatasetFolder(datasetsRoot is null ? null : Path.GetFullPath(datasetsRoot)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CampaignLauncher>();
        services.TryAddSingleton<SiloReadiness>();
        services.TryAddSingleton<CampaignReportCache>();
        services.TryAddSingleton<CampaignUsageCache>();
        services.TryAddSingleton<ISiloDirectory, OrleansSiloDirectory>();
        services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("the process is up"), tags: [LiveTag])
            .AddCheck<StoreHealthCheck>("store", tags: [ReadyTag])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [ReadyTag])
            .AddCheck<MembershipHealthCheck>("membership", tags: [ReadyTag]);
        return services;
    }

    private sealed class ApiMarker;
}
