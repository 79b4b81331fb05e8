using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;

namespace SotopiaPi.Grains.Policies;

/// <summary>The registry of one policy (key: policy name) over the store's policy tables (<see cref="PolicyRegistry"/>
/// holds the rules). Each change of the active version is pushed to the subscribed observers — every silo's policy
/// cache — through Orleans' <see cref="ObserverManager{TObserver}"/>: subscriptions expire unless renewed, so a dead
/// silo's observer is dropped.</summary>
internal sealed class PolicyRegistryGrain(IPolicyStore store, TimeProvider time, ILogger<PolicyRegistryGrain> logger) : Grain, IPolicyRegistryGrain
{
    /// <summary>How long a subscription lives without being renewed (policy caches renew every minute).</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(3);

    private readonly PolicyRegistry _registry = new(store, time);
    private readonly ObserverManager<IPolicyObserver> _observers = new(SubscriptionLifetime, logger);

    private string Name => this.GetPrimaryKeyString();

    public async Task<PolicyVersion> EnsureBaseAsync(string baseModel)
    {
        var wasActive = await store.GetActiveVersionAsync(Name);
        var version = await _registry.EnsureBaseAsync(Name, baseModel);
        if (wasActive is null)
        {
            await NotifyAsync(await _registry.GetActiveAsync(Name));
        }
        return version;
    }

    public Task<PolicyVersion> GetActiveAsync() => _registry.GetActiveAsync(Name);

    public Task<PolicyVersion?> GetVersionAsync(int version) => store.GetVersionAsync(Name, version);

    public async Task<ImmutableArray<PolicyVersion>> ListAsync() => [.. await _registry.ListAsync(Name)];

    public async Task<PolicyVersion> PublishAsync(PolicyVersion candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.PolicyName != Name)
        {
            throw new ArgumentException($"A version of '{candidate.PolicyName}' cannot be published to the registry of '{Name}'.", nameof(candidate));
        }
        var published = await _registry.PublishAsync(candidate);
        await NotifyAsync(await _registry.GetActiveAsync(Name));
        return published;
    }

    public async Task<PolicyVersion> ActivateAsync(int version)
    {
        var active = await _registry.ActivateAsync(Name, version);
        await NotifyAsync(active);
        return active;
    }

    public async Task<PolicyVersion> RollbackAsync()
    {
        var active = await _registry.RollbackAsync(Name);
        await NotifyAsync(active);
        return active;
    }

    public Task SubscribeAsync(IPolicyObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IPolicyObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private Task NotifyAsync(PolicyVersion active) => _observers.Notify(o => o.OnActiveVersionChangedAsync(active));
}
