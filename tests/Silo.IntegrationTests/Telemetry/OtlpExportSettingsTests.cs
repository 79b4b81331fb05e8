using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>How the standard OTEL_* variables become export settings: nothing without an endpoint, the signal
/// paths for http/protobuf, per-signal endpoints, and every bad value named.</summary>
public sealed class OtlpExportSettingsTests
{
    private static OtlpExportSettings Read(params (string Name, string Value)[] variables) =>
        OtlpExportSettings.Read(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Fact]
    public void NothingIsExportedWithoutAnEndpoint()
    {
        var settings = Read((TelemetryVariables.ServiceName, "x"), (TelemetryVariables.Protocol, "http/protobuf"));
        Assert.False(settings.Enabled);
        Assert.Null(settings.TracesEndpoint);
        Assert.Null(settings.MetricsEndpoint);
        Assert.Null(SotopiaTelemetryExport.Start(settings, "sotopia-test", null));
    }

    [Fact]
    public void HttpProtobufAppendsTheSignalPathsAndGrpcUsesTheEndpointAsItIs()
    {
        var http = Read((TelemetryVariables.Endpoint, "http://collector:4318/"), (TelemetryVariables.Protocol, "http/protobuf"));
        Assert.True(http.Enabled);
        Assert.True(http.HttpProtobuf);
        Assert.Equal(new Uri("http://collector:4318/v1/traces"), http.TracesEndpoint);
        Assert.Equal(new Uri("http://collector:4318/v1/metrics"), http.MetricsEndpoint);

        var grpc = Read((TelemetryVariables.Endpoint, "http://collector:4317"));
        Assert.False(grpc.HttpProtobuf);
        Assert.Equal(new Uri("http://collector:4317"), grpc.TracesEndpoint);
        Assert.Equal(new Uri("http://collector:4317"), grpc.MetricsEndpoint);
    }

    [Fact]
    public void ASignalEndpointAloneExportsOnlyThatSignal()
    {
        var settings = Read((TelemetryVariables.MetricsEndpoint, "https://metrics.example/v1/metrics"), (TelemetryVariables.Protocol, "http/protobuf"));
        Assert.True(settings.Enabled);
        Assert.Null(settings.TracesEndpoint);
        Assert.Equal(new Uri("https://metrics.example/v1/metrics"), settings.MetricsEndpoint);
    }

    [Fact]
    public void TheSdkCanBeSwitchedOff()
    {
        var settings = Read((TelemetryVariables.SdkDisabled, "true"), (TelemetryVariables.Endpoint, "http://collector:4317"));
        Assert.False(settings.Enabled);
    }

    [Fact]
    public void ResourceAttributesSamplerIntervalAndTimeoutAreRead()
    {
        var settings = Read(
            (TelemetryVariables.Endpoint, "http://collector:4317"),
            (TelemetryVariables.ResourceAttributes, "k8s.namespace.name=sotopia, team=research%20lab"),
            (TelemetryVariables.TracesSampler, "parentbased_traceidratio"),
            (TelemetryVariables.TracesSamplerArgument, "0.25"),
            (TelemetryVariables.MetricExportInterval, "15000"),
            (TelemetryVariables.Timeout, "5000"),
            (TelemetryVariables.Headers, "api-key=abc"));
        Assert.Empty(settings.Problems);
        Assert.Equal([new("k8s.namespace.name", "sotopia"), new("team", "research lab")], settings.ResourceAttributes);
        Assert.Equal("parentbased_traceidratio", settings.Sampler);
        Assert.Equal(0.25, settings.SamplerRatio);
        Assert.Equal(15000, settings.MetricExportIntervalMilliseconds);
        Assert.Equal(5000, settings.TimeoutMilliseconds);
        Assert.Equal("api-key=abc", settings.Headers);
    }

    [Fact]
    public void EveryBadValueIsNamed()
    {
        var settings = Read(
            (TelemetryVariables.Endpoint, "not a url"),
            (TelemetryVariables.Protocol, "http/json"),
            (TelemetryVariables.ResourceAttributes, "novalue"),
            (TelemetryVariables.TracesSampler, "sometimes"),
            (TelemetryVariables.TracesSamplerArgument, "2"),
            (TelemetryVariables.MetricExportInterval, "-1"),
            (TelemetryVariables.Timeout, "soon"));
        Assert.False(settings.Enabled);
        Assert.Equal(
            [TelemetryVariables.Protocol, TelemetryVariables.Endpoint, TelemetryVariables.Timeout, TelemetryVariables.MetricExportInterval,
             TelemetryVariables.ResourceAttributes, TelemetryVariables.TracesSampler, TelemetryVariables.TracesSamplerArgument],
            settings.Problems.Select(p => p[..p.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Throws<ArgumentException>(() => SotopiaTelemetryExport.Start(settings, "sotopia-test", null));
    }
}
