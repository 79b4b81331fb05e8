using System.Collections.Immutable;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Grains.Tests;

/// <summary>The campaign's dispatch: no silo gets more than its capacity, episodes spread to the emptiest silo,
/// ended episodes make room, interrupted ones and those of departed silos go first.</summary>
public sealed class EpisodeDispatchTests
{
    private static EpisodeSilos Silos(long version, params (string Key, int Capacity)[] silos) =>
        new(version, [.. silos.Select(s => new EpisodeSilo(s.Key, s.Capacity))]);

    private static readonly EpisodeSilos One = Silos(1, ("a", 3));

    private static List<string> Ids(IEnumerable<(string EpisodeId, string Silo)> started) => [.. started.Select(s => s.EpisodeId)];

    [Fact]
    public void StartsNoMoreThanTheCapacityAndRefillsAsEpisodesEnd()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(3, ["e1", "e2", "e3", "e4", "e5"]);

        Assert.Equal(["e1", "e2", "e3"], Ids(dispatch.TakeStartable(One)));
        Assert.Empty(dispatch.TakeStartable(One));
        Assert.True(dispatch.Ended("e2"));
        Assert.Equal([("e4", "a")], dispatch.TakeStartable(One));
        Assert.Equal(3, dispatch.InFlight.Count);
        Assert.Equal(1, dispatch.Waiting);
        Assert.Equal(3, dispatch.Round);
    }

    [Fact]
    public void EpisodesSpreadToTheSiloWithTheMostFreeSlots()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, [.. Enumerable.Range(0, 20).Select(i => $"e{i}")]);
        var silos = Silos(1, ("a", 4), ("b", 4), ("c", 8));

        var started = dispatch.TakeStartable(silos);

        Assert.Equal(16, started.Count);
        var perSilo = started.GroupBy(s => s.Silo).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 4, ["b"] = 4, ["c"] = 8 }, perSilo);
        // The silo with the most room takes the first ones: c (8 free) until it has as little room as a and b.
        Assert.Equal("c", started[0].Silo);
        Assert.Equal(4, dispatch.Waiting);
        // An episode ending on b frees a slot on b only.
        Assert.True(dispatch.Ended(started.First(s => s.Silo == "b").EpisodeId));
        Assert.Equal(["b"], dispatch.TakeStartable(silos).Select(s => s.Silo));
    }

    [Fact]
    public void EpisodesOfADepartedSiloAreStartedFirstElsewhere()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, ["e1", "e2", "e3", "e4", "e5"]);
        var started = dispatch.TakeStartable(Silos(1, ("a", 2), ("b", 2)));
        var onB = started.Where(s => s.Silo == "b").Select(s => s.EpisodeId).ToList();

        // b left; a gained room meanwhile (one of its episodes ended).
        Assert.True(dispatch.Ended(started.First(s => s.Silo == "a").EpisodeId));
        var again = dispatch.TakeStartable(Silos(2, ("a", 2), ("c", 2)));

        Assert.Equal(3, again.Count);
        Assert.Equal(onB.Order(), again.Take(2).Select(s => s.EpisodeId).Order());
        Assert.All(again, s => Assert.NotEqual("b", s.Silo));
        Assert.Equal(["e5"], again.Skip(2).Select(s => s.EpisodeId));
        // The same set again (same version) changes nothing.
        Assert.Empty(dispatch.TakeStartable(Silos(2, ("a", 2), ("c", 2))));
    }

    [Fact]
    public void AnInterruptedEpisodeIsStartedNext()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, ["e1", "e2", "e3"]);
        dispatch.TakeStartable(Silos(1, ("a", 2)));

        Assert.True(dispatch.Interrupted("e2"));

        Assert.Equal(["e2", "e3"], Ids(dispatch.TakeStartable(One)));
        Assert.False(dispatch.Interrupted("e9"));
    }

    [Fact]
    public void NoSiloMeansNothingStarts()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, ["e1"]);

        Assert.Empty(dispatch.TakeStartable(new EpisodeSilos(1, ImmutableArray<EpisodeSilo>.Empty)));
        Assert.Equal(1, dispatch.Waiting);
    }

    [Fact]
    public void ItIsIdleOnlyWhenNothingWaitsOrPlays()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, ["e1", "e2"]);
        dispatch.TakeStartable(Silos(1, ("a", 1)));
        Assert.False(dispatch.IsIdle);

        Assert.True(dispatch.Ended("e2"));
        Assert.True(dispatch.Ended("e1"));
        Assert.False(dispatch.Ended("e1"));

        Assert.True(dispatch.IsIdle);
    }

    [Fact]
    public void LoadingReplacesEverythingAndIgnoresDuplicates()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, ["e1", "e2"]);
        dispatch.TakeStartable(Silos(1, ("a", 1)));

        dispatch.Load(1, ["e7", "e7", "e8"]);

        Assert.Empty(dispatch.InFlight);
        Assert.Equal(2, dispatch.Waiting);
        Assert.Equal(1, dispatch.Round);
        Assert.Equal(["e7", "e8"], Ids(dispatch.TakeStartable(Silos(1, ("a", 10)))));
    }
}
