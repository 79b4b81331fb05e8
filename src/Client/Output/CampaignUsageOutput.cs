using System.Globalization;
using Spectre.Console;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Client.Output;

/// <summary>A campaign's model usage, cost and budget for <c>sotopia campaign status</c>: totals from every stored
/// turn and judgement, per model, priced with the campaign's price table.</summary>
internal static class CampaignUsageOutput
{
    /// <summary>A budget in dollars, never rounded to "$0": 5 → "$5.00", 0.004 → "$0.004", 0.0000004 → "$4E-07".</summary>
    public static string Usd(decimal usd) => usd != 0 && Math.Abs(usd) < 0.0001m
        ? "$" + ((double)usd).ToString("0.###E+00", CultureInfo.InvariantCulture)
        : "$" + usd.ToString("0.00####", CultureInfo.InvariantCulture);

    public static async Task RenderAsync(ISotopiaStore store, CampaignRecord campaign, IAnsiConsole console, CancellationToken ct)
    {
        var budget = campaign.Spec.Budget;
        if (campaign.Spec.Backend != "llm" && !budget.IsLimited)
        {
            return;
        }
        var usage = await CampaignUsageCalculator.ComputeAsync(store, campaign.Id, budget, ct);
        Render(usage, budget, campaign.Status, reserved: null, console);
    }

    /// <summary>The usage lines; <paramref name="reserved"/> (what calls in flight on a silo reserved, from the API)
    /// adds a line when calls are in flight.</summary>
    public static void Render(CampaignUsage usage, CampaignBudget budget, CampaignStatus status, CampaignReservationResponse? reserved, IAnsiConsole console)
    {
        var limits = new List<string>();
        if (budget.MaxCostUsd is { } usd)
        {
            limits.Add(Usd(usd));
        }
        if (budget.MaxTokens is { } tokens)
        {
            limits.Add(string.Create(CultureInfo.InvariantCulture, $"{tokens:N0} tokens"));
        }
        console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"  model usage: {usage.Calls:N0} answers, {usage.PromptTokens:N0} prompt tokens ({usage.CachedTokens:N0} cached) + {usage.CompletionTokens:N0} completion tokens, cost ${usage.CostUsd:0.0000}; budget: {(limits.Count == 0 ? "none" : string.Join(" / ", limits))}");
        foreach (var model in usage.ByModel)
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"    {model.Model}: {model.Calls:N0} answers, {model.PromptTokens:N0} + {model.CompletionTokens:N0} tokens ({model.CachedTokens:N0} cached), {(model.CostUsd is { } c ? string.Create(CultureInfo.InvariantCulture, $"${c:0.0000}") : "no price")}");
        }
        if (reserved is { CallsInFlight: > 0 })
        {
            console.MarkupLineInterpolated(CultureInfo.InvariantCulture,
                $"  reserved by {reserved.CallsInFlight:N0} calls in flight: {reserved.Tokens:N0} tokens, {Usd(reserved.CostUsd)} (prompt + answer limit each, not yet spent)");
        }
        var reached = usage.ExceededLimit(budget);
        if (reached is null && status == CampaignStatus.Paused && budget.IsLimited)
        {
            // The budget gate pauses before a call whose estimate would pass a limit, so the spending stays below it.
            reached = $"{string.Join(" / ", Spent(usage, budget))} spent; paused by hand, or because the next call's estimate (prompt + answer limit) would pass the budget";
        }
        if (reached is not null)
        {
            console.MarkupLineInterpolated(
                $"  [yellow]{(status == CampaignStatus.Paused ? "paused" : "budget")}:[/] {reached}. Raise it and continue with: sotopia run --resume --budget-usd N (or --budget-tokens N)");
        }
    }

    private static IEnumerable<string> Spent(CampaignUsage usage, CampaignBudget budget)
    {
        if (budget.MaxCostUsd is { } usd)
        {
            yield return $"{Usd(usage.CostUsd)} of {Usd(usd)}";
        }
        if (budget.MaxTokens is { } tokens)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{usage.TotalTokens:N0} of {tokens:N0} tokens");
        }
    }
}
