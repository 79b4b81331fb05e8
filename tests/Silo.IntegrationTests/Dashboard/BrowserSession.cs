using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace SotopiaPi.Silo.IntegrationTests.Dashboard;

/// <summary>One browser tab on the dashboard that records console errors, page errors and every request, so a
/// test can assert none went wrong and nothing left the silo.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly Uri _silo;
    private readonly string _screenshots;
    private readonly ConcurrentQueue<string> _consoleErrors = new();
    private readonly ConcurrentQueue<string> _requests = new();

    public BrowserSession(IBrowserContext context, IPage page, Uri silo, string screenshots)
    {
        _context = context;
        _silo = silo;
        _screenshots = screenshots;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => _consoleErrors.Enqueue("page error: " + error);
        context.Request += (_, request) => _requests.Enqueue(request.Url);
    }

    public IPage Page { get; }

    public IReadOnlyCollection<string> Requests => _requests;

    public async Task GotoAsync(string hash)
    {
        await Page.GotoAsync("/" + hash);
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(_screenshots, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>No console error (except the browser's own "Failed to load resource: … status of N" lines for the
    /// answers a test provokes on purpose, <paramref name="expectedStatuses"/>) and every request went to the silo.</summary>
    public void AssertClean(params int[] expectedStatuses)
    {
        var errors = _consoleErrors
            .Where(e => !expectedStatuses.Any(code => e.StartsWith($"Failed to load resource: the server responded with a status of {code} ", StringComparison.Ordinal)))
            .ToList();
        Assert.True(errors.Count == 0, "console errors:\n" + string.Join("\n", errors));
        Assert.NotEmpty(_requests);
        var foreign = _requests.Where(u => !u.StartsWith("data:", StringComparison.Ordinal)
            && !(Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme == _silo.Scheme && uri.Host == _silo.Host && uri.Port == _silo.Port)).ToList();
        Assert.True(foreign.Count == 0, "requests to other hosts:\n" + string.Join("\n", foreign));
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
