using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace SotopiaPi.Silo.Telemetry;

/// <summary>Makes ASP.NET Core create its request activity (not recorded, not exported) so the W3C traceparent a
/// caller sends becomes <see cref="Activity.Current"/>'s parent: the campaign launcher stores it on the campaign and
/// the campaign's trace continues the console's. Added while the host runs.</summary>
internal sealed class RequestTraceContextListener : IHostedService, IDisposable
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private ActivityListener? _listener;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AspNetCoreSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
    }
}
