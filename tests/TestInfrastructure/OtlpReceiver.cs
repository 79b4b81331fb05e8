using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.TestInfrastructure;

/// <summary>A local OTLP/HTTP receiver on 127.0.0.1: accepts protobuf POSTs to /v1/traces, /v1/metrics and /v1/logs,
/// keeps their bodies, and reads the spans and metric names out of them (<see cref="OtlpProtobuf"/>: the few fields
/// of the OTLP messages a test looks at). <see cref="WaitForAsync"/> re-checks a condition on every export.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Path, string ContentType, byte[] Body)> Requests { get; } = new();

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.Requests.Enqueue(("/v1/" + signal, request.ContentType ?? "", body.ToArray()));
            TaskCompletionSource arrived;
            lock (receiver._lock)
            {
                arrived = receiver._arrived;
                receiver._arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            arrived.TrySetResult();
            // An empty Export*ServiceResponse: full success.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return receiver;
    }

    public IEnumerable<byte[]> Bodies(string path) => Requests.Where(r => r.Path == path).Select(r => r.Body);

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<OtlpSpan> Spans() => [.. Bodies("/v1/traces").SelectMany(OtlpProtobuf.ReadSpans)];

    /// <summary>Every metric received so far (one entry per metric per export).</summary>
    public IReadOnlyList<OtlpMetric> Metrics() => [.. Bodies("/v1/metrics").SelectMany(OtlpProtobuf.ReadMetrics)];

    /// <summary>Waits until <paramref name="condition"/> holds, checking it after every export received.</summary>
    public async Task WaitForAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task next;
            lock (_lock)
            {
                next = _arrived.Task;
            }
            if (condition())
            {
                return;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"waited {timeout} for {what}; received {Requests.Count} exports ({string.Join(", ", Requests.GroupBy(r => r.Path).Select(g => $"{g.Key} ×{g.Count()}"))})");
            }
            await Within.WaitAsync(next, left, what, () => $"{Requests.Count} exports received").ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One span as exported: ids in lower-case hex, its scope (activity source), its resource's and its own
/// string (and integer) attributes.</summary>
public sealed record OtlpSpan(
    string TraceId, string SpanId, string ParentSpanId, string Name, string Scope,
    IReadOnlyDictionary<string, string> Resource, IReadOnlyDictionary<string, string> Attributes)
{
    public string? ServiceInstance => Resource.GetValueOrDefault("service.instance.id");
}

/// <summary>One metric as exported: its name, its scope (meter) and its resource's attributes.</summary>
public sealed record OtlpMetric(string Name, string Scope, IReadOnlyDictionary<string, string> Resource)
{
    public string? ServiceInstance => Resource.GetValueOrDefault("service.instance.id");
}

/// <summary>Reads the fields of OTLP's protobuf messages (opentelemetry-proto: collector/trace/v1, collector/metrics/v1)
/// that the tests need, by field number; skips everything else.</summary>
public static class OtlpProtobuf
{
    public static IEnumerable<OtlpSpan> ReadSpans(byte[] body)
    {
        // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
        foreach (var resourceSpans in Messages(body, 1))
        {
            // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
            var resource = ResourceAttributes(resourceSpans);
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
                var scope = ScopeName(scopeSpans);
                foreach (var span in Messages(scopeSpans, 2))
                {
                    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; repeated KeyValue attributes = 9; }
                    var fields = Fields(span).ToList();
                    string Hex(int number) => fields.FirstOrDefault(f => f.Number == number).Bytes is { Length: > 0 } b ? Convert.ToHexStringLower(b) : "";
                    yield return new OtlpSpan(
                        Hex(1), Hex(2), Hex(4),
                        Encoding.UTF8.GetString(fields.FirstOrDefault(f => f.Number == 5).Bytes ?? []),
                        scope, resource, Attributes(fields.Where(f => f.Number == 9 && f.Bytes is not null).Select(f => f.Bytes!)));
                }
            }
        }
    }

    public static IEnumerable<OtlpMetric> ReadMetrics(byte[] body)
    {
        // ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
        foreach (var resourceMetrics in Messages(body, 1))
        {
            // ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
            var resource = ResourceAttributes(resourceMetrics);
            foreach (var scopeMetrics in Messages(resourceMetrics, 2))
            {
                // ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; }  Metric { string name = 1; }
                var scope = ScopeName(scopeMetrics);
                foreach (var metric in Messages(scopeMetrics, 2))
                {
                    yield return new OtlpMetric(Encoding.UTF8.GetString(Fields(metric).FirstOrDefault(f => f.Number == 1).Bytes ?? []), scope, resource);
                }
            }
        }
    }

    // Resource { repeated KeyValue attributes = 1; }
    private static Dictionary<string, string> ResourceAttributes(byte[] parent) =>
        Fields(parent).FirstOrDefault(f => f.Number == 1).Bytes is { } resource
            ? Attributes(Messages(resource, 1))
            : [];

    // InstrumentationScope { string name = 1; }
    private static string ScopeName(byte[] parent) =>
        Fields(parent).FirstOrDefault(f => f.Number == 1).Bytes is { } scope
            ? Encoding.UTF8.GetString(Fields(scope).FirstOrDefault(f => f.Number == 1).Bytes ?? [])
            : "";

    // KeyValue { string key = 1; AnyValue value = 2; }  AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; }
    private static Dictionary<string, string> Attributes(IEnumerable<byte[]> keyValues)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in keyValues)
        {
            var fields = Fields(keyValue).ToList();
            var key = Encoding.UTF8.GetString(fields.FirstOrDefault(f => f.Number == 1).Bytes ?? []);
            if (fields.FirstOrDefault(f => f.Number == 2).Bytes is not { } value)
            {
                continue;
            }
            foreach (var field in Fields(value))
            {
                if (field.Number == 1 && field.Bytes is { } text)
                {
                    attributes[key] = Encoding.UTF8.GetString(text);
                }
                else if (field.Number is 2 or 3 && field.Bytes is null)
                {
                    attributes[key] = field.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        return attributes;
    }

    private static IEnumerable<byte[]> Messages(byte[] parent, int number) =>
        Fields(parent).Where(f => f.Number == number && f.Bytes is not null).Select(f => f.Bytes!);

    private readonly record struct Field(int Number, byte[]? Bytes, ulong Varint);

    private static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, null, ReadVarint(message, ref position));
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new Field(number, message.AsSpan(position, length).ToArray(), 0);
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException($"unsupported protobuf wire type {tag & 7} at byte {position}");
            }
        }
    }

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
