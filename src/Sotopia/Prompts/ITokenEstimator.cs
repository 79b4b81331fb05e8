namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Counts how many tokens a text takes for the model that will read it: prompt budgets (SFT truncation)
/// and the LLM gateway's token buckets and usage estimates. The implementation is
/// <see cref="TiktokenTokenEstimator"/>.</summary>
public interface ITokenEstimator
{
    int EstimateTokens(string text);
}
