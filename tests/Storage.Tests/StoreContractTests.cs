using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>The behaviour every <see cref="ISotopiaStore"/> must have. One subclass per database supplies the
/// store; all tests here run unchanged against each. Each test gets its own empty database. Stores read listings in
/// pages of <see cref="SmallPageSize"/> rows unless a test asks for more, so the listings cross page boundaries.</summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    /// <summary>The page size of the stores the tests open: most listings here have more rows than this.</summary>
    protected const int SmallPageSize = 3;

    private readonly List<ISotopiaStore> _stores = [];

    protected FakeTimeProvider Time { get; } = new(Start);

    /// <summary>A migrated store on a new, empty database that uses <paramref name="time"/> for every time and reads
    /// listings in pages of <paramref name="pageSize"/> rows.</summary>
    protected abstract Task<ISotopiaStore> CreateStoreAsync(TimeProvider time, int pageSize);

    /// <summary>A new store instance on the database of the last <see cref="CreateStoreAsync"/> or
    /// <see cref="CreateDatabaseAtVersionAsync"/> (any previous instance has been disposed): what a restarted (or
    /// upgraded) process sees. It migrates on open.</summary>
    protected abstract Task<ISotopiaStore> ReopenStoreAsync(TimeProvider time);

    /// <summary>A new database with the store's migrations up to <paramref name="version"/> applied and recorded, as
    /// a store of that version left it; no store is opened on it.</summary>
    protected abstract Task CreateDatabaseAtVersionAsync(int version);

    /// <summary>Runs SQL on the database of the last <see cref="CreateDatabaseAtVersionAsync"/>, outside any store.</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    /// <summary>The value of a scalar query on that database, as text (null for SQL NULL or no row).</summary>
    protected abstract Task<string?> QuerySqlAsync(string sql);

    /// <summary>Whether that database has a table of this name.</summary>
    protected abstract Task<bool> TableExistsAsync(string table);

    /// <summary>The store's newest migration.</summary>
    protected abstract int LatestMigration { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected async Task<ISotopiaStore> NewStoreAsync(int pageSize = SmallPageSize)
    {
        var store = await CreateStoreAsync(Time, pageSize);
        _stores.Add(store);
        return store;
    }

    protected async Task<ISotopiaStore> ReopenAsync(ISotopiaStore? previous)
    {
        if (previous is not null)
        {
            await previous.DisposeAsync();
        }
        var store = await ReopenStoreAsync(Time);
        _stores.Add(store);
        return store;
    }

    /// <summary>Creates <paramref name="count"/> pending episodes of a campaign, created 1 ms apart; returns their ids
    /// in creation order.</summary>
    protected static async Task<List<string>> SeedEpisodesAsync(ISotopiaStore store, string campaignId, int count, int round = 0)
    {
        var episodes = Enumerable.Range(0, count)
            .Select(i => Episode($"{campaignId}-r{round}-e{i:D4}", campaignId, Start.AddMilliseconds(i), round))
            .ToList();
        Assert.Equal(count, await store.CreateEpisodesAsync(episodes));
        return episodes.ConvertAll(e => e.Id);
    }

    /// <summary>Begins an episode that must be playable and returns its fence.</summary>
    protected static async Task<EpisodeFence> BeginAsync(ISotopiaStore store, string episodeId)
    {
        var activation = await store.BeginEpisodeAsync(episodeId);
        Assert.NotNull(activation);
        Assert.NotNull(activation.Fence);
        return activation.Fence;
    }

    [Fact]
    public async Task MigrateIsIdempotentAndKeepsData()
    {
        var store = await NewStoreAsync();
        await store.SaveCampaignAsync(Campaign("c-1", Start));

        await store.MigrateAsync();
        await store.MigrateAsync();

        Assert.Equal("c-1", (await store.GetCampaignAsync("c-1"))?.Id);
        await store.SaveCampaignAsync(Campaign("c-2", Start));
        Assert.Equal(2, (await store.ListCampaignsAsync()).Count);
    }

    [Fact]
    public async Task DataSurvivesReopening()
    {
        var store = await NewStoreAsync();
        var ids = await SeedEpisodesAsync(store, "c-keep", 2);
        var fence = await BeginAsync(store, ids[0]);
        await store.AppendTurnAsync(fence, Turn(ids[0], 0));
        await store.AppendTurnAsync(fence, Turn(ids[0], 1));
        await store.SaveCampaignAsync(Campaign("c-keep", Start) with { Revision = 4 });
        await store.RegisterVersionAsync(Version("pol", 0, null, Start));
        await store.ActivateAsync("pol", 0);
        await store.CreateTrainingRequestAsync(Training("tr-keep", Start));
        await store.ImportDatasetAsync(Dataset(), "data");
        var etag = await store.WriteGrainStateAsync("campaign", "c-keep", """{"stage":1}""", null);

        store = await ReopenAsync(store);

        Assert.Equal(EpisodeStatus.Running, (await store.GetEpisodeAsync(ids[0]))?.Status);
        Assert.Equal(EpisodeStatus.Pending, (await store.GetEpisodeAsync(ids[1]))?.Status);
        Assert.Equal([0, 1], (await store.GetTurnsAsync(ids[0])).Select(t => t.Number));
        Assert.Equal(4, (await store.GetCampaignAsync("c-keep"))?.Revision);
        Assert.False(await store.SaveCampaignAsync(Campaign("c-keep", Start) with { Revision = 4, Stage = 9 }));
        Assert.Equal(0, (await store.GetActiveVersionAsync("pol"))?.Version);
        Assert.Equal("tr-keep", (await store.GetTrainingRequestAsync("tr-keep"))?.Id);
        Assert.Equal(Json(Dataset()), Json(await store.LoadDatasetAsync()));
        Assert.Equal(new StoredGrainState("""{"stage":1}""", etag), await store.ReadGrainStateAsync("campaign", "c-keep"));
        // The fence survives too: the activation keeps writing after the restart, the next one gets fence 2.
        await store.AppendTurnAsync(fence, Turn(ids[0], 2));
        Assert.Equal(3, (await store.GetTurnsAsync(ids[0])).Length);
        Assert.Equal(new EpisodeFence(ids[0], 2), await BeginAsync(store, ids[0]));
    }

    [Fact]
    public async Task CancelledWriteIsNotApplied()
    {
        var store = await NewStoreAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.SaveCampaignAsync(Campaign("c-1", Start), new CancellationToken(canceled: true)));

        Assert.Null(await store.GetCampaignAsync("c-1"));
        Assert.Empty(await store.ListCampaignsAsync());
    }

    /// <summary>A database the lease runtime left (migrations 1 and 2, with leases, silo rows, a campaign, a running
    /// episode with turns) upgrades in place: the lease and silo tables go, fences and revisions start at 0, the data
    /// reads as before and the episode resumes with fence 1.</summary>
    [Fact]
    public async Task DatabaseOfTheLeaseRuntimeUpgrades()
    {
        await CreateDatabaseAtVersionAsync(2);
        var campaign = Campaign("c-old", Start) with { Stage = 2 };
        var campaignJson = JsonNode.Parse(Json(campaign))!.AsObject();
        Assert.True(campaignJson.Remove("revision"));
        var episode = Episode("e-old", "c-old", Start) with { Status = EpisodeStatus.Running };
        var startMs = Start.ToUnixTimeMilliseconds();
        await ExecuteSqlAsync($"""
            INSERT INTO leases (kind, key, owner, epoch, expires_at) VALUES ('episode', 'e-old', 'silo-a', 3, {startMs + 30_000});
            INSERT INTO silos (id, address, started_at, last_heartbeat, status, stats) VALUES ('silo-a', 'http://a', {startMs}, {startMs}, 'active', NULL);
            INSERT INTO campaigns (id, status, created_at, updated_at, json) VALUES ('c-old', 'running', {startMs}, {startMs}, {Literal(campaignJson.ToJsonString())});
            INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
                VALUES ('e-old', 'c-old', 0, 'sr', 'task-scenario-a', 'scenario-a', 'running', {startMs}, NULL, {Literal(Json(episode))});
            INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage) VALUES ('e-old', 0, 0, 'speak', 'hello', NULL, NULL);
            INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage) VALUES ('e-old', 1, 1, 'speak', 'hi', NULL, NULL);
            """);

        var store = await ReopenAsync(null);

        Assert.Equal(LatestMigration.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await QuerySqlAsync("SELECT max(version) FROM schema_migrations"));
        Assert.Equal("0", await QuerySqlAsync("SELECT fence FROM episodes WHERE id = 'e-old'"));
        Assert.Equal("0", await QuerySqlAsync("SELECT revision FROM campaigns WHERE id = 'c-old'"));
        Assert.False(await TableExistsAsync("leases"));
        Assert.False(await TableExistsAsync("silos"));
        Assert.True(await TableExistsAsync("grain_state"));
        Assert.Equal(Json(campaign), Json(await store.GetCampaignAsync("c-old")));
        Assert.Equal(["e-old"], await store.ListUnfinishedEpisodeIdsAsync("c-old", 0));
        var resumed = await store.BeginEpisodeAsync("e-old");
        Assert.Equal(new EpisodeFence("e-old", 1), resumed?.Fence);
        Assert.Equal(["hello", "hi"], resumed!.Turns.Select(t => t.Action.Argument));
        await store.AppendTurnAsync(resumed.Fence!, Turn("e-old", 2));
        Assert.True(await store.SaveCampaignAsync(campaign with { Revision = 1, Stage = 3 }));
        Assert.Equal(3, (await store.GetCampaignAsync("c-old"))?.Stage);
        Assert.Null(await store.ReadGrainStateAsync("campaign", "c-old"));
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
