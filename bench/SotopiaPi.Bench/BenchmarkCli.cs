using System.Globalization;

namespace SotopiaPi.Bench;

/// <summary>Entry point: <c>dotnet run -c Release --project bench/SotopiaPi.Bench -- episodes [--concurrency 1,100,2000] [--episodes N]</c>,
/// or <c>… -- cluster [options]</c> (see <see cref="ClusterBenchmarkCli"/>).</summary>
internal static class BenchmarkCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var which = args.FirstOrDefault() ?? "episodes";
        var concurrency = ReadList(args, "--concurrency") ?? [1, 100, 2000];
        var episodeCount = ReadList(args, "--episodes")?.FirstOrDefault();
        switch (which)
        {
            case "episodes":
                Console.WriteLine($"# Simulator episodes through the grain runtime on SQLite ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version})");
                Console.WriteLine();
                Console.WriteLine("| concurrent episodes | episodes | turns | seconds | episodes/s | turns/s | peak RSS MB | managed heap MB |");
                Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var c in concurrency)
                {
                    var result = await EpisodeThroughputBenchmark.RunAsync(c, episodes: episodeCount ?? (c == 1 ? 300 : Math.Max(3000, c * 3)));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {c} | {result.Episodes} | {result.Turns} | {result.Seconds:F2} | {result.EpisodesPerSecond:F0} | {result.TurnsPerSecond:F0} | {result.PeakRssMb:F0} | {result.ManagedHeapMb:F0} |"));
                }
                return 0;
            case "cluster":
                return await ClusterBenchmarkCli.RunAsync(args);
            case "llm":
                return await LlmBenchmarkCli.RunAsync(args);
            case "listing":
                return await ListingBenchmarkCli.RunAsync(args);
            case "llm-server":
                return await LlmFakeEndpoint.RunFromArgsAsync(args);
            default:
                Console.Error.WriteLine($"Unknown benchmark '{which}'. Known: episodes, cluster, llm, listing.");
                return 2;
        }
    }

    private static int[]? ReadList(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i < 0 || i + 1 >= args.Length
            ? null
            : [.. args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
    }
}
