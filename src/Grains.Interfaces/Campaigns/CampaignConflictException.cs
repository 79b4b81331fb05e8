namespace SotopiaPi.Grains.Interfaces;

/// <summary>A campaign request that conflicts with the campaign's state: the id exists already, the campaign does
/// not exist, or it has ended (completed, failed, cancelled). The API answers 404/409.</summary>
[GenerateSerializer]
public sealed class CampaignConflictException : Exception
{
    public CampaignConflictException(string message, bool notFound = false)
        : base(message)
    {
        NotFound = notFound;
    }

    /// <summary>True when the campaign does not exist (404), false when it conflicts (409).</summary>
    [Id(0)]
    public bool NotFound { get; }
}
