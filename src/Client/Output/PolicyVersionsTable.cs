using System.Globalization;
using Spectre.Console;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Output;

/// <summary>A policy's versions with lineage and training metrics, <c>*</c> on the active one — the same table for
/// the local store and for <c>--cluster</c>.</summary>
internal static class PolicyVersionsTable
{
    public static Table Create(string policyName, IEnumerable<PolicyVersion> versions, int? activeVersion)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(policyName)}[/]").Border(TableBorder.Rounded);
        foreach (var column in new[] { "", "version", "kind", "parent", "model", "examples", "final loss", "campaign", "created" })
        {
            table.AddColumn(column);
        }
        foreach (var v in versions)
        {
            table.AddRow(
                v.Version == activeVersion ? "*" : "",
                $"v{v.Version}",
                v.Kind,
                v.ParentVersion is { } p ? $"v{p}" : "-",
                Markup.Escape(v.Model),
                v.Metrics.TryGetValue("examples", out var ex) ? ex.ToString("0", CultureInfo.InvariantCulture) : "-",
                v.Metrics.TryGetValue("final_loss", out var loss) ? loss.ToString("0.0000", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(v.CampaignId ?? "-"),
                v.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        }
        return table;
    }
}
