using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    [Fact]
    public async Task VersionsAreRegisteredInOrderAndListed()
    {
        var store = await NewStoreAsync();
        var versions = new[] { Version("pol", 0, null, Start), Version("pol", 1, "tr-1", Start), Version("pol", 2, "tr-2", Start) };

        foreach (var version in versions)
        {
            Assert.Same(version, await store.RegisterVersionAsync(version));
        }

        Assert.Equal(versions.Select(Json), (await store.ListVersionsAsync("pol")).Select(Json));
        Assert.Equal(Json(versions[1]), Json(await store.GetVersionAsync("pol", 1)));
        Assert.Null(await store.GetVersionAsync("pol", 3));
        Assert.Empty(await store.ListVersionsAsync("other"));
    }

    [Fact]
    public async Task RegisterIsIdempotentPerTrainingRequest()
    {
        var store = await NewStoreAsync();
        await store.RegisterVersionAsync(Version("pol", 0, null, Start));
        var published = Version("pol", 1, "tr-1", Start);
        await store.RegisterVersionAsync(published);

        var again = await store.RegisterVersionAsync(Version("pol", 2, "tr-1", Start.AddHours(1)) with { Model = "retry" });

        Assert.Equal(Json(published), Json(again));
        Assert.Equal([0, 1], (await store.ListVersionsAsync("pol")).Select(v => v.Version));
        Assert.Equal(Json(Version("pol", 0, null, Start)), Json(await store.RegisterVersionAsync(Version("pol", 0, null, Start) with { Model = "x" })));
    }

    [Fact]
    public async Task RegisterRefusesNumbersThatAreNotNextFree()
    {
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RegisterVersionAsync(Version("pol", 1, "tr-1", Start)));
        await store.RegisterVersionAsync(Version("pol", 0, null, Start));
        await store.RegisterVersionAsync(Version("pol", 1, "tr-1", Start));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RegisterVersionAsync(Version("pol", 3, "tr-3", Start)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RegisterVersionAsync(Version("pol", 1, "tr-2", Start)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RegisterVersionAsync(Version("pol", 1, null, Start)));

        Assert.Equal(["tr-1"], (await store.ListVersionsAsync("pol")).Where(v => v.Version > 0).Select(v => v.TrainingRequestId));
        Assert.Equal(2, (await store.RegisterVersionAsync(Version("pol", 2, "tr-2", Start))).Version);
    }

    [Fact]
    public async Task ActivationChoosesTheActiveVersion()
    {
        var store = await NewStoreAsync();
        await store.RegisterVersionAsync(Version("pol", 0, null, Start));
        await store.RegisterVersionAsync(Version("pol", 1, "tr-1", Start));
        Assert.Null(await store.GetActiveVersionAsync("pol"));

        await store.ActivateAsync("pol", 1);
        Assert.Equal(Json(Version("pol", 1, "tr-1", Start)), Json(await store.GetActiveVersionAsync("pol")));
        await store.ActivateAsync("pol", 0);
        Assert.Equal(0, (await store.GetActiveVersionAsync("pol"))?.Version);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ActivateAsync("pol", 5));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ActivateAsync("nope", 0));
        Assert.Equal(0, (await store.GetActiveVersionAsync("pol"))?.Version);
        Assert.Null(await store.GetActiveVersionAsync("nope"));
    }

    [Fact]
    public async Task PoliciesAreListedByName()
    {
        var store = await NewStoreAsync();
        Assert.Empty(await store.ListPoliciesAsync());
        await store.RegisterVersionAsync(Version("zeta", 0, null, Start));
        await store.RegisterVersionAsync(Version("alpha", 0, null, Start));
        await store.RegisterVersionAsync(Version("alpha", 1, "tr-1", Start));

        Assert.Equal(["alpha", "zeta"], await store.ListPoliciesAsync());
    }
}
