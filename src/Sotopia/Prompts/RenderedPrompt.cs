namespace SotopiaPi.Sotopia.Prompts;

/// <summary>A rendered agent prompt with what truncation did to it.</summary>
/// <param name="Text">The prompt.</param>
/// <param name="HistoryLines">History lines (one per earlier step) kept in the prompt.</param>
/// <param name="DroppedHistoryLines">Oldest history lines dropped to fit the token budget.</param>
/// <param name="EstimatedTokens">The prompt's size by the options' token estimator.</param>
public sealed record RenderedPrompt(string Text, int HistoryLines, int DroppedHistoryLines, int EstimatedTokens)
{
    public bool Truncated => DroppedHistoryLines > 0;
}
