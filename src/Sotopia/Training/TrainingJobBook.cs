using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Training;

/// <summary>The training queue's rules (the queue grain's logic, host-free): requests wait in order; a trainer takes
/// the oldest one of a backend it serves (a new attempt); a report must carry the current attempt's ticket; a
/// request whose trainer is gone (released it, or stopped subscribing) waits again. Immutable: every change returns
/// a new book, which the grain stores.</summary>
public sealed record TrainingJobBook
{
    public static TrainingJobBook Empty { get; } = new();

    public ImmutableList<TrainingJob> Jobs { get; init; } = [];

    /// <summary>Adds a request unless it is queued already.</summary>
    public TrainingJobBook Enqueue(string requestId, string backend) =>
        Jobs.Any(j => j.RequestId == requestId) ? this : this with { Jobs = Jobs.Add(new TrainingJob(requestId, backend, 0, null)) };

    /// <summary>Assigns the oldest waiting request of a served backend to <paramref name="trainerId"/>; null when none.
    /// A trainer holding a request already gets that one back (its earlier answer was lost).</summary>
    public (TrainingJobBook Book, TrainingTicket Ticket)? Take(string trainerId, IReadOnlyCollection<string> backends)
    {
        var held = Jobs.FirstOrDefault(j => j.TrainerId == trainerId);
        if (held is not null)
        {
            return (this, new TrainingTicket(held.RequestId, held.Attempt, trainerId));
        }
        var next = Jobs.FirstOrDefault(j => j.TrainerId is null && backends.Contains(j.Backend, StringComparer.OrdinalIgnoreCase));
        if (next is null)
        {
            return null;
        }
        var assigned = next with { Attempt = next.Attempt + 1, TrainerId = trainerId };
        return (this with { Jobs = Jobs.Replace(next, assigned) }, new TrainingTicket(next.RequestId, assigned.Attempt, trainerId));
    }

    /// <summary>The job a ticket is for; throws <see cref="StaleWriteException"/> when the ticket is not the
    /// request's current assignment (another attempt superseded it, or the request ended).</summary>
    public TrainingJob Check(TrainingTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var job = Jobs.FirstOrDefault(j => j.RequestId == ticket.RequestId);
        if (job is null)
        {
            throw new StaleWriteException($"Training request '{ticket.RequestId}' is not in the queue any more (it ended); the report of attempt {ticket.Attempt} by {ticket.TrainerId} was refused.");
        }
        if (job.Attempt != ticket.Attempt || job.TrainerId != ticket.TrainerId)
        {
            throw new StaleWriteException(
                $"Training request '{ticket.RequestId}' is at attempt {job.Attempt} ({job.TrainerId ?? "waiting for a trainer"}); the report of attempt {ticket.Attempt} by {ticket.TrainerId} was refused.");
        }
        return job;
    }

    /// <summary>The request ended (succeeded or failed): it leaves the queue.</summary>
    public TrainingJobBook Remove(TrainingTicket ticket) => this with { Jobs = Jobs.Remove(Check(ticket)) };

    /// <summary>The trainer gave the request back: it waits again.</summary>
    public TrainingJobBook Release(TrainingTicket ticket)
    {
        var job = Check(ticket);
        return this with { Jobs = Jobs.Replace(job, job with { TrainerId = null }) };
    }

    /// <summary>Requests held by trainers not in <paramref name="liveTrainers"/> wait again; returns them too.</summary>
    public (TrainingJobBook Book, IReadOnlyList<TrainingJob> Orphaned) Orphan(IReadOnlySet<string> liveTrainers)
    {
        var orphaned = Jobs.Where(j => j.TrainerId is { } t && !liveTrainers.Contains(t)).ToList();
        if (orphaned.Count == 0)
        {
            return (this, orphaned);
        }
        var jobs = Jobs;
        foreach (var job in orphaned)
        {
            jobs = jobs.Replace(job, job with { TrainerId = null });
        }
        return (this with { Jobs = jobs }, orphaned);
    }
}
