using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Training;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Trainer;
using SotopiaPi.Trainer.Backends;

namespace SotopiaPi.Silo.IntegrationTests.Trainers;

/// <summary>The trainer service against the training queue grain of an in-process silo: it trains, publishes once
/// per request (also when two trainers race, or one takes over from a trainer the queue stopped hearing from), is
/// never given requests of backends it does not serve and, when stopped, hands back the request it was training.</summary>
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
        Assert.Equal($"published p v{version!.Version}", request.Progress);
        Assert.Equal("sim-policy@r4", version.Model);
        Assert.Equal("checkpoints/p/r4/model.json", version.CheckpointPath);
        Assert.Equal(await trainer.Artifacts.HashAsync(version.CheckpointPath!), version.CheckpointHash);
        Assert.Equal(4, version.Metrics.Keys.Count(k => k.StartsWith("loss_epoch_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnUnknownBackendFailsTheRequestListingTheKnownOnes()
    {
        await using var trainer = await TrainerFixture.CreateAsync();
        await trainer.RequestAsync("r5", backend: "opnai");
        Assert.Null(await trainer.TakeAsync("t1"));

        // Only a trainer that claims to serve the unknown backend is given it; the service refuses it.
        var assignment = await trainer.Queue.TakeAsync("t1", ["opnai"]);
        var outcome = await trainer.Service.ProcessAsync(assignment!, CancellationToken.None);

        var request = await trainer.Store.GetTrainingRequestAsync("r5");
        Assert.Equal(TrainerService.Outcome.Failed, outcome);
        Assert.Equal(TrainingStatus.Failed, request!.Status);
        Assert.Equal("Training backend 'opnai' does not exist (known: embedded, openai, external).", request.Error);
    }

    [Fact]
    public async Task ARequestForABackendThisTrainerDoesNotServeWaitsForATrainerThatDoes()
    {
        await using var trainer = await TrainerFixture.CreateAsync(o => o.Backends = ["embedded"]);
        await trainer.RequestAsync("r6", backend: "openai");

        Assert.Null(await trainer.TakeAsync("t1"));

        var request = await trainer.Store.GetTrainingRequestAsync("r6");
        Assert.Equal(TrainingStatus.Pending, request!.Status);
        Assert.Equal("queued; waiting for a trainer that serves the 'openai' backend", request.Progress);
        var other = await trainer.Queue.TakeAsync("t2", ["openai"]);
        Assert.Equal(("r6", 1), (other!.Request.Id, other.Ticket.Attempt));
    }

    [Fact]
    public async Task TwoTrainersRacingOnOneQueueTrainAndPublishEveryRequestExactlyOnce()
    {
        var trained = new ConcurrentQueue<(string Trainer, string Request)>();
        await using var fixture = await TrainerFixture.CreateAsync(
            o => o.TrainerId = "t1",
            s => s.AddSingleton<ITrainingBackend>(new CountingBackend("t1", trained)));
        var second = fixture.CreateTrainer(o => o.TrainerId = "t2", new CountingBackend("t2", trained));
        var ids = Enumerable.Range(0, 12).Select(i => $"race-{i:D2}").ToList();
        var finished = ids.Select(id => fixture.Store.WaitForTrainingAsync(id, r => r.Status is TrainingStatus.Succeeded or TrainingStatus.Failed,
            $"request {id} to finish", TimeSpan.FromMinutes(2))).ToList();
        foreach (var id in ids)
        {
            await fixture.RequestAsync(id, backend: "counting");
        }

        await Task.WhenAll(fixture.Service.StartAsync(CancellationToken.None), second.StartAsync(CancellationToken.None));
        try
        {
            await Task.WhenAll(finished);
        }
        finally
        {
            await Task.WhenAll(fixture.Service.StopAsync(CancellationToken.None), second.StopAsync(CancellationToken.None));
        }

        var who = string.Join(", ", trained.Select(t => $"{t.Trainer}:{t.Request}"));
        Assert.True(ids.Order().SequenceEqual(trained.Select(t => t.Request).Order()), $"each request must be trained exactly once; trained: {who}");
        var versions = await fixture.Store.ListVersionsAsync("p");
        Assert.Equal(ids.Order(), versions.Where(v => v.TrainingRequestId is not null).Select(v => v.TrainingRequestId!).Order());
        Assert.Equal(Enumerable.Range(0, ids.Count + 1), versions.Select(v => v.Version));
        foreach (var id in ids)
        {
            var request = await fixture.Store.GetTrainingRequestAsync(id);
            Assert.Equal(TrainingStatus.Succeeded, request!.Status);
            Assert.Equal(versions.Single(v => v.TrainingRequestId == id).Version, request.PublishedVersion);
        }
    }

    [Fact]
    public async Task ATrainerTheQueueStoppedHearingFromIsRefusedAndTheNextAttemptPublishesOnce()
    {
        var trained = new ConcurrentQueue<(string Trainer, string Request)>();
        await using var trainer = await TrainerFixture.CreateAsync(
            services: s => s.AddSingleton<ITrainingBackend>(new CountingBackend("t1", trained)),
            queue: new TrainingQueueOptions { RenewInterval = TimeSpan.FromMilliseconds(100), TrainerLifetime = TimeSpan.FromSeconds(2) });
        await trainer.RequestAsync("r7", backend: "counting");
        var dead = (await trainer.TakeAsync("dead"))!;
        await trainer.Queue.ReportProgressAsync(dead.Ticket, "epoch 3/20 (then the machine died)");

        // "dead" never subscribed again: the queue drops it and queues the request as a new attempt, which t1 — a
        // running trainer that renews its subscription, so the queue never drops it — takes.
        await trainer.Store.WaitForTrainingAsync("r7", r => r.Status == TrainingStatus.Pending && r.TrainerId is null,
            "the queue to take r7 back from the silent trainer", TimeSpan.FromSeconds(30));
        await trainer.Service.StartAsync(CancellationToken.None);
        TrainingRequest request;
        try
        {
            request = await trainer.Store.WaitForTrainingAsync("r7", r => r.Status is TrainingStatus.Succeeded or TrainingStatus.Failed,
                "t1 to finish r7", TimeSpan.FromSeconds(30));
        }
        finally
        {
            await trainer.Service.StopAsync(CancellationToken.None);
        }

        Assert.True(request.Status == TrainingStatus.Succeeded, $"request ended {request.Status}: {request.Error}");
        Assert.Equal(("t1", 2), (request.TrainerId, request.Attempt));
        await Assert.ThrowsAsync<StaleWriteException>(() => trainer.Queue.ReportProgressAsync(dead.Ticket, "epoch 4/20"));
        await Assert.ThrowsAsync<StaleWriteException>(() => trainer.Queue.FailAsync(dead.Ticket, "late"));
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
        await Within.WaitAsync(backend.Entered, TimeSpan.FromSeconds(30), "the trainer to start training r8");
        await trainer.Service.StopAsync(CancellationToken.None);

        var request = await trainer.Store.GetTrainingRequestAsync("r8");
        Assert.Equal(TrainingStatus.Pending, request!.Status);
        Assert.StartsWith("handed back by t1: the trainer is stopping", request.Progress, StringComparison.Ordinal);
        var other = await trainer.Queue.TakeAsync("t2", ["counting"]);
        Assert.Equal(("r8", 2), (other!.Request.Id, other.Ticket.Attempt));
        Assert.Single(await trainer.Store.ListVersionsAsync("p"));
    }
}
