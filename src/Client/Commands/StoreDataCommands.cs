using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia data import|export</c>: move datasets into and out of the store.</summary>
internal static class StoreDataCommands
{
    public static Command Import()
    {
        var path = new Argument<string>("path") { Description = "Dataset folder (flattened JSONL) or Redis-OM JSON export." };
        var sets = new Option<string[]>("--sets") { Description = "Extra named-set files (e.g. used_env.json).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("import", "Validate a dataset and import it into the store.") { path, sets };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() =>
        {
            // The data is read and checked before the store folder is created: a rejected import creates nothing.
            var loaded = SotopiaDataLoader.Load(parse.GetValue(path)!, parse.GetValue(sets) ?? []);
            foreach (var problem in loaded.Problems.Take(DataCheck.MaxListedProblems))
            {
                var label = problem.IsError ? "[red]error[/]" : "[yellow]warning[/]";
                AnsiConsole.MarkupLine($"{label}: {Markup.Escape(problem.ToString())}");
            }
            if (DataCheck.DescribeUnlisted(loaded, DataCheck.MaxListedProblems) is { } more)
            {
                AnsiConsole.WriteLine(more);
            }
            if (!loaded.IsValid)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Nothing imported:[/] {loaded.ErrorCount:N0} error(s); fix them first ('sotopia data check' lists them).");
                return Task.FromResult(1);
            }
            return CliContext.WithRuntimeAsync(parse, ct, async runtime =>
            {
                await runtime.Store.ImportDatasetAsync(loaded.Dataset, ct);
                var d = loaded.Dataset;
                AnsiConsole.MarkupLineInterpolated(
                    $"Imported {d.Characters.Length} characters, {d.Relationships.Length} relationships, {d.Scenarios.Length} scenarios, {d.Tasks.Length} tasks, {d.NamedSets.Count} named sets into {runtime.Home}.");
                return 0;
            });
        }));
        ClusterMode.Branch(command, (client, parse, ct) => ClusterCommands.ImportDatasetAsync(client, parse.GetValue(path)!, parse.GetValue(sets) ?? [], ct));
        return command;
    }

    public static Command Export()
    {
        var folder = new Argument<string>("dir") { Description = "Folder to write the flattened JSONL files into." };
        var command = new Command("export", "Write the store's dataset out in SOTOPIA's flattened JSONL layout.") { folder };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var dataset = await runtime.Store.LoadDatasetAsync(ct);
            var dir = Path.GetFullPath(parse.GetValue(folder)!);
            SotopiaDataExporter.Write(dataset, dir);
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {dataset.Characters.Length} characters, {dataset.Relationships.Length} relationships, {dataset.Scenarios.Length} scenarios, {dataset.Tasks.Length} tasks to {dir}.");
            return 0;
        })));
        return command;
    }
}
