using SotopiaPi.Grains.Policies;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Trainer.Backends;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer;

/// <summary>Claims training requests under a lease, checks the dataset against its hash, trains through the
/// request's backend, and publishes the result as the policy's next active version, then checks the publish
/// took effect (rolling it back if not). Publishing is idempotent per request: a trainer that crashed after
/// publishing and before completing the request finds the version already registered and completes the request
/// with it, never publishing twice. Every store write about the request is fenced by the lease, so a trainer
/// that lost its lease (it stalled, another took over) can neither report nor complete it.</summary>
internal sealed partial class TrainerService(
    ISotopiaStore store,
    IArtifactStore artifacts,
    PolicyRegistryGrain registry,
    IEnumerable<ITrainingBackend> backends,
    IOptions<TrainerOptions> options,
    TimeProvider time,
    ILogger<TrainerService> logger,
    SotopiaInstruments? instruments = null) : BackgroundService
{
    /// <summary>What became of a claimed request.</summary>
    internal enum Outcome
    {
        Succeeded,
        Failed,
        /// <summary>Handed back: this trainer does not serve the request's backend.</summary>
        HandedBack,
        /// <summary>Another trainer owns it now, or this trainer is stopping.</summary>
        Abandoned,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        LogStarted(logger, o.TrainerId, string.Join(", ", backends.Select(b => b.Name).Where(o.Serves)));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                (TrainingRequest Request, Lease Lease)? claim = null;
                try
                {
                    claim = await store.ClaimTrainingRequestAsync(o.LeaseOwner, o.LeaseDuration, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogClaimFailed(logger, ex);
                }
                if (claim is { } c)
                {
                    var outcome = await ProcessAsync(c.Request, c.Lease, o, stoppingToken);
                    if (outcome == Outcome.HandedBack)
                    {
                        await Task.Delay(o.UnservedBackendRetry, time, stoppingToken);
                    }
                }
                else
                {
                    await Task.Delay(o.PollInterval, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; the request being trained was handed back by ProcessAsync.
        }
        LogStopped(logger, o.TrainerId);
    }

    internal async Task<Outcome> ProcessAsync(TrainingRequest request, Lease lease, TrainerOptions o, CancellationToken stoppingToken)
    {
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewals = RenewWhileTrainingAsync(o, heartbeat.Token);
        var progress = new StoreProgress(store, lease, time);
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
            var backend = backends.FirstOrDefault(b => string.Equals(b.Name, request.Settings.Backend, StringComparison.OrdinalIgnoreCase));
            var existing = (await registry.ListAsync(request.PolicyName, stoppingToken))
                .FirstOrDefault(v => v.TrainingRequestId == request.Id);
            if (existing is not null)
            {
                // The previous owner published and died before completing: finish its work, including the check
                // that the publish took effect if the version is still the active one.
                LogAlreadyPublished(logger, request.Id, existing.Version);
                var active = await store.GetActiveVersionAsync(request.PolicyName, stoppingToken);
                if (backend is not null && o.Serves(backend.Name) && active?.Version == existing.Version
                    && existing.ParentVersion is { } parent
                    && await VerifyOrRollBackAsync(backend, existing, await store.GetVersionAsync(request.PolicyName, parent, stoppingToken), lease, stoppingToken) is { } unverified)
                {
                    return unverified;
                }
                await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Succeeded, existing.Version, null, stoppingToken);
                return Outcome.Succeeded;
            }

            if (backend is null)
            {
                throw new TrainingBackendException(
                    $"Training backend '{request.Settings.Backend}' does not exist (known: {string.Join(", ", backends.Select(b => b.Name))}).");
            }
            if (!o.Serves(backend.Name))
            {
                var served = string.Join(", ", backends.Select(b => b.Name).Where(o.Serves));
                await store.ReportTrainingProgressAsync(lease,
                    $"waiting for a trainer that serves the '{backend.Name}' backend ({o.TrainerId} serves: {served})", stoppingToken);
                await store.ReleaseAsync(lease, stoppingToken);
                LogHandedBack(logger, request.Id, backend.Name);
                return Outcome.HandedBack;
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
            var baseVersion = await registry.GetVersionAsync(request.PolicyName, request.BaseVersion, stoppingToken);

            LogTraining(logger, request.Id, backend.Name, request.BaseVersion);
            var context = new TrainingContext(request, baseVersion, progress, async (status, ct) =>
            {
                await progress.FlushAsync(ct);
                await store.ReportTrainingProgressAsync(lease, status, ct);
            });
            var checkpoint = await StageAsync(SotopiaTelemetryNames.TrainerTrainingSpan, "training", backend.Name,
                () => backend.TrainAsync(context, stoppingToken));
            progress.Seal();
            await progress.FlushAsync(stoppingToken);

            // Last fenced check before the publish: a trainer that lost the request stops here. (Between this
            // check and the publish, a new owner could publish too; the registry's per-request idempotency
            // makes that one version, whoever registers first.)
            await store.ReportTrainingProgressAsync(lease, $"publishing {checkpoint.Model}", stoppingToken);
            var previous = await store.GetActiveVersionAsync(request.PolicyName, stoppingToken);
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
            }, stoppingToken));

            if (await VerifyOrRollBackAsync(backend, version, previous, lease, stoppingToken) is { } failed)
            {
                return failed;
            }

            await store.ReportTrainingProgressAsync(lease, $"published {version.PolicyName} v{version.Version} ({version.Model})", stoppingToken);
            await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Succeeded, version.Version, null, stoppingToken);
            LogPublished(logger, request.Id, request.PolicyName, version.Version, version.Model);
            await HousekeepAsync(backend, version, stoppingToken);
            return Outcome.Succeeded;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await progress.FlushQuietlyAsync();
            await ReleaseQuietlyAsync(lease);
            LogHandedBackOnStop(logger, request.Id);
            return Outcome.Abandoned;
        }
        catch (StaleEpochException)
        {
            LogLost(logger, request.Id);
            return Outcome.Abandoned;
        }
        catch (Exception ex) when (TransientStoreErrors.IsTransient(ex))
        {
            // The store (or the network to it) failed: the request is fine. Give it back (or, if the store is
            // still down, let the lease expire); a trainer claims it again and resumes.
            LogFailed(logger, ex, request.Id);
            await ReleaseQuietlyAsync(lease);
            return Outcome.Abandoned;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, request.Id);
            try
            {
                await progress.FlushQuietlyAsync();
                await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Failed, null, ex.Message, stoppingToken);
                return Outcome.Failed;
            }
            catch (Exception inner) when (inner is StaleEpochException or OperationCanceledException)
            {
                LogLost(logger, request.Id);
                return Outcome.Abandoned;
            }
        }
        finally
        {
            await heartbeat.CancelAsync();
            await renewals;
        }
        }
    }

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
        ITrainingBackend backend, PolicyVersion version, PolicyVersion? previous, Lease lease, CancellationToken cancellationToken)
    {
        try
        {
            await backend.VerifyPublishedAsync(version, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var rolledBack = await RollBackAsync(version, previous, cancellationToken);
            LogVerificationFailed(logger, ex, lease.Key, version.Version);
            await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Failed, null,
                $"{version.PolicyName} v{version.Version} ({version.Model}) was published but did not take effect: {ex.Message} {rolledBack}", cancellationToken);
            return Outcome.Failed;
        }
    }

    /// <summary>Re-activates the version that was active before, unless someone activated another meanwhile.</summary>
    private async Task<string> RollBackAsync(PolicyVersion published, PolicyVersion? previous, CancellationToken cancellationToken)
    {
        var active = await store.GetActiveVersionAsync(published.PolicyName, cancellationToken);
        if (active?.Version != published.Version)
        {
            return $"(v{active?.Version} is active now; nothing was rolled back.)";
        }
        if (previous is null || previous.Version == published.Version)
        {
            return "(there was no earlier active version to roll back to.)";
        }
        await registry.ActivateAsync(published.PolicyName, previous.Version, cancellationToken);
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

    private async Task RenewWhileTrainingAsync(TrainerOptions o, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(o.HeartbeatInterval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await store.RenewAllAsync(o.LeaseOwner, o.LeaseDuration, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogRenewFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Training finished.
        }
    }

    private async Task ReleaseQuietlyAsync(Lease lease)
    {
        try
        {
            await store.ReleaseAsync(lease, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, lease.Key);
        }
    }

    /// <summary>Stores the latest progress line, at most twice a second, plus the last one at the end.</summary>
    private sealed class StoreProgress(ITrainingStore store, Lease lease, TimeProvider time) : IProgress<string>
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
                await store.ReportTrainingProgressAsync(lease, pending, cancellationToken);
            }
        }

        public async Task FlushQuietlyAsync()
        {
            try
            {
                await FlushAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is StaleEpochException or InvalidOperationException or ObjectDisposedException)
            {
                // The request is gone from under us; its new owner reports its own progress.
            }
        }

        private async Task WriteAsync(string value)
        {
            try
            {
                await store.ReportTrainingProgressAsync(lease, value, CancellationToken.None);
            }
            catch (Exception)
            {
                // Progress is informational; the final flush and the completion report errors.
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Could not claim training requests; will retry")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Training request {RequestId} with backend {Backend} from version {BaseVersion}")]
    private static partial void LogTraining(ILogger logger, string requestId, string backend, int baseVersion);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Training request {RequestId} published {PolicyName} version {Version} ({Model})")]
    private static partial void LogPublished(ILogger logger, string requestId, string policyName, int version, string model);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Training request {RequestId} had already published version {Version}; completing it")]
    private static partial void LogAlreadyPublished(ILogger logger, string requestId, int version);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Training request {RequestId} was taken over by another trainer")]
    private static partial void LogLost(ILogger logger, string requestId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Training request {RequestId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Training request {RequestId} needs backend {Backend}, which this trainer does not serve; handed it back")]
    private static partial void LogHandedBack(ILogger logger, string requestId, string backend);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Stopping: training request {RequestId} handed back (its lease released)")]
    private static partial void LogHandedBackOnStop(ILogger logger, string requestId);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Training request {RequestId}: version {Version} was published but did not take effect")]
    private static partial void LogVerificationFailed(ILogger logger, Exception exception, string requestId, int version);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Rolled {PolicyName} back from v{Version} to v{Previous}")]
    private static partial void LogRolledBack(ILogger logger, string policyName, int version, int previous);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Housekeeping after publishing {PolicyName} v{Version} failed")]
    private static partial void LogHousekeepingFailed(ILogger logger, Exception exception, string policyName, int version);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Could not renew training leases; will retry")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Trainer {TrainerId} started; serves backends: {Backends}")]
    private static partial void LogStarted(ILogger logger, string trainerId, string backends);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Information, Message = "Trainer {TrainerId} stopped")]
    private static partial void LogStopped(ILogger logger, string trainerId);
}
