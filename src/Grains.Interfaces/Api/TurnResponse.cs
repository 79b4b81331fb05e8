namespace SotopiaPi.Grains.Interfaces;

/// <summary>One turn of a transcript: who acted and what, also as the rendered line agents see
/// ("Turn #3: Ava Li said: \"…\"").</summary>
public sealed record TurnResponse
{
    public required int Number { get; init; }
    public required int Seat { get; init; }
    public required string Speaker { get; init; }
    /// <summary>SOTOPIA's wire name: none, speak, non-verbal communication, action, leave.</summary>
    public required string ActionType { get; init; }
    public required string Argument { get; init; }
    /// <summary>"&lt;speaker&gt; &lt;rendered action&gt;".</summary>
    public required string Line { get; init; }
    public string? Note { get; init; }
}
