using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A finished episode to be judged: the judge sees everything (both profiles, secrets and goals).</summary>
[Immutable]
public sealed record EpisodeJudgeRequest(
    string EpisodeId,
    EpisodeSetup Setup,
    ImmutableArray<Turn> Turns,
    TerminationReason Termination,
    long Seed);
