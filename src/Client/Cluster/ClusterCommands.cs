using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Client.Commands;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Client.Cluster;

/// <summary>What the console does in cluster mode: the cluster branches of the shared commands (called from
/// <see cref="ClusterMode.Branch"/> in the command files) and the cluster-only commands
/// (<c>campaign watch|pause|resume</c>, <c>silos</c>), added to the tree by <see cref="AddTo"/>.</summary>
internal static class ClusterCommands
{
    /// <summary>Adds the cluster-only commands to the command tree.</summary>
    public static void AddTo(RootCommand root)
    {
        var campaign = root.Subcommands.First(c => c.Name == "campaign");
        campaign.Subcommands.Add(Watch());
        campaign.Subcommands.Add(StatusChange("pause", "Pause a campaign (cluster mode): it stops advancing; episodes already created are still played.", (c, id, ct) => c.PauseCampaignAsync(id, ct)));
        campaign.Subcommands.Add(StatusChange("resume", "Resume a paused campaign (cluster mode).", (c, id, ct) => c.ResumeCampaignAsync(id, ct)));
        var silos = new Command("silos", "List the cluster's silos with their status and episode counters (cluster mode).");
        silos.SetAction((parse, ct) => ClusterMode.Run(parse, ct, async (client, _, token) =>
        {
            ClusterOutput.Silos(await client.ListSilosAsync(token), AnsiConsole.Console);
            return 0;
        }));
        root.Subcommands.Add(silos);
    }

    public static async Task<int> StartCampaignAsync(SotopiaApiClient client, string specPath, CancellationToken ct)
    {
        var spec = SpecFile.Load(specPath);
        var created = await client.StartCampaignAsync(spec, null, ct);
        AnsiConsole.MarkupLineInterpolated($"Created campaign [bold]{created.Id}[/] ({created.Mode}) on {client.BaseAddress}.");
        AnsiConsole.MarkupLineInterpolated($"Watch it with: sotopia --cluster {client.BaseAddress} campaign watch {created.Id}");
        return 0;
    }

    public static async Task<int> CampaignStatusAsync(SotopiaApiClient client, string? id, CancellationToken ct)
    {
        id ??= (await client.ListCampaignsAsync(ct)).FirstOrDefault()?.Id
            ?? throw new UserFacingException("The cluster has no campaigns yet. Start one with 'sotopia --cluster URL campaign start --spec FILE'.");
        ClusterOutput.CampaignStatus(await client.GetCampaignAsync(id, ct), AnsiConsole.Console);
        return 0;
    }

    public static async Task<int> ListCampaignsAsync(SotopiaApiClient client, CancellationToken ct)
    {
        ClusterOutput.CampaignList(await client.ListCampaignsAsync(ct), AnsiConsole.Console);
        return 0;
    }

    public static async Task<int> CancelCampaignAsync(SotopiaApiClient client, string id, CancellationToken ct)
    {
        var status = await client.CancelCampaignAsync(id, ct);
        AnsiConsole.MarkupLineInterpolated($"Campaign [bold]{status.Id}[/] is {ClusterOutput.Wire(status.Status)} ({status.Episodes.Cancelled} episodes cancelled).");
        return 0;
    }

    public static async Task<int> ListEpisodesAsync(
        SotopiaApiClient client, string? campaign, int? round, string? status, int limit, string? after, CancellationToken ct)
    {
        campaign ??= (await client.ListCampaignsAsync(ct)).FirstOrDefault()?.Id
            ?? throw new UserFacingException("The cluster has no campaigns yet.");
        ClusterOutput.EpisodePage(await client.ListEpisodesAsync(campaign, round, status, after, limit, ct), AnsiConsole.Console);
        return 0;
    }

    public static async Task<int> ShowEpisodeAsync(SotopiaApiClient client, string id, CancellationToken ct)
    {
        ClusterOutput.Episode(await client.GetEpisodeAsync(id, ct), AnsiConsole.Console);
        return 0;
    }

    public static async Task<int> ListPolicyAsync(SotopiaApiClient client, string name, CancellationToken ct)
    {
        ClusterOutput.Policy(await client.GetPolicyAsync(name, ct), AnsiConsole.Console);
        return 0;
    }

    public static async Task<int> ActivatePolicyAsync(SotopiaApiClient client, string name, int version, CancellationToken ct)
    {
        var policy = await client.ActivatePolicyAsync(name, version, ct);
        AnsiConsole.MarkupLineInterpolated($"Active: [bold]{policy.Name} v{policy.ActiveVersion}[/].");
        return 0;
    }

    public static async Task<int> RollbackPolicyAsync(SotopiaApiClient client, string name, CancellationToken ct)
    {
        var policy = await client.RollbackPolicyAsync(name, ct);
        AnsiConsole.MarkupLineInterpolated($"Rolled back; active: [bold]{policy.Name} v{policy.ActiveVersion}[/].");
        return 0;
    }

    public static async Task<int> ImportDatasetAsync(SotopiaApiClient client, string path, IReadOnlyList<string> sets, CancellationToken ct)
    {
        var imported = await client.ImportDatasetAsync(path, sets, ct);
        foreach (var warning in imported.Warnings)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning[/]: {warning}");
        }
        AnsiConsole.MarkupLineInterpolated(
            $"Imported {imported.Characters} characters, {imported.Relationships} relationships, {imported.Scenarios} scenarios, {imported.Tasks} tasks, {imported.NamedSets.Length} named sets into the cluster's store as dataset version {imported.Version}.");
        return 0;
    }

    private static Command Watch()
    {
        var id = new Argument<string>("id") { Description = "Campaign id." };
        var interval = new Option<TimeSpan>("--interval") { Description = "How often to ask the silo (default 00:00:01).", DefaultValueFactory = _ => TimeSpan.FromSeconds(1) };
        var command = new Command("watch", "Follow a campaign live (cluster mode): per stage episodes running/done/failed, rate, ETA, training; per silo.") { id, interval };
        command.SetAction((parse, ct) => ClusterMode.Run(parse, ct, (client, _, token) =>
        {
            var every = parse.GetValue(interval);
            if (every <= TimeSpan.Zero)
            {
                throw new UserFacingException("--interval must be positive.");
            }
            return new ClusterCampaignWatch(client, AnsiConsole.Console, every).RunAsync(parse.GetValue(id)!, token);
        }));
        return command;
    }

    private static Command StatusChange(string name, string description, Func<SotopiaApiClient, string, CancellationToken, Task<CampaignStatusResponse>> change)
    {
        var id = new Argument<string>("id") { Description = "Campaign id." };
        var command = new Command(name, description) { id };
        command.SetAction((parse, ct) => ClusterMode.Run(parse, ct, async (client, _, token) =>
        {
            var status = await change(client, parse.GetValue(id)!, token);
            AnsiConsole.MarkupLineInterpolated($"Campaign [bold]{status.Id}[/] is {ClusterOutput.Wire(status.Status)}.");
            return status.Status is CampaignStatus.Failed ? 1 : 0;
        }));
        return command;
    }
}
