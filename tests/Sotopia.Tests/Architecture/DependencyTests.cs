using System.Xml.Linq;

namespace SotopiaPi.Sotopia.Tests.Architecture;

/// <summary>ARCHITECTURE §1 as a test: each project under src/ may reference only the projects and packages listed
/// here, each with the reason it may. A new reference fails this test until it is added with its reason — and, when
/// it bends §1, the reason says why (docs/architecture.md lists the same exceptions).</summary>
public sealed class DependencyTests
{
    private static readonly Dictionary<string, Dictionary<string, string>> Allowed = new(StringComparer.Ordinal)
    {
        ["Grains.Interfaces"] = new(StringComparer.Ordinal)
        {
            ["Microsoft.Orleans.Sdk"] = "grain interfaces and serializers are generated for everything that crosses a grain boundary",
            ["Microsoft.Orleans.Serialization.SystemTextJson"] = "our records travel as JSON between grains (one codec, not two)",
        },
        ["Sotopia"] = new(StringComparer.Ordinal)
        {
            ["Grains.Interfaces"] = "domain records and store contracts",
            ["Microsoft.Extensions.Logging.Abstractions"] = "logging without a host",
            ["Microsoft.Extensions.AI"] = "the LLM call pipeline (IChatClient and its middleware)",
            ["Microsoft.Extensions.AI.OpenAI"] = "the pipeline's chat client over the OpenAI SDK",
            ["OpenAI"] = "the OpenAI SDK under the chat client (and its pipeline transport for the endpoint limiter)",
            ["Microsoft.Extensions.Resilience"] = "Polly retries and timeouts in the LLM pipeline",
            ["Microsoft.ML.Tokenizers"] = "token counts for budgets, cost and SFT truncation",
            ["Microsoft.ML.Tokenizers.Data.O200kBase"] = "o200k_base encoding data",
            ["Microsoft.ML.Tokenizers.Data.Cl100kBase"] = "cl100k_base encoding data",
            ["CsvHelper"] = "report CSV",
            ["MathNet.Numerics"] = "Student-t quantiles for confidence intervals",
            ["ScottPlot"] = "report and dashboard charts (one chart path)",
            ["SkiaSharp"] = "ScottPlot's renderer, pinned",
            ["SkiaSharp.NativeAssets.Linux.NoDependencies"] = "ScottPlot's renderer on Linux without fontconfig",
            ["HarfBuzzSharp.NativeAssets.Linux"] = "ScottPlot's text shaping on Linux",
            ["YamlDotNet"] = "YAML campaign specs and the LLM config file",
        },
        ["Grains"] = new(StringComparer.Ordinal)
        {
            ["Grains.Interfaces"] = "the interfaces the grains implement",
            ["Sotopia"] = "what each grain does",
            ["Microsoft.Orleans.Sdk"] = "grain classes",
            ["Microsoft.Orleans.Reminders"] = "the campaign's reminder",
            ["Microsoft.Extensions.Logging.Abstractions"] = "logging",
        },
        ["Storage"] = new(StringComparer.Ordinal)
        {
            ["Grains.Interfaces"] = "the store contracts it implements",
            ["Microsoft.Data.Sqlite"] = "the embedded store",
            ["Npgsql"] = "the cluster store",
            ["Microsoft.Orleans.Clustering.AdoNet"] = "Orleans membership on the store's PostgreSQL",
            ["Microsoft.Orleans.Reminders.AdoNet"] = "Orleans reminders on the store's PostgreSQL",
            ["Microsoft.Orleans.Clustering.AzureStorage"] = "the azure profile: Orleans membership on Azure Table",
            ["Microsoft.Orleans.Reminders.AzureStorage"] = "the azure profile: Orleans reminders on Azure Table",
            ["Microsoft.Orleans.Persistence.AzureStorage"] = "the azure profile: grain state on Azure Blob",
            ["Azure.Storage.Blobs"] = "the azure profile's artifact store",
            ["Azure.Identity"] = "the azure profile's DefaultAzureCredential sign-in",
            ["Microsoft.Extensions.Logging.Abstractions"] = "logging",
        },
        ["ServiceDefaults"] = new(StringComparer.Ordinal)
        {
            ["Sotopia"] = "our activity sources and meters",
            ["Microsoft.Extensions.Hosting"] = "the host builder it extends",
            ["OpenTelemetry.Extensions.Hosting"] = "one telemetry set-up for silo, trainer and console",
            ["OpenTelemetry.Exporter.OpenTelemetryProtocol"] = "OTLP export",
            ["OpenTelemetry.Instrumentation.Http"] = "HttpClient spans (LLM calls)",
            ["OpenTelemetry.Instrumentation.Runtime"] = "runtime metrics",
            ["Npgsql.OpenTelemetry"] = "SQL spans and metrics",
        },
        ["Silo"] = new(StringComparer.Ordinal)
        {
            ["Grains"] = "the grains it hosts",
            ["Storage"] = "the store and Orleans providers per profile",
            ["ServiceDefaults"] = "telemetry and health",
            ["Trainer"] = "exception to §1: `--trainer` hosts a trainer in the silo process for small clusters (issue 12 §6), through AddSotopiaTrainer only",
            ["Microsoft.Orleans.Server"] = "the silo",
            ["Microsoft.Orleans.Dashboard"] = "the Orleans dashboard under /orleans",
            ["Microsoft.Orleans.Hosting.Kubernetes"] = "Orleans' Kubernetes hosting, registered only inside Kubernetes",
            ["OpenTelemetry.Instrumentation.AspNetCore"] = "HTTP server spans of the API",
            ["OpenTelemetry.Exporter.Prometheus.AspNetCore"] = "the optional /metrics scrape endpoint",
            ["YamlDotNet"] = "YAML campaign specs posted to the API",
        },
        ["Trainer"] = new(StringComparer.Ordinal)
        {
            ["Grains.Interfaces"] = "the training queue and policy registry it calls",
            ["Sotopia"] = "SFT data and the simulator's trainer",
            ["Storage"] = "the artifact store and the store it opens from --store",
            ["ServiceDefaults"] = "telemetry",
            ["Microsoft.Extensions.Hosting"] = "its host",
            ["Microsoft.Orleans.Client"] = "it is an Orleans client",
            ["OpenAI"] = "the OpenAI fine-tuning backend",
        },
        ["Client"] = new(StringComparer.Ordinal)
        {
            ["Silo"] = "embedded mode hosts a silo through AddSotopiaSilo",
            ["Trainer"] = "embedded mode hosts a trainer through AddSotopiaTrainer",
            ["System.CommandLine"] = "the command line",
            ["Spectre.Console"] = "tables and progress",
            ["YamlDotNet"] = "YAML spec files",
        },
    };

    public static TheoryData<string> Projects() => [.. Allowed.Keys];

    [Theory]
    [MemberData(nameof(Projects))]
    public void EveryReferenceOfAProjectIsAllowedWithAReason(string project)
    {
        var references = References(project);
        var allowed = Allowed[project];

        var unexpected = references.Where(r => !allowed.ContainsKey(r)).ToList();

        Assert.True(unexpected.Count == 0,
            $"src/{project} references {string.Join(", ", unexpected)}, which ARCHITECTURE §1 does not allow (or this test does not list with a reason).");
    }

    [Fact]
    public void EveryProjectUnderSrcIsInTheTable()
    {
        var projects = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "src"))
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);

        Assert.Equal(Allowed.Keys.Order(StringComparer.Ordinal), projects);
    }

    [Fact]
    public void NoProjectButTheConsoleReferencesAHostProjectExceptTheSilosTrainerOption()
    {
        var hosts = new[] { "Silo", "Trainer", "Client" };
        var offenders = Allowed.Keys
            .SelectMany(p => References(p).Where(hosts.Contains).Select(r => (From: p, To: r)))
            .Where(e => e.From != "Client" && e != ("Silo", "Trainer"))
            .ToList();

        Assert.Empty(offenders);
    }

    private static IReadOnlyList<string> References(string project)
    {
        var path = Path.Combine(RepositoryRoot(), "src", project, project + ".csproj");
        var document = XDocument.Load(path);
        var projects = document.Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')));
        var packages = document.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value);
        return [.. projects.Concat(packages)];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SotopiaPi.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"SotopiaPi.sln not found above {AppContext.BaseDirectory}");
    }
}
