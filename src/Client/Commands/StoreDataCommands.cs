using System.CommandLine;
using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using Spectre.Console;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia data import|export|list</c>: move dataset versions into and out of the store, list them.</summary>
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
                var version = await runtime.Store.ImportDatasetAsync(loaded.Dataset, loaded.Source, ct);
                var d = loaded.Dataset;
                AnsiConsole.MarkupLineInterpolated(
                    $"Imported {d.Characters.Length} characters, {d.Relationships.Length} relationships, {d.Scenarios.Length} scenarios, {d.Tasks.Length} tasks, {d.NamedSets.Count} named sets into {runtime.Home} as dataset version {version.Version} (sha256 {version.ContentHash[..12]}).");
                return 0;
            });
        }));
        ClusterMode.Branch(command, (client, parse, ct) => ClusterCommands.ImportDatasetAsync(client, parse.GetValue(path)!, parse.GetValue(sets) ?? [], ct));
        return command;
    }

    public static Command Export()
    {
        var folder = new Argument<string>("dir") { Description = "Folder to write the flattened JSONL files into." };
        var version = new Option<int?>("--version") { Description = "The dataset version to write (default: the newest; 'sotopia data list' lists them)." };
        var command = new Command("export", "Write a stored dataset version out in SOTOPIA's flattened JSONL layout.") { folder, version };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            SotopiaDataset dataset;
            try
            {
                dataset = await runtime.Store.LoadDatasetAsync(parse.GetValue(version), ct);
            }
            catch (KeyNotFoundException ex)
            {
                throw new UserFacingException($"--version: {ex.Message}");
            }
            var dir = Path.GetFullPath(parse.GetValue(folder)!);
            SotopiaDataExporter.Write(dataset, dir);
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {dataset.Characters.Length} characters, {dataset.Relationships.Length} relationships, {dataset.Scenarios.Length} scenarios, {dataset.Tasks.Length} tasks to {dir}.");
            return 0;
        })));
        return command;
    }

    public static Command List()
    {
        var command = new Command("list", "List the stored dataset versions (each import is one; campaigns name the version they run on).");
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            WriteVersions(await runtime.Store.ListDatasetVersionsAsync(ct));
            return 0;
        })));
        ClusterMode.Branch(command, async (client, _, ct) =>
        {
            WriteVersions((await client.ListDatasetVersionsAsync(ct)).Versions);
            return 0;
        });
        return command;
    }

    /// <summary>A table of the versions, oldest first (the last one is what a new campaign imports over or what
    /// <c>--version</c> defaults to).</summary>
    public static void WriteVersions(IReadOnlyList<DatasetVersion> versions)
    {
        if (versions.Count == 0)
        {
            AnsiConsole.MarkupLine("No dataset stored yet; import one with [bold]sotopia data import PATH[/].");
            return;
        }
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "version", "created (UTC)", "sha256", "characters", "scenarios", "tasks", "named sets", "source" })
        {
            table.AddColumn(column);
        }
        foreach (var v in versions)
        {
            table.AddRow(
                v.Version.ToString(CultureInfo.InvariantCulture),
                v.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                v.ContentHash.Length > 12 ? v.ContentHash[..12] : v.ContentHash,
                v.Characters.ToString(CultureInfo.InvariantCulture),
                v.Scenarios.ToString(CultureInfo.InvariantCulture),
                v.Tasks.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", v.NamedSets)),
                Markup.Escape(v.Source));
        }
        AnsiConsole.Write(table);
    }
}
