using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Plays N LLM episodes at once through an in-process Orleans silo (episode and agent grains, durable turns,
/// the LLM judge) against
/// the fake endpoint (<see cref="LlmFakeEndpoint"/>, its own process) that answers after a fixed latency, with every
/// role on one endpoint and model, so one limiter with concurrency cap C governs all calls. Measures the call rate in
/// the steady middle of the run (10%–90% of calls) against the ideal C / latency, the silo's CPU time per call, and the
/// share of each agent prompt that is an exact prefix of the same agent's next prompt.</summary>
internal static class LlmGatewayBenchmark
{
    public sealed record Result(
        int Episodes, int Cap, TimeSpan Latency, long Calls, double Seconds, double SteadyCallsPerSecond, double CpuMsPerCall,
        int ConcurrencyLimitAtEnd, long Throttles, LlmPrefixStats Prefix)
    {
        public double IdealCallsPerSecond => Cap / Latency.TotalSeconds;

        public double ShareOfIdeal => SteadyCallsPerSecond / IdealCallsPerSecond;
    }

    public static async Task<Result> RunAsync(int episodes, int cap, TimeSpan latency)
    {
        var home = Path.Combine(Path.GetTempPath(), $"sotopia-llm-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        using var server = StartServer(latency, out var port);
        try
        {
            await using var store = await SqliteSotopiaStore.OpenAsync(Path.Combine(home, "sotopia.db"));
            await store.MigrateAsync();
            var dataset = SotopiaDataLoader.Load(DatasetLocator.StarterPath).Dataset;
            var records = await BenchSilo.CreateEpisodesAsync(store, episodes, "bench-model");

            var (settings, environment) = Settings(port, cap);
            var counter = new CountingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            var gateway = new LlmGateway(settings, TimeProvider.System, NullLogger<LlmGateway>.Instance,
                environment: name => environment.GetValueOrDefault(name), handler: counter, jitterSeed: 1);

            await using var silo = await BenchSilo.StartAsync("llm-bench-silo", store, Path.Combine(home, "artifacts"), episodes, null,
                TimeSpan.Zero, $"llm-bench-{Guid.NewGuid():N}", services =>
                {
                    services.AddSingleton(gateway);
                    services.AddSotopiaLlmBackend(settings);
                });
            GC.Collect();
            var process = Process.GetCurrentProcess();
            var samples = new List<(double Seconds, long Calls, TimeSpan Cpu)>();
            var stopwatch = Stopwatch.StartNew();
            var starting = BenchSilo.StartEpisodesAsync(silo, [silo], [.. records.Select(r => r.Id)]);
            // Sampling every 100 ms: a benchmark, not a test.
            while (silo.Slots.Completed + silo.Slots.Failed < episodes)
            {
                process.Refresh();
                samples.Add((stopwatch.Elapsed.TotalSeconds, counter.Completed, process.TotalProcessorTime));
                await Task.Delay(100);
            }
            process.Refresh();
            samples.Add((stopwatch.Elapsed.TotalSeconds, counter.Completed, process.TotalProcessorTime));
            stopwatch.Stop();
            await starting;
            if (silo.Slots.Failed > 0)
            {
                throw new InvalidOperationException($"{silo.Slots.Failed} LLM episodes failed");
            }
            var limiter = gateway.GetLimiter(AgentRoles.Expert);

            var total = counter.Completed;
            var start = samples.First(s => s.Calls >= total * 0.1);
            var end = samples.First(s => s.Calls >= total * 0.9);
            var rate = (end.Calls - start.Calls) / (end.Seconds - start.Seconds);
            var cpuPerCall = (end.Cpu - start.Cpu).TotalMilliseconds / (end.Calls - start.Calls);
            var prefix = await LlmPrefixStats.MeasureAsync(store, dataset, records.Take(200).ToList());
            return new Result(episodes, cap, latency, total, stopwatch.Elapsed.TotalSeconds, rate, cpuPerCall, limiter.ConcurrencyLimit, limiter.Throttles, prefix);
        }
        finally
        {
            await server.StandardInput.DisposeAsync();
            if (!server.WaitForExit(10_000))
            {
                server.Kill();
            }
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // Leave it for the OS.
            }
        }
    }

    /// <summary>LLM settings with every role on the fake endpoint at <paramref name="port"/>, one model, concurrency cap
    /// <paramref name="cap"/>; and the environment they read (the key).</summary>
    internal static (LlmSettings Settings, Dictionary<string, string> Environment) Settings(int port, int cap)
    {
        var environment = new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = $"http://127.0.0.1:{port}/v1",
            ["SOTOPIA_LLM_DEFAULTS_MODEL"] = "bench-model",
            ["SOTOPIA_LLM_DEFAULTS_API_KEY_ENV"] = "SOTOPIA_BENCH_KEY",
            ["SOTOPIA_LLM_DEFAULTS_MAX_CONCURRENCY"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SOTOPIA_LLM_DEFAULTS_TIMEOUT"] = "120s",
            ["SOTOPIA_BENCH_KEY"] = "sk-bench",
        };
        return (LlmConfigLoader.Load(null, name => environment.GetValueOrDefault(name)), environment);
    }

    internal static Process StartServer(TimeSpan latency, out int port)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(LlmGatewayBenchmark).Assembly.Location);
        info.ArgumentList.Add("llm-server");
        info.ArgumentList.Add("--latency");
        info.ArgumentList.Add(((int)latency.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the fake endpoint");
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the fake endpoint exited before listening");
        port = int.Parse(line["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        return process;
    }

    internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private long _completed;

        public long Completed => Interlocked.Read(ref _completed);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _completed);
            return response;
        }
    }
}
