using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Options;

namespace SotopiaPi.Silo.Hosting;

/// <summary>A built silo process: the web application (API, silo, optional trainer) and the store it opened.
/// Disposing stops nothing by itself: stop first (<see cref="StopAsync"/>, or SIGTERM for <see cref="RunAsync"/>),
/// then dispose, which closes the store.</summary>
public sealed class SiloApplication : IAsyncDisposable
{
    internal SiloApplication(WebApplication app, ISotopiaStore store, SiloHostSettings settings)
    {
        App = app;
        Store = store;
        Settings = settings;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public ISotopiaStore Store { get; }

    public SiloHostSettings Settings { get; }

    public string SiloId => Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloId;

    /// <summary>The addresses the server listens on (known after start; a port 0 is resolved to the real port).</summary>
    public IReadOnlyList<string> Addresses =>
        [.. Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []];

    /// <summary>Starts the silo and its server, then checks the addresses the server actually bound: without an API
    /// token every one must be loopback, or the silo stops again and throws <see cref="SiloConfigurationException"/>
    /// (whatever the listen settings said, this is what clients can reach).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await App.StartAsync(cancellationToken);
        if (Settings.ApiToken is null && Addresses.Where(a => !SiloHostSettings.IsLoopback(a)).ToList() is { Count: > 0 } exposed)
        {
            await App.StopAsync(CancellationToken.None);
            throw new SiloConfigurationException([
                $"the server bound {string.Join(", ", exposed)}, which is not loopback, and no API token is set ({SiloSettingNames.ApiTokenVariable}); it stopped without serving."]);
        }
    }

    /// <summary>Graceful stop: the silo leaves the cluster and Orleans moves its grains to the other silos (running
    /// episodes resume there from their last stored turn), within <see cref="SiloHostSettings.ShutdownTimeout"/>.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => App.StopAsync(cancellationToken);

    /// <summary>Runs until SIGTERM/SIGINT (or the token), then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken);
        await App.WaitForShutdownAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Store.DisposeAsync();
    }
}
