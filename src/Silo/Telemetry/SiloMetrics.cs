using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Options;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Telemetry;

/// <summary>The silo's observable instruments on the <c>SotopiaPi</c> meter: episodes playing on this silo
/// (<c>sotopia.episodes.active</c>) and fenced writes the store refused for a stale epoch
/// (<c>sotopia.store.stale_writes_refused</c>), both tagged with the silo id. Created when the host starts.</summary>
internal sealed class SiloMetrics : IHostedService
{
    public SiloMetrics(SotopiaInstruments instruments, SiloStatistics statistics, ILeaseStore store, IOptions<SiloOptions> options)
    {
        var silo = new KeyValuePair<string, object?>(SotopiaAttributes.SiloId, options.Value.SiloId);
        instruments.Meter.CreateObservableUpDownCounter(
            SotopiaMetricNames.EpisodesActive, () => new Measurement<long>(statistics.ActiveEpisodes, silo), "{episode}",
            "Episodes this silo is playing now.");
        instruments.Meter.CreateObservableCounter(
            SotopiaMetricNames.StaleWritesRefused, () => new Measurement<long>(store.StaleWritesRefused, silo), "{write}",
            "Fenced writes the store refused because the writer's lease epoch was stale.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
