namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Estimates how many tokens a text takes for the model that will read it. Used to fit training prompts
/// into a token budget without loading a tokenizer; replace it with a real tokenizer when one is available.</summary>
public interface ITokenEstimator
{
    int EstimateTokens(string text);
}
