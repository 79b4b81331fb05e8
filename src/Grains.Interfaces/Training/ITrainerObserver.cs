using Orleans.Concurrency;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A trainer's ear: told when a request it could take is queued.</summary>
public interface ITrainerObserver : IGrainObserver
{
    [OneWay]
    Task OnWorkAvailableAsync();
}
