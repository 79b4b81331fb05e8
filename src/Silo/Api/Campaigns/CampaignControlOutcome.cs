namespace SotopiaPi.Silo.Api.Campaigns;

/// <summary>How an operator's status change went.</summary>
internal enum CampaignControlOutcome
{
    /// <summary>Stored, and the campaign's owner (if any) has let go of it.</summary>
    Applied = 0,
    /// <summary>Stored, but the owner has not confirmed within the wait (it will at its next step).</summary>
    Requested = 1,
    /// <summary>The campaign already ended; nothing changed.</summary>
    Ended = 2,
}
