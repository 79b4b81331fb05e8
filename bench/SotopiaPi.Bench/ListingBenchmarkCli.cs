using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary><c>dotnet run -c Release --project bench/SotopiaPi.Bench -- listing [--stores sqlite,postgres]
/// [--episodes 100000] [--repeats 5]</c>: <see cref="ListingBenchmark"/> on a temporary SQLite file and/or a new
/// database on PostgreSQL (<c>SOTOPIA_BENCH_POSTGRES</c> or a private server, see <see cref="ClusterPostgres"/>).</summary>
internal static class ListingBenchmarkCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var stores = (Read(args, "--stores") ?? "sqlite").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var episodes = int.Parse(Read(args, "--episodes") ?? "100000", CultureInfo.InvariantCulture);
        var repeats = int.Parse(Read(args, "--repeats") ?? "5", CultureInfo.InvariantCulture);
        foreach (var kind in stores)
        {
            switch (kind)
            {
                case "sqlite":
                {
                    var folder = Directory.CreateTempSubdirectory("sotopia-bench-listing-");
                    try
                    {
                        var path = Path.Combine(folder.FullName, "sotopia.db");
                        var result = await ListingBenchmark.RunAsync(path, async () => await SqliteSotopiaStore.OpenAsync(path), episodes, repeats);
                        Print($"SQLite ({new FileInfo(path).Length / 1_000_000} MB file)", episodes, repeats, result);
                    }
                    finally
                    {
                        folder.Delete(recursive: true);
                    }
                    break;
                }
                case "postgres":
                {
                    await using var server = await ClusterPostgres.StartAsync();
                    var database = await server.CreateDatabaseAsync();
                    try
                    {
                        var result = await ListingBenchmark.RunAsync(database, async () => await PostgresSotopiaStore.OpenAsync(database), episodes, repeats);
                        Print(server.Description, episodes, repeats, result);
                    }
                    finally
                    {
                        await server.DropDatabaseAsync(database);
                    }
                    break;
                }
                default:
                    Console.Error.WriteLine($"Unknown store '{kind}'. Known: sqlite, postgres.");
                    return 2;
            }
        }
        return 0;
    }

    private static void Print(string store, int episodes, int repeats, (double FillSeconds, List<ListingBenchmark.Timing> Timings) result)
    {
        Console.WriteLine($"# Read API at {episodes:N0} finished episodes on {store} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load {Load()})");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Filled in {result.FillSeconds:F1} s. First request and median of {repeats} repeats, ms (HTTP on loopback, body read):"));
        Console.WriteLine();
        Console.WriteLine("| request | first ms | median ms | items | note |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        foreach (var t in result.Timings)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {t.What} | {t.FirstMs:F0} | {t.MedianMs:F1} | {t.Items} | {t.Note} |"));
        }
        Console.WriteLine();
    }

    private static string Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string? Read(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i < 0 || i + 1 >= args.Length ? null : args[i + 1];
    }
}
