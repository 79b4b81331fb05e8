using SotopiaPi.Grains.Policies;
using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using System.Text.Json.Nodes;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer;
using SotopiaPi.Trainer.Hosting;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>A trainer over a fresh SQLite store and artifact folder, with policy "p" at its base version; tests
/// write a dataset, create a request and let the trainer service process it.</summary>
internal sealed class TrainerFixture : IAsyncDisposable
{
    /// <summary>Three valid SFT examples in chat JSONL.</summary>
    public const string Dataset = """
        {"messages":[{"role":"user","content":"Imagine you are Ana. Say hello."},{"role":"assistant","content":"{\"action_type\":\"speak\",\"argument\":\"Hello!\"}"}]}
        {"messages":[{"role":"user","content":"Imagine you are Ben. Answer."},{"role":"assistant","content":"{\"action_type\":\"speak\",\"argument\":\"Hi Ana.\"}"}]}
        {"messages":[{"role":"user","content":"Imagine you are Ana. Leave."},{"role":"assistant","content":"{\"action_type\":\"leave\",\"argument\":\"\"}"}]}

        """;

    private readonly bool _ownsDir;

    private TrainerFixture(TempDirectory dir, bool ownsDir, SqliteSotopiaStore store, FileArtifactStore artifacts, ServiceProvider services)
    {
        Dir = dir;
        _ownsDir = ownsDir;
        Store = store;
        Artifacts = artifacts;
        Services = services;
    }

    public TempDirectory Dir { get; }
    public SqliteSotopiaStore Store { get; }
    public FileArtifactStore Artifacts { get; }
    public ServiceProvider Services { get; }
    public PolicyRegistryGrain Registry => Services.GetRequiredService<PolicyRegistryGrain>();
    public TrainerOptions Options => Services.GetRequiredService<IOptions<TrainerOptions>>().Value;
    public TrainerService Service => Services.GetServices<IHostedService>().OfType<TrainerService>().Single();

    /// <summary>A trainer on a new store, or (<paramref name="sameStoreAs"/>) on another fixture's database file and
    /// artifacts through its own connections, like a second trainer process.</summary>
    public static async Task<TrainerFixture> CreateAsync(
        Action<TrainerOptions>? configure = null, Action<IServiceCollection>? services = null, TrainerFixture? sameStoreAs = null, TimeProvider? storeTime = null)
    {
        var dir = sameStoreAs?.Dir ?? new TempDirectory("sotopia-trainer");
        var store = await SqliteSotopiaStore.OpenAsync(dir.Combine("s.db"), time: storeTime);
        var artifacts = new FileArtifactStore(dir.Combine("artifacts"));
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSotopiaStore(store, artifacts);
        collection.AddSotopiaTrainer(o =>
        {
            o.TrainerId = "t1";
            o.PollInterval = TimeSpan.FromMilliseconds(10);
            o.OpenAI.PollInterval = TimeSpan.FromMilliseconds(1);
            o.OpenAI.MaxPollInterval = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(o);
        });
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        await provider.GetRequiredService<PolicyRegistryGrain>().EnsureBaseAsync("p", "sim-policy@v0");
        return new TrainerFixture(dir, sameStoreAs is null, store, artifacts, provider);
    }

    public async Task<TrainingRequest> RequestAsync(
        string id, string backend = "embedded", string dataset = Dataset, int baseVersion = 0, int epochs = 3,
        ImmutableDictionary<string, string>? options = null)
    {
        var path = $"datasets/c/{id}.chat.jsonl";
        var hash = await Artifacts.WriteAsync(path, async s =>
        {
            await using var w = new StreamWriter(s, leaveOpen: true);
            await w.WriteAsync(dataset);
        });
        return await Store.CreateTrainingRequestAsync(new TrainingRequest
        {
            Id = id,
            CampaignId = "c",
            Round = baseVersion,
            Kind = baseVersion == 0 ? "bc" : "sr",
            PolicyName = "p",
            BaseVersion = baseVersion,
            DatasetPath = path,
            DatasetHash = hash,
            Settings = new TrainerSettings { Backend = backend, Epochs = epochs, Options = options ?? ImmutableDictionary<string, string>.Empty },
            Seed = 11,
        });
    }

    /// <summary>Claims the oldest claimable request as this fixture's trainer and processes it.</summary>
    public async Task<(TrainingRequest Request, TrainerService.Outcome Outcome)> ProcessNextAsync(CancellationToken cancellationToken = default)
    {
        var claim = await Store.ClaimTrainingRequestAsync(Options.TrainerId, Options.LeaseDuration, cancellationToken);
        Assert.NotNull(claim);
        var outcome = await Service.ProcessAsync(claim.Value.Request, claim.Value.Lease, Options, cancellationToken);
        return ((await Store.GetTrainingRequestAsync(claim.Value.Request.Id, CancellationToken.None))!, outcome);
    }

    /// <summary>SFT examples the simulator's trainer can read: real agent prompts for the first starter tasks
    /// (the starter data ships next to the tests), each answered with a move.</summary>
    public static string EmbeddedDataset()
    {
        var dataset = SotopiaDataLoader.Load(Path.Combine(AppContext.BaseDirectory, "data", "starter")).Dataset;
        var lines = new List<string>();
        string[] answers = ["{\"action_type\":\"speak\",\"argument\":\"Could we find a fair way to share this?\"}", "{\"action_type\":\"leave\",\"argument\":\"\"}"];
        foreach (var (task, i) in dataset.Tasks.Take(4).Select((t, i) => (t, i)))
        {
            var setup = new EpisodeSetup(task, dataset.Scenarios.Single(s => s.Id == task.ScenarioId),
                dataset.Characters.Single(c => c.Id == task.Agent1Id), dataset.Characters.Single(c => c.Id == task.Agent2Id));
            var messages = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = AgentPromptRenderer.Render(setup, 0, [], 0) },
                new JsonObject { ["role"] = "assistant", ["content"] = answers[i % 2] });
            lines.Add(new JsonObject { ["messages"] = messages }.ToJsonString());
        }
        return string.Join("\n", lines) + "\n";
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Store.DisposeAsync();
        if (_ownsDir)
        {
            Dir.Dispose();
        }
    }
}
