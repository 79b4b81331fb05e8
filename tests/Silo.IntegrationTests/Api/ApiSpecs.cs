namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>Small campaign specs (the starter dataset): BC on 2 scenarios × 3 character pairs = 6 episodes.</summary>
internal static class ApiSpecs
{
    public const int BcEpisodes = 6;

    /// <summary>BC, then the evaluation (base, bc and expert against the partner, one pair per hard scenario).</summary>
    public const string Small = """
        {"name": "api-test", "mode": "bc", "sr_rounds": 0, "scenarios_per_round": 2, "pairs_per_scenario": 3,
         "evaluation_pairs_per_scenario": 1}
        """;

    /// <summary>BC only: done when the BC version is published.</summary>
    public const string BcOnly = """
        {"name": "api-bc", "mode": "bc", "sr_rounds": 0, "scenarios_per_round": 2, "pairs_per_scenario": 3,
         "skip_evaluation": true, "trainer": {"epochs": 5}}
        """;
}
