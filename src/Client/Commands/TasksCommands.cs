using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia tasks generate|provenance</c>: SOTOPIA-π task generation with the generator role's model,
/// and the generated scenarios' provenance in SOTOPIA-π's <c>used_prompt.csv</c> layout.</summary>
internal static class TasksCommands
{
    /// <summary>Named sets excluded from the examples by default when they exist (the evaluation sets of the starter
    /// data and of SOTOPIA-π's splits).</summary>
    private static readonly string[] DefaultExcludedSets = ["hard", "sotopia_env", "sotopia_hard_env"];

    public static Command Create()
    {
        var tasks = new Command("tasks", "Generate new social tasks with a language model and inspect their provenance.");
        tasks.Subcommands.Add(Generate());
        tasks.Subcommands.Add(Provenance());
        return tasks;
    }

    private static Command Generate()
    {
        var count = new Option<int>("--count") { Description = "How many new scenarios to add.", Required = true };
        var inspirations = new Option<string[]>("--inspirations")
        {
            Description = "Inspiration files: Social-Chem-101 TSV (situation), Social IQa JSONL (context), NormBank CSV (behavior), SOTOPIA-pi's inspirational_prompt.csv (prompt, source), or a .txt list of keywords.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var config = LlmBackendOptions.CreateConfig();
        var dataset = new Option<string>("--dataset") { Description = "Dataset imported first when the store has no scenarios yet (characters and examples come from it).", DefaultValueFactory = _ => "starter" };
        var set = new Option<string>("--set") { Description = "Named set the new scenarios join.", DefaultValueFactory = _ => "generated" };
        var exclude = new Option<string[]>("--exclude-set") { Description = "Named sets never shown as examples (default: hard, sotopia_env, sotopia_hard_env where present).", AllowMultipleArgumentsPerToken = true };
        var pairs = new Option<int>("--pairs") { Description = "Character pairs sampled per new scenario.", DefaultValueFactory = _ => 5 };
        var seed = new Option<long>("--seed") { Description = "Seed for drawing inspirations, examples and pairs.", DefaultValueFactory = _ => 42 };
        var parallel = new Option<int>("--parallel") { Description = "Generator calls in flight at once.", DefaultValueFactory = _ => 4 };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Generator calls allowed in all (default 3 x count)." };
        var command = new Command("generate", "Generate scenarios from inspirational keywords (one keyword + one existing scenario as the example per call), validate them, reject near-duplicates, sample character pairs, and store them with their provenance.")
        {
            count, inspirations, config, dataset, set, exclude, pairs, seed, parallel, maxAttempts,
        };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var files = parse.GetValue(inspirations) ?? [];
            var read = new List<Inspiration>();
            foreach (var file in files)
            {
                try
                {
                    read.AddRange(InspirationReader.Read(file));
                }
                catch (InspirationFormatException ex)
                {
                    throw new UserFacingException(ex.Message);
                }
            }
            var settings = LlmBackendOptions.LoadSettings(parse.GetValue(config));
            LlmBackendOptions.Use(runtime, settings);
            var stored = await runtime.Store.LoadDatasetAsync(null, ct);
            if (stored.Scenarios.IsEmpty || stored.Characters.IsEmpty)
            {
                var path = DatasetLocator.Resolve(parse.GetValue(dataset)!);
                var loaded = SotopiaDataLoader.Load(path);
                if (!loaded.IsValid)
                {
                    throw new UserFacingException($"The dataset '{path}' has errors: {string.Join("; ", loaded.Problems.Where(p => p.Severity == DataProblemSeverity.Error).Take(5))}");
                }
                var version = await runtime.Store.ImportDatasetAsync(loaded.Dataset, loaded.Source, ct);
                stored = loaded.Dataset;
                AnsiConsole.MarkupLineInterpolated($"Imported {stored.Scenarios.Length} scenarios and {stored.Characters.Length} characters from {path} as dataset version {version.Version}.");
            }
            var excluded = parse.GetValue(exclude) is { Length: > 0 } given
                ? given
                : DefaultExcludedSets.Where(stored.NamedSets.ContainsKey).ToArray();

            await using var services = runtime.BuildServices();
            var generator = services.GetRequiredService<LlmTaskGenerator>();
            var request = new TaskGenerationRequest
            {
                Count = parse.GetValue(count),
                Inspirations = read,
                ExcludedSets = [.. excluded],
                SetName = parse.GetValue(set)!,
                PairsPerScenario = parse.GetValue(pairs),
                Seed = parse.GetValue(seed),
                Parallelism = parse.GetValue(parallel),
                MaxAttempts = parse.GetValue(maxAttempts),
            };
            AnsiConsole.MarkupLineInterpolated(
                $"Generating {request.Count} scenario(s) with {settings.Role(AgentRoles.Generator).Model} from {read.Count} inspirations in {files.Length} file(s); examples exclude: {(excluded.Length == 0 ? "nothing" : string.Join(", ", excluded))}.");
            TaskGenerationReport report;
            try
            {
                report = await generator.GenerateAsync(request, runtime.Store, line => AnsiConsole.MarkupLineInterpolated($"  {line}"), ct);
            }
            catch (InvalidOperationException ex)
            {
                throw new UserFacingException(ex.Message);
            }
            var cost = report.Usage is { } u ? new CampaignBudget { Prices = settings.Prices }.PriceOf(u.Model)?.Cost(u) : null;
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"Stored {report.Generated.Length} new scenario(s) with {report.Tasks} task(s) in set '{request.SetName}'{(report.DatasetVersion is { } dv ? $" of the new dataset version {dv}" : "")} ({report.Attempts} call(s), {report.Rejections.Length} rejected; inspirations: {report.InspirationsRead} read, {report.DuplicateInspirations} duplicates, {report.AlreadyUsedInspirations} already used).");
            if (report.Usage is { } usage)
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                    $"Usage: {usage.PromptTokens:N0} prompt ({usage.CachedTokens:N0} cached) + {usage.CompletionTokens:N0} completion tokens{(cost is { } c ? string.Create(CultureInfo.InvariantCulture, $", ${c:0.0000}") : "")}.");
            }
            AnsiConsole.MarkupLine("Export with [bold]sotopia data export DIR[/]; provenance with [bold]sotopia tasks provenance[/].");
            return report.Generated.Length >= request.Count ? 0 : 1;
        })));
        return command;
    }

    private static Command Provenance()
    {
        var output = new Option<string?>("--out") { Description = "Write SOTOPIA-pi's used_prompt.csv layout (model|source|pk|prompt) to this file instead of the console." };
        var command = new Command("provenance", "List generated scenarios with the keyword, source and model each came from.") { output };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var dataset = await runtime.Store.LoadDatasetAsync(null, ct);
            var generated = dataset.Scenarios.Where(s => s.Provenance is not null).ToList();
            if (parse.GetValue(output) is { } path)
            {
                var text = new StringBuilder("model|source|pk|prompt\n");
                foreach (var s in generated)
                {
                    text.Append(Clean(s.Provenance!.Model)).Append('|').Append(Clean(s.Provenance.Source)).Append('|').Append(s.Id).Append('|').Append(Clean(s.Provenance.Keyword)).Append('\n');
                }
                await File.WriteAllTextAsync(path, text.ToString(), ct);
                AnsiConsole.MarkupLineInterpolated($"Wrote the provenance of {generated.Count} generated scenario(s) to {path}.");
                return 0;
            }
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "scenario", "codename", "source", "keyword", "model", "example", "generated" })
            {
                table.AddColumn(column);
            }
            foreach (var s in generated)
            {
                var p = s.Provenance!;
                table.AddRow(s.Id, Markup.Escape(s.Codename), Markup.Escape(p.Source), Markup.Escape(p.Keyword), Markup.Escape(p.Model),
                    Markup.Escape(p.ExampleScenarioId ?? "-"), p.GeneratedAt.ToString("u", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return 0;
        })));
        return command;
    }

    private static string Clean(string text) => text.Replace('|', '/').ReplaceLineEndings(" ");
}
