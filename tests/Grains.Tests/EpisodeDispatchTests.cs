using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Grains.Tests;

/// <summary>The campaign's dispatch: capacity is never exceeded, ended episodes make room, interrupted ones go first.</summary>
public sealed class EpisodeDispatchTests
{
    [Fact]
    public void StartsNoMoreThanTheCapacityAndRefillsAsEpisodesEnd()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(3, ["e1", "e2", "e3", "e4", "e5"]);

        Assert.Equal(["e1", "e2", "e3"], dispatch.TakeStartable(3));
        Assert.Empty(dispatch.TakeStartable(3));
        Assert.True(dispatch.Ended("e2"));
        Assert.Equal(["e4"], dispatch.TakeStartable(3));
        Assert.Equal(3, dispatch.InFlight.Count);
        Assert.Equal(1, dispatch.Waiting);
        Assert.Equal(3, dispatch.Round);
    }

    [Fact]
    public void AnInterruptedEpisodeIsStartedNext()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, ["e1", "e2", "e3"]);
        dispatch.TakeStartable(2);

        Assert.True(dispatch.Interrupted("e2"));

        Assert.Equal(["e2", "e3"], dispatch.TakeStartable(3));
        Assert.False(dispatch.Interrupted("e9"));
    }

    [Fact]
    public void ItIsIdleOnlyWhenNothingWaitsOrPlays()
    {
        var dispatch = new EpisodeDispatch();
        dispatch.Load(0, ["e1", "e2"]);
        dispatch.TakeStartable(1);
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
        dispatch.TakeStartable(1);

        dispatch.Load(1, ["e7", "e7", "e8"]);

        Assert.Empty(dispatch.InFlight);
        Assert.Equal(2, dispatch.Waiting);
        Assert.Equal(1, dispatch.Round);
        Assert.Equal(["e7", "e8"], dispatch.TakeStartable(10));
    }
}
