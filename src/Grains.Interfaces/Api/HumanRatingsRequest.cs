namespace SotopiaPi.Grains.Interfaces;

/// <summary>Body of <c>POST /api/campaigns/{id}/report</c>: human ratings to compare with the judge, as the file's
/// text (the silo parses and checks it with the same rules as <c>sotopia report --human</c>; the request body limit
/// of the API bounds its size).</summary>
public sealed record HumanRatingsRequest
{
    /// <summary>The file's name as the user gave it (shown in the report and in errors; never opened by the silo).</summary>
    public required string File { get; init; }
    /// <summary><c>csv</c> or <c>jsonl</c>.</summary>
    public required string Format { get; init; }
    public required string Text { get; init; }
}
