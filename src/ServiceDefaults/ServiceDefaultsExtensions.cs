using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.ServiceDefaults;

/// <summary>The service defaults of every SotopiaPi process: OpenTelemetry traces, metrics and logs, exported over
/// OTLP as the standard <c>OTEL_*</c> variables say (read by the OpenTelemetry SDK from the host's configuration).
/// Nothing is collected unless an OTLP endpoint is set (or a caller adds a reader, like the silo's Prometheus endpoint).</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Orleans' meter.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Orleans' activity sources: grain calls (application) and the runtime's own calls.</summary>
    public static IReadOnlyList<string> OrleansSources { get; } = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    /// <summary>Our own sources: SotopiaPi's spans and the LLM pipeline's gen_ai spans.</summary>
    public static IReadOnlyList<string> SotopiaSources { get; } = [SotopiaTelemetryNames.ActivitySourceName, SotopiaTelemetryNames.GenAiSourceName];

    /// <summary>Our own meters and the built-in ones not covered by an instrumentation package.</summary>
    public static IReadOnlyList<string> Meters { get; } =
        [SotopiaTelemetryNames.MeterName, SotopiaTelemetryNames.GenAiSourceName, OrleansMeter];

    private static readonly string[] Protocols = ["grpc", "http/protobuf"];

    private static readonly string[] EndpointVariables = [TelemetryVariables.Endpoint, TelemetryVariables.TracesEndpoint, TelemetryVariables.MetricsEndpoint, TelemetryVariables.LogsEndpoint];

    /// <summary>Whether the configuration names an OTLP endpoint (and the SDK is not disabled).</summary>
    public static bool ExportsOtlp(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.Equals(configuration[TelemetryVariables.SdkDisabled]?.Trim(), "true", StringComparison.OrdinalIgnoreCase)
            && EndpointVariables.Any(v => !string.IsNullOrWhiteSpace(configuration[v]));
    }

    /// <summary>The unusable OTEL_* settings, each naming its variable (empty when all are usable). Checked here
    /// because the SDK would otherwise fail deep inside start-up or fall back silently.</summary>
    public static IReadOnlyList<string> TelemetryProblems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var variable in EndpointVariables)
        {
            if (configuration[variable] is { } text && !string.IsNullOrWhiteSpace(text)
                && (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                problems.Add($"{variable}: '{text}' is not an absolute http(s) URL.");
            }
        }
        if (configuration[TelemetryVariables.Protocol] is { } protocol && !string.IsNullOrWhiteSpace(protocol) && !Protocols.Contains(protocol.Trim()))
        {
            problems.Add($"{TelemetryVariables.Protocol}: '{protocol}' is not supported (use grpc or http/protobuf).");
        }
        return problems;
    }

    /// <summary>Adds OpenTelemetry to the host: the resource (service name from OTEL_SERVICE_NAME or
    /// <paramref name="defaultServiceName"/>, the instance id, OTEL_RESOURCE_ATTRIBUTES), tracing of our sources,
    /// Orleans, outgoing HTTP and Npgsql; metrics of our meters, Orleans, the runtime, HTTP and Npgsql; logs; and the
    /// OTLP exporter for all three when an endpoint is configured. Web hosts add their own instrumentation with
    /// <c>ConfigureOpenTelemetryTracerProvider</c>/<c>MeterProvider</c>.</summary>
    /// <param name="builder">The host builder; its configuration carries the OTEL_* variables.</param>
    /// <param name="defaultServiceName">sotopia-silo, sotopia-trainer or sotopia (the console).</param>
    /// <param name="serviceInstanceId">This process's id (the silo id, the trainer id), resolved when the providers are built.</param>
    /// <param name="force">Collect even without an OTLP endpoint (a caller adds its own reader or exporter).</param>
    /// <exception cref="ArgumentException">An OTEL_* setting is unusable (<see cref="TelemetryProblems"/>).</exception>
    public static TBuilder AddServiceDefaults<TBuilder>(
        this TBuilder builder, string defaultServiceName, Func<IServiceProvider, string?>? serviceInstanceId = null, bool force = false)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var problems = TelemetryProblems(builder.Configuration);
        if (problems.Count > 0)
        {
            throw new ArgumentException("The telemetry settings are not usable: " + string.Join(" ", problems), nameof(builder));
        }
        var otlp = ExportsOtlp(builder.Configuration);
        if (!otlp && !force)
        {
            return builder;
        }
        var serviceName = builder.Configuration[TelemetryVariables.ServiceName] is { Length: > 0 } name ? name.Trim() : defaultServiceName;
        var version = typeof(ServiceDefaultsExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
        });
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r =>
            {
                r.AddService(serviceName, serviceVersion: version, autoGenerateServiceInstanceId: serviceInstanceId is null);
                if (serviceInstanceId is not null)
                {
                    r.AddDetector(sp => new InstanceIdDetector(serviceInstanceId(sp)));
                }
            })
            .WithTracing(t => t
                .AddSource([.. SotopiaSources])
                .AddSource([.. OrleansSources])
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddMeter([.. Meters])
                .AddRuntimeInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation());
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    private sealed class InstanceIdDetector(string? id) : IResourceDetector
    {
        public Resource Detect() => id is null
            ? Resource.Empty
            : new Resource([new KeyValuePair<string, object>("service.instance.id", id)]);
    }
}
