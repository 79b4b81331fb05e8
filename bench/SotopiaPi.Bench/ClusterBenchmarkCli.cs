using System.Globalization;

namespace SotopiaPi.Bench;

/// <summary><c>dotnet run -c Release --project bench/SotopiaPi.Bench -- cluster [--parts throughput,memory]
/// [--silos 1,2,3] [--episodes-per-silo 2000] [--concurrency 256] [--memory-episodes 10000] [--latency-ms 2000]
/// [--window-s 10]</c>: the PostgreSQL cluster benchmarks, printed as markdown. PostgreSQL comes from
/// <c>SOTOPIA_BENCH_POSTGRES</c> or a private server (see <see cref="ClusterPostgres"/>).</summary>
internal static class ClusterBenchmarkCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var parts = (Read(args, "--parts") ?? "throughput,memory").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var silos = ReadInts(args, "--silos") ?? [1, 2, 3];
        var perSilo = ReadInts(args, "--episodes-per-silo")?.Single() ?? 2000;
        var concurrency = ReadInts(args, "--concurrency")?.Single() ?? 256;
        var memoryEpisodes = ReadInts(args, "--memory-episodes")?.Single() ?? 10_000;
        var latency = TimeSpan.FromMilliseconds(ReadInts(args, "--latency-ms")?.Single() ?? 2000);
        var window = TimeSpan.FromSeconds(ReadInts(args, "--window-s")?.Single() ?? 10);

        await using var server = await ClusterPostgres.StartAsync();
        Console.WriteLine($"# Cluster benchmarks on PostgreSQL ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {server.Description}, load average at start {BenchSilo.LoadAverage()})");
        Console.WriteLine();

        if (parts.Contains("throughput"))
        {
            Console.WriteLine($"## Simulator episodes through PostgreSQL, N Orleans silos in this process (each its own store), {concurrency} episodes at once per silo");
            Console.WriteLine();
            Console.WriteLine("| silos | episodes | turns | seconds | episodes/s | episodes/s per silo | turns/s | per silo (completed) | peak RSS MB (all silos) | load |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|");
            foreach (var n in silos)
            {
                var r = await ClusterThroughputBenchmark.RunAsync(server, n, perSilo * n, concurrency);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Silos} | {r.Episodes} | {r.Turns} | {r.Seconds:F2} | {r.EpisodesPerSecond:F0} | {r.PerSiloPerSecond:F0} | {r.TurnsPerSecond:F0} | {string.Join(" / ", r.PerSilo)} | {r.PeakRssMb:F0} | {r.Load} |"));
            }
            Console.WriteLine();
        }

        if (parts.Contains("memory"))
        {
            Console.WriteLine($"## Memory per active episode: one silo, {memoryEpisodes} episodes in flight, {latency.TotalMilliseconds:F0} ms simulated model latency per decision");
            Console.WriteLine();
            var r = await ClusterMemoryBenchmark.RunAsync(server, memoryEpisodes, latency, window);
            Console.WriteLine("| episodes in flight | seconds until all active | RSS before start MB | peak RSS MB | RSS per episode KB | managed heap MB | writes committed in the window | load |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.PeakActive} | {r.SecondsToAllActive:F1} | {r.BaselineRssMb:F0} | {r.PeakRssMb:F0} | {r.KbPerEpisode:F1} | {r.ManagedHeapMb:F0} | {r.WritesInWindow} ({window.TotalSeconds:F0} s) | {r.Load} |"));
            Console.WriteLine();
        }
        return 0;
    }

    private static string? Read(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i < 0 || i + 1 >= args.Length ? null : args[i + 1];
    }

    private static int[]? ReadInts(string[] args, string name) =>
        Read(args, name)?.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
}
