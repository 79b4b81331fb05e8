using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Silo.Options;
using SotopiaPi.Sotopia.Episodes;

namespace SotopiaPi.Silo.Telemetry;

/// <summary>The silo's observable instruments on the <c>SotopiaPi</c> meter: episodes playing on this silo
/// (<c>sotopia.episodes.active</c>) and writes the store refused from stale activations
/// (<c>sotopia.store.stale_writes_refused</c>), both tagged with the silo id. Created when the host starts.</summary>
internal sealed class SiloMetrics : IHostedService
{
    public SiloMetrics(SotopiaInstruments instruments, EpisodeSlots slots, IEpisodeStore store, IOptions<SiloOptions> options)
    {
        var silo = new KeyValuePair<string, object?>(SotopiaAttributes.SiloId, options.Value.SiloId);
        instruments.Meter.CreateObservableUpDownCounter(
            SotopiaMetricNames.EpisodesActive, () => new Measurement<long>(slots.Playing, silo), "{episode}",
            "Episodes this silo is playing now.");
        instruments.Meter.CreateObservableCounter(
            SotopiaMetricNames.StaleWritesRefused, () => new Measurement<long>(store.StaleWritesRefused, silo), "{write}",
            "Writes the store refused because they came from a stale activation (a newer one began the episode).");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
