using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task EmptyStoreLoadsAnEmptyDataset()
    {
        var store = await NewStoreAsync();

        Assert.Equal(Json(SotopiaDataset.Empty), Json(await store.LoadDatasetAsync()));
    }

    [Fact]
    public async Task DatasetRoundTripsInFirstStoredOrder()
    {
        var store = await NewStoreAsync();
        var dataset = Dataset();

        await store.ImportDatasetAsync(dataset);
        Assert.Equal(Json(dataset), Json(await store.LoadDatasetAsync()));

        // Re-importing replaces records by id; a replaced record keeps its place, new ones come last.
        var changed = dataset.Characters[0] with { Occupation = "chef" };
        var added = new Character { Id = "char-0", FirstName = "Cy", LastName = "Lind" };
        await store.ImportDatasetAsync(SotopiaDataset.Empty with
        {
            Characters = [added, changed],
            NamedSets = dataset.NamedSets.SetItem("hard", ["scenario-a"]),
        });

        var loaded = await store.LoadDatasetAsync();
        Assert.Equal(Json(dataset with
        {
            Characters = [changed, dataset.Characters[1], added],
            NamedSets = dataset.NamedSets.SetItem("hard", ["scenario-a"]),
        }), Json(loaded));
    }

    [Fact]
    public async Task UpsertTasksAddsAndReplaces()
    {
        var store = await NewStoreAsync();
        var dataset = Dataset();
        await store.ImportDatasetAsync(dataset);
        var replaced = dataset.Tasks[1] with { Agent1Id = "char-1", Agent2Id = "char-2" };
        var added = new SocialTask { Id = "task-3", ScenarioId = "scenario-a", Agent1Id = "char-1", Agent2Id = "char-2" };

        await store.UpsertTasksAsync([added, replaced]);

        Assert.Equal(Json(dataset with { Tasks = [dataset.Tasks[0], replaced, added] }), Json(await store.LoadDatasetAsync()));
    }
}
