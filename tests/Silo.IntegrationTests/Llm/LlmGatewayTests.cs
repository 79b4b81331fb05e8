using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>The gateway against the fake OpenAI-compatible server through the real OpenAI SDK: structured output and
/// its fallback, usage, retries on 429/5xx/timeouts honouring the endpoint's waits, non-retryable errors, and keys.</summary>
public sealed class LlmGatewayTests
{
    private static readonly LlmResponseSchema Schema = LlmAgentPolicy.Schema;

    [Fact]
    public async Task StructuredAnswerCarriesUsageWithCachedTokensAndTheRoleSettings()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(new FakeOpenAiReply { Content = """{"action_type":"speak","argument":"hi"}""", Model = "gpt-4o-2024-08-06", PromptTokens = 1200, CompletionTokens = 12, CachedTokens = 1024 });
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Judge, "judge this") { Schema = Schema });

        Assert.Equal("""{"action_type":"speak","argument":"hi"}""", answer.Text);
        Assert.True(answer.Structured);
        Assert.Equal(new CallUsage("gpt-4o-2024-08-06", 1200, 12, 1024, answer.Usage.Latency), answer.Usage);
        Assert.True(answer.Usage.Latency > TimeSpan.Zero);
        var request = Assert.Single(server.Requests);
        Assert.Equal("gpt-4o", request.Model);
        Assert.Equal("judge this", request.Prompt);
        Assert.Equal("json_schema", request.ResponseFormat);
        Assert.Equal("sotopia_action", request.SchemaName);
        Assert.Equal(0.0, request.Temperature);
        Assert.Equal(4096, request.MaxTokens);
        Assert.Equal($"Bearer {LlmTestSettings.Key}", request.Authorization);
    }

    [Fact]
    public async Task RejectedResponseFormatFallsBackToPlainJsonAndIsRememberedPerEndpoint()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(r => r.ResponseFormat is not null
            ? FakeOpenAiReply.Error(400, "response_format of type json_schema is not supported by this model")
            : FakeOpenAiReply.Answer("""{"action_type":"none","argument":""}"""));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var first = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "a") { Schema = Schema });
        var second = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "b") { Schema = Schema });

        Assert.False(first.Structured);
        Assert.False(second.Structured);
        Assert.Equal(1, first.Attempts);
        Assert.Equal([("json_schema", 400), (null, 200), (null, 200)], server.Requests.Select(r => (r.ResponseFormat, r.Status ?? 0)));
    }

    [Fact]
    public async Task StructuredOutputsOnTurnsARejectionIntoAnError()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(_ => FakeOpenAiReply.Error(400, "Invalid parameter: response_format"));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl, r => r with { StructuredOutputs = StructuredOutputMode.On }));

        var error = await Assert.ThrowsAsync<LlmCallException>(() => gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "a") { Schema = Schema }));

        Assert.Contains("structured_outputs: on", error.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task OffModeNeverSendsResponseFormat()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl, r => r with { StructuredOutputs = StructuredOutputMode.Off }));

        var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Expert, "a") { Schema = Schema });

        Assert.False(answer.Structured);
        Assert.Null(Assert.Single(server.Requests).ResponseFormat);
    }

    [Fact]
    public async Task TooManyRequestsWaitsAtLeastRetryAfterMs()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeOpenAiReply.Error(429, "Rate limit reached", ("retry-after-ms", "400")));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "a"));

        Assert.Equal(2, answer.Attempts);
        var requests = server.Requests;
        Assert.Equal(429, requests[0].Status);
        var waited = requests[1].ArrivedAt - requests[0].AnsweredAt!.Value;
        Assert.True(waited >= TimeSpan.FromMilliseconds(400), $"the retry came {waited.TotalMilliseconds} ms after the 429 that asked for 400 ms");
        Assert.Equal(1, gateway.GetLimiter(AgentRoles.Partner).Throttles);
    }

    [Fact]
    public async Task TooManyRequestsWaitsAtLeastRetryAfterSeconds()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeOpenAiReply.Error(429, "Rate limit reached", ("retry-after", "1")));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "a"));

        var requests = server.Requests;
        var waited = requests[1].ArrivedAt - requests[0].AnsweredAt!.Value;
        Assert.True(waited >= TimeSpan.FromSeconds(1), $"the retry came {waited.TotalMilliseconds} ms after a 429 with retry-after: 1");
    }

    [Fact]
    public async Task ExhaustedRateLimitHeadersPauseTheNextCall()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeOpenAiReply.Answer("{}").WithHeaders(("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "300ms"), ("x-ratelimit-limit-requests", "6000")));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var first = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "a"));
        await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "b"));

        Assert.Equal("0", first.RateLimitHeaders["x-ratelimit-remaining-requests"]);
        var requests = server.Requests;
        var waited = requests[1].ArrivedAt - requests[0].AnsweredAt!.Value;
        Assert.True(waited >= TimeSpan.FromMilliseconds(300), $"the next call came {waited.TotalMilliseconds} ms after remaining-requests 0 with reset 300ms");
        Assert.Equal(6000, gateway.GetLimiter(AgentRoles.Partner).RequestsPerMinute!.Value, 3);
    }

    [Fact]
    public async Task ServerErrorsAreRetriedUntilAnAnswer()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeOpenAiReply.Error(500, "boom"), FakeOpenAiReply.Error(503, "overloaded"));
        server.Respond(_ => FakeOpenAiReply.Answer("ok"));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Expert, "a"));

        Assert.Equal("ok", answer.Text);
        Assert.Equal(3, answer.Attempts);
        Assert.Equal([500, 503, 200], server.Requests.Select(r => r.Status ?? 0));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(409)]
    [InlineData(502)]
    public async Task RetryableStatusesAreRetried(int status)
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeOpenAiReply.Error(status, "try again"));
        server.Respond(_ => FakeOpenAiReply.Answer("ok"));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Expert, "a"));

        Assert.Equal(2, answer.Attempts);
    }

    [Fact]
    public async Task PersistentServerErrorsGiveUpAfterTheConfiguredAttempts()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(_ => FakeOpenAiReply.Error(500, "the model crashed"));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl, maxAttempts: 3));

        var error = await Assert.ThrowsAsync<LlmCallException>(() => gateway.CompleteAsync(new LlmRequest(AgentRoles.Expert, "a") { Purpose = "turn" }));

        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(500, error.Status);
        Assert.True(error.Retryable);
        Assert.Contains("expert call (turn) to 127.0.0.1", error.Message);
        Assert.Contains("gave up after 3 attempts", error.Message);
        Assert.Contains("HTTP 500 the model crashed", error.Message);
    }

    [Theory]
    [InlineData(400, "bad request")]
    [InlineData(404, "The model `nope` does not exist")]
    public async Task ClientErrorsFailAtOnce(int status, string message)
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(_ => FakeOpenAiReply.Error(status, message));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var error = await Assert.ThrowsAsync<LlmCallException>(() => gateway.CompleteAsync(new LlmRequest(AgentRoles.Expert, "a")));

        Assert.Single(server.Requests);
        Assert.Equal(status, error.Status);
        Assert.False(error.Retryable);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task SlowAnswerTimesOutAndIsRetried()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Enqueue(FakeOpenAiReply.Answer("late") with { Delay = TimeSpan.FromSeconds(30) });
        server.Respond(_ => FakeOpenAiReply.Answer("fast"));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl, r => r with { Timeout = TimeSpan.FromMilliseconds(500) }));

        var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, "a"));

        Assert.Equal("fast", answer.Text);
        Assert.Equal(2, answer.Attempts);
    }

    [Fact]
    public async Task AnAnswerWithoutUsageIsEstimated()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        // " world" and " hello" are one token each in o200k_base, the encoding of the partner's gpt-4o-mini.
        server.Enqueue(new FakeOpenAiReply { Content = string.Concat(Enumerable.Repeat(" world", 10)), OmitUsage = true });
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, string.Concat(Enumerable.Repeat(" hello", 100))));

        Assert.Equal((100, 10, 0), (answer.Usage.PromptTokens, answer.Usage.CompletionTokens, answer.Usage.CachedTokens));
    }

    [Fact]
    public async Task TheKeyNeverAppearsInLogsOrErrors()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var masked = $"{LlmTestSettings.Key[..7]}****{LlmTestSettings.Key[^4..]}";
        server.Enqueue(FakeOpenAiReply.Error(500, $"upstream saw Authorization: Bearer {LlmTestSettings.Key}"));
        server.Respond(_ => FakeOpenAiReply.Error(401, $"Incorrect API key provided: {LlmTestSettings.Key} ({masked})."));
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl), loggers);

        var error = await Assert.ThrowsAsync<LlmCallException>(() => gateway.CompleteAsync(new LlmRequest(AgentRoles.Judge, "a")));

        Assert.All(server.Requests, r => Assert.Equal($"Bearer {LlmTestSettings.Key}", r.Authorization));
        Assert.Equal(401, error.Status);
        Assert.Contains("Incorrect API key provided", error.Message);
        Assert.NotEmpty(logs.Lines);
        foreach (var text in new[] { error.ToString(), logs.All })
        {
            Assert.DoesNotContain(LlmTestSettings.Key, text);
            Assert.DoesNotContain(LlmTestSettings.Key[3..20], text);
            Assert.DoesNotContain(masked, text);
        }
    }

    [Fact]
    public async Task AMissingKeyForOpenAiIsAClearErrorNamingTheVariable()
    {
        var settings = LlmConfigLoader.Load(null, _ => null);
        using var gateway = new LlmGateway(settings, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<LlmGateway>.Instance, environment: _ => null);

        var error = await Assert.ThrowsAsync<LlmCallException>(() => gateway.CompleteAsync(new LlmRequest(AgentRoles.Judge, "a")));

        Assert.Equal("The environment variable OPENAI_API_KEY is not set; it must hold the API key for https://api.openai.com/v1 (role judge).", error.Message);
        Assert.Single(LlmGateway.MissingKeys(settings, _ => null));
        Assert.Empty(LlmGateway.MissingKeys(settings, n => n == "OPENAI_API_KEY" ? "k" : null));
    }

    [Fact]
    public async Task ASelfHostedEndpointNeedsNoKey()
    {
        await using var server = await FakeOpenAiServer.StartAsync();
        var settings = LlmTestSettings.For(server.BaseUrl);
        using var gateway = new LlmGateway(settings, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<LlmGateway>.Instance, environment: _ => null);

        await gateway.CompleteAsync(new LlmRequest(AgentRoles.Policy, "a") { Model = "sotopia-pi-bc" });

        var request = Assert.Single(server.Requests);
        Assert.Equal("Bearer EMPTY", request.Authorization);
        Assert.Equal("sotopia-pi-bc", request.Model);
        Assert.Empty(LlmGateway.MissingKeys(settings, _ => null));
    }
}
