using System.Text;
using Npgsql;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.IntegrationTests.Api;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>A cluster for one test: a fresh PostgreSQL database (migrated, with the <see cref="WriteAudit"/>
/// triggers), a generated dataset, a shared artifacts folder, N silo processes (the first one also runs the
/// trainer), and an observer store through which the test reads what the silos did.</summary>
internal sealed class ClusterTestRun : IAsyncDisposable
{
    private readonly PostgresServerFixture _server;
    private readonly TempDirectory _folder;

    private ClusterTestRun(PostgresServerFixture server, TempDirectory folder, string connectionString, PostgresSotopiaStore store, List<ClusterSilo> silos)
    {
        _server = server;
        _folder = folder;
        ConnectionString = connectionString;
        Store = store;
        Silos = silos;
    }

    public string ConnectionString { get; }

    /// <summary>The test's own view of the database (application name "observer").</summary>
    public PostgresSotopiaStore Store { get; }

    public IReadOnlyList<ClusterSilo> Silos { get; }

    public string DatasetPath => _folder.Combine("dataset");

    /// <param name="server">The PostgreSQL server.</param>
    /// <param name="silos">How many silo processes (ids silo-1 … silo-N; silo-1 runs the trainer).</param>
    /// <param name="scenarioCopies">Clones of each training scenario in the dataset (see <see cref="ClusterDataset"/>).</param>
    /// <param name="settings">More settings for every silo (environment variables).</param>
    public static async Task<ClusterTestRun> StartAsync(PostgresServerFixture server, int silos, int scenarioCopies, IReadOnlyDictionary<string, string>? settings = null)
    {
        var folder = new TempDirectory("sotopia-cluster");
        var connectionString = await server.CreateDatabaseAsync();
        PostgresSotopiaStore? store = null;
        var processes = new List<ClusterSilo>();
        try
        {
            ClusterDataset.Write(folder.Combine("dataset"), scenarioCopies);
            Directory.CreateDirectory(folder.Combine("artifacts"));
            store = await PostgresSotopiaStore.OpenAsync(
                new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "observer" }.ConnectionString);
            await WriteAudit.InstallAsync(connectionString);
            for (var i = 1; i <= silos; i++)
            {
                processes.Add(new ClusterSilo($"silo-{i}", connectionString, folder.Combine("artifacts"), trainer: i == 1, settings));
            }
            await Task.WhenAll(processes.Select(p => p.StartAsync()));
            return new ClusterTestRun(server, folder, connectionString, store, processes);
        }
        catch
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }
            if (store is not null)
            {
                await store.DisposeAsync();
            }
            folder.Dispose();
            throw;
        }
    }

    public ClusterSilo Silo(string id) => Silos.Single(s => s.Id == id);

    /// <summary>Starts the campaign through the API of the first running silo.</summary>
    public async Task StartCampaignAsync(string campaignId, string specJson)
    {
        var silo = Silos.First(s => s.IsRunning && !s.IsPaused);
        using var content = new StringContent(specJson, Encoding.UTF8, "application/json");
        using var response = await silo.Http.PostAsync($"api/campaigns?id={campaignId}", content);
        await ApiAssert.SuccessAsync(response);
    }

    /// <summary>How long episodes may run without a single one finishing before the run counts as stuck (the
    /// leases last 5 s, so a dead silo's episodes move well within this).</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(40);

    /// <summary>Watches the store until the campaign completes, calling nothing but reads (the disruptions run
    /// beside it in <paramref name="companion"/>, whose failure ends the wait at once). Reads that fail because
    /// the database is being restarted are retried. Fails with the cluster's state when the campaign fails,
    /// when episodes are running but none finished for <see cref="StallLimit"/>, or when it does not complete
    /// within <paramref name="timeout"/>.</summary>
    public async Task<CampaignRecord> WaitForCompletionAsync(string campaignId, TimeSpan timeout, Task companion)
    {
        using var cts = new CancellationTokenSource(timeout);
        var lastFinished = -1;
        var lastProgress = DateTime.UtcNow;
        while (true)
        {
            if (companion.IsFaulted || companion.IsCanceled)
            {
                await companion;
            }
            CampaignRecord? campaign = null;
            EpisodeCounts? counts = null;
            try
            {
                campaign = await Store.GetCampaignAsync(campaignId);
                counts = await Store.CountEpisodesAsync(campaignId);
            }
            catch (NpgsqlException)
            {
                // The server is restarting: look again in a moment.
            }
            switch (campaign?.Status)
            {
                case CampaignStatus.Completed:
                    return campaign;
                case CampaignStatus.Failed or CampaignStatus.Cancelled:
                    Assert.Fail($"campaign {campaignId} ended {campaign.Status}: {campaign.Error}\n{await DescribeAsync(campaignId)}");
                    break;
            }
            if (counts is not null && (counts.Finished != lastFinished || counts.Running == 0))
            {
                lastFinished = counts.Finished;
                lastProgress = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastProgress > StallLimit)
            {
                Assert.Fail($"campaign {campaignId} is stuck: {counts?.Running} episodes running, none finished for {StallLimit.TotalSeconds} s.\n{await DescribeAsync(campaignId)}");
            }
            try
            {
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"campaign {campaignId} did not complete within {timeout}.\n{await DescribeAsync(campaignId)}");
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing if the campaign ends first (the step
    /// it waited for can then never happen) or after <paramref name="timeout"/>.</summary>
    public async Task UntilAsync(string campaignId, string what, Func<EpisodeCounts, Task<bool>> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        EpisodeCounts? last = null;
        while (true)
        {
            try
            {
                last = await Store.CountEpisodesAsync(campaignId);
                if (await condition(last))
                {
                    return;
                }
                var campaign = await Store.GetCampaignAsync(campaignId);
                if (campaign?.Status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled)
                {
                    Assert.Fail($"campaign {campaignId} ended {campaign.Status} before: {what} (episodes {last})\n{await DescribeAsync(campaignId)}");
                }
            }
            catch (NpgsqlException)
            {
                // The server is restarting: look again in a moment.
            }
            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"not reached within {timeout}: {what} (episodes {last})\n{await DescribeAsync(campaignId)}");
            }
        }
    }

    /// <summary>The cluster's state for a failure message: campaign step, counts, the episodes still running with
    /// their leases, and the end of every silo's output.</summary>
    public async Task<string> DescribeAsync(string campaignId)
    {
        var text = new StringBuilder();
        try
        {
            var campaign = await Store.GetCampaignAsync(campaignId);
            text.AppendLine($"campaign: {campaign?.Status} stage {campaign?.Stage} step {campaign?.Step} error {campaign?.Error}");
            text.AppendLine($"episodes: {await Store.CountEpisodesAsync(campaignId)}");
            var leases = await WriteAudit.LeasesAsync(ConnectionString, campaignId);
            var claimedBy = (await WriteAudit.ReadStatusesAsync(ConnectionString)).Where(s => s.NewStatus == "running")
                .GroupBy(s => s.EpisodeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Writer, StringComparer.Ordinal);
            var running = await Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId, Status = EpisodeStatus.Running, Limit = 20 });
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var orphansKeptAlive = 0;
            foreach (var episode in running)
            {
                var lease = leases.GetValueOrDefault(episode.Id);
                var claimer = claimedBy.GetValueOrDefault(episode.Id) ?? "nobody";
                var silo = Silos.FirstOrDefault(s => s.Id == ClusterInvariants.SiloOf(claimer));
                var dead = silo is not null && claimer != silo.IncarnationName(silo.Incarnation);
                if (dead && lease.ExpiresAt > now)
                {
                    orphansKeptAlive++;
                }
                text.AppendLine($"  running {episode.Id}: lease {lease.Owner} epoch {lease.Epoch} active {lease.Active} expires in {lease.ExpiresAt - now} ms, " +
                    $"claimed by {claimer}{(dead ? " (a process that is gone)" : "")}, {(await Store.GetTurnsAsync(episode.Id)).Length} turns");
            }
            foreach (var failed in await Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId, Status = EpisodeStatus.Failed, Limit = 5 }))
            {
                text.AppendLine($"  failed {failed.Id}: {failed.FailureReason}");
            }
            foreach (var silo in Silos.Where(s => s.IsRunning && !s.IsPaused))
            {
                var held = leases.Values.Count(l => l.Active && l.ExpiresAt > now && ClusterInvariants.NamesSilo(l.Owner, silo.Id));
                long? playing = null;
                try
                {
                    playing = (await silo.DescribeSelfAsync()).ActiveEpisodes;
                }
                catch (HttpRequestException)
                {
                    // Not answering: say nothing about it.
                }
                text.AppendLine($"  {silo.CurrentIncarnation} holds {held} live episode leases and plays {playing?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} episodes");
                if (playing < held)
                {
                    text.AppendLine($"  => {silo.CurrentIncarnation} keeps {held - playing} leases alive without playing them: activations ended (e.g. on a store error) " +
                        "without giving their leases up, and the heartbeat renews every lease of the silo. Product bug, see the cluster test report.");
                }
            }
            if (orphansKeptAlive > 0)
            {
                text.AppendLine($"  => {orphansKeptAlive} of these were claimed by a killed process, yet their leases are still live: the restarted " +
                    "silo (same id) renews its predecessor's leases (LeaseHeartbeat renews every lease of the silo id) without playing them, " +
                    "so they never expire and no silo resumes them. Product bug, see the cluster test report.");
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            text.AppendLine($"(store unreadable: {ex.Message})");
        }
        foreach (var silo in Silos)
        {
            var lines = silo.Output.Split('\n');
            text.AppendLine($"--- {silo.Id} (incarnation {silo.Incarnation}, {(silo.IsRunning ? "running" : "down")}), last 40 of {lines.Length} lines:");
            text.AppendJoin('\n', lines.TakeLast(40)).AppendLine();
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            silo.Dispose();
        }
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
