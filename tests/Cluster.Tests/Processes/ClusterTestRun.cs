using System.Text;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>A cluster for one test: a fresh PostgreSQL database (migrated, with the <see cref="WriteAudit"/>
/// triggers), a generated dataset, a shared artifacts folder, N silo processes and a trainer process (an Orleans
/// client that finds the silos through the same database), and the test's own view of the store.</summary>
internal sealed class ClusterTestRun : IAsyncDisposable
{
    private readonly PostgresServerFixture _server;
    private readonly TempDirectory _folder;
    private Dictionary<string, string?> _trainerEnvironment = [];

    private ClusterTestRun(PostgresServerFixture server, TempDirectory folder, string connectionString, PostgresSotopiaStore store, ClusterEvents events, List<ClusterSilo> silos)
    {
        _server = server;
        _folder = folder;
        ConnectionString = connectionString;
        Store = store;
        Events = events;
        Silos = silos;
    }

    public string ConnectionString { get; }

    /// <summary>The test's own view of the database (application name "observer").</summary>
    public PostgresSotopiaStore Store { get; }

    public ClusterEvents Events { get; }

    public IReadOnlyList<ClusterSilo> Silos { get; }

    public DotnetProcess? Trainer { get; private set; }

    public string DatasetPath => _folder.Combine("dataset");

    public string ArtifactsPath => _folder.Combine("artifacts");

    /// <param name="server">The PostgreSQL server.</param>
    /// <param name="silos">How many silo processes (ids silo-1 … silo-N).</param>
    /// <param name="scenarioCopies">Clones of each training scenario in the dataset (see <see cref="ClusterDataset"/>).</param>
    /// <param name="settings">More settings for every silo (environment variables).</param>
    public static async Task<ClusterTestRun> StartAsync(PostgresServerFixture server, int silos, int scenarioCopies, IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = new TempDirectory("sotopia-cluster");
        var connectionString = await server.CreateDatabaseAsync();
        PostgresSotopiaStore? store = null;
        ClusterEvents? events = null;
        var processes = new List<ClusterSilo>();
        try
        {
            ClusterDataset.Write(folder.Combine("dataset"), scenarioCopies);
            Directory.CreateDirectory(folder.Combine("artifacts"));
            store = await PostgresSotopiaStore.OpenAsync(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "observer" }.ConnectionString);
            await store.MigrateAsync();
            await WriteAudit.InstallAsync(connectionString);
            events = ClusterEvents.Start(connectionString);
            for (var i = 1; i <= silos; i++)
            {
                processes.Add(new ClusterSilo($"silo-{i}", connectionString, folder.Combine("artifacts"), settings));
            }
            await Task.WhenAll(processes.Select(p => p.StartAsync()));
            // The trainer gets the silos' OpenTelemetry settings (it exports through the same service defaults).
            var run = new ClusterTestRun(server, folder, connectionString, store, events, processes)
            {
                _trainerEnvironment = (settings ?? new Dictionary<string, string>()).Where(p => p.Key.StartsWith("OTEL_", StringComparison.Ordinal))
                    .ToDictionary(p => p.Key, p => (string?)p.Value),
            };
            await run.StartTrainerAsync();
            return run;
        }
        catch
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }
            if (events is not null)
            {
                await events.DisposeAsync();
            }
            if (store is not null)
            {
                await store.DisposeAsync();
            }
            folder.Dispose();
            throw;
        }
    }

    /// <summary>The trainer process, found by the silos through the store's membership table.</summary>
    public async Task StartTrainerAsync()
    {
        var store = new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = "trainer" }.ConnectionString;
        Trainer = TrainerProcess.Start(_trainerEnvironment, "--store", store, "--artifacts", ArtifactsPath, "--id", "trainer-1", "--backend", "embedded");
        try
        {
            await Trainer.WhenOutputContainsAsync("Trainer trainer-1 started").WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the trainer did not start within 2 minutes. Output:\n{Trainer.Output}");
        }
    }

    public ClusterSilo Silo(string id) => Silos.Single(s => s.Id == id);

    /// <summary>Starts the campaign through the API of the first running silo.</summary>
    public async Task StartCampaignAsync(string campaignId, string specJson)
    {
        var silo = Silos.First(s => s.IsRunning && !s.IsFrozen);
        using var content = new StringContent(specJson, Encoding.UTF8, "application/json");
        using var response = await silo.Http.PostAsync($"api/campaigns?id={campaignId}", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"starting campaign {campaignId} answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>Waits until at least <paramref name="count"/> episodes of the campaign ended.</summary>
    public Task WaitForEndedAsync(string campaignId, int count, TimeSpan timeout) =>
        Events.WaitAsync(() => Events.Ended(campaignId) >= count, $"{count} ended episodes of {campaignId} (so far {Events.Ended(campaignId)})", timeout, () => DescribeAsync(campaignId));

    /// <summary>Waits until the campaign ended and returns it; fails unless it completed.</summary>
    public async Task<CampaignRecord> WaitForCompletionAsync(string campaignId, TimeSpan timeout)
    {
        await Events.WaitAsync(() => Events.Status(campaignId) is "completed" or "failed" or "cancelled",
            $"campaign {campaignId} to end (now {Events.Status(campaignId)})", timeout, () => DescribeAsync(campaignId));
        var campaign = (await Store.GetCampaignAsync(campaignId))!;
        Assert.True(campaign.Status == CampaignStatus.Completed, $"campaign {campaignId} ended {campaign.Status}: {campaign.Error}\n{await DescribeAsync(campaignId)}");
        return campaign;
    }

    /// <summary>The cluster's state for a failure message: campaign step, counts, the end of every process's output.</summary>
    public async Task<string> DescribeAsync(string campaignId)
    {
        var text = new StringBuilder();
        try
        {
            var campaign = await Store.GetCampaignAsync(campaignId);
            text.AppendLine($"campaign: {campaign?.Status} stage {campaign?.Stage} step {campaign?.Step} error {campaign?.Error}");
            text.AppendLine($"episodes: {await Store.CountEpisodesAsync(campaignId)}");
            foreach (var failed in await Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId, Status = EpisodeStatus.Failed, Limit = 5 }))
            {
                text.AppendLine($"  failed {failed.Id}: {failed.FailureReason}");
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            text.AppendLine($"(store unreadable: {ex.Message})");
        }
        text.AppendLine($"full outputs: {await SaveOutputsAsync(campaignId)}");
        foreach (var silo in Silos)
        {
            var lines = silo.Output.Split('\n');
            text.AppendLine($"--- {silo.Id} (incarnation {silo.Incarnation}, {(silo.IsRunning ? silo.IsFrozen ? "frozen" : "running" : "down")}), last 40 of {lines.Length} lines:");
            text.AppendJoin('\n', lines.TakeLast(40)).AppendLine();
        }
        if (Trainer is not null)
        {
            var lines = Trainer.Output.Split('\n');
            text.AppendLine($"--- trainer, last 20 of {lines.Length} lines:");
            text.AppendJoin('\n', lines.TakeLast(20)).AppendLine();
        }
        return text.ToString();
    }

    /// <summary>Writes every process's whole output under the test's bin folder (the run's own folder is deleted), for a
    /// closer look after a failure; returns the folder.</summary>
    public async Task<string> SaveOutputsAsync(string label)
    {
        var logs = Path.Combine(AppContext.BaseDirectory, "cluster-logs", $"{label}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(logs);
        foreach (var silo in Silos)
        {
            await File.WriteAllTextAsync(Path.Combine(logs, silo.Id + ".log"), silo.Output);
        }
        if (Trainer is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(logs, "trainer.log"), Trainer.Output);
        }
        return logs;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            silo.Dispose();
        }
        Trainer?.Dispose();
        await Events.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            await _server.DropDatabaseAsync(ConnectionString);
        }
        finally
        {
            _folder.Dispose();
        }
    }
}
