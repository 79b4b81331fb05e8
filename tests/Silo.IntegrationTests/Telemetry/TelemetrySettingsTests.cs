using Microsoft.Extensions.Configuration;
using SotopiaPi.ServiceDefaults;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>What the service defaults check before the OpenTelemetry SDK reads the OTEL_* variables.</summary>
public sealed class TelemetrySettingsTests
{
    private static IConfiguration Configuration(params (string Name, string Value)[] variables) =>
        new ConfigurationBuilder().AddInMemoryCollection(variables.Select(v => KeyValuePair.Create(v.Name, (string?)v.Value))).Build();

    [Fact]
    public void NothingIsExportedWithoutAnEndpointOrWhenTheSdkIsDisabled()
    {
        Assert.False(ServiceDefaultsExtensions.ExportsOtlp(Configuration((TelemetryVariables.ServiceName, "x"), (TelemetryVariables.Protocol, "http/protobuf"))));
        Assert.False(ServiceDefaultsExtensions.ExportsOtlp(Configuration((TelemetryVariables.SdkDisabled, "true"), (TelemetryVariables.Endpoint, "http://collector:4317"))));
        Assert.True(ServiceDefaultsExtensions.ExportsOtlp(Configuration((TelemetryVariables.MetricsEndpoint, "https://metrics.example/v1/metrics"))));
        Assert.True(ServiceDefaultsExtensions.ExportsOtlp(Configuration((TelemetryVariables.Endpoint, "http://collector:4317"))));
    }

    [Fact]
    public void EveryUnusableVariableIsNamed()
    {
        var problems = ServiceDefaultsExtensions.TelemetryProblems(Configuration(
            (TelemetryVariables.Endpoint, "not a url"),
            (TelemetryVariables.TracesEndpoint, "ftp://collector/v1/traces"),
            (TelemetryVariables.Protocol, "http/json")));
        Assert.Equal(
            [$"{TelemetryVariables.Endpoint}: 'not a url' is not an absolute http(s) URL.",
             $"{TelemetryVariables.TracesEndpoint}: 'ftp://collector/v1/traces' is not an absolute http(s) URL.",
             $"{TelemetryVariables.Protocol}: 'http/json' is not supported (use grpc or http/protobuf)."],
            problems);
        Assert.Empty(ServiceDefaultsExtensions.TelemetryProblems(Configuration((TelemetryVariables.Endpoint, "http://collector:4318"), (TelemetryVariables.Protocol, "http/protobuf"))));
    }
}
