using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Trainer.Backends;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer;

/// <summary>Takes training requests from the training queue grain (an Orleans client in its own process, or inside a
/// silo), checks the dataset against its hash, trains through the request's backend, and publishes the result through
/// the policy's registry grain, then checks the publish took effect (rolling it back if not). It stays known to the
/// queue by subscribing again every <see cref="TrainerOptions.RenewInterval"/> (a trainer that stops doing so — it
/// was killed — loses its request to another trainer as a new attempt). Every report carries its
/// <see cref="TrainingTicket"/>: after a newer attempt took over, the queue refuses it and this trainer stops.
/// Publishing is idempotent per request: a trainer that takes over a request whose version was already published
/// completes it with that version, never publishing twice.</summary>
internal sealed partial class TrainerService(
    IGrainFactory grains,
    IArtifactStore artifacts,
    IEnumerable<ITrainingBackend> backends,
    IOptions<TrainerOptions> options,
    TimeProvider time,
    ILogger<TrainerService> logger,
    SotopiaInstruments? instruments = null) : BackgroundService, ITrainerObserver
{
    private readonly AsyncSignal _workAvailable = new();

    /// <summary>What became of a taken request.</summary>
    internal enum Outcome
    {
        Succeeded,
        Failed,
        /// <summary>Another trainer holds it now, or this trainer is stopping (it was handed back).</summary>
        Abandoned,
    }

    private ITrainingQueueGrain Queue => grains.GetGrain<ITrainingQueueGrain>(TrainingQueue.Default);

    public Task OnWorkAvailableAsync()
    {
        _workAvailable.Set();
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var served = backends.Select(b => b.Name).Where(o.Serves).ToImmutableArray();
        LogStarted(logger, o.TrainerId, string.Join(", ", served));
        var observer = grains.CreateObjectReference<ITrainerObserver>(this);
        using var presence = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewals = StayKnownAsync(o, served, observer, presence.Token);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TrainingAssignment? assignment = null;
                try
                {
                    assignment = await Queue.TakeAsync(o.TrainerId, served).WaitAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTakeFailed(logger, ex);
                }
                if (assignment is null)
                {
                    await _workAvailable.WaitAsync(o.RenewInterval, time, stoppingToken);
                    continue;
                }
                await ProcessAsync(assignment, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; a request being trained was handed back by ProcessAsync.
        }
        await presence.CancelAsync();
        await renewals;
        try
        {
            await Queue.UnsubscribeAsync(o.TrainerId).WaitAsync(TimeSpan.FromSeconds(5), time);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTakeFailed(logger, ex);
        }
        grains.DeleteObjectReference<ITrainerObserver>(observer);
        LogStopped(logger, o.TrainerId);
    }

    /// <summary>Subscribes now and again every <see cref="TrainerOptions.RenewInterval"/> until stopped.</summary>
    private async Task StayKnownAsync(TrainerOptions o, ImmutableArray<string> served, ITrainerObserver observer, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(o.RenewInterval, time);
        try
        {
            do
            {
                try
                {
                    await Queue.SubscribeAsync(o.TrainerId, served, observer).WaitAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRenewFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    internal async Task<Outcome> ProcessAsync(TrainingAssignment assignment, CancellationToken stoppingToken)
    {
        var (request, ticket) = (assignment.Request, assignment.Ticket);
        var registry = grains.GetGrain<IPolicyRegistryGrain>(request.PolicyName);
        var progress = new QueueProgress(Queue, ticket, time);
        using var activity = SotopiaActivities.StartTrainerRequest(request, request.Settings.Backend);
        var requestStarted = time.GetTimestamp();
        var outcome = Outcome.Abandoned;
        try
        {
            outcome = await ProcessCoreAsync();
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SotopiaActivities.RecordFailure(activity, ex);
            throw;
        }
        finally
        {
            if (outcome is Outcome.Succeeded or Outcome.Failed)
            {
                instruments?.TrainerRequestCompleted(request.Settings.Backend, time.GetElapsedTime(requestStarted), outcome == Outcome.Succeeded);
            }
        }

        async Task<Outcome> ProcessCoreAsync()
        {
        try
        {
            var backend = backends.FirstOrDefault(b => string.Equals(b.Name, request.Settings.Backend, StringComparison.OrdinalIgnoreCase))
                ?? throw new TrainingBackendException(
                    $"Training backend '{request.Settings.Backend}' does not exist (known: {string.Join(", ", backends.Select(b => b.Name))}).");
            var existing = (await registry.ListAsync()).FirstOrDefault(v => v.TrainingRequestId == request.Id);
            if (existing is not null)
            {
                // An earlier attempt published and stopped before completing: finish its work, including the check
                // that the publish took effect if the version is still the active one.
                LogAlreadyPublished(logger, request.Id, existing.Version);
                var active = await registry.GetActiveAsync();
                if (active.Version == existing.Version && existing.ParentVersion is { } parent
                    && await VerifyOrRollBackAsync(backend, existing, await registry.GetVersionAsync(parent), ticket, stoppingToken) is { } unverified)
                {
                    return unverified;
                }
                await Queue.CompleteAsync(ticket, existing.Version);
                return Outcome.Succeeded;
            }

            await StageAsync(SotopiaTelemetryNames.TrainerDatasetSpan, "dataset", backend.Name, async () =>
            {
                var hash = await artifacts.HashAsync(request.DatasetPath, stoppingToken);
                if (!string.Equals(hash, request.DatasetHash, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException(
                        $"Dataset '{request.DatasetPath}' has hash {hash}, but the request was made for {request.DatasetHash}.");
                }
                return true;
            });
            var baseVersion = await registry.GetVersionAsync(request.BaseVersion)
                ?? throw new TrainingBackendException($"Policy '{request.PolicyName}' has no version {request.BaseVersion} to train from.");

            LogTraining(logger, request.Id, backend.Name, request.BaseVersion, ticket.Attempt);
            var context = new TrainingContext(request, baseVersion, progress, async (status, ct) =>
            {
                await progress.FlushAsync(ct);
                await Queue.ReportProgressAsync(ticket, status).WaitAsync(ct);
            });
            var checkpoint = await StageAsync(SotopiaTelemetryNames.TrainerTrainingSpan, "training", backend.Name,
                () => backend.TrainAsync(context, stoppingToken));
            progress.Seal();
            await progress.FlushAsync(stoppingToken);

            // Last check before the publish: a trainer whose attempt was superseded stops here. (Between this check and
            // the publish a newer attempt could publish too; the registry's per-request idempotency makes that one
            // version, whoever registers first.)
            await Queue.ReportProgressAsync(ticket, $"publishing {checkpoint.Model}");
            var previous = await registry.GetActiveAsync();
            var version = await StageAsync(SotopiaTelemetryNames.TrainerPublishSpan, "publish", backend.Name, () => registry.PublishAsync(new PolicyVersion
            {
                PolicyName = request.PolicyName,
                Version = 0,
                Kind = request.Kind,
                Model = checkpoint.Model,
                ParentVersion = request.BaseVersion,
                CheckpointPath = checkpoint.CheckpointPath,
                CheckpointHash = checkpoint.CheckpointHash,
                DatasetId = request.DatasetHash,
                TrainingRequestId = request.Id,
                CampaignId = request.CampaignId,
                Metrics = checkpoint.Metrics,
            }));

            if (await VerifyOrRollBackAsync(backend, version, previous, ticket, stoppingToken) is { } failed)
            {
                return failed;
            }

            await Queue.CompleteAsync(ticket, version.Version);
            LogPublished(logger, request.Id, request.PolicyName, version.Version, version.Model);
            await HousekeepAsync(backend, version, stoppingToken);
            return Outcome.Succeeded;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await progress.FlushQuietlyAsync();
            await ReleaseQuietlyAsync(ticket, "the trainer is stopping");
            LogHandedBackOnStop(logger, request.Id);
            return Outcome.Abandoned;
        }
        catch (StaleWriteException)
        {
            LogLost(logger, request.Id, ticket.Attempt);
            return Outcome.Abandoned;
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // The cluster (or a store behind it) failed, not the request: give it back; a trainer takes it again.
            LogFailed(logger, ex, request.Id);
            await ReleaseQuietlyAsync(ticket, $"{ex.GetType().Name}: {ex.Message}");
            return Outcome.Abandoned;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, request.Id);
            try
            {
                await progress.FlushQuietlyAsync();
                await Queue.FailAsync(ticket, ex.Message);
                return Outcome.Failed;
            }
            catch (StaleWriteException)
            {
                LogLost(logger, request.Id, ticket.Attempt);
                return Outcome.Abandoned;
            }
        }
        }
    }

    /// <summary>Failures of the cluster or of a store behind a grain: the request itself is fine.</summary>
    private static bool IsTransient(Exception ex) =>
        TransientStoreErrors.IsTransient(ex) || ex is OrleansException or TimeoutException;

    /// <summary>Runs one step of a request as a span and records its duration by stage and backend.</summary>
    private async Task<T> StageAsync<T>(string spanName, string stage, string backend, Func<Task<T>> step)
    {
        using var span = SotopiaActivities.StartTrainerStage(spanName);
        var started = time.GetTimestamp();
        var ok = false;
        try
        {
            var result = await step();
            ok = true;
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            SotopiaActivities.RecordFailure(span, ex);
            throw;
        }
        finally
        {
            instruments?.TrainerStageCompleted(stage, backend, time.GetElapsedTime(started), ok);
        }
    }

    /// <summary>Asks the backend whether the publish of <paramref name="version"/> took effect; if not, rolls back to
    /// <paramref name="previous"/> and fails the request (returns <see cref="Outcome.Failed"/>). Null = it did.</summary>
    private async Task<Outcome?> VerifyOrRollBackAsync(
        ITrainingBackend backend, PolicyVersion version, PolicyVersion? previous, TrainingTicket ticket, CancellationToken cancellationToken)
    {
        try
        {
            await backend.VerifyPublishedAsync(version, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var rolledBack = await RollBackAsync(version, previous);
            LogVerificationFailed(logger, ex, ticket.RequestId, version.Version);
            await Queue.FailAsync(ticket,
                $"{version.PolicyName} v{version.Version} ({version.Model}) was published but did not take effect: {ex.Message} {rolledBack}");
            return Outcome.Failed;
        }
    }

    /// <summary>Re-activates the version that was active before, unless someone activated another meanwhile.</summary>
    private async Task<string> RollBackAsync(PolicyVersion published, PolicyVersion? previous)
    {
        var registry = grains.GetGrain<IPolicyRegistryGrain>(published.PolicyName);
        var active = await registry.GetActiveAsync();
        if (active.Version != published.Version)
        {
            return $"(v{active.Version} is active now; nothing was rolled back.)";
        }
        if (previous is null || previous.Version == published.Version)
        {
            return "(there was no earlier active version to roll back to.)";
        }
        await registry.ActivateAsync(previous.Version);
        LogRolledBack(logger, published.PolicyName, published.Version, previous.Version);
        return $"Rolled back: v{previous.Version} is active again.";
    }

    private async Task HousekeepAsync(ITrainingBackend backend, PolicyVersion version, CancellationToken cancellationToken)
    {
        try
        {
            await backend.OnPublishedAsync(version, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHousekeepingFailed(logger, ex, version.PolicyName, version.Version);
        }
    }

    private async Task ReleaseQuietlyAsync(TrainingTicket ticket, string reason)
    {
        try
        {
            await Queue.ReleaseAsync(ticket, reason).WaitAsync(TimeSpan.FromSeconds(10), time);
        }
        catch (Exception ex)
        {
            // The request goes back to the queue anyway once this trainer stops renewing its subscription.
            LogFailed(logger, ex, ticket.RequestId);
        }
    }

    /// <summary>Reports the latest progress line to the queue, at most twice a second, plus the last one at the end.</summary>
    private sealed class QueueProgress(ITrainingQueueGrain queue, TrainingTicket ticket, TimeProvider time) : IProgress<string>
    {
        private readonly Lock _gate = new();
        private string? _pending;
        private string? _written;
        private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
        private Task _writing = Task.CompletedTask;
        private bool _sealed;

        public void Report(string value)
        {
            lock (_gate)
            {
                if (_sealed)
                {
                    return;
                }
                _pending = value;
                var now = time.GetUtcNow();
                if (now - _lastWrite < TimeSpan.FromMilliseconds(500) || !_writing.IsCompleted)
                {
                    return;
                }
                _lastWrite = now;
                _written = value;
                _writing = WriteAsync(value);
            }
        }

        /// <summary>Ignores later reports (a backend's stray callback must not overwrite the publishing status).</summary>
        public void Seal()
        {
            lock (_gate)
            {
                _sealed = true;
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            Task writing;
            string? pending;
            lock (_gate)
            {
                writing = _writing;
                pending = _pending == _written ? null : _pending;
                _written = _pending;
            }
            await writing;
            if (pending is not null)
            {
                await queue.ReportProgressAsync(ticket, pending).WaitAsync(cancellationToken);
            }
        }

        public async Task FlushQuietlyAsync()
        {
            try
            {
                await FlushAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is StaleWriteException or OrleansException or TimeoutException or ObjectDisposedException)
            {
                // The request is gone from under us; its new owner reports its own progress.
            }
        }

        private async Task WriteAsync(string value)
        {
            try
            {
                await queue.ReportProgressAsync(ticket, value);
            }
            catch (Exception)
            {
                // Progress is informational; the final flush and the completion report errors.
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Could not reach the training queue; will retry")]
    private static partial void LogTakeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Training request {RequestId} with backend {Backend} from version {BaseVersion} (attempt {Attempt})")]
    private static partial void LogTraining(ILogger logger, string requestId, string backend, int baseVersion, int attempt);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Training request {RequestId} published {PolicyName} version {Version} ({Model})")]
    private static partial void LogPublished(ILogger logger, string requestId, string policyName, int version, string model);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Training request {RequestId} had already published version {Version}; completing it")]
    private static partial void LogAlreadyPublished(ILogger logger, string requestId, int version);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Training request {RequestId}: attempt {Attempt} was superseded (another trainer holds it now)")]
    private static partial void LogLost(ILogger logger, string requestId, int attempt);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Training request {RequestId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Stopping: training request {RequestId} handed back to the queue")]
    private static partial void LogHandedBackOnStop(ILogger logger, string requestId);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Training request {RequestId}: version {Version} was published but did not take effect")]
    private static partial void LogVerificationFailed(ILogger logger, Exception exception, string requestId, int version);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Rolled {PolicyName} back from v{Version} to v{Previous}")]
    private static partial void LogRolledBack(ILogger logger, string policyName, int version, int previous);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Housekeeping after publishing {PolicyName} v{Version} failed")]
    private static partial void LogHousekeepingFailed(ILogger logger, Exception exception, string policyName, int version);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Could not renew this trainer's subscription to the training queue; will retry")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Trainer {TrainerId} started; serves backends: {Backends}")]
    private static partial void LogStarted(ILogger logger, string trainerId, string backends);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Trainer {TrainerId} stopped")]
    private static partial void LogStopped(ILogger logger, string trainerId);
}
