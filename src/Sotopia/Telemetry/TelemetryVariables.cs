namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>The standard OpenTelemetry environment variables the OpenTelemetry SDK reads for SotopiaPi's processes
/// (all optional; see ServiceDefaultsExtensions). Nothing is exported unless an OTLP endpoint is set.</summary>
public static class TelemetryVariables
{
    public const string SdkDisabled = "OTEL_SDK_DISABLED";
    public const string ServiceName = "OTEL_SERVICE_NAME";
    public const string ResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string LogsEndpoint = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
    public const string Protocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string Headers = "OTEL_EXPORTER_OTLP_HEADERS";
    public const string Timeout = "OTEL_EXPORTER_OTLP_TIMEOUT";
    public const string MetricExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string TracesSampler = "OTEL_TRACES_SAMPLER";
    public const string TracesSamplerArgument = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>Every variable above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SdkDisabled, ServiceName, ResourceAttributes, Endpoint, TracesEndpoint, MetricsEndpoint, LogsEndpoint, Protocol, Headers, Timeout,
        MetricExportInterval, TracesSampler, TracesSamplerArgument,
    ];
}
