namespace SotopiaPi.Grains.Interfaces;

/// <summary>Ownership of one grain (or training request) by one silo. <see cref="Epoch"/> is the fencing
/// token: it grows by one every time ownership changes hands, and every state write carries it, so a former
/// owner that still believes it owns the grain can never overwrite the new owner's state.</summary>
/// <param name="Kind">What is owned: see <see cref="LeaseKinds"/>.</param>
/// <param name="Key">The owned object's id.</param>
/// <param name="Owner">The owning silo (or trainer) id.</param>
/// <param name="Epoch">Fencing epoch, from 1.</param>
/// <param name="ExpiresAt">When others may take it over unless renewed.</param>
public sealed record Lease(string Kind, string Key, string Owner, long Epoch, DateTimeOffset ExpiresAt);
