using SotopiaPi.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Telemetry;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.Storage.Azure;
using SotopiaPi.Trainer.Hosting;
using SotopiaPi.Trainer.Options;

namespace SotopiaPi.Trainer;

/// <summary>The trainer process, an Orleans client of the silos: <c>dotnet SotopiaPi.Trainer.dll --store … --artifacts …</c>
/// (see <see cref="TrainerCommandLine.Usage"/> and docs/trainer.md). It finds the cluster through the store: with a
/// PostgreSQL store, the silos' membership table lists their gateways; with a SQLite file (one local silo), it
/// connects to 127.0.0.1 on <c>Silo:GatewayPort</c> (default 30000). Exit codes: 0 stopped normally (SIGTERM,
/// Ctrl+C); 2 bad command line or settings; 1 the store could not be opened or the host failed.</summary>
public static partial class TrainerProgram
{
    public static async Task<int> Main(string[] args)
    {
        TrainerCommandLine commandLine;
        try
        {
            commandLine = TrainerCommandLine.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}\n\n{TrainerCommandLine.Usage}");
            return 2;
        }
        if (commandLine.Help)
        {
            await Console.Out.WriteLineAsync(TrainerCommandLine.Usage);
            return 0;
        }

        var configuration = new ConfigurationManager();
        var configFile = commandLine.ConfigFile ?? Environment.GetEnvironmentVariable("SOTOPIA_TRAINER_CONFIG");
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
            {
                await Console.Error.WriteLineAsync($"error: the config file '{Path.GetFullPath(configFile)}' does not exist.");
                return 2;
            }
            configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine([.. commandLine.ConfigurationArguments]);

        var storeSetting = commandLine.Store ?? configuration["SOTOPIA_STORE"];
        var artifactsSetting = commandLine.Artifacts ?? configuration["SOTOPIA_ARTIFACTS"];
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(storeSetting))
        {
            missing.Add("--store (or SOTOPIA_STORE)");
        }
        if (string.IsNullOrWhiteSpace(artifactsSetting))
        {
            missing.Add("--artifacts (or SOTOPIA_ARTIFACTS)");
        }
        // Traces, metrics and logs go out over OTLP only when the standard OTEL_EXPORTER_OTLP_* variables are set.
        if (ServiceDefaultsExtensions.TelemetryProblems(configuration) is { Count: > 0 } telemetryProblems)
        {
            await Console.Error.WriteLineAsync("error: invalid telemetry settings:\n  " + string.Join("\n  ", telemetryProblems));
            return 2;
        }
        var azureProblems = new List<string>();
        var azure = TrainerProfile.ReadAzure(configuration, azureProblems);
        if (azureProblems.Count > 0)
        {
            await Console.Error.WriteLineAsync("error: invalid settings:\n  " + string.Join("\n  ", azureProblems));
            return 2;
        }
        if (missing.Count > 0)
        {
            await Console.Error.WriteLineAsync($"error: missing {string.Join(" and ", missing)}.\n\n{TrainerCommandLine.Usage}");
            return 2;
        }
        var backends = commandLine.Backends
            ?? (configuration["SOTOPIA_TRAINER_BACKENDS"] is { Length: > 0 } list ? TrainerCommandLine.SplitList(list) : null);

        ISotopiaStore store;
        try
        {
            store = await TrainerStoreFactory.OpenAsync(storeSetting!, TimeProvider.System, CancellationToken.None);
        }
        catch (Exception ex) when (ex is NotSupportedException or IOException or UnauthorizedAccessException or InvalidOperationException
            or System.Data.Common.DbException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"error: could not open the store ({TrainerStoreFactory.Describe(storeSetting!)}): {ex.Message}");
            return 1;
        }

        await using (store)
        {
            IArtifactStore artifacts;
            try
            {
                artifacts = azure is null
                    ? new FileArtifactStore(artifactsSetting!)
                    : await BlobArtifactStore.OpenAsync(azure.CreateBlobServiceClient().GetBlobContainerClient(azure.ArtifactsContainer), artifactsSetting!);
            }
            catch (global::Azure.RequestFailedException ex)
            {
                await Console.Error.WriteLineAsync($"error: could not open the artifact container {azure!.ArtifactsContainer} on {azure.Describe()}: {ex.Status} {ex.ErrorCode}");
                return 1;
            }
            using var host = BuildHost(configuration, store, artifacts, commandLine, backends);
            var options = host.Services.GetRequiredService<IOptions<TrainerOptions>>();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SotopiaPi.Trainer");
            try
            {
                var o = options.Value;
                LogConfiguration(logger, o.TrainerId, TrainerStoreFactory.Describe(storeSetting!),
                    artifacts is BlobArtifactStore blob ? $"{blob.ContainerUri} (local copies in {blob.Root})" : artifacts.Root,
                    o.Backends.Count == 0 ? "all" : string.Join(", ", o.Backends),
                    o.OpenAI.ApiKeyVariable, Environment.GetEnvironmentVariable(o.OpenAI.ApiKeyVariable) is { Length: > 0 } ? "set" : "not set",
                    o.External.VllmServers.Count == 0 ? "none" : string.Join(", ", o.External.VllmServers));
                await host.RunAsync();
                return 0;
            }
            catch (OptionsValidationException ex)
            {
                await Console.Error.WriteLineAsync("error: invalid settings:\n  " + string.Join("\n  ", ex.Failures));
                return 2;
            }
        }
    }

    /// <summary>The trainer host over an opened store: configuration-bound options, console logging (one line
    /// per entry, UTC timestamps), the trainer service and its backends.</summary>
    public static IHost BuildHost(
        IConfiguration configuration, ISotopiaStore store, IArtifactStore artifacts, TrainerCommandLine commandLine, IReadOnlyList<string>? backends)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(artifacts);
        builder.AddServiceDefaults("sotopia-trainer", sp => sp.GetService<IOptions<TrainerOptions>>()?.Value.TrainerId);
        var storeSetting = commandLine.Store ?? configuration["SOTOPIA_STORE"]!;
        builder.UseOrleansClient(client => TrainerCluster.Configure(client, storeSetting, configuration));
        builder.Services.AddSotopiaTrainer(configuration, o =>
        {
            if (commandLine.TrainerId is { Length: > 0 } id)
            {
                o.TrainerId = id;
            }
            if (backends is not null)
            {
                o.Backends = [.. backends];
            }
        });
        return builder.Build();
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information,
        Message = "Trainer {TrainerId}: store {Store}, artifacts {Artifacts}, backends {Backends}; OpenAI key variable {KeyVariable} is {KeySet}; vLLM servers: {Servers}")]
    private static partial void LogConfiguration(
        ILogger logger, string trainerId, string store, string artifacts, string backends, string keyVariable, string keySet, string servers);
}
