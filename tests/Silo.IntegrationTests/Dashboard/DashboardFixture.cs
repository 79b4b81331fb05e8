using System.Net.Http.Json;
using Microsoft.Playwright;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.IntegrationTests.Api;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Dashboard;

/// <summary>A real silo with an API token and a finished small campaign (BC, one SR round, evaluation of
/// base, bc, bc+sr1 and the expert), and Debian's Chromium driven by Playwright (never a downloaded browser).</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Token = "dashboard-test-token-0123456789abcdef";
    public const string CampaignId = "dash-demo";
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>mode bc_sr, one SR round, 2 scenarios × 3 pairs per round, 1 evaluation pair per scenario, 4 epochs.</summary>
    public const string Spec = """
        {"name": "dashboard-demo", "mode": "bc_sr", "sr_rounds": 1, "scenarios_per_round": 2, "pairs_per_scenario": 3,
         "evaluation_pairs_per_scenario": 1, "trainer": {"epochs": 4}}
        """;

    private readonly TempDirectory _folder = new("sotopia-dashboard");
    private SiloTestHost? _silo;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    internal SiloTestHost Silo => _silo!;

    public IBrowser Browser => _browser!;

    public CampaignStatusResponse Completed { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/dashboard under the test output folder.</summary>
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: the dashboard tests drive Debian's Chromium (apt-get install -y chromium; scripts/test.sh installs it).");
        }
        Directory.CreateDirectory(ScreenshotFolder);
        _silo = await SiloTestHost.StartAsync(_folder.Combine("sotopia.db"), token: Token, siloId: "dashboard-silo");
        using var response = await _silo.PostJsonAsync($"api/campaigns?id={CampaignId}", Spec);
        await ApiAssert.SuccessAsync(response);
        var created = (await response.Content.ReadFromJsonAsync<CampaignStatusResponse>(SotopiaJson.Options))!;
        Completed = await _silo.WaitForCampaignAsync(created.Id, CampaignStatus.Completed);

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
        _folder.Dispose();
    }

    /// <summary>A fresh browser context; with <paramref name="withToken"/> the tab already holds the token
    /// (as after answering the prompt once).</summary>
    internal async Task<BrowserSession> OpenAsync(bool withToken = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Silo.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        if (withToken)
        {
            await context.AddInitScriptAsync($"sessionStorage.setItem('sotopia-api-token', '{Token}');");
        }
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page, Silo.BaseAddress, ScreenshotFolder);
    }
}
