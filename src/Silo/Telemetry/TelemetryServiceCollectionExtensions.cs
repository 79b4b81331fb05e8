using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Options;

namespace SotopiaPi.Silo.Telemetry;

/// <summary>Hosting for SotopiaPi's telemetry.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The default service name of a silo process.</summary>
    public const string SiloServiceName = "sotopia-silo";

    /// <summary>Adds the <see cref="SotopiaInstruments"/> and, when <paramref name="settings"/> names an OTLP endpoint,
    /// the exporters (their providers live as long as the host). Call it before <c>AddSotopiaSilo</c>, so the
    /// exporters start first and stop (flush) last. The service instance id is the silo id.</summary>
    /// <exception cref="ArgumentException">The settings have problems (<see cref="OtlpExportSettings.Problems"/>).</exception>
    public static IServiceCollection AddSotopiaTelemetry(this IServiceCollection services, OtlpExportSettings settings, string serviceName = SiloServiceName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problems.Count > 0)
        {
            throw new ArgumentException("The telemetry settings are not usable: " + string.Join(" ", settings.Problems), nameof(settings));
        }
        AddSotopiaInstruments(services);
        if (services.Any(d => d.ServiceType == typeof(TelemetryMarker)))
        {
            return services;
        }
        services.AddSingleton<TelemetryMarker>();
        services.AddHostedService<RequestTraceContextListener>();
        services.AddHostedService(sp => new TelemetryExportService(
            settings, serviceName, p => p.GetService<IOptions<SiloOptions>>()?.Value.SiloId, sp, sp.GetRequiredService<ILogger<TelemetryExportService>>()));
        return services;
    }

    /// <summary>The <c>SotopiaPi</c> meter's instruments (and the meter factory they come from). Idempotent.</summary>
    public static IServiceCollection AddSotopiaInstruments(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SotopiaInstruments>();
        return services;
    }

    private sealed class TelemetryMarker;
}
