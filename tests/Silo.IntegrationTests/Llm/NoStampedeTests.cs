using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>When the endpoint says slow down, every caller slows down: after a 429 with retry-after, the only
/// requests that reach the server inside the pause are the ones that were already on their way. The gateway runs on
/// a <see cref="FakeTimeProvider"/>: the pause lasts until the test moves the clock, so nothing depends on how fast
/// this machine is.</summary>
public sealed class NoStampedeTests
{
    [Fact]
    public async Task ATooManyRequestsAnswerPausesEveryCallerNotJustTheOneThatGotIt()
    {
        const int cap = 8;
        const int calls = 100;
        var pause = TimeSpan.FromMilliseconds(600);
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(request => request.Index == 20
            ? FakeOpenAiReply.Error(429, "Rate limit reached for requests", ("retry-after-ms", "600"))
            : FakeOpenAiReply.Answer("ok"));
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var gateway = new LlmGateway(
            LlmTestSettings.For(server.BaseUrl, r => r with { MaxConcurrency = cap }, maxAttempts: 8),
            time, NullLogger<LlmGateway>.Instance, environment: LlmTestSettings.Environment, jitterSeed: 7);
        var limiter = gateway.GetLimiter(AgentRoles.Partner);

        // Settled: every call is done or held by the limiter (queued for a slot, or waiting for the deadline), except
        // the one that got the 429, which waits for its retry on the fake clock.
        var completed = 0;
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(EndpointLimiter l)
        {
            if (l.Pauses >= 1 && Volatile.Read(ref completed) + l.Delayed + l.Waiting == calls - 1)
            {
                settled.TrySetResult();
            }
        }
        limiter.Waited += Check;
        // The pause may be the last change (the 429's caller can be slower than every other call): check then too.
        limiter.Paused += Check;
        var tasks = Enumerable.Range(0, calls).Select(async i =>
        {
            var answer = await gateway.CompleteAsync(new LlmRequest(AgentRoles.Partner, $"call {i}"));
            Interlocked.Increment(ref completed);
            Check(limiter);
            return answer;
        }).ToList();

        await Within.WaitAsync(settled.Task, TimeSpan.FromMinutes(1), "every call but the 429's to be done or held by the limiter",
            () => $"completed {Volatile.Read(ref completed)}, delayed {limiter.Delayed}, waiting {limiter.Waiting}, in flight {limiter.InFlight}, " +
                $"limit {limiter.ConcurrencyLimit}, pauses {limiter.Pauses}, requests {server.Requests.Count}");
        var during = server.Requests;
        var the429 = Assert.Single(during, r => r.Status == 429);
        var inPause = during.Count(r => r.ArrivedAt > the429.AnsweredAt!.Value);
        time.Advance(pause + TimeSpan.FromMilliseconds(100));
        var answers = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.All(answers, a => Assert.Equal("ok", a.Text));
        // At most the other cap-1 callers were in flight when the 429 went out, and as many again could have been
        // sent while those finished before the client read the 429. Without a shared pause every caller would go on.
        Assert.True(inPause <= 2 * (cap - 1), $"{inPause} requests reached the server during the pause (cap {cap}); {during.Count} before the clock moved");
        Assert.True(limiter.Pauses >= 1);
        Assert.Equal(calls + 1, server.Requests.Count);
        Assert.Equal(2, Assert.Single(answers, a => a.Attempts > 1).Attempts);
    }
}
