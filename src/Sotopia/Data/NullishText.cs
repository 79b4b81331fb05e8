namespace SotopiaPi.Sotopia.Data;

/// <summary>The strings SOTOPIA's flattened exports use for "no value": <c>nan</c>, <c>none</c>, <c>None</c>,
/// <c>null</c> and the empty string (compared without case, after trimming).</summary>
internal static class NullishText
{
    /// <summary>What the exporter writes for a null constraint or background story (pandas' NaN).</summary>
    public const string Nan = "nan";

    /// <summary>What the exporter writes for a null agent constraint, as in the original files.</summary>
    public const string None = "none";

    public static bool IsNullish(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var trimmed = text.AsSpan().Trim();
        return trimmed.Equals("nan", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("none", StringComparison.OrdinalIgnoreCase)
            || trimmed.Equals("null", StringComparison.OrdinalIgnoreCase);
    }
}
