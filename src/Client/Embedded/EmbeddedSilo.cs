using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Client.Embedded;

/// <summary>A started in-process silo (and trainer). Disposing stops it gracefully (episodes in flight stop; every
/// stored turn stays) and releases it.</summary>
internal sealed class EmbeddedSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    public EmbeddedSilo(IHost host)
    {
        _host = host;
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        Stopping = Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public CampaignLauncher Launcher => _host.Services.GetRequiredService<CampaignLauncher>();

    /// <summary>Completes when the silo begins to stop (for example after a fatal error).</summary>
    public Task Stopping { get; }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _host.StopAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
