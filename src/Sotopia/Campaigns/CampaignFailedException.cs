namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>A campaign cannot go on (bad spec against the data, a failed training…); the message is shown
/// to the user and stored on the campaign.</summary>
public sealed class CampaignFailedException(string message) : Exception(message);
