using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.IntegrationTests.Policies;

/// <summary>The registry's rules (the registry grain's logic) on a real store; pushing changes to the silos is
/// tested in Cluster.Tests.</summary>
public sealed class PolicyRegistryTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private SqliteSotopiaStore _store = null!;
    private PolicyRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteSotopiaStore.OpenAsync(_dir.Combine("s.db"));
        _registry = new PolicyRegistry(_store, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    private static PolicyVersion Candidate(string request, int parent) => new()
    {
        PolicyName = "p",
        Version = 0,
        Kind = "sr",
        Model = "m-" + request,
        ParentVersion = parent,
        TrainingRequestId = request,
    };

    [Fact]
    public async Task EnsureBaseIsIdempotentAndActivatesVersionZero()
    {
        var first = await _registry.EnsureBaseAsync("p", "base-model");
        var second = await _registry.EnsureBaseAsync("p", "other-model");
        Assert.Equal(0, first.Version);
        Assert.Equal("base-model", second.Model);
        Assert.Single(await _registry.ListAsync("p"));
        Assert.Equal(0, (await _registry.GetActiveAsync("p")).Version);
    }

    [Fact]
    public async Task PublishingTheSameRequestTwicePublishesOneVersion()
    {
        await _registry.EnsureBaseAsync("p", "base");
        var v1 = await _registry.PublishAsync(Candidate("r1", 0));
        var again = await _registry.PublishAsync(Candidate("r1", 0));
        var v2 = await _registry.PublishAsync(Candidate("r2", 1));

        Assert.Equal(1, v1.Version);
        Assert.Equal(1, again.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal(3, (await _registry.ListAsync("p")).Count);
        Assert.Equal(2, (await _registry.GetActiveAsync("p")).Version);
    }

    [Fact]
    public async Task RollbackReactivatesTheParentAndStopsAtTheBase()
    {
        await _registry.EnsureBaseAsync("p", "base");
        await _registry.PublishAsync(Candidate("r1", 0));
        await _registry.PublishAsync(Candidate("r2", 1));

        Assert.Equal(1, (await _registry.RollbackAsync("p")).Version);
        Assert.Equal(0, (await _registry.RollbackAsync("p")).Version);
        await Assert.ThrowsAsync<InvalidOperationException>(() => _registry.RollbackAsync("p"));
        Assert.Equal(2, (await _registry.ActivateAsync("p", 2)).Version);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _registry.ActivateAsync("p", 9));
    }
}
