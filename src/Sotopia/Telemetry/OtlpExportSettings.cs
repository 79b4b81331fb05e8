using System.Globalization;

namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>Where and how telemetry is exported, read from the standard <c>OTEL_*</c> variables
/// (<see cref="TelemetryVariables"/>). <see cref="Problems"/> names every unusable variable.</summary>
public sealed record OtlpExportSettings
{
    /// <summary>Where traces go (the full URL, with <c>/v1/traces</c> for http/protobuf), or null: no traces exported.</summary>
    public Uri? TracesEndpoint { get; init; }

    /// <summary>Where metrics go (with <c>/v1/metrics</c> for http/protobuf), or null: no metrics exported.</summary>
    public Uri? MetricsEndpoint { get; init; }

    /// <summary>True for http/protobuf, false for gRPC (the .NET exporter's default).</summary>
    public bool HttpProtobuf { get; init; }

    public string? Headers { get; init; }

    public int? TimeoutMilliseconds { get; init; }

    public int? MetricExportIntervalMilliseconds { get; init; }

    /// <summary>OTEL_SERVICE_NAME, or null for the host's default name.</summary>
    public string? ServiceName { get; init; }

    /// <summary>Parsed OTEL_RESOURCE_ATTRIBUTES (key=value,…).</summary>
    public IReadOnlyList<KeyValuePair<string, object>> ResourceAttributes { get; init; } = [];

    /// <summary>OTEL_TRACES_SAMPLER (default parentbased_always_on).</summary>
    public string Sampler { get; init; } = "parentbased_always_on";

    /// <summary>The ratio of the traceidratio samplers (default 1).</summary>
    public double SamplerRatio { get; init; } = 1.0;

    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Whether anything is exported.</summary>
    public bool Enabled => Problems.Count == 0 && (TracesEndpoint is not null || MetricsEndpoint is not null);

    private static readonly string[] Samplers =
        ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"];

    /// <summary>Reads the settings; <paramref name="get"/> returns a variable's value or null (for example
    /// <c>key =&gt; configuration[key]</c> or <see cref="Environment.GetEnvironmentVariable(string)"/>).</summary>
    public static OtlpExportSettings Read(Func<string, string?> get)
    {
        ArgumentNullException.ThrowIfNull(get);
        string? Value(string name) => get(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        var problems = new List<string>();

        if (Value(TelemetryVariables.SdkDisabled) is { } disabled && string.Equals(disabled, "true", StringComparison.OrdinalIgnoreCase))
        {
            return new OtlpExportSettings();
        }

        var protocol = Value(TelemetryVariables.Protocol) ?? "grpc";
        var http = protocol switch
        {
            "grpc" => false,
            "http/protobuf" => true,
            _ => Problem(problems, $"{TelemetryVariables.Protocol}: '{protocol}' is not supported (use grpc or http/protobuf)."),
        };

        Uri? baseEndpoint = Endpoint(Value(TelemetryVariables.Endpoint), TelemetryVariables.Endpoint, problems);
        var traces = Endpoint(Value(TelemetryVariables.TracesEndpoint), TelemetryVariables.TracesEndpoint, problems)
            ?? Signal(baseEndpoint, http, "v1/traces");
        var metrics = Endpoint(Value(TelemetryVariables.MetricsEndpoint), TelemetryVariables.MetricsEndpoint, problems)
            ?? Signal(baseEndpoint, http, "v1/metrics");

        var timeout = Milliseconds(Value(TelemetryVariables.Timeout), TelemetryVariables.Timeout, problems);
        var interval = Milliseconds(Value(TelemetryVariables.MetricExportInterval), TelemetryVariables.MetricExportInterval, problems);

        var attributes = new List<KeyValuePair<string, object>>();
        if (Value(TelemetryVariables.ResourceAttributes) is { } list)
        {
            foreach (var pair in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    problems.Add($"{TelemetryVariables.ResourceAttributes}: '{pair}' is not key=value.");
                    continue;
                }
                attributes.Add(new(pair[..eq].Trim(), Uri.UnescapeDataString(pair[(eq + 1)..].Trim())));
            }
        }

        var sampler = (Value(TelemetryVariables.TracesSampler) ?? "parentbased_always_on").ToLowerInvariant();
        if (!Samplers.Contains(sampler))
        {
            problems.Add($"{TelemetryVariables.TracesSampler}: '{sampler}' is not supported (use one of {string.Join(", ", Samplers)}).");
        }
        var ratio = 1.0;
        if (Value(TelemetryVariables.TracesSamplerArgument) is { } ratioText
            && (!double.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) || ratio is < 0 or > 1))
        {
            problems.Add($"{TelemetryVariables.TracesSamplerArgument}: '{ratioText}' is not a ratio between 0 and 1.");
            ratio = 1.0;
        }

        return new OtlpExportSettings
        {
            TracesEndpoint = traces,
            MetricsEndpoint = metrics,
            HttpProtobuf = http,
            Headers = Value(TelemetryVariables.Headers),
            TimeoutMilliseconds = timeout,
            MetricExportIntervalMilliseconds = interval,
            ServiceName = Value(TelemetryVariables.ServiceName),
            ResourceAttributes = attributes,
            Sampler = sampler,
            SamplerRatio = ratio,
            Problems = problems,
        };
    }

    private static bool Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return false;
    }

    private static Uri? Endpoint(string? value, string variable, List<string> problems)
    {
        if (value is null)
        {
            return null;
        }
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }
        problems.Add($"{variable}: '{value}' is not an absolute http(s) URL.");
        return null;
    }

    /// <summary>The signal's URL from the base endpoint: for http/protobuf the signal path is appended (as the
    /// specification says for OTEL_EXPORTER_OTLP_ENDPOINT); gRPC uses the base as it is.</summary>
    private static Uri? Signal(Uri? baseEndpoint, bool http, string path)
    {
        if (baseEndpoint is null)
        {
            return null;
        }
        return http ? new Uri(baseEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + path) : baseEndpoint;
    }

    private static int? Milliseconds(string? value, string variable, List<string> problems)
    {
        if (value is null)
        {
            return null;
        }
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms > 0)
        {
            return ms;
        }
        problems.Add($"{variable}: '{value}' is not a positive number of milliseconds.");
        return null;
    }
}
