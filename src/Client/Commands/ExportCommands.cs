using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Filtering;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Sft;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia export sft</c>: a round's filtered trajectories as fine-tuning data.</summary>
internal static class ExportCommands
{
    public static Command Create()
    {
        var export = new Command("export", "Export data for other tools.");
        var campaign = new Option<string?>("--campaign") { Description = "Campaign id (default: the newest)." };
        var round = new Option<int>("--round") { Description = "Round (stage index) whose filtered episodes to export.", Required = true };
        var output = new Option<string>("--out") { Description = "Output JSONL file.", Required = true };
        var format = new Option<string>("--format") { Description = "chat (OpenAI fine-tuning, TRL) or alpaca (LLaMA-Factory).", DefaultValueFactory = _ => "chat" };
        var quirk = new Option<bool>("--reproduce-bracket-quirk") { Description = "Keep the original '[action] …' prefix in action arguments, as SOTOPIA-π's data did." };
        var maxTokens = new Option<int?>("--max-prompt-tokens") { Description = "Token budget of a prompt (default: the campaign's trainer setting)." };
        var sft = new Command("sft", "Write the round's top trajectories (the campaign's filter) as SFT JSONL.") { campaign, round, output, format, quirk, maxTokens };
        sft.SetAction((parse, ct) => CliContext.GuardAsync(() => CliContext.WithRuntimeAsync(parse, ct, async runtime =>
        {
            var sftFormat = parse.GetValue(format)!.ToLowerInvariant() switch
            {
                "chat" => SftFormat.Chat,
                "alpaca" => SftFormat.Alpaca,
                var other => throw new UserFacingException($"--format: '{other}' is not one of chat, alpaca."),
            };
            var c = await CampaignCommands.FindAsync(runtime.Store, parse.GetValue(campaign), ct);
            var roundIndex = parse.GetValue(round);
            var episodes = await runtime.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = c.Id, Round = roundIndex }, ct);
            if (episodes.Count == 0)
            {
                throw new UserFacingException($"Campaign {c.Id} has no episodes in round {roundIndex}.");
            }
            var trajectories = EpisodeFilter.Filter(episodes, c.Spec.Filter);
            var examples = await RoundDatasetExporter.BuildExamplesAsync(
                runtime.Store, trajectories, parse.GetValue(maxTokens) ?? c.Spec.Trainer.MaxPromptTokens, parse.GetValue(quirk), c.Spec.Seed, ct);
            var path = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var stream = File.Create(path))
            {
                await RoundDatasetExporter.WriteAsync(examples, sftFormat, stream);
            }
            AnsiConsole.MarkupLineInterpolated($"Wrote {examples.Length} examples from {trajectories.Count} trajectories ({episodes.Count} episodes) to [bold]{path}[/].");
            return 0;
        })));
        export.Subcommands.Add(sft);
        return export;
    }
}
