using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Silo.Runtime;

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
        await using var runtime = await EmbeddedRuntime.OpenAsync(_home.Path, timeout.Token);
        string id;
        await using (var services = runtime.BuildServices())
        {
            id = (await services.GetRequiredService<CampaignLauncher>().CreateAsync(Spec, null, timeout.Token)).Id;
        }
        using var host = runtime.BuildHost(64);
        Recorder.ListenTo(host.Services.GetRequiredService<IMeterFactory>());
        await host.StartAsync(timeout.Token);
        try
        {
            while ((await runtime.Store.GetCampaignAsync(id, timeout.Token))!.Status == CampaignStatus.Running)
            {
                await Task.Delay(50, timeout.Token);
            }
            Recorder.Observe();
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
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
