using Orleans.Concurrency;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Hears a policy's active version change (publish, activate, rollback): each silo's policy cache is one.</summary>
public interface IPolicyObserver : IGrainObserver
{
    [OneWay]
    Task OnActiveVersionChangedAsync(PolicyVersion active);
}
