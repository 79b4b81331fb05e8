namespace SotopiaPi.Grains.Interfaces;

/// <summary>A campaign's model spending in <c>GET /api/campaigns/{id}</c>: the usage stored on its turns and
/// judgements (priced with the campaign's price table), the estimates reserved by calls in flight on the silo that
/// answered, and the limit reached, if any. The limits themselves are <see cref="CampaignSpec.Budget"/>.</summary>
public sealed record CampaignSpendResponse
{
    public required CampaignUsage Usage { get; init; }
    /// <summary>Calls in flight on the answering silo and their reserved estimates; null when that silo makes no model
    /// calls for the campaign (it has no LLM backend, or has not served the campaign since it started). Other silos'
    /// reservations are not included.</summary>
    public CampaignReservationResponse? Reserved { get; init; }
    /// <summary>The budget limit the stored spending reached, as a sentence; null if none.</summary>
    public string? BudgetReached { get; init; }
}

/// <summary>What the calls in flight on one silo have reserved of a campaign's budget: prompt tokens + answer limit
/// per call, priced with the campaign's price table.</summary>
public sealed record CampaignReservationResponse
{
    public int CallsInFlight { get; init; }
    public long Tokens { get; init; }
    public decimal CostUsd { get; init; }
}
