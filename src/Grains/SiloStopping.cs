namespace SotopiaPi.Grains;

/// <summary>Cancelled as soon as this silo starts to stop (the first stage of its lifecycle to stop), before Orleans
/// deactivates its grains. Orleans deactivates a grain only once its running requests — timer ticks included — have
/// returned, so grain work that may take long (an episode's turns, starting a round's episodes) watches this token
/// and returns promptly: every stored turn stays, and the work resumes elsewhere.</summary>
public sealed class SiloStopping : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Token => _stopping.Token;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloStopping), ServiceLifecycleStage.Active, _ => Task.CompletedTask, _ => _stopping.CancelAsync());

    public void Dispose() => _stopping.Dispose();
}
