using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Grains.Interfaces;
using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Trainer;
using SotopiaPi.Trainer.Backends;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The trainer service on a real store: it trains, publishes once per request (also when two trainers
/// race, or one takes over from a trainer whose lease expired), hands back requests it does not serve and, when
/// stopped, the request it was training.</summary>
public sealed class TrainerServiceTests
{
    [Fact]
    public async Task ARequestWhoseVersionWasAlreadyPublishedIsCompletedWithoutPublishingAgain()
    {
        await using var trainer = await TrainerFixture.CreateAsync();
        await trainer.RequestAsync("r1", dataset: "");
        var before = await trainer.Registry.PublishAsync(new PolicyVersion
        {
            PolicyName = "p", Version = 0, Kind = "bc", Model = "already", ParentVersion = 0, TrainingRequestId = "r1",
        });

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Succeeded, request.Status);
        Assert.Equal(before.Version, request.PublishedVersion);
        Assert.Equal(2, (await trainer.Store.ListVersionsAsync("p")).Count);
    }

    [Fact]
    public async Task ADatasetThatChangedAfterTheRequestFailsTheRequestWithTheReason()
    {
        await using var trainer = await TrainerFixture.CreateAsync();
        await trainer.RequestAsync("r2", dataset: "");
        await File.AppendAllTextAsync(trainer.Artifacts.GetFullPath("datasets/c/r2.chat.jsonl"), "tampered\n");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Contains("hash", request.Error, StringComparison.Ordinal);
        Assert.Single(await trainer.Store.ListVersionsAsync("p"));
    }

    [Fact]
    public async Task AnUnusableDatasetFailsTheRequestNamingTheLine()
    {
        await using var trainer = await TrainerFixture.CreateAsync();
        await trainer.RequestAsync("r3", dataset: "{\"messages\": [}\n");

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainingStatus.Failed, request.Status);
        Assert.Contains(":1", request.Error, StringComparison.Ordinal);
        Assert.Null(request.PublishedVersion);
        Assert.Single(await trainer.Store.ListVersionsAsync("p"));
    }

    [Fact]
    public async Task TheEmbeddedBackendReportsEpochsAndPublishesAVerifiedCheckpoint()
    {
        await using var trainer = await TrainerFixture.CreateAsync();
        await trainer.RequestAsync("r4", dataset: TrainerFixture.EmbeddedDataset(), epochs: 4);

        var (request, _) = await trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        var version = await trainer.Store.GetVersionAsync("p", request.PublishedVersion!.Value);
        Assert.Equal($"published p v{version!.Version} (sim-policy@r4)", request.Progress);
        Assert.Equal("checkpoints/p/r4/model.json", version.CheckpointPath);
        Assert.Equal(await trainer.Artifacts.HashAsync(version.CheckpointPath!), version.CheckpointHash);
        Assert.Equal(4, version.Metrics.Keys.Count(k => k.StartsWith("loss_epoch_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnUnknownBackendFailsTheRequestListingTheKnownOnes()
    {
        await using var trainer = await TrainerFixture.CreateAsync();
        await trainer.RequestAsync("r5", backend: "opnai");

        var (request, outcome) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainerService.Outcome.Failed, outcome);
        Assert.Equal("Training backend 'opnai' does not exist (known: embedded, openai, external).", request.Error);
    }

    [Fact]
    public async Task ARequestForABackendThisTrainerDoesNotServeIsHandedBackAtOnce()
    {
        await using var trainer = await TrainerFixture.CreateAsync(o => o.Backends = ["embedded"]);
        await trainer.RequestAsync("r6", backend: "openai");

        var (request, outcome) = await trainer.ProcessNextAsync();

        Assert.Equal(TrainerService.Outcome.HandedBack, outcome);
        Assert.Equal(TrainingStatus.Running, request.Status);
        Assert.Equal("waiting for a trainer that serves the 'openai' backend (t1 serves: embedded)", request.Progress);
        var other = await trainer.Store.ClaimTrainingRequestAsync("t2", TimeSpan.FromMinutes(1));
        Assert.Equal(("r6", 2L), (other!.Value.Request.Id, other.Value.Lease.Epoch));
    }

    [Fact]
    public async Task TwoTrainersRacingOnOneStoreTrainAndPublishEveryRequestExactlyOnce()
    {
        var trained = new ConcurrentQueue<(string Trainer, string Request)>();
        await using var first = await TrainerFixture.CreateAsync(
            o => { o.TrainerId = "t1"; o.PollInterval = TimeSpan.FromMilliseconds(1); },
            s => s.AddSingleton<ITrainingBackend>(new CountingBackend("t1", trained)));
        await using var second = await TrainerFixture.CreateAsync(
            o => { o.TrainerId = "t2"; o.PollInterval = TimeSpan.FromMilliseconds(1); },
            s => s.AddSingleton<ITrainingBackend>(new CountingBackend("t2", trained)),
            sameStoreAs: first);
        var ids = Enumerable.Range(0, 12).Select(i => $"race-{i:D2}").ToList();
        foreach (var id in ids)
        {
            await first.RequestAsync(id, backend: "counting");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Task.WhenAll(first.Service.StartAsync(timeout.Token), second.Service.StartAsync(timeout.Token));
        try
        {
            while ((await first.Store.ListVersionsAsync("p", timeout.Token)).Count < ids.Count + 1
                   || await AnyUnfinishedAsync(first, ids, timeout.Token))
            {
                await Task.Delay(20, timeout.Token);
            }
        }
        finally
        {
            await Task.WhenAll(first.Service.StopAsync(CancellationToken.None), second.Service.StopAsync(CancellationToken.None));
        }

        var who = string.Join(", ", trained.Select(t => $"{t.Trainer}:{t.Request}"));
        Assert.True(ids.Order().SequenceEqual(trained.Select(t => t.Request).Order()), $"each request must be trained exactly once; trained: {who}");
        var versions = await first.Store.ListVersionsAsync("p");
        Assert.Equal(ids.Order(), versions.Where(v => v.TrainingRequestId is not null).Select(v => v.TrainingRequestId!).Order());
        Assert.Equal(Enumerable.Range(0, ids.Count + 1), versions.Select(v => v.Version));
        foreach (var id in ids)
        {
            var request = await first.Store.GetTrainingRequestAsync(id);
            Assert.Equal(TrainingStatus.Succeeded, request!.Status);
            Assert.Equal(versions.Single(v => v.TrainingRequestId == id).Version, request.PublishedVersion);
        }
    }

    [Fact]
    public async Task ATrainerWhoseLeaseExpiredIsFencedOutAndTheNewOwnerPublishesOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var trained = new ConcurrentQueue<(string Trainer, string Request)>();
        await using var trainer = await TrainerFixture.CreateAsync(
            services: s => s.AddSingleton<ITrainingBackend>(new CountingBackend("t1", trained)), storeTime: clock);
        await trainer.RequestAsync("r7", backend: "counting");
        var dead = (await trainer.Store.ClaimTrainingRequestAsync("dead", TimeSpan.FromSeconds(30)))!.Value;
        await trainer.Store.ReportTrainingProgressAsync(dead.Lease, "epoch 3/20 (then the machine died)");

        clock.Advance(TimeSpan.FromSeconds(31));
        var (request, _) = await trainer.ProcessNextAsync();

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        Assert.Equal(2, (await trainer.Store.GetLeaseAsync(LeaseKinds.Training, "r7"))!.Epoch);
        await Assert.ThrowsAsync<StaleEpochException>(() => trainer.Store.ReportTrainingProgressAsync(dead.Lease, "epoch 4/20"));
        await Assert.ThrowsAsync<StaleEpochException>(() =>
            trainer.Store.CompleteTrainingRequestAsync(dead.Lease, TrainingStatus.Failed, null, "late"));
        Assert.Single(await trainer.Store.ListVersionsAsync("p"), v => v.TrainingRequestId == "r7");
        Assert.Equal(TrainingStatus.Succeeded, (await trainer.Store.GetTrainingRequestAsync("r7"))!.Status);
        Assert.Equal([("t1", "r7")], trained);
    }

    [Fact]
    public async Task StoppingTheTrainerMidRequestHandsTheRequestBackForAnotherTrainer()
    {
        var trained = new ConcurrentQueue<(string Trainer, string Request)>();
        var never = new TaskCompletionSource();
        var backend = new CountingBackend("t1", trained, never.Task);
        await using var trainer = await TrainerFixture.CreateAsync(services: s => s.AddSingleton<ITrainingBackend>(backend));
        await trainer.RequestAsync("r8", backend: "counting");

        await trainer.Service.StartAsync(CancellationToken.None);
        await backend.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        await trainer.Service.StopAsync(CancellationToken.None);

        var request = await trainer.Store.GetTrainingRequestAsync("r8");
        Assert.Equal(TrainingStatus.Running, request!.Status);
        Assert.Equal("counting r8", request.Progress);
        var other = await trainer.Store.ClaimTrainingRequestAsync("t2", TimeSpan.FromMinutes(1));
        Assert.Equal(("r8", 2L), (other!.Value.Request.Id, other.Value.Lease.Epoch));
        Assert.Single(await trainer.Store.ListVersionsAsync("p"));
    }

    private static async Task<bool> AnyUnfinishedAsync(TrainerFixture trainer, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            if ((await trainer.Store.GetTrainingRequestAsync(id, cancellationToken))!.Status is not TrainingStatus.Succeeded)
            {
                return true;
            }
        }
        return false;
    }
}
