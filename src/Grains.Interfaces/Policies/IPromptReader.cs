namespace SotopiaPi.Grains.Interfaces;

/// <summary>Reads a rendered agent prompt back into its parts. Throws <see cref="FormatException"/> naming
/// what is missing when the text is not an agent prompt of ours.</summary>
public interface IPromptReader
{
    ParsedPrompt Read(string prompt);
}
