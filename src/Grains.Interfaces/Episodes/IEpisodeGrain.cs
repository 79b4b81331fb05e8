namespace SotopiaPi.Grains.Interfaces;

/// <summary>Plays one episode (key: episode id) turn by turn by the SOTOPIA rules: each turn is durable in the
/// project store before the next model call, then the judge scores it and the episode tells its campaign. Its state
/// is the episode's row (status, fence, pinned seats) and turns, so any activation on any silo resumes it from the
/// last stored turn.</summary>
public interface IEpisodeGrain : IGrainWithStringKey
{
    /// <summary>Starts playing (or resumes) on a grain timer and returns at once. While it plays, calling it again
    /// changes nothing; once it ended, calling it makes it tell its campaign again.</summary>
    /// <param name="campaignId">The episode's campaign (told when the episode ends or is interrupted).</param>
    /// <param name="traceParent">The W3C traceparent of the round's span: the episode's span is its child.</param>
    Task StartAsync(string campaignId, string? traceParent);
}
