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
    public async Task UpdateReplacesTheQueuesFieldsOnly()
    {
        var store = await NewStoreAsync();
        var created = Training("tr-1", Start);
        await store.CreateTrainingRequestAsync(created);
        var assigned = created with { Status = TrainingStatus.Running, Attempt = 1, TrainerId = "trainer-a", Progress = "epoch 1/3, loss 1.25" };

        // Only status, attempt, trainer, progress, published version, error and completion time are replaced.
        await store.UpdateTrainingRequestAsync(assigned with { DatasetPath = "ignored.jsonl", Seed = 77 });
        Assert.Equal(Json(assigned), Json(await store.GetTrainingRequestAsync("tr-1")));

        var reassigned = assigned with { Attempt = 2, TrainerId = "trainer-b", Progress = null };
        await store.UpdateTrainingRequestAsync(reassigned);
        Assert.Equal(Json(reassigned), Json(await store.GetTrainingRequestAsync("tr-1")));

        var succeeded = reassigned with
        {
            Status = TrainingStatus.Succeeded, Progress = "epoch 3/3", PublishedVersion = 2, CompletedAt = Start.AddMinutes(9),
        };
        await store.UpdateTrainingRequestAsync(succeeded);
        Assert.Equal(Json(succeeded), Json(await store.GetTrainingRequestAsync("tr-1")));
    }

    [Theory]
    [InlineData(TrainingStatus.Succeeded)]
    [InlineData(TrainingStatus.Failed)]
    public async Task FinishedTrainingRequestIsFinal(TrainingStatus final)
    {
        var store = await NewStoreAsync();
        await store.CreateTrainingRequestAsync(Training("tr-1", Start));
        var done = Training("tr-1", Start) with
        {
            Status = final, Attempt = 1, TrainerId = "trainer-a", PublishedVersion = final == TrainingStatus.Succeeded ? 2 : null,
            Error = final == TrainingStatus.Failed ? "out of memory" : null, CompletedAt = Start.AddMinutes(3),
        };
        await store.UpdateTrainingRequestAsync(done);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.UpdateTrainingRequestAsync(done with { Status = TrainingStatus.Running, Attempt = 2, TrainerId = "trainer-b" }));

        Assert.Equal($"Training request 'tr-1' already {(final == TrainingStatus.Succeeded ? "succeeded" : "failed")}: it is final and cannot be updated.",
            error.Message);
        Assert.Equal(Json(done), Json(await store.GetTrainingRequestAsync("tr-1")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateTrainingRequestAsync(done));
    }

    [Fact]
    public async Task UpdatingAMissingTrainingRequestFails()
    {
        var store = await NewStoreAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.UpdateTrainingRequestAsync(Training("tr-missing", Start) with { Status = TrainingStatus.Running }));

        Assert.Equal("Training request 'tr-missing' does not exist.", error.Message);
        Assert.Null(await store.GetTrainingRequestAsync("tr-missing"));
    }

    [Fact]
    public async Task OpenTrainingRequestsAreListedOldestFirst()
    {
        var store = await NewStoreAsync();
        Assert.Empty(await store.ListOpenTrainingRequestsAsync());
        await store.CreateTrainingRequestAsync(Training("tr-c", Start.AddMinutes(2)));
        await store.CreateTrainingRequestAsync(Training("tr-b", Start.AddMinutes(1)));
        await store.CreateTrainingRequestAsync(Training("tr-a", Start.AddMinutes(3)));
        // Equal times: in the order they were created.
        await store.CreateTrainingRequestAsync(Training("tr-z", Start.AddMinutes(1)));
        await store.CreateTrainingRequestAsync(Training("tr-y", Start.AddMinutes(1)));
        await store.CreateTrainingRequestAsync(Training("tr-done", Start));
        await store.CreateTrainingRequestAsync(Training("tr-failed", Start));
        await store.UpdateTrainingRequestAsync(Training("tr-b", Start.AddMinutes(1)) with { Status = TrainingStatus.Running, Attempt = 1 });
        await store.UpdateTrainingRequestAsync(Training("tr-done", Start) with { Status = TrainingStatus.Succeeded, PublishedVersion = 2 });
        await store.UpdateTrainingRequestAsync(Training("tr-failed", Start) with { Status = TrainingStatus.Failed, Error = "broke" });

        var open = await store.ListOpenTrainingRequestsAsync();

        Assert.Equal(["tr-b", "tr-z", "tr-y", "tr-c", "tr-a"], open.Select(r => r.Id));
        Assert.Equal((TrainingStatus.Running, 1), (open[0].Status, open[0].Attempt));
    }
}
