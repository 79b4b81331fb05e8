using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.Runtime;

/// <summary>This silo's view of published policy versions: versions never change once published, so each is read
/// from its registry grain once; the active version of every policy this silo has used is pushed here by the
/// registry (this cache is an <see cref="IPolicyObserver"/>, subscribed on first use and renewed every
/// <see cref="RenewInterval"/>, well within the registry's subscription lifetime). No database is polled.
/// The observer reference and the renewal loop are made when the silo starts (a reference cannot be made from a grain,
/// and a loop started from one would run on that grain's scheduler).</summary>
internal sealed partial class PolicyCache(IGrainFactory grains, TimeProvider time, ILogger<PolicyCache> logger)
    : IPolicyVersions, IPolicyObserver, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable
{
    /// <summary>How often this silo renews its subscriptions (the registry drops one after three minutes).</summary>
    public static readonly TimeSpan RenewInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Policy, int Version), PolicyVersion> _versions = new();
    private readonly ConcurrentDictionary<string, PolicyVersion> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _subscribed = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private IPolicyObserver? _reference;
    private Task _renewals = Task.CompletedTask;
    private int _disposed;

    /// <summary>Raised when a registry pushes a change of a policy's active version.</summary>
    public event Action<PolicyVersion>? ActiveVersionChanged;

    public async ValueTask<PolicyVersion> GetAsync(string policyName, int version, CancellationToken cancellationToken = default)
    {
        if (_versions.TryGetValue((policyName, version), out var known))
        {
            return known;
        }
        await SubscribeAsync(policyName);
        var read = await grains.GetGrain<IPolicyRegistryGrain>(policyName).GetVersionAsync(version).WaitAsync(cancellationToken)
            ?? throw new KeyNotFoundException($"Policy '{policyName}' has no version {version}.");
        return _versions.GetOrAdd((policyName, version), read);
    }

    public async ValueTask<PolicyVersion> GetActiveAsync(string policyName, CancellationToken cancellationToken = default)
    {
        if (_active.TryGetValue(policyName, out var active))
        {
            return active;
        }
        await SubscribeAsync(policyName);
        var read = await grains.GetGrain<IPolicyRegistryGrain>(policyName).GetActiveAsync().WaitAsync(cancellationToken);
        _versions.TryAdd((policyName, read.Version), read);
        return _active.GetOrAdd(policyName, read);
    }

    public Task OnActiveVersionChangedAsync(PolicyVersion active)
    {
        ArgumentNullException.ThrowIfNull(active);
        _versions[(active.PolicyName, active.Version)] = active;
        _active[active.PolicyName] = active;
        LogActiveChanged(logger, active.PolicyName, active.Version, active.Model);
        ActiveVersionChanged?.Invoke(active);
        return Task.CompletedTask;
    }

    /// <summary>Stops the renewals. Safe to call more than once (the container disposes this instance once per
    /// registration it is known under).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _renewals;
        _stopping.Dispose();
    }

    private async Task SubscribeAsync(string policyName)
    {
        if (!_subscribed.TryAdd(policyName, 0))
        {
            return;
        }
        try
        {
            await grains.GetGrain<IPolicyRegistryGrain>(policyName).SubscribeAsync(Reference());
        }
        catch
        {
            _subscribed.TryRemove(policyName, out _);
            throw;
        }
    }

    private IPolicyObserver Reference() =>
        _reference ?? throw new InvalidOperationException("The policy cache is used before its silo started.");

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PolicyCache), ServiceLifecycleStage.ApplicationServices, _ =>
        {
            _reference = grains.CreateObjectReference<IPolicyObserver>(this);
            _renewals = RenewAsync(_stopping.Token);
            return Task.CompletedTask;
        });

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var policyName in _subscribed.Keys)
                {
                    try
                    {
                        await grains.GetGrain<IPolicyRegistryGrain>(policyName).SubscribeAsync(_reference!);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogRenewFailed(logger, ex, policyName);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Policy {PolicyName}: v{Version} ({Model}) is active")]
    private static partial void LogActiveChanged(ILogger logger, string policyName, int version, string model);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Could not renew the subscription to policy {PolicyName}; will try again")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string policyName);
}
