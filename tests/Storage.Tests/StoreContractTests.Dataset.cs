using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    /// <summary>The last migration before datasets had versions (the one that leaves the shared dataset tables).</summary>
    protected abstract int MigrationBeforeDatasetVersions { get; }

    [Fact]
    public async Task EmptyStoreLoadsAnEmptyDatasetAndListsNoVersion()
    {
        var store = await NewStoreAsync();

        Assert.Equal(Json(SotopiaDataset.Empty), Json(await store.LoadDatasetAsync()));
        Assert.Empty(await store.ListDatasetVersionsAsync());
        var missing = await Assert.ThrowsAsync<KeyNotFoundException>(() => store.LoadDatasetAsync(1));
        Assert.Contains("Dataset version 1 does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatasetRoundTripsInImportedOrder()
    {
        var store = await NewStoreAsync();
        var dataset = Dataset();

        var version = await store.ImportDatasetAsync(dataset, "data/a");

        Assert.Equal(1, version.Version);
        Assert.Equal(Start, version.CreatedAt);
        Assert.Equal("data/a", version.Source);
        Assert.Matches("^[0-9a-f]{64}$", version.ContentHash);
        Assert.Equal((2, 1, 2, 2), (version.Characters, version.Relationships, version.Scenarios, version.Tasks));
        Assert.Equal<string>(["all", "hard"], version.NamedSets);
        Assert.Equal(Json(dataset), Json(await store.LoadDatasetAsync()));
        Assert.Equal(Json(dataset), Json(await store.LoadDatasetAsync(1)));
    }

    /// <summary>Import A, then B with the same named set and a changed record of the same id: B is a new version,
    /// A is unchanged (its named set and its record), the newest is B.</summary>
    [Fact]
    public async Task ImportCreatesANewVersionAndNeverOverwritesAnother()
    {
        var store = await NewStoreAsync();
        var a = Dataset();
        var changed = a.Characters[0] with { Occupation = "chef" };
        var b = SotopiaDataset.Empty with
        {
            Characters = [changed],
            NamedSets = ImmutableDictionary<string, ImmutableArray<string>>.Empty.Add("hard", ["scenario-z"]),
        };

        var first = await store.ImportDatasetAsync(a, "a");
        Time.Advance(TimeSpan.FromMinutes(1));
        var second = await store.ImportDatasetAsync(b, "b");

        Assert.Equal(2, second.Version);
        Assert.NotEqual(first.ContentHash, second.ContentHash);
        Assert.Equal(Json(a), Json(await store.LoadDatasetAsync(1)));
        Assert.Equal(Json(b), Json(await store.LoadDatasetAsync(2)));
        Assert.Equal(Json(b), Json(await store.LoadDatasetAsync()));
        var versions = await store.ListDatasetVersionsAsync();
        Assert.Equal([1, 2], versions.Select(v => v.Version));
        Assert.Equal<string>(["all", "hard"], versions[0].NamedSets);
        Assert.Equal<string>(["hard"], versions[1].NamedSets);
        Assert.Equal(Start.AddMinutes(1), versions[1].CreatedAt);
        Assert.Equal(Json(first), Json(versions[0]));
    }

    [Fact]
    public async Task ReimportingTheNewestContentReturnsThatVersion()
    {
        var store = await NewStoreAsync();
        var other = SotopiaDataset.Empty with { Characters = [Dataset().Characters[0]] };

        var first = await store.ImportDatasetAsync(Dataset(), "a");
        var again = await store.ImportDatasetAsync(Dataset(), "a again");
        await store.ImportDatasetAsync(other, "other");
        var afterOther = await store.ImportDatasetAsync(Dataset(), "a after other");

        Assert.Equal(Json(first), Json(again));
        Assert.Equal(3, afterOther.Version);
        Assert.Equal(first.ContentHash, afterOther.ContentHash);
        Assert.Equal(3, (await store.ListDatasetVersionsAsync()).Count);
    }

    [Fact]
    public async Task AdditionsAppendNewRecordsToOneVersionOnly()
    {
        var store = await NewStoreAsync();
        var dataset = Dataset();
        await store.ImportDatasetAsync(dataset, "a");
        await store.ImportDatasetAsync(dataset with { NamedSets = dataset.NamedSets.Remove("all") }, "b");
        var restated = dataset.Tasks[1] with { Agent1Id = "char-1", Agent2Id = "char-2" };
        var added = new SocialTask { Id = "task-3", ScenarioId = "scenario-a", Agent1Id = "char-1", Agent2Id = "char-2" };
        var scenario = new Scenario { Id = "scenario-c", Text = "A new one.", Goals = ["x", "y"], Relationship = RelationshipType.Friend };

        await store.AddToDatasetVersionAsync(1, SotopiaDataset.Empty with
        {
            Scenarios = [scenario],
            Tasks = [added, restated],
            NamedSets = ImmutableDictionary<string, ImmutableArray<string>>.Empty
                .Add("hard", ["scenario-c", "scenario-b"])
                .Add("generated", ["scenario-c"]),
        });

        Assert.Equal(Json(dataset with
        {
            Scenarios = [.. dataset.Scenarios, scenario],
            Tasks = [.. dataset.Tasks, added],
            NamedSets = dataset.NamedSets.SetItem("hard", ["scenario-b", "scenario-c"]).Add("generated", ["scenario-c"]),
        }), Json(await store.LoadDatasetAsync(1)));
        Assert.Equal(Json(dataset with { NamedSets = dataset.NamedSets.Remove("all") }), Json(await store.LoadDatasetAsync(2)));
        Assert.Equal(3, (await store.ListDatasetVersionsAsync())[0].Tasks);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.AddToDatasetVersionAsync(9, SotopiaDataset.Empty with { Tasks = [added] }));
    }

    /// <summary>A database from before dataset versions (shared tables where a later import overwrote records and
    /// named sets by id) upgrades into version 1 with the same content, in the same order, with its content hash.</summary>
    [Fact]
    public async Task DatasetStoredBeforeVersionsBecomesVersionOne()
    {
        await CreateDatabaseAtVersionAsync(MigrationBeforeDatasetVersions);
        var dataset = Dataset();
        var sql = new System.Text.StringBuilder();
        void Rows<T>(string table, IEnumerable<T> records, Func<T, string> id)
        {
            foreach (var record in records)
            {
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO {table} (id, json) VALUES ({Literal(id(record))}, {Literal(Json(record))});\n");
            }
        }
        Rows("characters", dataset.Characters, c => c.Id);
        Rows("relationships", dataset.Relationships, r => r.Id);
        Rows("scenarios", dataset.Scenarios, s => s.Id);
        Rows("tasks", dataset.Tasks, t => t.Id);
        foreach (var (name, ids) in dataset.NamedSets)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO named_sets (name, json) VALUES ({Literal(name)}, {Literal(Json(ids))});\n");
        }
        await ExecuteSqlAsync(sql.ToString());

        var store = await ReopenAsync(null);

        Assert.False(await TableExistsAsync("named_sets"));
        Assert.Equal(Json(dataset), Json(await store.LoadDatasetAsync(1)));
        var version = Assert.Single(await store.ListDatasetVersionsAsync());
        Assert.Equal("migrated", version.Source);
        // The hash is the one an import of the same content gets, so re-importing it is recognised.
        Assert.Equal(Json(version), Json(await store.ImportDatasetAsync(dataset, "again")));
    }

    [Fact]
    public async Task DatabaseWithoutDatasetUpgradesToNoVersion()
    {
        await CreateDatabaseAtVersionAsync(MigrationBeforeDatasetVersions);

        var store = await ReopenAsync(null);

        Assert.Empty(await store.ListDatasetVersionsAsync());
        Assert.Equal(1, (await store.ImportDatasetAsync(Dataset(), "a")).Version);
    }
}
