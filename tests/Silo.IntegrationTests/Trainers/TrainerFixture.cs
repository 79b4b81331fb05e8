using System.Globalization;
using Microsoft.Extensions.Logging;
using SotopiaPi.Sotopia.Training;
using SotopiaPi.Trainer.Backends;
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
using SotopiaPi.Silo.Runtime;
using SiloOptions = SotopiaPi.Silo.Options.SiloOptions;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Trainer;
using SotopiaPi.Trainer.Hosting;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>A trainer next to one in-process silo over a fresh SQLite store and artifact folder, with policy "p" at its
/// base version; tests write a dataset, queue a request and let the trainer service process it.</summary>
internal sealed class TrainerFixture : IAsyncDisposable
{
    /// <summary>Three valid SFT examples in chat JSONL.</summary>
    public const string Dataset = """
        {"messages":[{"role":"user","content":"Imagine you are Ana. Say hello."},{"role":"assistant","content":"{\"action_type\":\"speak\",\"argument\":\"Hello!\"}"}]}
        {"messages":[{"role":"user","content":"Imagine you are Ben. Answer."},{"role":"assistant","content":"{\"action_type\":\"speak\",\"argument\":\"Hi Ana.\"}"}]}
        {"messages":[{"role":"user","content":"Imagine you are Ana. Leave."},{"role":"assistant","content":"{\"action_type\":\"leave\",\"argument\":\"\"}"}]}

        """;

    private readonly IHost _host;

    private TrainerFixture(TempDirectory dir, ObservedStore store, FileArtifactStore artifacts, IHost host)
    {
        Dir = dir;
        Store = store;
        Artifacts = artifacts;
        _host = host;
    }

    public TempDirectory Dir { get; }

    /// <summary>The silo's Orleans gateway port (0 without a gateway), for trainer processes.</summary>
    public int GatewayPort { get; private init; }

    /// <summary>The project store (SQLite) the silo and the trainers share; it can wait on a request's stored state.</summary>
    public ObservedStore Store { get; }

    public FileArtifactStore Artifacts { get; }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public IPolicyRegistryGrain Registry => Grains.GetGrain<IPolicyRegistryGrain>("p");

    public ITrainingQueueGrain Queue => Grains.GetGrain<ITrainingQueueGrain>(TrainingQueue.Default);

    public TrainerOptions Options => Services.GetRequiredService<IOptions<TrainerOptions>>().Value;

    /// <summary>This fixture's trainer ("t1" unless configured). It is not started with the silo: a test processes
    /// requests through it directly (<see cref="ProcessNextAsync"/>) or starts it.</summary>
    public TrainerService Service => Services.GetRequiredService<TrainerService>();

    /// <summary>A trainer in one in-process Orleans silo (localhost clustering, grain state in a fresh SQLite store,
    /// artifacts in a folder), with policy "p" at its base version; <paramref name="services"/> adds backends.</summary>
    public static async Task<TrainerFixture> CreateAsync(
        Action<TrainerOptions>? configure = null, Action<IServiceCollection>? services = null, TrainingQueueOptions? queue = null, bool gateway = false)
    {
        var dir = new TempDirectory("sotopia-trainer");
        var sqlite = await SqliteSotopiaStore.OpenAsync(dir.Combine("s.db"));
        await sqlite.MigrateAsync();
        var store = new ObservedStore(sqlite);
        var artifacts = new FileArtifactStore(dir.Combine("artifacts"));
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        var options = new SiloOptions { SiloId = "trainer-silo", SiloPort = FreePorts.Next(), GatewayPort = gateway ? FreePorts.Next() : 0 };
        builder.UseOrleans(silo =>
        {
            silo.AddSotopiaSilo(options, store, artifacts);
            silo.UseSotopiaLocalCluster(options, store);
        });
        if (queue is not null)
        {
            builder.Configuration[$"{TrainingQueueOptions.SectionName}:{nameof(TrainingQueueOptions.RenewInterval)}"] = queue.RenewInterval.ToString("c", CultureInfo.InvariantCulture);
            builder.Configuration[$"{TrainingQueueOptions.SectionName}:{nameof(TrainingQueueOptions.TrainerLifetime)}"] = queue.TrainerLifetime.ToString("c", CultureInfo.InvariantCulture);
        }
        builder.Services.AddSotopiaSimulatorBackend();
        builder.Services.AddSingleton<CampaignLauncher>();
        builder.Services.AddSotopiaTrainer(o =>
        {
            o.TrainerId = "t1";
            o.RenewInterval = TimeSpan.FromMilliseconds(200);
            o.OpenAI.PollInterval = TimeSpan.FromMilliseconds(1);
            o.OpenAI.MaxPollInterval = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(o);
        });
        // The trainer runs when a test says so, not with the silo.
        foreach (var hosted in builder.Services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(TrainerService)).ToList())
        {
            builder.Services.Remove(hosted);
        }
        builder.Services.AddSingleton<TrainerService>();
        services?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            var fixture = new TrainerFixture(dir, store, artifacts, host) { GatewayPort = options.GatewayPort };
            await fixture.Registry.EnsureBaseAsync("sim-policy@v0");
            return fixture;
        }
        catch
        {
            host.Dispose();
            await sqlite.DisposeAsync();
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Another trainer process on the same cluster: its own id and options, this silo's backends plus
    /// <paramref name="extra"/>.</summary>
    public TrainerService CreateTrainer(Action<TrainerOptions> configure, params ITrainingBackend[] extra)
    {
        var options = new TrainerOptions { RenewInterval = Options.RenewInterval };
        configure(options);
        var backends = Services.GetServices<ITrainingBackend>().Where(b => extra.All(e => e.Name != b.Name)).Concat(extra).ToList();
        return ActivatorUtilities.CreateInstance<TrainerService>(Services, Microsoft.Extensions.Options.Options.Create(options), backends);
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
        var request = await Store.CreateTrainingRequestAsync(new TrainingRequest
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
        await Queue.EnqueueAsync(id);
        return request;
    }

    /// <summary>Takes the oldest queued request this fixture's trainer serves from the training queue and processes it.</summary>
    public async Task<(TrainingRequest Request, TrainerService.Outcome Outcome)> ProcessNextAsync(CancellationToken cancellationToken = default)
    {
        var assignment = await TakeAsync(Options.TrainerId);
        Assert.NotNull(assignment);
        var outcome = await Service.ProcessAsync(assignment, cancellationToken);
        return ((await Store.GetTrainingRequestAsync(assignment.Request.Id, CancellationToken.None))!, outcome);
    }

    /// <summary>Takes the oldest queued request for <paramref name="trainerId"/> serving what this fixture's trainer serves.</summary>
    public Task<TrainingAssignment?> TakeAsync(string trainerId) =>
        Queue.TakeAsync(trainerId, [.. Services.GetServices<ITrainingBackend>().Select(b => b.Name).Where(Options.Serves)]);

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
        await _host.StopAsync();
        _host.Dispose();
        await Store.Inner.DisposeAsync();
        Dir.Dispose();
    }
}
