using System.CommandLine;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Client.Commands;

/// <summary>The <c>data</c> command group. <c>data check</c> lives here; <c>data import</c>/<c>data export</c>
/// need the store and are added elsewhere.</summary>
internal static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Check, import and export SOTOPIA characters, relationships, scenarios and tasks.");
        data.Subcommands.Add(CreateCheck());
        return data;
    }

    private static Command CreateCheck()
    {
        var path = new Argument<string>("path")
        {
            Description = "A folder in SOTOPIA's JSONL layout (agent_profiles.jsonl, environment_profiles.jsonl, ...), a Redis-OM JSON export, or a named-set JSON file.",
        };
        var sets = new Option<string[]>("--sets")
        {
            Description = "Extra named-set files (JSON: set name -> list of scenario ids), e.g. SOTOPIA-pi's used_env.json.",
            AllowMultipleArgumentsPerToken = true,
        };
        var check = new Command("check", "Load and validate data; print counts, named sets and every problem. Exit code 0 = valid (warnings allowed), 1 = errors, 2 = unreadable.");
        check.Arguments.Add(path);
        check.Options.Add(sets);
        check.SetAction((parseResult, ct) => CliContext.GuardAsync(() =>
        {
            CliContext.RefuseCluster(parseResult);
            return Task.FromResult(DataCheck.Run(parseResult.GetValue(path) ?? "", parseResult.GetValue(sets) ?? [], Console.Out));
        }));
        return check;
    }
}
