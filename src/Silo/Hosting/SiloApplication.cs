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

    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    /// <summary>Graceful stop: the schedulers stop claiming, in-flight turns are cancelled (stored turns stay)
    /// and every lease is handed back, within <see cref="SiloHostSettings.ShutdownTimeout"/>.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => App.StopAsync(cancellationToken);

    /// <summary>Runs until SIGTERM/SIGINT (or the token), then stops gracefully.</summary>
    public Task RunAsync(CancellationToken cancellationToken = default) => HostingAbstractionsHostExtensions.RunAsync(App, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Store.DisposeAsync();
    }
}
