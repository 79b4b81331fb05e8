namespace SotopiaPi.Sotopia.Llm;

/// <summary>The source names inspirations carry (SOTOPIA's <c>source</c> spellings).</summary>
public static class InspirationSources
{
    /// <summary>Social-Chem-101, column <c>situation</c> (TSV).</summary>
    public const string SocialChemistry = "social_chemistry";
    /// <summary>Social IQa, field <c>context</c> (JSONL).</summary>
    public const string SocialIqa = "social_iqa";
    /// <summary>NormBank, column <c>behavior</c> (CSV).</summary>
    public const string NormBank = "normbank";
    /// <summary>A plain list of keywords, one per line.</summary>
    public const string Keywords = "keywords";

    /// <summary>Maps the spellings used in SOTOPIA-π's files (<c>social_chem</c>, <c>nan</c>…) to ours.</summary>
    public static string Normalize(string? source)
    {
        var s = (source ?? "").Trim().ToLowerInvariant();
        return s switch
        {
            "" or "nan" or "none" or "null" => Keywords,
            "social_chem" or "social-chem" or "socialchem" or "social_chem_101" or "social-chem-101" or "social_chemistry" => SocialChemistry,
            "social_iqa" or "socialiqa" or "social-iqa" or "siqa" => SocialIqa,
            "normbank" or "norm_bank" => NormBank,
            _ => s,
        };
    }
}
