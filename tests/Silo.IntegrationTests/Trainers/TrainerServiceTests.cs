using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Policies;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer;
using SotopiaPi.Trainer.Hosting;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The trainer service on a real store: it trains, publishes once per request, and a request whose
/// version was already published (a trainer that died between publishing and completing) is completed with
/// that version instead of being trained and published again.</summary>
public sealed class TrainerServiceTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private SqliteSotopiaStore _store = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteSotopiaStore.OpenAsync(_dir.Combine("s.db"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSotopiaStore(_store, new FileArtifactStore(_dir.Combine("artifacts")));
        services.AddSotopiaTrainer(o => o.TrainerId = "t1");
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<PolicyRegistryGrain>().EnsureBaseAsync("p", "sim-policy@v0");
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    private TrainerService Service => _services.GetServices<IHostedService>().OfType<TrainerService>().Single();

    private async Task<TrainingRequest> RequestAsync(string id, string datasetLines)
    {
        var artifacts = _services.GetRequiredService<IArtifactStore>();
        var path = $"datasets/{id}.chat.jsonl";
        var hash = await artifacts.WriteAsync(path, async s =>
        {
            await using var w = new StreamWriter(s, leaveOpen: true);
            await w.WriteAsync(datasetLines);
        });
        return await _store.CreateTrainingRequestAsync(new TrainingRequest
        {
            Id = id,
            CampaignId = "c",
            Round = 0,
            Kind = "bc",
            PolicyName = "p",
            BaseVersion = 0,
            DatasetPath = path,
            DatasetHash = hash,
            Settings = new TrainerSettings { Epochs = 3 },
        });
    }

    private async Task ProcessNextAsync()
    {
        var claim = await _store.ClaimTrainingRequestAsync("t1", TimeSpan.FromMinutes(1));
        Assert.NotNull(claim);
        await Service.ProcessAsync(claim.Value.Request, claim.Value.Lease, _services.GetRequiredService<IOptions<TrainerOptions>>().Value, CancellationToken.None);
    }

    [Fact]
    public async Task ARequestWhoseVersionWasAlreadyPublishedIsCompletedWithoutPublishingAgain()
    {
        await RequestAsync("r1", "");
        var registry = _services.GetRequiredService<PolicyRegistryGrain>();
        var before = await registry.PublishAsync(new PolicyVersion
        {
            PolicyName = "p", Version = 0, Kind = "bc", Model = "already", ParentVersion = 0, TrainingRequestId = "r1",
        });

        await ProcessNextAsync();

        var request = await _store.GetTrainingRequestAsync("r1");
        Assert.Equal(TrainingStatus.Succeeded, request!.Status);
        Assert.Equal(before.Version, request.PublishedVersion);
        Assert.Equal(2, (await _store.ListVersionsAsync("p")).Count);
    }

    [Fact]
    public async Task ADatasetThatChangedAfterTheRequestFailsTheRequestWithTheReason()
    {
        await RequestAsync("r2", "");
        await File.AppendAllTextAsync(_dir.Combine("artifacts", "datasets", "r2.chat.jsonl"), "tampered\n");

        await ProcessNextAsync();

        var request = await _store.GetTrainingRequestAsync("r2");
        Assert.Equal(TrainingStatus.Failed, request!.Status);
        Assert.Contains("hash", request.Error, StringComparison.Ordinal);
        Assert.Single(await _store.ListVersionsAsync("p"));
    }

    [Fact]
    public async Task AnUnusableDatasetFailsTheRequestNamingTheLine()
    {
        await RequestAsync("r3", "{\"messages\": [}\n");

        await ProcessNextAsync();

        var request = await _store.GetTrainingRequestAsync("r3");
        Assert.Equal(TrainingStatus.Failed, request!.Status);
        Assert.Contains(":1", request.Error, StringComparison.Ordinal);
        Assert.Null(request.PublishedVersion);
        Assert.Single(await _store.ListVersionsAsync("p"));
    }
}
