using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SotopiaPi.Bench;

/// <summary>An OpenAI-compatible chat-completions endpoint that answers every request after a fixed latency, run in
/// its own process (<c>SotopiaPi.Bench llm-server --latency 200</c>) so the benchmark's CPU figures are the silo's
/// alone. Agents speak for turns 0–4 and leave at turn 5; the judge gets a valid 7-dimension answer. Prints
/// <c>listening PORT</c> when ready and stops when its standard input closes.</summary>
internal static partial class LlmFakeEndpoint
{
    public static async Task<int> RunFromArgsAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--latency");
        var latency = TimeSpan.FromMilliseconds(i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 200);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxConcurrentConnections = null;
        });
        var app = builder.Build();
        var judge = JudgeAnswer();
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            var model = (string?)body?["model"] ?? "bench";
            var prompt = (string?)body?["messages"]?.AsArray().LastOrDefault()?["content"] ?? "";
            string content;
            if (prompt.Contains("agent_1_evaluation", StringComparison.Ordinal))
            {
                content = judge;
            }
            else
            {
                var match = TurnLine().Match(prompt);
                var turn = match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
                content = turn >= 5
                    ? """{"action_type":"leave","argument":""}"""
                    : $$"""{"action_type":"speak","argument":"This is point {{turn}}: I would like us to find an arrangement that works for both of us."}""";
            }
            await Task.Delay(latency, context.RequestAborted);
            var tokens = prompt.Length / 4;
            var answer = new JsonObject
            {
                ["id"] = "chatcmpl-bench",
                ["object"] = "chat.completion",
                ["created"] = 1_700_000_000,
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
                    ["finish_reason"] = "stop",
                }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["completion_tokens"] = content.Length / 4, ["total_tokens"] = tokens + (content.Length / 4) },
            };
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.ToJsonString());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"listening {new Uri(address).Port}");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    private static string JudgeAnswer()
    {
        var seat = new JsonObject();
        foreach (var (key, score) in new[] { ("believability", 8), ("relationship", 1), ("knowledge", 2), ("secret", 0), ("social_rules", 0), ("financial_and_material_benefits", 0), ("goal", 6) })
        {
            seat[key] = new JsonObject { ["reasoning"] = $"The participant's {key} is as described.", ["score"] = score };
        }
        return new JsonObject { ["agent_1_evaluation"] = seat.DeepClone(), ["agent_2_evaluation"] = seat }.ToJsonString(new JsonSerializerOptions());
    }

    [GeneratedRegex(@"You are at Turn #(\d+)\.", RegexOptions.CultureInvariant)]
    private static partial Regex TurnLine();
}
