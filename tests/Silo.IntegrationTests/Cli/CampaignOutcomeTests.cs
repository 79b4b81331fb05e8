using SotopiaPi.Client;
using SotopiaPi.Client.Commands;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.IntegrationTests.Cli;

/// <summary>A campaign that "completed" while its episodes or evaluations failed makes <c>sotopia run</c> fail (exit 3),
/// saying which failed and how many; a few failures under <c>--max-failed</c> do not.</summary>
public sealed class CampaignOutcomeTests
{
    [Fact]
    public void EveryEvaluationFailingMeansNothingWasScored()
    {
        var why = CampaignOutcome.Check(new EpisodeCounts(0, 0, 0, EvaluationFailed: 100, Failed: 0, Cancelled: 0), 100);

        Assert.Equal("nothing was scored: of 100 played episodes 0 failed and 100 had their evaluation fail", why);
    }

    [Fact]
    public void FailedEpisodesAboveTheThresholdAreNamedWithTheirShare()
    {
        var why = CampaignOutcome.Check(new EpisodeCounts(0, 0, Completed: 80, EvaluationFailed: 5, Failed: 15, Cancelled: 3), 10);

        Assert.Equal("15 of 100 episodes failed (15%, above --max-failed 10%)", why);
    }

    [Fact]
    public void FailedEvaluationsAboveTheThresholdAreNamedToo()
    {
        var why = CampaignOutcome.Check(new EpisodeCounts(0, 0, Completed: 50, EvaluationFailed: 30, Failed: 20, Cancelled: 0), 10);

        Assert.Equal("20 of 100 episodes failed (20%, above --max-failed 10%); 30 of 100 evaluations failed (30%, above --max-failed 10%)", why);
    }

    [Fact]
    public void FailuresAtOrUnderTheThresholdAndCancelledEpisodesPass()
    {
        Assert.Null(CampaignOutcome.Check(new EpisodeCounts(0, 0, Completed: 90, EvaluationFailed: 5, Failed: 5, Cancelled: 40), 10));
        Assert.Null(CampaignOutcome.Check(new EpisodeCounts(0, 0, 0, 0, 0, Cancelled: 10), 10));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void AMaxFailedOutsideZeroToHundredIsAUsageError(double percent)
    {
        var error = Assert.Throws<UserFacingException>(() => CampaignOutcome.CheckMaxFailed(percent));

        Assert.StartsWith("--max-failed must be a percentage from 0 to 100", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>A set budget is never shown as "$0" (issue 13, item 4).</summary>
public sealed class BudgetTextTests
{
    [Theory]
    [InlineData("5", "$5.00")]
    [InlineData("0.004", "$0.004")]
    [InlineData("0.0000004", "$4E-07")]
    [InlineData("0", "$0.00")]
    public void TheBudgetKeepsItsDigits(string usd, string expected) =>
        Assert.Equal(expected, SotopiaPi.Client.Output.CampaignUsageOutput.Usd(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>The console's usage lines show the spending, what calls in flight reserved, and why a campaign whose
/// spending is below its budget was paused (issue 13, item 4).</summary>
public sealed class BudgetConsoleTests
{
    [Fact]
    public void APausedCampaignShowsItsSpendingTheReservationsAndWhyItPaused()
    {
        var usage = new CampaignUsage { Calls = 13, PromptTokens = 1_300, CompletionTokens = 260, CostUsd = 0.00182m };
        var budget = new CampaignBudget { MaxCostUsd = 0.002m };
        var reserved = new CampaignReservationResponse { CallsInFlight = 3, Tokens = 450, CostUsd = 0.0006m };
        var text = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(text),
            ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            Interactive = Spectre.Console.InteractionSupport.No,
        });
        console.Profile.Width = 400;

        SotopiaPi.Client.Output.CampaignUsageOutput.Render(usage, budget, CampaignStatus.Paused, reserved, console);

        var output = text.ToString();
        Assert.Contains("13 answers, 1,300 prompt tokens (0 cached) + 260 completion tokens, cost $0.0018; budget: $0.002", output, StringComparison.Ordinal);
        Assert.Contains("reserved by 3 calls in flight: 450 tokens, $0.0006", output, StringComparison.Ordinal);
        Assert.Contains("paused: $0.00182 of $0.002 spent; paused by hand, or because the next call's estimate (prompt + answer limit) would pass the budget", output, StringComparison.Ordinal);
    }
}
