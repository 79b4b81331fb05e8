namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary>One silo playing episodes of a campaign.</summary>
/// <param name="SiloId">The silo (lease owner) id.</param>
/// <param name="RunningEpisodes">The campaign's running episodes whose live lease it holds.</param>
public sealed record CampaignWorkerResponse(string SiloId, int RunningEpisodes);
