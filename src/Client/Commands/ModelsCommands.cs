using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Client.Commands;

/// <summary><c>sotopia models show|check</c>: the LLM roles as configured, and one live call per endpoint.</summary>
internal static class ModelsCommands
{
    public static Command Create()
    {
        var models = new Command("models", "Show the language-model roles and check their endpoints.");
        models.Subcommands.Add(Show());
        models.Subcommands.Add(Check());
        return models;
    }

    private static Command Show()
    {
        var config = LlmBackendOptions.CreateConfig();
        var command = new Command("show", "Print every role's endpoint, model, sampling settings and limits as configured (no call is made).") { config };
        command.SetAction((parse, ct) => CliContext.GuardAsync(() =>
        {
            CliContext.RefuseCluster(parse);
            var settings = LlmBackendOptions.LoadSettings(parse.GetValue(config));
            var table = new Table().Title($"[bold]LLM roles[/] ({Markup.Escape(settings.Origin)})").Border(TableBorder.Rounded);
            foreach (var column in new[] { "role", "base URL", "model", "key variable", "temperature", "max tokens", "timeout", "concurrency", "RPM", "TPM", "structured" })
            {
                table.AddColumn(column);
            }
            foreach (var role in LlmSettings.RoleNames.Select(settings.Role))
            {
                var keySet = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(role.ApiKeyVariable));
                table.AddRow(
                    role.Role,
                    Markup.Escape(role.BaseUrl.ToString()),
                    Markup.Escape(role.Model),
                    Markup.Escape(role.ApiKeyVariable) + (keySet ? " (set)" : " [yellow](not set)[/]"),
                    role.Temperature?.ToString("0.0#", CultureInfo.InvariantCulture) ?? "-",
                    role.MaxTokens?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    $"{role.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
                    role.MaxConcurrency.ToString(CultureInfo.InvariantCulture),
                    role.RequestsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "auto",
                    role.TokensPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "auto",
                    role.StructuredOutputs.ToString().ToLowerInvariant());
            }
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command Check()
    {
        var config = LlmBackendOptions.CreateConfig();
        var command = new Command("check", "Call every configured endpoint once; report model, latency, whether structured outputs work, and rate-limit headers. Exit code 0 = all answered.") { config };
        command.SetAction((parse, ct) => CliContext.GuardAsync(async () =>
        {
            CliContext.RefuseCluster(parse);
            var settings = LlmBackendOptions.LoadSettings(parse.GetValue(config));
            using var gateway = new LlmGateway(settings with { Retry = settings.Retry with { MaxAttempts = Math.Min(settings.Retry.MaxAttempts, 2) } },
                TimeProvider.System, NullLogger<LlmGateway>.Instance);
            var results = await LlmModelsCheck.RunAsync(gateway, ct);
            AnsiConsole.MarkupLineInterpolated($"Endpoint check ({settings.Origin}):");
            foreach (var r in results)
            {
                AnsiConsole.MarkupLineInterpolated($"{string.Join(", ", r.Roles)} — {r.BaseUrl}, model {r.Model}: {(r.Ok ? "ok" : "FAILED")}");
                if (r.AnsweredModel is not null)
                {
                    AnsiConsole.MarkupLineInterpolated(
                        $"  answered by {r.AnsweredModel} in {(r.Latency ?? TimeSpan.Zero).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms; structured outputs: {r.StructuredOutputs}");
                    AnsiConsole.MarkupLineInterpolated(
                        $"  rate-limit headers: {(r.RateLimitHeaders.Count == 0 ? "none" : string.Join(", ", r.RateLimitHeaders.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {h.Value}")))}");
                }
                if (r.Error is not null)
                {
                    AnsiConsole.MarkupLineInterpolated($"  [red]error:[/] {r.Error}");
                }
            }
            return results.All(r => r.Ok) ? 0 : 1;
        }));
        return command;
    }
}
