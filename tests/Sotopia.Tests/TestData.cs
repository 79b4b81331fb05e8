namespace SotopiaPi.Sotopia.Tests;

/// <summary>Locates the shared original SOTOPIA data (<c>shared/data/sotopia</c>), which lives beside the
/// repository clone (<c>&lt;dir&gt;/shared</c> next to <c>&lt;dir&gt;/&lt;clone&gt;</c>). Tests that need it fail with a
/// clear message when it is missing; they never skip.</summary>
internal static class TestData
{
    /// <summary>The <c>shared/data/sotopia</c> folder, found by walking up from the test binaries.</summary>
    public static string SotopiaRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", "sotopia");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException(
                $"The shared SOTOPIA data was not found: no 'shared/data/sotopia' folder in '{AppContext.BaseDirectory}' " +
                "or any of its parents. Put the 'shared' folder beside the repository clone (<dir>/shared next to <dir>/<clone>).");
        }
    }

    /// <summary>The original SOTOPIA JSONL folder (40 characters, 120 relationships, 90 scenarios, 450 tasks).</summary>
    public static string SotopiaOriginal => RequireDirectory(Path.Combine(SotopiaRoot, "sotopia_original"));

    /// <summary>SOTOPIA-π's split file (set name → scenario ids).</summary>
    public static string SotopiaPiUsedEnv => RequireFile(Path.Combine(SotopiaRoot, "sotopia_pi", "used_env.json"));

    /// <summary>The repository's own starter dataset (<c>data/starter</c>).</summary>
    public static string Starter
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SotopiaPi.sln")))
                {
                    return RequireDirectory(Path.Combine(dir.FullName, "data", "starter"));
                }
            }
            throw new InvalidOperationException($"The repository root (SotopiaPi.sln) was not found above '{AppContext.BaseDirectory}'.");
        }
    }

    private static string RequireDirectory(string path) =>
        Directory.Exists(path) ? path : throw new InvalidOperationException($"Expected the shared data folder '{path}', which is missing.");

    private static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"Expected the shared data file '{path}', which is missing.");
}
