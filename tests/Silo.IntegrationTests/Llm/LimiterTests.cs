using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>The rate-limit building blocks on explicit clocks: token buckets pace reservations (estimating a request's
/// tokens before it is sent), a slow-down blocks them, the concurrency gate halves on overload and admits in order,
/// and rate-limit headers are read the way OpenAI and Azure send them.</summary>
public sealed class LimiterTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RequestBucketSpacesReservationsAtTheRate()
    {
        var bucket = new TokenBucket(perMinute: 60, T0);

        var waits = Enumerable.Range(0, 4).Select(_ => bucket.Reserve(1, T0)).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], waits);
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve(1, T0 + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void TokenBucketMakesALargeRequestWaitForItsEstimatedTokens()
    {
        var bucket = new TokenBucket(perMinute: 600, T0);

        Assert.Equal(TimeSpan.FromSeconds(2), bucket.Reserve(30, T0));
        Assert.Equal(TimeSpan.FromSeconds(3), bucket.Reserve(10, T0));
        bucket.Adjust(-20, T0);
        Assert.Equal(TimeSpan.FromSeconds(2), bucket.Reserve(10, T0));
    }

    [Fact]
    public void BlockedBucketGrantsNothingBeforeTheDeadlineAndNoBurstAfterIt()
    {
        var bucket = new TokenBucket(perMinute: 600, T0);
        bucket.Block(T0 + TimeSpan.FromSeconds(5));

        var first = bucket.Reserve(1, T0);
        var second = bucket.Reserve(1, T0);

        Assert.Equal(TimeSpan.FromSeconds(5.1), first);
        Assert.Equal(TimeSpan.FromSeconds(5.2), second);
    }

    [Fact]
    public async Task ConcurrencyGateAdmitsInOrderAndHalvesOncePerCooldown()
    {
        var gate = new AdaptiveConcurrency(4, TimeSpan.FromSeconds(2));
        for (var i = 0; i < 4; i++)
        {
            await gate.WaitAsync(CancellationToken.None);
        }
        var fifth = gate.WaitAsync(CancellationToken.None).AsTask();
        var sixth = gate.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(fifth.IsCompleted);

        gate.OnOverload(T0);
        gate.OnOverload(T0 + TimeSpan.FromSeconds(1));
        Assert.Equal(2, gate.Limit);
        gate.Release();
        gate.Release();
        Assert.False(fifth.IsCompleted);
        gate.Release();
        await fifth;
        Assert.False(sixth.IsCompleted);
        gate.OnOverload(T0 + TimeSpan.FromSeconds(3));
        Assert.Equal(1, gate.Limit);
        gate.Release();
        Assert.False(sixth.IsCompleted);
        gate.Release();
        await sixth;
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public async Task ConcurrencyGateGrowsBackAdditivelyAndCancelledWaitersLeaveTheQueue()
    {
        var gate = new AdaptiveConcurrency(2, TimeSpan.Zero);
        gate.OnOverload(T0);
        Assert.Equal(1, gate.Limit);
        await gate.WaitAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.WaitAsync(cancel.Token).AsTask();
        var next = gate.WaitAsync(CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, gate.Waiting);

        gate.OnSuccess();
        Assert.Equal(2, gate.Limit);
        await next;
        Assert.Equal(2, gate.InFlight);
    }

    [Fact]
    public void HeadersAreReadAsOpenAiAndAzureSendThem()
    {
        var headers = RateLimitHeaders.Parse(
        [
            new("X-RateLimit-Limit-Requests", "5000"),
            new("x-ratelimit-limit-tokens", "160000"),
            new("x-ratelimit-remaining-requests", "0"),
            new("x-ratelimit-remaining-tokens", "-1"),
            new("x-ratelimit-reset-requests", "1m30.5s"),
            new("x-ratelimit-reset-tokens", "20ms"),
            new("content-type", "application/json"),
        ], T0);

        Assert.Equal(5000, headers.LimitRequests);
        Assert.Equal(160000, headers.LimitTokens);
        Assert.Equal(0, headers.RemainingRequests);
        Assert.Null(headers.RemainingTokens);
        Assert.Equal(TimeSpan.FromSeconds(90.5), headers.ResetRequests);
        Assert.Equal(TimeSpan.FromMilliseconds(20), headers.ResetTokens);
        Assert.Equal(TimeSpan.FromSeconds(90.5), headers.RequestedWait());
        Assert.Equal(6, headers.Raw.Count);
    }

    [Theory]
    [InlineData("250", null, 250)]
    [InlineData(null, "3", 3000)]
    [InlineData("250", "3", 250)]
    [InlineData(null, "Wed, 01 Jan 2025 00:00:07 GMT", 7000)]
    public void RetryAfterPrefersMillisecondsThenSecondsOrADate(string? ms, string? seconds, int expectedMs)
    {
        var raw = new List<KeyValuePair<string, string>>();
        if (ms is not null)
        {
            raw.Add(new("retry-after-ms", ms));
        }
        if (seconds is not null)
        {
            raw.Add(new("Retry-After", seconds));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RateLimitHeaders.Parse(raw, T0).RequestedWait());
    }
}
