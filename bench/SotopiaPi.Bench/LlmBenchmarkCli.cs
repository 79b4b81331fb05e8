using System.Globalization;

namespace SotopiaPi.Bench;

/// <summary><c>dotnet run -c Release --project bench/SotopiaPi.Bench -- llm [--episodes 2000] [--cap 64,256]
/// [--latency 200]</c>: LLM call rate vs ideal, silo CPU per call, prompt prefix reuse. With <c>--silos 1,2,3
/// [--episodes-per-silo 300] [--cap 64]</c>: LLM-bound scaling over silos (<see cref="LlmScalingBenchmark"/>).</summary>
internal static class LlmBenchmarkCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var episodes = Read(args, "--episodes")?[0] ?? 2000;
        var caps = Read(args, "--cap") ?? [64, 256];
        var latency = TimeSpan.FromMilliseconds(Read(args, "--latency")?[0] ?? 200);
        if (Read(args, "--silos") is { } silos)
        {
            return await ScalingAsync(silos, Read(args, "--episodes-per-silo")?[0] ?? 300, Read(args, "--cap")?[0] ?? 64, latency);
        }
        Console.WriteLine($"# LLM episodes through the gateway against a fake endpoint answering after {latency.TotalMilliseconds:0} ms ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version})");
        Console.WriteLine();
        Console.WriteLine("| concurrent episodes | cap | calls | seconds | steady calls/s | ideal calls/s (cap / latency) | share of ideal | silo CPU ms/call | limit at end | throttles |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        LlmPrefixStats? prefix = null;
        foreach (var cap in caps)
        {
            var r = await LlmGatewayBenchmark.RunAsync(episodes, cap, latency);
            prefix = r.Prefix;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Episodes} | {r.Cap} | {r.Calls} | {r.Seconds:F1} | {r.SteadyCallsPerSecond:F0} | {r.IdealCallsPerSecond:F0} | {r.ShareOfIdeal:P1} | {r.CpuMsPerCall:F2} | {r.ConcurrencyLimitAtEnd} | {r.Throttles} |"));
        }
        if (prefix is not null)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Prompt prefix reuse over {prefix.Agents} agents ({prefix.Pairs} consecutive prompt pairs): mean {prefix.MeanShare:P2}, minimum {prefix.MinShare:P2} of a prompt is an exact prefix of the agent's next prompt; prompts average {prefix.MeanPromptTokens:F0} tokens (max {prefix.MaxPromptTokens:F0}, cl100k_base tokens)."));
        }
        return 0;
    }

    private static async Task<int> ScalingAsync(int[] silos, int episodesPerSilo, int cap, TimeSpan latency)
    {
        await using var server = await ClusterPostgres.StartAsync();
        using var endpoint = LlmGatewayBenchmark.StartServer(latency, out var port);
        try
        {
            Console.WriteLine($"# LLM-bound scaling: N silos (PostgreSQL membership, one process), each with its own gateway capped at {cap} calls, one fake endpoint answering after {latency.TotalMilliseconds:0} ms ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, .NET {Environment.Version})");
            Console.WriteLine();
            Console.WriteLine("| silos | episodes | calls | seconds | episodes/s | × one silo | per silo (completed) | load |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---|---:|");
            double? one = null;
            foreach (var n in silos)
            {
                var r = await LlmScalingBenchmark.RunAsync(server, port, n, episodesPerSilo, cap);
                one ??= r.EpisodesPerSecond / n;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Silos} | {r.Episodes} | {r.Calls} | {r.Seconds:F1} | {r.EpisodesPerSecond:F1} | {r.EpisodesPerSecond / one:F2} | {string.Join(" / ", r.PerSilo)} | {r.Load} |"));
            }
            return 0;
        }
        finally
        {
            await endpoint.StandardInput.DisposeAsync();
            if (!endpoint.WaitForExit(10_000))
            {
                endpoint.Kill();
            }
        }
    }

    private static int[]? Read(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i < 0 || i + 1 >= args.Length
            ? null
            : [.. args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
    }
}
