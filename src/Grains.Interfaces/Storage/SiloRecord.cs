namespace SotopiaPi.Grains.Interfaces;

/// <summary>One membership row as listed.</summary>
/// <param name="Id">The silo id.</param>
/// <param name="Address">Its HTTP address.</param>
/// <param name="StartedAt">When it (last) started.</param>
/// <param name="LastHeartbeat">Its last heartbeat (or registration).</param>
/// <param name="Status">Active, stopped, or dead (computed when listed).</param>
/// <param name="Stats">The stats of its last heartbeat that carried some, if any.</param>
public sealed record SiloRecord(string Id, string Address, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, SiloStatus Status, SiloStats? Stats);
