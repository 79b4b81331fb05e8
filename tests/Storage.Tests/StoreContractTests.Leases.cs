using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task FirstAcquireGivesEpochOne()
    {
        var store = await NewStoreAsync();

        var lease = await store.TryAcquireAsync("episode", "k", "silo-a", LeaseTime);

        Assert.Equal(new Lease("episode", "k", "silo-a", 1, StoreTestData.Start + LeaseTime), lease);
        Assert.Equal(lease, await store.GetLeaseAsync("episode", "k"));
    }

    [Fact]
    public async Task GetLeaseOfUnknownKeyIsNull()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("episode", "k", "silo-a", LeaseTime);

        Assert.Null(await store.GetLeaseAsync("episode", "other"));
        Assert.Null(await store.GetLeaseAsync("campaign", "k"));
    }

    [Fact]
    public async Task SameOwnerReacquireKeepsEpochAndExtends()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("campaign", "k", "silo-a", LeaseTime);
        Time.Advance(TimeSpan.FromSeconds(10));

        var again = await store.TryAcquireAsync("campaign", "k", "silo-a", LeaseTime);

        Assert.Equal(new Lease("campaign", "k", "silo-a", 1, Time.GetUtcNow() + LeaseTime), again);
    }

    [Fact]
    public async Task LiveLeaseOfAnotherOwnerIsNotTaken()
    {
        var store = await NewStoreAsync();
        var first = await store.TryAcquireAsync("campaign", "k", "silo-a", LeaseTime);
        Time.Advance(LeaseTime - TimeSpan.FromMilliseconds(1));

        Assert.Null(await store.TryAcquireAsync("campaign", "k", "silo-b", LeaseTime));
        Assert.Equal(first, await store.GetLeaseAsync("campaign", "k"));
    }

    [Fact]
    public async Task ExpiredLeaseIsTakenOverWithNextEpoch()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("campaign", "k", "silo-a", LeaseTime);
        Time.Advance(LeaseTime);

        var taken = await store.TryAcquireAsync("campaign", "k", "silo-b", LeaseTime);

        Assert.Equal(new Lease("campaign", "k", "silo-b", 2, Time.GetUtcNow() + LeaseTime), taken);
        Assert.Null(await store.TryAcquireAsync("campaign", "k", "silo-a", LeaseTime));
        Time.Advance(LeaseTime);
        Assert.Equal(3, (await store.TryAcquireAsync("campaign", "k", "silo-c", LeaseTime))?.Epoch);
    }

    [Fact]
    public async Task SameOwnerAfterExpiryGetsNextEpoch()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("campaign", "k", "silo-a", LeaseTime);
        Time.Advance(LeaseTime + TimeSpan.FromSeconds(1));

        var again = await store.TryAcquireAsync("campaign", "k", "silo-a", LeaseTime);

        Assert.Equal(2, again?.Epoch);
    }

    [Fact]
    public async Task RenewAllExtendsOnlyTheOwnersLiveLeases()
    {
        var store = await NewStoreAsync();
        await store.TryAcquireAsync("episode", "a1", "silo-a", LeaseTime);
        await store.TryAcquireAsync("episode", "a2", "silo-a", LeaseTime);
        var shortLease = await store.TryAcquireAsync("campaign", "a3", "silo-a", TimeSpan.FromSeconds(5));
        var other = await store.TryAcquireAsync("episode", "b1", "silo-b", LeaseTime);
        Time.Advance(TimeSpan.FromSeconds(10));

        var renewed = await store.RenewAllAsync("silo-a", TimeSpan.FromMinutes(1));

        Assert.Equal(2, renewed);
        var until = Time.GetUtcNow() + TimeSpan.FromMinutes(1);
        Assert.Equal(until, (await store.GetLeaseAsync("episode", "a1"))?.ExpiresAt);
        Assert.Equal(until, (await store.GetLeaseAsync("episode", "a2"))?.ExpiresAt);
        Assert.Equal(shortLease, await store.GetLeaseAsync("campaign", "a3"));
        Assert.Equal(other, await store.GetLeaseAsync("episode", "b1"));
        Time.Advance(LeaseTime);
        Assert.Null(await store.TryAcquireAsync("episode", "a1", "silo-b", LeaseTime));
    }

    [Fact]
    public async Task ReleasedLeaseIsTakenAtOnceWithNextEpoch()
    {
        var store = await NewStoreAsync();
        var lease = await store.TryAcquireAsync("episode", "k", "silo-a", LeaseTime);
        Assert.NotNull(lease);

        await store.ReleaseAsync(lease);

        var row = await store.GetLeaseAsync("episode", "k");
        Assert.Equal(1, row?.Epoch);
        Assert.True(row!.ExpiresAt <= Time.GetUtcNow(), $"released lease still live until {row.ExpiresAt}");
        Assert.Equal(new Lease("episode", "k", "silo-b", 2, Time.GetUtcNow() + LeaseTime),
            await store.TryAcquireAsync("episode", "k", "silo-b", LeaseTime));
    }

    [Fact]
    public async Task ReleaseWithStaleLeaseChangesNothing()
    {
        var store = await NewStoreAsync();
        var old = await store.TryAcquireAsync("episode", "k", "silo-a", LeaseTime);
        Time.Advance(LeaseTime);
        var current = await store.TryAcquireAsync("episode", "k", "silo-b", LeaseTime);

        await store.ReleaseAsync(old!);

        Assert.Equal(current, await store.GetLeaseAsync("episode", "k"));
        Assert.Null(await store.TryAcquireAsync("episode", "k", "silo-c", LeaseTime));
    }
}
