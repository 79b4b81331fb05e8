using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Training;

namespace SotopiaPi.Grains.Training;

/// <summary>Hands training requests to trainers (key: <see cref="TrainingQueue.Default"/>). The queue (who holds
/// which request, at which attempt) is Orleans state written with an ETag (<see cref="TrainingJobBook"/> holds the
/// rules); the request rows in the project store show users the trainer, progress and result. Trainers are
/// observers that renew their subscription every few seconds (Orleans' <see cref="ObserverManager{TIdentity,TObserver}"/>);
/// a trainer not heard from within <see cref="TrainingQueueOptions.TrainerLifetime"/> is dropped and its request
/// queued again. The request's campaign hears of every end.</summary>
internal sealed partial class TrainingQueueGrain(
    [PersistentState("queue", StorageNames.Sotopia)] IPersistentState<TrainingJobBook> state,
    ITrainingStore store,
    IOptions<TrainingQueueOptions> options,
    TimeProvider time,
    ILogger<TrainingQueueGrain> logger) : Grain, ITrainingQueueGrain
{
    private readonly Dictionary<string, ImmutableArray<string>> _backends = new(StringComparer.Ordinal);
    private ObserverManager<string, ITrainerObserver>? _trainers;
    private DateTimeOffset _activatedAt;

    private TrainingJobBook Book => state.State ?? TrainingJobBook.Empty;

    private ObserverManager<string, ITrainerObserver> Trainers => _trainers ??= new(options.Value.TrainerLifetime, logger)
    {
        GetDateTime = () => time.GetUtcNow().UtcDateTime,
    };

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        // A request whose enqueue call was lost (its campaign's silo died in between) is still open in the store.
        var book = Book;
        foreach (var request in await store.ListOpenTrainingRequestsAsync(cancellationToken))
        {
            book = book.Enqueue(request.Id, request.Settings.Backend);
        }
        if (!ReferenceEquals(book, Book))
        {
            await SaveAsync(book);
        }
        this.RegisterGrainTimer(ExpireTrainersAsync, new GrainTimerCreationOptions(options.Value.RenewInterval, options.Value.RenewInterval) { KeepAlive = true });
    }

    public async Task EnqueueAsync(string requestId)
    {
        var request = await store.GetTrainingRequestAsync(requestId)
            ?? throw new KeyNotFoundException($"Training request '{requestId}' does not exist.");
        if (request.Status is TrainingStatus.Succeeded or TrainingStatus.Failed)
        {
            await TellCampaignAsync(request);
            return;
        }
        var book = Book.Enqueue(request.Id, request.Settings.Backend);
        if (!ReferenceEquals(book, Book))
        {
            await SaveAsync(book);
            LogQueued(logger, request.Id, request.Settings.Backend);
        }
        await ShowWaitingAsync(request);
        await NotifyTrainersAsync(request.Settings.Backend);
    }

    public Task SubscribeAsync(string trainerId, ImmutableArray<string> backends, ITrainerObserver observer)
    {
        Trainers.Subscribe(trainerId, observer);
        _backends[trainerId] = backends;
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(string trainerId)
    {
        Trainers.Unsubscribe(trainerId);
        _backends.Remove(trainerId);
        return Task.CompletedTask;
    }

    public async Task<TrainingAssignment?> TakeAsync(string trainerId, ImmutableArray<string> backends)
    {
        var taken = Book.Take(trainerId, backends);
        if (taken is not { } t)
        {
            return null;
        }
        if (!ReferenceEquals(t.Book, Book))
        {
            await SaveAsync(t.Book);
        }
        var request = await store.GetTrainingRequestAsync(t.Ticket.RequestId)
            ?? throw new KeyNotFoundException($"Training request '{t.Ticket.RequestId}' does not exist.");
        request = request with { Status = TrainingStatus.Running, Attempt = t.Ticket.Attempt, TrainerId = trainerId, Progress = $"taken by {trainerId} (attempt {t.Ticket.Attempt})" };
        await store.UpdateTrainingRequestAsync(request);
        LogTaken(logger, request.Id, trainerId, t.Ticket.Attempt);
        return new TrainingAssignment(request, t.Ticket);
    }

    public async Task ReportProgressAsync(TrainingTicket ticket, string progress)
    {
        Book.Check(ticket);
        var request = await GetAsync(ticket.RequestId);
        await store.UpdateTrainingRequestAsync(request with { Progress = progress });
    }

    public async Task CompleteAsync(TrainingTicket ticket, int publishedVersion)
    {
        var book = Book.Remove(ticket);
        var stored = await GetAsync(ticket.RequestId);
        var request = stored with
        {
            Status = TrainingStatus.Succeeded,
            PublishedVersion = publishedVersion,
            Progress = $"published {stored.PolicyName} v{publishedVersion}",
            Error = null,
            CompletedAt = time.GetUtcNow(),
        };
        await store.UpdateTrainingRequestAsync(request);
        await SaveAsync(book);
        LogSucceeded(logger, request.Id, publishedVersion);
        await TellCampaignAsync(request);
    }

    public async Task FailAsync(TrainingTicket ticket, string error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        var book = Book.Remove(ticket);
        var request = await GetAsync(ticket.RequestId) with { Status = TrainingStatus.Failed, Error = error, CompletedAt = time.GetUtcNow() };
        await store.UpdateTrainingRequestAsync(request);
        await SaveAsync(book);
        LogFailed(logger, request.Id, error);
        await TellCampaignAsync(request);
    }

    public async Task ReleaseAsync(TrainingTicket ticket, string reason)
    {
        var book = Book.Release(ticket);
        await SaveAsync(book);
        var request = await GetAsync(ticket.RequestId);
        await store.UpdateTrainingRequestAsync(request with { Status = TrainingStatus.Pending, TrainerId = null, Progress = $"handed back by {ticket.TrainerId}: {reason}" });
        LogReleased(logger, ticket.RequestId, ticket.TrainerId, reason);
        await NotifyTrainersAsync(request.Settings.Backend);
    }

    /// <summary>Drops trainers that stopped renewing, and queues again what they held. Right after activation every
    /// trainer gets one lifetime to renew (the previous activation's subscriptions were not kept).</summary>
    private async Task ExpireTrainersAsync(CancellationToken cancellationToken)
    {
        Trainers.ClearExpired();
        foreach (var gone in _backends.Keys.Where(id => !Trainers.Observers.ContainsKey(id)).ToList())
        {
            _backends.Remove(gone);
        }
        if (time.GetUtcNow() - _activatedAt < options.Value.TrainerLifetime)
        {
            return;
        }
        var (book, orphaned) = Book.Orphan(Trainers.Observers.Keys.ToHashSet(StringComparer.Ordinal));
        if (orphaned.Count == 0)
        {
            return;
        }
        await SaveAsync(book);
        foreach (var job in orphaned)
        {
            var request = await GetAsync(job.RequestId);
            await store.UpdateTrainingRequestAsync(request with
            {
                Status = TrainingStatus.Pending,
                TrainerId = null,
                Progress = $"{job.TrainerId} stopped answering; waiting for a trainer that serves '{job.Backend}'",
            });
            LogOrphaned(logger, job.RequestId, job.TrainerId ?? "?");
            await NotifyTrainersAsync(job.Backend);
        }
    }

    private async Task ShowWaitingAsync(TrainingRequest request)
    {
        if (request.Status != TrainingStatus.Pending)
        {
            return;
        }
        var served = _backends.Values.Any(b => b.Contains(request.Settings.Backend, StringComparer.OrdinalIgnoreCase));
        var progress = served ? "queued" : $"queued; waiting for a trainer that serves the '{request.Settings.Backend}' backend";
        if (request.Progress != progress)
        {
            await store.UpdateTrainingRequestAsync(request with { Progress = progress });
        }
    }

    private Task NotifyTrainersAsync(string backend) =>
        Trainers.Notify(
            o => o.OnWorkAvailableAsync(),
            o => _backends.Any(b => b.Value.Contains(backend, StringComparer.OrdinalIgnoreCase) && Trainers.Observers.TryGetValue(b.Key, out var known) && known.Equals(o)));

    private async Task TellCampaignAsync(TrainingRequest request)
    {
        try
        {
            await GrainFactory.GetGrain<ICampaignGrain>(request.CampaignId).TrainingChangedAsync(request.Id);
        }
        catch (Exception ex)
        {
            // The campaign also reads its request now and then; a lost report only costs that much time.
            LogReportFailed(logger, ex, request.Id, request.CampaignId);
        }
    }

    private async Task<TrainingRequest> GetAsync(string requestId) =>
        await store.GetTrainingRequestAsync(requestId) ?? throw new KeyNotFoundException($"Training request '{requestId}' does not exist.");

    private async Task SaveAsync(TrainingJobBook book)
    {
        state.State = book;
        await state.WriteStateAsync();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Training request {RequestId} queued (backend {Backend})")]
    private static partial void LogQueued(ILogger logger, string requestId, string backend);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Training request {RequestId} taken by {TrainerId} (attempt {Attempt})")]
    private static partial void LogTaken(ILogger logger, string requestId, string trainerId, int attempt);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Training request {RequestId} succeeded: version {Version}")]
    private static partial void LogSucceeded(ILogger logger, string requestId, int version);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Training request {RequestId} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string requestId, string error);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information, Message = "Training request {RequestId} handed back by {TrainerId}: {Reason}")]
    private static partial void LogReleased(ILogger logger, string requestId, string trainerId, string reason);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Training request {RequestId}: trainer {TrainerId} stopped answering; queued again")]
    private static partial void LogOrphaned(ILogger logger, string requestId, string trainerId);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Training request {RequestId}: campaign {CampaignId} could not be told")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string requestId, string campaignId);
}
