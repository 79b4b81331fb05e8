using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Simulator;

/// <summary>A test stand-in for the real prompt renderer/reader pair: the "prompt" is the JSON of a
/// <see cref="ParsedPrompt"/>. Lets the tests run policies and the trainer end-to-end through
/// <see cref="IPromptReader"/> without depending on the real prompt format.</summary>
internal sealed class JsonPromptReader : IPromptReader
{
    public static string Render(ParsedPrompt prompt) => JsonSerializer.Serialize(prompt, SotopiaJson.Options);

    public ParsedPrompt Read(string prompt)
    {
        try
        {
            return JsonSerializer.Deserialize<ParsedPrompt>(prompt, SotopiaJson.Options)
                ?? throw new FormatException("The prompt is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new FormatException("The prompt is not a serialized ParsedPrompt: " + ex.Message, ex);
        }
    }
}
