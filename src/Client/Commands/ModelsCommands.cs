using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using SotopiaPi.Silo.Llm;

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
            var settings = LlmBackendOptions.LoadSettings(parse.GetValue(config));
            using var gateway = new LlmGateway(settings with { Retry = settings.Retry with { MaxAttempts = Math.Min(settings.Retry.MaxAttempts, 2) } },
                TimeProvider.System, NullLogger<LlmGateway>.Instance);
            var results = await LlmModelsCheck.RunAsync(gateway, ct);
            var table = new Table().Title($"[bold]Endpoint check[/] ({Markup.Escape(settings.Origin)})").Border(TableBorder.Rounded);
            foreach (var column in new[] { "roles", "base URL", "model asked", "model answered", "latency", "structured outputs", "rate-limit headers", "result" })
            {
                table.AddColumn(column);
            }
            foreach (var r in results)
            {
                table.AddRow(
                    string.Join(", ", r.Roles),
                    Markup.Escape(r.BaseUrl.ToString()),
                    Markup.Escape(r.Model),
                    Markup.Escape(r.AnsweredModel ?? "-"),
                    r.Latency is { } l ? $"{l.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms" : "-",
                    Markup.Escape(r.StructuredOutputs),
                    r.RateLimitHeaders.Count == 0 ? "none" : Markup.Escape(string.Join("\n", r.RateLimitHeaders.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {h.Value}"))),
                    r.Ok ? "[green]ok[/]" : $"[red]{Markup.Escape(r.Error ?? "failed")}[/]");
            }
            AnsiConsole.Write(table);
            return results.All(r => r.Ok) ? 0 : 1;
        }));
        return command;
    }
}
