namespace SotopiaPi.Silo.Runtime;

/// <summary>A campaign spec (or its dataset) is not usable; <see cref="Problems"/> lists every reason.</summary>
public sealed class CampaignSpecException(IReadOnlyList<string> problems)
    : Exception("The campaign spec is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
