using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SotopiaPi.ServiceDefaults;
using SotopiaPi.Silo.Options;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.Telemetry;

/// <summary>Hosting for SotopiaPi's telemetry.</summary>
public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The default service name of a silo process.</summary>
    public const string SiloServiceName = "sotopia-silo";

    /// <summary>The service defaults (<see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>) of a host that
    /// runs a silo, with the silo id as the service instance id, plus the <see cref="SotopiaInstruments"/> and, for
    /// a web host, the ASP.NET Core instrumentation (its request spans carry the caller's traceparent, which the
    /// campaign launcher stores so the campaign's trace continues the console's).</summary>
    /// <exception cref="ArgumentException">An OTEL_* setting is unusable.</exception>
    /// <param name="builder">The host builder.</param>
    /// <param name="serviceName">The default service name.</param>
    /// <param name="web">The host serves HTTP (the silo process): add the ASP.NET Core instrumentation.</param>
    /// <param name="prometheus">Also collect metrics for the Prometheus scrape endpoint (mapped by the caller with
    /// <c>MapPrometheusScrapingEndpoint</c>), with or without OTLP.</param>
    public static TBuilder AddSotopiaTelemetry<TBuilder>(this TBuilder builder, string serviceName = SiloServiceName, bool web = true, bool prometheus = false)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSotopiaInstruments();
        builder.AddServiceDefaults(serviceName, sp => sp.GetService<IOptions<SiloOptions>>()?.Value.SiloId, force: prometheus);
        if (prometheus)
        {
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddPrometheusExporter());
        }
        if (web && (prometheus || ServiceDefaultsExtensions.ExportsOtlp(builder.Configuration)))
        {
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddAspNetCoreInstrumentation());
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddAspNetCoreInstrumentation());
        }
        return builder;
    }

    /// <summary>The <c>SotopiaPi</c> meter's instruments (and the meter factory they come from). Idempotent.</summary>
    public static IServiceCollection AddSotopiaInstruments(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SotopiaInstruments>();
        return services;
    }
}
