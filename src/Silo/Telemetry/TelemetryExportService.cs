using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.Telemetry;

/// <summary>Owns the OTLP exporters of a host: starts them first (it is registered before the silo's services)
/// and stops them last, flushing what the stopping silo recorded. Exports nothing when no OTLP endpoint is set.</summary>
internal sealed partial class TelemetryExportService(
    OtlpExportSettings settings, string serviceName, Func<IServiceProvider, string?> instanceId, IServiceProvider services,
    ILogger<TelemetryExportService> logger) : IHostedService, IDisposable
{
    private SotopiaTelemetryExport? _export;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _export = SotopiaTelemetryExport.Start(settings, serviceName, instanceId(services));
        if (_export is not null)
        {
            LogExporting(logger, settings.TracesEndpoint?.ToString() ?? "off", settings.MetricsEndpoint?.ToString() ?? "off",
                settings.HttpProtobuf ? "http/protobuf" : "grpc");
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _export?.Dispose();
        _export = null;
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Exporting telemetry with OTLP ({Protocol}): traces to {Traces}, metrics to {Metrics}")]
    private static partial void LogExporting(ILogger logger, string traces, string metrics, string protocol);
}
