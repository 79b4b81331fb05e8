using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Training;

namespace SotopiaPi.Grains.Tests;

/// <summary>The training queue's rules: oldest first per served backend, one holder per request, a superseded
/// attempt's reports refused, a vanished trainer's request queued again as a new attempt.</summary>
public sealed class TrainingJobBookTests
{
    private static readonly string[] Embedded = ["embedded"];

    [Fact]
    public void ATrainerTakesTheOldestRequestOfABackendItServes()
    {
        var book = TrainingJobBook.Empty.Enqueue("r1", "openai").Enqueue("r2", "embedded").Enqueue("r3", "embedded");

        var taken = book.Take("t1", Embedded);

        Assert.Equal(new TrainingTicket("r2", 1, "t1"), taken!.Value.Ticket);
        Assert.Null(taken.Value.Book.Take("t2", ["external"]));
    }

    [Fact]
    public void EnqueueingTwiceKeepsOneJob()
    {
        var book = TrainingJobBook.Empty.Enqueue("r1", "embedded");

        Assert.Same(book, book.Enqueue("r1", "embedded"));
    }

    [Fact]
    public void ATrainerAskingAgainGetsTheRequestItHolds()
    {
        var (book, ticket) = TrainingJobBook.Empty.Enqueue("r1", "embedded").Enqueue("r2", "embedded").Take("t1", Embedded)!.Value;

        var again = book.Take("t1", Embedded)!.Value;

        Assert.Equal(ticket, again.Ticket);
        Assert.Equal(new TrainingTicket("r2", 1, "t2"), book.Take("t2", Embedded)!.Value.Ticket);
    }

    [Fact]
    public void AnOrphanedRequestGoesToAnotherTrainerAndTheOldTicketIsRefused()
    {
        var (book, first) = TrainingJobBook.Empty.Enqueue("r1", "embedded").Take("t1", Embedded)!.Value;

        var (orphaned, lost) = book.Orphan(new HashSet<string> { "t2" });
        var (retaken, second) = orphaned.Take("t2", Embedded)!.Value;

        Assert.Equal("r1", Assert.Single(lost).RequestId);
        Assert.Equal(new TrainingTicket("r1", 2, "t2"), second);
        var refused = Assert.Throws<StaleWriteException>(() => retaken.Check(first));
        Assert.Contains("attempt 2 (t2)", refused.Message, StringComparison.Ordinal);
        Assert.Equal("r1", retaken.Check(second).RequestId);
    }

    [Fact]
    public void ARequestHeldByALiveTrainerIsNotOrphaned()
    {
        var (book, _) = TrainingJobBook.Empty.Enqueue("r1", "embedded").Take("t1", Embedded)!.Value;

        var (same, lost) = book.Orphan(new HashSet<string> { "t1" });

        Assert.Same(book, same);
        Assert.Empty(lost);
    }

    [Fact]
    public void AReleasedRequestWaitsAgainAndAnEndedOneIsGone()
    {
        var (book, ticket) = TrainingJobBook.Empty.Enqueue("r1", "embedded").Take("t1", Embedded)!.Value;

        var released = book.Release(ticket);
        var (retaken, next) = released.Take("t1", Embedded)!.Value;
        var ended = retaken.Remove(next);

        Assert.Equal(2, next.Attempt);
        Assert.Empty(ended.Jobs);
        Assert.Throws<StaleWriteException>(() => ended.Check(next));
    }
}
