using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SotopiaPi.Client.Output;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Sotopia.Policies;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia policy list|activate|rollback</c>.</summary>
internal static class PolicyCommands
{
    public static Command Create()
    {
        var policy = new Command("policy", "Inspect and choose policy versions.");
        var name = new Option<string>("--policy") { Description = "Policy name.", DefaultValueFactory = _ => "sotopia-pi", Recursive = true };
        policy.Options.Add(name);

        var list = new Command("list", "List versions with lineage and metrics; * marks the active one.");
        list.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var policyName = parse.GetValue(name)!;
            var versions = await runtime.Store.ListVersionsAsync(policyName, ct);
            if (versions.Count == 0)
            {
                throw new UserFacingException($"Policy '{policyName}' has no versions yet.");
            }
            var active = await runtime.Store.GetActiveVersionAsync(policyName, ct);
            AnsiConsole.Write(PolicyVersionsTable.Create(policyName, versions, active?.Version));
            return 0;
        })));

        var version = new Argument<int>("version") { Description = "Version number to activate." };
        var activate = new Command("activate", "Make a version active: new episodes pin it, running ones keep theirs.") { version };
        activate.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            // No silo runs on this folder (the lock says so): the registry's rules apply to the store directly.
            var registry = new PolicyRegistry(runtime.Store, TimeProvider.System);
            try
            {
                var v = await registry.ActivateAsync(parse.GetValue(name)!, parse.GetValue(version), ct);
                AnsiConsole.MarkupLineInterpolated($"Active: [bold]{v.PolicyName} v{v.Version}[/] ({v.Model}).");
                return 0;
            }
            catch (KeyNotFoundException ex)
            {
                throw new UserFacingException(ex.Message);
            }
        })));

        var rollback = new Command("rollback", "Re-activate the version the active one was trained from.");
        rollback.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            // No silo runs on this folder (the lock says so): the registry's rules apply to the store directly.
            var registry = new PolicyRegistry(runtime.Store, TimeProvider.System);
            try
            {
                var v = await registry.RollbackAsync(parse.GetValue(name)!, ct);
                AnsiConsole.MarkupLineInterpolated($"Rolled back; active: [bold]{v.PolicyName} v{v.Version}[/] ({v.Model}).");
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException)
            {
                throw new UserFacingException(ex.Message);
            }
        })));

        ClusterMode.Branch(list, (client, parse, ct) => ClusterCommands.ListPolicyAsync(client, parse.GetValue(name)!, ct));
        ClusterMode.Branch(activate, (client, parse, ct) => ClusterCommands.ActivatePolicyAsync(client, parse.GetValue(name)!, parse.GetValue(version), ct));
        ClusterMode.Branch(rollback, (client, parse, ct) => ClusterCommands.RollbackPolicyAsync(client, parse.GetValue(name)!, ct));
        policy.Subcommands.Add(list);
        policy.Subcommands.Add(activate);
        policy.Subcommands.Add(rollback);
        return policy;
    }
}
