using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Options;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>The silo process's start-up rules: the store setting picks the database, a non-loopback address
/// needs a token (the process refuses to start otherwise, with a clear error and a non-zero exit), the token is
/// never printed, and SIGTERM stops it gracefully with exit code 0.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class SiloStartupTests
{
    [Theory]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://127.0.0.1:0", true)]
    [InlineData("https://127.0.0.2:8443", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://unix:/run/sotopia.sock", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://10.1.2.3:8080", false)]
    [InlineData("http://silo.example:8080", false)]
    public void LoopbackAddressesAreRecognised(string url, bool loopback) =>
        Assert.Equal(loopback, SiloHostSettings.IsLoopback(url));

    [Fact]
    public void SettingsComeFromTheEnvironmentVariableNames()
    {
        var settings = SiloHostSettings.Resolve(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SOTOPIA_STORE"] = "Data Source=env/sotopia.db",
            ["SOTOPIA_TRAINER"] = "true",
            ["SOTOPIA_SHUTDOWN_TIMEOUT"] = "00:00:45",
            ["SOTOPIA_ARTIFACTS"] = "shared/artifacts",
            ["SOTOPIA_ADVERTISED_URL"] = "http://10.0.0.7:8080",
            ["urls"] = "http://127.0.0.1:9000",
        }).Build());
        Assert.Equal(Path.GetFullPath("env/sotopia.db"), settings.Store.Value);
        Assert.True(settings.RunTrainer);
        Assert.Equal(TimeSpan.FromSeconds(45), settings.ShutdownTimeout);
        Assert.Equal(Path.GetFullPath("shared/artifacts"), settings.ArtifactsRoot);
        Assert.Equal("http://10.0.0.7:8080", settings.AdvertisedUrl);
        Assert.Equal(["http://127.0.0.1:9000"], settings.ListenUrls);
        Assert.Null(settings.ApiToken);
    }

    [Fact]
    public void EveryBadSettingIsListedAtOnce()
    {
        var error = Assert.Throws<SiloConfigurationException>(() => SiloHostSettings.Resolve(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["trainer"] = "maybe",
            ["shutdown-timeout"] = "soon",
            ["advertised-url"] = "not a url",
        }).Build()));
        Assert.Equal(4, error.Problems.Count);
        Assert.Contains(error.Problems, p => p.StartsWith("--store / SOTOPIA_STORE", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'maybe'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'soon'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("'not a url'", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSwitchWinsOverTheVariableAndBothSetTheOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["store"] = " switch.db ",
            ["SOTOPIA_STORE"] = "variable.db",
            ["SOTOPIA_TRAINER"] = "yes",
            ["prometheus"] = "on",
            ["SOTOPIA_BACKEND"] = "",
            ["llm-config"] = "llm.yaml",
        }).Build();

        var options = SiloHostOptions.Bind(configuration);
        var settings = SiloHostSettings.Resolve(configuration);

        Assert.Equal(("switch.db", "yes", "on", (string?)null, "llm.yaml"), (options.Store, options.Trainer, options.Prometheus, options.Backend, options.LlmConfig));
        Assert.Equal(Path.GetFullPath("switch.db"), settings.Store.Value);
        Assert.Equal((true, true, "simulator", "llm.yaml"), (settings.RunTrainer, settings.Prometheus, settings.Backend, settings.LlmConfigPath));
    }

    [Theory]
    [InlineData("gcp", "--profile / SOTOPIA_PROFILE: 'gcp' is not one of auto, azure.")]
    [InlineData("azure", "--profile / SOTOPIA_PROFILE: the azure profile keeps the project store in PostgreSQL; --store / SOTOPIA_STORE is SQLite ")]
    public void TheProfileIsCheckedAgainstTheStore(string profile, string expected)
    {
        var error = Assert.Throws<SiloConfigurationException>(() => SiloHostSettings.Resolve(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SOTOPIA_STORE"] = "Data Source=x.db",
            ["SOTOPIA_PROFILE"] = profile,
        }).Build()));

        Assert.Contains(error.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void TheHostValidatesItsOptionsAtStart()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SOTOPIA_STORE"] = "Data Source=x.db",
            ["backend"] = "gpu",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        var withAliases = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(SiloHostOptions.AliasedValues(configuration)).Build();
        services.AddOptions<SiloHostOptions>().Bind(withAliases.GetSection(SiloHostOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SiloHostOptions>, SiloHostOptionsValidator>();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(["--backend / SOTOPIA_BACKEND: 'gpu' is not one of simulator, llm."], error.Failures);
    }

    [Theory]
    [InlineData(new[] { "--trainer", "--urls", "http://127.0.0.1:1" }, new[] { "--trainer=true", "--urls", "http://127.0.0.1:1" })]
    [InlineData(new[] { "--store", "x.db", "--trainer" }, new[] { "--store", "x.db", "--trainer=true" })]
    [InlineData(new[] { "--trainer", "false", "--store", "x.db" }, new[] { "--trainer=false", "--store", "x.db" })]
    public void BareFlagsAreNotMistakenForOptionsWithValues(string[] args, string[] expected) =>
        Assert.Equal(expected, SiloCommandLine.Normalize(args));

    [Theory]
    [InlineData("data/sotopia.db", StoreKind.Sqlite)]
    [InlineData("Data Source=data/sotopia.db", StoreKind.Sqlite)]
    [InlineData("Host=db;Port=5432;Database=sotopia;Username=silo;Password=s3cr3t-pw", StoreKind.PostgreSql)]
    [InlineData("Server=db;Database=sotopia;Password=s3cr3t-pw", StoreKind.PostgreSql)]
    [InlineData("postgres://silo:s3cr3t-pw@db:5432/sotopia", StoreKind.PostgreSql)]
    public void TheStoreSettingPicksTheDatabaseAndNeverShowsThePassword(string setting, StoreKind kind)
    {
        var store = StoreConnection.Parse(setting);
        Assert.Equal(kind, store.Kind);
        Assert.DoesNotContain("s3cr3t-pw", store.ToString(), StringComparison.Ordinal);
        if (kind == StoreKind.Sqlite)
        {
            Assert.Equal(Path.GetFullPath("data/sotopia.db"), store.Value);
        }
        else
        {
            Assert.Contains("host=db", store.Description, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", "no store")]
    [InlineData("Foo=bar", "Host")]
    [InlineData("Data Source=x.db;Cache=Shared", "Cache")]
    public void BadStoreSettingsAreExplained(string setting, string expected)
    {
        var error = Assert.Throws<FormatException>(() => StoreConnection.Parse(setting));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnUnreachablePostgresStoreFailsWithoutShowingThePassword()
    {
        var error = await Assert.ThrowsAnyAsync<Npgsql.NpgsqlException>(() =>
            SotopiaStoreFactory.OpenAsync(StoreConnection.Parse("Host=127.0.0.1;Port=1;Database=x;Username=u;Password=secret-pw-123;Timeout=2"), TimeProvider.System));
        Assert.DoesNotContain("secret-pw-123", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urls", "http://0.0.0.0:0")]
    [InlineData("urls", "http://127.0.0.1:0;http://*:0")]
    [InlineData("http_ports", "8080")]
    [InlineData("Kestrel:Endpoints:api:Url", "http://[::]:0")]
    public async Task TheHostRefusesANonLoopbackAddressWithoutAToken(string key, string value)
    {
        using var folder = new TempDirectory("sotopia-refuse");
        var db = folder.Combine("sotopia.db");
        var error = await Assert.ThrowsAsync<SiloConfigurationException>(() => SiloHost.CreateAsync(
            ["--store", db],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = "", [key] = value });
            }));
        var problem = Assert.Single(error.Problems);
        Assert.Contains("SOTOPIA_API_TOKEN", problem, StringComparison.Ordinal);
        Assert.Contains("not loopback", problem, StringComparison.Ordinal);
        Assert.False(File.Exists(db), "the store must not be opened when the silo refuses to start");
    }

    [Fact]
    public async Task TheHostAcceptsANonLoopbackAddressWithAToken()
    {
        using var folder = new TempDirectory("sotopia-accept");
        await using var silo = await SiloHost.CreateAsync(
            ["--store", folder.Combine("sotopia.db"), "--urls", "http://0.0.0.0:0"],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = "a-long-enough-token-123" });
            });
        Assert.Equal("a-long-enough-token-123", silo.Settings.ApiToken);
        Assert.Equal(["http://0.0.0.0:0"], silo.Settings.ListenUrls);
        Assert.Equal(Path.Combine(folder.Path, "artifacts"), silo.Settings.ArtifactsRoot);
    }

    [Fact]
    public async Task TheSiloProcessRefusesAPublicAddressWithoutATokenAndSaysWhy()
    {
        using var folder = new TempDirectory("sotopia-refuse-process");
        var db = folder.Combine("sotopia.db");
        var (exit, output) = await DotnetProcess.RunAsync("SotopiaPi.Silo.dll", ["--store", db, "--urls", "http://0.0.0.0:0"]);
        Assert.True(exit == 2, $"expected exit code 2, got {exit}. Output:\n{output}");
        Assert.Contains("SOTOPIA_API_TOKEN", output, StringComparison.Ordinal);
        Assert.Contains("http://0.0.0.0:0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(db));
    }

    [Theory]
    [InlineData("http://127.0.0.1:18083#x", "has a path, query, fragment or user; a listen URL is scheme://host:port.")]
    [InlineData("http://127.0.0.1:18083x", "has an invalid port '18083x' (a number from 0 to 65535).")]
    [InlineData("http://127.0.0.1:18083?x", "has a path, query, fragment or user; a listen URL is scheme://host:port.")]
    [InlineData("http://127.0.0.1:18083/api", "has a path, query, fragment or user; a listen URL is scheme://host:port.")]
    [InlineData("http://127.0.0.1:99999", "has an invalid port '99999' (a number from 0 to 65535).")]
    [InlineData("127.0.0.1:18083", "is not an http:// or https:// URL.")]
    [InlineData("http://:8080", "has no valid host.")]
    public void AListenUrlKestrelWouldMisreadIsASettingsError(string url, string problem) =>
        Assert.Equal($"--urls: '{url}' {problem}", SiloHostSettings.ListenUrlProblem(url));

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080/")]
    [InlineData("https://[::1]:8443")]
    [InlineData("http://*:8080")]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://unix:/run/sotopia.sock")]
    public void WellFormedListenUrlsPass(string url) => Assert.Null(SiloHostSettings.ListenUrlProblem(url));

    [Fact]
    public async Task TheSiloProcessRefusesAMalformedLoopbackUrlInsteadOfBindingEveryInterface()
    {
        using var folder = new TempDirectory("sotopia-refuse-malformed");
        var db = folder.Combine("sotopia.db");
        var (exit, output) = await DotnetProcess.RunAsync("SotopiaPi.Silo.dll", ["--store", db, "--urls", "http://127.0.0.1:18083#x"]);
        Assert.True(exit == 2, $"expected exit code 2, got {exit}. Output:\n{output}");
        Assert.Contains("--urls: 'http://127.0.0.1:18083#x' has a path, query, fragment or user", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSiloProcessNeverPrintsTheToken()
    {
        using var folder = new TempDirectory("sotopia-token-process");
        const string ShortToken = "tiny-secret";
        var (exit, output) = await DotnetProcess.RunAsync(
            "SotopiaPi.Silo.dll", ["--store", folder.Combine("sotopia.db"), "--urls", "http://0.0.0.0:0"],
            new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = ShortToken });
        Assert.True(exit == 2, $"expected exit code 2, got {exit}. Output:\n{output}");
        Assert.Contains("at least 16 characters", output, StringComparison.Ordinal);
        Assert.DoesNotContain(ShortToken, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSiloProcessServesAndStopsGracefullyOnSigterm()
    {
        using var folder = new TempDirectory("sotopia-sigterm");
        const string Token = "sigterm-token-0123456789";
        using var silo = DotnetProcess.Start(
            "SotopiaPi.Silo.dll",
            ["--store", folder.Combine("sotopia.db"), "--urls", "http://127.0.0.1:0", "--trainer", "--shutdown-timeout", "00:00:20"],
            new Dictionary<string, string?> { ["SOTOPIA_API_TOKEN"] = Token, ["Silo__SiloId"] = "sigterm-silo" });
        var listening = await silo.WhenOutputContainsAsync("Now listening on:").WaitAsync(TimeSpan.FromMinutes(1));
        var url = ListeningUrl().Match(listening).Value;
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/silos")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        var silos = await http.GetStringAsync("/api/silos");
        Assert.Contains("\"id\":\"sigterm-silo\"", silos, StringComparison.Ordinal);

        silo.Terminate();
        var exit = await silo.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"expected a graceful exit (0) after SIGTERM, got {exit}. Output:\n{silo.Output}");
        Assert.Contains("sigterm-silo stopping", silo.Output, StringComparison.Ordinal);
        Assert.Contains("sigterm-silo stopped: it left the cluster", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, silo.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+")]
    private static partial Regex ListeningUrl();
}
