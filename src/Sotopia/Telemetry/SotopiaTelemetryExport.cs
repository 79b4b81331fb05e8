using System.Reflection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>Exports SotopiaPi's spans and metrics with OTLP while it lives: a <see cref="TracerProvider"/> and a
/// <see cref="MeterProvider"/> built from <see cref="OtlpExportSettings"/>; disposing flushes and shuts them down.
/// Hosts (the silo, the console's embedded runtime, the trainer process) create one at start and dispose it
/// last. Besides the <c>SotopiaPi</c> source and meter it exports outgoing HTTP spans (model calls) and the
/// runtime's, Kestrel's and ASP.NET Core's built-in metrics.</summary>
public sealed class SotopiaTelemetryExport : IDisposable
{
    /// <summary>Activity sources exported besides SotopiaPi's.</summary>
    public static IReadOnlyList<string> ExtraSources { get; } = ["System.Net.Http", SotopiaTelemetryNames.GenAiSourceName];

    /// <summary>Meters exported besides SotopiaPi's.</summary>
    public static IReadOnlyList<string> ExtraMeters { get; } =
        ["System.Runtime", "System.Net.Http", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", SotopiaTelemetryNames.GenAiSourceName];

    private readonly TracerProvider? _tracer;
    private readonly MeterProvider? _meter;

    private SotopiaTelemetryExport(TracerProvider? tracer, MeterProvider? meter)
    {
        _tracer = tracer;
        _meter = meter;
    }

    /// <summary>Whether spans are exported.</summary>
    public bool ExportsTraces => _tracer is not null;

    /// <summary>Whether metrics are exported.</summary>
    public bool ExportsMetrics => _meter is not null;

    /// <summary>Starts exporting, or returns null when no OTLP endpoint is configured (nothing is exported then).</summary>
    /// <param name="settings">What <see cref="OtlpExportSettings.Read"/> read; must have no problems.</param>
    /// <param name="defaultServiceName">The service name unless OTEL_SERVICE_NAME is set (sotopia-silo, sotopia-trainer, sotopia).</param>
    /// <param name="serviceInstanceId">This process's id (the silo id, the trainer id), or null.</param>
    public static SotopiaTelemetryExport? Start(OtlpExportSettings settings, string defaultServiceName, string? serviceInstanceId)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problems.Count > 0)
        {
            throw new ArgumentException("The telemetry settings are not usable: " + string.Join(" ", settings.Problems), nameof(settings));
        }
        if (!settings.Enabled)
        {
            return null;
        }
        var resource = Resource(settings, defaultServiceName, serviceInstanceId);

        TracerProvider? tracer = null;
        if (settings.TracesEndpoint is { } tracesEndpoint)
        {
            tracer = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .SetSampler(Sampler(settings))
                .AddSource(SotopiaTelemetryNames.ActivitySourceName)
                .AddSource([.. ExtraSources])
                .AddOtlpExporter(o => Configure(o, settings, tracesEndpoint))
                .Build();
        }
        MeterProvider? meter = null;
        if (settings.MetricsEndpoint is { } metricsEndpoint)
        {
            meter = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(resource)
                .AddMeter(SotopiaTelemetryNames.MeterName)
                .AddMeter([.. ExtraMeters])
                .AddOtlpExporter((o, reader) =>
                {
                    Configure(o, settings, metricsEndpoint);
                    if (settings.MetricExportIntervalMilliseconds is { } interval)
                    {
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                    }
                })
                .Build();
        }
        return new SotopiaTelemetryExport(tracer, meter);
    }

    /// <summary>Exports what was recorded so far (spans ended, metrics collected now).</summary>
    public void Flush(int timeoutMilliseconds = 10_000)
    {
        _tracer?.ForceFlush(timeoutMilliseconds);
        _meter?.ForceFlush(timeoutMilliseconds);
    }

    /// <summary>Flushes and stops exporting.</summary>
    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }

    private static ResourceBuilder Resource(OtlpExportSettings settings, string defaultServiceName, string? serviceInstanceId)
    {
        var version = typeof(SotopiaTelemetryExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return ResourceBuilder.CreateEmpty()
            .AddService(
                serviceName: settings.ServiceName ?? defaultServiceName,
                serviceVersion: version,
                autoGenerateServiceInstanceId: serviceInstanceId is null,
                serviceInstanceId: serviceInstanceId)
            .AddTelemetrySdk()
            .AddAttributes(settings.ResourceAttributes);
    }

    private static Sampler Sampler(OtlpExportSettings settings) => settings.Sampler switch
    {
        "always_on" => new AlwaysOnSampler(),
        "always_off" => new AlwaysOffSampler(),
        "traceidratio" => new TraceIdRatioBasedSampler(settings.SamplerRatio),
        "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
        "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SamplerRatio)),
        _ => new ParentBasedSampler(new AlwaysOnSampler()),
    };

    private static void Configure(OtlpExporterOptions options, OtlpExportSettings settings, Uri endpoint)
    {
        options.Endpoint = endpoint;
        options.Protocol = settings.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        if (settings.Headers is not null)
        {
            options.Headers = settings.Headers;
        }
        if (settings.TimeoutMilliseconds is { } timeout)
        {
            options.TimeoutMilliseconds = timeout;
        }
    }
}
