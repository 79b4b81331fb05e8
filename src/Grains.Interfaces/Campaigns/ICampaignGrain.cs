namespace SotopiaPi.Grains.Interfaces;

/// <summary>Drives one campaign (key: campaign id) through its rounds: creates each round's episodes, keeps the
/// cluster's capacity of them in flight across every silo, filters the best, asks for training, waits for the new
/// policy version, and evaluates at the end. Its state (the <see cref="CampaignRecord"/>) is Orleans grain state
/// written with an ETag; a reminder re-activates it on another silo if its silo dies.</summary>
public interface ICampaignGrain : IGrainWithStringKey
{
    /// <summary>Stores the new campaign and starts driving it. The caller validated the spec, imported its dataset
    /// and made sure the policy has a base version (see the campaign launcher). Throws
    /// <see cref="CampaignConflictException"/> when a campaign with this id exists.</summary>
    Task<CampaignRecord> CreateAsync(CampaignRecord campaign);

    /// <summary>The campaign as its grain holds it, or null when there is no such campaign.</summary>
    Task<CampaignRecord?> GetAsync();

    /// <summary>Pauses (no new episode starts; those in flight finish), resumes or cancels (unfinished episodes are
    /// cancelled and their activations' next writes refused). Returns the campaign once the change is stored;
    /// asking for the status it has changes nothing. Throws <see cref="CampaignConflictException"/> when the
    /// campaign has ended or does not exist.</summary>
    Task<CampaignRecord> SetStatusAsync(CampaignStatus status);

    /// <summary>Replaces the campaign's spending limits (raising them lets a campaign paused by its budget go on once
    /// resumed). Throws <see cref="CampaignConflictException"/> when the campaign has ended or does not exist.</summary>
    Task<CampaignRecord> SetBudgetAsync(CampaignBudget budget);

    /// <summary>An episode of the campaign ended (its outcome is stored), or — with <paramref name="interrupted"/> —
    /// its silo is shutting down before it ended, so the campaign starts it again (it resumes on another silo).</summary>
    Task EpisodeEndedAsync(string episodeId, bool interrupted);

    /// <summary>The training request of the current round changed (published a version, or failed).</summary>
    Task TrainingChangedAsync(string requestId);

    /// <summary>Makes sure the campaign is being driven and starts again every episode it has in flight (an episode
    /// that is still playing ignores it; one whose silo died resumes elsewhere). Called when a silo leaves the
    /// cluster and when a console resumes an embedded run.</summary>
    Task WakeAsync();
}
