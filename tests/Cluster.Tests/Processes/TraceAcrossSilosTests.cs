using System.Text.Json.Nodes;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using Xunit.Abstractions;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>The service defaults on real processes: two silo processes on PostgreSQL with the LLM backend on the fake
/// OpenAI server export traces, metrics and logs with OTLP/HTTP (only the standard OTEL_* variables set) to a receiver
/// in this test (the trainer process too). One episode's trace runs campaign round (one silo) → episode (the other silo) → agent grain call →
/// LLM call → HTTP → the store's SQL, and Orleans' metrics arrive from both silos.</summary>
[Collection(PostgresServerCollection.Name)]
public sealed class TraceAcrossSilosTests(PostgresServerFixture server, ITestOutputHelper output)
{
    private const string CampaignId = "trace-test";

    /// <summary>Evaluation only (no training): the base policy and the expert against the partner on the hard set,
    /// one pair per scenario, both seats, every turn and the judge on the fake server.</summary>
    private const string Spec = """
        {"name": "trace-test", "mode": "eval", "backend": "llm", "dataset": "DATASET", "evaluation_pairs_per_scenario": 1, "seed": 5}
        """;

    [Fact]
    public async Task OneEpisodesTraceSpansTwoSilosFromCampaignToStoreAndOrleansMetricsArrive()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var models = await FakeOpenAiServer.StartAsync();
        models.Respond(Answer);
        await using var run = await ClusterTestRun.StartAsync(server, silos: 2, scenarioCopies: 1, new Dictionary<string, string>
        {
            ["SOTOPIA_BACKEND"] = "llm",
            ["OPENAI_BASE_URL"] = models.BaseUrl.ToString(),
            ["OPENAI_API_KEY"] = "sk-test-0123456789abcdef0123456789abcdef",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        await run.StartCampaignAsync(CampaignId, Spec.Replace("DATASET", run.DatasetPath.Replace("\\", "/", StringComparison.Ordinal), StringComparison.Ordinal));
        await run.WaitForCompletionAsync(CampaignId, TimeSpan.FromMinutes(3));
        var silos = run.Silos.Select(s => s.Id).ToHashSet();

        // The episode spans end before the campaign completes; wait until one of them has the whole chain.
        Chain? chain = null;
        await receiver.WaitForAsync(() => (chain = FindChain(receiver.Spans(), silos)) is not null,
            "an episode trace from a campaign round on one silo through an episode on the other, an agent grain call, an LLM call and SQL", TimeSpan.FromMinutes(1));
        output.WriteLine($"trace {chain!.Round.TraceId}: round on {chain.Round.ServiceInstance}, episode {chain.Episode.Attributes["sotopia.episode.id"]} on {chain.Episode.ServiceInstance}, " +
            $"agent call '{chain.Agent.Name}', LLM call '{chain.Llm.Name}' → '{chain.Http.Name}', SQL '{chain.Sql.Name}'");
        Assert.NotEqual(chain.Round.ServiceInstance, chain.Episode.ServiceInstance);
        Assert.Equal(chain.Round.SpanId, chain.Episode.ParentSpanId);
        Assert.All(new[] { chain.Episode, chain.Agent, chain.Llm, chain.Http, chain.Sql }, s => Assert.Equal(chain.Round.TraceId, s.TraceId));

        await receiver.WaitForAsync(() => silos.All(id => receiver.Metrics().Any(m => m.Scope == "Microsoft.Orleans" && m.ServiceInstance == id)),
            "Orleans metrics (meter Microsoft.Orleans) from both silos", TimeSpan.FromMinutes(1));
        var orleans = receiver.Metrics().Where(m => m.Scope == "Microsoft.Orleans").Select(m => m.Name).Distinct().Order().ToList();
        output.WriteLine($"Orleans metrics: {string.Join(", ", orleans)}");
        Assert.Contains(orleans, n => n.StartsWith("orleans-", StringComparison.Ordinal));
        Assert.Contains(receiver.Metrics(), m => m.Scope == "SotopiaPi" && m.ServiceInstance is { } id && silos.Contains(id));
        Assert.Contains(receiver.Requests, r => r.Path == "/v1/logs");
        // The trainer process (an Orleans client) exports through the same service defaults.
        await receiver.WaitForAsync(() => receiver.Metrics().Any(m => m.Resource.GetValueOrDefault("service.name") == "sotopia-trainer" && m.ServiceInstance == "trainer-1"),
            "metrics of the trainer process (service sotopia-trainer, instance trainer-1)", TimeSpan.FromMinutes(1));
        Assert.All(receiver.Requests, r => Assert.Equal("application/x-protobuf", r.ContentType));
    }

    private sealed record Chain(OtlpSpan Round, OtlpSpan Episode, OtlpSpan Agent, OtlpSpan Llm, OtlpSpan Http, OtlpSpan Sql);

    private static Chain? FindChain(IReadOnlyList<OtlpSpan> spans, IReadOnlySet<string> silos)
    {
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        bool Under(OtlpSpan span, OtlpSpan ancestor)
        {
            for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
            {
                if (parent.SpanId == ancestor.SpanId)
                {
                    return true;
                }
            }
            return false;
        }
        foreach (var episode in spans.Where(s => s.Name == "sotopia.episode" && s.ServiceInstance is { } id && silos.Contains(id)))
        {
            if (!byId.TryGetValue(episode.ParentSpanId, out var round) || !round.Name.StartsWith("sotopia.campaign.round", StringComparison.Ordinal)
                || round.ServiceInstance == episode.ServiceInstance || round.ServiceInstance is not { } roundSilo || !silos.Contains(roundSilo))
            {
                continue;
            }
            var trace = spans.Where(s => s.TraceId == episode.TraceId && Under(s, episode)).ToList();
            var agent = trace.FirstOrDefault(s => s.Scope == "Microsoft.Orleans.Application" && s.Name.Contains("IAgentGrain/", StringComparison.Ordinal));
            var llm = agent is null ? null : trace.FirstOrDefault(s => s.Name == "sotopia.llm.call" && Under(s, agent));
            var http = llm is null ? null : trace.FirstOrDefault(s => s.Scope == "System.Net.Http" && Under(s, llm));
            var sql = trace.FirstOrDefault(s => s.Scope == "Npgsql");
            if (agent is not null && llm is not null && http is not null && sql is not null)
            {
                return new Chain(round, episode, agent, llm, http, sql);
            }
        }
        return null;
    }

    /// <summary>Agents speak three turns and leave; the judge scores both seats on the 7 dimensions.</summary>
    private static FakeOpenAiReply Answer(FakeOpenAiRequest request)
    {
        if (request.Prompt.Contains("agent_1_evaluation", StringComparison.Ordinal))
        {
            JsonObject Seat()
            {
                var seat = new JsonObject();
                foreach (var info in DimensionInfo.All)
                {
                    var score = info.Dimension switch { SotopiaDimension.Goal => 6, SotopiaDimension.Believability => 7, _ => 0 };
                    seat[info.Key] = new JsonObject { ["reasoning"] = "fine", ["score"] = score };
                }
                return seat;
            }
            return new FakeOpenAiReply { Content = new JsonObject { ["agent_1_evaluation"] = Seat(), ["agent_2_evaluation"] = Seat() }.ToJsonString(), CachedTokens = 0 };
        }
        var leave = request.Prompt.Contains("You are at Turn #3.", StringComparison.Ordinal) || request.Prompt.Contains("You are at Turn #4.", StringComparison.Ordinal);
        return new FakeOpenAiReply
        {
            Content = leave ? """{"action_type": "leave", "argument": ""}""" : """{"action_type": "speak", "argument": "Let us settle this."}""",
            CachedTokens = 0,
        };
    }
}
