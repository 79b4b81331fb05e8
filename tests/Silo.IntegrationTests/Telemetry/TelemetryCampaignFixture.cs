using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Telemetry;

/// <summary>A small BC campaign in the embedded runtime (as `sotopia run` plays it), watched with an
/// ActivityListener and a MeterListener scoped to the runtime host's meter factory.</summary>
public sealed class TelemetryCampaignFixture : IAsyncLifetime
{
    internal static readonly CampaignSpec Spec = new()
    {
        Name = "telemetry",
        Mode = CampaignMode.Bc,
        SrRounds = 0,
        ScenariosPerRound = 2,
        PairsPerScenario = 2,
        SkipEvaluation = true,
        Trainer = new TrainerSettings { Epochs = 3 },
    };

    private readonly TempDirectory _home = new();
    internal TelemetryRecorder Recorder { get; } = new();
    internal CampaignRecord Campaign { get; private set; } = null!;
    internal IReadOnlyList<EpisodeRecord> Episodes { get; private set; } = [];
    internal Dictionary<string, int> Turns { get; } = [];
    internal long StaleWrites { get; private set; }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        ObservedStore? observed = null;
        await using var runtime = await EmbeddedRuntime.OpenAsync(_home.Path, timeout.Token, store => observed = new ObservedStore(store));
        string id;
        await using (var silo = await runtime.StartSiloAsync(64, timeout.Token))
        {
            Recorder.ListenTo(silo.Services.GetRequiredService<IMeterFactory>());
            id = (await silo.Launcher.CreateAsync(Spec, null, timeout.Token)).Id;
            await observed!.WaitForEndAsync(id, TimeSpan.FromMinutes(5));
            Recorder.Observe();
        }
        Campaign = (await runtime.Store.GetCampaignAsync(id, CancellationToken.None))!;
        Episodes = await runtime.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = id }, CancellationToken.None);
        foreach (var episode in Episodes)
        {
            Turns[episode.Id] = (await runtime.Store.GetTurnsAsync(episode.Id, CancellationToken.None)).Length;
        }
        StaleWrites = runtime.Store.StaleWritesRefused;
    }

    public Task DisposeAsync()
    {
        Recorder.Dispose();
        _home.Dispose();
        return Task.CompletedTask;
    }
}
