namespace SotopiaPi.Grains.Interfaces;

/// <summary>A request assigned to a trainer, with the ticket its reports carry.</summary>
[Immutable]
public sealed record TrainingAssignment(TrainingRequest Request, TrainingTicket Ticket);
