using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task CreateTrainingRequestIsIdempotent()
    {
        var store = await NewStoreAsync();
        var first = Training("tr-1", Start);

        Assert.Equal(Json(first), Json(await store.CreateTrainingRequestAsync(first)));
        var again = await store.CreateTrainingRequestAsync(Training("tr-1", Start, datasetPath: "elsewhere.jsonl"));

        Assert.Equal(Json(first), Json(again));
        Assert.Equal(Json(first), Json(await store.GetTrainingRequestAsync("tr-1")));
        Assert.Null(await store.GetTrainingRequestAsync("tr-2"));
    }

    [Fact]
    public async Task TrainingUpdatesChangeOnlyTheirFieldsUntilTheRequestIsFinished()
    {
        var store = await NewStoreAsync();
        var created = await store.CreateTrainingRequestAsync(Training("tr-1", Start));

        await store.UpdateTrainingRequestAsync(created with { Status = TrainingStatus.Running, Attempt = 1, TrainerId = "trainer-a", Progress = "epoch 1/3" });
        // An update cannot rewrite what the request asks for: only status, attempt, trainer, progress and result.
        await store.UpdateTrainingRequestAsync(created with
        {
            Status = TrainingStatus.Running, Attempt = 2, TrainerId = "trainer-b", Progress = "epoch 2/3", DatasetPath = "elsewhere.jsonl",
        });
        Assert.Equal(Json(created with { Status = TrainingStatus.Running, Attempt = 2, TrainerId = "trainer-b", Progress = "epoch 2/3" }),
            Json(await store.GetTrainingRequestAsync("tr-1")));

        var done = created with
        {
            Status = TrainingStatus.Succeeded, Attempt = 2, TrainerId = "trainer-b", Progress = "epoch 3/3", PublishedVersion = 2,
            CompletedAt = Start.AddMinutes(3),
        };
        await store.UpdateTrainingRequestAsync(done);
        Assert.Equal(Json(done), Json(await store.GetTrainingRequestAsync("tr-1")));

        // Finished is final; a succeeded request names its version, a failed one its error; unknown ids fail.
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateTrainingRequestAsync(done with { Status = TrainingStatus.Running }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpdateTrainingRequestAsync(Training("tr-x", Start) with { Status = TrainingStatus.Succeeded }));
        await Assert.ThrowsAsync<ArgumentException>(() => store.UpdateTrainingRequestAsync(Training("tr-x", Start) with { Status = TrainingStatus.Failed, Error = " " }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateTrainingRequestAsync(Training("tr-missing", Start)));
        Assert.Equal(Json(done), Json(await store.GetTrainingRequestAsync("tr-1")));
    }

    [Fact]
    public async Task OpenTrainingRequestsAreListedOldestFirst()
    {
        var store = await NewStoreAsync();
        Assert.Empty(await store.ListOpenTrainingRequestsAsync());
        await store.CreateTrainingRequestAsync(Training("tr-b", Start.AddMinutes(1)));
        await store.CreateTrainingRequestAsync(Training("tr-c", Start.AddMinutes(2)));
        await store.CreateTrainingRequestAsync(Training("tr-a", Start.AddMinutes(3)));
        var failed = await store.CreateTrainingRequestAsync(Training("tr-failed", Start));
        await store.UpdateTrainingRequestAsync(failed with { Status = TrainingStatus.Failed, Error = "out of memory", CompletedAt = Start });
        var running = (await store.GetTrainingRequestAsync("tr-c"))!;
        await store.UpdateTrainingRequestAsync(running with { Status = TrainingStatus.Running, Attempt = 1 });

        var open = await store.ListOpenTrainingRequestsAsync();

        Assert.Equal(["tr-b", "tr-c", "tr-a"], open.Select(r => r.Id));
        Assert.Equal(TrainingStatus.Running, open[1].Status);
    }
}
