using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>When the endpoint says slow down, every caller slows down: after a 429 with retry-after, the only
/// requests that reach the server inside the pause are the ones that were already on their way.</summary>
public sealed class NoStampedeTests
{
    [Fact]
    public async Task ATooManyRequestsAnswerPausesEveryCallerNotJustTheOneThatGotIt()
    {
        const int cap = 8;
        var pause = TimeSpan.FromMilliseconds(600);
        await using var server = await FakeOpenAiServer.StartAsync();
        var gate = new Lock();
        TimeSpan? windowStart = null;
        server.Respond(request =>
        {
            lock (gate)
            {
                if (windowStart is null && request.Index == 20)
                {
                    windowStart = request.ArrivedAt;
                }
                if (windowStart is { } start && request.ArrivedAt >= start && request.ArrivedAt < start + pause)
                {
                    // A real limiter refuses everything inside its window.
                    return FakeOpenAiReply.Error(429, "Rate limit reached for requests", ("retry-after-ms", ((int)pause.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
            return FakeOpenAiReply.Answer("ok") with { Delay = TimeSpan.FromMilliseconds(20) };
        });
        using var gateway = LlmTestSettings.Gateway(
            LlmTestSettings.For(server.BaseUrl, r => r with { MaxConcurrency = cap }, maxAttempts: 8));

        var calls = Enumerable.Range(0, 100).Select(i => gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, $"call {i}"))).ToList();
        var answers = await Task.WhenAll(calls);

        Assert.All(answers, a => Assert.Equal("ok", a.Text));
        var requests = server.Requests;
        var first429 = requests.Where(r => r.Status == 429).MinBy(r => r.AnsweredAt)!;
        var inPause = requests.Count(r => r.ArrivedAt > first429.AnsweredAt!.Value && r.ArrivedAt < first429.AnsweredAt.Value + pause);
        // At most the other cap-1 callers were in flight when the 429 went out, and as many again could have been
        // sent while those finished before the client read the 429. Without a shared pause hundreds would arrive.
        Assert.True(inPause <= 2 * (cap - 1), $"{inPause} requests reached the server during the {pause.TotalMilliseconds} ms pause (cap {cap}); total {requests.Count}, 429s {requests.Count(r => r.Status == 429)}");
        Assert.True(gateway.GetLimiter(AgentRoles.Partner).Pauses >= 1);
    }
}
