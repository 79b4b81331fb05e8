namespace SotopiaPi.Grains.Interfaces;

/// <summary>The scenario an episode played (hint tags rendered).</summary>
public sealed record ScenarioResponse(string Id, string Codename, string Text);
