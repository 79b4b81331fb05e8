namespace SotopiaPi.Silo.IntegrationTests.Deploy;

/// <summary>Renders every overlay once for the deployment tests.</summary>
public sealed class RenderedOverlaysFixture : IAsyncLifetime
{
    private readonly Dictionary<string, RenderedOverlay> _overlays = new(StringComparer.Ordinal);

    internal RenderedOverlay this[string name] => _overlays[name];

    internal IEnumerable<RenderedOverlay> All => _overlays.Values;

    public async Task InitializeAsync()
    {
        foreach (var name in RenderedOverlay.Names)
        {
            _overlays[name] = await RenderedOverlay.RenderAsync(name);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
