using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Finds the JSON objects in a model's answer, whatever surrounds them (code fences, prose).</summary>
internal static class JsonObjects
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Every complete, well-formed JSON object found scanning left to right; objects nested in an object
    /// already found are not listed separately.</summary>
    public static List<JsonElement> FindAll(string text)
    {
        var found = new List<JsonElement>();
        var bytes = Encoding.UTF8.GetBytes(text);
        var position = 0;
        while (position < bytes.Length)
        {
            var start = Array.IndexOf(bytes, (byte)'{', position);
            if (start < 0)
            {
                break;
            }
            if (TryParseObjectAt(bytes, start, out var element, out var consumed))
            {
                found.Add(element);
                position = start + consumed;
            }
            else
            {
                position = start + 1;
            }
        }
        return found;
    }

    /// <summary>Finds the first object that has <paramref name="key"/> (case-insensitive); otherwise an error
    /// message saying what was (not) found.</summary>
    public static bool TryFindWithKey(string text, string key, out JsonElement found, [NotNullWhen(false)] out string? error)
    {
        var objects = FindAll(text);
        foreach (var obj in objects)
        {
            if (TryGetProperty(obj, key, out _))
            {
                found = obj;
                error = null;
                return true;
            }
        }
        found = default;
        error = objects.Count == 0
            ? "the answer contains no well-formed JSON object"
            : $"the answer's JSON object has no \"{key}\" field";
        return false;
    }

    /// <summary>Gets a property by exact name, else by case-insensitive name.</summary>
    public static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static bool TryParseObjectAt(byte[] bytes, int start, out JsonElement element, out int consumed)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start), ReaderOptions);
            using var document = JsonDocument.ParseValue(ref reader);
            element = document.RootElement.Clone();
            consumed = (int)reader.BytesConsumed;
            return element.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            element = default;
            consumed = 0;
            return false;
        }
    }
}
