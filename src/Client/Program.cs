using System.CommandLine;
using Spectre.Console;
using SotopiaPi.Client.Cluster;
using SotopiaPi.Client.Commands;

if (Console.IsOutputRedirected)
{
    // Logs and CI captures are read as plain text in wide viewers: no colour codes, no wrapping at 80 columns.
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
}

var root = new RootCommand("sotopia — SOTOPIA-π at cluster scale: generate social tasks, play and judge episodes, filter, fine-tune, repeat.");
root.Options.Add(CliContext.Home);
root.Options.Add(ClusterMode.Url);
root.Options.Add(ClusterMode.HttpTimeout);
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(CampaignCommands.Create());
root.Subcommands.Add(EpisodeCommands.Create());
root.Subcommands.Add(ExportCommands.Create());
root.Subcommands.Add(PolicyCommands.Create());
root.Subcommands.Add(ReportCommands.Create());
root.Subcommands.Add(ModelsCommands.Create());
root.Subcommands.Add(TasksCommands.Create());
var data = DataCommands.Create();
data.Subcommands.Add(StoreDataCommands.Import());
data.Subcommands.Add(StoreDataCommands.Export());
data.Subcommands.Add(StoreDataCommands.List());
root.Subcommands.Add(data);
ClusterCommands.AddTo(root);
return await root.Parse(args).InvokeAsync();
