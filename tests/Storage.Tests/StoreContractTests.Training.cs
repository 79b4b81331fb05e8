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
    public async Task TrainingIsClaimedProgressedAndCompleted()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.ClaimTrainingRequestAsync("trainer-a", LeaseTime));
        await store.CreateTrainingRequestAsync(Training("tr-1", Start));

        var claim = await store.ClaimTrainingRequestAsync("trainer-a", LeaseTime);

        Assert.NotNull(claim);
        var (request, lease) = claim.Value;
        Assert.Equal(Json(Training("tr-1", Start) with { Status = TrainingStatus.Running }), Json(request));
        Assert.Equal(new Lease(LeaseKinds.Training, "tr-1", "trainer-a", 1, Start + LeaseTime), lease);
        Assert.Null(await store.ClaimTrainingRequestAsync("trainer-b", LeaseTime));

        await store.ReportTrainingProgressAsync(lease, "epoch 1/3, loss 1.25");
        Assert.Equal("epoch 1/3, loss 1.25", (await store.GetTrainingRequestAsync("tr-1"))?.Progress);
        Time.Advance(TimeSpan.FromSeconds(5));
        await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Succeeded, 2, null);

        var done = await store.GetTrainingRequestAsync("tr-1");
        Assert.Equal(Json(Training("tr-1", Start) with
        {
            Status = TrainingStatus.Succeeded,
            Progress = "epoch 1/3, loss 1.25",
            PublishedVersion = 2,
            CompletedAt = Time.GetUtcNow(),
        }), Json(done));
        Time.Advance(LeaseTime * 2);
        Assert.Null(await store.ClaimTrainingRequestAsync("trainer-b", LeaseTime));
        await Assert.ThrowsAsync<StaleEpochException>(() => store.ReportTrainingProgressAsync(lease, "late"));
    }

    [Fact]
    public async Task TrainingIsClaimedOldestFirst()
    {
        var store = await NewStoreAsync();
        await store.CreateTrainingRequestAsync(Training("tr-b", Start.AddMinutes(1)));
        await store.CreateTrainingRequestAsync(Training("tr-c", Start.AddMinutes(2)));
        await store.CreateTrainingRequestAsync(Training("tr-a", Start.AddMinutes(3)));

        var claimed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            claimed.Add((await store.ClaimTrainingRequestAsync("trainer-a", LeaseTime))!.Value.Request.Id);
        }

        Assert.Equal(["tr-b", "tr-c", "tr-a"], claimed);
    }

    [Fact]
    public async Task TrainingIsReclaimedAfterItsLeaseExpires()
    {
        var store = await NewStoreAsync();
        await store.CreateTrainingRequestAsync(Training("tr-1", Start));
        var first = (await store.ClaimTrainingRequestAsync("trainer-a", LeaseTime))!.Value;
        Time.Advance(LeaseTime);

        var second = (await store.ClaimTrainingRequestAsync("trainer-b", LeaseTime))!.Value;

        Assert.Equal(("tr-1", "trainer-b", 2L), (second.Request.Id, second.Lease.Owner, second.Lease.Epoch));
        await Assert.ThrowsAsync<StaleEpochException>(() => store.CompleteTrainingRequestAsync(first.Lease, TrainingStatus.Succeeded, 2, null));
        await store.CompleteTrainingRequestAsync(second.Lease, TrainingStatus.Failed, null, "out of memory");
        var done = await store.GetTrainingRequestAsync("tr-1");
        Assert.Equal((TrainingStatus.Failed, "out of memory", (int?)null), (done?.Status, done?.Error, done?.PublishedVersion));
        Assert.Equal(1, store.StaleWritesRefused);
    }
}
