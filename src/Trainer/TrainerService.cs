using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains.Policies;
using SotopiaPi.Trainer.Backends;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer;

/// <summary>Claims training requests under a lease, checks the dataset against its hash, trains through the
/// request's backend, and publishes the result as the policy's next active version. Publishing is idempotent
/// per request: a trainer that crashed after publishing and before completing the request finds the version
/// already registered and completes the request with it, never publishing twice.</summary>
internal sealed partial class TrainerService(
    ISotopiaStore store,
    IArtifactStore artifacts,
    PolicyRegistryGrain registry,
    IEnumerable<ITrainingBackend> backends,
    IOptions<TrainerOptions> options,
    TimeProvider time,
    ILogger<TrainerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                (TrainingRequest Request, Lease Lease)? claim = null;
                try
                {
                    claim = await store.ClaimTrainingRequestAsync(o.TrainerId, o.LeaseDuration, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogClaimFailed(logger, ex);
                }
                if (claim is { } c)
                {
                    await ProcessAsync(c.Request, c.Lease, o, stoppingToken);
                }
                else
                {
                    await Task.Delay(o.PollInterval, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; an unfinished request's lease expires and another trainer takes it.
        }
    }

    internal async Task ProcessAsync(TrainingRequest request, Lease lease, TrainerOptions o, CancellationToken stoppingToken)
    {
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewals = RenewWhileTrainingAsync(o, heartbeat.Token);
        try
        {
            var existing = (await registry.ListAsync(request.PolicyName, stoppingToken))
                .FirstOrDefault(v => v.TrainingRequestId == request.Id);
            if (existing is not null)
            {
                LogAlreadyPublished(logger, request.Id, existing.Version);
                await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Succeeded, existing.Version, null, stoppingToken);
                return;
            }

            var backend = backends.FirstOrDefault(b => string.Equals(b.Name, request.Settings.Backend, StringComparison.OrdinalIgnoreCase))
                ?? throw new InvalidOperationException(
                    $"Training backend '{request.Settings.Backend}' is not configured on this trainer (available: {string.Join(", ", backends.Select(b => b.Name))}).");
            var hash = await artifacts.HashAsync(request.DatasetPath, stoppingToken);
            if (!string.Equals(hash, request.DatasetHash, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(
                    $"Dataset '{request.DatasetPath}' has hash {hash}, but the request was made for {request.DatasetHash}.");
            }

            LogTraining(logger, request.Id, backend.Name, request.BaseVersion);
            var progress = new StoreProgress(store, lease, time);
            var checkpoint = await backend.TrainAsync(request, progress, stoppingToken);
            await progress.FlushAsync(stoppingToken);
            var version = await registry.PublishAsync(new PolicyVersion
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
            }, stoppingToken);
            await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Succeeded, version.Version, null, stoppingToken);
            LogPublished(logger, request.Id, request.PolicyName, version.Version);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await ReleaseQuietlyAsync(lease);
        }
        catch (StaleEpochException)
        {
            LogLost(logger, request.Id);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, request.Id);
            try
            {
                await store.CompleteTrainingRequestAsync(lease, TrainingStatus.Failed, null, ex.Message, stoppingToken);
            }
            catch (Exception inner) when (inner is StaleEpochException or OperationCanceledException)
            {
                LogLost(logger, request.Id);
            }
        }
        finally
        {
            await heartbeat.CancelAsync();
            await renewals;
        }
    }

    private async Task RenewWhileTrainingAsync(TrainerOptions o, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(o.HeartbeatInterval, time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await store.RenewAllAsync(o.TrainerId, o.LeaseDuration, cancellationToken);
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
        private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
        private Task _writing = Task.CompletedTask;

        public void Report(string value)
        {
            lock (_gate)
            {
                _pending = value;
                var now = time.GetUtcNow();
                if (now - _lastWrite < TimeSpan.FromMilliseconds(500) || !_writing.IsCompleted)
                {
                    return;
                }
                _lastWrite = now;
                _writing = WriteAsync(value);
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            Task writing;
            string? pending;
            lock (_gate)
            {
                writing = _writing;
                pending = _pending;
            }
            await writing;
            if (pending is not null)
            {
                await store.ReportTrainingProgressAsync(lease, pending, cancellationToken);
            }
        }

        private async Task WriteAsync(string value)
        {
            try
            {
                await store.ReportTrainingProgressAsync(lease, value, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not StaleEpochException)
            {
                // Progress is informational; the final flush reports errors.
            }
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Could not claim training requests; will retry")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Training request {RequestId} with backend {Backend} from version {BaseVersion}")]
    private static partial void LogTraining(ILogger logger, string requestId, string backend, int baseVersion);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Training request {RequestId} published {PolicyName} version {Version}")]
    private static partial void LogPublished(ILogger logger, string requestId, string policyName, int version);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Training request {RequestId} had already published version {Version}; completing it")]
    private static partial void LogAlreadyPublished(ILogger logger, string requestId, int version);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Training request {RequestId} was taken over by another trainer")]
    private static partial void LogLost(ILogger logger, string requestId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Error, Message = "Training request {RequestId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string requestId);
}
